import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';

const BIN = new URL('../../bin/frontdesk.js', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'frontdesk-export-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function run(args: string[]) {
  return new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      env: { ...process.env, DATABASE_URL: '', LOG_LEVEL: 'silent', FRONTDESK_DATA_DIR: join(dir, 'data') },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

// The exports themselves are tested in test/flows/exports.test.ts; this is the command line's part.
it('exports a list to standard output or a file, and refuses a wrong report or workspace in one line', { timeout: 300_000 }, async () => {
  expect((await run(['seed', '--demo'])).code).toBe(0);

  const out = await run(['contacts', 'export', '--workspace', 'eagle-overseas', '--format', 'jsonl']);
  expect(out.code).toBe(0);
  const contacts = out.stdout.trim().split('\n').map((l) => JSON.parse(l));
  expect(contacts.length).toBeGreaterThan(2);
  expect(contacts.every((c) => typeof c.phone === 'string' && c.phone.startsWith('+62'))).toBe(true);

  const file = join(dir, 'calls.csv');
  const toFile = await run(['calls', 'export', '--workspace', '1stoplaundry', '--out', file]);
  expect(toFile).toMatchObject({ code: 0, stdout: '' });
  expect(readFileSync(file, 'utf8').split('\n')[0]).toMatch(/^id,created_at,call_type,status,/);
  expect(existsSync(`${file}.partial`)).toBe(false);

  const report = await run(['reports', 'export', '--workspace', 'eagle-overseas', '--report', 'nope']);
  expect(report.code).toBe(2);
  expect(report.stderr).toMatch(/^frontdesk: report: .*"funnel"/);

  const missing = await run(['bookings', 'export', '--workspace', 'no-such-place']);
  expect(missing).toMatchObject({ code: 1, stdout: '', stderr: 'frontdesk: no workspace "no-such-place"\n' });
});

it('exports a workspace for Convex into a directory, a line per table on standard output', { timeout: 300_000 }, async () => {
  expect((await run(['seed', '--demo'])).code).toBe(0);
  const out = join(dir, 'convex');
  const result = await run(['export', 'convex', '--workspace', 'eagle-overseas', '--out', out]);
  expect(result).toMatchObject({ code: 0, stderr: '' });
  expect(result.stdout).toMatch(/^workspaces\t1\ncontacts\t\d+\n/);
  expect(readFileSync(join(out, 'schema.ts'), 'utf8')).toMatch(/^ {2}ari_destinations: defineTable\(\{$/m);
  expect(readFileSync(join(out, 'workspaces.jsonl'), 'utf8')).toMatch(/"slug":"eagle-overseas"/);
  expect(await run(['export', 'convex', '--workspace', 'no-such-place', '--out', out])).toMatchObject({ code: 1, stderr: 'frontdesk: no workspace "no-such-place"\n' });
});

it('imports contacts from a file with its own headers, a dry run first, and exits 1 when no row can go in', { timeout: 300_000 }, async () => {
  const file = join(dir, 'leads.csv');
  writeFileSync(file, 'Nama Lengkap,Nomor WA,Kota\nSiti Rahma,0813-9000-0001,Bogor\nBad Number,12,Depok\n');
  const args = ['contacts', 'import', file, '--workspace', 'eagle-overseas', '--map', 'Nama Lengkap=name', '--map', 'Nomor WA=phone'];

  const dry = await run([...args, '--dry-run']);
  expect(dry.code).toBe(0);
  expect(dry.stdout).toMatch(/^dry run: would import 1 of 2 rows; 1 refused\ncolumns: Nama Lengkap -> name, Nomor WA -> phone; ignored: Kota\n {2}row 2 \(line 3\) phone: not a phone number/);

  const real = await run([...args, '--json']);
  expect(real.code).toBe(0);
  const lines = real.stdout.trim().split('\n').map((l) => JSON.parse(l));
  expect(lines.at(-1).result).toMatchObject({ dry_run: false, total_rows: 2, imported: 1 });
  const exported = await run(['contacts', 'export', '--workspace', 'eagle-overseas', '--format', 'jsonl']);
  expect(exported.stdout).toContain('"phone":"+6281390000001"');

  const again = await run(args);
  expect(again.code).toBe(1);
  expect(again.stderr).toBe(`frontdesk: no row of ${file} can be imported (the reasons are above)\n`);
  expect((await run(['contacts', 'import', file, '--workspace', 'eagle-overseas', '--map', 'Kota'])).code).toBe(2);
});
