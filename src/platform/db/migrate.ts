import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AppError } from '../errors.ts';
import type { Database, Tx } from './database.ts';

export const MIGRATIONS_DIR = fileURLToPath(new URL('../../../db/migrations/', import.meta.url));

export interface Migration {
  name: string;
  sql: string;
  checksum: string;
}

export interface MigrationReport {
  applied: string[];
  alreadyApplied: number;
}

const NAME = /^\d{4}_[a-z0-9_]+\.sql$/;
// One key for every migrating process of this schema: the second waits, then sees the work done.
const LOCK_KEY = 727_274_001;

export function checksum(sql: string): string {
  return createHash('sha256').update(sql).digest('hex');
}

export function loadMigrations(dir = MIGRATIONS_DIR): Migration[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.sql'))
    .sort()
    .map((name) => {
      if (!NAME.test(name)) {
        throw new AppError('db.migration_name', 'invalid', `migration file ${name} must be named NNNN_words.sql`);
      }
      const sql = readFileSync(join(dir, name), 'utf8');
      return { name, sql, checksum: checksum(sql) };
    });
}

async function lock(tx: Tx) {
  await tx.query('select pg_advisory_xact_lock($1)', [LOCK_KEY]);
}

async function appliedChecksums(tx: Tx): Promise<Map<string, string>> {
  const { rows } = await tx.query<{ name: string; checksum: string }>(
    'select name, checksum from public.schema_migrations order by name',
  );
  return new Map(rows.map((r) => [r.name, r.checksum]));
}

function verify(migrations: Migration[], applied: Map<string, string>) {
  const known = new Set(migrations.map((m) => m.name));
  for (const [name, sum] of applied) {
    if (!known.has(name)) {
      throw new AppError(
        'db.migration_unknown',
        'conflict',
        `the database has migration ${name}, which this version of Frontdesk does not have; upgrade Frontdesk`,
        { migration: name },
      );
    }
    const m = migrations.find((x) => x.name === name)!;
    if (m.checksum !== sum) {
      throw new AppError(
        'db.migration_changed',
        'conflict',
        `migration ${name} was edited after it was applied; migrations are forward-only, add a new file instead`,
        { migration: name, expected: sum, actual: m.checksum },
      );
    }
  }
}

/**
 * Applies every pending migration, each in its own transaction, recording name and
 * checksum. Safe to run from several processes at once: an advisory lock serialises them
 * and each re-reads what is applied after taking it.
 */
export async function migrate(db: Database, migrations = loadMigrations()): Promise<MigrationReport> {
  await db.transaction(async (tx) => {
    await lock(tx);
    await tx.exec(`
      create table if not exists public.schema_migrations (
        name text primary key,
        checksum text not null,
        applied_at timestamptz not null default now()
      )`);
  });
  const report: MigrationReport = { applied: [], alreadyApplied: 0 };
  const initial = await db.transaction(appliedChecksums);
  verify(migrations, initial);
  report.alreadyApplied = initial.size;
  for (const m of migrations) {
    if (initial.has(m.name)) continue;
    const did = await db.transaction(async (tx) => {
      await lock(tx);
      const now = await appliedChecksums(tx);
      if (now.has(m.name)) {
        verify(migrations, now);
        return false;
      }
      try {
        await tx.exec(m.sql);
      } catch (e) {
        throw new AppError('db.migration_failed', 'internal', `migration ${m.name} failed: ${(e as Error).message}`, {
          migration: m.name,
        }, { cause: e });
      }
      await tx.query('insert into public.schema_migrations (name, checksum) values ($1, $2)', [m.name, m.checksum]);
      return true;
    });
    if (did) report.applied.push(m.name);
    else report.alreadyApplied++;
  }
  return report;
}
