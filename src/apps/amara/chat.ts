import { Temporal } from 'temporal-polyfill';
import {
  assignArm,
  completeAmaraAnswer,
  completeAmaraQuestion,
  completeWithTools,
  findAmaraRetry,
  insertAmaraAnswer,
  insertAmaraConversation,
  insertAmaraQuestion,
  keepAmaraState,
  lockAmaraConversation,
  ownsAmaraConversation,
  patchAmaraMessage,
  recentAmaraMessages,
  type AmaraMessageRow,
  findActiveSystemPrompt,
  loadModelSetup,
  modelClient,
  ModelError,
  decideAmaraTurn,
  localeOf,
  priceText,
  amaraReply,
  type Arm,
  type EnvironmentModel,
  type ModelTool,
  type AmaraIntent,
  type AmaraState,
  type Locale,
} from '../../modules/assistant/index.ts';
import { recordFaqUse } from '../../modules/knowledge/index.ts';
import { findUserProfile, findWorkspace } from '../../modules/tenancy/index.ts';
import { KeyedSequence } from '../../platform/fairness.ts';
import { phasedTenant } from '../../platform/db/phased.ts';
import type { Clock } from '../../platform/clock.ts';
import type { Ctx } from '../../platform/context.ts';
import type { Database, Tx } from '../../platform/db/database.ts';
import { assume, claimsFor, withTenant, type Actor } from '../../platform/db/tenant.ts';
import { AppError } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import type { Logger } from '../../platform/log.ts';
import type { SecretBox } from '../../platform/secrets.ts';
import { amaraTools, recordFunnel, ToolBox, type ToolRun, type ToolSession } from './tools.ts';

/**
 * One chat turn of Amara for a signed-in end user, in three short transactions so that the
 * assistant message is seen going submitted → streaming → completed (or error):
 *   1. as the user: the conversation (theirs, or a new one in their locale), their message,
 *      and an empty assistant message; a client message id seen before replays that answer;
 *   2. the assistant message marked streaming;
 *   3. the turn: the engine (a configured model, else the built-in one) with its tools, the
 *      conversation's state, and the finished message with its tool calls and usage.
 * The user's own rows are written as the user, under seed 003's owner-only policies.
 */

export const MAX_MESSAGE_CHARS = 4000;
const HISTORY = 10;
export const BUILT_IN_MODEL = 'amara-built-in';

export interface ChatDeps {
  db: Database;
  clock: Clock;
  log: Logger;
  secrets?: SecretBox | undefined;
  /** The server's LLM_* model, for workspaces without arms of their own. */
  llm?: EnvironmentModel | undefined;
  /** LLM_TIMEOUT_MAX_MS: the operator's ceiling on the arms' timeout. */
  timeoutMaxMs?: number | undefined;
}

export interface EndUser {
  userId: string;
  email: string;
  workspaceId: string;
}

export interface ChatInput {
  message: string;
  conversation_id?: string | undefined;
  client_message_id?: string | undefined;
  locale?: string | undefined;
}

export type MessageStatus = 'submitted' | 'streaming' | 'completed' | 'error';

export interface StoredMessage {
  id: string;
  conversation_id: string;
  role: string;
  content: string;
  status: MessageStatus | null;
  tool_calls: Record<string, unknown>[] | null;
  metadata: Record<string, unknown>;
  created_at: Date;
}

export interface ChatReply {
  conversation_id: string;
  /** True when the client message id was seen before: the stored answer, no new turn. */
  replayed: boolean;
  user_message: StoredMessage;
  message: StoredMessage;
}

export type ChatEvent =
  | { event: 'start'; data: { conversation_id: string; user_message_id: string; assistant_message_id: string; replayed: boolean } }
  | { event: 'tool'; data: ToolRun }
  | { event: 'delta'; data: { text: string } }
  | { event: 'done'; data: ChatReply }
  | { event: 'error'; data: { code: string; message: string; assistant_message_id: string } };

export type Emit = (e: ChatEvent) => void | Promise<void>;

