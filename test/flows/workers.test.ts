// Issue 16, item 2: the HTTP server and the background workers in separate processes. A server
// started with FRONTDESK_WORKERS=off only stores a WhatsApp message (the acknowledgement never
// waits for a turn); a `frontdesk worker` (startWorker) on the same PostgreSQL answers it. Both
// run here in one test process, each with its own pool, as two processes would. PostgreSQL
// only: the embedded database belongs to one process, and both refuse to split there.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { channelsApp, waId } from '../support/channels.ts';
import { openTestDatabaseWith } from '../support/db.ts';
import { startFakeMeta, type FakeMeta } from '../support/fakes/meta.ts';
import { start, startWorker } from '../../src/main.ts';
import { loadConfig } from '../../src/platform/config.ts';
import type { Database } from '../../src/platform/db/database.ts';
import { silentLogger } from '../../src/platform/log.ts';
import { createSecretBox } from '../../src/platform/secrets.ts';

const until = async (what: string, ok: () => boolean, ms = 30_000) => {
  const deadline = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
};

describe('splitting the server from its workers', () => {
  it('refuses to run the workers elsewhere on the embedded database', async () => {
    await expect(startWorker(loadConfig({ FRONTDESK_DATA_DIR: '/nonexistent' }), silentLogger())).rejects.toThrow(/DATABASE_URL/);
    await expect(start(loadConfig({ FRONTDESK_DATA_DIR: '/nonexistent', FRONTDESK_WORKERS: 'off' }), silentLogger())).rejects.toThrow(/DATABASE_URL/);
  });
});

describe.runIf(process.env.TEST_DATABASE_URL)('a server without workers and a separate worker on one PostgreSQL', () => {
  let fake: FakeMeta;
  let db: Database;
  let url: string;
  beforeAll(async () => {
    fake = await startFakeMeta();
    db = await openTestDatabaseWith('postgres', { max: 4 });
    const u = new URL(process.env.TEST_DATABASE_URL!);
    u.pathname = `/${db.location.split('/').pop()}`;
    url = u.toString();
  });
  afterAll(async () => {
    await fake?.close();
    await db?.close();
  });

  it('answers a WhatsApp message the server only stored, from the worker', async () => {
    const key = randomBytes(32);
    const setup = channelsApp(db, fake, { secrets: createSecretBox(key) });
    const ws = await setup.connectedWorkspace();
    const env = {
      DATABASE_URL: url,
      FRONTDESK_SECRET_KEY: key.toString('hex'),
      WHATSAPP_GRAPH_URL: fake.graphUrl,
      OUTBOUND_ALLOWED_HOSTS: new URL(fake.graphUrl).hostname,
      FRONTDESK_DEMO: 'never',
      PORT: '0',
      LOG_LEVEL: 'silent',
    } as const;
    const server = await start(loadConfig({ ...env, FRONTDESK_WORKERS: 'off' }), silentLogger());
    let worker: Awaited<ReturnType<typeof startWorker>> | undefined;
    try {
      const from = waId();
      const m = fake.inbound(ws.phoneNumberId, { from, text: 'Halo, saya mau kuliah S2 di UK' });
      const ack = await fetch(`${server.url}/webhooks/whatsapp`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-hub-signature-256': m.signature }, body: m.body });
      expect(ack.status).toBe(200);
      // Longer than the workers' poll: a server without workers answers nothing itself.
      await new Promise((r) => setTimeout(r, 2500));
      expect(fake.sent.filter((s) => s.body.to === `+${from}`)).toEqual([]);
      worker = await startWorker(loadConfig(env), silentLogger());
      await until('the worker to answer', () => fake.sent.some((s) => s.body.to === `+${from}`));
      expect(fake.sent.filter((s) => s.body.to === `+${from}`)).toHaveLength(1);
    } finally {
      await worker?.close();
      await server.close();
    }
  }, 120_000);
});
