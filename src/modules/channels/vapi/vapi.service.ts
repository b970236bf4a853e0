import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import type { Clock } from '../../../platform/clock.ts';
import type { Ctx } from '../../../platform/context.ts';
import type { Database, Tx } from '../../../platform/db/database.ts';
import { recordWebhookRefused, recordWebhookVerified } from '../../../platform/db/integrations.ts';
import { withTenant } from '../../../platform/db/tenant.ts';
import { findWebhookEvent, recordWebhookEvent } from '../../../platform/db/webhook-events.ts';
import { fillContactName } from '../../contacts/index.ts';
import { AppError, isAppError } from '../../../platform/errors.ts';
import { newId } from '../../../platform/ids.ts';
import type { Logger } from '../../../platform/log.ts';
import type { SecretBox } from '../../../platform/secrets.ts';
import { inSavepoint } from '../../../platform/db/savepoint.ts';
import { findChannelByAccount, type ChannelAccount } from '../settings/settings.service.ts';
import type { CallAssistantSettings, HmacPlan } from '../settings/settings.schema.ts';

/**
 * Vapi's server messages (reference/integrations.md section 4): an assistant-request is
 * answered with the workspace's assistant, end-of-call reports become `calls` rows (with the
 * caller's contact and the booking the call captured), tool calls are answered with the
 * receptionist's tools. The workspace is the one that connected the call's assistant or phone
 * number id; the message must carry its HMAC signature when the workspace set an HMAC
 * credential, else its secret in X-Vapi-Secret. Vapi retries: each event is recorded in
 * webhook_events under call.id:type in the transaction that applies it, so a repeat changes
 * nothing.
 */

export const VAPI = 'vapi';

const malformed = (message: string) => new AppError('webhook.malformed', 'invalid', message);
// One answer for an unknown account and a wrong secret, so the endpoint tells nothing about workspaces.
const refused = () => new AppError('webhook.unauthenticated', 'unauthenticated', 'the Vapi secret is missing or does not match');

const Str = z.string().max(10_000);
const Call = z.looseObject({
  id: z.string().min(1).max(200),
  type: Str.optional(),
  assistantId: Str.nullish(),
  phoneNumberId: Str.nullish(),
  customer: z.looseObject({ number: Str.nullish(), name: Str.nullish() }).nullish(),
  startedAt: Str.nullish(),
  endedAt: Str.nullish(),
  cost: z.number().nullish(),
});
const Envelope = z.looseObject({
  message: z.looseObject({
    type: z.string().min(1).max(100),
    status: z.string().max(100).optional(),
    call: Call.nullish(),
    assistant: z.looseObject({ id: Str.nullish() }).nullish(),
    phoneNumber: z.looseObject({ id: Str.nullish() }).nullish(),
    customer: z.looseObject({ number: Str.nullish() }).nullish(),
  }),
});

const Report = z.looseObject({
  endedReason: Str.nullish(),
  startedAt: Str.nullish(),
  endedAt: Str.nullish(),
  durationSeconds: z.number().nullish(),
  cost: z.number().nullish(),
  customer: z.looseObject({ number: Str.nullish(), name: Str.nullish() }).nullish(),
  transcript: Str.nullish(),
  recordingUrl: Str.nullish(),
  summary: Str.nullish(),
  artifact: z
    .looseObject({ transcript: z.string().nullish(), recordingUrl: Str.nullish(), recording: z.looseObject({ url: Str.nullish() }).nullish() })
    .nullish(),
  analysis: z
    .looseObject({ summary: Str.nullish(), structuredData: z.record(z.string(), z.unknown()).nullish(), successEvaluation: z.unknown().optional() })
    .nullish(),
});

const ToolCall = z.looseObject({
  id: z.string().min(1).max(200),
  name: Str.optional(),
  parameters: z.unknown().optional(),
  arguments: z.unknown().optional(),
  function: z.looseObject({ name: Str.optional(), arguments: z.unknown().optional() }).optional(),
});
const ToolCalls = z.looseObject({ toolCallList: z.array(ToolCall).max(20).optional(), toolCalls: z.array(ToolCall).max(20).optional() });

