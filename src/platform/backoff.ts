import type { Logger } from './log.ts';

/**
 * How background loops behave when the database (or anything a whole pass needs) is lost:
 * instead of trying, and logging, at their normal pace (each worker once a second, each job
 * queue every two), they wait twice as long after each failure in a row, up to a ceiling
 * (WORKER_BACKOFF_MAX_SECONDS), and log once per attempt; the first success resets them and
 * says so in the log.
 */
export const DEFAULT_BACKOFF_MAX_MS = 60_000;

/** The wait after `failures` failures in a row: base × 2^failures, at most maxMs. */
export const failureDelay = (failures: number, baseMs: number, maxMs: number) => Math.min(maxMs, baseMs * 2 ** Math.max(1, failures));

export interface PollingLoop {
  start(): void;
  /** Ends the loop (a wait in progress too); resolves once the pass in hand is done. */
  stop(): Promise<void>;
  /** Runs a pass now instead of at the next poll; does not cut a failure's wait short. */
  wake(): void;
}

/**
 * A worker's loop: passes while they find work, a poll every `pollMs` (or a wake) when there
 * is none, and after a failed pass the backoff above.
 */
export function pollingLoop(o: { name: string; work: () => Promise<number>; pollMs: number; maxBackoffMs?: number | undefined; log: Logger }): PollingLoop {
  const maxMs = o.maxBackoffMs ?? DEFAULT_BACKOFF_MAX_MS;
  let running = false;
  let loop: Promise<void> | undefined;
  let woken = false;
  let wakeUp: (() => void) | undefined;
  let interrupt: (() => void) | undefined;
  let failures = 0;

  const sleep = (ms: number, wakeable: boolean) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        wakeUp = undefined;
        interrupt = undefined;
        resolve();
      }
      interrupt = done;
      if (wakeable) wakeUp = done;
    });

  async function run() {
    while (running) {
      woken = false;
      let worked = 0;
      try {
        worked = await o.work();
        if (failures > 0) o.log.info({ lane: o.name, failures }, `${o.name}: working again after ${failures} failed passes`);
        failures = 0;
      } catch (e) {
        failures++;
        const wait = failureDelay(failures, o.pollMs, maxMs);
        o.log.error({ err: e, lane: o.name, failures, retry_in_ms: wait }, `${o.name} pass failed; next try in ${Math.round(wait / 100) / 10} s`);
        if (running) await sleep(wait, false);
        continue;
      }
      if (!running) break;
      if (worked > 0 || woken) continue;
      await sleep(o.pollMs, true);
    }
  }

  return {
    start() {
      if (running) return;
      running = true;
      loop = run();
    },
    async stop() {
      running = false;
      interrupt?.();
      await loop;
    },
    wake() {
      woken = true;
      wakeUp?.();
    },
  };
}

/**
 * A gate in front of a shared resource that several loops poll (pg-boss's workers, schedules
 * and maintenance all query through one adapter): after a failure, callers wait for the next
 * window (the backoff above) instead of failing at their own pace, and one failure per window
 * counts, however many callers tried in it. `counts` says which errors mean the resource is
 * gone (by default all); others pass through without closing the gate.
 */
export function failureGate(o: { baseMs: number; maxMs?: number | undefined; counts?: ((e: unknown) => boolean) | undefined }) {
  const maxMs = o.maxMs ?? DEFAULT_BACKOFF_MAX_MS;
  let failures = 0;
  let retryAt = 0;
  let generation = 0;
  let closed = false;
  // The next window: every caller that arrives while it is ahead waits for it, and all of them
  // try when it opens (one of their failures counts).
  let nextWindow: Promise<void> = Promise.resolve();
  let openWindow: () => void = () => {};

  return {
    /** Failures in a row (0 when the last attempt worked). */
    get failures() {
      return failures;
    },
    async run<T>(fn: () => Promise<T>): Promise<T> {
      if (failures > 0 && Date.now() < retryAt) {
        if (closed) throw new Error('stopping while the database is unavailable');
        await nextWindow;
        if (closed) throw new Error('stopping while the database is unavailable');
      }
      const mine = generation;
      try {
        const result = await fn();
        if (failures > 0) {
          failures = 0;
          generation++;
        }
        return result;
      } catch (e) {
        if (mine === generation && (o.counts?.(e) ?? true)) {
          failures++;
          generation++;
          const wait = failureDelay(failures, o.baseMs, maxMs);
          retryAt = Date.now() + wait;
          nextWindow = new Promise<void>((resolve) => {
            const timer = setTimeout(open, wait);
            function open() {
              clearTimeout(timer);
              resolve();
            }
            openWindow = open;
          });
        }
        throw e;
      }
    },
    /** Opens again (after close). */
    open() {
      closed = false;
    },
    /** Shutdown: callers waiting out a backoff fail at once, and so do later ones until an attempt is due. */
    close() {
      closed = true;
      openWindow();
    },
  };
}
