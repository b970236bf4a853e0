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

/**
 * The open phases' transactions, by phased work. One storage for the process: on Node 20 every
 * AsyncLocalStorage that has run stays registered for good and is consulted each time any
 * promise is made, so one per turn made every later promise of the process slower.
 */
const openPhases = new AsyncLocalStorage<ReadonlyMap<object, Tx>>();

export function phasedTenant(db: Database, actor: Actor): Phased {
  const self = {};
  const open = (): Tx => {
    const tx = openPhases.getStore()?.get(self);
    if (!tx) throw new Error('no transaction is open in this phase (it holds no database connection)');
    return tx;
  };
  const conn: SqlConnection = {
    query: async (sql, params) => open().query(sql, params),
    exec: async (sql) => open().exec(sql),
  };
  return {
    tx: { ...conn, db: kyselyOn<DB>(conn) },
    run: (fn) => withTenant(db, actor, (tx) => openPhases.run(new Map(openPhases.getStore()).set(self, tx), fn)),
  };
}
