import { performance } from 'node:perf_hooks';
import type { Clock } from '../../../platform/clock.ts';
import type { Database } from '../../../platform/db/database.ts';
import { phasedTenant } from '../../../platform/db/phased.ts';
import type { Actor } from '../../../platform/db/tenant.ts';
import { busy, KeyedSequence, type Places } from '../../../platform/fairness.ts';
import type { Logger } from '../../../platform/log.ts';
import { findActiveSystemPrompt } from '../assistant-config.service.ts';
import { loadModelSetup, type EnvironmentModel } from '../assistant-models.service.ts';
import { technicalErrorMessage, type Language, type State, type Temperature } from '../engines/ari/index.ts';
import { RULE_ENGINE_ARM, stickyArm, type Arm } from '../model/arms.ts';
import { normalizePhone } from '../../contacts/index.ts';
import { getWorkspace } from '../../tenancy/index.ts';
import { workspaceIdOf, type Ctx } from '../../../platform/context.ts';
import { AppError } from '../../../platform/errors.ts';
import type { SecretBox } from '../../../platform/secrets.ts';
import { wordDraft, type DraftWording } from './wording.ts';
import { keepHandoffSummary } from './handoff-summary.ts';
import * as store from './turn.repo.ts';
import type { AriConversation, AssistantSettings, Channel } from './turn.repo.ts';
import { contactExists, contactPhone, findOrCreateContactByPhone, touchContact } from '../../contacts/index.ts';
import { findEarlierReply, lockOwner, openThread, queueReply, recordInbound, recordInboundActivity, type InboxThread } from '../../conversations/index.ts';

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
  /** What the provider reported about a text (SMS): the workspace's number it went to and its segments. */
  sms?: { businessNumber: string | null; segments: number | null } | undefined;
};

export interface TurnOptions {
  /** Opens the workspace's Midtrans key and model API keys; without it no payment link is offered. */
  secrets?: SecretBox | undefined;
  /** The server's LLM_* model: the arm of workspaces that configured none of their own. */
  llm?: EnvironmentModel | undefined;
  /** LLM_TIMEOUT_MAX_MS: the operator's ceiling on the arms' timeout. */
  timeoutMaxMs?: number | undefined;
  /**
   * The workspace's places for turns (TURNS_PER_WORKSPACE). Without one within the gate's
   * wait, 'reject' refuses the turn (503 busy, nothing stored) and 'built_in' lets the
   * built-in engine answer without asking the model.
   */
  places?: { gate: Places; onBusy: 'reject' | 'built_in' } | undefined;
  /** A playground turn (previewAssistantTurns): no payment link is created, no gateway called. */
  preview?: boolean | undefined;
}

/**
 * Where a turn runs in phases of its own: the database and who acts. A turn given this
 * (rather than a Ctx in an open transaction) holds no connection while the model writes.
 */
export interface TurnScope {
  db: Database;
  actor: Actor;
  clock: Clock;
  log: Logger;
}

/**
 * What a caller does inside the turn's own transactions, so that a turn from a queue costs no
 * transaction of its own beyond the turn's: `claim` runs first in the first one (false: the
 * message is not this caller's to answer after all, and the turn does nothing), `recorded`
 * last in the one that records the reply (or the silence).
 */
export interface TurnHooks {
  claim(ctx: Ctx): Promise<boolean>;
  recorded(ctx: Ctx, outcome: TurnOutcome): Promise<void>;
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
  /**
   * The workspace's assistant configuration under `key` (its scoring, its stages, what a
   * consultation costs): read by `load` in the turn's transaction the first time, then kept
   * by this process until the configuration's version changes (see rememberConfig).
   */
  remember<T>(key: string, load: () => Promise<T>): Promise<T>;
}

// The configuration cache ----------------------------------------------------------------------

