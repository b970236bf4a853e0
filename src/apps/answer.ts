import { getWorkspace } from '../modules/tenancy/index.ts';
import type { Ctx } from '../platform/context.ts';
import { runTurn } from './ari/turn.ts';
import type { TurnInput, TurnOptions, TurnOutcome } from './turn/run.ts';
import { runReceptionistTurn } from './voice/turn.ts';

export type { TurnInput, TurnOptions, TurnOutcome };

/**
 * The one way a channel hands a customer's message to the assistant: picks the app that
 * answers for the workspace by its template (the receptionist for 'voice', ARI's
 * consultancy flow otherwise) and runs its turn in the caller's transaction.
 */
export async function answerInbound(ctx: Ctx, input: TurnInput, options: TurnOptions = {}): Promise<TurnOutcome> {
  const workspace = await getWorkspace(ctx);
  return workspace.template === 'voice' ? runReceptionistTurn(ctx, input, options) : runTurn(ctx, input, options);
}
