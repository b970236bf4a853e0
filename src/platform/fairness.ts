import { AppError } from './errors.ts';

/**
 * The operator's limits that keep one workspace from starving the others (docs/operations.md,
 * "Security"): how long any turn may wait for a model, and how much one workspace may run
 * at once in this process.
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
  async run<T>(key: string, what: string, fn: () => Promise<T>): Promise<T> {
    const leave = await this.enter(key);
    if (!leave) throw busy(what, Math.max(1, Math.ceil(this.waitMs / 1000)));
    try {
      return await fn();
    } finally {
      leave();
    }
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

/** The gates of one process: one for assistant turns, one for anonymous endpoints. */
export interface Fairness {
  limits: FairnessLimits;
  turns: Gate;
  anonymous: Gate;
}

export function createFairness(limits: Partial<FairnessLimits> = {}): Fairness {
  const l = { ...DEFAULT_FAIRNESS, ...limits };
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
