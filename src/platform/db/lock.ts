import { createHash, randomBytes } from 'node:crypto';
import { closeSync, linkSync, openSync, readFileSync, renameSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { AppError } from '../errors.ts';

/**
 * PGlite's data directory belongs to one process: a second one opening it would corrupt
 * it. The lock file holds the owner's pid; a lock whose process is gone is stale and taken
 * over.
 *
 * Every step that decides who holds the lock is one atomic file-system operation, so that of
 * many processes starting together on a stale lock exactly one wins:
 * - the lock is published complete by hard-linking a file already written (link fails if the
 *   lock exists), so nobody ever reads a half-written lock;
 * - a stale lock is removed only by the one process that create-exclusively made the takeover
 *   marker named after that very lock's content; it moves the lock aside (rename) after
 *   checking it is still the stale one, and everybody then races on the link again.
 * Reading a stale lock and deleting it (what this did before) let a late reader delete the
 * fresh lock of the process that had just taken over.
 */
export interface DataDirLock {
  release(): void;
}

const LOCK_FILE = 'frontdesk.lock';
const ATTEMPTS = 200;
/** A lock file without content this young is being written by the fallback path. */
const WRITING_MS = 2_000;

/** Lock paths this process holds: a second open in the same process is refused too. */
const held = new Set<string>();

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

const sleep = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

const code = (e: unknown) => (e as NodeJS.ErrnoException).code;

function readOrUndefined(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    if (code(e) === 'ENOENT') return undefined;
    throw e;
  }
}

function inUse(dataDir: string, holder: { pid?: number; owner?: string }): AppError {
  return new AppError(
    'db.embedded_in_use',
    'conflict',
    `the embedded database in ${dataDir} is in use by process ${holder.pid ?? 'unknown'} (${holder.owner ?? 'frontdesk'}); ` +
      'stop that process first, or point DATABASE_URL at a PostgreSQL server',
    { pid: holder.pid ?? null, dataDir },
  );
}

/**
 * Creates the lock with `content`, or answers false if a lock exists. The content is written
 * to a file of our own first and linked into place; where hard links are not supported the
 * lock is created with `wx` and written after.
 */
function publish(path: string, content: string, nonce: string): boolean {
  const draft = `${path}.${process.pid}.${nonce}.new`;
  writeFileSync(draft, content, { flag: 'wx' });
  try {
    linkSync(draft, path);
    return true;
  } catch (e) {
    if (code(e) === 'EEXIST') return false;
    if (!['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS', 'EXDEV'].includes(code(e) ?? '')) throw e;
  } finally {
    rmSync(draft, { force: true });
  }
  try {
    const fd = openSync(path, 'wx');
    writeSync(fd, content);
    closeSync(fd);
    return true;
  } catch (e) {
    if (code(e) === 'EEXIST') return false;
    throw e;
  }
}

export function acquireDataDirLock(dataDir: string, owner: string): DataDirLock {
  const path = join(dataDir, LOCK_FILE);
  if (held.has(path)) throw inUse(dataDir, { pid: process.pid, owner: `${owner}, this very process` });
  const nonce = randomBytes(8).toString('hex');
  const content = JSON.stringify({ pid: process.pid, owner, since: new Date().toISOString(), nonce });

  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    if (publish(path, content, nonce)) {
      held.add(path);
      let released = false;
      const release = () => {
        if (released) return;
        released = true;
        held.delete(path);
        // Only our own lock: never one that somebody took over after us.
        if (readOrUndefined(path) === content) rmSync(path, { force: true });
        process.off('exit', release);
      };
      process.on('exit', release);
      return { release };
    }

    const seen = readOrUndefined(path);
    if (seen === undefined) continue; // released or taken aside meanwhile: race again
    let holder: { pid?: number; owner?: string } = {};
    try {
      holder = JSON.parse(seen);
    } catch {
      // Half-written by the wx fallback while young; garbage (a crash mid-write) once old.
      let age = Infinity;
      try {
        age = Date.now() - statSync(path).mtimeMs;
      } catch {
        continue;
      }
      if (age < WRITING_MS) {
        sleep(20);
        continue;
      }
    }
    // Our own pid in a lock this process does not hold: a restart that got the same pid (pid 1
    // in a container), so the lock is stale.
    if (typeof holder.pid === 'number' && holder.pid !== process.pid && alive(holder.pid)) throw inUse(dataDir, holder);

    // Stale. Only the process that creates this generation's takeover marker removes it.
    const marker = `${path}.takeover-${createHash('sha256').update(seen).digest('hex').slice(0, 24)}`;
    try {
      writeFileSync(marker, JSON.stringify({ pid: process.pid }), { flag: 'wx' });
    } catch (e) {
      if (code(e) !== 'EEXIST') throw e;
      let taker: { pid?: number } = {};
      try {
        taker = JSON.parse(readOrUndefined(marker) ?? '{}');
      } catch {
        // Being written: wait as for a live one.
      }
      if (typeof taker.pid === 'number' && !alive(taker.pid)) {
        throw new AppError(
          'db.embedded_lock_stuck',
          'conflict',
          `a process that was taking over the stale lock of ${dataDir} died; if no frontdesk process runs on it, delete ${path} and ${marker}`,
          { dataDir },
        );
      }
      sleep(10); // another process is taking this stale lock over; see what it leaves
      continue;
    }
    try {
      // Still the stale lock we read? If a previous taker already replaced it, leave it be.
      if (readOrUndefined(path) === seen) {
        const aside = `${path}.stale-${nonce}-${attempt}`;
        renameSync(path, aside);
        rmSync(aside, { force: true });
      }
    } finally {
      rmSync(marker, { force: true });
    }
  }
  throw new AppError('db.embedded_in_use', 'conflict', `could not lock ${dataDir}`, { dataDir });
}