export type VapiResult =
  | { result: 'stored' | 'duplicate' | 'ignored'; call_id?: string | undefined; booking_id?: string | null | undefined }
  | { results: { toolCallId: string; name: string; result: string }[] }
  | { assistant: VapiAssistant };

/** A transient assistant as Vapi's assistant-request takes it (CreateAssistantDTO), only the fields set here. */
export interface VapiAssistant {
  name: string;
  firstMessage: string;
  firstMessageMode: 'assistant-speaks-first';
  model: {
    provider: string;
    model: string;
    messages: { role: 'system'; content: string }[];
    tools: { type: 'function'; function: { name: string; description: string; parameters: Record<string, unknown> }; server: { url: string } }[];
  };
  voice?: { provider: string; voiceId: string };
  transcriber: { provider: 'deepgram'; model: string; language: string };
  serverMessages: string[];
  analysisPlan: { structuredDataPlan: { enabled: true; schema: Record<string, unknown> } };
}

/** What the workspace's assistant is on a call, from which the answer to an assistant-request is made. */
export interface CallSetup {
  /** The business's name, which the assistant is called by. */
  name: string;
  /** What it says first, in the workspace's language. */
  firstMessage: string;
  /** The workspace's active voice prompt, with what a call needs to know (the date, the time zone, the tools' rules). */
  systemPrompt: string;
  /** The language the caller is expected to speak (ISO 639-1), for the transcriber. */
  language: string;
  /** The tools it may call during the call, with their JSON schemas. */
  tools: { name: string; description: string; parameters: Record<string, unknown> }[];
  /** The JSON schema of the structured data the end-of-call report brings, which `book` reads. */
  structuredData: Record<string, unknown>;
}

/** Who is calling, as the workspace's contacts know them: the number in E.164 and their contact. */
export interface Caller {
  phone?: string | undefined;
  contactId?: string | undefined;
}

/** A tool the voice agent may call by name: `run` validates the arguments and answers, or throws an AppError the agent is told. */
export interface CallTool {
  name: string;
  run(args: unknown): Promise<unknown>;
}

/**
 * What a call needs from the workspace's assistant (the receptionist): given by the entry
 * point, as `answer` is to the other channels, since a module does not reach into apps/. All
 * of it runs in the message's tenant transaction (ctx.tx).
 */
export interface CallAssistant {
  /** The assistant a call to this workspace gets (Vapi's assistant-request). */
  setup(ctx: Ctx, caller: Caller): Promise<CallSetup>;
  /** The caller of a number as the call reports it (local numbers read in the workspace's country), their contact found or made; {} when it is no phone number. */
  caller(ctx: Ctx, number: string): Promise<Caller>;
  /** The tools the voice agent may call during the call. */
  tools(ctx: Ctx, caller: Caller): Promise<CallTool[]>;
  /**
   * The booking a finished call captured in its structured data (with the caller's name),
   * made now: its id, why it was not made, or null when the call captured none.
   */
  book(ctx: Ctx, caller: Caller, details: Record<string, unknown>): Promise<{ booking_id: string } | { not_made: string } | null>;
}

export interface VapiDeps {
  db: Database;
  secrets: SecretBox;
  clock: Clock;
  log: Logger;
  assistant: CallAssistant;
  /** Where Vapi reaches this server's webhook: the tools of an assistant sent in answer to an assistant-request call it. */
  serverUrl: string;
}

export interface HeaderReader {
  get(name: string): string | undefined;
}

const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();
const sameSecret = (given: string, expected: string) => timingSafeEqual(digest(given), digest(expected));

/** How far a signed message's timestamp may be from the server's clock: a captured message replays only within it. */
export const HMAC_TOLERANCE_MS = 5 * 60_000;

/** An HMAC credential's timestamp as sent: Unix seconds, Unix milliseconds or an ISO 8601 instant. */
function timestampMs(value: string): number {
  if (/^\d{1,16}$/.test(value)) {
    const n = Number(value);
    return n > 1e12 ? n : n * 1000;
  }
  return Date.parse(value);
}

/**
 * Why a message from a known account is not authentic, or null when it is. With an HMAC
 * credential (Vapi's HMACAuthenticationPlan), the signature over the raw body (after the
 * timestamp, by default) must match and the timestamp be recent; otherwise X-Vapi-Secret
 * must be the secret (Vapi's legacy server secret, or a Bearer Token credential set to that
 * header with no prefix; Authorization is not read: the API takes every bearer token for an
 * API key). Compared in constant time.
 */