/**
 * What a process remembers of each workspace's assistant configuration, with the version it
 * was read under (ari_config.config_version, 0044). Every write to a table it holds
 * (ari_config, ari_scoring_config, ari_flow_stages, integrations) gives the version a new
 * random value in the writer's transaction, and each turn reads the version with its locked
 * record: a turn in any process sees a change as soon as it is committed, and reads the
 * configuration again. A value loaded after a newer version was committed is kept under the
 * older one and replaced by the next turn: never the reverse. Without an ari_config row there
 * is no version, and nothing is kept.
 */
const configs = new Map<string, { version: string; values: Map<string, unknown> }>();
const CONFIGS_REMEMBERED = 10_000;

/** One number per object, for keys that depend on which secrets or server model a turn was given. */
const objectIds = new WeakMap<object, number>();
let nextObjectId = 1;
const idOf = (o: object | undefined): number => {
  if (!o) return 0;
  let id = objectIds.get(o);
  if (id === undefined) objectIds.set(o, (id = nextObjectId++));
  return id;
};

function rememberConfig(ws: string, version: string | null): <T>(key: string, load: () => Promise<T>) => Promise<T> {
  return async <T>(key: string, load: () => Promise<T>): Promise<T> => {
    if (version === null) return load();
    let entry = configs.get(ws);
    if (entry?.version !== version) {
      if (!entry && configs.size >= CONFIGS_REMEMBERED) configs.clear();
      entry = { version, values: new Map() };
      configs.set(ws, entry);
    }
    if (entry.values.has(key)) return entry.values.get(key) as T;
    const value = await load();
    // Only under the version this turn read: a newer one may have replaced the entry meanwhile.
    if (configs.get(ws) === entry) entry.values.set(key, value);
    return value;
  };
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
  /**
   * What the contact's model arm is given to word a decided reply (never a handoff's fixed
   * message): read in the turn's transaction; its tools may read the database again later.
   */
  wording(turn: Turn, decision: D & { reply: string }, arm: ModelArm, timeoutMs: number): Promise<DraftWording>;
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
    if (!(await contactExists(ctx.tx, ws, input.contactId))) throw new AppError('contact.not_found', 'not_found', 'no such contact in this workspace');
    return { contactId: input.contactId };
  }
  // Local numbers ('0812...') are read in the workspace's country, so they match '+62812...'.
  const phone = normalizePhone(input.phone) ?? normalizePhone(input.phone, country);
  if (!phone) {
    throw new AppError('validation.failed', 'invalid', 'the request is not valid', {
      issues: [{ path: 'body.phone', message: `not a phone number; write it with its country code, like ${phoneExample}` }],
    });
  }
  return { contactId: await findOrCreateContactByPhone(ctx.tx, ws, phone, input.channel), phone };
}

/** A turn whose message is stored and whose reply is decided, not yet recorded. */
interface Opened<D extends Decision> {
  turn: Turn;
  started: number;
  now: Date;
  inboundId: string;
  questionId: string;
  decision: D | undefined;
  arm: Arm;
  assignedArm: string | null | undefined;
  timeoutMs: number;
  /** True while the decision's writes are in the savepoint, to be undone if a person took over. */
  inSavepoint: boolean;
  /** Why the built-in engine answers without asking the model arm (no place for the turn). */
  busy: boolean;
}

const savepointOf = (app: { name: string }) => `${app.name}_turn`;

function outcomeOf<D extends Decision>(o: { record: AriConversation; state: State; contactId: string; thread: InboxThread }, reply: string | null, x: { state?: State; decision?: D; withPerson: boolean }): TurnOutcome {
  const s = x.state ?? o.state;
  return {
    reply,
    state: s,
    lead_score: x.decision?.lead_score ?? o.record.lead_score,
    lead_temperature: (x.decision?.lead_temperature ?? o.record.lead_temperature) as Temperature | null,
    handoff: x.withPerson || s === 'handoff',
    contact_id: o.contactId,
    conversation_id: o.thread.id,
  };
}

