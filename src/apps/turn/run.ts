import { performance } from 'node:perf_hooks';
import { technicalErrorMessage, type Language, type State, type Temperature } from '../../modules/assistant/engine/index.ts';
import { findActiveSystemPrompt, loadModelSetup, RULE_ENGINE_ARM, stickyArm, type Arm, type EnvironmentModel } from '../../modules/assistant/index.ts';
import { normalizePhone } from '../../modules/contacts/index.ts';
import { getWorkspace } from '../../modules/tenancy/index.ts';
import { workspaceIdOf, type Ctx } from '../../platform/context.ts';
import { AppError } from '../../platform/errors.ts';
import type { SecretBox } from '../../platform/secrets.ts';
import * as store from './store.ts';
import type { AriConversation, AssistantSettings, Channel, InboxThread } from './store.ts';

export type { Channel };
export const CHANNELS = ['whatsapp', 'sms', 'webchat', 'voice'] as const satisfies readonly Channel[];

/** The built-in engine, as ari_messages.ai_model records it. */
export const RULE_ENGINE = RULE_ENGINE_ARM;
/** Messages of the conversation an app sees. */
const HISTORY = 10;
/** The longest customer message a turn takes (WhatsApp's own limit is 4096 characters). */
export const MAX_MESSAGE_CHARS = 4096;

export type TurnInput = ({ phone: string; contactId?: undefined } | { contactId: string; phone?: undefined }) & {
  channel: Channel;
  message: string;
  /** The channel's id for the message: a redelivery with the same id is answered from the record, not again. */
  providerMessageId?: string | undefined;
};

export interface TurnOptions {
  /** Opens the workspace's Midtrans key and model API keys; without it no payment link is offered. */
  secrets?: SecretBox | undefined;
  /** The server's LLM_* model: the arm of workspaces that configured none of their own. */
  llm?: EnvironmentModel | undefined;
}

export interface TurnOutcome {
  /** What the customer is sent (queued in the inbox), or null when the assistant stays silent. */
  reply: string | null;
  state: State;
  lead_score: number;
  lead_temperature: Temperature | null;
  /** True once the conversation is with a person. */
  handoff: boolean;
  contact_id: string;
  conversation_id: string;
}

export type ModelArm = Extract<Arm, { kind: 'model' }>;

/** A reply a model arm wrote from the app's decision, or the decision's own after a fallback. */
export interface SpokenReply {
  reply: string;
  /** ari_messages.ai_model: the arm that wrote the reply, or the rule engine after a fallback. */
  model: string;
  tokens: number | null;
  metadata: Record<string, unknown>;
}

type Workspace = Awaited<ReturnType<typeof getWorkspace>>;

/** Everything a turn knows once the message is stored and the assistant is to answer. */
export interface Turn {
  ctx: Ctx;
  ws: string;
  workspace: Workspace;
  input: TurnInput;
  contactId: string;
  /** The E.164 number the message came from, when the channel gave one. */
  phone: string | undefined;
  thread: InboxThread;
  record: AriConversation;
  state: State;
  settings: AssistantSettings;
  /** The last messages of the conversation, this one included, oldest first. */
  history: { role: 'user' | 'assistant'; content: string }[];
  options: TurnOptions;
}

/** What an app decided for one message. */
export interface Decision {
  reply: string | null;
  state: State;
  handoff: { reason: string } | null;
  lead_score?: number;
  lead_temperature?: Temperature;
  /** Kept on the reply's ari_messages row (the path taken, tool calls, the language). */
  metadata: Record<string, unknown>;
}

/**
 * An assistant app (ARI's consultancy flow, the receptionist): how it reads the shared
 * record's state, decides, words a reply with a model, and keeps what it decided. The turn
 * around it (contacts, the inbox, redeliveries, silence, the A/B arm, the owner check, the
 * record of every message) is the same for all, and is runAssistantTurn's.
 */
