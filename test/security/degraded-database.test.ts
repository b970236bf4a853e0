// Issue #11 (low): when the database was lost the API answered 500 `internal`, the workers
// logged twice a second (each of them, every poll), and /health said ok on a database that
// had been re-created empty, without the job queue's tables. Now: 503 `db.unavailable` with
// Retry-After, loops that back off exponentially up to a ceiling, and a /health that checks
// the schema and the queue's schema, naming its reason.
import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { channelWorker } from '../../src/jobs.ts';
import { systemClock } from '../../src/platform/clock.ts';
import type { Database } from '../../src/platform/db/database.ts';
import { openPglite } from '../../src/platform/db/pglite.ts';
import { openPostgres } from '../../src/platform/db/postgres.ts';
import { createJobs } from '../../src/platform/jobs/queue.ts';
import { createSecretBox } from '../../src/platform/secrets.ts';
import { describeEachDatabase } from '../support/db.ts';
import { email, testApp } from '../support/http.ts';
import { urlFor, withDatabase } from '../support/postgres-admin.ts';
import { isConnectionUnavailable } from '../../src/platform/db/errors.ts';
import { connect, createServer, type AddressInfo, type Socket } from 'node:net';

describe('a PostgreSQL server that goes away (its port closes)', () => {
  it.skipIf(!process.env.TEST_DATABASE_URL)('answers 503 db.unavailable on the API and an unhealthy /health, never 500', async () => {
    // The server is reached through a TCP relay of the test's own; closing the relay is the
    // server going away: open connections drop, new ones are refused.
    const target = new URL(process.env.TEST_DATABASE_URL!);
    const sockets = new Set<Socket>();
    const relay = createServer((client) => {
      const upstream = connect(Number(target.port || 5432), target.hostname);
      for (const s of [client, upstream]) {
        sockets.add(s);
        s.on('error', () => {});
        s.on('close', () => sockets.delete(s));
      }
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((r) => relay.listen(0, '127.0.0.1', r));
    const port = (relay.address() as AddressInfo).port;
    const name = `frontdesk_gone_${randomBytes(5).toString('hex')}`;
    const admin = process.env.TEST_DATABASE_URL!;
    await withDatabase(admin, (c) => c.query(`create database ${name} template ${inject('postgresTemplate')}`));
    const via = new URL(urlFor(admin, name));
    via.hostname = '127.0.0.1';
    via.port = String(port);
    const db = await openPostgres(via.toString(), { max: 2, acquireTimeoutMs: 2000 });
    try {
      const t = testApp(db);
      const owner = await t.owner(email('gone'));
      expect((await t.call('GET', '/api/v1/contacts', owner.as)).status).toBe(200);
      await new Promise((r) => relay.close(r));
      for (const s of sockets) s.destroy();
      for (const res of [await t.call('GET', '/api/v1/contacts', owner.as), await t.call('GET', '/api/v1/contacts', owner.as), await t.call('POST', '/api/v1/auth/signin', { body: { email: owner.email, password: 'correct horse battery' } })]) {
        expect(res.status, JSON.stringify(res.body)).toBe(503);
        expect(res.body.error.code).toBe('db.unavailable');
        expect(res.headers.get('retry-after')).toBe('5');
      }
      const health = await t.call('GET', '/health');
      expect(health.status).toBe(503);
      expect(health.body.reason).toBe('the database is unreachable');
    } finally {
      await db.close().catch(() => {});
      await withDatabase(admin, (c) => c.query(`drop database if exists ${name} with (force)`));
    }
  });

  it('counts a refusal from every address of a name as unavailable', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' });
    expect(isConnectionUnavailable(new AggregateError([refused, refused], ''))).toBe(true);
    expect(isConnectionUnavailable(new AggregateError([new Error('something else')], ''))).toBe(false);
  });
});

/** A logger whose lines the test reads. */
function capturingLogger() {
  const lines: { msg: string; level: number; [k: string]: unknown }[] = [];
  const log = pino({ level: 'info' }, new Writable({ write(chunk, _enc, done) { lines.push(JSON.parse(String(chunk))); done(); } }));
  return { log, lines };
}

/**
 * A migrated database of the test's own that it can lose: PGlite closed under the server, or
 * a PostgreSQL database dropped with its connections terminated (and re-created empty).
 */
async function losableDatabase(kind: 'pglite' | 'postgres') {
  if (kind === 'pglite') {
    const db = await openPglite({ loadDataDir: new Blob([readFileSync(inject('pgliteDump'))]) });
    return { db, lose: () => db.close(), recreateEmpty: async () => openPglite(), drop: async () => {} };
  }
  const admin = process.env.TEST_DATABASE_URL!;
  const name = `frontdesk_lost_${randomBytes(5).toString('hex')}`;
  await withDatabase(admin, (c) => c.query(`create database ${name} template ${inject('postgresTemplate')}`));
  const db = await openPostgres(urlFor(admin, name), { max: 4, acquireTimeoutMs: 2000 });
  const drop = () => withDatabase(admin, (c) => c.query(`drop database if exists ${name} with (force)`));
  return {
    db,
    lose: async () => {
      await withDatabase(admin, (c) => c.query('select pg_terminate_backend(pid) from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()', [name]));
      await drop();
    },
    // The same name, empty: the server's pool reconnects to a database without any schema.
    recreateEmpty: async () => {
      await withDatabase(admin, (c) => c.query(`create database ${name}`));
      return db;
    },
    drop: async () => {
      await db.close().catch(() => {});
      await drop();
    },
  };
}

describeEachDatabase('a lost database', (_db, kind) => {
  const cleanup: (() => Promise<unknown>)[] = [];
  afterEach(async () => {
    for (const f of cleanup.splice(0).reverse()) await f().catch(() => {});
  });

  it('answers 503 db.unavailable with Retry-After on the API and /health, never 500; a database re-created empty is not healthy', async () => {
    const lost = await losableDatabase(kind);
    cleanup.push(lost.drop);
    const t = testApp(lost.db);
    const owner = await t.owner(email('lost'));
    const key = await t.apiKey(owner.as);
    expect((await t.call('GET', '/api/v1/contacts', { key: key.key })).status).toBe(200);
    expect((await t.call('GET', '/health')).status).toBe(200);

    await lost.lose();
    const calls = [
      await t.call('GET', '/api/v1/contacts', { key: key.key }),
      await t.call('GET', '/api/v1/contacts', owner.as),
      await t.call('POST', '/api/v1/contacts', { key: key.key, body: { name: 'After the loss' } }),
      await t.call('POST', '/api/v1/auth/signin', { body: { email: owner.email, password: 'correct horse battery' } }),
    ];
    for (const res of calls) {
      expect(res.status, JSON.stringify(res.body)).toBe(503);
      expect(res.body.error).toMatchObject({ code: 'db.unavailable', message: expect.any(String) });
      expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
    }
    const health = await t.call('GET', '/health');
    expect(health.status).toBe(503);
    expect(health.body).toMatchObject({ status: 'unavailable', reason: expect.stringMatching(/unreachable|did not answer/) });
    expect(Number(health.headers.get('retry-after'))).toBeGreaterThan(0);

    // Re-created, empty: the database answers, but has no schema.
    const empty = await lost.recreateEmpty();
    if (empty !== lost.db) cleanup.push(() => empty.close());
    const fresh = testApp(empty);
    const again = await fresh.call('GET', '/health');
    expect(again.status, JSON.stringify(again.body)).toBe(503);
    expect(again.body.reason).toMatch(/no schema/);
  }, 90_000);

  it("/health answers 503 while the job queue's schema is missing, and ok once the queue made it", async () => {
    const lost = await losableDatabase(kind);
    cleanup.push(lost.drop);
    // The test databases are migrated but have never run the job queue: as after a restore without pgboss.
    const t = testApp(lost.db, systemClock, { jobQueueSchema: 'pgboss' });
    const res = await t.call('GET', '/health');
    expect(res.status, JSON.stringify(res.body)).toBe(503);
    expect(res.body).toMatchObject({ status: 'unavailable', reason: "the job queue's schema (pgboss) is missing" });
    const jobs = createJobs({ db: lost.db, log: pino({ level: 'silent' }), definitions: [], work: false });
    await jobs.start();
    cleanup.push(() => jobs.stop());
    expect((await t.call('GET', '/health')).status).toBe(200);
    // Without the queue in this process, the queue is not its concern.
    expect((await testApp(lost.db).call('GET', '/health')).status).toBe(200);
  });

  it('the channel and SMS workers back off exponentially up to the ceiling instead of failing every poll', async () => {
    const lost = await losableDatabase(kind);
    cleanup.push(lost.drop);
    const { log, lines } = capturingLogger();
    await lost.lose();
    // Polls every 10 ms: without backoff that is about 100 failures per loop in a second.
    const worker = channelWorker({ db: lost.db, clock: systemClock, log, secrets: createSecretBox(randomBytes(32)) }, {}, { pollMs: 10, maxBackoffMs: 160 });
    worker.start();
    await new Promise((r) => setTimeout(r, 1200));
    await worker.stop();
    const failures = lines.filter((l) => /pass failed/.test(l.msg));
    // Three loops: about 300 failed passes in 1.2 s without backoff, about 30 with it.
    expect(failures.length).toBeLessThanOrEqual(36);
    const byLane: Record<string, typeof failures> = {};
    for (const l of failures) (byLane[String(l.lane)] ??= []).push(l);
    expect(Object.keys(byLane).sort()).toEqual(['channel worker sends', 'channel worker turns', 'sms worker']);
    for (const [lane, ls] of Object.entries(byLane)) {
      // 20, 40, 80, 160, 160, ... ms: about ten attempts in 1.2 s.
      expect(ls!.length, lane).toBeLessThanOrEqual(12);
      expect(ls!.length, lane).toBeGreaterThanOrEqual(4);
      expect(ls!.slice(0, 5).map((l) => l.retry_in_ms), lane).toEqual([20, 40, 80, 160, 160]);
    }
  });

  it("the job queue's loops wait out a backoff together and log once per attempt", { timeout: 30_000 }, async () => {
    const lost = await losableDatabase(kind);
    cleanup.push(lost.drop);
    const { log, lines } = capturingLogger();
    const attempts: number[] = [];
    let lostAt = Infinity;
    const counted: Database = { ...lost.db, execute: (text, values) => { if (Date.now() >= lostAt) attempts.push(Date.now() - lostAt); return lost.db.execute(text, values); } };
    const names = ['a', 'b', 'c', 'd', 'e', 'f'].map((n) => `degraded-${n}`);
    const jobs = createJobs({ db: counted, log, definitions: names.map((name) => ({ name, handler: async () => {} })), pollingIntervalSeconds: 0.5, backoffMs: 100, maxBackoffMs: 1600 });
    await jobs.start();
    cleanup.push(() => jobs.stop());
    await lost.lose();
    lostAt = Date.now();
    const before = lines.length;
    await new Promise((r) => setTimeout(r, 4000));
    const errors = lines.slice(before).filter((l) => /job queue error/.test(l.msg));
    // pg-boss swallows its workers' fetch errors, so the cost is the attempts: six workers
    // polling every 0.5 s try about 18 times in 1.5 s without the gate. With it they wait for
    // the windows at 0.2, 0.6, 1.4, 3.0 and 4.6 s: in the last 1.5 s, only the one at 3.0.
    const late = attempts.filter((ms) => ms >= 2500 && ms < 4000);
    expect(late.length, JSON.stringify(attempts)).toBeLessThanOrEqual(names.length + 2);
    expect(late.length).toBeGreaterThanOrEqual(1);
    expect(errors.length).toBeLessThanOrEqual(6);
  });
});