export function refusalOf(account: ChannelAccount<'vapi'>, headers: HeaderReader, rawBody: string, now: Date): string | null {
  const key = account.secrets.hmac_secret;
  if (key) return hmacRefusal(account.settings.hmac, key, headers, rawBody, now);
  const given = headers.get('x-vapi-secret');
  return given && account.secrets.secret && sameSecret(given, account.secrets.secret) ? null : 'X-Vapi-Secret does not match the secret';
}

function hmacRefusal(plan: HmacPlan, key: string, headers: HeaderReader, rawBody: string, now: Date): string | null {
  const given = headers.get(plan.signature_header);
  if (!given) return `the ${plan.signature_header} signature is missing`;
  let payload = rawBody;
  if (plan.include_timestamp) {
    const stamp = headers.get(plan.timestamp_header) ?? '';
    const at = timestampMs(stamp);
    if (!Number.isFinite(at) || Math.abs(now.getTime() - at) > HMAC_TOLERANCE_MS) return `the ${plan.timestamp_header} timestamp is missing or more than 5 minutes away`;
    payload = `${stamp}.${rawBody}`;
  }
  if (!given.startsWith(plan.signature_prefix)) return `the signature does not start with ${plan.signature_prefix}`;
  const signature = given.slice(plan.signature_prefix.length);
  const expected = createHmac(plan.algorithm, key).update(payload, 'utf8').digest('hex');
  return sameSecret(signature.trim().toLowerCase(), expected) ? null : 'the HMAC signature does not match';
}

/** One Vapi server message, from its raw body and headers. */
export async function receiveVapiMessage(deps: VapiDeps, rawBody: string, headers: HeaderReader): Promise<VapiResult> {
  let body: unknown;
  try {
    body = JSON.parse(rawBody);
  } catch {
    throw malformed('the body is not JSON');
  }
  const parsed = Envelope.safeParse(body);
  if (!parsed.success) throw malformed('a Vapi server message is {"message": {"type": ..., "call": {...}}}');
  const message = parsed.data.message;
  const ids = [message.call?.assistantId, message.call?.phoneNumberId, message.assistant?.id, message.phoneNumber?.id].filter((v): v is string => !!v);
  let account: ChannelAccount<'vapi'> | undefined;
  for (const id of ids) {
    account = await findChannelByAccount(deps.db, deps.secrets, 'vapi', id);
    if (account) break;
  }
  const refusal = account ? refusalOf(account, headers, rawBody, deps.clock.now()) : 'unknown account';
  if (!account || refusal) {
    deps.log.warn({ account_ids: ids, reason: refusal }, 'vapi message refused: unknown account or not authentic');
    // A known account whose message is not authentic shows on its setup screen (integration_webhooks).
    if (account) {
      const ws = account.workspaceId;
      await withTenant(deps.db, { kind: 'system', workspaceId: ws }, (tx) => recordWebhookRefused(tx, ws, VAPI, refusal!, deps.clock.now()));
    }
    throw refused();
  }
  const workspaceId = account.workspaceId;
  const call = message.call;
  const log = deps.log.child({ workspace_id: workspaceId, vapi_call_id: call?.id, vapi_type: message.type });
  const started = message.type === 'status-update' && message.status === 'in-progress';
  const actor = { kind: 'system' as const, workspaceId };
  if (message.type === 'assistant-request') {
    const settings = account.settings.call_assistant;
    return withTenant(deps.db, actor, async (tx) => {
      await recordWebhookVerified(tx, workspaceId, VAPI, deps.clock.now());
      const ctx: Ctx = { tx, actor, clock: deps.clock, log };
      const caller = await callerOf(ctx, deps.assistant, message.customer?.number ?? call?.customer?.number);
      const assistant = vapiAssistant(await deps.assistant.setup(ctx, caller), settings, deps.serverUrl);
      log.info({ tools: assistant.model.tools.length }, 'vapi assistant-request answered');
      return { assistant };
    });
  }
  if (!call || (message.type !== 'end-of-call-report' && message.type !== 'tool-calls' && !started)) {
    log.debug('vapi message ignored');
    await withTenant(deps.db, actor, (tx) => recordWebhookVerified(tx, workspaceId, VAPI, deps.clock.now()));
    return { result: 'ignored' };
  }
  return withTenant(deps.db, actor, async (tx) => {
    await recordWebhookVerified(tx, workspaceId, VAPI, deps.clock.now());
    const ctx: Ctx = { tx, actor, clock: deps.clock, log };
    if (message.type === 'tool-calls') return answerToolCalls(ctx, deps.assistant, call, body);
    if (started) return storeCallStarted(ctx, deps.assistant, call);
    return storeEndOfCallReport(ctx, deps.assistant, call, message);
  });
}