export interface TurnApp<D extends Decision> {
  /** Names its savepoint and its log lines. */
  name: string;
  /** The record's state as this app knows it. */
  stateOf(recordState: string): State;
  /** States in which the assistant leaves the conversation to people. */
  silentIn(state: State): boolean;
  /** The language of the turn's technical error message, should deciding fail. */
  languageOf(turn: Turn): Language;
  /** An example of a number with its country code, for the error about a phone it cannot read. */
  phoneExample: string;
  decide(turn: Turn): Promise<D>;
  /** Words a decided reply with the contact's model arm (never a handoff's fixed message). */
  speak(turn: Turn, decision: D & { reply: string }, arm: ModelArm, timeoutMs: number): Promise<SpokenReply>;
  /** Writes the decision (the assistant's record, the contact) in the turn's transaction. */
  keep(turn: Turn, decision: D, now: Date): Promise<void>;
  /** After the reply is queued, with its ari_messages id. */
  afterReply?(turn: Turn, decision: D, ariMessageId: string): Promise<void>;
}

/** The workspace's active system prompt for the turn's channel, which a model arm is given. */
export async function activePrompt(turn: Turn): Promise<{ text: string; version: string } | undefined> {
  const prompt = await findActiveSystemPrompt(turn.ctx, turn.input.channel);
  return prompt ? { text: prompt.system_prompt, version: prompt.prompt_version } : undefined;
}

async function resolveContact(ctx: Ctx, ws: string, input: TurnInput, country: string, phoneExample: string): Promise<{ contactId: string; phone?: string }> {
  if (input.contactId !== undefined) {
    if (!(await store.contactExists(ctx.tx, ws, input.contactId))) throw new AppError('contact.not_found', 'not_found', 'no such contact in this workspace');
    return { contactId: input.contactId };
  }
  // Local numbers ('0812...') are read in the workspace's country, so they match '+62812...'.
  const phone = normalizePhone(input.phone) ?? normalizePhone(input.phone, country);
  if (!phone) {
    throw new AppError('validation.failed', 'invalid', 'the request is not valid', {
      issues: [{ path: 'body.phone', message: `not a phone number; write it with its country code, like ${phoneExample}` }],
    });
  }
  return { contactId: await store.findOrCreateContact(ctx.tx, ws, phone, input.channel), phone };
}

/**
 * One customer message through an assistant app, in the caller's transaction: finds or
 * creates the contact, the inbox thread and the assistant's record (locked, so two messages of
 * one person are decided one after the other), stores the message once per provider id (a
 * redelivery gets the first answer back), lets the app decide, lets the contact's A/B arm word
 * the reply when it is a model, and records the reply, the new state and the message in the
 * inbox for the channel to deliver. The assistant stays silent when it is switched off, when
 * a person owns the thread, and in the app's silent states; and it checks the owner again,
 * under a lock, just before it replies, undoing everything the turn wrote (a booking too) if a
 * person took over meanwhile, so it never talks over a person.
 */
