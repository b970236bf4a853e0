/**
 * WhatsApp end to end: signed webhooks from many contacts at once, posted to the real server
 * (createServerApp on @hono/node-server, 127.0.0.1) with the channel worker running as in
 * production, and the fake Meta (test/support/fakes/meta.ts) taking the replies. Prints accepted
 * webhooks per second, the time to acknowledge (p50, p99) and the time from posting the
 * webhook to the assistant's reply reaching Meta (p50, p99), for each database.
 *
 *   npm run bench:channels                                      embedded PGlite only
 *   BENCH_DATABASE_URL=postgres://... npm run bench:channels    also PostgreSQL (or TEST_DATABASE_URL)
 *
 * Each contact sends one message; the webhooks are posted by the same process that serves
 * them (the load is light next to the assistant's turn). Knobs: BENCH_CONCURRENCY (16
 * webhooks in flight) and BENCH_MESSAGES (400).
 */
import { serve } from '@hono/node-server';
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { cpus } from 'node:os';
import { performance } from 'node:perf_hooks';
import { startFakeMeta, type FakeMeta } from '../test/support/fakes/meta.ts';
import { createServerApp } from '../src/http.ts';
import { channelWorker } from '../src/jobs.ts';
import { systemClock } from '../src/platform/clock.ts';
import type { Database } from '../src/platform/db/database.ts';
import { silentLogger } from '../src/platform/log.ts';
import { createSecretBox } from '../src/platform/secrets.ts';
import { benchServerUrl, onPglite, onScratchPostgres } from './databases.ts';
import { measure } from './measure.ts';

const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);
const MESSAGES = Number(process.env.BENCH_MESSAGES ?? 400);
const REPLY_TIMEOUT_MS = 300_000;

interface Result {
  database: string;
  webhooks: number;
  perSecond: number;
  ackP50: number;
  ackP99: number;
  replies: number;
  replyP50: number;
  replyP99: number;
}

const percentile = (sorted: number[], q: number) => sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)] ?? NaN;

async function json(res: Response, status: number, what: string) {
  if (res.status !== status) throw new Error(`${what}: HTTP ${res.status} ${await res.text()}`);
  return res.json() as Promise<any>;
}

