import { Temporal } from 'temporal-polyfill';
import {
  activePrompt,
  amaraLanguage,
  decideAmaraTurn,
  personaLanguage,
  updateAriConversation,
  MAX_MESSAGE_CHARS,
  type AmaraIntent,
  type AmaraState,
  type Decision,
  type DraftWording,
  type Language,
  type ModelTool,
  type State,
  type Turn,
  type TurnApp,
} from '../../modules/assistant/index.ts';
import { getContact } from '../../modules/contacts/index.ts';
import { recordFaqUse } from '../../modules/knowledge/index.ts';
import type { Ctx } from '../../platform/context.ts';
import { inSavepoint } from '../../platform/db/savepoint.ts';
import { amaraTools, recordFunnel, ToolBox, type ToolSession } from './tools.ts';

/**
 * Amara on the customer channels (web chat, WhatsApp, SMS, `frontdesk chat`): the same
 * built-in engine and tools as the signed-in in-app chat (chat.ts), run by the one assistant
 * turn, so its conversations are the inbox's threads, with takeover, hand back and silence
 * while a person owns the thread. Its working memory (request, offered slots, draft, bookings)
 * and the conversation's language live in the assistant's record (ari_conversations.context).
 */

interface AmaraContext {
  language?: Language;
  amara?: AmaraState;
}

/** The record's states Amara uses: where the customer is on the way to a booking. */
const AMARA_STATES = new Set<State>(['greeting', 'scheduling', 'booking', 'completed', 'handoff']);
const amaraState = (state: string): State => (AMARA_STATES.has(state as State) ? (state as State) : 'greeting');

const contextOf = (turn: Turn): AmaraContext => (turn.record.context ?? {}) as AmaraContext;

/** The conversation's language: set by the first message that tells, changed only by a whole message in another one. */
function turnLanguage(turn: Turn): Language {
  return amaraLanguage(turn.input.message, contextOf(turn).language, personaLanguage(turn.workspace.locale));
}

const REPLY_CHARS = { sms: 320, voice: 480, whatsapp: MAX_MESSAGE_CHARS, webchat: MAX_MESSAGE_CHARS } as const;

type AmaraDecision = Decision & { intent: AmaraIntent; language: Language; amara: AmaraState };

/** The tools for this turn, as the workspace's assistant in the turn's transaction: each call in a savepoint, so a failed one costs nothing else. */
async function sessionOf(turn: Turn, state: AmaraState, language: Language, funnel: boolean): Promise<ToolSession> {
  const contact = await getContact(turn.ctx, turn.contactId);
  return {
    asAssistant: (fn) => inSavepoint(turn.ctx, 'amara_tool', () => fn(turn.ctx)),
    state,
    locale: language,
    workspace: { timeZone: turn.workspace.time_zone, country: turn.workspace.country },
    customer: { contactId: turn.contactId, name: contact.name ?? contact.phone ?? 'Cliente', email: contact.email ?? null, phone: turn.phone ?? contact.phone ?? null },
    conversationId: turn.thread.id,
    userText: turn.input.message,
    source: turn.input.channel === 'whatsapp' || turn.input.channel === 'sms' ? turn.input.channel : 'web',
    funnel: funnel ? [] : undefined,
  };
}

const localToday = (ctx: Ctx, timeZone: string) => Temporal.Instant.fromEpochMilliseconds(ctx.clock.now().getTime()).toZonedDateTimeISO(timeZone).toPlainDate().toString();

/** The record's state after a decision: the handoff, a booking just made, a draft waiting, a request being gathered. */
function stateAfter(intent: AmaraIntent, s: AmaraState): State {
  if (intent === 'handoff' || intent === 'handoff_stuck') return 'handoff';
  if (intent === 'booked') return 'completed';
  if (s.draft) return 'booking';
  if (s.request && Object.keys(s.request).length) return 'scheduling';
  return 'greeting';
}

const LANGUAGE_NAMES: Record<Language, string> = { es: 'Spanish', en: 'English', id: 'Indonesian (Bahasa Indonesia)' };
/** Prices, times and dates the model's words must carry as the engine wrote them. */
const BINDING = /\$ ?[\d.,]+(?: [A-Z]{3})?|Rp ?[\d.,]+|\b\d{1,2}[:.]\d{2}\b|\d+\)/g;

