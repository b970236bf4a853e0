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
