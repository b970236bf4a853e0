// Issue 18, many processes on one database: two servers, each with its own pool (as two
// processes have), each running two channel workers and its own job queue, under a load of
// WhatsApp webhooks (Meta's retries delivered to either server), assistant turns and
// concurrent bookings of one seat. Nothing may be sent twice, booked twice or lost. What a
// process keeps in memory (the workers' wake-ups) is per server; everything that must hold
// across servers is in PostgreSQL (SKIP LOCKED claims, unique keys, advisory locks), which
// is what this exercises. PostgreSQL only: PGlite belongs to one process.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asService, one } from '../support/actors.ts';
import { channelsApp, waId } from '../support/channels.ts';
import { openTestDatabaseWith } from '../support/db.ts';
import { startFakeMeta, type FakeMeta } from '../support/fakes/meta.ts';
import { testApp } from '../support/http.ts';
import { contact, pattern, workspace } from '../support/scheduling.ts';
import { createServerApp } from '../../src/http.ts';
import { channelWorker } from '../../src/jobs.ts';
import { fixedClock, systemClock } from '../../src/platform/clock.ts';
import type { Database } from '../../src/platform/db/database.ts';
import { openPostgres } from '../../src/platform/db/postgres.ts';
import { createJobs } from '../../src/platform/jobs/queue.ts';
import { silentLogger } from '../../src/platform/log.ts';

describe.runIf(process.env.TEST_DATABASE_URL)('two servers and four workers on one PostgreSQL', () => {
  let fake: FakeMeta;
  let pools: Database[];
  beforeAll(async () => {
    fake = await startFakeMeta();
    const first = await openTestDatabaseWith('postgres', { max: 6 });
    const url = new URL(process.env.TEST_DATABASE_URL!);
    url.pathname = `/${first.location.split('/').pop()}`;
    pools = [first, await openPostgres(url.toString(), { max: 6 })];
  });
  afterAll(async () => {
    await fake?.close();
    await pools?.[1]?.close();
    await pools?.[0]?.close();
  });

  it('answers every WhatsApp message exactly once, whichever server takes the webhook and whichever worker the turn', async () => {
    const log = silentLogger();
    // The first server sets the workspace up; both share the secret key, as a deployment does.
    const setup = channelsApp(pools[0]!, fake);
    const ws = await setup.connectedWorkspace();
    const servers = pools.map((db) => createServerApp({ db, log, clock: systemClock, secrets: setup.secrets, publicUrl: 'https://frontdesk.test', providers: { whatsappGraphUrl: fake.graphUrl } }));
    const workers = pools.flatMap((db) => [0, 1].map(() => channelWorker({ db, clock: systemClock, log, secrets: setup.secrets }, { WHATSAPP_GRAPH_URL: fake.graphUrl }, { backoffMs: 0 })));
    const post = (server: number, signed: { body: string; signature: string }) =>
      servers[server]!.request('/webhooks/whatsapp', { method: 'POST', headers: { 'content-type': 'application/json', 'x-hub-signature-256': signed.signature }, body: signed.body });

    const CUSTOMERS = 12;
    // Distinct numbers (waId() repeats within a millisecond after ten).
    const base = waId().slice(0, 10);
    const customers = Array.from({ length: CUSTOMERS }, (_, i) => `${base}${String(i).padStart(2, '0')}`);
    const inbound = customers.map((from, i) => fake.inbound(ws.phoneNumberId, { from, text: i % 2 ? 'Halo, saya mau kuliah S2 di UK' : 'Halo kak', name: `Customer ${i}` }));
    // Each delivery reaches both servers at once (Meta retries a slow acknowledgement), while
    // all four workers drain.
    const acks = Promise.all(inbound.flatMap((m) => [post(0, m), post(1, m)]));
    const draining = Promise.all(workers.map((w) => w.drain()));
    expect((await acks).map((r) => r.status)).toEqual(Array(CUSTOMERS * 2).fill(200));
    await draining;
    await Promise.all(workers.map((w) => w.drain()));

    // Every customer answered, once; no message sent twice.
    for (const from of customers) expect(fake.sent.filter((s) => s.body.to === `+${from}`), from).toHaveLength(1);
    expect([...fake.sendsById().values()].filter((n) => n !== 1)).toEqual([]);
    const state = await asService(pools[0]!, (tx) =>
      one<{ inbound: number; pending: number; outbox: number; unsent: number }>(
        tx,
        `select (select count(*)::int from channel_inbox where workspace_id = $1) as inbound,
                (select count(*)::int from channel_inbox where workspace_id = $1 and status <> 'done') as pending,
                (select count(*)::int from outbox where workspace_id = $1) as outbox,
                (select count(*)::int from outbox where workspace_id = $1 and status <> 'sent') as unsent`,
        [ws.workspaceId],
      ),
    );
    expect(state).toEqual({ inbound: CUSTOMERS, pending: 0, outbox: CUSTOMERS, unsent: 0 });
  }, 120_000);

  it('sells a one-seat slot once when both servers take the bookings', async () => {
    const clock = fixedClock('2026-03-02T12:00:00Z');
    const w = await workspace(pools[0]!, clock, { time_zone: 'Asia/Jakarta', locale: 'id', currency: 'IDR', country: 'ID' });
    await pattern(w.t, w.as, { day_of_week: 2, start_time: '10:00', end_time: '11:00', booking_window_days: 60 });
    const other = testApp(pools[1]!, clock);
    const people = [];
    for (let i = 0; i < 10; i++) people.push(await contact(w.t, w.as, `Racer ${i}`, `+6281234570${String(i).padStart(3, '0')}`));
    const start = '2026-03-03T10:00:00+07:00';
    const results = await Promise.all(people.map((c, i) => (i % 2 ? other : w.t).call('POST', '/api/v1/appointments', { ...w.as, body: { contact_id: c.id, start } })));
    expect(results.filter((r) => r.status === 201)).toHaveLength(1);
    expect(results.filter((r) => r.status !== 201).map((r) => r.body.error.code)).toEqual(Array(9).fill('booking.slot_taken'));
  }, 120_000);

  it("runs every queued job exactly once with both servers' queues draining", async () => {
    const seen = new Map<number, number>();
    const definitions = [{ name: 'many-processes-count', handler: async (data: { n: number }) => void seen.set(data.n, (seen.get(data.n) ?? 0) + 1) }];
    const queues = pools.map((db) => createJobs({ db, log: silentLogger(), definitions, work: false }));
    for (const q of queues) await q.start();
    const JOBS = 40;
    // Queued by either server, each in a transaction of its own.
    await Promise.all(Array.from({ length: JOBS }, (_, n) => pools[n % 2]!.transaction((tx) => queues[n % 2]!.send(tx, 'many-processes-count', { n }))));
    const done = await Promise.all(queues.map((q) => q.drain()));
    expect(done[0]! + done[1]!).toBe(JOBS);
    expect(seen.size).toBe(JOBS);
    expect([...seen.values()].filter((c) => c !== 1)).toEqual([]);
    for (const q of queues) await q.stop();
  }, 120_000);
});
