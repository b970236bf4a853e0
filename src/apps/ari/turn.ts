import { performance } from 'node:perf_hooks';
import {
  decideTurn,
  detectLanguage,
  isSilent,
  personaLanguage,
  technicalErrorMessage,
  type Language,
  type State,
  type Temperature,
  type TurnResult,
} from '../../modules/assistant/engine/index.ts';
import { findActiveSystemPrompt, loadModelSetup, RULE_ENGINE_ARM, stickyArm, type EnvironmentModel } from '../../modules/assistant/index.ts';
import { normalizePhone } from '../../modules/contacts/index.ts';
import { getWorkspace } from '../../modules/tenancy/index.ts';
import { workspaceIdOf, type Ctx } from '../../platform/context.ts';
import { AppError } from '../../platform/errors.ts';
import { ariTools, type ToolScope } from './tools.ts';
import * as store from './turn.store.ts';
import type { Channel } from './turn.store.ts';
import { consultationCharge } from '../../modules/payments/index.ts';
import type { SecretBox } from '../../platform/secrets.ts';
import { speakWithModel, type SpokenReply } from './model-turn.ts';

export type { Channel };
export const CHANNELS = ['whatsapp', 'sms', 'webchat', 'voice'] as const satisfies readonly Channel[];

/** The built-in engine, as ari_messages.ai_model records it. */
export const RULE_ENGINE = RULE_ENGINE_ARM;
/** Messages of the conversation the engine sees. */
const HISTORY = 10;
/** The longest customer message a turn takes (WhatsApp's own limit is 4096 characters). */
export const MAX_MESSAGE_CHARS = 4096;

export type TurnInput = ({ phone: string; contactId?: undefined } | { contactId: string; phone?: undefined }) & {
  channel: Channel;
  message: string;
  /** The channel's id for the message: a redelivery with the same id is answered from the record, not again. */
  providerMessageId?: string | undefined;
};

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

const invalidPhone = () =>
  new AppError('validation.failed', 'invalid', 'the request is not valid', {
    issues: [{ path: 'body.phone', message: 'not a phone number; write it with its country code, like +62 812 3456 7001' }],
  });

async function resolveContact(ctx: Ctx, ws: string, input: TurnInput, country: string): Promise<string> {
  if (input.contactId !== undefined) {
    if (!(await store.contactExists(ctx.tx, ws, input.contactId))) throw new AppError('contact.not_found', 'not_found', 'no such contact in this workspace');
    return input.contactId;
  }
  // Local numbers ('0812...') are read in the workspace's country, so they match '+62812...'.
  const phone = normalizePhone(input.phone) ?? normalizePhone(input.phone, country);
  if (!phone) throw invalidPhone();
  return store.findOrCreateContact(ctx.tx, ws, phone, input.channel);
}

const languageOf = (context: unknown): Language | undefined => {
  const l = (context as { language?: unknown } | null)?.language;
  return l === 'id' || l === 'en' || l === 'es' ? l : undefined;
};

/**
 * One customer message through the assistant, in the caller's transaction: finds or creates
 * the contact, the inbox thread and the assistant's record, stores the message, lets the
 * built-in engine decide (with tools over knowledge and the calendar), lets the contact's A/B
 * arm word the reply when it is a model (model-turn.ts), records the reply and
 * the new state, score and temperature, and queues the reply in the inbox. The assistant
 * stays silent when it is switched off, when a person owns the thread, and once its
 * conversation was handed off or completed; and it checks the owner again, under a lock,
 * just before it replies, so it never talks over a person who took over meanwhile.
 */
export interface TurnOptions {
  /** Opens the workspace's Midtrans key and model API keys; without it no payment link is offered. */
  secrets?: SecretBox | undefined;
  /** The server's LLM_* model: the arm of workspaces that configured none of their own. */
  llm?: EnvironmentModel | undefined;
}

