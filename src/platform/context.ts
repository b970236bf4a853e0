import type { Clock } from './clock.ts';
import type { Tx } from './db/database.ts';
import type { Actor } from './db/tenant.ts';
import type { Logger } from './log.ts';

/** What every service function receives first: the transaction it runs in and who asks. */
export interface Ctx {
  tx: Tx;
  actor: Actor;
  clock: Clock;
  log: Logger;
}
