import { getWorkspace } from '../modules/tenancy/index.ts';
import type { Ctx } from '../platform/context.ts';
import { withTenant } from '../platform/db/tenant.ts';
import { ariApp, runTurn } from './ari/turn.ts';
import { previewAssistantTurns, type Channel, type PreviewTurn, type TurnInput, type TurnOptions, type TurnOutcome, type TurnScope } from './turn/run.ts';
import { receptionistApp, runReceptionistTurn } from './voice/turn.ts';

export type { PreviewTurn, TurnInput, TurnOptions, TurnOutcome, TurnScope };

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

/**
 * The workspace's assistant answering a playground conversation (the customer's messages so
 * far, the last one new), leaving no trace: see previewAssistantTurns.
 */
export async function previewInbound(scope: TurnScope, channel: Channel, messages: string[], options: TurnOptions = {}): Promise<PreviewTurn[]> {
  const workspace = await withTenant(scope.db, scope.actor, (tx) => getWorkspace({ ...scope, tx }));
  return workspace.template === 'voice' ? previewAssistantTurns(scope, channel, messages, options, receptionistApp) : previewAssistantTurns(scope, channel, messages, options, ariApp);
}
