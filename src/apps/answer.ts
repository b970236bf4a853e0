import { getWorkspace } from '../modules/tenancy/index.ts';
import { workspaceIdOf, type Ctx } from '../platform/context.ts';
import { withTenant } from '../platform/db/tenant.ts';
import { amaraApp } from './amara/turn.ts';
import { ariApp } from './ari/turn.ts';
import {
  previewAssistantTurns,
  runAssistantTurn,
  type Channel,
  type Decision,
  type PreviewTurn,
  type TurnApp,
  type TurnHooks,
  type TurnInput,
  type TurnOptions,
  type TurnOutcome,
  type TurnScope,
} from '../modules/assistant/index.ts';
import { receptionistApp } from './voice/turn.ts';

export type { PreviewTurn, TurnHooks, TurnInput, TurnOptions, TurnOutcome, TurnScope };

/** The app that answers a workspace's customers, by its template: the one place it is chosen. */
export function appFor(template: string | null): TurnApp<Decision> {
  switch (template) {
    case 'voice':
      return receptionistApp;
    case 'amara':
      return amaraApp;
    default:
      // 'ari' and the blank template: ARI's consultancy flow.
      return ariApp;
  }
}

/**
 * The one way a channel hands a customer's message to the assistant: picks the app that
 * answers for the workspace by its template (appFor: the receptionist for 'voice', Amara for
 * 'amara', ARI's consultancy flow otherwise) and runs its turn: in the caller's transaction (a Ctx), or in
 * phases of its own that hold no connection while a model writes (a TurnScope). With hooks
 * (a message taken from a queue), the caller's claim and bookkeeping run inside the turn's
 * own transactions, and null means the claim failed (the turn did nothing).
 */
export async function answerInbound(target: Ctx | TurnScope, input: TurnInput, options?: TurnOptions): Promise<TurnOutcome>;
export async function answerInbound(target: Ctx | TurnScope, input: TurnInput, options: TurnOptions, hooks: TurnHooks): Promise<TurnOutcome | null>;
export async function answerInbound(target: Ctx | TurnScope, input: TurnInput, options: TurnOptions = {}, hooks?: TurnHooks): Promise<TurnOutcome | null> {
  const app = appFor(await templateOf(target));
  return hooks ? runAssistantTurn(target, input, options, app, hooks) : runAssistantTurn(target, input, options, app);
}

/**
 * A workspace's template is chosen when it is created and no route changes it, so each
 * process remembers it: a turn from a queue then opens no transaction just to pick its app.
 */
const templates = new Map<string, string | null>();
const TEMPLATES_REMEMBERED = 10_000;

async function templateOf(target: Ctx | TurnScope): Promise<string | null> {
  const ws = workspaceIdOf(target);
  const known = templates.get(ws);
  if (known !== undefined) return known;
  const workspace = 'tx' in target ? await getWorkspace(target) : await withTenant(target.db, target.actor, (tx) => getWorkspace({ ...target, tx }));
  if (templates.size >= TEMPLATES_REMEMBERED) templates.clear();
  templates.set(ws, workspace.template);
  return workspace.template;
}

/**
 * The workspace's assistant answering a playground conversation (the customer's messages so
 * far, the last one new), leaving no trace: see previewAssistantTurns.
 */
export async function previewInbound(scope: TurnScope, channel: Channel, messages: string[], options: TurnOptions = {}): Promise<PreviewTurn[]> {
  return previewAssistantTurns(scope, channel, messages, options, appFor(await templateOf(scope)));
}
