import { pino } from 'pino';
import { describe, expect, it, vi } from 'vitest';
import { backoff, claimLoop, retryAt } from './claim-loop.ts';

/** A logger whose lines the test reads back. */
function capturedLog() {
  const lines: Record<string, any>[] = [];
  const log = pino({ level: 'debug' }, { write: (line: string) => void lines.push(JSON.parse(line)) });
  return { log, lines };
}

const deferred = () => {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
};

const settled = async (p: Promise<unknown>, ms: number) => Promise.race([p.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), ms))]);

describe("a send's retry", () => {
  it('waits the base delay after the first attempt, doubling after each, at most an hour', () => {
    expect([1, 2, 3, 4].map((a) => backoff(a, 2000))).toEqual([2000, 4000, 8000, 16000]);
    expect(backoff(30, 2000)).toBe(3_600_000);
  });

  it('is not due again once the attempts are spent', () => {
    const now = new Date('2026-12-07T00:00:00Z');
    expect(retryAt(now, 3, { maxAttempts: 8, backoffMs: 1000 })).toEqual(new Date('2026-12-07T00:00:04Z'));
    expect(retryAt(now, 8, { maxAttempts: 8, backoffMs: 1000 })).toBeNull();
  });
});

describe('the claim loop every sender runs on', () => {
  it('waits twice as long after each failed pass in a row, up to the ceiling, and from the start again once a pass works', async () => {
    const { log, lines } = capturedLog();
    const script = ['fail', 'fail', 'fail', 'fail', 'ok', 'fail', 'ok'];
    const calls: number[] = [];
    const loop = claimLoop<string>({
      name: 'test sender',
      log,
      pollMs: 10,
      maxBackoffMs: 80,
      claim: async () => {
        calls.push(performance.now());
        if (script[calls.length - 1] === 'fail') throw new Error('connect ECONNREFUSED 127.0.0.1:5432');
        return [];
      },
      work: async () => {},
      failed: () => {},
    });
    loop.start();
    await vi.waitFor(() => expect(calls.length).toBeGreaterThanOrEqual(script.length), { timeout: 5000, interval: 5 });
    await loop.stop();

    const waits = lines.filter((l) => l.msg.includes('pass failed')).map((l) => l.retry_in_ms);
    expect(waits).toEqual([20, 40, 80, 80, 20]);
    expect(lines.filter((l) => l.msg.includes('working again')).map((l) => l.failures)).toEqual([4, 1]);
    // Each failure's wait is kept before the next claim (the timer never fires early by more than its rounding).
    for (let i = 0; i < 4; i++) expect(calls[i + 1]! - calls[i]!).toBeGreaterThanOrEqual(waits[i]! - 1);
    expect(calls[6]! - calls[5]!).toBeGreaterThanOrEqual(19);
  });

  it('stops at once while it waits out a failure', async () => {
    const loop = claimLoop<string>({
      name: 'test sender',
      log: capturedLog().log,
      pollMs: 60_000,
      claim: async () => {
        throw new Error('the database is gone');
      },
      work: async () => {},
      failed: () => {},
    });
    loop.start();
    const started = performance.now();
    await new Promise((r) => setTimeout(r, 20));
    await loop.stop();
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it('on shutdown claims nothing more and resolves only once the items in hand are done', async () => {
    const release = deferred();
    const events: string[] = [];
    let claims = 0;
    const loop = claimLoop<string>({
      name: 'test sender',
      log: capturedLog().log,
      pollMs: 5,
      claim: async () => (++claims === 1 ? ['slow', 'quick'] : []),
      work: async (item) => {
        events.push(`start ${item}`);
        if (item === 'slow') await release.promise;
        events.push(`done ${item}`);
      },
      failed: () => {},
    });
    loop.start();
    await vi.waitFor(() => expect(events).toContain('done quick'));
    const stopped = loop.stop().then(() => events.push('stopped'));
    expect(await settled(stopped, 50)).toBe(false);
    release.resolve();
    await stopped;
    expect(events).toEqual(['start slow', 'start quick', 'done quick', 'done slow', 'stopped']);
    const after = claims;
    await new Promise((r) => setTimeout(r, 30));
    expect(claims).toBe(after);
  });

  it('hands an item that throws to `failed` and goes on with the others and with later passes', async () => {
    const batches = [['a', 'b'], ['c']];
    const worked: string[] = [];
    const failed: [string, string][] = [];
    const loop = claimLoop<string>({
      name: 'test sender',
      log: capturedLog().log,
      pollMs: 5,
      claim: async () => batches.shift() ?? [],
      work: async (item) => {
        if (item === 'a') throw new Error('provider said no');
        worked.push(item);
      },
      failed: (item, e) => failed.push([item, (e as Error).message]),
    });
    loop.start();
    await vi.waitFor(() => expect(worked).toEqual(['b', 'c']));
    await loop.stop();
    expect(failed).toEqual([['a', 'provider said no']]);
  });

  it('looks for work at once when woken, and drains until a pass claims nothing', async () => {
    const due = ['x', 'y', 'z'];
    const worked: string[] = [];
    const loop = claimLoop<string>({
      name: 'test sender',
      log: capturedLog().log,
      pollMs: 60_000,
      claim: async () => due.splice(0, 2),
      work: async (item) => void worked.push(item),
      failed: () => {},
    });
    expect(await loop.drain()).toBe(3);
    expect(worked).toEqual(['x', 'y', 'z']);

    loop.start();
    // The first pass found nothing; the next waits a minute unless something wakes the loop.
    await new Promise((r) => setTimeout(r, 20));
    due.push('w');
    loop.wake();
    await vi.waitFor(() => expect(worked).toContain('w'), { timeout: 1000 });
    await loop.stop();
  });
});
