// Finding 6 of issue 11: the embedded data directory's stale-lock takeover was
// read-then-delete, so of 4 processes started together on a dead lock, 3 or 4 acquired it.
// Real processes race here, many times: exactly one may win each time.
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { acquireDataDirLock } from '../../src/platform/db/lock.ts';

const CHILD = fileURLToPath(new URL('./fixtures/lock-child.ts', import.meta.url));
const CONTENDERS = 5;
const TRIALS = 10;

const dirs: string[] = [];
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'frontdesk-lock-'));
  dirs.push(d);
  return d;
};
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** The pid of a process that has exited: what a crashed server leaves in its lock. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(child.stdout);
}

/** Lines from a child's stdout, one promise per expected line. */
function lines(child: ChildProcessWithoutNullStreams) {
  let buffer = '';
  const waiting: ((line: string) => void)[] = [];
  const ready: string[] = [];
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk: string) => {
    buffer += chunk;
    for (let i = buffer.indexOf('\n'); i >= 0; i = buffer.indexOf('\n')) {
      const line = buffer.slice(0, i);
      buffer = buffer.slice(i + 1);
      const w = waiting.shift();
      if (w) w(line);
      else ready.push(line);
    }
  });
  return () =>
    new Promise<string>((resolve, reject) => {
      const l = ready.shift();
      if (l !== undefined) return resolve(l);
      waiting.push(resolve);
      child.once('exit', (code) => reject(new Error(`contender exited (${code}) before answering`)));
    });
}

async function race(dir: string): Promise<string[]> {
  const children = Array.from({ length: CONTENDERS }, () => spawn(process.execPath, ['--import', 'tsx', CHILD, dir], { stdio: ['pipe', 'pipe', 'pipe'] }));
  let stderr = '';
  for (const c of children) c.stderr.on('data', (d) => (stderr += d));
  try {
    const next = children.map(lines);
    expect(await Promise.all(next.map((n) => n())), stderr).toEqual(children.map(() => 'ready'));
    // All loaded; now they try as close together as the pipes allow.
    for (const c of children) c.stdin.write('go\n');
    return await Promise.all(next.map((n) => n()));
  } finally {
    const exited = children.map((c) => new Promise((resolve) => c.once('exit', resolve)));
    for (const c of children) c.stdin.end();
    await Promise.all(exited);
  }
}

describe('the embedded database lock', () => {
  it(`lets exactly one of ${CONTENDERS} processes take over a stale lock, ${TRIALS} times out of ${TRIALS}`, { timeout: 240_000 }, async () => {
    for (let trial = 0; trial < TRIALS; trial++) {
      const dir = tempDir();
      // The lock a crashed server leaves behind, as earlier versions wrote it.
      writeFileSync(join(dir, 'frontdesk.lock'), JSON.stringify({ pid: deadPid(), owner: 'serve', since: '2026-01-01T00:00:00.000Z' }));
      const answers = await race(dir);
      expect(answers.filter((a) => a === 'won'), `trial ${trial}: ${answers.join(', ')}`).toHaveLength(1);
      expect(answers.filter((a) => a !== 'won')).toEqual(Array(CONTENDERS - 1).fill('refused db.embedded_in_use'));
      // The winner released its lock on exit; no marker, draft or stale copy is left behind.
      expect(readdirSync(dir)).toEqual([]);
    }
  });

  it(`lets exactly one of ${CONTENDERS} processes take a free directory`, { timeout: 60_000 }, async () => {
    const answers = await race(tempDir());
    expect(answers.filter((a) => a === 'won')).toHaveLength(1);
  });

  it('refuses a lock held by a live process and names it; takes over a dead one; releases only its own', () => {
    const dir = tempDir();
    const path = join(dir, 'frontdesk.lock');
    const live = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)']);
    try {
      writeFileSync(path, JSON.stringify({ pid: live.pid, owner: 'serve' }));
      expect(() => acquireDataDirLock(dir, 'cli')).toThrow(expect.objectContaining({ code: 'db.embedded_in_use', details: { pid: live.pid, dataDir: dir } }));
    } finally {
      live.kill();
    }
    writeFileSync(path, JSON.stringify({ pid: deadPid(), owner: 'serve' }));
    const lock = acquireDataDirLock(dir, 'cli');
    expect(JSON.parse(readFileSync(path, 'utf8'))).toMatchObject({ pid: process.pid, owner: 'cli' });
    // The same process opening it twice would corrupt it as surely as two processes.
    expect(() => acquireDataDirLock(dir, 'cli')).toThrow(expect.objectContaining({ code: 'db.embedded_in_use' }));
    lock.release();
    expect(readdirSync(dir)).toEqual([]);
    // A garbage lock file (a crash mid-write long ago) is stale too.
    writeFileSync(path, '{"pi');
    const again = acquireDataDirLock(dir, 'cli');
    again.release();
    expect(readdirSync(dir)).toEqual([]);
  });
});
