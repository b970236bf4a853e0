import { AsyncLocalStorage } from 'node:async_hooks';
import type { SqlConnection } from './connection.ts';
import type { Database, Tx } from './database.ts';
import { kyselyOn } from './kysely.ts';
import type { DB } from './schema.ts';
import { withTenant, type Actor } from './tenant.ts';

/**
 * Work that runs in several short tenant transactions with waits between them that hold no
 * connection (an assistant turn: record the message, let the model write, record the reply).
 * `tx` stands for whichever of them is open: code written against one transaction (a Ctx)
 * runs unchanged inside `run`, and a statement outside any `run` fails instead of quietly
 * opening a connection.
 */
export interface Phased {
  tx: Tx;
  /** One tenant transaction; `tx` is it for everything `fn` awaits. */
  run<T>(fn: () => Promise<T>): Promise<T>;
}

export function phasedTenant(db: Database, actor: Actor): Phased {
  const current = new AsyncLocalStorage<Tx>();
  const open = (): Tx => {
    const tx = current.getStore();
    if (!tx) throw new Error('no transaction is open in this phase (it holds no database connection)');
    return tx;
  };
  const conn: SqlConnection = {
    query: (sql, params) => open().query(sql, params),
    exec: (sql) => open().exec(sql),
  };
  return {
    tx: { ...conn, db: kyselyOn<DB>(conn) },
    run: (fn) => withTenant(db, actor, (tx) => current.run(tx, fn)),
  };
}
