/**
 * The smallest surface both drivers share: one connection (or one PGlite transaction)
 * that runs parameterised queries and multi-statement scripts.
 */
export interface QueryResult<R> {
  rows: R[];
  rowCount: number;
}

export interface SqlConnection {
  query<R = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<QueryResult<R>>;
  /** Runs a script of several statements without parameters. */
  exec(sql: string): Promise<void>;
}
