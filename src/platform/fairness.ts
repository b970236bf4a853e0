import { createHash, randomUUID } from 'node:crypto';
import type { Database } from './db/database.ts';
import { AppError } from './errors.ts';

/**
 * The operator's limits that keep one workspace from starving the others (docs/operations.md,
 * "Security"): how long any turn may wait for a model, and how much one workspace may run
 * at once (across the server processes of one PostgreSQL: SharedGate).
 */
export interface FairnessLimits {
  /** LLM_TIMEOUT_MAX_MS: a workspace's or arm's timeout_ms is cut to this. */
  llmTimeoutMaxMs: number;
  /** TURNS_PER_WORKSPACE */
  turnsPerWorkspace: number;
  /** TURN_WAIT_MS: also the wait of the anonymous endpoints. */
  turnWaitMs: number;
  /** ANONYMOUS_PER_WORKSPACE */
  anonymousPerWorkspace: number;
}

export const DEFAULT_FAIRNESS: FairnessLimits = { llmTimeoutMaxMs: 15_000, turnsPerWorkspace: 4, turnWaitMs: 5000, anonymousPerWorkspace: 8 };

export function fairnessFromConfig(config: { LLM_TIMEOUT_MAX_MS: number; TURNS_PER_WORKSPACE: number; TURN_WAIT_MS: number; ANONYMOUS_PER_WORKSPACE: number }): FairnessLimits {
  return { llmTimeoutMaxMs: config.LLM_TIMEOUT_MAX_MS, turnsPerWorkspace: config.TURNS_PER_WORKSPACE, turnWaitMs: config.TURN_WAIT_MS, anonymousPerWorkspace: config.ANONYMOUS_PER_WORKSPACE };
}

/** What a caller without a place is told: come back in about this many seconds. */
export function busy(what: string, retryAfterSeconds: number): AppError {
  return new AppError('busy', 'unavailable', `${what}; try again in ${retryAfterSeconds} s`, { retry_after: retryAfterSeconds });
}

interface Queue {
  running: number;
  waiting: (() => void)[];
}

/**
 * A fixed number of places per key (a workspace), with a bounded wait for one. In memory:
 * each process guards its own connections and workers, which is what the limit protects.
 */
export class Gate {
  readonly #queues = new Map<string, Queue>();

  constructor(
    readonly places: number,
    readonly waitMs: number,
  ) {}

  /** The number of places taken for `key` (tests, logs). */
  running(key: string): number {
    return this.#queues.get(key)?.running ?? 0;
  }

  /** A place for `key`, or undefined once `waitMs` passed without one; call the result to give it back. */
  async enter(key: string): Promise<(() => void) | undefined> {
    let q = this.#queues.get(key);
    if (!q) this.#queues.set(key, (q = { running: 0, waiting: [] }));
    const queue = q;
    if (queue.running < this.places) {
      queue.running++;
      return this.#leaver(key, queue);
    }
    if (this.waitMs <= 0) return undefined;
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        // The leaver handed its place over: running stays the same.
        resolve(this.#leaver(key, queue));
      };
      const timer = setTimeout(() => {
        const i = queue.waiting.indexOf(wake);
        if (i >= 0) queue.waiting.splice(i, 1);
        resolve(undefined);
      }, this.waitMs);
      queue.waiting.push(wake);
    });
  }

  /** Runs `fn` in a place for `key`, or throws `busy` (503 with Retry-After) once the wait is over. */
  run<T>(key: string, what: string, fn: () => Promise<T>): Promise<T> {
    return runInPlace(this, key, what, fn);
  }

  #leaver(key: string, queue: Queue): () => void {
    let left = false;
    return () => {
      if (left) return;
      left = true;
      const next = queue.waiting.shift();
      if (next) return next();
      queue.running--;
      if (queue.running === 0 && queue.waiting.length === 0) this.#queues.delete(key);
    };
  }
}


/** What a gate offers: the in-process Gate, and SharedGate across the processes of one PostgreSQL. */
export type Places = Pick<Gate, 'places' | 'waitMs' | 'enter' | 'run'>;

/** Runs `fn` in a place for `key`, or throws `busy` (503 with Retry-After) once the wait is over. */
async function runInPlace<T>(gate: Pick<Places, 'enter' | 'waitMs'>, key: string, what: string, fn: () => Promise<T>): Promise<T> {
  const leave = await gate.enter(key);
  if (!leave) throw busy(what, Math.max(1, Math.ceil(gate.waitMs / 1000)));
  try {
    return await fn();
  } finally {
    leave();
  }
}

/** How long a place is held without renewal: a process that died frees its places after this. */
export const PLACE_LEASE_MS = 30_000;

/**
 * The same places, shared by every process on one PostgreSQL (app.fairness_places, 0039): a
 * place is a row held by this process, taken in one statement (no connection is held while
 * the work runs) and given back in another; the holder renews its rows while it holds any,
 * so a process that dies loses them once their lease ends. A caller without a place polls for
 * one (backing off from 20 to 200 ms) until `waitMs` has passed; one given back in this process
 * wakes its waiters at once.
 */