export function toStoredMessage(row: AmaraMessageRow): StoredMessage {
  const metadata = (row.metadata && typeof row.metadata === 'object' ? row.metadata : {}) as Record<string, unknown>;
  return {
    id: row.id,
    conversation_id: row.conversation_id,
    role: row.role,
    content: row.content,
    status: (metadata.status as MessageStatus | undefined) ?? null,
    tool_calls: Array.isArray(row.tool_calls) ? (row.tool_calls as Record<string, unknown>[]) : null,
    metadata,
    created_at: row.created_at,
  };
}

const notFound = () => new AppError('amara_conversation.not_found', 'not_found', 'no such conversation of yours in this workspace');

let savepoints = 0;

/**
 * Runs `fn` as the workspace's assistant (actor 'system') inside the user's transaction, then
 * switches back to the user. A savepoint around it undoes what `fn` wrote, and the switch of
 * role, if it fails. This is how an end user, who is not a member, reaches the catalogue,
 * the calendar and the knowledge base: only through Amara's tools, never directly.
 */
export function assistantOf(ctx: Ctx, workspaceId: string): <T>(fn: (ctx: Ctx) => Promise<T>) => Promise<T> {
  const assistant: Actor = { kind: 'system', workspaceId };
  return async (fn) => {
    const name = `amara_assistant_${++savepoints}`;
    await ctx.tx.query(`savepoint ${name}`);
    try {
      await assume(ctx.tx, 'authenticated', claimsFor(assistant));
      const out = await fn({ ...ctx, actor: assistant });
      await assume(ctx.tx, 'authenticated', claimsFor(ctx.actor));
      await ctx.tx.query(`release savepoint ${name}`);
      return out;
    } catch (e) {
      await ctx.tx.query(`rollback to savepoint ${name}`);
      throw e;
    }
  };
}

interface AmaraWorkspace {
  timeZone: string;
  country: string;
  locale: string;
}

/** The workspace, if Amara works there: the marketplace template, or settings.amara.enabled. */
async function amaraWorkspace(ctx: Ctx, workspaceId: string): Promise<AmaraWorkspace> {
  const row = await assistantOf(ctx, workspaceId)((a) => findWorkspace(a.tx, workspaceId));
  if (!row) throw new AppError('workspace.not_found', 'not_found', 'no such workspace');
  const settings = (row.settings ?? {}) as { amara?: { enabled?: unknown } };
  if (row.template !== 'amara' && settings.amara?.enabled !== true) {
    throw new AppError('amara.not_enabled', 'not_found', 'Amara is not switched on in this workspace');
  }
  return { timeZone: row.time_zone, country: row.country, locale: row.locale };
}

/** The user's earlier message with this client id, and the answer to it. */
async function findRetry(tx: Tx, user: EndUser, clientMessageId: string, conversationId: string | undefined) {
  const found = await findAmaraRetry(tx, user.workspaceId, user.userId, clientMessageId, conversationId);
  return found ? { asked: toStoredMessage(found.asked), answer: toStoredMessage(found.answer) } : undefined;
}

async function setStatus(db: Database, actor: Actor, user: EndUser, messageId: string, patch: Record<string, unknown>) {
  await withTenant(db, actor, (tx) => patchAmaraMessage(tx, user.workspaceId, messageId, patch));
}

const inProgress = () => new AppError('amara.retry_in_progress', 'conflict', 'this message is still being answered; retry in a moment');

/** A retry is answered from the record only once the first attempt has finished (or failed). */
function settled(retry: { asked: StoredMessage; answer: StoredMessage }) {
  if (retry.answer.status === 'submitted' || retry.answer.status === 'streaming') throw inProgress();
  return retry;
}

/** The stored text in a few pieces, as a stream of deltas. */
export function deltasOf(text: string): string[] {
  const words = text.split(/(?<=\s)/);
  const out: string[] = [];
  for (let i = 0; i < words.length; i += 4) out.push(words.slice(i, i + 4).join(''));
  return out;
}

const actorOf = (user: EndUser): Actor => ({ kind: 'user', userId: user.userId, email: user.email, workspaceId: user.workspaceId });