/** Vapi's assistant name is at most 40 characters. */
const ASSISTANT_NAME_MAX = 40;

/**
 * The answer to an assistant-request: a transient assistant with the workspace's prompt, first
 * message and tools (each calling back to this server), the voice and model the workspace chose,
 * and the structured data its end-of-call report should bring, so one phone number per business
 * needs no assistant set up on Vapi's side.
 */
export function vapiAssistant(setup: CallSetup, settings: CallAssistantSettings, serverUrl: string): VapiAssistant {
  return {
    name: setup.name.slice(0, ASSISTANT_NAME_MAX),
    firstMessage: settings.first_message ?? setup.firstMessage,
    firstMessageMode: 'assistant-speaks-first',
    model: {
      provider: settings.model.provider,
      model: settings.model.model,
      messages: [{ role: 'system', content: setup.systemPrompt }],
      tools: setup.tools.map((t) => ({ type: 'function', function: { name: t.name, description: t.description, parameters: t.parameters }, server: { url: serverUrl } })),
    },
    ...(settings.voice ? { voice: { provider: settings.voice.provider, voiceId: settings.voice.voice_id } } : {}),
    transcriber: { provider: 'deepgram', model: 'nova-2', language: setup.language },
    serverMessages: ['end-of-call-report', 'status-update', 'tool-calls'],
    analysisPlan: { structuredDataPlan: { enabled: true, schema: setup.structuredData } },
  };
}

const recordEvent = (tx: Tx, ws: string, key: string, payload: unknown, at: Date) => recordWebhookEvent(tx, ws, VAPI, key, payload, at);

/** seed 004's call statuses from Vapi's endedReason. */
export function callStatus(endedReason: string | null | undefined): 'completed' | 'failed' | 'no-answer' | 'busy' {
  const r = (endedReason ?? '').toLowerCase();
  if (/did-not-answer|no-answer|voicemail-not-left/.test(r)) return 'no-answer';
  if (/busy/.test(r)) return 'busy';
  if (/error|fail|timed-out-waiting|pipeline|unknown/.test(r) || r === '') return 'failed';
  // customer-ended-call, assistant-ended-call, hangup, assistant-said-end-call-phrase,
  // exceeded-max-duration, silence-timed-out, assistant-forwarded-call, voicemail...
  return 'completed';
}

/** Sentiment from the call's analysis: structured data's own, else the success evaluation. */
export function callSentiment(analysis: z.infer<typeof Report>['analysis']): 'positive' | 'neutral' | 'negative' {
  const stated = analysis?.structuredData?.sentiment;
  if (stated === 'positive' || stated === 'neutral' || stated === 'negative') return stated;
  const success = analysis?.successEvaluation;
  if (success === true || success === 'true' || success === 'pass' || (typeof success === 'number' && success >= 7)) return 'positive';
  if (success === false || success === 'false' || success === 'fail' || (typeof success === 'number' && success <= 4)) return 'negative';
  return 'neutral';
}

function durationSeconds(start: string | null | undefined, end: string | null | undefined, reported: number | null | undefined): number {
  const s = start ? Date.parse(start) : NaN;
  const e = end ? Date.parse(end) : NaN;
  if (Number.isFinite(s) && Number.isFinite(e) && e >= s) return Math.round((e - s) / 1000);
  return reported && reported > 0 ? Math.round(reported) : 0;
}

