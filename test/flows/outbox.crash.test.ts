// The outbox under a crash: the real server process (bin/frontdesk.js serve) delivers queued
// WhatsApp messages to the fake Meta, is killed with SIGKILL in the middle, and is started
// again. Every message must reach Meta exactly once and end up recorded as sent.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { databaseKinds } from '../support/db.ts';
import { createWorkspace } from '../support/factories.ts';
import { startFakeMeta, type FakeMeta } from '../support/fakes/meta.ts';
import { urlFor, withDatabase } from '../support/postgres-admin.ts';
import { notify } from '../../src/notify.ts';
import { systemClock } from '../../src/platform/clock.ts';
import type { Database } from '../../src/platform/db/database.ts';
import { migrate } from '../../src/platform/db/migrate.ts';
import { openDatabase } from '../../src/platform/db/open.ts';
import { withServiceRole, withTenant } from '../../src/platform/db/tenant.ts';
import { newId } from '../../src/platform/ids.ts';
import { silentLogger } from '../../src/platform/log.ts';
import { createSecretBox, parseSecretKey } from '../../src/platform/secrets.ts';
import { saveChannelSettings } from '../../src/modules/channels/settings/settings.service.ts';
import { phoneNumberId } from '../support/channels.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const MESSAGES = 60;

const freePort = () =>
  new Promise<number>((ok) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => ok(port));
    });
  });

const until = async (what: string, check: () => boolean | Promise<boolean>, timeoutMs = 60_000) => {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
};

/** A workspace with its WhatsApp number connected and MESSAGES reminders queued to contacts whose window is open. */
async function queueMessages(db: Database, key: string, account: { phoneNumberId: string; accessToken: string; appSecret: string }) {
  const { workspaceId } = await createWorkspace(db);
  const actor = { kind: 'system' as const, workspaceId };
  const ids: string[] = [];
  await withTenant(db, actor, async (tx) => {
    const ctx = { tx, actor, clock: systemClock, log: silentLogger() };
    await saveChannelSettings(ctx, createSecretBox(parseSecretKey(key)), 'whatsapp', {
      phone_number_id: account.phoneNumberId, access_token: account.accessToken, app_secret: account.appSecret, verify_token: 'crash-test-verify',
    });
    for (let i = 0; i < MESSAGES; i++) {
      const contactId = newId();
      await tx.db.insertInto('contacts').values({ id: contactId, workspace_id: workspaceId, name: `Customer ${i}`, phone: `+62812${String(5_000_000 + i)}` }).execute();
      await tx.db.insertInto('contact_channel_windows').values({ workspace_id: workspaceId, contact_id: contactId, channel: 'whatsapp', last_inbound_at: new Date() }).execute();
      await notify(ctx, { contactId, kind: 'reminder', body: `Reminder ${i}` });
    }
  });
  await withServiceRole(db, async (tx) => {
    const { rows } = await tx.query<{ message_id: string }>('select message_id from outbox where workspace_id = $1', [workspaceId]);
    ids.push(...rows.map((r) => r.message_id));
  });
  return { workspaceId, ids };
}

