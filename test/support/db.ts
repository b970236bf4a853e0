import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, inject } from 'vitest';
import type { Database } from '../../src/platform/db/database.ts';
import { openPglite } from '../../src/platform/db/pglite.ts';
import { openPostgres } from '../../src/platform/db/postgres.ts';
import { urlFor, withDatabase } from './postgres-admin.ts';

export type TestDatabaseKind = 'pglite' | 'postgres';

/** PGlite always; the PostgreSQL server too when TEST_DATABASE_URL is set (CI sets it). */
export const databaseKinds: TestDatabaseKind[] = process.env.TEST_DATABASE_URL ? ['pglite', 'postgres'] : ['pglite'];

/** A freshly migrated database of its own for one test file: a copy, never shared. */
export function openTestDatabase(kind: TestDatabaseKind): Promise<Database> {
  return openTestDatabaseWith(kind, {});
}

/** As openTestDatabase, with a pool of `max` connections and a bounded wait for one (PGlite: for its one transaction). */
export async function openTestDatabaseWith(kind: TestDatabaseKind, options: { max?: number; acquireTimeoutMs?: number }): Promise<Database> {
  if (kind === 'pglite') {
    const dump = readFileSync(inject('pgliteDump'));
    return openPglite({ loadDataDir: new Blob([dump]), ...(options.acquireTimeoutMs !== undefined ? { acquireTimeoutMs: options.acquireTimeoutMs } : {}) });
  }
  const url = process.env.TEST_DATABASE_URL!;
  const name = `frontdesk_t_${randomBytes(6).toString('hex')}`;
  const template = inject('postgresTemplate');
  await withDatabase(url, (c) => c.query(`create database ${name} template ${template}`));
  const db = await openPostgres(urlFor(url, name), { max: options.max ?? 8, ...(options.acquireTimeoutMs !== undefined ? { acquireTimeoutMs: options.acquireTimeoutMs } : {}) });
  return {
    ...db,
    async close() {
      await db.close();
      await withDatabase(url, (c) => c.query(`drop database if exists ${name} with (force)`));
    },
  };
}

/**
 * Declares the same suite once per database kind. `db()` is the file's database, open for
 * the duration of the suite.
 */
export function describeEachDatabase(name: string, body: (db: () => Database, kind: TestDatabaseKind) => void) {
  for (const kind of databaseKinds) {
    describe(`${name} [${kind}]`, () => {
      let database: Database | undefined;
      beforeAll(async () => {
        database = await openTestDatabase(kind);
      });
      afterAll(async () => {
        await database?.close();
      });
      body(() => {
        if (!database) throw new Error('test database is not open yet');
        return database;
      }, kind);
    });
  }
}