/** The first part of a turn, in a transaction: the message stored, the reply decided (in a savepoint). */
async function openTurn<D extends Decision>(ctx: Ctx, input: TurnInput, options: TurnOptions, app: TurnApp<D>, noPlace: boolean, resumable = false): Promise<{ done: TurnOutcome } | { opened: Opened<D> }> {
  const started = performance.now();
  const { tx } = ctx;
  const ws = workspaceIdOf(ctx);
  const now = ctx.clock.now();
  const workspace = await getWorkspace(ctx);
  const { contactId, phone } = await resolveContact(ctx, ws, input, workspace.country, app.phoneExample);
  const thread = await openThread(tx, ws, contactId, input.channel);
  // The history before this message: the turn's own is added once it is stored (the newest).
  const record = await store.lockAriConversation(tx, ws, contactId, thread.id, HISTORY - 1);
  const remember = rememberConfig(ws, record.config_version);
  const settings = () => remember('settings', () => store.loadAssistantSettings(tx, ws));
  const modelSetup = () =>
    remember(`models:${idOf(options.secrets)}:${idOf(options.llm)}:${options.timeoutMaxMs ?? ''}`, () =>
      loadModelSetup(ctx, { secrets: options.secrets, environment: options.llm, timeoutMaxMs: options.timeoutMaxMs }),
    );
  const state = app.stateOf(record.state);
  const about = { record, state, contactId, thread };

  const text = input.channel === 'sms' ? { phone: phone ?? (await contactPhone(tx, ws, contactId)), ...input.sms } : undefined;
  const inboundId = await recordInbound(tx, ws, { conversationId: thread.id, channel: input.channel, body: input.message, providerMessageId: input.providerMessageId, now, text });
  if (inboundId === undefined) {
    // A queue's retry of a turn cut off while its model wrote: finish it from the decision it kept.
    const unfinished = resumable ? await store.findUnanswered(tx, ws, record.id, input.providerMessageId!) : undefined;
    if (unfinished) {
      const turn: Turn = { ctx, ws, workspace, input, contactId, phone, thread, record, state, settings: await settings(), history: await store.recentAriMessages(tx, ws, record.id, HISTORY), options, remember };
      const models = await modelSetup();
      const assignedArm = record.ai_model;
      const arm = stickyArm(models.arms, assignedArm, contactId);
      ctx.log.info({ ari_conversation_id: record.id, app: app.name }, 'resuming a turn that was cut off while its reply was being worded');
      return {
        opened: { turn, started, now, inboundId: unfinished.inboundId, questionId: unfinished.questionId, decision: unfinished.decision as D, arm, assignedArm, timeoutMs: models.timeoutMs, inSavepoint: false, busy: noPlace && arm.kind === 'model' },
      };
    }
    // A redelivery: answer as the first delivery was answered, and record nothing again.
    return { done: outcomeOf(about, await findEarlierReply(tx, ws, input.channel, input.providerMessageId!), { withPerson: thread.owner === 'human' }) };
  }
  const questionId = await store.insertAriMessage(tx, ws, { ariConversationId: record.id, role: 'user', content: input.message, metadata: { message_id: inboundId, channel: input.channel }, now });

  const assistant = await settings();
  if (!assistant.enabled || thread.owner === 'human' || app.silentIn(state)) {
    // Once handed off, the person is the one to answer, on whichever thread the customer writes.
    const toPerson = state === 'handoff' && thread.owner !== 'human';
    await recordInboundActivity(tx, ws, thread.id, now, toPerson);
    await touchContact(tx, ws, contactId, now);
    return { done: outcomeOf(about, null, { withPerson: toPerson || thread.owner === 'human' }) };
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
    settings: assistant,
    history: [...record.history, { role: 'user', content: input.message }],
    options,
    remember,
  };
  const models = await modelSetup();
  const assignedArm = record.ai_model;
  const arm = stickyArm(models.arms, assignedArm, contactId);

  const savepoint = savepointOf(app);
  await tx.query(`savepoint ${savepoint}`);
  let decision: D | undefined;
  try {
    decision = await app.decide(turn);
  } catch (e) {
    await tx.query(`rollback to savepoint ${savepoint}`);
    ctx.log.error({ err: e, ari_conversation_id: record.id, app: app.name }, 'the assistant failed on a turn; it answers with its technical error message');
  }
  return { opened: { turn, started, now, inboundId, questionId, decision, arm, assignedArm, timeoutMs: models.timeoutMs, inSavepoint: true, busy: noPlace && arm.kind === 'model' } };
}

