/**
 * What the HTTP API costs on top of the database: contacts created and read through the real
 * server (createServerApp on @hono/node-server, 127.0.0.1, keep-alive fetch from a separate
 * client process, a fixed number of requests in flight), against the same INSERT and SELECT
 * issued directly through the driver with the same concurrency. A third line runs those
 * statements in the tenant transaction every request uses (BEGIN, claims and role, RLS,
 * COMMIT), which splits the gap into "transaction and row-level security" and "HTTP,
 * authentication, validation and JSON".
 *
 *   npx tsx bench/api.ts                                      embedded PGlite only
 *   BENCH_DATABASE_URL=postgres://... npx tsx bench/api.ts    also PostgreSQL (or TEST_DATABASE_URL)
 *
 * Each database is fresh: PGlite in memory, PostgreSQL in a database created for the run and
 * dropped at the end. Knobs: BENCH_CONCURRENCY (8), BENCH_REQUESTS (2000) and BENCH_SECONDS
 * (2) per phase.
 */
import { serve } from '@hono/node-server';
import { fork, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { cpus } from 'node:os';
import { createServerApp } from '../src/http.ts';
import { systemClock } from '../src/platform/clock.ts';
import type { Database } from '../src/platform/db/database.ts';
import { withTenant } from '../src/platform/db/tenant.ts';
import { newId } from '../src/platform/ids.ts';
import { silentLogger } from '../src/platform/log.ts';
import { createSecretBox } from '../src/platform/secrets.ts';
import { benchServerUrl, onPglite, onScratchPostgres } from './databases.ts';
import { phoneNumber, type ClientJob, type ClientResult } from './http-client.ts';
import { measure, type Measurement } from './measure.ts';

const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 8);
const LIMIT = Number(process.env.BENCH_REQUESTS ?? 2000);
const BUDGET_MS = Number(process.env.BENCH_SECONDS ?? 2) * 1000;
const PHASE = { concurrency: CONCURRENCY, limit: LIMIT, budgetMs: BUDGET_MS };
const WARMUP = { concurrency: CONCURRENCY, limit: 200, budgetMs: 1500 };

// What the contacts API writes and returns; the direct statements do the same work.
const COLUMNS =
  'id, name, phone, email, tags, notes, address, lead_status, lead_score, lead_temperature, source, locale, metadata, total_bookings, total_calls, total_spent, last_contact, created_at, updated_at';
const INSERT = `insert into contacts (id, workspace_id, name, phone, email) values ($1, $2, $3, $4, $5) returning ${COLUMNS}`;
const SELECT = `select ${COLUMNS} from contacts where workspace_id = $1 and id = $2`;

type Path = 'API' | 'tenant tx' | 'direct';
interface Phase extends Measurement {
  database: string;
  operation: 'create contact' | 'read contact';
  path: Path;
  /** CPU time of this process per request: the server and the driver (and PGlite), not the load client or PostgreSQL. */
  cpuMs: number;
}

/** Runs a phase and charges this process's CPU time to it: on a busy machine, wall time lies more. */
async function withCpu(run: () => Promise<Measurement>): Promise<Measurement & { cpuMs: number }> {
  const before = process.cpuUsage();
  const m = await run();
  const used = process.cpuUsage(before);
  return { ...m, cpuMs: (used.user + used.system) / 1000 / Math.max(1, m.requests) };
}

