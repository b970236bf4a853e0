/**
 * What availability costs as a workspace grows: 30 days of slots for 1, 20 and 100
 * consultants, each with weekday patterns 09:00-17:00 in one-hour slots (8 a day) and 40% of
 * those slots already booked (half appointments, half bookings), in America/Toronto across
 * the change to daylight saving time. One computation is what GET /availability does for the
 * whole workspace: the scheduling profile, app.availability_inputs (one query) and the engine.
 * It is also split into the query alone and the engine alone.
 *
 *   npx tsx bench/availability.ts                                      embedded PGlite only
 *   BENCH_DATABASE_URL=postgres://... npx tsx bench/availability.ts    also PostgreSQL (or TEST_DATABASE_URL)
 *
 * Each database is fresh: PGlite in memory, PostgreSQL in a database created for the run and
 * dropped at the end. Knobs: BENCH_RUNS (9) computations per size, after 2 to warm up.
 */
import { cpus } from 'node:os';
import { performance } from 'node:perf_hooks';
import { computeAvailability, loadProfile, slotsBetween, type ClosedDate, type WeeklyPattern } from '../src/modules/scheduling/index.ts';
import { fixedClock } from '../src/platform/clock.ts';
import type { Database, Tx } from '../src/platform/db/database.ts';
import { assume, withTenant } from '../src/platform/db/tenant.ts';
import { newId } from '../src/platform/ids.ts';
import { silentLogger } from '../src/platform/log.ts';
import { benchServerUrl, onPglite, onScratchPostgres } from './databases.ts';

const SIZES = [1, 20, 100];
const RUNS = Number(process.env.BENCH_RUNS ?? 9);
const WARMUP = 2;
const BOOKED = 0.4;
const DAYS = 30;
// Monday 2 March 2026, 12:00 UTC; Toronto moves to EDT on Sunday 8 March.
const clock = fixedClock('2026-03-02T12:00:00Z');
const FROM = clock.now();
const TO = new Date(FROM.getTime() + DAYS * 86_400_000);

interface Row {
  database: string;
  consultants: number;
  slots: number;
  booked: number;
  total: number;
  query: number;
  engine: number;
}

/** A small deterministic generator, so that every run books the same slots. */
function prng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

async function insertMany(tx: Tx, table: string, columns: string[], rows: unknown[][]) {
  for (let i = 0; i < rows.length; i += 400) {
    const chunk = rows.slice(i, i + 400);
    const params: unknown[] = [];
    const values = chunk.map((r) => `(${r.map((v) => `$${params.push(v)}`).join(', ')})`).join(', ');
    await tx.query(`insert into ${table} (${columns.join(', ')}) values ${values}`, params);
  }
}

