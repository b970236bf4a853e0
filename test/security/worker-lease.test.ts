// A channel worker that dies while a model writes its reply (a crash, a deploy, kill -9) must
// not lose the reply: the inbound message's claim is a lease, and once it ends another worker
// answers the message. And a worker that was only slow must not send a second reply when its
// model finally answers after the lease: the reply is recorded by whoever holds the lease.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { asService, rows } from '../support/actors.ts';
import { describeEachDatabase } from '../support/db.ts';
import { email, testApp } from '../support/http.ts';
import { startFakeOpenAI, type FakeOpenAI } from '../support/fakes/openai.ts';
import { answerInbound } from '../../src/apps/answer.ts';
import { createChannelWorker } from '../../src/modules/channels/index.ts';
import type { Database } from '../../src/platform/db/database.ts';
import { systemClock } from '../../src/platform/clock.ts';
import { silentLogger } from '../../src/platform/log.ts';
import { createSecretBox, type SecretBox } from '../../src/platform/secrets.ts';

const LEASE_MS = 3000;

/** The database as one process sees it: after kill() that process does nothing more. */
function mortal(db: Database) {
  let dead = false;
  const check = () => {
    if (dead) throw new Error('this worker process is dead');
  };
  const handle: Database = {
    kind: db.kind,
    location: db.location,
    transaction: async (fn) => (check(), db.transaction(fn)),
    exec: async (sql) => (check(), db.exec(sql)),
    execute: async (sql, params) => (check(), db.execute(sql, params)),
    listen: async (channel, onPayload) => (check(), db.listen(channel, onPayload)),
    close: async () => {},
  };
  return { db: handle, kill: () => void (dead = true) };
}