/** The load generator process; one job at a time. */
function startClient() {
  const child: ChildProcess = fork(new URL('./http-client.ts', import.meta.url), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  return {
    run(job: ClientJob): Promise<{ measurement: Measurement; ids: string[] }> {
      return new Promise((resolve, reject) => {
        child.once('message', (r: ClientResult) => (r.ok ? resolve(r) : reject(new Error(r.error))));
        child.send(job);
      });
    },
    stop: () => child.disconnect(),
  };
}

async function expectStatus(res: Response, status: number, what: string) {
  if (res.status !== status) throw new Error(`${what}: HTTP ${res.status} ${await res.text()}`);
}

/** The server on a random local port, and an owner, a workspace and an API key made through it. */
async function startServer(db: Database) {
  let confirmation = '';
  const app = createServerApp({ db, log: silentLogger(), clock: systemClock, secrets: createSecretBox(randomBytes(32)), sendSignUpConfirmation: (m) => void (confirmation = m.token) });
  const server = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 });
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1`;
  const json = { 'content-type': 'application/json' };

  const signup = await fetch(`${base}/auth/signup`, {
    method: 'POST',
    headers: json,
    body: JSON.stringify({ email: `bench-${Date.now()}@example.test`, password: 'benchmark password' }),
  });
  await expectStatus(signup, 202, 'sign up');
  const confirmed = await fetch(`${base}/auth/signup/confirm`, { method: 'POST', headers: json, body: JSON.stringify({ token: confirmation }) });
  await expectStatus(confirmed, 201, 'confirm sign-up');
  const cookie = (confirmed.headers.get('set-cookie') ?? '').split(';')[0]!;
  const ws = await fetch(`${base}/workspaces`, { method: 'POST', headers: { ...json, cookie }, body: JSON.stringify({ name: 'Benchmark' }) });
  await expectStatus(ws, 201, 'create workspace');
  const workspaceId = ((await ws.json()) as { id: string }).id;
  const key = await fetch(`${base}/api-keys`, {
    method: 'POST',
    headers: { ...json, cookie, 'x-workspace-id': workspaceId },
    body: JSON.stringify({ name: 'benchmark' }),
  });
  await expectStatus(key, 201, 'create API key');
  const apiKey = ((await key.json()) as { key: string }).key;

  return {
    base,
    workspaceId,
    headers: { ...json, authorization: `Bearer ${apiKey}` },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** A statement straight through the driver: pg's pool or the PGlite instance, autocommit. */
type Direct = (sql: string, params: unknown[]) => Promise<unknown>;

async function benchmark(database: string, db: Database, direct: Direct): Promise<Phase[]> {
  const server = await startServer(db);
  const client = startClient();
  const phases: Phase[] = [];
  const record = (operation: Phase['operation'], path: Path, m: Measurement & { cpuMs: number }) => {
    phases.push({ database, operation, path, ...m });
    process.stderr.write(`  ${database} ${operation} via ${path}: ${m.requests} in ${m.seconds.toFixed(1)} s\n`);
  };
  const ws = server.workspaceId;
  // Phone numbers never repeat within the workspace: each phase takes its own range.
  let phones = 0;
  const phoneRange = () => (phones += 1_000_000) - 1_000_000;
  const insertVia = (run: Direct, first: number) => async (i: number) => {
    const n = first + i;
    await run(INSERT, [newId(), ws, `Contact ${n}`, phoneNumber(n), `contact-${n}@example.test`]);
  };
  // The workspace acting for itself: the same BEGIN, claims, role and policies as a request.
  const system = { kind: 'system' as const, workspaceId: ws };
  const inTenantTx: Direct = (sql, params) => withTenant(db, system, (tx) => tx.query(sql, params));
  const http = { base: server.base, headers: server.headers, concurrency: CONCURRENCY };

  try {
    // Warm every path up (JIT, plans, pool connections) before measuring.
    const warm = await client.run({ kind: 'create', ...http, ...WARMUP, firstPhone: phoneRange() });
    await client.run({ kind: 'read', ...http, ...WARMUP, ids: warm.ids });
    await measure(insertVia(direct, phoneRange()), WARMUP);
    await measure(insertVia(inTenantTx, phoneRange()), WARMUP);
    await measure((i) => direct(SELECT, [ws, warm.ids[i % warm.ids.length]]).then(() => undefined), WARMUP);

    let ids: string[] = [];
    record('create contact', 'API', await withCpu(async () => {
      const created = await client.run({ kind: 'create', ...http, ...PHASE, firstPhone: phoneRange() });
      ids = created.ids;
      return created.measurement;
    }));
    record('create contact', 'tenant tx', await withCpu(() => measure(insertVia(inTenantTx, phoneRange()), PHASE)));
    record('create contact', 'direct', await withCpu(() => measure(insertVia(direct, phoneRange()), PHASE)));

    const readOne = (run: Direct) => (i: number) => run(SELECT, [ws, ids[i % ids.length]]).then(() => undefined);
    record('read contact', 'API', await withCpu(async () => (await client.run({ kind: 'read', ...http, ...PHASE, ids })).measurement));
    record('read contact', 'tenant tx', await withCpu(() => measure(readOne(inTenantTx), PHASE)));
    record('read contact', 'direct', await withCpu(() => measure(readOne(direct), PHASE)));
  } finally {
    client.stop();
    await server.close();
  }
  return phases;
}

function printTable(phases: Phase[]) {
  const rows = phases.map((p) => {
    const base = phases.find((d) => d.database === p.database && d.operation === p.operation && d.path === 'direct')!;
    const rate = p.requests / p.seconds;
    const versus = (value: number) => (p.path === 'direct' ? '' : `${value.toFixed(2)}x`);
    return [
      p.database,
      p.operation,
      p.path,
      String(p.requests),
      rate.toFixed(0),
      p.p50.toFixed(2),
      p.p99.toFixed(2),
      p.cpuMs.toFixed(2),
      versus(base.requests / base.seconds / rate),
      versus(p.p50 / base.p50),
    ];
  });
  const header = ['database', 'operation', 'path', 'requests', 'req/s', 'p50 ms', 'p99 ms', 'cpu ms/req', 'req/s direct/this', 'p50 this/direct'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i < 3 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  process.stdout.write(`${line(header)}\n${widths.map((w) => '-'.repeat(w)).join('  ')}\n${rows.map(line).join('\n')}\n`);
  process.stdout.write(
    '\nAPI: POST /api/v1/contacts and GET /api/v1/contacts/{id} over HTTP with an API key.\n' +
      'tenant tx: the same statement in the transaction every request runs in (BEGIN, claims and role, RLS, COMMIT).\n' +
      'direct: the statement alone through the driver (autocommit, as the owner).\n' +
      'cpu ms/req: CPU time of the server process per request (with PGlite, the database too); not the load client, not PostgreSQL.\n' +
      'The ratios say how many times slower than direct: throughput, and median latency.\n',
  );
}

async function main() {
  process.stdout.write(
    `bench/api: ${CONCURRENCY} in flight, up to ${LIMIT} requests or ${BUDGET_MS / 1000} s per phase; Node ${process.version}, ${cpus().length} CPUs\n`,
  );
  const phases: Phase[] = [];

  phases.push(...(await onPglite((lite) => benchmark('pglite', lite, (sql, params) => lite.pglite.query(sql, params)))));

  const url = benchServerUrl();
  if (url) {
    // Room for every request in flight plus the authenticator's own lookups.
    const postgres = await onScratchPostgres(url, { max: CONCURRENCY + 2 }, (server) =>
      benchmark('postgres', server, (sql, params) => server.pool.query(sql, params)),
    );
    phases.push(...postgres);
  } else {
    process.stderr.write('(set BENCH_DATABASE_URL or TEST_DATABASE_URL to measure PostgreSQL too)\n');
  }

  process.stdout.write('\n');
  printTable(phases);
}

main().catch((e: unknown) => {
  process.stderr.write(`bench/api failed: ${(e as Error)?.stack ?? String(e)}\n`);
  process.exitCode = 1;
});