/** The decided reply a model arm is to word, if any: handoffs keep their fixed message, silence stays silence. */
function toWord<D extends Decision>(o: Opened<D>): { decision: D & { reply: string }; arm: ModelArm } | undefined {
  const { decision, arm } = o;
  if (!decision || decision.reply === null || decision.handoff !== null || arm.kind !== 'model' || o.busy) return undefined;
  return { decision: { ...decision, reply: decision.reply }, arm };
}

/**
 * The last part of a turn: checks the owner again under a lock (a person who took over
 * meanwhile wins: nothing is sent, and a decision still in its savepoint is undone), then
 * records the reply, the decision and the message for the channel to deliver.
 */
async function finishTurn<D extends Decision>(ctx: Ctx, app: TurnApp<D>, o: Opened<D>, spoken: SpokenReply | undefined): Promise<TurnOutcome> {
  const { tx } = ctx;
  const { turn, decision, arm, now } = o;
  const { ws, thread, record, contactId, input } = turn;
  const about = { record, state: turn.state, contactId, thread };
  const latencyMs = Math.round(performance.now() - o.started);

  // A turn whose decision was committed before its model wrote (the phased path) may find that
  // the customer wrote again meanwhile (another process took that message): the newer message
  // wins, and this reply, worded without it, is not sent. The record is locked first, in the
  // order a turn's first phase locks (the record, then the thread), so the check waits for a
  // newer message's first phase to commit rather than miss it.
  if (!o.inSavepoint && (await store.newerQuestion(tx, ws, record.id, o.questionId))) {
    ctx.log.info({ ari_conversation_id: record.id, app: app.name }, 'the customer wrote again while the model worded this reply: the newer message is answered, this reply is not sent');
    await recordInboundActivity(tx, ws, thread.id, now, false);
    await touchContact(tx, ws, contactId, now);
    const owned = (await lockOwner(tx, ws, thread.id)) === 'human';
    return outcomeOf(about, null, { withPerson: owned, ...(decision ? { state: decision.state, decision } : {}) });
  }

  const owner = await lockOwner(tx, ws, thread.id);
  if (owner === 'human') {
    if (o.inSavepoint) await tx.query(`rollback to savepoint ${savepointOf(app)}`);
    await recordInboundActivity(tx, ws, thread.id, now, false);
    await touchContact(tx, ws, contactId, now);
    return outcomeOf(about, null, { withPerson: true, ...(o.inSavepoint || !decision ? {} : { state: decision.state, decision }) });
  }
  if (o.inSavepoint) {
    await tx.query(`release savepoint ${savepointOf(app)}`);
    if (arm.name !== o.assignedArm && !o.busy) await store.setAriModel(tx, ws, record.id, arm.name);
  }

  const reply = decision ? (spoken?.reply ?? decision.reply) : technicalErrorMessage(app.languageOf(turn));
  const armMetadata = spoken?.metadata ?? (o.busy ? { arm: RULE_ENGINE, fallback: { reason: 'busy', detail: 'no place for another turn of this workspace' } } : { arm: arm.name });
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
      metadata: { reply_to: o.questionId, ...(decision ? { ...decision.metadata, ...armMetadata } : { app: app.name, error: 'turn_failed' }) },
      now,
    });
  }
  if (decision && o.inSavepoint) {
    // A handoff carries the lead summary: written before the record's handoff_at (the event the
    // database raises then sends the row as it is), and again after with this message's facts.
    if (decision.handoff) await keepHandoffSummary(turn, decision.handoff.reason);
    await app.keep(turn, decision, now);
    if (decision.handoff) await keepHandoffSummary(turn, decision.handoff.reason);
  }
  if (reply !== null) {
    const handoff = decision?.handoff != null;
    await queueReply(tx, ws, { conversationId: thread.id, channel: input.channel, body: reply, inReplyTo: o.inboundId, ariMessageId: ariMessageId!, handoff, now });
    if (decision) await app.afterReply?.(turn, decision, ariMessageId!);
  }
  const handedOver = decision?.handoff != null;
  await recordInboundActivity(tx, ws, thread.id, now, handedOver);
  await touchContact(tx, ws, contactId, now);
  return decision ? outcomeOf(about, reply, { state: decision.state, decision, withPerson: handedOver }) : outcomeOf(about, reply, { withPerson: false });
}