describeEachDatabase('an inbound message whose worker dies mid-turn', (db) => {
  let fake: FakeOpenAI;
  let t: ReturnType<typeof testApp>;
  let box: SecretBox;
  beforeAll(async () => {
    fake = await startFakeOpenAI();
    box = createSecretBox(randomBytes(32));
    t = testApp(db(), systemClock, { secrets: box });
  });
  afterAll(async () => {
    await fake?.close();
  });

  const worker = (on: Database) =>
    createChannelWorker({
      db: on,
      secrets: box,
      clock: systemClock,
      log: silentLogger(),
      // The operator's ceiling is far away: the model call outlives the lease.
      answer: (scope, input, hooks) => answerInbound(scope, input, { secrets: box, timeoutMaxMs: 60_000 }, hooks),
      senders: [],
      leaseMs: LEASE_MS,
      backoffMs: 0,
    });

  async function workspaceWithMessage() {
    const a = await t.owner(email('lease'), { template: 'ari' });
    const models = await t.call('PUT', '/api/v1/assistant/models', { ...a.as, body: { arms: [{ name: 'writer', base_url: fake.url, model: 'writer-1', weight: 100 }], timeout_ms: 60_000 } });
    expect(models.status, JSON.stringify(models.body)).toBe(200);
    const wamid = `wamid.${randomBytes(8).toString('hex')}`;
    await asService(db(), (tx) =>
      tx.query(`insert into channel_inbox (workspace_id, id, channel, provider_message_id, sender, body, sent_at) values ($1, gen_random_uuid(), 'whatsapp', $2, $3, 'Halo', now())`, [
        a.workspaceId,
        wamid,
        `+62812${String(Date.now()).slice(-7)}`,
      ]),
    );
    return { workspaceId: a.workspaceId, wamid };
  }

  const state = (ws: string) =>
    asService(db(), async (tx) => ({
      inbox: await rows<{ status: string }>(tx, 'select status from channel_inbox where workspace_id = $1', [ws]),
      replies: (await rows<{ body: string }>(tx, `select body from messages where workspace_id = $1 and direction = 'outbound' order by created_at`, [ws])).map((r) => r.body),
      inbound: (await rows(tx, `select 1 from messages where workspace_id = $1 and direction = 'inbound'`, [ws])).length,
      questions: (await rows(tx, `select 1 from ari_messages where workspace_id = $1 and role = 'user'`, [ws])).length,
      answers: (await rows<{ ai_model: string }>(tx, `select ai_model from ari_messages where workspace_id = $1 and role = 'assistant'`, [ws])).map((r) => r.ai_model),
    }));

  it("is answered once by another worker after the dead one's lease ends", async () => {
    const { workspaceId } = await workspaceWithMessage();
    fake.reset();
    let answerTheDead!: () => void;
    const tooLate = new Promise<void>((r) => (answerTheDead = r));
    fake.script({ text: 'Words nobody will record', after: tooLate }, { text: 'Halo kak, saya ARI dari Eagle. Ada yang bisa dibantu?' });
    const first = mortal(db());
    const a = worker(first.db);
    const dying = a.drain().then(
      () => 'lived',
      () => 'died',
    );
    await expect.poll(() => fake.requests.length, { timeout: 10_000, interval: 20 }).toBe(1);
    // The process dies while its model call is open: nothing it does later reaches the database
    // (its model's answer comes to a process that is gone).
    first.kill();
    answerTheDead();
    expect(await dying).toBe('died');
    expect((await state(workspaceId)).inbox).toEqual([{ status: 'pending' }]);

    // Before the lease ends, nobody else takes the message.
    const b = worker(db());
    expect((await b.drain()).turns).toBe(0);
    await new Promise((r) => setTimeout(r, LEASE_MS + 100));
    expect((await b.drain()).turns).toBe(1);
    expect(fake.requests).toHaveLength(2);
    const after = await state(workspaceId);
    expect(after.inbox).toEqual([{ status: 'done' }]);
    // One reply, worded by the model; the message and the question stored once.
    expect(after.replies).toEqual(['Halo kak, saya ARI dari Eagle. Ada yang bisa dibantu?']);
    expect(after.answers).toEqual(['writer']);
    expect(after.inbound).toBe(1);
    expect(after.questions).toBe(1);
  });

  it('a slow worker whose model answers after another took the message over records nothing; the message is answered once', async () => {
    // Across processes (two servers on one PostgreSQL): here the other worker's claim is made
    // as claimInbound makes it, since in one process a conversation's turns wait for each other.
    const { workspaceId, wamid } = await workspaceWithMessage();
    fake.reset();
    let release!: () => void;
    const late = new Promise<void>((r) => (release = r));
    fake.script({ text: 'A late reply from the slow worker', after: late }, { text: 'The reply of the worker that took over' });
    const slow = worker(db()).drain();
    await expect.poll(() => fake.requests.length, { timeout: 10_000, interval: 20 }).toBe(1);
    await new Promise((r) => setTimeout(r, LEASE_MS + 100));
    const takenUntil = new Date(Date.now() + LEASE_MS);
    const taken = await asService(db(), (tx) =>
      tx.query(`update channel_inbox set next_attempt_at = $3 where workspace_id = $1 and provider_message_id = $2 and status = 'pending' and next_attempt_at <= now() returning id`, [workspaceId, wamid, takenUntil]),
    );
    expect(taken.rows).toHaveLength(1);
    release();
    await slow;
    const meanwhile = await state(workspaceId);
    expect(meanwhile.replies).toEqual([]);
    expect(meanwhile.answers).toEqual([]);
    expect(meanwhile.inbox).toEqual([{ status: 'pending' }]);

    // That other worker died too: after its lease, the next one answers, once.
    await new Promise((r) => setTimeout(r, Math.max(0, takenUntil.getTime() - Date.now()) + 100));
    expect((await worker(db()).drain()).turns).toBe(1);
    const after = await state(workspaceId);
    expect(after.inbox).toEqual([{ status: 'done' }]);
    expect(after.replies).toEqual(['The reply of the worker that took over']);
    expect(after.answers).toEqual(['writer']);
    expect(after.questions).toBe(1);
  });
});
