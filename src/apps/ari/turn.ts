import {
  decideTurn,
  conversationLanguage,
  isSilent,
  loadScoring,
  loadStages,
  personaLanguage,
  activePrompt,
  runAssistantTurn,
  MAX_MESSAGE_CHARS,
  updateAriConversation,
  type Language,
  type State,
  type TurnResult,
  type Channel,
  type Decision,
  type Turn,
  type TurnApp,
  type TurnInput,
  type TurnOptions,
  type TurnOutcome,
  type TurnScope,
} from '../../modules/assistant/index.ts';
import { syncLead } from '../../modules/contacts/index.ts';
import { consultationCharge } from '../../modules/payments/index.ts';
import type { Ctx } from '../../platform/context.ts';
import { wordingOf } from './model-turn.ts';
import { ariTools, type ToolScope } from './tools.ts';

const languageOf = (context: unknown): Language | undefined => {
  const l = (context as { language?: unknown } | null)?.language;
  return l === 'id' || l === 'en' || l === 'es' ? l : undefined;
};

/** The conversation's language after this message (it changes only on a whole message in another language). */
const turnLanguage = (turn: Turn): Language => conversationLanguage(turn.input.message, languageOf(turn.record.context), personaLanguage(turn.settings.persona.language));

const toolsOf = (turn: Turn) => {
  const scope: ToolScope = { workspaceId: turn.ws, contactId: turn.contactId, language: turnLanguage(turn), country: turn.workspace.country };
  return ariTools(turn.ctx, scope, turn.options.secrets, turn.options.preview === true);
};

type AriDecision = Decision & { result: TurnResult };

/**
 * ARI's consultancy flow as an assistant app: the built-in engine (decideTurn) qualifies,
 * scores and routes the lead, with tools over knowledge, destinations, the calendar and
 * payment links; a model arm only words its reply (model-turn.ts). It keeps the state,
 * score and temperature on the assistant's record and the contact.
 */
export const ariApp: TurnApp<AriDecision> = {
  name: 'ari',
  stateOf: (state) => state as State,
  silentIn: isSilent,
  languageOf: turnLanguage,
  phoneExample: '+62 812 3456 7001',

  async decide(turn) {
    const { ctx, ws, workspace } = turn;
    // Configuration, kept by the process until it changes: a turn reads none of it again.
    const secrets = turn.options.secrets;
    const charge = secrets ? await turn.remember('ari.charge', () => consultationCharge(ctx, secrets)) : null;
    const result = await decideTurn(
      {
        message: turn.input.message,
        now: ctx.clock.now(),
        timeZone: workspace.time_zone,
        state: turn.state,
        context: (turn.record.context ?? {}) as Record<string, unknown>,
        config: {
          persona: turn.settings.persona,
          scoring: await turn.remember('ari.scoring', () => loadScoring(ctx.tx, ws)),
          stages: await turn.remember('ari.stages', () => loadStages(ctx.tx, ws)),
          chargesForConsultation: charge !== null,
          ...(charge ? { consultationPrice: charge.price } : {}),
          currency: workspace.currency,
          businessName: workspace.name,
        },
        history: turn.history,
      },
      toolsOf(turn),
    );
    return {
      result,
      reply: result.reply,
      state: result.state,
      handoff: result.handoff,
      lead_score: result.lead_score,
      lead_temperature: result.lead_temperature,
      metadata: {
        tool_calls: result.toolCalls,
        trace: result.trace,
        path: result.path,
        language: result.language,
        stage: result.stage?.name ?? null,
        ...(result.unanswered ? { unanswered: true } : {}),
      },
    };
  },

  async wording(turn, decision, arm, timeoutMs) {
    return wordingOf(turn.ctx, {
      arm,
      timeoutMs,
      channel: turn.input.channel,
      decision: { ...decision.result, reply: decision.reply },
      persona: turn.settings.persona,
      businessName: turn.workspace.name,
      currency: turn.workspace.currency,
      systemPrompt: await activePrompt(turn),
      history: turn.history,
      tools: toolsOf(turn),
      maxReplyChars: MAX_MESSAGE_CHARS,
    });
  },

  async keep(turn, { result }, now) {
    const { ctx, ws } = turn;
    await updateAriConversation(ctx.tx, ws, turn.record.id, {
      state: result.state,
      lead_score: result.lead_score,
      lead_temperature: result.lead_temperature,
      context: result.context,
      conversationId: turn.thread.id,
      now,
      handoffReason: result.handoff?.reason,
    });
    await syncLead(ctx.tx, ws, turn.contactId, {
      lead_score: result.lead_score,
      lead_temperature: result.lead_temperature,
      lead_status: result.lead_status,
      name: result.context.name,
      email: result.context.email,
      tags: result.handoff?.tags,
      note: result.handoff?.summary,
      now,
    });
  },
};

/** One customer message through ARI's consultancy flow (see runAssistantTurn for the guarantees). */
export function runAriTurn(target: Ctx | TurnScope, input: TurnInput, options: TurnOptions = {}): Promise<TurnOutcome> {
  return runAssistantTurn(target, input, options, ariApp);
}

export type { Channel, TurnInput, TurnOptions, TurnOutcome };
