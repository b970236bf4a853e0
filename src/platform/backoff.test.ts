import { describe, expect, it } from 'vitest';
import { failureDelay, failureGate } from './backoff.ts';

describe('failureDelay', () => {
  it('doubles from twice the base and stops at the ceiling', () => {
    expect([1, 2, 3, 4, 5, 6].map((n) => failureDelay(n, 1000, 10_000))).toEqual([2000, 4000, 8000, 10_000, 10_000, 10_000]);
  });
});

describe('failureGate', () => {
  const gone = Object.assign(new Error('gone'), { gone: true });
  const fail = (e: unknown) => () => Promise.reject(e);

  it('holds callers back after a failure that counts, and one failure per window counts', async () => {
    const gate = failureGate({ baseMs: 40, maxMs: 1000, counts: (e) => (e as { gone?: boolean }).gone === true });
    await expect(gate.run(fail(gone))).rejects.toBe(gone);
    expect(gate.failures).toBe(1);
    const started = Date.now();
    // Three callers wait for the same window; their three failures count once.
    await Promise.allSettled([gate.run(fail(gone)), gate.run(fail(gone)), gate.run(fail(gone))]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(70);
    expect(gate.failures).toBe(2);
    // A success after the next window resets it.
    expect(await gate.run(async () => 'ok')).toBe('ok');
    expect(gate.failures).toBe(0);
  });

  it('lets errors that do not count through without holding anyone back', async () => {
    const gate = failureGate({ baseMs: 1000, counts: () => false });
    const other = new Error('a unique violation');
    await expect(gate.run(fail(other))).rejects.toBe(other);
    const started = Date.now();
    expect(await gate.run(async () => 1)).toBe(1);
    expect(Date.now() - started).toBeLessThan(100);
    expect(gate.failures).toBe(0);
  });

  it('lets waiting callers go, failing, when closed', async () => {
    const gate = failureGate({ baseMs: 5000 });
    await expect(gate.run(fail(gone))).rejects.toBe(gone);
    const waiting = gate.run(async () => 'never');
    gate.close();
    await expect(waiting).rejects.toThrow(/stopping/);
  });
});
