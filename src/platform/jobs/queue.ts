import PgBoss from 'pg-boss';
import type { Database, Tx } from '../db/database.ts';
import { fromDatabaseError, isConnectionUnavailable } from '../db/errors.ts';
import { failureGate } from '../backoff.ts';
import type { Logger } from '../log.ts';

/**
 * The one background queue: pg-boss on the application's own database (a PostgreSQL
 * server, or PGlite through pg-boss's executeSql adapter), so jobs survive restarts and a
 * job that a change causes is queued in the change's own transaction (the outbox).
 */
export interface JobDefinition<T = unknown> {
  name: string;
  /** Runs one job. Throwing fails the attempt; pg-boss retries with backoff up to retryLimit. */
  handler: (data: T, job: { id: string; retryCount: number }) => Promise<void>;
  /** A cron schedule (UTC, or `tz`) that sends this job with `cronData`. */
  cron?: string;
  tz?: string;
  cronData?: T;
  retryLimit?: number;
  retryDelaySeconds?: number;
  /** Seconds before a running job counts as lost and is retried. */
  expireInSeconds?: number;
}

export interface SendOptions {
  startAfter?: Date;
  /** Only one queued job with this key at a time. */
  singletonKey?: string;
  retryLimit?: number;
}

export interface Jobs {
  /** Queues a job inside `tx`: it exists if, and only if, the transaction commits. Needs start() first. */
  send<T extends object>(tx: Tx, name: string, data: T, options?: SendOptions): Promise<string | null>;
  /** Starts the workers and the schedules of the definitions given to createJobs. */
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Work every queue until nothing is due (tests and the CLI). */
  drain(): Promise<number>;
}

export interface JobsOptions {
  db: Database;
  log: Logger;
  definitions: JobDefinition<any>[];
  pollingIntervalSeconds?: number;
  /** Run workers and schedules (the server); false only queues (the CLI, tests that drain). */
  work?: boolean;
  /** The first wait after the queue's own queries fail (default 1 s); each later one doubles, up to maxBackoffMs. */
  backoffMs?: number;
  /** WORKER_BACKOFF_MAX_SECONDS in milliseconds (default 60 s). */
  maxBackoffMs?: number | undefined;
}

/**
 * pg-boss's own queries (its workers' polls, schedules, maintenance) go through one gate: with
 * the database lost they all wait for the next attempt, 2 s, 4 s, ... up to the ceiling,
 * instead of polling (and failing, and logging) every couple of seconds each.
 */
const databaseGone = (e: unknown): boolean => {
  if (isConnectionUnavailable(e) || fromDatabaseError(e)?.code === 'db.unavailable') return true;
  const code = (e as { code?: unknown } | null)?.code;
  return code === '42P01' || code === '3F000'; // the queue's tables or schema are missing
};

const adapterFor = (db: Database, gate: ReturnType<typeof failureGate>) => ({
  executeSql: (text: string, values?: unknown[]) => gate.run(() => db.execute(text, values)),
});

const txAdapter = (tx: Tx) => ({
  executeSql: async (text: string, values?: unknown[]) => {
    const r = await tx.query(text, values);
    return { rows: r.rows, rowCount: r.rowCount };
  },
});

export function createJobs(options: JobsOptions): Jobs {
  const { db, log, definitions } = options;
  const byName = new Map(definitions.map((d) => [d.name, d]));
  // Only a lost database (or one without the queue's tables) closes the gate: pg-boss's own
  // expected errors (a singleton's unique violation in a fetch) must not hold the queue back.
  const gate = failureGate({ baseMs: options.backoffMs ?? 1000, maxMs: options.maxBackoffMs, counts: databaseGone });
  const boss = new PgBoss({ db: adapterFor(db, gate) as never, schema: 'pgboss', supervise: options.work !== false, schedule: options.work !== false, migrate: true });
  // While the gate holds attempts back, every caller behind it fails with the same cause: one line per attempt.
  let loggedFailures = -1;
  boss.on('error', (e: unknown) => {
    const failures = gate.failures;
    if (failures > 0 && failures === loggedFailures) return;
    loggedFailures = failures;
    log.error({ err: e, ...(failures > 0 ? { failures } : {}) }, failures > 1 ? `job queue error (${failures} failed attempts in a row; backing off)` : 'job queue error');
  });
  let started: Promise<void> | undefined;

  async function run(def: JobDefinition, job: { id: string; data: unknown; retryCount?: number }) {
    const jobLog = log.child({ job: def.name, job_id: job.id });
    try {
      await def.handler(job.data, { id: job.id, retryCount: job.retryCount ?? 0 });
    } catch (e) {
      jobLog.warn({ err: e, retry: job.retryCount ?? 0 }, 'job failed');
      throw e;
    }
  }

  async function ensureStarted() {
    started ??= (async () => {
      gate.open();
      await boss.start();
      for (const def of definitions) {
        await boss.createQueue(def.name, {
          retryLimit: def.retryLimit ?? 5,
          retryDelay: def.retryDelaySeconds ?? 10,
          retryBackoff: true,
          expireInSeconds: def.expireInSeconds ?? 300,
        } as never);
        // Warms pg-boss's queue cache: a cache miss inside send() would query outside the
        // caller's transaction, which on PGlite waits for that very transaction.
        await boss.getQueueStats(def.name);
      }
      if (options.work !== false) {
        for (const def of definitions) {
          await boss.work(def.name, { pollingIntervalSeconds: options.pollingIntervalSeconds ?? 2, batchSize: 1, includeMetadata: true } as never, async (jobs: { id: string; data: unknown; retryCount?: number }[]) => {
            for (const job of jobs) await run(def, job);
          });
          if (def.cron) await boss.schedule(def.name, def.cron, (def.cronData ?? {}) as object, def.tz ? { tz: def.tz } : {});
        }
      }
    })();
    return started;
  }

  return {
    async send(tx, name, data, o = {}) {
      // Starting here would deadlock on PGlite: pg-boss's own statements would wait for the
      // very transaction `tx` holds. The queue is started at boot.
      if (!started) throw new Error('the job queue is not started');
      await started;
      if (!byName.has(name)) throw new Error(`no job definition named ${name}`);
      return boss.send(name, data, {
        db: txAdapter(tx),
        ...(o.startAfter ? { startAfter: o.startAfter } : {}),
        ...(o.singletonKey ? { singletonKey: o.singletonKey } : {}),
        ...(o.retryLimit !== undefined ? { retryLimit: o.retryLimit } : {}),
      } as never);
    },
    start: ensureStarted,
    async stop() {
      if (!started) return;
      await started;
      gate.close(); // workers waiting out a backoff give up now rather than after it
      await boss.stop({ graceful: true, wait: true, close: false } as never);
      started = undefined;
    },
    async drain() {
      await ensureStarted();
      let done = 0;
      for (let progress = true; progress; ) {
        progress = false;
        for (const def of definitions) {
          const jobs = (await boss.fetch(def.name, { batchSize: 10, includeMetadata: true } as never)) as { id: string; data: unknown; retryCount?: number }[] | null;
          for (const job of jobs ?? []) {
            try {
              await run(def, job);
              await boss.complete(def.name, job.id);
            } catch (e) {
              await boss.fail(def.name, job.id, { message: (e as Error).message });
            }
            done++;
            progress = true;
          }
        }
      }
      return done;
    },
  };
}
