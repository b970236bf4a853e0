import type { Clock } from '../../../platform/clock.ts';
import type { Database } from '../../../platform/db/database.ts';
import { withServiceRole, withTenant, type Actor } from '../../../platform/db/tenant.ts';
import type { Logger } from '../../../platform/log.ts';
import type { SecretBox } from '../../../platform/secrets.ts';
import { findChannelOfWorkspace } from '../settings/settings.service.ts';
import * as texts from '../../conversations/index.ts';
import { sendSms, type SmsSendOutcome } from './twilio.protocol.ts';
import { twilioCallbackUrl, STATUS_PATH } from './twilio.webhook.ts';
import { overtakenByPerson, TAKEN_OVER } from '../outbox/sender.ts';
import { claimLoop, deliverySettings, retryAt, type DeliveryOptions } from '../../../platform/claim-loop.ts';
import type { ChannelWorker } from '../outbox/worker.ts';

export interface SmsWorkerOptions extends DeliveryOptions {
  db: Database;
  secrets: SecretBox;
  clock: Clock;
  log: Logger;
  /** TWILIO_API_URL. */
  apiUrl: string;
}

export interface SmsWorker {
  start(): void;
  /** Stops claiming; resolves once the sends in hand are recorded. */
  stop(): Promise<void>;
  /** Sends until nothing is due (tests). */
  drain(): Promise<number>;
}

/**
 * Sends the text messages queued in sms_messages through Twilio's REST API, with retries and
 * exponential backoff, outside any transaction, and records each SM sid. Its state is all in
 * the database, so a restart picks up where it stopped.
 */
export function createSmsWorker(o: SmsWorkerOptions): SmsWorker {
  const settings = deliverySettings(o);
  const { leaseMs, reconcileMs, concurrency } = settings;
  const system = (workspaceId: string): Actor => ({ kind: 'system', workspaceId });

  async function deliver(claim: texts.ClaimedSms): Promise<void> {
    const ws = claim.workspace_id;
    const log = o.log.child({ workspace_id: ws, sms_id: claim.id, attempt: claim.attempts });
    const prepared = await withTenant(o.db, system(ws), async (tx) => {
      const sms = await texts.outgoingSms(tx, ws, claim.id);
      if (!sms || sms.status !== 'sending' || sms.provider_message_id) return undefined;
      // The assistant's texts carry the turn that wrote them.
      if (overtakenByPerson({ byAssistant: typeof sms.metadata.ari_message_id === 'string', owner: sms.owner, metadata: sms.metadata })) {
        await texts.recordSmsAttemptFailed(tx, ws, sms.id, { reason: TAKEN_OVER, errorCode: null, retryAt: null });
        return undefined;
      }
      return { sms, account: await findChannelOfWorkspace(tx, o.secrets, ws, 'twilio') };
    });
    if (!prepared) return;
    const { sms, account } = prepared;
    let result: SmsSendOutcome;
    if (!account?.secrets.auth_token) result = { outcome: 'failed', reason: 'Twilio is not set up in this workspace', errorCode: null };
    else if (!sms.phone_number) result = { outcome: 'failed', reason: 'the contact has no phone number', errorCode: null };
    else {
      const s = account.settings;
      // The number the customer wrote to answers them; a Messaging Service picks its own.
      const from = s.messaging_service_sid ? { messagingServiceSid: s.messaging_service_sid } : { number: sms.business_number ?? s.phone_numbers[0]! };
      result = await sendSms(
        { baseUrl: o.apiUrl, accountSid: s.account_sid, authToken: account.secrets.auth_token },
        { to: sms.phone_number, from, body: sms.message_body, statusCallback: `${twilioCallbackUrl(s.webhook_url, STATUS_PATH)}?sms=${sms.id}` },
      );
    }
    await withTenant(o.db, system(ws), async (tx) => {
      const now = o.clock.now();
      if (result.outcome === 'sent') await texts.recordSmsSent(tx, ws, sms.id, { sid: result.sid, numSegments: result.numSegments, now });
      // Twilio may have it: the claim runs out and the status callback (which names our id) or,
      // failing that, a resend after reconcileMs settles it.
      else if (result.outcome === 'unknown') await texts.recordSmsOutcomeUnknown(tx, ws, sms.id, result.reason);
      else {
        const retry = result.outcome === 'retry' ? retryAt(now, claim.attempts, settings) : null;
        await texts.recordSmsAttemptFailed(tx, ws, sms.id, { reason: result.reason, errorCode: result.outcome === 'failed' ? result.errorCode : null, retryAt: retry });
      }
    });
    if (result.outcome === 'sent') log.debug({ sid: result.sid }, 'sms sent');
    else log.warn({ reason: result.reason, outcome: result.outcome }, 'sms not sent');
  }

  const loop = claimLoop({
    name: 'sms worker',
    log: o.log,
    pollMs: settings.pollMs,
    maxBackoffMs: settings.maxBackoffMs,
    claim: () => withServiceRole(o.db, (tx) => texts.claimDueSms(tx, { now: o.clock.now(), leaseMs, reconcileMs, limit: concurrency })),
    work: deliver,
    failed: (c, e) => o.log.error({ err: e, sms_id: c.id }, 'recording an sms send failed; the claim expires and the status callback reconciles it'),
  });

  return { start: loop.start, stop: loop.stop, drain: loop.drain };
}

/**
 * The channel worker and the SMS worker run and stop together: the channel worker's turns
 * queue the SMS replies this one sends. `drain` runs both until neither has work.
 */
export function withSmsDelivery(channels: ChannelWorker, sms: SmsWorker): ChannelWorker {
  return {
    start() {
      channels.start();
      sms.start();
    },
    async stop() {
      await Promise.all([channels.stop(), sms.stop()]);
    },
    async drain() {
      const total = { turns: 0, sends: 0 };
      for (;;) {
        const done = await channels.drain();
        const texts = await sms.drain();
        total.turns += done.turns;
        total.sends += done.sends + texts;
        if (done.turns === 0 && done.sends === 0 && texts === 0) return total;
      }
    },
  };
}
