import type { Kysely } from 'kysely';
import type { SqlConnection } from './connection.ts';
import type { DB } from './schema.ts';

/** A transaction: raw SQL and a typed Kysely builder over the same connection. */
export interface Tx extends SqlConnection {
  readonly db: Kysely<DB>;
}

export type DatabaseKind = 'pglite' | 'postgres';

/**
 * The application's database, embedded or server. All work happens in `transaction()`;
 * callers that need row-level security use `withTenant` (tenant.ts) on top of it.
 */
export interface Database {
  readonly kind: DatabaseKind;
  /** Where the data lives, for logs and messages: a directory or host:port/db. */
  readonly location: string;
  /** Runs `fn` in one transaction as the connecting (owner) role; commits or rolls back. */
  transaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T>;
  /** A script outside any explicit transaction (CREATE DATABASE and similar). */
  exec(sql: string): Promise<void>;
  /**
   * One statement in its own implicit transaction, as the owner role; a statement without
   * parameters may be a script of several. For infrastructure (the job queue), not for
   * application data, which goes through transaction() and withTenant().
   */
  execute<R = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<{ rows: R[]; rowCount: number }>;
  /**
   * Calls `onPayload` with every NOTIFY on `channel` (delivered when the notifying transaction
   * commits) until the returned function is called. On a server this holds one connection of
   * its own, outside the pool, for as long as it listens.
   */
  listen(channel: string, onPayload: (payload: string) => void): Promise<() => Promise<void>>;
  close(): Promise<void>;
}
