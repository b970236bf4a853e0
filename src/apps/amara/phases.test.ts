// Issue 11's finding for Amara: the in-app chat's model mode and `frontdesk chat` held a
// transaction (PGlite: the only connection) while the model answered. Now both leave the
// database while the model writes, as a channel's turn does (test/security/fair-sharing.test.ts).
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { Command } from 'commander';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { asService, rows } from '../../../test/support/actors.ts';
import { describeEachDatabase, openTestDatabaseWith } from '../../../test/support/db.ts';
import { startFakeOpenAI, type FakeOpenAI } from '../../../test/support/fakes/openai.ts';
import { email, testApp } from '../../../test/support/http.ts';
import { registerChatCommand } from '../../cli/chat.ts';
import { systemClock } from '../../platform/clock.ts';
import { createSecretBox } from '../../platform/secrets.ts';

const CASA = { template: 'amara', time_zone: 'America/Bogota', locale: 'es', currency: 'COP', country: 'CO' };

describeEachDatabase('Amara holds no connection while a model answers', (_db, kind) => {
  let fake: FakeOpenAI;

  beforeAll(async () => {
    fake = await startFakeOpenAI();
  });
  afterAll(async () => {
    await fake?.close();
  });

  /** A database of two connections at most (PGlite: one) and a short wait for one. */
  const smallDatabase = () => openTestDatabaseWith(kind, { max: 2, acquireTimeoutMs: 400 });

  /** While the model hangs, someone else's transaction gets a connection at once. */
  async function anotherTransactionIsServed(small: Awaited<ReturnType<typeof smallDatabase>>, asked: number) {
    await expect.poll(() => fake.requests.length - asked, { timeout: 10_000, interval: 20 }).toBeGreaterThanOrEqual(1);
    const started = Date.now();
    await expect(small.transaction((tx) => tx.query('select 1'))).resolves.toBeDefined();
    expect(Date.now() - started).toBeLessThan(400);
  }

  it("in the signed-in in-app chat: the built-in engine answers after the model's timeout, and the turn is stored once", async () => {
    const small = await smallDatabase();
    try {
      const app = testApp(small, systemClock, { secrets: createSecretBox(randomBytes(32)) });
      const owner = await app.owner(email('casa-phases'), CASA);
      const models = await app.call('PUT', '/api/v1/assistant/models', { ...owner.as, body: { arms: [{ name: 'stuck', base_url: fake.url, model: 'never', weight: 100 }], timeout_ms: 1500 } });
      expect(models.status, JSON.stringify(models.body)).toBe(200);
      const maria = await app.signUp(email('maria-phases'));
      fake.script({ hang: true });
      const asked = fake.requests.length;
      const turn = app.call('POST', '/api/v1/amara/chat', { cookie: maria.cookie, workspace: owner.workspaceId, body: { message: '¿Cuánto cuesta la hora?', client_message_id: 'm-1' } });
      await anotherTransactionIsServed(small, asked);
      const res = await turn;
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(res.body.message).toMatchObject({ status: 'completed', metadata: { model: 'amara-built-in', intent: 'price', fallback: { reason: 'timeout' } } });
      expect(res.body.message.content).toContain('Limpieza básica (COP 30,000 an hour)');
      const stored = await asService(small, (tx) => rows<{ role: string }>(tx, 'select role from amara_messages where workspace_id = $1 order by created_at, role desc', [owner.workspaceId]));
      expect(stored).toEqual([{ role: 'user' }, { role: 'assistant' }]);
    } finally {
      await small.close();
    }
  });

  it('in frontdesk chat: Amara answers a casa-limpia customer after the timeout, no connection held meanwhile', async () => {
    const small = await smallDatabase();
    try {
      const app = testApp(small, systemClock);
      const slug = `casa-${randomBytes(4).toString('hex')}`;
      await app.owner(email('casa-cli'), { ...CASA, name: 'Casa Limpia', slug });
      fake.script({ hang: true });
      const asked = fake.requests.length;
      let out = '';
      const program = new Command('frontdesk').exitOverride().configureOutput({ writeErr: () => {} });
      registerChatCommand(program, {
        withDatabase: (fn) => fn(small),
        clock: systemClock,
        input: Readable.from(['¿Cuánto cuesta la hora?\n']),
        write: (text) => (out += text),
        llm: () => ({ baseUrl: fake.url, model: 'never', timeoutMs: 1500 }),
      });
      const done = program.parseAsync(['chat', '--workspace', slug, '--phone', '+57 300 555 0199', '--channel', 'web'], { from: 'user' });
      await anotherTransactionIsServed(small, asked);
      await done;
      expect(out).toMatch(/^Amara> Cobramos por hora: 1\) Limpieza básica \(\$ 30\.000 COP la hora\)/);
    } finally {
      await small.close();
    }
  });
});
