/**
 * The load generator for bench/api.ts, in its own process so that the cost of sending
 * requests (fetch, undici) is not charged to the server it measures. It takes one job at a
 * time over IPC and answers with the measurement (and the ids of contacts it created).
 */
import { measure, type Measurement } from './measure.ts';

export type ClientJob =
  | { kind: 'create'; base: string; headers: Record<string, string>; firstPhone: number; concurrency: number; limit: number; budgetMs: number }
  | { kind: 'read'; base: string; headers: Record<string, string>; ids: string[]; concurrency: number; limit: number; budgetMs: number };

export type ClientResult = { ok: true; measurement: Measurement; ids: string[] } | { ok: false; error: string };

/** A distinct, valid Indonesian mobile number per contact (phones are unique per workspace). */
export const phoneNumber = (n: number) => `+62812${String(10_000_000 + n)}`;

async function expectStatus(res: Response, status: number, what: string) {
  if (res.status !== status) throw new Error(`${what}: HTTP ${res.status} ${await res.text()}`);
}

async function run(job: ClientJob): Promise<ClientResult> {
  const ids: string[] = [];
  const options = { concurrency: job.concurrency, limit: job.limit, budgetMs: job.budgetMs };
  if (job.kind === 'create') {
    const measurement = await measure(async (i) => {
      const n = job.firstPhone + i;
      const res = await fetch(`${job.base}/contacts`, {
        method: 'POST',
        headers: job.headers,
        body: JSON.stringify({ name: `Contact ${n}`, phone: phoneNumber(n), email: `contact-${n}@example.test` }),
      });
      await expectStatus(res, 201, 'POST /contacts');
      ids.push(((await res.json()) as { id: string }).id);
    }, options);
    return { ok: true, measurement, ids };
  }
  const measurement = await measure(async (i) => {
    const res = await fetch(`${job.base}/contacts/${job.ids[i % job.ids.length]}`, { headers: job.headers });
    await expectStatus(res, 200, 'GET /contacts/{id}');
    await res.arrayBuffer();
  }, options);
  return { ok: true, measurement, ids };
}

process.on('message', (job: ClientJob) => {
  run(job).then(
    (result) => process.send!(result),
    (e: unknown) => process.send!({ ok: false, error: (e as Error)?.message ?? String(e) } satisfies ClientResult),
  );
});
