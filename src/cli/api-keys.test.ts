import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command, CommanderError } from 'commander';
import { afterAll, describe, expect, it } from 'vitest';
import { describeEachDatabase } from '../../test/support/db.ts';
import { email, testApp } from '../../test/support/http.ts';
import { migrate } from '../platform/db/migrate.ts';
import { openPglite } from '../platform/db/pglite.ts';
import { registerApiKeyCommands } from './api-keys.ts';

describeEachDatabase('frontdesk api-keys create', (db) => {
  /** Runs the command against the test database and returns what it printed. */
  async function cli(...args: string[]): Promise<string> {
    let out = '';
    const program = new Command('frontdesk').exitOverride().configureOutput({ writeErr: () => {} });
    registerApiKeyCommands(program, { withDatabase: (fn) => fn(db()), write: (text) => (out += text) });
    await program.parseAsync(['api-keys', 'create', ...args], { from: 'user' });
    return out;
  }

  it('prints a key, by slug, that acts for the workspace over HTTP', async () => {
    const t = testApp(db());
    const slug = `eagle-${Date.now().toString(36)}`;
    const o = await t.owner(email('owner'), { name: 'Eagle Overseas', slug });
    const out = await cli('--workspace', slug, '--name', 'zapier', '--json');
    const created = JSON.parse(out);
    expect(Object.keys(created)).toEqual(['key', 'id', 'workspace_id', 'read_only']);
    expect(created).toEqual({ key: expect.stringMatching(/^fd_[A-Za-z0-9_-]{43}$/), id: expect.any(String), workspace_id: o.workspaceId, read_only: false });

    const ws = await t.call('GET', '/api/v1/workspace', { key: created.key });
    expect(ws.status).toBe(200);
    expect(ws.body).toMatchObject({ id: o.workspaceId, name: 'Eagle Overseas' });
    expect((await t.call('PATCH', '/api/v1/workspace', { key: created.key, body: { name: 'Renamed by key' } })).status).toBe(200);
    const listed = await t.call('GET', '/api/v1/api-keys', o.as);
    expect(listed.body.data).toEqual([expect.objectContaining({ id: created.id, name: 'zapier', read_only: false, prefix: created.key.slice(0, 10) })]);
  });

  it('takes a workspace id, makes read-only keys, and warns that the key is shown once', async () => {
    const t = testApp(db());
    const o = await t.owner(email('owner'));
    const out = await cli('--workspace', o.workspaceId.toUpperCase(), '--read-only');
    const [key, warning, rest] = out.split('\n');
    expect(key).toMatch(/^fd_[A-Za-z0-9_-]{43}$/);
    expect(warning).toMatch(new RegExp(`^This key is shown only once: store it now\\. \\(key [0-9a-f-]{36}, read-only, workspace ${o.workspaceId}\\)$`));
    expect(rest).toBe('');

    expect((await t.call('GET', '/api/v1/members', { key: key! })).status).toBe(200);
    const write = await t.call('PATCH', '/api/v1/workspace', { key: key!, body: { name: 'No' } });
    expect(write.status).toBe(403);
    const listed = await t.call('GET', '/api/v1/api-keys', o.as);
    expect(listed.body.data).toEqual([expect.objectContaining({ name: 'command line', read_only: true })]);
  });

  it('refuses a workspace that does not exist, by slug or by id', async () => {
    await expect(cli('--workspace', 'nope')).rejects.toMatchObject({ code: 'workspace.not_found', message: 'no workspace "nope"' });
    const id = '01900000-0000-7000-8000-000000000000';
    await expect(cli('--workspace', id)).rejects.toMatchObject({ code: 'workspace.not_found', message: `no workspace "${id}"` });
  });

  it('refuses a missing workspace and a blank or long name as usage errors', async () => {
    const missing = await cli('--json').catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(CommanderError);
    expect((missing as CommanderError).code).toBe('commander.missingMandatoryOptionValue');
    await expect(cli('--workspace', 'x', '--name', ' ')).rejects.toMatchObject({ issues: [expect.objectContaining({ path: ['name'] })] });
    await expect(cli('--workspace', 'x', '--name', 'n'.repeat(101))).rejects.toMatchObject({ issues: [expect.objectContaining({ path: ['name'] })] });
  });
});

const BIN = new URL('../../bin/frontdesk.js', import.meta.url).pathname;

function run(args: string[], dataDir: string) {
  return new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      env: { ...process.env, DATABASE_URL: '', LOG_LEVEL: 'silent', FRONTDESK_DATA_DIR: dataDir },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

describe('frontdesk api-keys create, as a command', { timeout: 120_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'frontdesk-keys-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('prints a JSON key that the API accepts, and exits 1 naming an unknown workspace', async () => {
    const setup = await openPglite({ dataDir: dir });
    let workspaceId: string;
    try {
      await migrate(setup);
      workspaceId = (await testApp(setup).owner(email('owner'), { name: 'Key Shop', slug: 'key-shop' })).workspaceId;
    } finally {
      await setup.close();
    }

    const r = await run(['api-keys', 'create', '--workspace', 'key-shop', '--json'], dir);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const created = JSON.parse(r.stdout) as { key: string; id: string };
    expect(created.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-/);
    expect(r.stdout).toBe(`${JSON.stringify({ key: created.key, id: created.id, workspace_id: workspaceId, read_only: false })}\n`);

    const unknown = await run(['api-keys', 'create', '--workspace', 'x'], dir);
    expect(unknown).toEqual({ code: 1, stdout: '', stderr: 'frontdesk: no workspace "x"\n' });

    const db = await openPglite({ dataDir: dir });
    try {
      const res = await testApp(db).call('GET', '/api/v1/workspace', { key: created.key });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ id: workspaceId, slug: 'key-shop', name: 'Key Shop' });
    } finally {
      await db.close();
    }
  });
});
