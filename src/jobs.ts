import type { DeliveryOptions } from './platform/claim-loop.ts';
import { answerInbound } from './apps/answer.ts';
import {
  DEFAULT_TWILIO_API_URL,
  createChannelWorker,
  createSmsWorker,
  twilioSmsSender,
  webchatSender,
  whatsappSender,
  withSmsDelivery,
  type ChannelSender,
  type ChannelWorker,
} from './modules/channels/index.ts';
import { aiComparisonJobs, type EnvironmentModel } from './modules/assistant/index.ts';
import { tellCustomerAboutPayment } from './apps/ari/payment-events.ts';
import { analyticsJobs } from './modules/analytics/index.ts';
import { knowledgeJobs } from './modules/knowledge/index.ts';
import { paymentsJobs } from './modules/payments/index.ts';
import { schedulingJobs } from './modules/scheduling/index.ts';
import { notify } from './notify.ts';
import type { Clock } from './platform/clock.ts';
import type { Database } from './platform/db/database.ts';
import type { Logger } from './platform/log.ts';
import { withServiceRole } from './platform/db/tenant.ts';
import type { JobDefinition } from './platform/jobs/queue.ts';
import type { SecretBox } from './platform/secrets.ts';

/**
 * Every background job of the product, with its schedule. Jobs that span tenants run as
 * the service role; jobs for one workspace run as that workspace's system actor.
 */
export function jobDefinitions({ db, clock, log, secrets }: { db: Database; clock: Clock; log: Logger; secrets?: SecretBox | undefined }): JobDefinition<any>[] {
  return [
    ...paymentsJobs({ db, clock, log, onPaymentChange: tellCustomerAboutPayment, secrets }),
    ...aiComparisonJobs({ db, clock, log }),
    ...analyticsJobs({ db, clock, log }),
    ...schedulingJobs({ db, clock, log, notify }),
    ...knowledgeJobs({ db, clock, log }),
    {
      // Seed 003: guest checkout sessions live 24 hours; sweep them daily.
      name: 'cleanup-guest-sessions',
      cron: '17 3 * * *',
      handler: async () => {
        await withServiceRole(db, (tx) => tx.query('select public.cleanup_expired_guest_sessions()'));
      },
    },
    {
      // The original ARI kept the newest 50 notifications per person; the rest go hourly.
      name: 'prune-staff-notifications',
      cron: '23 * * * *',
      handler: async () => {
        await withServiceRole(db, (tx) => tx.query('select app.prune_staff_notifications(50)'));
      },
    },
    {
      // Seed 003: analytics events are kept 90 days; sweep monthly.
      name: 'cleanup-platform-events',
      cron: '41 3 1 * *',
      handler: async () => {
        await withServiceRole(db, (tx) => tx.query('select public.cleanup_old_platform_events()'));
      },
    },
  ];
}

export interface ChannelWorkerConfig {
  WHATSAPP_GRAPH_URL?: string | undefined;
  TWILIO_API_URL?: string | undefined;
  OUTBOX_LEASE_SECONDS?: number | undefined;
  OUTBOX_RECONCILE_SECONDS?: number | undefined;
  WORKER_BACKOFF_MAX_SECONDS?: number | undefined;
}

/**
 * The channels' worker: assistant turns for stored inbound messages, and the outbox through
 * each channel's sender. A channel that sends adds its ChannelSender here.
 */
export function channelWorker(
  { db, clock, log, secrets, llm, timeoutMaxMs }: { db: Database; clock: Clock; log: Logger; secrets: SecretBox; llm?: EnvironmentModel | undefined; timeoutMaxMs?: number | undefined },
  config: ChannelWorkerConfig = {},
  extra: { senders?: ChannelSender<any>[]; pollMs?: number; backoffMs?: number; maxBackoffMs?: number } = {},
): ChannelWorker {
  // The outbox's worker and the SMS worker claim, retry and back off alike.
  const delivery: DeliveryOptions = {
    ...(config.OUTBOX_LEASE_SECONDS !== undefined ? { leaseMs: config.OUTBOX_LEASE_SECONDS * 1000 } : {}),
    ...(config.OUTBOX_RECONCILE_SECONDS !== undefined ? { reconcileMs: config.OUTBOX_RECONCILE_SECONDS * 1000 } : {}),
    ...(extra.pollMs !== undefined ? { pollMs: extra.pollMs } : {}),
    ...(extra.backoffMs !== undefined ? { backoffMs: extra.backoffMs } : {}),
    maxBackoffMs: extra.maxBackoffMs ?? (config.WORKER_BACKOFF_MAX_SECONDS !== undefined ? config.WORKER_BACKOFF_MAX_SECONDS * 1000 : undefined),
  };
  const channels = createChannelWorker({
    db,
    clock,
    log: log.child({ worker: 'channels' }),
    secrets,
    answer: (scope, input, hooks) => answerInbound(scope, input, { secrets, llm, timeoutMaxMs }, hooks),
    senders: [whatsappSender({ graphUrl: config.WHATSAPP_GRAPH_URL }), twilioSmsSender({ apiUrl: config.TWILIO_API_URL }), webchatSender(), ...(extra.senders ?? [])],
    ...delivery,
  });
  // The assistant's SMS replies are kept in sms_messages, which the SMS worker delivers.
  const texts = createSmsWorker({
    db,
    clock,
    log: log.child({ worker: 'sms' }),
    secrets,
    apiUrl: config.TWILIO_API_URL ?? DEFAULT_TWILIO_API_URL,
    ...delivery,
  });
  return withSmsDelivery(channels, texts);
}
