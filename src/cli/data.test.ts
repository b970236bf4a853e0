import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { urlFor, withDatabase } from '../../test/support/postgres-admin.ts';
import { openPglite } from '../platform/db/pglite.ts';

const BIN = new URL('../../bin/frontdesk.js', import.meta.url).pathname;

function run(args: string[], env: Record<string, string | undefined> = {}) {
  return new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, DATABASE_URL: '', LOG_LEVEL: 'silent', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

const root = mkdtempSync(join(tmpdir(), 'frontdesk-backup-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

async function slugsIn(dataDir: string): Promise<string[]> {
  const db = await openPglite({ dataDir });
  try {
    return (await db.execute<{ slug: string }>(`select slug from public.workspaces order by slug`)).rows.map((r) => r.slug);
  } finally {
    await db.close();
  }
}

// Spawning the command line migrates a new embedded database each time: slow on a loaded machine.
describe('frontdesk backup and restore', { timeout: 600_000 }, () => {
  /** An installation with one workspace, made once for the file. */
  const original = join(root, 'original');
  beforeAll(async () => {
    const created = await run(['workspaces', 'create', '--name', 'Kopi Kita', '--owner-email', 'owner@kopi.test', '--template', 'voice'], { FRONTDESK_DATA_DIR: original });
    expect(created.stderr).toBe('');
  }, 600_000);

  it('the embedded database: backed up to one file and restored into an empty data directory, or over one only with --force', async () => {
    const file = join(root, 'embedded.backup');
    const backup = await run(['backup', '--out', file, '--json'], { FRONTDESK_DATA_DIR: original });
    expect(backup.stderr).toBe('');
    expect(JSON.parse(backup.stdout)).toMatchObject({ kind: 'pglite', file, bytes: expect.any(Number) });

    const copy = join(root, 'copy');
    const restored = await run(['restore', '--from', file], { FRONTDESK_DATA_DIR: copy });
    expect(restored.stderr).toBe('');
    expect(restored.code).toBe(0);
    expect(await slugsIn(copy)).toEqual(['kopi-kita']);

    // A second workspace in the copy, then the backup again over it: refused, then with --force.
    await run(['workspaces', 'create', '--name', 'Later', '--owner-email', 'owner@kopi.test'], { FRONTDESK_DATA_DIR: copy });
    const refused = await run(['restore', '--from', file], { FRONTDESK_DATA_DIR: copy });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/^frontdesk: .*already holds a database; pass --force to replace it/);
    expect(await slugsIn(copy)).toEqual(['kopi-kita', 'later']);
    const forced = await run(['restore', '--from', file, '--force', '--json'], { FRONTDESK_DATA_DIR: copy });
    expect(forced.code).toBe(0);
    const kept = (JSON.parse(forced.stdout) as { replaced: string }).replaced;
    expect(await slugsIn(copy)).toEqual(['kopi-kita']);
    expect(await slugsIn(kept)).toEqual(['kopi-kita', 'later']);
  });

  it('refuses what is not a backup, a missing file and an empty data directory with exit code 1 and one line', async () => {
    const notBackup = join(root, 'not-a-backup.txt');
    await import('node:fs').then((fs) => fs.writeFileSync(notBackup, 'hello'));
    const bad = await run(['restore', '--from', notBackup], { FRONTDESK_DATA_DIR: join(root, 'nowhere-1') });
    expect([bad.code, bad.stderr.trim().split('\n').length]).toEqual([1, 1]);
    expect(bad.stderr).toContain('is not a Frontdesk backup');
    const missing = await run(['restore', '--from', join(root, 'missing.backup')], { FRONTDESK_DATA_DIR: join(root, 'nowhere-2') });
    expect([missing.code, missing.stderr]).toEqual([1, `frontdesk: no backup file at ${join(root, 'missing.backup')}\n`]);
    const empty = await run(['backup', '--out', join(root, 'x.backup')], { FRONTDESK_DATA_DIR: join(root, 'nowhere-3') });
    expect(empty.code).toBe(1);
    expect(empty.stderr).toContain('there is no embedded database');
    expect(existsSync(join(root, 'x.backup'))).toBe(false);
  });

  it.skipIf(!process.env.TEST_DATABASE_URL)('a PostgreSQL server: pg_dump to one file, pg_restore into another database; never into the wrong kind; a clear reason without pg_dump', async () => {
    const admin = process.env.TEST_DATABASE_URL!;
    const names = [`frontdesk_bk_${randomBytes(5).toString('hex')}`, `frontdesk_rs_${randomBytes(5).toString('hex')}`];
    await withDatabase(admin, async (c) => {
      for (const n of names) await c.query(`create database ${n}`);
    });
    try {
      const [from, into] = names.map((n) => urlFor(admin, n)) as [string, string];
      await run(['workspaces', 'create', '--name', 'Servidor', '--owner-email', 'owner@servidor.test', '--template', 'amara'], { DATABASE_URL: from });
      const file = join(root, 'server.backup');
      const backup = await run(['backup', '--out', file], { DATABASE_URL: from });
      expect(backup.stderr).toBe('');
      expect(backup.stdout).toMatch(/^backed up the PostgreSQL database to /);

      const restore = await run(['restore', '--from', file], { DATABASE_URL: into });
      expect(restore.stderr).toBe('');
      const slugs = await withDatabase(into, async (c) => (await c.query<{ slug: string }>(`select slug from public.workspaces`)).rows.map((r) => r.slug));
      expect(slugs).toEqual(['servidor']);

      const wrong = await run(['restore', '--from', file], { FRONTDESK_DATA_DIR: join(root, 'embedded-target') });
      expect(wrong.code).toBe(1);
      expect(wrong.stderr).toContain("is a PostgreSQL server's backup: restore it with DATABASE_URL set");
      expect(existsSync(join(root, 'embedded-target')) && readdirSync(join(root, 'embedded-target')).length > 0).toBe(false);

      const noTool = await run(['backup', '--out', join(root, 'never.backup')], { DATABASE_URL: from, PATH: '/nonexistent' });
      expect([noTool.code, noTool.stderr.trim()]).toEqual([1, expect.stringContaining('pg_dump is not on PATH')]);
    } finally {
      await withDatabase(admin, async (c) => {
        for (const n of names) await c.query(`drop database if exists ${n} with (force)`);
      });
    }
  });

  it('moves a workspace from the command line: export, import elsewhere, and a second import refused', async () => {
    const b = join(root, 'move-b');
    const file = join(root, 'kopi.jsonl.gz');
    const exported = await run(['workspaces', 'export', 'kopi-kita', '--out', file, '--json'], { FRONTDESK_DATA_DIR: original });
    expect(exported.stderr).toBe('');
    expect(JSON.parse(exported.stdout)).toMatchObject({ slug: 'kopi-kita', rows: expect.objectContaining({ 'public.workspaces': 1, 'auth.users': 1, 'public.services': expect.any(Number) }) });
    const imported = await run(['workspaces', 'import', '--from', file], { FRONTDESK_DATA_DIR: b });
    expect(imported.stderr).toBe('');
    expect(imported.stdout).toMatch(/^imported kopi-kita \([0-9a-f-]+\): \d+ rows\n$/);
    expect(await slugsIn(b)).toEqual(['kopi-kita']);
    const again = await run(['workspaces', 'import', '--from', file], { FRONTDESK_DATA_DIR: b });
    expect([again.code, again.stderr]).toEqual([1, expect.stringMatching(/^frontdesk: workspace [0-9a-f-]+ is already in this installation\n$/)]);
    const unknown = await run(['workspaces', 'export', 'nope', '--out', join(root, 'nope.jsonl')], { FRONTDESK_DATA_DIR: original });
    expect([unknown.code, unknown.stderr]).toEqual([1, 'frontdesk: no workspace nope\n']);
  });
});
