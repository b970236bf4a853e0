// Issue 11, finding 2: one tenant could take the server down. A turn held a pooled
// connection (PGlite: the only one) while the model answered, for a timeout the tenant chose
// (up to 60 s); twelve turns against a model that never answers made another tenant's
// GET /contacts fail with 500 and /health answer 503. Now the model writes with no
// transaction open, the operator's LLM_TIMEOUT_MAX_MS caps the wait, a workspace runs
// TURNS_PER_WORKSPACE turns at once, and a database with no connection to give answers 503.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asService, rows } from '../support/actors.ts';
import { describeEachDatabase, openTestDatabaseWith } from '../support/db.ts';
import { email, testApp } from '../support/http.ts';
import { startFakeOpenAI, type FakeOpenAI } from '../support/fakes/openai.ts';
import { answerInbound } from '../../src/apps/answer.ts';
import { createServerApp } from '../../src/http.ts';
import { createChannelWorker } from '../../src/modules/channels/index.ts';
import { systemClock } from '../../src/platform/clock.ts';
import { Gate } from '../../src/platform/fairness.ts';
import { silentLogger } from '../../src/platform/log.ts';
import { createSecretBox } from '../../src/platform/secrets.ts';

type Body = Record<string, any>;

describe('a gate of places per workspace', () => {
  it('lets N in at once, hands a freed place to the next in line, and turns away whoever waited too long', async () => {
    const gate = new Gate(2, 100);
    const a = (await gate.enter('ws'))!;
    const b = (await gate.enter('ws'))!;
    expect(gate.running('ws')).toBe(2);
    expect(await gate.enter('other')).toBeDefined();
    const waiting = gate.enter('ws');
    a();
    const c = await waiting;
    expect(c).toBeDefined();
    expect(gate.running('ws')).toBe(2);
    const started = Date.now();
    expect(await gate.enter('ws')).toBeUndefined();
    expect(Date.now() - started).toBeGreaterThanOrEqual(90);
    b();
    c!();
    expect(gate.running('ws')).toBe(0);
  });

  it('refuses with busy and a retry time', async () => {
    const gate = new Gate(1, 0);
    const leave = (await gate.enter('ws'))!;
    await expect(gate.run('ws', 'full', async () => 1)).rejects.toMatchObject({ code: 'busy', kind: 'unavailable', details: { retry_after: 1 } });
    leave();
    await expect(gate.run('ws', 'full', async () => 1)).resolves.toBe(1);
  });
});

