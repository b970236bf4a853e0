import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { AppError } from '../errors.ts';
import { openPglite } from './pglite.ts';
import { openPostgres } from './postgres.ts';

/**
 * A whole installation in one file and back: the embedded database's own dump (a gzipped tar
 * of its data directory) or `pg_dump`'s custom format for a server. The two are told apart by
 * their first bytes, so a file is never restored into the wrong kind of database.
 */

export type BackupKind = 'pglite' | 'postgres';

/** pg_dump's custom format starts with these five bytes; a gzip stream with 1f 8b. */
const PG_MAGIC = Buffer.from('PGDMP');
const GZIP_MAGIC = Buffer.from([0x1f, 0x8b]);

export function backupKindOf(file: string): BackupKind {
  if (!existsSync(file)) throw new AppError('backup.not_found', 'not_found', `no backup file at ${file}`);
  const head = readFileSync(file).subarray(0, 5);
  if (head.equals(PG_MAGIC)) return 'postgres';
  if (head.subarray(0, 2).equals(GZIP_MAGIC)) return 'pglite';
  throw new AppError('backup.unreadable', 'invalid', `${file} is not a Frontdesk backup (neither an embedded database dump nor pg_dump's custom format)`);
}

export interface BackupTarget {
  /** DATABASE_URL, or undefined for the embedded database in dataDir. */
  databaseUrl?: string | undefined;
  dataDir: string;
}

export async function backupDatabase(target: BackupTarget, out: string): Promise<{ kind: BackupKind; bytes: number }> {
  if (target.databaseUrl) {
    await runTool('pg_dump', ['--format=custom', '--no-owner', `--file=${out}`, `--dbname=${target.databaseUrl}`]);
    return { kind: 'postgres', bytes: statSync(out).size };
  }
  if (!existsSync(target.dataDir) || readdirSync(target.dataDir).length === 0) {
    throw new AppError('backup.no_database', 'not_found', `there is no embedded database in ${target.dataDir} to back up`);
  }
  // Opening takes the data directory's lock: a running server makes this fail with a clear reason.
  const db = await openPglite({ dataDir: target.dataDir, owner: 'frontdesk backup' });
  try {
    const dump = await db.pglite.dumpDataDir('gzip');
    const bytes = Buffer.from(await dump.arrayBuffer());
    writeFileSync(out, bytes);
    return { kind: 'pglite', bytes: bytes.length };
  } finally {
    await db.close();
  }
}

export interface RestoreOptions {
  /** Replace an embedded database that is already there (it is kept beside, renamed). */
  force?: boolean;
}

export async function restoreDatabase(target: BackupTarget, from: string, options: RestoreOptions = {}): Promise<{ kind: BackupKind; replaced?: string }> {
  const kind = backupKindOf(from);
  const into: BackupKind = target.databaseUrl ? 'postgres' : 'pglite';
  if (kind !== into) {
    throw new AppError(
      'backup.wrong_kind',
      'invalid',
      kind === 'postgres'
        ? `${from} is a PostgreSQL server's backup: restore it with DATABASE_URL set (to move one workspace between kinds, use workspaces export/import)`
        : `${from} is an embedded database's backup: restore it without DATABASE_URL (to move one workspace between kinds, use workspaces export/import)`,
    );
  }
  if (target.databaseUrl) {
    await ensureRoles(target.databaseUrl);
    // --clean drops what the backup recreates; one transaction, so a failed restore changes nothing.
    await runTool('pg_restore', ['--clean', '--if-exists', '--no-owner', '--single-transaction', '--exit-on-error', `--dbname=${target.databaseUrl}`, from]);
    return { kind };
  }
  let replaced: string | undefined;
  if (existsSync(target.dataDir) && readdirSync(target.dataDir).length > 0) {
    if (!options.force) {
      throw new AppError('backup.target_not_empty', 'conflict', `${target.dataDir} already holds a database; pass --force to replace it (it is kept beside, renamed)`);
    }
    // Taking the lock first refuses while a server runs on it.
    const running = await openPglite({ dataDir: target.dataDir, owner: 'frontdesk restore' });
    await running.close();
    replaced = `${target.dataDir}.replaced-${new Date().toISOString().replace(/[:.]/g, '-')}`;
    renameSync(target.dataDir, replaced);
  }
  const db = await openPglite({ dataDir: target.dataDir, owner: 'frontdesk restore', loadDataDir: new Blob([readFileSync(from)]) });
  await db.close();
  return replaced ? { kind, replaced } : { kind };
}

/**
 * The roles the policies name are cluster-wide, so a dump does not carry them: a restore onto
 * a new server creates them first, as the first migration does (tolerating another creator).
 */
async function ensureRoles(url: string): Promise<void> {
  const db = await openPostgres(url, { max: 1 });
  try {
    await db.exec(`do $$
      declare r text;
      begin
        foreach r in array array['anon', 'authenticated', 'service_role'] loop
          begin
            execute format('create role %I nologin noinherit', r);
          exception when duplicate_object or unique_violation then null;
          end;
          begin
            execute format('grant %I to current_user', r);
          exception when others then null;
          end;
        end loop;
      end $$`);
  } finally {
    await db.close();
  }
}

/** Runs pg_dump or pg_restore from PATH; a missing program or a failure is one clear error. */
function runTool(program: 'pg_dump' | 'pg_restore', args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(program, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString('utf8')).slice(-4000)));
    child.on('error', (e: NodeJS.ErrnoException) =>
      reject(
        e.code === 'ENOENT'
          ? new AppError(program === 'pg_dump' ? 'backup.pg_dump_missing' : 'backup.pg_restore_missing', 'unavailable', `${program} is not on PATH; install PostgreSQL's client programs (Debian: postgresql-client) in the server's major version`)
          : e,
      ),
    );
    child.on('close', (code) => {
      if (code === 0) resolve();
      else reject(new AppError(program === 'pg_dump' ? 'backup.pg_dump_failed' : 'backup.pg_restore_failed', 'unavailable', `${program} failed (exit ${code}): ${lastLine(stderr)}`));
    });
  });
}

const lastLine = (text: string) => text.trim().split('\n').filter(Boolean).at(-1) ?? 'no message';