const callerOf = (ctx: Ctx, assistant: CallAssistant, number: string | null | undefined): Promise<Caller> => (number ? assistant.caller(ctx, number) : Promise.resolve({}));

/**
 * The end-of-call report as a calls row: number, duration, status, transcript, recording,
 * cost, sentiment; the caller's contact found or made; the booking the structured data
 * captured made through the scheduling engine (unless a tool call booked it during the call).
 */
async function storeEndOfCallReport(ctx: Ctx, assistant: CallAssistant, call: z.infer<typeof Call>, raw: unknown): Promise<VapiResult> {
  const ws = (ctx.actor as { workspaceId: string }).workspaceId;
  const parsed = Report.safeParse(raw);
  if (!parsed.success) throw malformed('the end-of-call report has fields of the wrong type');
  const report = parsed.data;
  const now = ctx.clock.now();
  if (!(await recordEvent(ctx.tx, ws, `${call.id}:end-of-call-report`, { call_id: call.id, endedReason: report.endedReason ?? null }, now))) {
    ctx.log.info('vapi end-of-call report repeated; already stored');
    return { result: 'duplicate', call_id: call.id };
  }
  const data = report.analysis?.structuredData ?? {};
  const number = call.customer?.number ?? report.customer?.number;
  const caller = await callerOf(ctx, assistant, number);
  const { phone, contactId } = caller;
  const name = (typeof data.name === 'string' && data.name.trim()) || call.customer?.name || report.customer?.name || null;
  const cost = report.cost ?? call.cost ?? 0;
  const columns = {
    phone_number: phone ?? number ?? 'unknown',
    customer_name: name,
    duration: durationSeconds(report.startedAt ?? call.startedAt, report.endedAt ?? call.endedAt, report.durationSeconds),
    status: callStatus(report.endedReason),
    call_type: call.type === 'outboundPhoneCall' ? 'outbound' : 'inbound',
    recording_url: report.artifact?.recordingUrl ?? report.artifact?.recording?.url ?? report.recordingUrl ?? null,
    transcript: report.artifact?.transcript ?? report.transcript ?? null,
    cost: (Math.round(cost * 100) / 100).toFixed(2),
    sentiment: callSentiment(report.analysis),
    notes: report.analysis?.summary ?? report.summary ?? null,
    contact_id: contactId ?? null,
  };
  // A tool call may have booked during the call, and left its row.
  const existing = await ctx.tx.db.selectFrom('calls').select(['id', 'booking_id']).where('workspace_id', '=', ws).where('provider_call_id', '=', call.id).forUpdate().executeTakeFirst();
  let bookingId = existing?.booking_id ?? null;
  let notes = columns.notes;
  if (!bookingId) {
    const booked = await assistant.book(ctx, caller, { ...data, name: name ?? undefined });
    if (booked && 'not_made' in booked) notes = [notes, `Booking not made: ${booked.not_made}.`].filter(Boolean).join('\n');
    else if (booked) bookingId = booked.booking_id;
  }
  const values = { ...columns, notes, booking_id: bookingId };
  const row = existing
    ? await ctx.tx.db.updateTable('calls').set(values).where('workspace_id', '=', ws).where('id', '=', existing.id).returning('id').executeTakeFirstOrThrow()
    : await ctx.tx.db.insertInto('calls').values({ id: newId(), workspace_id: ws, provider_call_id: call.id, created_at: now, ...values }).returning('id').executeTakeFirstOrThrow();
  // The calls row moves total_calls and last_contact (0018's trigger); the caller's name is
  // only filled in, never overwritten.
  if (contactId && name) await fillContactName(ctx.tx, ws, contactId, name);
  ctx.log.info({ call_row_id: row.id, booking_id: bookingId, status: values.status }, 'vapi call stored');
  return { result: 'stored', call_id: call.id, booking_id: bookingId };
}

function argumentsOf(tc: z.infer<typeof ToolCall>): unknown {
  const a = tc.parameters ?? tc.arguments ?? tc.function?.arguments ?? {};
  if (typeof a !== 'string') return a;
  try {
    return JSON.parse(a);
  } catch {
    return { __unparseable: a };
  }
}

/**
 * Tool calls from the voice agent, answered with the receptionist's tools in the workspace's
 * transaction. Each answer is kept under call.id:tool-calls:toolCallId, so a retried request
 * gets the first answer and never books twice. A booking made here is linked to the call.
 */
