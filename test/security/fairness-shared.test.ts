// Issue 11, finding 2, across processes: TURNS_PER_WORKSPACE and ANONYMOUS_PER_WORKSPACE were
// counted per process, so N servers sharing one PostgreSQL let a workspace run N times its
// cap. On PostgreSQL the places are rows every process sees (app.fairness_places); a process
// that dies holding places loses them after their lease. (PGlite is one process: its gate
// stays in memory.)
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDatabaseWith } from '../support/db.ts';
import { email, testApp } from '../support/http.ts';
import { startFakeOpenAI, type FakeOpenAI } from '../support/fakes/openai.ts';
import { createServerApp } from '../../src/http.ts';
import type { Database } from '../../src/platform/db/database.ts';
import { openPostgres } from '../../src/platform/db/postgres.ts';
import { systemClock } from '../../src/platform/clock.ts';
import { SharedGate } from '../../src/platform/fairness.ts';
import { silentLogger } from '../../src/platform/log.ts';
import { createSecretBox } from '../../src/platform/secrets.ts';

type Body = Record<string, any>;

describe.runIf(process.env.TEST_DATABASE_URL)('fairness places shared by the server processes of one PostgreSQL', () => {
  let fake: FakeOpenAI;
  let pools: Database[];
  beforeAll(async () => {
    fake = await startFakeOpenAI();
    // Two servers on one database: each its own pool, as two processes would have.
    const first = await openTestDatabaseWith('postgres', { max: 4 });
    const url = new URL(process.env.TEST_DATABASE_URL!);
    url.pathname = `/${first.location.split('/').pop()}`;
    pools = [first, await openPostgres(url.toString(), { max: 4 })];
  });
  afterAll(async () => {
    await fake?.close();
    await pools?.[1]?.close();
    await pools?.[0]?.close();
  });

  it("holds a workspace's turn cap across two server instances", async () => {
    const PLACES = 2;
    const CEILING_MS = 2500;
    const secrets = createSecretBox(randomBytes(32));
    const servers = pools.map((db) =>
      createServerApp({ db, log: silentLogger(), clock: systemClock, secrets, fairness: { llmTimeoutMaxMs: CEILING_MS, turnsPerWorkspace: PLACES, turnWaitMs: 300 } }),
    );
    const t = testApp(pools[0]!, systemClock, { secrets });
    const a = await t.owner(email('shared-cap'), { template: 'ari' });
    const models = await t.call('PUT', '/api/v1/assistant/models', { ...a.as, body: { arms: [{ name: 'stuck', base_url: fake.url, model: 'never', weight: 100 }], timeout_ms: 60_000 } });
    expect(models.status, JSON.stringify(models.body)).toBe(200);
    const key = (await t.apiKey(a.as)).key;
    fake.reset();
    fake.script(...Array.from({ length: 8 }, () => ({ hang: true as const })));

    const turn = async (server: (typeof servers)[number], i: number) => {
      const res = await server.request('/api/v1/assistant/turns', {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: JSON.stringify({ phone: `+6281277800${String(i).padStart(2, '0')}`, channel: 'whatsapp', message: 'Halo' }),
      });
      return { status: res.status, body: (await res.json()) as Body };
    };
    // Three turns at each server at once: each server alone would admit two.
    const done = await Promise.all([0, 1, 2, 3, 4, 5].map((i) => turn(servers[i % 2]!, i)));
    expect(fake.requests).toHaveLength(PLACES);
    expect(done.filter((r) => r.status === 200)).toHaveLength(PLACES);
    for (const r of done.filter((x) => x.status !== 200)) expect(r.body.error.code).toBe('busy');
    // Every place was given back.
    await expect.poll(async () => (await pools[0]!.execute<{ n: number }>(`select count(*)::int as n from app.fairness_places where place_key = $1`, [a.workspaceId])).rows[0]!.n).toBe(0);
  });

  it('frees the places of a process that died holding them once their lease ends, and hands a freed place to a waiter at once', async () => {
    const key = `ws-${randomBytes(6).toString('hex')}`;
    let dead = false;
    const dying = { execute: ((sql: string, params?: readonly unknown[]) => (dead ? Promise.reject(new Error('gone')) : pools[0]!.execute(sql, params))) as Database['execute'] };
    const first = new SharedGate(dying, 'anonymous', 2, 0, 600);
    const other = new SharedGate(pools[1]!, 'anonymous', 2, 3000, 600);
    expect(await first.enter(key)).toBeDefined();
    expect(await first.enter(key)).toBeDefined();
    // Renewed while its process lives: still held after more than a lease.
    await new Promise((r) => setTimeout(r, 900));
    expect(await new SharedGate(pools[1]!, 'anonymous', 2, 0, 600).enter(key)).toBeUndefined();
    dead = true;
    const started = Date.now();
    const leave = await other.enter(key);
    expect(leave).toBeDefined();
    // Within about a lease (600 ms) plus a poll.
    expect(Date.now() - started).toBeLessThan(1500);

    // A place given back in this process goes to the one waiting for it without a poll's delay.
    const local = new SharedGate(pools[1]!, 'anonymous', 1, 3000, 5000);
    const k2 = `${key}-local`;
    const holding = (await local.enter(k2))!;
    const waiting = local.enter(k2);
    await new Promise((r) => setTimeout(r, 400));
    const handed = Date.now();
    holding();
    expect(await waiting).toBeDefined();
    expect(Date.now() - handed).toBeLessThan(150);
  });
});