/** Turns of one conversation that leave the database while the model writes still run one after the other. */
const conversations = new KeyedSequence();

/** One person's turns on one channel share a key; two people sharing one only wait for each other. */
function conversationKey(ws: string, input: TurnInput): string {
  const who = input.contactId ?? (input.phone.replace(/\D/g, '').slice(-9) || input.phone);
  return `${ws}:${input.channel}:${who}`;
}

/**
 * One customer message through an assistant app: finds or creates the contact, the inbox
 * thread and the assistant's record (locked, so two messages of one person are decided one
 * after the other), stores the message once per provider id (a redelivery gets the first
 * answer back), lets the app decide, lets the contact's A/B arm word the reply when it is a
 * model, and records the reply, the new state and the message in the inbox for the channel to
 * deliver. The assistant stays silent when it is switched off, when a person owns the
 * thread, and in the app's silent states; and it checks the owner again, under a lock, just
 * before it replies, so it never talks over a person.
 *
 * Given a Ctx, all of it happens in the caller's transaction (and a person who took over
 * meanwhile undoes everything the turn wrote, a booking too). Given a TurnScope, the model
 * holds no database connection: (a) one transaction stores the message, decides and keeps the
 * decision, and reads what the model needs; (b) the model writes with no transaction open
 * (each of its tool calls gets a short one); (c) another transaction checks the owner and
 * records the reply. The turns of one conversation in this process run one after the other
 * across the three, so replies go out in the order of the messages; a person who took over
 * during (b) gets no reply from the assistant, and the decision stays recorded; and a newer
 * message of the customer recorded during (b) (by another process) wins: this turn's reply is
 * dropped, never sent beside the newer message's.
 */
export async function runAssistantTurn<D extends Decision>(target: Ctx | TurnScope, input: TurnInput, options: TurnOptions, app: TurnApp<D>): Promise<TurnOutcome>;
export async function runAssistantTurn<D extends Decision>(target: Ctx | TurnScope, input: TurnInput, options: TurnOptions, app: TurnApp<D>, hooks: TurnHooks): Promise<TurnOutcome | null>;
export async function runAssistantTurn<D extends Decision>(target: Ctx | TurnScope, input: TurnInput, options: TurnOptions, app: TurnApp<D>, hooks?: TurnHooks): Promise<TurnOutcome | null> {
  const ws = workspaceIdOf(target);
  const places = options.places;
  const leave = places ? await places.gate.enter(ws) : undefined;
  if (places && !leave && places.onBusy === 'reject') throw busy('this workspace has too many conversations being answered at once', Math.max(1, Math.ceil(places.gate.waitMs / 1000)));
  const noPlace = places !== undefined && leave === undefined;
  try {
    if ('tx' in target) {
      if (hooks && !(await hooks.claim(target))) return null;
      return await recorded(target, await inOneTransaction(target, input, options, app, noPlace), hooks);
    }
    return await conversations.run(conversationKey(ws, input), () => inPhases(target, input, options, app, noPlace, hooks));
  } finally {
    leave?.();
  }
}

