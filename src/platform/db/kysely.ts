import {
  Kysely,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  type CompiledQuery,
  type DatabaseConnection,
  type Dialect,
  type Driver,
  type QueryResult,
} from 'kysely';
import type { SqlConnection } from './connection.ts';

/**
 * A Kysely instance bound to one connection that is already inside a transaction.
 * Transactions are opened at the edge (request, job, CLI command) by `Database`, never
 * by Kysely, so that PGlite's `transaction()` API is the only way in on the embedded
 * database and nothing else can slip into the transaction.
 */
export function kyselyOn<DB>(conn: SqlConnection): Kysely<DB> {
  return new Kysely<DB>({ dialect: new BoundDialect(conn) });
}

class BoundDialect implements Dialect {
  constructor(private readonly conn: SqlConnection) {}
  createAdapter() {
    return new PostgresAdapter();
  }
  createDriver(): Driver {
    return new BoundDriver(this.conn);
  }
  createIntrospector(db: Kysely<unknown>) {
    return new PostgresIntrospector(db);
  }
  createQueryCompiler() {
    return new PostgresQueryCompiler();
  }
}

class BoundDriver implements Driver {
  private readonly connection: DatabaseConnection;
  constructor(conn: SqlConnection) {
    this.connection = {
      async executeQuery<R>(compiled: CompiledQuery): Promise<QueryResult<R>> {
        const result = await conn.query<R>(compiled.sql, compiled.parameters);
        return { rows: result.rows, numAffectedRows: BigInt(result.rowCount) };
      },
      // eslint-disable-next-line require-yield
      async *streamQuery() {
        throw new Error('streaming is not supported inside a tenant transaction');
      },
    };
  }
  async init() {}
  async acquireConnection() {
    return this.connection;
  }
  async beginTransaction(): Promise<void> {
    throw new Error('already inside a transaction: open transactions with Database.transaction()');
  }
  async commitTransaction(): Promise<void> {
    throw new Error('already inside a transaction');
  }
  async rollbackTransaction(): Promise<void> {
    throw new Error('already inside a transaction');
  }
  async releaseConnection() {}
  async destroy() {}
}
