import { performance } from 'node:perf_hooks';
import { sql } from 'kysely';
import { personaLanguage, technicalErrorMessage, type Temperature } from '../../modules/assistant/engine/index.ts';
import { findActiveSystemPrompt, loadModelSetup, stickyArm } from '../../modules/assistant/index.ts';
import { normalizePhone } from '../../modules/contacts/index.ts';
import { getWorkspace } from '../../modules/tenancy/index.ts';
import { workspaceIdOf, type Ctx } from '../../platform/context.ts';
import { AppError } from '../../platform/errors.ts';
import { RULE_ENGINE, type TurnInput, type TurnOptions, type TurnOutcome } from '../ari/turn.ts';
import * as store from '../ari/turn.store.ts';
import { decideReception, type ReceptionistContext, type ReceptionistResult, type ReceptionistState } from './receptionist.ts';
import { speakReception, type SpokenReply } from './model-turn.ts';
import { offeredServices, receptionistTools, receptionTools } from './tools.ts';

/** Messages that must fit one SMS segment; other channels take a little more. */
const HISTORY = 10;
const REPLY_CHARS = { sms: 160, voice: 320, whatsapp: 320, webchat: 320 } as const;

const RECEPTION_STATES = new Set<ReceptionistState>(['greeting', 'qualifying', 'scheduling', 'booking', 'completed', 'handoff']);
/** A record the consultancy flow left in a state the receptionist does not have starts over. */
const receptionState = (state: string): ReceptionistState => (RECEPTION_STATES.has(state as ReceptionistState) ? (state as ReceptionistState) : 'greeting');

/**
 * One customer message through the receptionist, with the guarantees of ARI's turn: one
 * transaction (the caller's); the contact, inbox thread and assistant record found or made;
 * the message stored once per provider id (a redelivery gets the first answer back); silence
 * when the assistant is switched off, when a person owns the thread or once it was handed
 * over; and the owner checked again, under a lock, just before replying, with everything the
 * turn wrote (a booking too) undone if a person took over meanwhile. The state and collected
 * details live in ari_conversations, the turns in ari_messages.
 */
