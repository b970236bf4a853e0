import { pollingLoop } from './backoff.ts';
import type { Logger } from './log.ts';

/**
 * How a delivery worker claims, sends and retries. The outbox's worker and Twilio's SMS worker
 * take the same options with the same defaults (OUTBOX_LEASE_SECONDS, OUTBOX_RECONCILE_SECONDS
 * and WORKER_BACKOFF_MAX_SECONDS set them for both).
 */
export interface DeliveryOptions {
  /** How often to look for work when nobody wakes the worker (other processes, staff replies). */
  pollMs?: number;
  /** How long a claimed send may take before its outcome counts as unknown. */
  leaseMs?: number;
  /**
   * How long after a claim expired to wait for the provider's status callback before the
   * message may be sent again (see docs/architecture.md, "Channels").
   */
  reconcileMs?: number;
  /** Sends in flight at once. */
  concurrency?: number;
  maxAttempts?: number;
  /** The first retry's delay; each later one doubles, up to an hour. */
  backoffMs?: number;
  /** The longest wait between passes while they fail (the database lost): WORKER_BACKOFF_MAX_SECONDS. */
  maxBackoffMs?: number | undefined;
}

export type DeliverySettings = Required<Omit<DeliveryOptions, 'maxBackoffMs'>> & Pick<DeliveryOptions, 'maxBackoffMs'>;

export const deliverySettings = (o: DeliveryOptions): DeliverySettings => ({
  pollMs: o.pollMs ?? 1000,
  leaseMs: o.leaseMs ?? 60_000,
  reconcileMs: o.reconcileMs ?? 15 * 60_000,
  concurrency: o.concurrency ?? 8,
  maxAttempts: o.maxAttempts ?? 8,
  backoffMs: o.backoffMs ?? 2000,
  maxBackoffMs: o.maxBackoffMs,
});

const MAX_RETRY_MS = 3_600_000;

/** The wait before the try after failed attempt number `attempt` (1 on the first): baseMs, doubling each time, at most an hour. */
export const backoff = (attempt: number, baseMs: number) => Math.min(MAX_RETRY_MS, baseMs * 2 ** Math.max(0, attempt - 1));

/** When to try again after failed attempt number `attempt`, or null once it was the last one allowed. */
export const retryAt = (now: Date, attempt: number, s: Pick<DeliverySettings, 'maxAttempts' | 'backoffMs'>): Date | null =>
  attempt >= s.maxAttempts ? null : new Date(now.getTime() + backoff(attempt, s.backoffMs));

export interface ClaimLoop {
  start(): void;
  /** Stops claiming; resolves once the items in hand are worked (a wait in progress ends at once). */
  stop(): Promise<void>;
  /** Looks for work now instead of at the next poll (not during a failure's backoff). */
  wake(): void;
  /** One pass: claims what is due and works it all; how many items it claimed. */
  pass(): Promise<number>;
  /** Passes until one claims nothing (tests, benchmarks); how many items were claimed in all. */
  drain(): Promise<number>;
}

/**
 * The one loop every sender runs on: claim what is due (a committed claim with a lease, so a
 * second worker skips it and a crashed one's items come back when the lease runs out), work
 * the claimed items side by side, and go again while there was work, else sleep until woken or
 * `pollMs`. A pass that fails (the claim's database lost) is retried after a wait that doubles
 * with each failure in a row, up to `maxBackoffMs`, and resets on the first pass that works
 * (platform/backoff.ts's pollingLoop). An item's own failure is the item's: `failed` hears of
 * it and the loop goes on, the item's lease bringing it back.
 */
export function claimLoop<T>(o: {
  name: string;
  log: Logger;
  pollMs: number;
  maxBackoffMs?: number | undefined;
  claim: () => Promise<T[]>;
  work: (item: T) => Promise<void>;
  failed: (item: T, error: unknown) => void;
}): ClaimLoop {
  async function pass(): Promise<number> {
    const claimed = await o.claim();
    await Promise.all(
      claimed.map(async (item) => {
        try {
          await o.work(item);
        } catch (e) {
          o.failed(item, e);
        }
      }),
    );
    return claimed.length;
  }
  const loop = pollingLoop({ name: o.name, work: pass, pollMs: o.pollMs, maxBackoffMs: o.maxBackoffMs, log: o.log });
  return {
    start: () => loop.start(),
    stop: () => loop.stop(),
    wake: () => loop.wake(),
    pass,
    async drain() {
      let total = 0;
      for (;;) {
        const n = await pass();
        total += n;
        if (n === 0) return total;
      }
    },
  };
}
