import { getWorkspace } from '../modules/tenancy/index.ts';
import type { Ctx } from '../platform/context.ts';
import { withTenant } from '../platform/db/tenant.ts';
import { runTurn } from './ari/turn.ts';
import type { TurnInput, TurnOptions, TurnOutcome, TurnScope } from './turn/run.ts';
import { runReceptionistTurn } from './voice/turn.ts';

export type { TurnInput, TurnOptions, TurnOutcome, TurnScope };

/**
 * The one way a channel hands a customer's message to the assistant: picks the app that
 * answers for the workspace by its template (the receptionist for 'voice', ARI's
 * consultancy flow otherwise) and runs its turn: in the caller's transaction (a Ctx), or in
 * phases of its own that hold no connection while a model writes (a TurnScope).
 */
export async function answerInbound(target: Ctx | TurnScope, input: TurnInput, options: TurnOptions = {}): Promise<TurnOutcome> {
  const workspace = 'tx' in target ? await getWorkspace(target) : await withTenant(target.db, target.actor, (tx) => getWorkspace({ ...target, tx }));
  return workspace.template === 'voice' ? runReceptionistTurn(target, input, options) : runTurn(target, input, options);
}
