import pg from 'pg';
import { AppError } from '../errors.ts';
import { dbUnavailable } from './errors.ts';
import type { SqlConnection } from './connection.ts';
import type { Database, Tx } from './database.ts';
import { kyselyOn } from './kysely.ts';
import type { DB } from './schema.ts';
import { valueParsers } from './values.ts';

const types = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    const parser = valueParsers[oid];
    if (parser && format !== 'binary') return parser;
    return pg.types.getTypeParser(oid, format);
  },
};

function wrap(client: pg.PoolClient): SqlConnection {
  return {
    async query<R>(sql: string, params?: readonly unknown[]) {
      const r = await client.query(sql, params as unknown[] | undefined);
      return { rows: r.rows as R[], rowCount: r.rowCount ?? r.rows.length };
    },
    async exec(sql: string) {
      await client.query(sql);
    },
  };
}

export function describeUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.hostname || 'localhost'}:${u.port || '5432'}${u.pathname}`;
  } catch {
    return 'an unparseable DATABASE_URL';
  }
}

/** Opens a pool and checks that the server answers, with a message naming host and port. */
export async function openPostgres(url: string, options: { max?: number; acquireTimeoutMs?: number } = {}): Promise<Database & { pool: pg.Pool }> {
  const location = describeUrl(url);
  const pool = new pg.Pool({
    connectionString: url,
    max: options.max ?? 10,
    types,
    options: '-c TimeZone=UTC',
    connectionTimeoutMillis: options.acquireTimeoutMs ?? 10_000,
  });
  // An idle client that loses its server must not crash the process.
  pool.on('error', () => {});
  try {
    const client = await pool.connect();
    client.release();
  } catch (e) {
    await pool.end().catch(() => {});
    const reason = (e as Error).message || (e as NodeJS.ErrnoException).code || 'unknown error';
    throw new AppError('db.unreachable', 'unavailable', `cannot reach PostgreSQL at ${location}: ${reason}`, {
      location,
    }, { cause: e });
  }
  return {
    kind: 'postgres',
    location,
    pool,
    async transaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
      let client: pg.PoolClient;
      try {
        client = await pool.connect();
      } catch (e) {
        // Every connection busy for longer than the acquire timeout, or the server gone: 503, not 500.
        throw dbUnavailable(e);
      }
      let broken = false;
      try {
        await client.query('begin');
        const conn = wrap(client);
        const result = await fn({ ...conn, db: kyselyOn<DB>(conn) });
        await client.query('commit');
        return result;
      } catch (e) {
        await client.query('rollback').catch(() => {
          broken = true;
        });
        throw e;
      } finally {
        client.release(broken);
      }
    },
    async exec(sql: string) {
      await pool.query(sql);
    },
    async execute<R>(sql: string, params?: readonly unknown[]) {
      const r = await pool.query(sql, params as unknown[] | undefined);
      const last = Array.isArray(r) ? r.at(-1) : r;
      return { rows: (last?.rows ?? []) as R[], rowCount: last?.rowCount ?? 0 };
    },
    async listen(channel: string, onPayload: (payload: string) => void) {
      // A client of its own: a pooled one would be taken from request work for as long as it
      // listens. A lost connection is replaced, a second later, until unlisten; what was
      // notified in between is missed, which is why the stream's readers refetch on reconnect.
      let stopped = false;
      let client: pg.Client | undefined;
      let retry: NodeJS.Timeout | undefined;
      const connect = async (first = false): Promise<void> => {
        const c = new pg.Client({ connectionString: url, types, options: '-c TimeZone=UTC', connectionTimeoutMillis: 10_000 });
        client = c;
        const lost = () => {
          if (stopped || client !== c) return;
          client = undefined;
          c.end().catch(() => {});
          retry = setTimeout(() => void connect().catch(() => {}), 1000);
          retry.unref();
        };
        c.on('error', lost);
        c.on('end', lost);
        c.on('notification', (n) => {
          if (n.channel === channel && n.payload !== undefined) onPayload(n.payload);
        });
        try {
          await c.connect();
          await c.query(`listen ${pg.escapeIdentifier(channel)}`);
        } catch (e) {
          // The first attempt's failure is the caller's to handle; later ones keep retrying.
          if (first) {
            stopped = true;
            c.end().catch(() => {});
          } else {
            lost();
          }
          throw e;
        }
      };
      await connect(true);
      return async () => {
        stopped = true;
        if (retry) clearTimeout(retry);
        await client?.end().catch(() => {});
      };
    },
    async close() {
      await pool.end();
    },
  };
}