export class SharedGate implements Places {
  readonly #waiters = new Map<string, Set<() => void>>();
  readonly #holder = `${process.pid}:${randomUUID()}`;
  #held = 0;
  #renewal: ReturnType<typeof setInterval> | undefined;

  constructor(
    readonly db: Pick<Database, 'execute'>,
    readonly gate: 'turns' | 'anonymous',
    readonly places: number,
    readonly waitMs: number,
    readonly leaseMs = PLACE_LEASE_MS,
  ) {}

  async enter(key: string): Promise<(() => void) | undefined> {
    const placeKey = key.length <= 100 ? key : createHash('sha256').update(key).digest('hex');
    const deadline = Date.now() + this.waitMs;
    let pause = 20;
    for (;;) {
      const slot = await this.#take(placeKey);
      if (slot !== undefined) return this.#leaver(placeKey, slot);
      const left = deadline - Date.now();
      if (left <= 0) return undefined;
      await this.#pause(placeKey, Math.min(pause, left));
      pause = Math.min(pause * 2, 200);
    }
  }

  run<T>(key: string, what: string, fn: () => Promise<T>): Promise<T> {
    return runInPlace(this, key, what, fn);
  }

  /** The first free slot below the cap (free: no row, or a row whose lease ended), taken; undefined when all are held. */
  async #take(key: string): Promise<number | undefined> {
    const { rows } = await this.db.execute<{ slot: number }>(
      `insert into app.fairness_places as p (gate, place_key, slot, holder, expires_at)
       select $1, $2, s, $3, now() + $5 * interval '1 millisecond'
         from generate_series(0, $4::int - 1) s
        where not exists (select 1 from app.fairness_places f where f.gate = $1 and f.place_key = $2 and f.slot = s and f.expires_at > now())
        order by s
        limit 1
       on conflict (gate, place_key, slot) do update set holder = excluded.holder, expires_at = excluded.expires_at
        where p.expires_at <= now()
       returning slot`,
      [this.gate, key, this.#holder, this.places, this.leaseMs],
    );
    const slot = rows[0]?.slot;
    if (slot !== undefined && ++this.#held === 1) this.#renewal = setInterval(() => void this.#renew(), Math.max(10, Math.floor(this.leaseMs / 3))).unref();
    return slot;
  }

  async #renew(): Promise<void> {
    await this.db
      .execute(`update app.fairness_places set expires_at = now() + $2 * interval '1 millisecond' where holder = $1`, [this.#holder, this.leaseMs])
      .catch(() => undefined); // a lost database: the places lapse, and taking new ones fails loudly
  }

  #leaver(key: string, slot: number): () => void {
    let left = false;
    return () => {
      if (left) return;
      left = true;
      if (--this.#held === 0 && this.#renewal) {
        clearInterval(this.#renewal);
        this.#renewal = undefined;
      }
      void this.db
        .execute('delete from app.fairness_places where gate = $1 and place_key = $2 and slot = $3 and holder = $4', [this.gate, key, slot, this.#holder])
        .catch(() => undefined) // not given back: it lapses with its lease
        .finally(() => {
          const next = this.#waiters.get(key)?.values().next().value;
          next?.();
        });
    };
  }

  #pause(key: string, ms: number): Promise<void> {
    return new Promise((resolve) => {
      let waiters = this.#waiters.get(key);
      if (!waiters) this.#waiters.set(key, (waiters = new Set()));
      const set = waiters;
      const wake = () => {
        clearTimeout(timer);
        set.delete(wake);
        if (set.size === 0 && this.#waiters.get(key) === set) this.#waiters.delete(key);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      set.add(wake);
    });
  }
}

/** The gates: one for assistant turns, one for anonymous endpoints. */
export interface Fairness {
  limits: FairnessLimits;
  turns: Places;
  anonymous: Places;
}

/**
 * On PostgreSQL, whose database several server processes may share, the places are shared
 * (SharedGate); on PGlite, one process by construction, they are in memory.
 */
export function createFairness(limits: Partial<FairnessLimits> = {}, db?: Pick<Database, 'kind' | 'execute'>): Fairness {
  const l = { ...DEFAULT_FAIRNESS, ...limits };
  if (db?.kind === 'postgres') {
    return { limits: l, turns: new SharedGate(db, 'turns', l.turnsPerWorkspace, l.turnWaitMs), anonymous: new SharedGate(db, 'anonymous', l.anonymousPerWorkspace, l.turnWaitMs) };
  }
  return { limits: l, turns: new Gate(l.turnsPerWorkspace, l.turnWaitMs), anonymous: new Gate(l.anonymousPerWorkspace, l.turnWaitMs) };
}

/**
 * Runs work one after the other per key, holding nothing but a promise while it waits (two
 * messages of one conversation whose turns leave the database while the model writes).
 */
export class KeyedSequence {
  readonly #tails = new Map<string, Promise<void>>();

  async run<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const before = this.#tails.get(key) ?? Promise.resolve();
    let done!: () => void;
    const mine = new Promise<void>((r) => (done = r));
    const tail = before.then(() => mine);
    this.#tails.set(key, tail);
    await before;
    try {
      return await fn();
    } finally {
      done();
      if (this.#tails.get(key) === tail) this.#tails.delete(key);
    }
  }
}