export const amaraApp: TurnApp<AmaraDecision> = {
  name: 'amara',
  stateOf: amaraState,
  // A booking made does not end the line: the customer may book again.
  silentIn: (state) => state === 'handoff',
  languageOf: turnLanguage,
  phoneExample: '+57 300 123 4567',

  async decide(turn) {
    const { ctx, workspace } = turn;
    const language = turnLanguage(turn);
    const state = structuredClone(contextOf(turn).amara ?? {});
    const session = await sessionOf(turn, state, language, true);
    const toolbox = new ToolBox(amaraTools(session));
    const outcome = await decideAmaraTurn(
      { text: turn.input.message, locale: language, today: localToday(ctx, workspace.time_zone), country: workspace.country, state, knownPhone: session.customer.phone !== null, canHandOff: true },
      (name, args) => toolbox.call(name, args),
    );
    if (outcome.answeredFrom?.source === 'faq') await recordFaqUse(ctx, outcome.answeredFrom.id);
    // The funnel events are recorded with the decision: a person taking over undoes them with it.
    await recordFunnel(ctx, `contact:${turn.contactId}`, session.funnel ?? []);
    const booked = toolbox.runs.find((r) => r.name === 'confirmBooking' && r.ok)?.result as { booking_id?: string } | undefined;
    return {
      reply: outcome.text,
      state: stateAfter(outcome.intent, state),
      handoff: outcome.intent === 'handoff' ? { reason: 'customer asked for a person' } : outcome.intent === 'handoff_stuck' ? { reason: 'repeated messages the assistant could not use' } : null,
      intent: outcome.intent,
      language,
      amara: state,
      metadata: {
        app: 'amara',
        intent: outcome.intent,
        language,
        tool_calls: toolbox.runs,
        ...(booked?.booking_id ? { booking_id: booked.booking_id } : {}),
        ...(state.draft ? { draft: state.draft } : {}),
      },
    };
  },

  async wording(turn, decision, arm, timeoutMs): Promise<DraftWording> {
    const prompt = await activePrompt(turn);
    // The model may look services and knowledge up again; only the engine drafts and books.
    const session = await sessionOf(turn, structuredClone(decision.amara), decision.language, false);
    const search = amaraTools(session).find((t) => t.name === 'searchServices')!;
    const tools: ModelTool[] = [{ name: search.name, description: search.description, parameters: search.schema, run: async (args: unknown) => { const out = await search.run(args); return out.ok ? out.result : { error: out.error }; } }];
    const mustKeep = [...new Set(decision.reply.match(BINDING) ?? [])];
    return {
      arm,
      timeoutMs,
      draft: decision.reply,
      system: [
        prompt?.text.trim(),
        `You are Amara, the ${turn.input.channel} booking assistant of ${turn.workspace.name}. Reply in ${LANGUAGE_NAMES[decision.language]}, in 2-3 sentences.`,
        "The business's rules have already decided this turn (they searched, checked the calendar, drafted or booked); you only word the reply.",
        `- What happened: ${decision.intent}.`,
        `- The rules' draft reply:\n"""\n${decision.reply}\n"""`,
        'Write the reply the draft intends, in your own words. Never book, promise a price, a time or a booking the draft does not state.',
        mustKeep.length ? `Copy these exactly, in this order: ${mustKeep.map((k) => JSON.stringify(k)).join(', ')}.` : undefined,
      ]
        .filter(Boolean)
        .join('\n'),
      history: turn.history,
      tools,
      mustKeep,
      maxReplyChars: REPLY_CHARS[turn.input.channel],
      systemPromptVersion: prompt?.version,
    };
  },

  async keep(turn, decision, now) {
    const { record } = turn;
    await updateAriConversation(turn.ctx.tx, turn.ws, record.id, {
      state: decision.state,
      lead_score: record.lead_score,
      lead_temperature: record.lead_temperature,
      // A handoff remembers where it was, for the hand back to resume there (resumeAfterHandoff).
      context: { ...contextOf(turn), language: decision.language, amara: decision.amara, ...(decision.handoff ? { state_before_handoff: turn.state } : {}) },
      conversationId: turn.thread.id,
      now,
      handoffReason: decision.handoff?.reason,
    });
  },
};
