import {
  changeAssistantRecord,
  decideReception,
  personaLanguage,
  activePrompt,
  type ReceptionistContext,
  type ReceptionistResult,
  type ReceptionistState,
  type State,
  type Decision,
  type Turn,
  type TurnApp,
} from '../../modules/assistant/index.ts';
import { fillContactName, getContact } from '../../modules/contacts/index.ts';
import { linkReplyTextToBooking } from '../../modules/conversations/index.ts';
import { receptionWording } from './model-turn.ts';
import { offeredServices, receptionistTools, receptionTools } from './tools.ts';

/** Replies that must fit one SMS segment; other channels take a little more. */
const REPLY_CHARS = { sms: 160, voice: 320, whatsapp: 320, webchat: 320 } as const;

const RECEPTION_STATES = new Set<ReceptionistState>(['greeting', 'qualifying', 'scheduling', 'booking', 'completed', 'handoff']);
/** A record the consultancy flow left in a state the receptionist does not have starts over. */
const receptionState = (state: string): ReceptionistState => (RECEPTION_STATES.has(state as ReceptionistState) ? (state as ReceptionistState) : 'greeting');

const contextOf = (turn: Turn) => (turn.record.context ?? {}) as ReceptionistContext;
const languageOf = (turn: Turn) => contextOf(turn).language ?? personaLanguage(turn.workspace.locale);

async function scopeOf(turn: Turn) {
  const contact = await getContact(turn.ctx, turn.contactId);
  const scope = {
    contactId: turn.contactId,
    phone: turn.phone ?? contact.phone ?? undefined,
    source: turn.input.channel === 'webchat' ? ('web' as const) : turn.input.channel,
    language: languageOf(turn),
  };
  return { scope, knownName: contact.name };
}

type ReceptionDecision = Decision & { result: ReceptionistResult };

/**
 * Seed 004's receptionist as an assistant app, for voice and SMS (and any channel of a
 * voice-template workspace): the service catalogue with its pricing rule, the service area,
 * free times and bookings, one short reply per message. Its step and the details it gathered
 * live in the assistant's record (ari_conversations.context).
 */
export const receptionistApp: TurnApp<ReceptionDecision> = {
  name: 'reception',
  stateOf: receptionState,
  // A completed booking does not end the line: the customer may book again.
  silentIn: (state) => state === 'handoff',
  languageOf,
  phoneExample: '+1 416 555 0101',

  async decide(turn) {
    const { ctx, workspace, input } = turn;
    const { scope, knownName } = await scopeOf(turn);
    const result = await decideReception(
      {
        message: input.message,
        now: ctx.clock.now(),
        timeZone: workspace.time_zone,
        state: turn.state as ReceptionistState,
        context: contextOf(turn),
        services: await offeredServices(ctx),
        businessName: workspace.name,
        defaultLanguage: personaLanguage(workspace.locale),
        maxReplyChars: REPLY_CHARS[input.channel],
        knownName,
      },
      receptionTools(ctx, scope),
    );
    return {
      result,
      reply: result.reply,
      state: result.state as State,
      handoff: result.handoff,
      metadata: {
        app: 'receptionist',
        tool_calls: result.tool_calls,
        path: result.path,
        step: result.context.step ?? null,
        language: result.context.language ?? languageOf(turn),
        ...(result.unanswered ? { unanswered: true } : {}),
      },
    };
  },

  async wording(turn, decision, arm, timeoutMs) {
    const { scope } = await scopeOf(turn);
    return receptionWording(turn.ctx, {
      arm,
      timeoutMs,
      channel: turn.input.channel,
      decision: { ...decision.result, reply: decision.reply },
      businessName: turn.workspace.name,
      systemPrompt: await activePrompt(turn),
      history: turn.history,
      tools: receptionistTools(turn.ctx, scope).filter((t) => t.name === 'check_services' || t.name === 'answer_question'),
      maxReplyChars: REPLY_CHARS[turn.input.channel],
    });
  },

  async keep(turn, { result }, now) {
    const { ctx, ws } = turn;
    await changeAssistantRecord(ctx.tx, ws, turn.record.id, {
      state: result.state,
      context: result.context,
      conversationId: turn.thread.id,
      lastAiMessageAt: now,
      handoff: result.handoff ? { at: now, reason: result.handoff.reason } : undefined,
    });
    if (result.context.name) await fillContactName(ctx.tx, ws, turn.contactId, result.context.name);
  },

  async afterReply(turn, { result }, ariMessageId) {
    const bookedNow = result.path.includes('booked') ? result.context.booking_id : undefined;
    if (bookedNow && turn.input.channel === 'sms') {
      // Seed 004 links the text that confirmed a booking to it.
      await linkReplyTextToBooking(turn.ctx.tx, turn.ws, ariMessageId, bookedNow);
    }
  },
};
