import { serve } from '@hono/node-server';
import type { AddressInfo } from 'node:net';
import { seedDemo } from './apps/demo.ts';
import type { Config } from './platform/config.ts';
import type { Database } from './platform/db/database.ts';
import { migrate } from './platform/db/migrate.ts';
import { openDatabase } from './platform/db/open.ts';
import { createServerApp } from './http.ts';
import { environmentModel } from './modules/assistant/index.ts';
import { createWebhookWorker } from './modules/webhooks/index.ts';
import { createStaffEmailWorker } from './modules/tenancy/index.ts';
import { createMailer } from './platform/mail.ts';
import { channelWorker, jobDefinitions } from './jobs.ts';
import { createJobs, type Jobs } from './platform/jobs/queue.ts';
import { configureOutbound, outboundRefusalAtSave } from './platform/http/outbound.ts';
import { systemClock } from './platform/clock.ts';
import { fairnessFromConfig } from './platform/fairness.ts';
import { createLogger, type Logger } from './platform/log.ts';
import { loadSecretBox, missingSecretBox } from './platform/secrets.ts';

export interface Running {
  url: string;
  db: Database;
  jobs: Jobs;
  close(): Promise<void>;
}

export interface RunningWorker {
  db: Database;
  jobs: Jobs;
  close(): Promise<void>;
}

/**
 * config -> database -> migrations -> (demo data) -> http, and the background workers unless
 * FRONTDESK_WORKERS is 'off' (they then run in `frontdesk worker` processes: see startWorker).
 */
export async function start(config: Config, log: Logger = createLogger(config.LOG_LEVEL)): Promise<Running> {
  const running = await boot(config, log, { http: true, workers: config.FRONTDESK_WORKERS === 'on' });
  return { ...running, url: running.url! };
}

/**
 * The background workers alone, with no HTTP server (`frontdesk worker`): assistant turns of
 * queued inbound messages, the outbox and SMS sends, outbound webhooks, staff e-mail and the
 * job queue. Any number of them, beside any number of servers, share one PostgreSQL: the
 * workers claim their rows with SKIP LOCKED and the job queue is pg-boss's, so nothing runs
 * twice. The embedded database belongs to one process, so it refuses.
 */
export async function startWorker(config: Config, log: Logger = createLogger(config.LOG_LEVEL)): Promise<RunningWorker> {
  if (!config.DATABASE_URL) throw new Error('frontdesk worker needs DATABASE_URL (PostgreSQL): the embedded database belongs to the one process of `frontdesk serve`');
  const { db, jobs, close } = await boot(config, log, { http: false, workers: true });
  return { db, jobs, close };
}

