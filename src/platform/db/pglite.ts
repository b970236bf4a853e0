import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { Gate } from '../fairness.ts';
import type { SqlConnection } from './connection.ts';
import { dbUnavailable } from './errors.ts';
import type { Database, Tx } from './database.ts';
import { kyselyOn } from './kysely.ts';
import { acquireDataDirLock, type DataDirLock } from './lock.ts';
import { valueParsers } from './values.ts';
import type { DB } from './schema.ts';

export interface PgliteOptions {
  /** A directory, or undefined for an in-memory database. */
  dataDir?: string;
  /** A dump (from `dumpDataDir`) to start from; used by tests to skip migrations. */
  loadDataDir?: Blob;
  /** Text recorded in the lock file so that a second process can say who holds it. */
  owner?: string;
  /**
   * How long a transaction waits for its turn (PGlite runs one at a time) before it fails
   * with db.unavailable, as a pool's acquire timeout does; unset, it waits as long as it takes.
   */
  acquireTimeoutMs?: number;
}

function wrap(q: Pick<PGlite, 'query' | 'exec'>): SqlConnection {
  return {
    async query<R>(sql: string, params?: readonly unknown[]) {
      const r = await q.query<R>(sql, params as unknown[] | undefined);
      return { rows: r.rows, rowCount: r.affectedRows ?? r.rows.length };
    },
    async exec(sql: string) {
      await q.exec(sql);
    },
  };
}

export async function openPglite(options: PgliteOptions = {}): Promise<Database & { pglite: PGlite }> {
  let lock: DataDirLock | undefined;
  if (options.dataDir) {
    mkdirSync(options.dataDir, { recursive: true });
    lock = acquireDataDirLock(options.dataDir, options.owner ?? 'frontdesk');
  }
  let pglite: PGlite;
  try {
    pglite = await PGlite.create({
      ...(options.dataDir ? { dataDir: options.dataDir } : {}),
      ...(options.loadDataDir ? { loadDataDir: options.loadDataDir } : {}),
      parsers: valueParsers,
      // Trigram indexes (contacts search, 0028) need the extension in every instance.
      extensions: { pg_trgm },
    });
    await pglite.exec(`set timezone = 'UTC'`);
  } catch (e) {
    lock?.release();
    throw e;
  }
  // The one connection's queue, with a bounded wait when the operator set one.
  const turns = options.acquireTimeoutMs !== undefined ? new Gate(1, options.acquireTimeoutMs) : undefined;
  return {
    kind: 'pglite',
    location: options.dataDir ?? 'memory',
    pglite,
    async transaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
      const leave = turns ? await turns.enter('transaction') : undefined;
      if (turns && !leave) throw dbUnavailable();
      try {
        return await pglite.transaction(async (t) => {
          const conn = wrap(t as unknown as PGlite);
          return fn({ ...conn, db: kyselyOn<DB>(conn) });
        });
      } finally {
        leave?.();
      }
    },
    async exec(sql: string) {
      await pglite.exec(sql);
    },
    async execute<R>(sql: string, params?: readonly unknown[]) {
      if (params && params.length) {
        const r = await pglite.query<R>(sql, params as unknown[]);
        return { rows: r.rows, rowCount: r.affectedRows ?? r.rows.length };
      }
      // Multi-statement scripts without parameters must go through exec().
      const results = await pglite.exec(sql);
      const last = results.at(-1);
      return { rows: (last?.rows ?? []) as R[], rowCount: last?.affectedRows ?? 0 };
    },
    async listen(channel: string, onPayload: (payload: string) => void) {
      return pglite.listen(channel, onPayload);
    },
    async close() {
      try {
        await pglite.close();
      } finally {
        lock?.release();
      }
    },
  };
}
