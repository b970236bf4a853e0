/**
 * What a conversation turn costs: many scripted customers talk to the demo workspace's
 * assistant at once with the built-in engine, each turn exactly as a channel or `frontdesk
 * chat` runs it (runAriTurn in one tenant transaction: the contact, the inbox thread, the
 * assistant's record, the engine with its knowledge and calendar tools, the reply queued).
 * Each customer is an Indonesian hot lead: six qualifying answers, the slot list, a choice
 * and a question answered from knowledge (nobody books, so the calendar never runs out).
 * Reports turns per second and p50/p99 per turn, beside a pgbench TPC-B run on the same
 * machine with the same concurrency in the same run: the floor the database sets.
 *
 *   npx tsx bench/assistant.ts                                      embedded PGlite only
 *   BENCH_DATABASE_URL=postgres://... npx tsx bench/assistant.ts    also PostgreSQL and pgbench
 *                                                                  (or TEST_DATABASE_URL)
 *
 * Each database is fresh: PGlite in memory, PostgreSQL in a database created for the run and
 * dropped at the end (pgbench gets one of its own). Knobs: BENCH_CONCURRENCY (8) customers in
 * flight, BENCH_SECONDS (15) per database, PGBENCH (the pgbench binary) and PGBENCH_SECONDS (5).
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { promisify } from 'node:util';
import { Temporal } from 'temporal-polyfill';
import { seedDemo } from '../src/apps/demo.ts';
import { runAriTurn } from '../src/apps/ari/turn.ts';
import { fixedClock } from '../src/platform/clock.ts';
import type { Database } from '../src/platform/db/database.ts';
import { withTenant } from '../src/platform/db/tenant.ts';
import { silentLogger } from '../src/platform/log.ts';
import { createSecretBox } from '../src/platform/secrets.ts';
import { benchServerUrl, onPglite, onScratchPostgres, withScratchDatabase } from './databases.ts';

const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 8);
const BUDGET_MS = Number(process.env.BENCH_SECONDS ?? 15) * 1000;
const PGBENCH_SECONDS = Number(process.env.PGBENCH_SECONDS ?? 5);
const WARMUP_CONVERSATIONS = 2;

const SCRIPT = [
  'Halo, saya mau kuliah S2 computer science di UK',
  'Nama saya Budi Santoso',
  'IELTS saya 7.0',
  'sekitar 600 juta',
  'tahun depan',
  'budi@example.com',
  'pilih 2',
  'berapa biaya konsultasi?',
];
/** The states the script must go through; a run that strays is a broken benchmark, not a fast one. */
const EXPECTED = ['qualifying', 'qualifying', 'qualifying', 'qualifying', 'qualifying', 'booking', 'booking', 'booking'];

/** Next Monday 09:00 in Jakarta: two weeks of weekday slots ahead of every customer. */
function nextMondayMorning(): Date {
  const today = Temporal.Now.zonedDateTimeISO('Asia/Jakarta');
  const monday = today.toPlainDate().add({ days: 8 - today.dayOfWeek });
  return new Date(monday.toZonedDateTime({ timeZone: 'Asia/Jakarta', plainTime: '09:00' }).epochMilliseconds);
}

interface Row {
  database: string;
  conversations: number;
  turns: number;
  seconds: number;
  p50: number;
  p99: number;
}

const rank = (sorted: number[], q: number) => sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)] ?? NaN;

/** Runs CONCURRENCY customers at a time, each through the whole script, until the budget is spent. */
async function converse(database: string, db: Database): Promise<Row> {
  const clock = fixedClock(nextMondayMorning());
  const seeded = await seedDemo(db, clock);
  const workspaceId = seeded.find((w) => w.slug === 'eagle-overseas')!.workspaceId;
  const actor = { kind: 'system' as const, workspaceId };
  const log = silentLogger();
  const secrets = createSecretBox(randomBytes(32));
  let customer = 0;

  async function conversation(latencies: number[] | undefined): Promise<void> {
    const phone = `+62813${String(customer++).padStart(8, '0')}`;
    for (const [i, message] of SCRIPT.entries()) {
      const t0 = performance.now();
      const r = await withTenant(db, actor, (tx) => runAriTurn({ tx, actor, clock, log }, { phone, channel: 'whatsapp', message }, { secrets }));
      latencies?.push(performance.now() - t0);
      if (r.state !== EXPECTED[i] || r.reply === null) throw new Error(`${database}: turn ${i + 1} of ${phone} ended in ${r.state} (expected ${EXPECTED[i]}): ${r.reply}`);
    }
  }

  for (let i = 0; i < WARMUP_CONVERSATIONS; i++) await conversation(undefined);
  const latencies: number[] = [];
  let conversations = 0;
  const start = performance.now();
  const deadline = start + BUDGET_MS;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (performance.now() < deadline) {
        await conversation(latencies);
        conversations++;
      }
    }),
  );
  const seconds = (performance.now() - start) / 1000;
  latencies.sort((a, b) => a - b);
  return { database, conversations, turns: latencies.length, seconds, p50: rank(latencies, 0.5), p99: rank(latencies, 0.99) };
}