async function boot(config: Config, log: Logger, run: { http: boolean; workers: boolean }): Promise<{ url: string | undefined; db: Database; jobs: Jobs; close(): Promise<void> }> {
  if (!run.workers && !config.DATABASE_URL) throw new Error('FRONTDESK_WORKERS=off needs DATABASE_URL: on the embedded database nothing else could run the workers');
  configureOutbound({ allowedHosts: config.OUTBOUND_ALLOWED_HOSTS, log: log.child({ component: 'outbound' }) });
  // The operator's own endpoints fall under the same policy: say so now rather than at the first failed call.
  for (const key of ['LLM_BASE_URL', 'WHATSAPP_GRAPH_URL', 'TWILIO_API_URL', 'VAPI_API_URL'] as const) {
    const why = config[key] ? outboundRefusalAtSave(config[key]) : null;
    if (why) log.warn({ [key]: config[key], why }, `${key} will be refused: add its host to OUTBOUND_ALLOWED_HOSTS`);
  }
  const db = await openDatabase({
    databaseUrl: config.DATABASE_URL,
    dataDir: config.FRONTDESK_DATA_DIR,
    owner: run.http ? `frontdesk serve on port ${config.PORT}` : `frontdesk worker (pid ${process.pid})`,
    acquireTimeoutMs: config.DB_ACQUIRE_TIMEOUT_MS,
  });
  // The demo seeds the demo WhatsApp number's tokens sealed, so the key is loaded before it.
  const secretBox = () => loadSecretBox({ key: config.FRONTDESK_SECRET_KEY, dataDir: db.kind === 'pglite' ? config.FRONTDESK_DATA_DIR : undefined });
  try {
    const report = await migrate(db);
    if (report.applied.length) log.info({ applied: report.applied }, 'migrations applied');
    const fresh = report.alreadyApplied === 0;
    // A worker leaves the demo to the server, which seeds it before it takes requests.
    const demo = run.http && (config.FRONTDESK_DEMO === 'always' || (config.FRONTDESK_DEMO === 'auto' && fresh && db.kind === 'pglite'));
    if (demo) {
      const seeded = await seedDemo(db, systemClock, { publicUrl: config.PUBLIC_URL ?? `http://${config.HOST}:${config.PORT}`, secrets: await secretBox().then((box) => (box === missingSecretBox ? undefined : box)) });
      log.info({ workspaces: seeded.map((w) => w.slug) }, 'demo workspaces ready');
    }
  } catch (e) {
    await db.close();
    throw e;
  }

  const secrets = await secretBox();
  // Without workers the queue only takes jobs (send), for the worker processes to run.
  const jobs = createJobs({ db, log, definitions: jobDefinitions({ db, clock: systemClock, log, secrets }), work: run.workers, maxBackoffMs: config.WORKER_BACKOFF_MAX_SECONDS * 1000 });
  await jobs.start();
  // Answers stored inbound messages and delivers the outbox; its state is in the database.
  const llm = environmentModel(config);
  const fairness = fairnessFromConfig(config);
  const channels = channelWorker({ db, clock: systemClock, log, secrets, llm, timeoutMaxMs: fairness.llmTimeoutMaxMs }, config);
  // Signs and sends outbound webhooks; like the outbox, its state is in the database.
  const webhooks = createWebhookWorker({
    db,
    clock: systemClock,
    log,
    secrets,
    leaseMs: config.OUTBOX_LEASE_SECONDS * 1000,
    maxBackoffMs: config.WORKER_BACKOFF_MAX_SECONDS * 1000,
  });
  // Staff notifications by e-mail, when the operator gave an SMTP server.
  const mailer = config.SMTP_URL ? createMailer({ url: config.SMTP_URL, from: config.SMTP_FROM }) : undefined;
  const staffEmail = mailer
    ? createStaffEmailWorker({ db, clock: systemClock, log, mailer, publicUrl: config.PUBLIC_URL, leaseMs: config.OUTBOX_LEASE_SECONDS * 1000, maxBackoffMs: config.WORKER_BACKOFF_MAX_SECONDS * 1000 })
    : undefined;
  const app = run.http ? createServerApp({
    db,
    log,
    clock: systemClock,
    secrets,
    publicUrl: config.PUBLIC_URL,
    mailer,
    corsOrigins: config.CORS_ORIGINS,
    trustedProxies: config.TRUSTED_PROXIES,
    rateLimitMaxKeys: config.RATE_LIMIT_MAX_KEYS,
    maxBodyBytes: config.HTTP_MAX_BODY_BYTES,
    maxJsonDepth: config.HTTP_MAX_JSON_DEPTH,
    jobQueueSchema: 'pgboss',
    llm,
    guestCheckout: { holdMinutes: config.GUEST_HOLD_MINUTES, perSession: config.GUEST_HOLDS_PER_SESSION, perAddress: config.GUEST_HOLDS_PER_ADDRESS },
    fairness,
    providers: { whatsappGraphUrl: config.WHATSAPP_GRAPH_URL, twilioApiUrl: config.TWILIO_API_URL, vapiApiUrl: config.VAPI_API_URL },
  }) : undefined;
  const server = app ? serve({ fetch: app.fetch, hostname: config.HOST, port: config.PORT }) : undefined;
  if (server) {
    await new Promise<void>((resolve, reject) => {
      server.once('listening', resolve);
      server.once('error', reject);
    });
  }
  // After the webhooks are up: status callbacks that settle sends from before a restart land first.
  if (run.workers) {
    channels.start();
    webhooks.start();
    staffEmail?.start();
  }
  const address = server?.address() as AddressInfo | undefined;
  const url = address && `http://${address.address.includes(':') ? `[${address.address}]` : address.address}:${address.port}`;

  let closing: Promise<void> | undefined;
  return {
    url,
    db,
    jobs,
    close() {
      // Stop accepting, let requests in flight finish, let running jobs finish, then release the database.
      closing ??= new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()))
        .then(() => Promise.all([channels.stop(), webhooks.stop(), staffEmail?.stop()]))
        .then(() => mailer?.close())
        .then(() => jobs.stop())
        .then(() => db.close());
      return closing;
    },
  };
}
