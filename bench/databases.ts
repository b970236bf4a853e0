/**
 * The databases the benchmarks run on, each fresh so that runs compare: an embedded PGlite in
 * memory, and, when a PostgreSQL server is named, a scratch database created on it for the run
 * and dropped at the end, so that a benchmark never measures (or leaves rows in) a database
 * someone else uses.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { migrate } from '../src/platform/db/migrate.ts';
import { openPglite } from '../src/platform/db/pglite.ts';
import { openPostgres } from '../src/platform/db/postgres.ts';

export type BenchPglite = Awaited<ReturnType<typeof openPglite>>;
export type BenchPostgres = Awaited<ReturnType<typeof openPostgres>>;

/** The PostgreSQL server to measure as well, if one is named; without one a benchmark runs on PGlite alone. */
export function benchServerUrl(): string | undefined {
  return process.env.BENCH_DATABASE_URL || process.env.TEST_DATABASE_URL || undefined;
}

/** Runs `fn` on a migrated in-memory PGlite, closed afterwards whatever happens. */
export async function onPglite<T>(fn: (db: BenchPglite) => Promise<T>): Promise<T> {
  const db = await openPglite();
  try {
    await migrate(db);
    return await fn(db);
  } finally {
    await db.close();
  }
}

/** One statement on the server's own database, on a connection of its own: CREATE and DROP DATABASE cannot share a pool with the database they name. */
async function admin(serverUrl: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/**
 * Runs `fn` with the URL of a database `<prefix>_<random>` created for it on the server at
 * `serverUrl`, and drops that database afterwards even when `fn` throws (with force: a pool
 * left open must not keep it alive).
 */
export async function withScratchDatabase<T>(serverUrl: string, prefix: string, fn: (url: string) => Promise<T>): Promise<T> {
  const name = `${prefix}_${randomBytes(5).toString('hex')}`;
  await admin(serverUrl, `create database ${name}`);
  try {
    const target = new URL(serverUrl);
    target.pathname = `/${name}`;
    return await fn(target.toString());
  } finally {
    await admin(serverUrl, `drop database if exists ${name} with (force)`);
  }
}

/**
 * Runs `fn` on a migrated scratch database `frontdesk_bench_<random>` on the server at
 * `serverUrl`, through a pool of `max` connections (each benchmark sizes it to its load), and
 * closes the pool and drops the database afterwards whatever happens. `fn` also gets the
 * database's URL, for tools that connect on their own.
 */
export async function onScratchPostgres<T>(serverUrl: string, options: { max: number }, fn: (db: BenchPostgres, url: string) => Promise<T>): Promise<T> {
  return withScratchDatabase(serverUrl, 'frontdesk_bench', async (url) => {
    const db = await openPostgres(url, { max: options.max });
    try {
      await migrate(db);
      return await fn(db, url);
    } finally {
      await db.close();
    }
  });
}