function findPgbench(): string | undefined {
  const onPath = (process.env.PATH ?? '').split(':').filter(Boolean).map((dir) => join(dir, 'pgbench'));
  const candidates = process.env.PGBENCH ? [process.env.PGBENCH] : ['/usr/lib/postgresql/15/bin/pgbench', ...onPath];
  return candidates.find((path) => existsSync(path));
}

/** TPC-B (pgbench's default script) at scale 1 with the same number of clients, in a scratch database. */
async function pgbenchTps(pgbench: string, serverUrl: string): Promise<number> {
  const run = promisify(execFile);
  return withScratchDatabase(serverUrl, 'frontdesk_pgbench', async (url) => {
    await run(pgbench, ['-i', '-s', '1', '-q', url]);
    const { stdout } = await run(pgbench, ['-c', String(CONCURRENCY), '-j', String(Math.min(CONCURRENCY, cpus().length)), '-T', String(PGBENCH_SECONDS), url]);
    const m = /tps = ([\d.]+) \(without initial connection time\)/.exec(stdout) ?? /tps = ([\d.]+)/.exec(stdout);
    if (!m) throw new Error(`could not read tps from pgbench:\n${stdout}`);
    return Number(m[1]);
  });
}

/** `tps`: pgbench's TPC-B transactions per second on this machine's PostgreSQL, when measured. */
function print(rows: Row[], tps: number | undefined) {
  const header = ['database', 'customers', 'turns', 'turns/s', 'p50 ms', 'p99 ms', 'pgbench tps', 'tps / turns/s'];
  const cells = rows.map((r) => {
    const rate = r.turns / r.seconds;
    return [
      r.database, String(r.conversations), String(r.turns), rate.toFixed(1), r.p50.toFixed(1), r.p99.toFixed(1),
      tps !== undefined ? tps.toFixed(0) : '-', tps !== undefined ? `${(tps / rate).toFixed(1)}x` : '-',
    ];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: string[]) => c.map((v, i) => (i === 0 ? v.padEnd(widths[i]!) : v.padStart(widths[i]!))).join('  ');
  process.stdout.write(`${line(header)}\n${widths.map((w) => '-'.repeat(w)).join('  ')}\n${cells.map(line).join('\n')}\n`);
  process.stdout.write(
    `\nturns/s: customer messages answered per second with ${CONCURRENCY} customers in flight; p50/p99: per turn, its whole transaction.\n` +
      'pgbench tps: TPC-B transactions per second on this machine\'s PostgreSQL with the same number of clients, in this run: the floor the database sets.\n' +
      'tps / turns/s: how many TPC-B transactions one turn costs in time (PGlite\'s line against the same server figure, for scale).\n',
  );
}

async function main() {
  process.stdout.write(
    `bench/assistant: ${CONCURRENCY} scripted customers at a time, ${SCRIPT.length} turns each, ${BUDGET_MS / 1000} s per database; Node ${process.version}, ${cpus().length} CPUs\n`,
  );
  const rows: Row[] = [];
  let tps: number | undefined;
  rows.push(await onPglite((lite) => converse('pglite', lite)));
  process.stderr.write('  pglite done\n');

  const url = benchServerUrl() || process.env.DATABASE_URL;
  if (url) {
    rows.push(await onScratchPostgres(url, { max: CONCURRENCY }, (server) => converse('postgres', server)));
    process.stderr.write('  postgres done\n');
    const pgbench = findPgbench();
    if (pgbench) {
      tps = await pgbenchTps(pgbench, url);
      process.stderr.write('  pgbench done\n');
    } else {
      process.stdout.write('pgbench skipped: not found (set PGBENCH, or install the PostgreSQL client tools); no TPC-B floor this run\n');
    }
  } else {
    process.stdout.write('PostgreSQL and pgbench skipped: set BENCH_DATABASE_URL (or TEST_DATABASE_URL, DATABASE_URL) to measure them\n');
  }
  process.stdout.write('\n');
  print(rows, tps);
}

main().catch((e: unknown) => {
  process.stderr.write(`bench/assistant failed: ${(e as Error)?.stack ?? String(e)}\n`);
  process.exitCode = 1;
});