/** The turn's end in its last transaction: the caller's `recorded` hook sees the outcome. */
async function recorded(ctx: Ctx, outcome: TurnOutcome, hooks: TurnHooks | undefined): Promise<TurnOutcome> {
  await hooks?.recorded(ctx, outcome);
  return outcome;
}

async function inOneTransaction<D extends Decision>(ctx: Ctx, input: TurnInput, options: TurnOptions, app: TurnApp<D>, noPlace: boolean): Promise<TurnOutcome> {
  const first = await openTurn(ctx, input, options, app, noPlace);
  if ('done' in first) return first.done;
  const o = first.opened;
  const speech = toWord(o);
  const spoken = speech ? await wordDraft(ctx, await app.wording(o.turn, speech.decision, speech.arm, o.timeoutMs)) : undefined;
  return finishTurn(ctx, app, o, spoken);
}

async function inPhases<D extends Decision>(scope: TurnScope, input: TurnInput, options: TurnOptions, app: TurnApp<D>, noPlace: boolean, hooks?: TurnHooks): Promise<TurnOutcome | null> {
  const phased = phasedTenant(scope.db, scope.actor);
  const ctx: Ctx = { tx: phased.tx, actor: scope.actor, clock: scope.clock, log: scope.log };
  // (a)
  const first = await phased.run<{ done: TurnOutcome | null } | { opened: Opened<D>; wording: DraftWording }>(async () => {
    if (hooks && !(await hooks.claim(ctx))) return { done: null };
    // A queue (hooks) retries a turn cut off between its transactions: it may resume one.
    const opened = await openTurn(ctx, input, options, app, noPlace, hooks !== undefined && input.providerMessageId !== undefined);
    if ('done' in opened) return { done: await recorded(ctx, opened.done, hooks) };
    const o = opened.opened;
    const speech = toWord(o);
    // Nothing for a model to word: the turn ends in this transaction, as in one.
    if (!speech) return { done: await recorded(ctx, await finishTurn(ctx, app, o, undefined), hooks) };
    if (o.inSavepoint) {
      // The decision is kept now: a later message of the conversation is decided on it.
      await ctx.tx.query(`release savepoint ${savepointOf(app)}`);
      if (o.arm.name !== o.assignedArm) await store.setAriModel(ctx.tx, o.turn.ws, o.turn.record.id, o.arm.name);
      await app.keep(o.turn, speech.decision, o.now);
      // And on the message, for a retry should this turn be cut off while the model writes.
      if (hooks && input.providerMessageId !== undefined) await store.keepUnanswered(ctx.tx, o.turn.ws, o.questionId, { provider_message_id: input.providerMessageId, inbound_id: o.inboundId, decision: speech.decision });
    }
    const wording = await app.wording(o.turn, speech.decision, speech.arm, o.timeoutMs);
    return { opened: { ...o, inSavepoint: false }, wording };
  });
  if ('done' in first) return first.done;
  // (b) The model's tool calls each read in a short transaction of their own.
  const wording = first.wording;
  const spoken = await wordDraft(ctx, { ...wording, tools: wording.tools.map((t) => ({ ...t, run: (args: never) => phased.run(() => t.run(args)) })) });
  // (c)
  return phased.run(async () => recorded(ctx, await finishTurn(ctx, app, first.opened, spoken), hooks));
}

// The playground ----------------------------------------------------------------------------------

/** Undoes everything a phase wrote: the phase's transaction ends in a rollback, its value kept. */
class Undo<T> extends Error {
  constructor(readonly value: T) {
    super('playground: rolled back');
  }
}

async function rolledBack<T>(phased: ReturnType<typeof phasedTenant>, fn: () => Promise<T>): Promise<T> {
  try {
    await phased.run(async () => {
      throw new Undo(await fn());
    });
  } catch (e) {
    if (e instanceof Undo) return e.value as T;
    throw e;
  }
  throw new Error('unreachable: a playground phase always rolls back');
}