/** A workspace with `n` consultants, their patterns, and 40% of the next 30 days booked. */
async function seedWorkspace(db: Database, n: number): Promise<{ workspaceId: string; booked: number }> {
  const workspaceId = newId();
  const consultants = Array.from({ length: n }, () => newId());
  return db.transaction(async (tx) => {
    // The engine picks free slots below, so the seat guard would refuse nothing; it is set aside
    // while seeding (it costs about a millisecond a row) and is back before anything is measured.
    await tx.query('alter table ari_appointments disable trigger guard_slot_seats');
    await tx.query('alter table bookings disable trigger guard_slot_seats');
    await assume(tx, 'service_role', { role: 'service_role' });
    await tx.query(`insert into workspaces (id, name, slug, time_zone, locale, currency, country) values ($1, $2, $3, 'America/Toronto', 'en', 'CAD', 'CA')`, [
      workspaceId, `Bench ${n}`, `bench-${n}-${workspaceId.slice(-12)}`,
    ]);
    await insertMany(tx, 'auth.users', ['id', 'email'], consultants.map((id) => [id, `${id}@bench.test`]));
    await insertMany(tx, 'workspace_members', ['workspace_id', 'user_id', 'role'], consultants.map((id) => [workspaceId, id, 'member']));
    await insertMany(
      tx,
      'consultant_slots',
      ['id', 'workspace_id', 'consultant_id', 'day_of_week', 'start_time', 'end_time', 'duration_minutes', 'booking_window_days'],
      consultants.flatMap((c) => [1, 2, 3, 4, 5].map((d) => [newId(), workspaceId, c, d, '09:00', '17:00', 60, 60])),
    );
    const contactId = newId();
    await tx.query(`insert into contacts (id, workspace_id, name, phone) values ($1, $2, 'Bench customer', '+14165550100')`, [contactId, workspaceId]);
    const { rows } = await tx.query<{ id: string }>('insert into ari_conversations (workspace_id, contact_id) values ($1, $2) returning id', [workspaceId, contactId]);
    const conversation = rows[0]!.id;

    // The slots themselves, from the engine with nothing booked: exactly what can be taken.
    const free = computeAvailability({
      timeZone: 'America/Toronto', now: FROM, from: FROM, to: TO, minNoticeMinutes: 60, closed: [], held: [],
      patterns: consultants.flatMap((c) => [1, 2, 3, 4, 5].map((d) => ({
        id: `${c}${d}`, consultant_id: c, day_of_week: d, start_time: '09:00', end_time: '17:00', duration_minutes: 60, booking_window_days: 60, max_bookings_per_slot: 1,
      }))),
    });
    const random = prng(n);
    const taken = free.filter(() => random() < BOOKED);
    const appointments = taken.filter((_, i) => i % 2 === 0);
    const bookings = taken.filter((_, i) => i % 2 === 1);
    await insertMany(
      tx,
      'ari_appointments',
      ['id', 'workspace_id', 'ari_conversation_id', 'consultant_id', 'scheduled_at', 'duration_minutes'],
      appointments.map((s) => [newId(), workspaceId, conversation, s.consultant_id, s.start, 60]),
    );
    await insertMany(
      tx,
      'bookings',
      ['id', 'workspace_id', 'contact_id', 'consultant_id', 'customer_name', 'customer_phone', 'service_type', 'appointment_date', 'appointment_time', 'scheduled_at', 'duration_minutes', 'status'],
      bookings.map((s) => [newId(), workspaceId, contactId, s.consultant_id, 'Bench customer', '+14165550100', 'Wash & Fold', s.start.slice(0, 10), '09:00 AM', s.start, 60, 'confirmed']),
    );
    await tx.query('reset role');
    await tx.query('alter table ari_appointments enable trigger guard_slot_seats');
    await tx.query('alter table bookings enable trigger guard_slot_seats');
    await tx.query('analyze ari_appointments, bookings, consultant_slots');
    return { workspaceId, booked: taken.length };
  });
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function measureSize(database: string, db: Database, n: number): Promise<Row> {
  const { workspaceId, booked } = await seedWorkspace(db, n);
  const actor = { kind: 'system' as const, workspaceId };
  const totals: number[] = [];
  const queries: number[] = [];
  const engines: number[] = [];
  let slots = 0;
  for (let i = 0; i < WARMUP + RUNS; i++) {
    await withTenant(db, actor, async (tx) => {
      const ctx = { tx, actor, clock, log: silentLogger() };
      const t0 = performance.now();
      const profile = await loadProfile(ctx);
      const computed = await slotsBetween(ctx, profile, { from: FROM, to: TO });
      const t1 = performance.now();
      const { rows } = await tx.query<{ inputs: { patterns: WeeklyPattern[]; closed: ClosedDate[]; held: [string | null, number, number, number][] } }>(
        'select app.availability_inputs($1, $2) as inputs',
        [FROM, TO],
      );
      const t2 = performance.now();
      const inputs = rows[0]!.inputs;
      computeAvailability({
        timeZone: profile.timeZone, now: FROM, from: FROM, to: TO, minNoticeMinutes: profile.settings.min_notice_minutes,
        patterns: inputs.patterns, closed: inputs.closed,
        held: inputs.held.map(([consultant_id, at, minutes, taken]) => ({ consultant_id, at: new Date(at), minutes, taken })),
      });
      const t3 = performance.now();
      if (i >= WARMUP) {
        totals.push(t1 - t0);
        queries.push(t2 - t1);
        engines.push(t3 - t2);
      }
      slots = computed.length;
    });
  }
  return { database, consultants: n, slots, booked, total: median(totals), query: median(queries), engine: median(engines) };
}

async function benchmark(database: string, db: Database): Promise<Row[]> {
  const rows: Row[] = [];
  for (const n of SIZES) {
    const row = await measureSize(database, db, n);
    process.stderr.write(`  ${database}: ${n} consultant(s) done\n`);
    rows.push(row);
  }
  return rows;
}

function print(rows: Row[]) {
  const header = ['database', 'consultants', 'free slots', 'booked', 'ms/computation', 'query ms', 'engine ms', 'x vs 1 consultant'];
  const base = new Map(rows.filter((r) => r.consultants === 1).map((r) => [r.database, r.total]));
  const cells = rows.map((r) => [
    r.database, String(r.consultants), String(r.slots), String(r.booked), r.total.toFixed(1), r.query.toFixed(1), r.engine.toFixed(1), `${(r.total / base.get(r.database)!).toFixed(1)}x`,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: string[]) => c.map((v, i) => (i === 0 ? v.padEnd(widths[i]!) : v.padStart(widths[i]!))).join('  ');
  process.stdout.write(`${line(header)}\n${widths.map((w) => '-'.repeat(w)).join('  ')}\n${cells.map(line).join('\n')}\n`);
  for (const database of new Set(rows.map((r) => r.database))) {
    const of = (n: number) => rows.find((r) => r.database === database && r.consultants === n)!.total;
    process.stdout.write(`${database}: 20/1 = ${(of(20) / of(1)).toFixed(1)}x, 100/1 = ${(of(100) / of(1)).toFixed(1)}x for 20x and 100x the consultants\n`);
  }
  process.stdout.write(
    '\nms/computation: median of the whole computation (profile, inputs query, engine) in the tenant transaction, as GET /availability does it.\n' +
      'query ms and engine ms: the same two parts timed alone. free slots: slots left after the bookings.\n',
  );
}

async function main() {
  process.stdout.write(
    `bench/availability: ${DAYS} days of slots, 8 per weekday per consultant, ${BOOKED * 100}% booked; median of ${RUNS} after ${WARMUP} warm-up; Node ${process.version}, ${cpus().length} CPUs\n`,
  );
  const rows: Row[] = [];
  rows.push(...(await onPglite((lite) => benchmark('pglite', lite))));

  const url = benchServerUrl();
  if (url) {
    rows.push(...(await onScratchPostgres(url, { max: 2 }, (server) => benchmark('postgres', server))));
  } else {
    process.stderr.write('(set BENCH_DATABASE_URL or TEST_DATABASE_URL to measure PostgreSQL too)\n');
  }
  process.stdout.write('\n');
  print(rows);
}

main().catch((e: unknown) => {
  process.stderr.write(`bench/availability failed: ${(e as Error)?.stack ?? String(e)}\n`);
  process.exitCode = 1;
});
