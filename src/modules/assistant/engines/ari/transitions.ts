import { STATES, type State } from './types.ts';

/**
 * Seed 000's state machine as data: the states each state may move to, including itself
 * where staying is allowed. Handoff is reachable from every state but the two final ones;
 * completed is final.
 *
 * Two self-loops go beyond the seed's list and follow its prose: a warm lead "stays" in
 * scoring while it is nurtured, and the slot dialogue (offer, choice, confirmation) takes
 * several turns in booking. booking -> payment is the step the original skipped in v2.2.
 */
export const TRANSITIONS: Readonly<Record<State, readonly State[]>> = {
  greeting: ['qualifying', 'handoff'],
  qualifying: ['qualifying', 'scoring', 'handoff'],
  scoring: ['scoring', 'booking', 'handoff'],
  booking: ['booking', 'payment', 'scheduling', 'handoff'],
  payment: ['payment', 'scheduling', 'handoff'],
  scheduling: ['scheduling', 'handoff', 'completed'],
  handoff: ['completed'],
  completed: [],
};

export class IllegalTransitionError extends Error {
  readonly code = 'assistant.illegal_transition';
  constructor(
    readonly from: State,
    readonly to: State,
  ) {
    super(`illegal state transition ${from} -> ${to}`);
    this.name = 'IllegalTransitionError';
  }
}

export function isState(value: unknown): value is State {
  return typeof value === 'string' && (STATES as readonly string[]).includes(value);
}

export function canTransition(from: State, to: State): boolean {
  return TRANSITIONS[from].includes(to);
}

/** Returns `to`, or throws IllegalTransitionError when the table does not allow the move. */
export function transition(from: State, to: State): State {
  if (!canTransition(from, to)) throw new IllegalTransitionError(from, to);
  return to;
}

/** States in which the engine does not reply: a person owns the conversation, or it is over. */
export function isSilent(state: State): boolean {
  return state === 'handoff' || state === 'completed';
}

/** Where a conversation that was handed off can pick up again: every state a person can hand back to. */
const RESUMABLE: readonly State[] = STATES.filter((s) => s !== 'handoff' && s !== 'completed');

/** Where a handed-off conversation resumes when the state before the handoff is not known. */
export const RESUME_FALLBACK: State = 'qualifying';

export interface Resumed<C> {
  state: State;
  context: C;
}

/**
 * Staff hand a conversation back to the assistant: the one way out of handoff besides
 * completion, deliberately outside TRANSITIONS so that the engine itself can never leave a
 * handoff. The conversation resumes in `context.state_before_handoff` (the engine keeps it when
 * it hands off) with its counters of stuck and misunderstood turns cleared, so that it does
 * not hand off again at once. Any other state is returned unchanged: completed stays final,
 * and a conversation a person only took over never left its state.
 */
export function resumeAfterHandoff<C extends Record<string, unknown>>(state: State, context: C): Resumed<C> {
  if (state !== 'handoff') return { state, context };
  const before = context.state_before_handoff;
  const resumed = isState(before) && RESUMABLE.includes(before) ? before : RESUME_FALLBACK;
  const { state_before_handoff: _before, handoff_reason: _reason, ...rest } = context;
  return { state: resumed, context: { ...rest, turns_in_state: 0, misunderstood: 0 } as unknown as C };
}