/** A turn opened by `openChat`: a retry to replay, or new messages to answer. */
export type OpenedChat =
  | { retry: { asked: StoredMessage; answer: StoredMessage } }
  | { conversationId: string; userMessageId: string; assistantMessageId: string; workspace: AmaraWorkspace };

/**
 * The first transaction: refuses what cannot be answered (another user's conversation, a
 * workspace without Amara) before anything is streamed, so those are plain error responses.
 */
export async function openChat(deps: ChatDeps, user: EndUser, input: ChatInput): Promise<OpenedChat> {
  const actor = actorOf(user);
  const ws = user.workspaceId;
  const opened = await withTenant(deps.db, actor, async (tx) => {
    const ctx: Ctx = { tx, actor, clock: deps.clock, log: deps.log };
    const workspace = await amaraWorkspace(ctx, ws);
    if (input.client_message_id) {
      const retry = await findRetry(tx, user, input.client_message_id, input.conversation_id);
      if (retry) return { retry: settled(retry) };
    }
    let conversationId = input.conversation_id;
    if (conversationId) {
      if (!(await ownsAmaraConversation(tx, ws, user.userId, conversationId))) throw notFound();
    } else {
      const profile = await findUserProfile(tx, user.userId);
      conversationId = newId();
      await insertAmaraConversation(tx, { id: conversationId, ws, userId: user.userId, locale: localeOf(input.locale ?? profile?.locale ?? workspace.locale), now: deps.clock.now() });
    }
    const now = deps.clock.now();
    const userMessageId = newId();
    // A retry racing this one in the same conversation loses on the client message id.
    const inserted = await insertAmaraQuestion(tx, { id: userMessageId, ws, conversationId, content: input.message, clientMessageId: input.client_message_id, now });
    if (!inserted) return { raced: true as const };
    const assistantMessageId = newId();
    await insertAmaraAnswer(tx, { id: assistantMessageId, ws, conversationId, replyTo: userMessageId, now });
    return { conversationId, userMessageId, assistantMessageId, workspace };
  });

  if ('raced' in opened) {
    const retry = await withTenant(deps.db, actor, (tx) => findRetry(tx, user, input.client_message_id!, input.conversation_id));
    if (!retry) throw inProgress();
    return { retry: settled(retry) };
  }
  return opened;
}

export async function chat(deps: ChatDeps, user: EndUser, input: ChatInput, emit: Emit = () => {}): Promise<ChatReply> {
  return answerChat(deps, user, input, await openChat(deps, user, input), emit);
}

/** Answers an opened turn (or replays a retry's answer), telling `emit` as it goes. */
export async function answerChat(deps: ChatDeps, user: EndUser, input: ChatInput, opened: OpenedChat, emit: Emit = () => {}): Promise<ChatReply> {
  const actor = actorOf(user);
  if ('retry' in opened) {
    const retry = opened.retry;
    const reply: ChatReply = { conversation_id: retry.asked.conversation_id, replayed: true, user_message: retry.asked, message: retry.answer };
    await emit({ event: 'start', data: { conversation_id: reply.conversation_id, user_message_id: retry.asked.id, assistant_message_id: retry.answer.id, replayed: true } });
    await emitStored(reply, emit);
    return reply;
  }

  const { conversationId, userMessageId, assistantMessageId, workspace } = opened;
  await setStatus(deps.db, actor, user, assistantMessageId, { status: 'streaming' });
  await emit({ event: 'start', data: { conversation_id: conversationId, user_message_id: userMessageId, assistant_message_id: assistantMessageId, replayed: false } });

  let reply: ChatReply;
  try {
    reply = await turns.run(conversationId, () => answerChatMessage(deps, actor, { user, workspace, conversationId, userMessageId, assistantMessageId, text: input.message }));
  } catch (e) {
    const err = e instanceof AppError ? e : new AppError('amara.turn_failed', 'internal', 'Amara could not answer this message');
    if (!(e instanceof AppError)) deps.log.error({ err: e, amara_message_id: assistantMessageId }, 'an Amara turn failed');
    await setStatus(deps.db, actor, user, assistantMessageId, { status: 'error', error: { code: err.code, message: err.message } });
    await emit({ event: 'error', data: { code: err.code, message: err.message, assistant_message_id: assistantMessageId } });
    throw e;
  }
  await emitStored(reply, emit);
  return reply;
}

