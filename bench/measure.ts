import { performance } from 'node:perf_hooks';

export interface Measurement {
  requests: number;
  seconds: number;
  p50: number;
  p99: number;
}

/**
 * Runs `op(i)` with `concurrency` calls in flight until `limit` calls are done or `budgetMs`
 * has passed, and reports throughput and latency percentiles (sorted, nearest rank).
 */
export async function measure(op: (i: number) => Promise<void>, o: { concurrency: number; limit: number; budgetMs: number }): Promise<Measurement> {
  const latencies: number[] = [];
  let next = 0;
  const start = performance.now();
  const deadline = start + o.budgetMs;
  async function worker() {
    while (next < o.limit && performance.now() < deadline) {
      const i = next++;
      const t0 = performance.now();
      await op(i);
      latencies.push(performance.now() - t0);
    }
  }
  await Promise.all(Array.from({ length: o.concurrency }, worker));
  const seconds = (performance.now() - start) / 1000;
  latencies.sort((a, b) => a - b);
  const rank = (q: number) => latencies[Math.max(0, Math.ceil(q * latencies.length) - 1)] ?? NaN;
  return { requests: latencies.length, seconds, p50: rank(0.5), p99: rank(0.99) };
}