export async function runReceptionistTurn(ctx: Ctx, input: TurnInput, options: TurnOptions = {}): Promise<TurnOutcome> {
  const started = performance.now();
  const { tx } = ctx;
  const ws = workspaceIdOf(ctx);
  const now = ctx.clock.now();
  const workspace = await getWorkspace(ctx);

  let contactId: string;
  let phone: string | undefined;
  if (input.contactId !== undefined) {
    if (!(await store.contactExists(tx, ws, input.contactId))) throw new AppError('contact.not_found', 'not_found', 'no such contact in this workspace');
    contactId = input.contactId;
  } else {
    phone = normalizePhone(input.phone) ?? normalizePhone(input.phone, workspace.country) ?? undefined;
    if (!phone) {
      throw new AppError('validation.failed', 'invalid', 'the request is not valid', {
        issues: [{ path: 'body.phone', message: 'not a phone number; write it with its country code, like +1 416 555 0101' }],
      });
    }
    contactId = await store.findOrCreateContact(tx, ws, phone, input.channel);
  }
  const thread = await store.findOrOpenConversation(tx, ws, contactId, input.channel);
  const record = await store.lockAriConversation(tx, ws, contactId, thread.id);
  const state = receptionState(record.state);
  const outcome = (reply: string | null, s: ReceptionistState, withPerson: boolean): TurnOutcome => ({
    reply,
    state: s,
    lead_score: record.lead_score,
    lead_temperature: record.lead_temperature as Temperature | null,
    handoff: withPerson || s === 'handoff',
    contact_id: contactId,
    conversation_id: thread.id,
  });

  const inboundId = await store.insertInbound(tx, ws, { conversationId: thread.id, channel: input.channel, body: input.message, providerMessageId: input.providerMessageId, now });
  if (inboundId === undefined) {
    return outcome(await store.findEarlierReply(tx, ws, input.channel, input.providerMessageId!), state, thread.owner === 'human');
  }
  await store.insertAriMessage(tx, ws, { ariConversationId: record.id, role: 'user', content: input.message, metadata: { message_id: inboundId, channel: input.channel }, now });

  const settings = await store.loadAssistantSettings(tx, ws);
  if (!settings.enabled || thread.owner === 'human' || state === 'handoff') {
    const toPerson = state === 'handoff' && thread.owner !== 'human';
    await store.recordActivity(tx, ws, thread.id, now, toPerson);
    await store.touchContact(tx, ws, contactId, now);
    return outcome(null, state, toPerson || thread.owner === 'human');
  }

  const context = (record.context ?? {}) as ReceptionistContext;
  const language = context.language ?? personaLanguage(workspace.locale);
  const contact = await tx.db.selectFrom('contacts').select(['name', 'phone']).where('workspace_id', '=', ws).where('id', '=', contactId).executeTakeFirstOrThrow();
  const scope = { contactId, phone: phone ?? contact.phone ?? undefined, source: input.channel === 'webchat' ? ('web' as const) : input.channel, language };
  const models = await loadModelSetup(ctx, { secrets: options.secrets, environment: options.llm });
  const assignedArm = await store.findAriModel(tx, ws, record.id);
  const arm = stickyArm(models.arms, assignedArm, contactId);

  // What the turn writes (a booking included) is undone if a person took over meanwhile.
  await tx.query('savepoint reception_turn');
  let result: ReceptionistResult | undefined;
  try {
    result = await decideReception(
      {
        message: input.message,
        now,
        timeZone: workspace.time_zone,
        state,
        context,
        services: await offeredServices(ctx),
        businessName: workspace.name,
        defaultLanguage: personaLanguage(workspace.locale),
        maxReplyChars: REPLY_CHARS[input.channel],
        knownName: contact.name,
      },
      receptionTools(ctx, scope),
    );
  } catch (e) {
    await tx.query('rollback to savepoint reception_turn');
    ctx.log.error({ err: e, ari_conversation_id: record.id }, 'the receptionist failed on a turn; it answers with its technical error message');
  }
  // Model mode words the reply; handoffs keep the fixed message.
  let spoken: SpokenReply | undefined;
  if (result && result.reply !== null && result.handoff === null && arm.kind === 'model') {
    const prompt = await findActiveSystemPrompt(ctx, input.channel);
    spoken = await speakReception(ctx, {
      arm,
      timeoutMs: models.timeoutMs,
      channel: input.channel,
      decision: { ...result, reply: result.reply },
      businessName: workspace.name,
      systemPrompt: prompt ? { text: prompt.system_prompt, version: prompt.prompt_version } : undefined,
      history: await store.recentAriMessages(tx, ws, record.id, HISTORY),
      tools: receptionistTools(ctx, scope).filter((t) => t.name === 'check_services' || t.name === 'answer_question'),
      maxReplyChars: REPLY_CHARS[input.channel],
    });
  }
  const latencyMs = Math.round(performance.now() - started);

  const owner = await store.lockOwner(tx, ws, thread.id);
  if (owner === 'human') {
    await tx.query('rollback to savepoint reception_turn');
    await store.recordActivity(tx, ws, thread.id, now, false);
    await store.touchContact(tx, ws, contactId, now);
    return outcome(null, state, true);
  }
  await tx.query('release savepoint reception_turn');
  if (arm.name !== assignedArm) await store.setAriModel(tx, ws, record.id, arm.name);

  const reply = result ? (spoken?.reply ?? result.reply) : technicalErrorMessage(language);
  let ariMessageId: string | undefined;
  if (reply !== null) {
    ariMessageId = await store.insertAriMessage(tx, ws, {
      ariConversationId: record.id,
      role: 'assistant',
      content: reply,
      model: spoken?.model ?? RULE_ENGINE,
      tokens: spoken ? (spoken.tokens ?? undefined) : 0,
      latencyMs,
      metadata: result
        ? { app: 'receptionist', tool_calls: result.tool_calls, path: result.path, step: result.context.step ?? null, language: result.context.language ?? language, ...(spoken?.metadata ?? { arm: arm.name }) }
        : { app: 'receptionist', error: 'turn_failed' },
      now,
    });
  }
  if (result) {
    await tx.db
      .updateTable('ari_conversations')
      .set({
        state: result.state,
        context: JSON.stringify(result.context),
        conversation_id: thread.id,
        last_ai_message_at: now,
        ...(result.handoff ? { handoff_at: now, handoff_reason: result.handoff.reason } : {}),
      })
      .where('workspace_id', '=', ws)
      .where('id', '=', record.id)
      .execute();
    if (result.context.name) {
      await tx.db
        .updateTable('contacts')
        .set((eb) => ({ name: eb.fn.coalesce('name', eb.val(result.context.name!)), last_contact: now }))
        .where('workspace_id', '=', ws)
        .where('id', '=', contactId)
        .execute();
    }
  }
  if (reply !== null) {
    await store.insertOutbound(tx, ws, { conversationId: thread.id, channel: input.channel, body: reply, inReplyTo: inboundId, ariMessageId: ariMessageId!, now });
    const bookedNow = result?.path.includes('booked') ? result.context.booking_id : undefined;
    if (bookedNow && input.channel === 'sms') {
      // Seed 004 links the text that confirmed a booking to it.
      await tx.db
        .updateTable('sms_messages')
        .set({ booking_id: bookedNow })
        .where('workspace_id', '=', ws)
        .where('direction', '=', 'outbound')
        .where(sql<boolean>`metadata->>'ari_message_id' = ${ariMessageId!}`)
        .execute();
    }
  }
  const handedOver = result?.handoff != null;
  await store.recordActivity(tx, ws, thread.id, now, handedOver);
  await store.touchContact(tx, ws, contactId, now);
  return outcome(reply, result?.state ?? state, handedOver);
}