/** The stored reply as events, sent after its turn committed: a slow reader never holds a transaction open. */
async function emitStored(reply: ChatReply, emit: Emit): Promise<void> {
  for (const run of (reply.message.tool_calls ?? []) as unknown as ToolRun[]) await emit({ event: 'tool', data: run });
  for (const text of deltasOf(reply.message.content)) await emit({ event: 'delta', data: { text } });
  await emit({ event: 'done', data: reply });
}

/** The user's message being answered, in its stored conversation. */
interface ChatMessageScope {
  user: EndUser;
  workspace: AmaraWorkspace;
  conversationId: string;
  userMessageId: string;
  assistantMessageId: string;
  text: string;
}

interface EngineResult {
  text: string;
  intent: AmaraIntent | 'model';
  model: string;
  usage: { input_tokens: number | null; output_tokens: number | null; total_tokens: number | null };
  extracted?: unknown;
  fallback?: { reason: string; message: string };
}

/** Turns of one conversation that leave the database while the model writes still run one after the other. */
const turns = new KeyedSequence();

/** What the first phase of a turn read: everything the engine and the model need. */
interface Prepared {
  started: number;
  locale: Locale;
  state: AmaraState;
  session: ToolSession;
  toolbox: ToolBox;
  today: string;
  setup: Awaited<ReturnType<typeof loadModelSetup>>;
  arm: Arm;
}

/**
 * Amara's answer to one stored chat message, by the built-in engine or the user's model arm,
 * in phases that hold no connection while a model writes: (a) one transaction reads the
 * conversation, the customer and the workspace's model setup (and, for the built-in engine,
 * answers and records the turn there and then); (b) the model writes with no transaction
 * open, each of its tool calls in a short one of its own; (c) another transaction records the
 * conversation's state, the reply and the funnel events the turn reached. The turns of one
 * conversation in this process run one after the other across the three.
 */
async function answerChatMessage(deps: ChatDeps, actor: Actor, scope: ChatMessageScope): Promise<ChatReply> {
  const phased = phasedTenant(deps.db, actor);
  const ctx: Ctx = { tx: phased.tx, actor, clock: deps.clock, log: deps.log };
  const ws = scope.user.workspaceId;
  const first = await phased.run<{ done: ChatReply } | { prepared: Prepared; history: { role: 'user' | 'assistant'; content: string }[]; prompt: string | undefined }>(async () => {
    const prepared = await prepare(deps, ctx, scope);
    if (prepared.arm.kind === 'model') {
      const history = await recentAmaraMessages(ctx.tx, ws, scope.conversationId, scope.userMessageId, HISTORY);
      const prompt = await prepared.session.asAssistant((a) => findActiveSystemPrompt(a, 'webchat'));
      return { prepared, history, prompt: prompt?.system_prompt };
    }
    return { done: await finish(ctx, scope, prepared, await builtIn(prepared)) };
  });
  if ('done' in first) return first.done;

  // (b) The model, with no transaction open; each tool call reads or writes in one of its own.
  const { prepared, history, prompt } = first;
  const { arm, setup, session, toolbox, state, locale, today } = prepared;
  if (arm.kind !== 'model') throw new Error('unreachable: only a model arm leaves the first phase');
  const snapshot = structuredClone(state);
  let result: EngineResult | undefined;
  let failure: ModelError | undefined;
  try {
    const completion = await completeWithTools({
      client: modelClient({ baseUrl: arm.baseUrl, apiKey: arm.apiKey }, setup.timeoutMs),
      model: arm.model,
      system: systemPrompt(prompt, locale, today, scope.workspace.timeZone, state),
      messages: [...history, { role: 'user', content: scope.text }],
      tools: modelTools(toolbox, (fn) => phased.run(fn)),
      timeoutMs: setup.timeoutMs,
      maxTokens: 1000,
      temperature: 0.7,
    });
    result = { text: completion.text, intent: intentOf(toolbox.runs), model: completion.model, usage: { input_tokens: null, output_tokens: null, total_tokens: completion.tokens } };
  } catch (e) {
    if (!(e instanceof ModelError)) throw e;
    failure = e;
  }

  // (c)
  return phased.run(async () => {
    if (result) return finish(ctx, scope, prepared, result);
    const fallback = { reason: failure!.reason, message: failure!.message };
    ctx.log.warn({ reason: failure!.reason, err: failure, amara_message_id: scope.assistantMessageId }, 'the model failed on an Amara turn; the built-in engine answers');
    const booked = toolbox.runs.some((r) => r.name === 'confirmBooking' && r.ok);
    if (booked) {
      // The booking the model made stands (its transaction committed): the customer is told so.
      const last = state.booked![state.booked!.length - 1]!;
      const local = Temporal.Instant.from(last.start).toZonedDateTimeISO(scope.workspace.timeZone);
      const money = (minor: number) => priceText(minor, last.currency, locale, scope.workspace.country);
      const text = amaraReply.booked(locale, { service: last.service, date: local.toPlainDate().toString(), time: local.toPlainTime().toString({ smallestUnit: 'minute' }), hours: last.hours, rate: money(last.total_minor / last.hours), total: money(last.total_minor) });
      return finish(ctx, scope, prepared, { text, intent: 'booked', model: BUILT_IN_MODEL, usage: { input_tokens: 0, output_tokens: 0, total_tokens: 0 }, fallback });
    }
    // Nothing the model started is kept: its drafts lived in this turn's state only.
    for (const key of Object.keys(state)) delete state[key as keyof AmaraState];
    Object.assign(state, snapshot);
    toolbox.runs.length = 0;
    session.funnel!.length = 0;
    return finish(ctx, scope, prepared, await builtIn(prepared, fallback));
  });
}