/** One customer message of a playground conversation and what the assistant made of it. */
export interface PreviewTurn extends Omit<TurnOutcome, 'contact_id' | 'conversation_id'> {
  message: string;
  /** Who wrote the reply: a model arm, or the built-in engine (ari_messages.ai_model). */
  model: string | null;
  /** The reply's ari_messages.metadata: the path, the tool calls (knowledge searches), the trace. */
  metadata: Record<string, unknown>;
}

/**
 * A conversation with the assistant that leaves no trace: a stand-in contact, its thread and
 * every message, decision, booking or payment link the turns make are written in a transaction
 * that is rolled back, so no contact, message or outbox row remains, nothing is queued for a
 * channel, and the inbox's live events (sent on commit) never fire. The customer's earlier
 * messages are replayed (the built-in engine words them; the state they lead to is the same)
 * and the last one is answered as a real turn would be, its reply worded by the contact's
 * model arm when there is one: with no transaction open, as in a real turn, its read-only
 * tools each in a short transaction that is rolled back too. Payment links are not created
 * (`options.preview`), so no payment gateway is called either.
 */
export async function previewAssistantTurns<D extends Decision>(scope: TurnScope, channel: Channel, messages: string[], options: TurnOptions, app: TurnApp<D>): Promise<PreviewTurn[]> {
  const ws = workspaceIdOf(scope);
  const places = options.places;
  const leave = places ? await places.gate.enter(ws) : undefined;
  if (places && !leave && places.onBusy === 'reject') throw busy('this workspace has too many conversations being answered at once', Math.max(1, Math.ceil(places.gate.waitMs / 1000)));
  const noPlace = places !== undefined && leave === undefined;
  const opts: TurnOptions = { ...options, places: undefined, preview: true };
  try {
    const phased = phasedTenant(scope.db, scope.actor);
    const ctx: Ctx = { tx: phased.tx, actor: scope.actor, clock: scope.clock, log: scope.log };
    let wording: DraftWording | undefined;
    const turns = await rolledBack(phased, async () => {
      const contact = await store.insertPlaygroundContact(ctx.tx, ws, channel);
      const out: PreviewTurn[] = [];
      const describe = async (message: string, o: TurnOutcome): Promise<PreviewTurn> => {
        const row = o.reply === null ? undefined : await store.latestAssistantMessage(ctx.tx, ws, contact.id);
        const { contact_id: _c, conversation_id: _v, ...rest } = o;
        return { ...rest, message, model: row?.ai_model ?? null, metadata: (row?.metadata ?? {}) as Record<string, unknown> };
      };
      for (const [i, message] of messages.entries()) {
        const input: TurnInput = { contactId: contact.id, channel, message };
        if (i < messages.length - 1) {
          out.push(await describe(message, await inOneTransaction(ctx, input, opts, app, true)));
          continue;
        }
        const first = await openTurn(ctx, input, opts, app, noPlace);
        if ('done' in first) {
          out.push(await describe(message, first.done));
          continue;
        }
        const speech = toWord(first.opened);
        if (speech) wording = await app.wording(first.opened.turn, speech.decision, speech.arm, first.opened.timeoutMs);
        out.push(await describe(message, await finishTurn(ctx, app, first.opened, undefined)));
      }
      return out;
    });
    const last = turns[turns.length - 1];
    if (wording && last && last.reply !== null) {
      const tools = wording.tools.map((t) => ({ ...t, run: (args: never) => rolledBack(phased, () => t.run(args)) }));
      const spoken = await wordDraft(ctx, { ...wording, tools });
      last.reply = spoken.reply;
      last.model = spoken.model;
      last.metadata = { ...last.metadata, ...spoken.metadata };
    }
    return turns;
  } finally {
    leave?.();
  }
}
