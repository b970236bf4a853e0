import { closeSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { AppError } from '../errors.ts';

/**
 * PGlite's data directory belongs to one process: a second one opening it would corrupt
 * it. The lock file holds the owner's pid; a lock whose process is gone is stale and taken
 * over.
 */
export interface DataDirLock {
  release(): void;
}

const LOCK_FILE = 'frontdesk.lock';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function acquireDataDirLock(dataDir: string, owner: string): DataDirLock {
  const path = join(dataDir, LOCK_FILE);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(path, 'wx');
      writeSync(fd, JSON.stringify({ pid: process.pid, owner, since: new Date().toISOString() }));
      closeSync(fd);
      let released = false;
      const release = () => {
        if (released) return;
        released = true;
        rmSync(path, { force: true });
        process.off('exit', release);
      };
      process.on('exit', release);
      return { release };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      let holder: { pid?: number; owner?: string } = {};
      try {
        holder = JSON.parse(readFileSync(path, 'utf8'));
      } catch {
        // A half-written lock file: treat it as stale below.
      }
      if (holder.pid && holder.pid !== process.pid && alive(holder.pid)) {
        throw new AppError(
          'db.embedded_in_use',
          'conflict',
          `the embedded database in ${dataDir} is in use by process ${holder.pid} (${holder.owner ?? 'frontdesk'}); ` +
            'stop that process first, or point DATABASE_URL at a PostgreSQL server',
          { pid: holder.pid, dataDir },
        );
      }
      rmSync(path, { force: true });
    }
  }
  throw new AppError('db.embedded_in_use', 'conflict', `could not lock ${dataDir}`);
}
