import type { Ctx } from '../platform/context.ts';
import { runTurn, type TurnInput, type TurnOptions, type TurnOutcome } from './ari/turn.ts';

export type { TurnInput, TurnOptions, TurnOutcome };

/**
 * The one way a channel hands a customer's message to the assistant: picks the app that
 * answers for the workspace (ARI's consultancy flow, the receptionist, ...) and runs its
 * turn in the caller's transaction.
 */
export async function answerInbound(ctx: Ctx, input: TurnInput, options: TurnOptions = {}): Promise<TurnOutcome> {
  return runTurn(ctx, input, options);
}