describeEachDatabase('fair sharing between workspaces', (db, kind) => {
  let fake: FakeOpenAI;
  let t: ReturnType<typeof testApp>;
  const CEILING_MS = 1500;
  const PLACES = 4;

  beforeAll(async () => {
    fake = await startFakeOpenAI();
    t = testApp(db());
  });
  afterAll(async () => {
    await fake?.close();
  });

  it("keeps another workspace's API and /health answering while one workspace's model never answers, within the ceiling and the cap", async () => {
    // The operator's limits; the tenant asks for a minute.
    const server = createServerApp({ db: db(), log: silentLogger(), clock: systemClock, secrets: createSecretBox(randomBytes(32)), fairness: { llmTimeoutMaxMs: CEILING_MS, turnsPerWorkspace: PLACES, turnWaitMs: 300 } });
    const call = async (path: string, key: string, init: { method?: string; body?: unknown } = {}) => {
      const res = await server.request(path, {
        method: init.method ?? 'GET',
        headers: { authorization: `Bearer ${key}`, ...(init.body ? { 'content-type': 'application/json' } : {}) },
        ...(init.body ? { body: JSON.stringify(init.body) } : {}),
      });
      return { status: res.status, body: (await res.json()) as Body, headers: res.headers };
    };

    const a = await t.owner(email('hog'), { template: 'ari' });
    const b = await t.owner(email('neighbour'), { template: 'ari' });
    const models = await t.call('PUT', '/api/v1/assistant/models', { ...a.as, body: { arms: [{ name: 'stuck', base_url: fake.url, model: 'never', weight: 100 }], timeout_ms: 60_000 } });
    expect(models.status, JSON.stringify(models.body)).toBe(200);
    const keyA = (await t.apiKey(a.as)).key;
    const keyB = (await t.apiKey(b.as)).key;
    fake.script(...Array.from({ length: 12 }, () => ({ hang: true as const })));

    const started = Date.now();
    const turns = Array.from({ length: 12 }, (_, i) =>
      call('/api/v1/assistant/turns', keyA, { method: 'POST', body: { phone: `+6281277700${String(i).padStart(2, '0')}`, channel: 'whatsapp', message: 'Halo' } }),
    );
    // The admitted turns are waiting on the model.
    await expect.poll(() => fake.requests.length, { timeout: 10_000, interval: 20 }).toBe(PLACES);

    const neighbourStarted = Date.now();
    const contacts = await call('/api/v1/contacts', keyB);
    const health = await server.request('/health');
    expect(contacts.status).toBe(200);
    expect(health.status).toBe(200);
    // Well before any model call could have timed out: nothing waited on the stuck model.
    expect(Date.now() - neighbourStarted).toBeLessThan(CEILING_MS);

    const done = await Promise.all(turns);
    const answered = done.filter((r) => r.status === 200);
    const refused = done.filter((r) => r.status !== 200);
    // The cap: four turns asked the model, the rest were turned away after their wait, storing nothing.
    expect(answered).toHaveLength(PLACES);
    expect(fake.requests).toHaveLength(PLACES);
    for (const r of refused) {
      expect(r.status).toBe(503);
      expect(r.body.error.code).toBe('busy');
      expect(Number(r.headers.get('retry-after'))).toBeGreaterThan(0);
    }
    // The ceiling: the tenant's 60 s became 1.5 s, and the built-in engine answered.
    expect(Date.now() - started).toBeLessThan(CEILING_MS + 8000);
    for (const r of answered) expect(r.body.reply).toMatch(/ARI/);
    const replies = await asService(db(), (tx) =>
      rows<{ ai_model: string; metadata: Body }>(tx, `select ai_model, metadata from ari_messages where workspace_id = $1 and role = 'assistant'`, [a.workspaceId]),
    );
    expect(replies).toHaveLength(PLACES);
    for (const m of replies) expect(m).toMatchObject({ ai_model: 'rule-engine', metadata: { fallback: { reason: 'timeout', detail: `no answer within ${CEILING_MS} ms` } } });
    const inbound = await asService(db(), (tx) => rows(tx, `select 1 from messages where workspace_id = $1 and direction = 'inbound'`, [a.workspaceId]));
    expect(inbound).toHaveLength(PLACES);
  });

  it("holds no connection in the channel worker while a WhatsApp turn's model writes", async () => {
    // Two connections at most (PGlite: one), and a short wait for one: a worker turn that kept
    // its transaction open while the model hangs would leave nothing for anyone else.
    const small = await openTestDatabaseWith(kind, { max: 2, acquireTimeoutMs: 400 });
    const box = createSecretBox(randomBytes(32));
    try {
      const app = testApp(small, systemClock, { secrets: box });
      const a = await app.owner(email('whatsapp-hog'), { template: 'ari' });
      const models = await app.call('PUT', '/api/v1/assistant/models', { ...a.as, body: { arms: [{ name: 'stuck', base_url: fake.url, model: 'never', weight: 100 }], timeout_ms: 60_000 } });
      expect(models.status, JSON.stringify(models.body)).toBe(200);
      const now = new Date();
      await asService(small, (tx) =>
        tx.query(
          `insert into channel_inbox (workspace_id, id, channel, provider_message_id, sender, body, sent_at)
           values ($1, gen_random_uuid(), 'whatsapp', $2, '+6281277711001', 'Halo', $4), ($1, gen_random_uuid(), 'whatsapp', $3, '+6281277711002', 'Halo', $4)`,
          [a.workspaceId, `wamid.${randomBytes(6).toString('hex')}`, `wamid.${randomBytes(6).toString('hex')}`, now],
        ),
      );
      fake.script({ hang: true }, { hang: true });
      const asked = fake.requests.length;
      const worker = createChannelWorker({
        db: small,
        secrets: box,
        clock: systemClock,
        log: silentLogger(),
        answer: (scope, input) => answerInbound(scope, input, { secrets: box, timeoutMaxMs: CEILING_MS }),
        senders: [],
        turnConcurrency: 2,
      });
      const drained = worker.drain();
      await expect.poll(() => fake.requests.length - asked, { timeout: 10_000, interval: 20 }).toBeGreaterThanOrEqual(1);
      // While the model hangs, someone else's transaction gets a connection at once.
      const started = Date.now();
      await expect(small.transaction((tx) => tx.query('select 1'))).resolves.toBeDefined();
      expect(Date.now() - started).toBeLessThan(400);

      expect((await drained).turns).toBe(2);
      const inbox = await asService(small, (tx) => rows<{ status: string }>(tx, `select status from channel_inbox where workspace_id = $1`, [a.workspaceId]));
      expect(inbox).toEqual([{ status: 'done' }, { status: 'done' }]);
      // Each message stored once and answered once, by the built-in engine after the ceiling.
      const replies = await asService(small, (tx) =>
        rows<{ ai_model: string }>(tx, `select ai_model from ari_messages where workspace_id = $1 and role = 'assistant'`, [a.workspaceId]),
      );
      expect(replies).toEqual([{ ai_model: 'rule-engine' }, { ai_model: 'rule-engine' }]);
      const inbound = await asService(small, (tx) => rows(tx, `select 1 from messages where workspace_id = $1 and direction = 'inbound'`, [a.workspaceId]));
      expect(inbound).toHaveLength(2);
    } finally {
      await small.close();
    }
  });

  it('answers 503 db.unavailable with Retry-After, not 500, when no connection comes in time', async () => {
    const small = await openTestDatabaseWith(kind, { max: 1, acquireTimeoutMs: 200 });
    let release!: () => void;
    const held = small.transaction(() => new Promise<void>((r) => (release = r)));
    try {
      const server = createServerApp({ db: small, log: silentLogger(), clock: systemClock, secrets: createSecretBox(randomBytes(32)) });
      const res = await server.request('/api/v1/events', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-workspace-id': '01900000-0000-7000-8000-000000000000' },
        body: JSON.stringify({ event_type: 'page_view', session_id: 'visitor-1' }),
      });
      expect(res.status).toBe(503);
      expect(res.headers.get('retry-after')).toMatch(/^\d+$/);
      expect(((await res.json()) as Body).error.code).toBe('db.unavailable');
    } finally {
      release();
      await held;
      await small.close();
    }
  });
});