async function benchmark(database: string, db: Database, fake: FakeMeta): Promise<Result> {
  const log = silentLogger();
  const secrets = createSecretBox(randomBytes(32));
  let confirmation = '';
  const app = createServerApp({ db, log, clock: systemClock, secrets, providers: { whatsappGraphUrl: fake.graphUrl }, sendSignUpConfirmation: (m) => void (confirmation = m.token) });
  const server = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 });
  await new Promise<void>((ok) => server.once('listening', () => ok()));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const worker = channelWorker({ db, clock: systemClock, log, secrets }, { WHATSAPP_GRAPH_URL: fake.graphUrl });
  try {
    const signup = await fetch(`${base}/api/v1/auth/signup`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: `bench-${randomBytes(4).toString('hex')}@example.test`, password: 'correct horse battery', name: 'Bench' }),
    });
    await json(signup, 202, 'sign up');
    const confirmed = await fetch(`${base}/api/v1/auth/signup/confirm`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token: confirmation }) });
    await json(confirmed, 201, 'confirm sign-up');
    const cookie = (confirmed.headers.get('set-cookie') ?? '').split(';')[0]!;
    const ws = await json(
      await fetch(`${base}/api/v1/workspaces`, { method: 'POST', headers: { 'content-type': 'application/json', cookie }, body: JSON.stringify({ name: 'Bench consultancy', template: 'ari' }) }),
      201,
      'workspace',
    );
    const account = { phoneNumberId: `9${Date.now()}`.slice(0, 15), accessToken: `EAAG${randomBytes(8).toString('hex')}`, appSecret: randomBytes(16).toString('hex') };
    // Before the save: the fake Meta proves the number is the token's.
    fake.connect(account);
    await json(
      await fetch(`${base}/api/v1/channels/whatsapp`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json', cookie, 'x-workspace-id': ws.id },
        body: JSON.stringify({ phone_number_id: account.phoneNumberId, access_token: account.accessToken, app_secret: account.appSecret, verify_token: 'bench-verify-token' }),
      }),
      200,
      'channel settings',
    );
    // Meta's verification GET with the verify token binds the number (the second proof of ownership).
    if (!(await fake.verifyCallback((url) => fetch(url), `${base}/webhooks/whatsapp`, 'bench-verify-token'))) throw new Error("Meta's verification GET was refused");
    worker.start();

    const postedAt = new Map<string, number>();
    const sentBefore = fake.sent.length;
    const prefix = `62813${String(Date.now()).slice(-5)}`;
    const m = await measure(
      async (i) => {
        const from = `${prefix}${String(i).padStart(4, '0')}`;
        const signed = fake.inbound(account.phoneNumberId, { from, text: i % 3 === 0 ? 'Halo, saya mau kuliah S2 di UK' : i % 3 === 1 ? 'Berapa biaya konsultasi?' : 'Hi, I want to study in Australia' });
        postedAt.set(`+${from}`, performance.now());
        const res = await fetch(`${base}/webhooks/whatsapp`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-hub-signature-256': signed.signature }, body: signed.body });
        await json(res, 200, 'webhook');
      },
      { concurrency: CONCURRENCY, limit: MESSAGES, budgetMs: REPLY_TIMEOUT_MS },
    );
    const end = Date.now() + REPLY_TIMEOUT_MS;
    while (fake.sent.length - sentBefore < m.requests && Date.now() < end) await new Promise((r) => setTimeout(r, 20));

    // fake.sent[].at is wall-clock time; convert to performance time through one common instant.
    const offset = performance.now() - Date.now();
    const replyMs = fake.sent
      .slice(sentBefore)
      .map((s) => s.at + offset - (postedAt.get(s.body.to as string) ?? NaN))
      .filter((ms) => Number.isFinite(ms))
      .sort((a, b) => a - b);
    return {
      database,
      webhooks: m.requests,
      perSecond: m.requests / m.seconds,
      ackP50: m.p50,
      ackP99: m.p99,
      replies: replyMs.length,
      replyP50: percentile(replyMs, 0.5),
      replyP99: percentile(replyMs, 0.99),
    };
  } finally {
    await worker.stop();
    await new Promise<void>((ok) => server.close(() => ok()));
  }
}

function print(results: Result[]) {
  const header = ['database', 'webhooks', 'accepted/s', 'ack p50 ms', 'ack p99 ms', 'replies', 'reply p50 ms', 'reply p99 ms'];
  const rows = results.map((r) => [r.database, String(r.webhooks), r.perSecond.toFixed(0), r.ackP50.toFixed(1), r.ackP99.toFixed(1), String(r.replies), r.replyP50.toFixed(0), r.replyP99.toFixed(0)]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  process.stdout.write(`${line(header)}\n${widths.map((w) => '-'.repeat(w)).join('  ')}\n${rows.map(line).join('\n')}\n`);
}

async function main() {
  process.stdout.write(`bench/channels: ${MESSAGES} contacts, ${CONCURRENCY} webhooks in flight; Node ${process.version}, ${cpus().length} CPUs\n`);
  const fake = await startFakeMeta();
  const results: Result[] = [];
  try {
    results.push(await onPglite((lite) => benchmark('pglite', lite, fake)));

    const url = benchServerUrl();
    if (url) {
      results.push(await onScratchPostgres(url, { max: CONCURRENCY + 10 }, (server) => benchmark('postgres', server, fake)));
    } else {
      process.stderr.write('(set BENCH_DATABASE_URL or TEST_DATABASE_URL to measure PostgreSQL too)\n');
    }
  } finally {
    await fake.close();
  }
  process.stdout.write('\n');
  print(results);
}

main().catch((e: unknown) => {
  process.stderr.write(`bench/channels failed: ${(e as Error)?.stack ?? String(e)}${(e as Error)?.cause ? `\ncaused by: ${String((e as Error).cause)}` : ''}\n`);
  process.exitCode = 1;
});