describe.each(databaseKinds)('the outbox when the server is killed while sending [%s]', (kind) => {
  let fake: FakeMeta;
  let dataDir: string;
  let databaseUrl: string | undefined;
  let dropDatabase: (() => Promise<void>) | undefined;
  const key = randomBytes(32).toString('hex');
  const account = { phoneNumberId: phoneNumberId(), accessToken: `EAAG${randomBytes(8).toString('hex')}`, appSecret: randomBytes(16).toString('hex') };
  let port: number;
  let child: ChildProcess | undefined;
  let queued: { workspaceId: string; ids: string[] };

  const open = () => openDatabase({ databaseUrl, dataDir });

  /** The real server. CRASH_LOG=warn (or another level) shows its log when this test needs a look. */
  function serve(): ChildProcess {
    const p = spawn(process.execPath, [join(ROOT, 'bin/frontdesk.js'), 'serve'], {
      cwd: ROOT,
      env: {
        ...process.env,
        NODE_ENV: 'test',
        HOST: '127.0.0.1',
        PORT: String(port),
        FRONTDESK_DATA_DIR: dataDir,
        DATABASE_URL: databaseUrl ?? '',
        FRONTDESK_DEMO: 'never',
        FRONTDESK_SECRET_KEY: key,
        WHATSAPP_GRAPH_URL: fake.graphUrl,
        OUTBOUND_ALLOWED_HOSTS: new URL(fake.graphUrl).host,
        OUTBOX_LEASE_SECONDS: '2',
        OUTBOX_RECONCILE_SECONDS: '20',
        LOG_LEVEL: process.env.CRASH_LOG ?? 'silent',
      },
      stdio: ['ignore', process.env.CRASH_LOG ? 'inherit' : 'ignore', 'inherit'],
    });
    return p;
  }
  const exited = (p: ChildProcess) => new Promise<void>((ok) => (p.exitCode !== null || p.signalCode !== null ? ok() : p.once('exit', () => ok())));

  beforeAll(async () => {
    fake = await startFakeMeta();
    fake.connect(account);
    for (let i = 0; i < MESSAGES; i++) fake.openWindow(account.phoneNumberId, `62812${String(5_000_000 + i)}`);
    port = await freePort();
    dataDir = mkdtempSync(join(tmpdir(), 'frontdesk-crash-'));
    if (kind === 'postgres') {
      const url = process.env.TEST_DATABASE_URL!;
      const name = `frontdesk_crash_${randomBytes(6).toString('hex')}`;
      await withDatabase(url, (c) => c.query(`create database ${name} template ${inject('postgresTemplate')}`));
      databaseUrl = urlFor(url, name);
      dropDatabase = () => withDatabase(url, (c) => c.query(`drop database if exists ${name} with (force)`)).then(() => undefined);
    }
    const db = await open();
    try {
      await migrate(db);
      queued = await queueMessages(db, key, account);
    } finally {
      await db.close();
    }
  }, 120_000);

  afterAll(async () => {
    if (child && child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      await exited(child);
    }
    await fake.close();
    await dropDatabase?.();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('sends every queued message exactly once and records each as sent', { timeout: 180_000 }, async () => {
    expect(queued.ids).toHaveLength(MESSAGES);
    fake.callbackTo(`http://127.0.0.1:${port}/webhooks/whatsapp`);
    // Slow enough that the kill lands while sends are in flight.
    fake.delay(150);

    child = serve();
    // Killed while Meta holds messages whose answer has not reached the server.
    await until('the first sends, and more in flight', () => fake.sent.length >= MESSAGES / 4 && fake.inFlight() > 0);
    child.kill('SIGKILL');
    await exited(child);
    await until('Meta to take the messages in flight', () => fake.inFlight() === 0);
    const beforeRestart = fake.sendsById();
    expect(beforeRestart.size).toBeLessThan(MESSAGES);
    // The kill fell between sending and recording: Meta has messages the database does not know were sent.
    const dead = await open();
    try {
      const recorded = await withServiceRole(dead, (tx) => tx.query<{ n: number }>("select count(*)::int as n from outbox where workspace_id = $1 and status = 'sent'", [queued.workspaceId]));
      expect(recorded.rows[0]!.n).toBeLessThan(beforeRestart.size);
    } finally {
      await dead.close();
    }

    child = serve();
    await until('every message to reach Meta', () => fake.sendsById().size === MESSAGES, 120_000);
    await fake.callbacksDelivered();
    child.kill('SIGTERM');
    await exited(child);

    const counts = fake.sendsById();
    expect([...counts.keys()].sort()).toEqual([...queued.ids].sort());
    expect([...counts.values()].every((n) => n === 1)).toBe(true);

    const db = await open();
    try {
      const rows = await withServiceRole(db, (tx) =>
        tx.query<{ status: string; provider_message_id: string | null; delivery_status: string; message_wamid: string | null }>(
          `select o.status, o.provider_message_id, m.delivery_status, m.provider_message_id as message_wamid
             from outbox o join messages m on m.workspace_id = o.workspace_id and m.id = o.message_id
            where o.workspace_id = $1`,
          [queued.workspaceId],
        ),
      );
      const wamids = new Set(fake.sent.map((s) => s.wamid));
      expect(rows.rows).toHaveLength(MESSAGES);
      for (const r of rows.rows) {
        expect(r.status).toBe('sent');
        expect(r.delivery_status).toBe('sent');
        expect(wamids.has(r.message_wamid!)).toBe(true);
      }
    } finally {
      await db.close();
    }
  });
});