async function answerToolCalls(ctx: Ctx, assistant: CallAssistant, call: z.infer<typeof Call>, raw: unknown): Promise<VapiResult> {
  const ws = (ctx.actor as { workspaceId: string }).workspaceId;
  const list = ToolCalls.safeParse((raw as { message: unknown }).message);
  if (!list.success) throw malformed('tool-calls carry toolCallList: [{id, name, parameters}]');
  const calls = list.data.toolCallList ?? list.data.toolCalls ?? [];
  const caller = await callerOf(ctx, assistant, call.customer?.number);
  const { phone, contactId } = caller;
  const tools = await assistant.tools(ctx, caller);
  const now = ctx.clock.now();
  const results: { toolCallId: string; name: string; result: string }[] = [];
  for (const tc of calls) {
    const name = tc.name ?? tc.function?.name ?? '';
    const key = `${call.id}:tool-calls:${tc.id}`;
    const earlier = await findWebhookEvent(ctx.tx, ws, VAPI, key);
    if (earlier) {
      results.push({ toolCallId: tc.id, name, result: String((earlier.payload as { result?: unknown }).result ?? '') });
      continue;
    }
    const tool = tools.find((t) => t.name === name);
    let output: unknown;
    if (!tool) {
      output = { error: { code: 'tool.unknown', message: `no tool called "${name}"; use one of ${tools.map((t) => t.name).join(', ')}` } };
    } else {
      try {
        output = await inSavepoint(ctx, 'vapi_tool', () => tool.run(argumentsOf(tc)));
      } catch (e) {
        if (!isAppError(e)) throw e;
        output = { error: { code: e.code, message: e.message } };
      }
    }
    const bookingId = name === 'create_booking' && output && typeof output === 'object' && 'booking_id' in output ? String(output.booking_id) : undefined;
    if (bookingId) await linkCallToBooking(ctx, ws, call, phone ?? call.customer?.number ?? 'unknown', contactId, bookingId, now);
    const result = JSON.stringify(output);
    await recordEvent(ctx.tx, ws, key, { tool: name, result }, now);
    results.push({ toolCallId: tc.id, name, result });
  }
  return { results };
}

/** A call that started (seed 004's call.started): its row, in progress until the end-of-call report. */
async function storeCallStarted(ctx: Ctx, assistant: CallAssistant, call: z.infer<typeof Call>): Promise<VapiResult> {
  const ws = (ctx.actor as { workspaceId: string }).workspaceId;
  const now = ctx.clock.now();
  if (!(await recordEvent(ctx.tx, ws, `${call.id}:status-update:in-progress`, { call_id: call.id }, now))) return { result: 'duplicate', call_id: call.id };
  const { phone, contactId } = await callerOf(ctx, assistant, call.customer?.number);
  await ctx.tx.db
    .insertInto('calls')
    .values({ id: newId(), workspace_id: ws, provider_call_id: call.id, phone_number: phone ?? call.customer?.number ?? 'unknown', customer_name: call.customer?.name ?? null, status: 'in-progress', call_type: call.type === 'outboundPhoneCall' ? 'outbound' : 'inbound', contact_id: contactId ?? null, created_at: now })
    .onConflict((oc) => oc.columns(['workspace_id', 'provider_call_id']).doNothing())
    .execute();
  return { result: 'stored', call_id: call.id };
}

/** The call's row, in progress until its end-of-call report, pointing at the booking made during it. */
async function linkCallToBooking(ctx: Ctx, ws: string, call: z.infer<typeof Call>, phone: string, contactId: string | undefined, bookingId: string, now: Date) {
  await ctx.tx.db
    .insertInto('calls')
    .values({ id: newId(), workspace_id: ws, provider_call_id: call.id, phone_number: phone, status: 'in-progress', call_type: call.type === 'outboundPhoneCall' ? 'outbound' : 'inbound', booking_id: bookingId, contact_id: contactId ?? null, created_at: now })
    .onConflict((oc) => oc.columns(['workspace_id', 'provider_call_id']).doUpdateSet({ booking_id: bookingId }))
    .execute();
}
