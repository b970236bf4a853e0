import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { testApp } from '../../test/support/http.ts';
import { urlFor, withDatabase } from '../../test/support/postgres-admin.ts';
import { openPglite } from '../platform/db/pglite.ts';
import { loadMigrations } from '../platform/db/migrate.ts';

const BIN = new URL('../../bin/frontdesk.js', import.meta.url).pathname;

function run(args: string[], env: Record<string, string | undefined> = {}, stdin?: string) {
  return new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      env: { ...process.env, DATABASE_URL: '', LOG_LEVEL: 'silent', ...env },
      stdio: [stdin === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    });
    if (stdin !== undefined) child.stdin!.end(stdin);
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (d) => (stdout += d));
    child.stderr!.on('data', (d) => (stderr += d));
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

const dirs: string[] = [];
const dataDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'frontdesk-cli-'));
  dirs.push(d);
  return d;
};
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('frontdesk command line', { timeout: 120_000 }, () => {
  it('refuses unknown flags with a one-line reason and exit code 2', async () => {
    const r = await run(['migrate', '--frobnicate']);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toEqual(["frontdesk: unknown option '--frobnicate'"]);
  });

  it('refuses a missing required option with exit code 2', async () => {
    const r = await run(['workspaces', 'create', '--name', 'X']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^frontdesk: required option '--owner-email <email>' not specified\n$/);
  });

  it('refuses a bad template choice with exit code 2', async () => {
    const r = await run(['workspaces', 'create', '--name', 'X', '--owner-email', 'a@b.co', '--template', 'nope']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('nope');
  });

  it('names host and port when DATABASE_URL is unreachable, exit code 1', async () => {
    const r = await run(['migrate'], { DATABASE_URL: 'postgres://nobody@127.0.0.1:1/nowhere' });
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toMatch(/^frontdesk: cannot reach PostgreSQL at 127\.0\.0\.1:1\/nowhere: /);
  });

  it('creates a workspace with its owner and template, printing JSON', async () => {
    const dir = dataDir();
    const r = await run(
      ['workspaces', 'create', '--name', 'Acme Study', '--owner-email', 'Owner@Acme.test', '--template', 'ari', '--json'],
      { FRONTDESK_DATA_DIR: dir },
    );
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as { workspace_id: string; owner_user_id: string; slug: string };
    expect(out).toEqual({ workspace_id: expect.any(String), owner_user_id: expect.any(String), slug: 'acme-study' });

    const again = await run(['workspaces', 'create', '--name', 'Acme Study', '--owner-email', 'owner@acme.test'], { FRONTDESK_DATA_DIR: dir });
    expect(again.code).toBe(1);
    expect(again.stderr.trim()).toBe('frontdesk: the workspace slug "acme-study" is taken; choose another');

    const db = await openPglite({ dataDir: dir });
    try {
      const { rows } = await db.transaction((tx) =>
        tx.query<{ role: string; email: string; stages: number; bot: string; scoring: number; slots: number; destinations: number; knowledge: number }>(
          `select m.role, u.email, (select count(*) from ari_flow_stages s where s.workspace_id = m.workspace_id)::int8 as stages,
                  (select bot_name from ari_config c where c.workspace_id = m.workspace_id) as bot,
                  (select count(*) from ari_scoring_config c where c.workspace_id = m.workspace_id)::int8 as scoring,
                  (select count(*) from consultant_slots c where c.workspace_id = m.workspace_id)::int8 as slots,
                  (select count(*) from ari_destinations d where d.workspace_id = m.workspace_id)::int8 as destinations,
                  (select count(*) from ari_knowledge_entries k where k.workspace_id = m.workspace_id)::int8 as knowledge
             from workspace_members m join auth.users u on u.id = m.user_id where m.workspace_id = $1`,
          [out.workspace_id],
        ),
      );
      expect(rows).toEqual([{ role: 'owner', email: 'owner@acme.test', stages: 8, bot: 'ARI', scoring: 1, slots: 10, destinations: 6, knowledge: 3 }]);
    } finally {
      await db.close();
    }

    // Everything a conversation needs is there: the assistant answers from the starter destinations.
    const chat = await run(['chat', '--workspace', 'acme-study', '--phone', '081234567055', '--json'], { FRONTDESK_DATA_DIR: dir }, 'Halo, nama saya Rudi\nUniversitas apa saja di Inggris?\n');
    expect(chat.code).toBe(0);
    const turns = chat.stdout.trim().split('\n').map((l) => JSON.parse(l) as { reply: string });
    expect(turns[1]!.reply).toContain('University of Manchester');
  });

  it('sets a password from standard input so that an owner made on the command line can sign in', async () => {
    const dir = dataDir();
    const made = await run(['workspaces', 'create', '--name', 'Pw Test', '--owner-email', 'boss@pw.test', '--json'], { FRONTDESK_DATA_DIR: dir });
    expect(made.code).toBe(0);
    const short = await run(['users', 'set-password', '--email', 'boss@pw.test'], { FRONTDESK_DATA_DIR: dir }, 'short\n');
    expect(short.code).toBe(2);
    const ok = await run(['users', 'set-password', '--email', 'Boss@pw.test'], { FRONTDESK_DATA_DIR: dir }, 'a long enough password\n');
    expect(ok.stdout).toBe('password set for boss@pw.test\n');
    const db = await openPglite({ dataDir: dir });
    try {
      const t = testApp(db);
      const res = await t.call('POST', '/api/v1/auth/signin', { body: { email: 'boss@pw.test', password: 'a long enough password' } });
      expect(res.status).toBe(200);
      expect(res.body.workspaces).toEqual([expect.objectContaining({ slug: 'pw-test', role: 'owner' })]);
    } finally {
      await db.close();
    }
  });

  it('refuses to open the embedded database while another process holds it, without touching it', async () => {
    const dir = dataDir();
    const holder = await openPglite({ dataDir: dir, owner: 'frontdesk serve on port 3000' });
    try {
      const r = await run(['migrate'], { FRONTDESK_DATA_DIR: dir });
      expect(r.code).toBe(1);
      expect(r.stderr.trim()).toBe(
        `frontdesk: the embedded database in ${dir} is in use by process ${process.pid} (frontdesk serve on port 3000); stop that process first, or point DATABASE_URL at a PostgreSQL server`,
      );
      // The holder still works.
      const { rows } = await holder.transaction((tx) => tx.query<{ one: number }>('select 1 as one'));
      expect(rows).toEqual([{ one: 1 }]);
    } finally {
      await holder.close();
    }
  });

  it.runIf(!!process.env.TEST_DATABASE_URL)('migrate with DATABASE_URL creates the whole schema on an empty server database', async () => {
    const url = process.env.TEST_DATABASE_URL!;
    const name = `frontdesk_cli_${randomBytes(5).toString('hex')}`;
    await withDatabase(url, (c) => c.query(`create database ${name}`));
    try {
      const r = await run(['migrate', '--json'], { DATABASE_URL: urlFor(url, name) });
      expect(r.stderr).toBe('');
      expect(JSON.parse(r.stdout)).toEqual({ applied: loadMigrations().map((m) => m.name), alreadyApplied: 0 });
      const tables = await withDatabase(urlFor(url, name), async (c) =>
        (await c.query(`select count(*)::int as n from information_schema.tables where table_schema = 'public' and table_name like 'ari\\_%'`)).rows[0].n,
      );
      expect(tables).toBe(11);
      const second = await run(['migrate'], { DATABASE_URL: urlFor(url, name) });
      expect(second.stdout.trim()).toBe(`nothing to apply (${loadMigrations().length} already applied)`);
    } finally {
      await withDatabase(url, (c) => c.query(`drop database if exists ${name} with (force)`));
    }
  });
});