/** The first phase's reads: the conversation (locked for the phase), the customer, the tools and the arm. */
async function prepare(deps: ChatDeps, ctx: Ctx, scope: ChatMessageScope): Promise<Prepared> {
  const started = performance.now();
  const { user, workspace } = scope;
  const ws = user.workspaceId;
  const conversation = await lockAmaraConversation(ctx.tx, ws, scope.conversationId);
  const me = await findUserProfile(ctx.tx, user.userId);
  if (!me) throw new Error(`no profile for the signed-in user ${user.userId}`);
  const phoneOnFile = (me.raw_user_meta_data as { phone?: unknown } | null)?.phone;
  const locale = localeOf(conversation.locale);
  const state = (conversation.context ?? {}) as AmaraState;
  const session: ToolSession = {
    asAssistant: assistantOf(ctx, ws),
    state,
    locale,
    workspace: { timeZone: workspace.timeZone, country: workspace.country },
    customer: { userId: user.userId, name: me.full_name ?? me.email ?? user.email, email: me.email, phone: typeof phoneOnFile === 'string' ? phoneOnFile : null },
    conversationId: scope.conversationId,
    userText: scope.text,
    source: 'web',
    funnel: [],
  };
  const toolbox = new ToolBox(amaraTools(session));
  const today = Temporal.Instant.fromEpochMilliseconds(ctx.clock.now().getTime()).toZonedDateTimeISO(workspace.timeZone).toPlainDate().toString();
  const setup = await session.asAssistant((a) => loadModelSetup(a, { secrets: deps.secrets, environment: deps.llm, timeoutMaxMs: deps.timeoutMaxMs }));
  // Sticky per user: the same person always talks to the same arm of the split.
  const arm = assignArm(setup.arms, user.userId);
  return { started, locale, state, session, toolbox, today, setup, arm };
}

/** The built-in engine's answer, in the open phase. */
async function builtIn(p: Prepared, fallback?: EngineResult['fallback']): Promise<EngineResult> {
  const { session, toolbox } = p;
  const outcome = await decideAmaraTurn(
    { text: session.userText, locale: p.locale, today: p.today, country: session.workspace.country, state: p.state, knownPhone: session.customer.phone !== null },
    (name, args) => toolbox.call(name, args),
  );
  const faq = outcome.answeredFrom?.source === 'faq' ? outcome.answeredFrom.id : undefined;
  if (faq) await session.asAssistant((a) => recordFaqUse(a, faq));
  return { text: outcome.text, intent: outcome.intent, model: BUILT_IN_MODEL, usage: { input_tokens: 0, output_tokens: 0, total_tokens: 0 }, extracted: outcome.extracted, ...(fallback ? { fallback } : {}) };
}