export async function runAssistantTurn<D extends Decision>(ctx: Ctx, input: TurnInput, options: TurnOptions, app: TurnApp<D>): Promise<TurnOutcome> {
  const started = performance.now();
  const { tx } = ctx;
  const ws = workspaceIdOf(ctx);
  const now = ctx.clock.now();
  const workspace = await getWorkspace(ctx);
  const { contactId, phone } = await resolveContact(ctx, ws, input, workspace.country, app.phoneExample);
  const thread = await store.findOrOpenConversation(tx, ws, contactId, input.channel);
  const record = await store.lockAriConversation(tx, ws, contactId, thread.id);
  const state = app.stateOf(record.state);
  const outcome = (reply: string | null, o: { state?: State; decision?: D; withPerson: boolean }): TurnOutcome => {
    const s = o.state ?? state;
    return {
      reply,
      state: s,
      lead_score: o.decision?.lead_score ?? record.lead_score,
      lead_temperature: (o.decision?.lead_temperature ?? record.lead_temperature) as Temperature | null,
      handoff: o.withPerson || s === 'handoff',
      contact_id: contactId,
      conversation_id: thread.id,
    };
  };

  const inboundId = await store.insertInbound(tx, ws, { conversationId: thread.id, channel: input.channel, body: input.message, providerMessageId: input.providerMessageId, now });
  if (inboundId === undefined) {
    // A redelivery: answer as the first delivery was answered, and record nothing again.
    return outcome(await store.findEarlierReply(tx, ws, input.channel, input.providerMessageId!), { withPerson: thread.owner === 'human' });
  }
  const questionId = await store.insertAriMessage(tx, ws, { ariConversationId: record.id, role: 'user', content: input.message, metadata: { message_id: inboundId, channel: input.channel }, now });

  const settings = await store.loadAssistantSettings(tx, ws);
  if (!settings.enabled || thread.owner === 'human' || app.silentIn(state)) {
    // Once handed off, the person is the one to answer, on whichever thread the customer writes.
    const toPerson = state === 'handoff' && thread.owner !== 'human';
    await store.recordActivity(tx, ws, thread.id, now, toPerson);
    await store.touchContact(tx, ws, contactId, now);
    return outcome(null, { withPerson: toPerson || thread.owner === 'human' });
  }

  const turn: Turn = {
    ctx,
    ws,
    workspace,
    input,
    contactId,
    phone,
    thread,
    record,
    state,
    settings,
    history: await store.recentAriMessages(tx, ws, record.id, HISTORY),
    options,
  };
  const models = await loadModelSetup(ctx, { secrets: options.secrets, environment: options.llm });
  const assignedArm = await store.findAriModel(tx, ws, record.id);
  const arm = stickyArm(models.arms, assignedArm, contactId);

  const savepoint = `${app.name}_turn`;
  await tx.query(`savepoint ${savepoint}`);
  let decision: D | undefined;
  try {
    decision = await app.decide(turn);
  } catch (e) {
    await tx.query(`rollback to savepoint ${savepoint}`);
    ctx.log.error({ err: e, ari_conversation_id: record.id, app: app.name }, 'the assistant failed on a turn; it answers with its technical error message');
  }
  // Model mode words the reply; handoffs keep their fixed message, silence stays silence.
  let spoken: SpokenReply | undefined;
  if (decision && decision.reply !== null && decision.handoff === null && arm.kind === 'model') {
    spoken = await app.speak(turn, { ...decision, reply: decision.reply }, arm, models.timeoutMs);
  }
  const latencyMs = Math.round(performance.now() - started);

  const owner = await store.lockOwner(tx, ws, thread.id);
  if (owner === 'human') {
    await tx.query(`rollback to savepoint ${savepoint}`);
    await store.recordActivity(tx, ws, thread.id, now, false);
    await store.touchContact(tx, ws, contactId, now);
    return outcome(null, { withPerson: true });
  }
  await tx.query(`release savepoint ${savepoint}`);
  if (arm.name !== assignedArm) await store.setAriModel(tx, ws, record.id, arm.name);

  const reply = decision ? (spoken?.reply ?? decision.reply) : technicalErrorMessage(app.languageOf(turn));
  let ariMessageId: string | undefined;
  if (reply !== null) {
    ariMessageId = await store.insertAriMessage(tx, ws, {
      ariConversationId: record.id,
      role: 'assistant',
      content: reply,
      model: spoken?.model ?? RULE_ENGINE,
      tokens: spoken ? (spoken.tokens ?? undefined) : 0,
      latencyMs,
      // reply_to: the customer's ari_messages row this answers (the unanswered-questions list reads it).
      metadata: { reply_to: questionId, ...(decision ? { ...decision.metadata, ...(spoken?.metadata ?? { arm: arm.name }) } : { app: app.name, error: 'turn_failed' }) },
      now,
    });
  }
  if (decision) await app.keep(turn, decision, now);
  if (reply !== null) {
    const handoff = decision?.handoff != null;
    await store.insertOutbound(tx, ws, { conversationId: thread.id, channel: input.channel, body: reply, inReplyTo: inboundId, ariMessageId: ariMessageId!, handoff, now });
    if (decision) await app.afterReply?.(turn, decision, ariMessageId!);
  }
  const handedOver = decision?.handoff != null;
  await store.recordActivity(tx, ws, thread.id, now, handedOver);
  await store.touchContact(tx, ws, contactId, now);
  return decision ? outcome(reply, { state: decision.state, decision, withPerson: handedOver }) : outcome(reply, { withPerson: false });
}