export async function runTurn(ctx: Ctx, input: TurnInput, options: TurnOptions = {}): Promise<TurnOutcome> {
  const started = performance.now();
  const { tx } = ctx;
  const ws = workspaceIdOf(ctx);
  const now = ctx.clock.now();
  const workspace = await getWorkspace(ctx);
  const contactId = await resolveContact(ctx, ws, input, workspace.country);
  const thread = await store.findOrOpenConversation(tx, ws, contactId, input.channel);
  const ari = await store.lockAriConversation(tx, ws, contactId, thread.id);
  const state = ari.state as State;
  const outcome = (o: { reply: string | null; state: State; score: number; temperature: string | null; withPerson: boolean }): TurnOutcome => ({
    reply: o.reply,
    state: o.state,
    lead_score: o.score,
    lead_temperature: o.temperature as Temperature | null,
    handoff: o.withPerson || o.state === 'handoff',
    contact_id: contactId,
    conversation_id: thread.id,
  });
  const unchanged = (reply: string | null, owner: string) =>
    outcome({ reply, state, score: ari.lead_score, temperature: ari.lead_temperature, withPerson: owner === 'human' });

  const inboundId = await store.insertInbound(tx, ws, {
    conversationId: thread.id,
    channel: input.channel,
    body: input.message,
    providerMessageId: input.providerMessageId,
    now,
  });
  if (inboundId === undefined) {
    // A redelivery: answer as the first delivery was answered, and record nothing again.
    return unchanged(await store.findEarlierReply(tx, ws, input.channel, input.providerMessageId!), thread.owner);
  }
  await store.insertAriMessage(tx, ws, { ariConversationId: ari.id, role: 'user', content: input.message, metadata: { message_id: inboundId, channel: input.channel }, now });

  const settings = await store.loadAssistantSettings(tx, ws);
  const charge = options.secrets ? await consultationCharge(ctx, options.secrets) : null;
  if (!settings.enabled || thread.owner === 'human' || isSilent(state)) {
    // Once handed off, the person is the one to answer, on whichever thread the customer writes.
    const toPerson = state === 'handoff' && thread.owner !== 'human';
    await store.recordActivity(tx, ws, thread.id, now, toPerson);
    await store.touchContact(tx, ws, contactId, now);
    return unchanged(null, toPerson ? 'human' : thread.owner);
  }

  const prior = languageOf(ari.context);
  const language = detectLanguage(input.message, prior) ?? prior ?? personaLanguage(settings.persona.language);
  const scope: ToolScope = { workspaceId: ws, contactId, language, country: workspace.country };
  const history = await store.recentAriMessages(tx, ws, ari.id, HISTORY);
  const models = await loadModelSetup(ctx, { secrets: options.secrets, environment: options.llm });
  const assignedArm = await store.findAriModel(tx, ws, ari.id);
  const arm = stickyArm(models.arms, assignedArm, contactId);
  const tools = ariTools(ctx, scope, options.secrets);

  // The engine's work (and whatever its tools wrote) is undone if a person took over meanwhile.
  await tx.query('savepoint ari_turn');
  let result: TurnResult | undefined;
  try {
    result = await decideTurn(
      {
        message: input.message,
        now,
        timeZone: workspace.time_zone,
        state,
        context: (ari.context ?? {}) as Record<string, unknown>,
        config: {
          persona: settings.persona,
          scoring: await store.loadScoring(tx, ws),
          stages: await store.loadStages(tx, ws),
          chargesForConsultation: charge !== null,
          ...(charge ? { consultationPrice: charge.price } : {}),
          currency: workspace.currency,
          businessName: workspace.name,
        },
        history,
      },
      tools,
    );
  } catch (e) {
    await tx.query('rollback to savepoint ari_turn');
    ctx.log.error({ err: e, ari_conversation_id: ari.id }, 'the assistant failed on a turn; it answers with its technical error message');
  }
  // Model mode words the reply; handoffs keep the engine's fixed message, silence stays silence.
  let spoken: SpokenReply | undefined;
  if (result && result.reply !== null && result.handoff === null && arm.kind === 'model') {
    spoken = await speakWithModel(ctx, {
      arm,
      timeoutMs: models.timeoutMs,
      channel: input.channel,
      decision: { ...result, reply: result.reply },
      persona: settings.persona,
      businessName: workspace.name,
      currency: workspace.currency,
      systemPrompt: await activePrompt(ctx, input.channel),
      history,
      tools,
      maxReplyChars: MAX_MESSAGE_CHARS,
    });
  }
  const latencyMs = Math.round(performance.now() - started);

  const owner = await store.lockOwner(tx, ws, thread.id);
  if (owner === 'human') {
    await tx.query('rollback to savepoint ari_turn');
    await store.recordActivity(tx, ws, thread.id, now, false);
    await store.touchContact(tx, ws, contactId, now);
    return unchanged(null, owner);
  }
  await tx.query('release savepoint ari_turn');
  if (arm.name !== assignedArm) await store.setAriModel(tx, ws, ari.id, arm.name);

  if (!result) {
    const reply = technicalErrorMessage(language);
    const ariMessageId = await store.insertAriMessage(tx, ws, {
      ariConversationId: ari.id,
      role: 'assistant',
      content: reply,
      model: RULE_ENGINE,
      tokens: 0,
      latencyMs,
      metadata: { error: 'turn_failed' },
      now,
    });
    await store.insertOutbound(tx, ws, { conversationId: thread.id, channel: input.channel, body: reply, inReplyTo: inboundId, ariMessageId, now });
    await store.recordActivity(tx, ws, thread.id, now, false);
    await store.touchContact(tx, ws, contactId, now);
    return unchanged(reply, owner);
  }

  const handoff = result.handoff;
  const reply = spoken?.reply ?? result.reply;
  let ariMessageId: string | undefined;
  if (reply !== null) {
    ariMessageId = await store.insertAriMessage(tx, ws, {
      ariConversationId: ari.id,
      role: 'assistant',
      content: reply,
      model: spoken?.model ?? RULE_ENGINE,
      tokens: spoken ? (spoken.tokens ?? undefined) : 0,
      latencyMs,
      metadata: {
        tool_calls: result.toolCalls,
        trace: result.trace,
        path: result.path,
        language: result.language,
        stage: result.stage?.name ?? null,
        ...(spoken?.metadata ?? { arm: arm.name }),
      },
      now,
    });
  }
  await store.updateAriConversation(tx, ws, ari.id, {
    state: result.state,
    lead_score: result.lead_score,
    lead_temperature: result.lead_temperature,
    context: result.context,
    conversationId: thread.id,
    now,
    model: arm.name,
    handoffReason: handoff?.reason,
  });
  await store.syncContact(tx, ws, contactId, {
    lead_score: result.lead_score,
    lead_temperature: result.lead_temperature,
    lead_status: result.lead_status,
    name: result.context.name,
    email: result.context.email,
    tags: handoff?.tags,
    note: handoff?.summary,
    now,
  });
  if (reply !== null) {
    await store.insertOutbound(tx, ws, { conversationId: thread.id, channel: input.channel, body: reply, inReplyTo: inboundId, ariMessageId: ariMessageId!, now });
  }
  await store.recordActivity(tx, ws, thread.id, now, handoff !== null);
  return outcome({ reply, state: result.state, score: result.lead_score, temperature: result.lead_temperature, withPerson: handoff !== null });
}

/** The workspace's active prompt for the channel (system_prompts: one active version per channel type). */
async function activePrompt(ctx: Ctx, channel: Channel): Promise<{ text: string; version: string } | undefined> {
  const prompt = await findActiveSystemPrompt(ctx, channel);
  return prompt ? { text: prompt.system_prompt, version: prompt.prompt_version } : undefined;
}