/** The last phase: the conversation's state, the finished messages and the funnel events, as the user. */
async function finish(ctx: Ctx, scope: ChatMessageScope, p: Prepared, result: EngineResult): Promise<ChatReply> {
  const { state, toolbox } = p;
  const ws = scope.user.workspaceId;
  const now = ctx.clock.now();
  await keepAmaraState(ctx.tx, ws, scope.conversationId, state, now);
  await recordFunnel(ctx, `amara:${scope.conversationId}`, p.session.funnel ?? []);
  const bookingId = toolbox.runs.find((r) => r.name === 'confirmBooking' && r.ok)?.result as { booking_id?: string } | undefined;
  const metadata = {
    status: 'completed',
    replyTo: scope.userMessageId,
    model: result.model,
    usage: { ...result.usage, tool_calls: toolbox.runs.length },
    finishReason: 'stop',
    latency_ms: Math.round(performance.now() - p.started),
    intent: result.intent,
    ...(result.extracted ? { extracted: result.extracted } : {}),
    ...(result.fallback ? { fallback: result.fallback } : {}),
    ...(bookingId?.booking_id ? { booking_id: bookingId.booking_id } : {}),
    ...(state.draft ? { draft: state.draft } : {}),
  };
  const message = await completeAmaraAnswer(ctx.tx, ws, scope.assistantMessageId, { content: result.text, toolCalls: toolbox.runs.length ? toolbox.runs : null, metadata });
  const asked = await completeAmaraQuestion(ctx.tx, ws, scope.userMessageId);
  return { conversation_id: scope.conversationId, replayed: false, user_message: toStoredMessage(asked), message: toStoredMessage(message) };
}

const LANGUAGE_NAME: Record<Locale, string> = { es: 'Spanish', en: 'English', id: 'Indonesian' };

function systemPrompt(workspacePrompt: string | undefined, locale: Locale, today: string, timeZone: string, state: AmaraState): string {
  return [
    workspacePrompt ?? 'You are Amara, the booking assistant of a home-services marketplace.',
    `Answer in ${LANGUAGE_NAME[locale]}, in 2-3 sentences; recommend at most 3 services; show prices in the workspace currency.`,
    `Today is ${today} in ${timeZone}; dates and times you pass to tools are local to that zone.`,
    'Find services with searchServices, free times with checkAvailability, and prepare a booking with createBookingDraft (1-8 hours, price = hourly rate × hours).',
    'Never book without the customer\'s explicit confirmation of the draft: only then call confirmBooking. Explain that the payment is held and charged when the service is completed.',
    `Conversation state: ${JSON.stringify({ request: state.request ?? null, draft: state.draft ?? null, offered: state.offered ?? [] })}`,
  ].join('\n');
}

/**
 * The tools as completeWithTools takes them, each call in a transaction of its own (`inPhase`);
 * results and failures both go back to the model.
 */
function modelTools(toolbox: ToolBox, inPhase: <T>(fn: () => Promise<T>) => Promise<T>): ModelTool[] {
  return toolbox.tools.map((t) => ({
    name: t.name,
    description: t.description,
    parameters: t.schema,
    run: async (args: unknown) => {
      const out = await inPhase(() => toolbox.call(t.name, args));
      return out.ok ? out.result : { error: out.error };
    },
  }));
}

/** What a model's turn amounted to, named like the built-in engine's intents. */
function intentOf(runs: ToolRun[]): AmaraIntent | 'model' {
  const last = [...runs].reverse().find((r) => r.ok);
  switch (last?.name) {
    case 'confirmBooking':
      return 'booked';
    case 'createBookingDraft':
      return 'draft';
    case 'cancelBookingDraft':
      return 'cancelled';
    case 'checkAvailability':
      return 'availability';
    default:
      return 'model';
  }
}
