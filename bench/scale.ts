/**
 * Whether the lists, searches and reports stay fast at scale: p50 and p99 of each query of
 * bench/scale-queries.ts (as its route runs it, as the large tenant's owner) on seeded data,
 * with the indexes its plan reads each table through, beside the issue's budget.
 *
 *   npm run bench:scale                                   seeds a scratch copy at --scale 0.01 on
 *                                                         BENCH_DATABASE_URL (or TEST_DATABASE_URL),
 *                                                         measures, drops it
 *   npm run bench:scale -- --database URL --seed [--scale 1]
 *                                                         creates the database if need be, migrates,
 *                                                         seeds it (1 = the full size) and measures
 *   npm run bench:scale -- --database URL                 measures a database seeded earlier
 *   ... --drop                                            drops the named database at the end
 *
 * Knobs: --runs N (30) timed runs per query after 3 to warm up.
 */
import { cpus, loadavg, totalmem } from 'node:os';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { fixedClock } from '../src/platform/clock.ts';
import type { Database } from '../src/platform/db/database.ts';
import { migrate } from '../src/platform/db/migrate.ts';
import { openPostgres } from '../src/platform/db/postgres.ts';
import { withTenant } from '../src/platform/db/tenant.ts';
import { silentLogger } from '../src/platform/log.ts';
import { indexesOn, plansOf } from '../test/support/plans.ts';
import { benchServerUrl, withScratchDatabase } from './databases.ts';
import { measure } from './measure.ts';
import { expected, loadFixture, SCALE_QUERIES, type ScaleFixture } from './scale-queries.ts';
import { seedScale } from './scale-seed.ts';

const { values: args } = parseArgs({
  options: {
    database: { type: 'string' },
    seed: { type: 'boolean', default: false },
    scale: { type: 'string' },
    drop: { type: 'boolean', default: false },
    runs: { type: 'string', default: '30' },
  },
});
const RUNS = Number(args.runs);
const WARMUP = 3;

async function admin(url: string, sql: string) {
  const server = new URL(url);
  server.pathname = '/postgres';
  const client = new pg.Client({ connectionString: server.toString() });
  await client.connect();
  try {
    return await client.query(sql);
  } finally {
    await client.end();
  }
}

const dbName = (url: string) => decodeURIComponent(new URL(url).pathname.slice(1));

async function seed(url: string, scale: number) {
  const db = await openPostgres(url, { max: 2 });
  try {
    await migrate(db);
    console.log(`seeding ${dbName(url)} at scale ${scale}:`);
    const t0 = performance.now();
    const { counts } = await seedScale(db, { scale, now: new Date(), log: console.log });
    await db.exec('vacuum analyze');
    console.log(`seeded in ${((performance.now() - t0) / 1000).toFixed(0)} s (vacuum analyze included): ${JSON.stringify(counts)}\n`);
  } finally {
    await db.close();
  }
}

async function tableCounts(db: Database, ws: string) {
  const tables = ['contacts', 'conversations', 'messages', 'platform_events', 'bookings'];
  return db.transaction(async (tx) => {
    const out: { t: string; all: number; big: number }[] = [];
    for (const t of tables) {
      const { rows: [r] } = await tx.query<{ all: number; big: number }>(
        `select count(*)::int as all, (count(*) filter (where workspace_id = $1))::int as big from public.${t}`, [ws]);
      out.push({ t, ...r! });
    }
    return out;
  });
}

async function measureAll(url: string) {
  const db = await openPostgres(url, { max: 2 });
  const planDb = await openPostgres(url, { max: 1 });
  try {
    const f: ScaleFixture = await loadFixture(db);
    const { rows: [server] } = await db.transaction((tx) => tx.query<{ version: string; size: string }>(
      `select version(), pg_size_pretty(pg_database_size(current_database())) as size`));
    console.log(`machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB; load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
    console.log(`database: ${server!.version.split(',')[0]}, ${dbName(url)} ${server!.size}; ${new Date().toISOString()}`);
    const counts = await tableCounts(db, f.workspaceId);
    console.log(`rows (all / the large tenant): ${counts.map((c) => `${c.t} ${c.all.toLocaleString('en')} / ${c.big.toLocaleString('en')}`).join('; ')}\n`);

    const clock = fixedClock(f.now.toISOString());
    const rows: string[][] = [];
    let missed = 0;
    for (const q of SCALE_QUERIES) {
      const once = () => withTenant(db, f.actor, (tx) => q.run({ tx, actor: f.actor, clock, log: silentLogger() }, f));
      for (let i = 0; i < WARMUP; i++) await once();
      const m = await measure(() => once().then(() => undefined), { concurrency: 1, limit: RUNS, budgetMs: 60_000 });
      const { plans } = await plansOf(planDb, { actor: f.actor, clock }, (ctx) => q.run(ctx, f));
      const used = q.expects.map((e) => {
        const on = indexesOn(plans, e.relation);
        return `${e.relation}: ${on.indexes.join('+') || '-'}${on.seqScan ? ' (SEQ SCAN)' : ''}${expected(e.index, on.indexes) ? '' : ` (expected ${[e.index].flat().join(' or ')})`}`;
      });
      const ratio = q.goalMs === undefined ? '' : (m.p99 / q.goalMs).toFixed(2);
      if (q.goalMs !== undefined && m.p99 > q.goalMs) missed++;
      rows.push([q.name, m.p50.toFixed(1), m.p99.toFixed(1), q.goalMs === undefined ? '-' : `≤ ${q.goalMs}`, ratio, used.join('; ')]);
    }
    const head = ['query', 'p50 ms', 'p99 ms', 'goal p99', 'p99/goal', 'indexes in the plan'];
    const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
    const line = (r: string[]) => r.map((c, i) => (i === 0 || i === 5 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
    console.log(line(head));
    for (const r of rows) console.log(line(r));
    console.log(`\n${RUNS} runs each after ${WARMUP} to warm up, one at a time; the large tenant holds ${f.events.toLocaleString('en')} events. ${missed === 0 ? 'Every goal met.' : `${missed} goal(s) missed (p99/goal > 1).`}`);
  } finally {
    await planDb.close();
    await db.close();
  }
}

async function main() {
  if (args.database) {
    const url = args.database;
    if (args.seed) {
      const exists = await admin(url, `select 1 from pg_database where datname = '${dbName(url).replace(/'/g, "''")}'`);
      if (exists.rowCount === 0) await admin(url, `create database "${dbName(url)}"`);
      await seed(url, Number(args.scale ?? 1));
    }
    try {
      await measureAll(url);
    } finally {
      if (args.drop) await admin(url, `drop database if exists "${dbName(url)}" with (force)`);
    }
    return;
  }
  const server = benchServerUrl();
  if (!server) throw new Error('bench:scale needs PostgreSQL: set BENCH_DATABASE_URL (or TEST_DATABASE_URL), or name one with --database');
  await withScratchDatabase(server, 'frontdesk_scale', async (url) => {
    await seed(url, Number(args.scale ?? 0.01));
    await measureAll(url);
  });
}

await main();
