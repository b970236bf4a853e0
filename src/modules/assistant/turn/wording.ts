import { RULE_ENGINE_ARM } from '../model/arms.ts';
import { completeWithTools, modelClient, ModelError, type ModelTool, type ModelToolCall } from '../model/complete.ts';
import type { Ctx } from '../../../platform/context.ts';
import type { ModelArm, SpokenReply } from './turn.ts';

/** Why the engine's reply was sent instead of the model's (ari_messages.metadata.fallback.reason). */
export type FallbackReason = ModelError['reason'] | 'dropped_content' | 'reply_too_long' | 'key_unavailable';

export interface DraftWording {
  arm: ModelArm;
  timeoutMs: number;
  /** The app's decided reply: what the model words, and what is sent if it fails. */
  draft: string;
  system: string;
  history: { role: 'user' | 'assistant'; content: string }[];
  /** Read-only lookups the model may call. */
  tools: ModelTool[];
  /** Links, prices and offered times the model's reply must carry word for word. */
  mustKeep: string[];
  maxReplyChars: number;
  systemPromptVersion?: string | undefined;
}

/**
 * A model arm words an app's decided reply. The model's words are sent when it answers in time,
 * within the length, with everything the draft must carry; otherwise the draft, with the reason
 * logged and kept in the metadata. Every app's model mode goes through here.
 */
export async function wordDraft(ctx: Ctx, w: DraftWording): Promise<SpokenReply> {
  const { arm } = w;
  const fallBack = (reason: FallbackReason, detail: string, tokens: number | null, toolCalls: ModelToolCall[] = []): SpokenReply => {
    ctx.log.warn({ arm: arm.name, model: arm.model, reason, detail }, 'the model did not answer this turn; the built-in engine did');
    return {
      reply: w.draft,
      model: RULE_ENGINE_ARM,
      tokens,
      metadata: { arm: arm.name, fallback: { reason, detail }, ...(toolCalls.length ? { model_tool_calls: toolCalls } : {}) },
    };
  };

  if (arm.keyUnavailable) return fallBack('key_unavailable', "the arm's API key cannot be opened with this server's secret key", null);
  try {
    const completion = await completeWithTools({
      client: modelClient({ baseUrl: arm.baseUrl, apiKey: arm.apiKey }, w.timeoutMs),
      model: arm.model,
      system: w.system,
      messages: w.history,
      tools: w.tools,
      timeoutMs: w.timeoutMs,
    });
    const missing = w.mustKeep.filter((k) => !completion.text.includes(k));
    if (missing.length) return fallBack('dropped_content', `the reply left out ${missing.map((m) => JSON.stringify(m)).join(', ')}`, completion.tokens, completion.toolCalls);
    if (completion.text.length > w.maxReplyChars) return fallBack('reply_too_long', `${completion.text.length} characters`, completion.tokens, completion.toolCalls);
    return {
      reply: completion.text,
      model: arm.name,
      tokens: completion.tokens,
      metadata: {
        arm: arm.name,
        provider_model: completion.model,
        rounds: completion.rounds,
        engine_reply: w.draft,
        ...(w.systemPromptVersion ? { system_prompt_version: w.systemPromptVersion } : {}),
        ...(completion.toolCalls.length ? { model_tool_calls: completion.toolCalls } : {}),
      },
    };
  } catch (e) {
    if (e instanceof ModelError) {
      if (e.cause !== undefined) ctx.log.warn({ arm: arm.name, err: e.cause }, 'why the model call failed');
      return fallBack(e.reason, e.message, e.tokens);
    }
    // Whatever else broke (a base URL the SDK refuses, ...) is the provider side too: the customer still gets an answer.
    // The detail kept in the message's metadata is fixed words; what was said stays in the log.
    ctx.log.warn({ arm: arm.name, err: e }, 'the model call failed outside the exchange');
    return fallBack('provider_error', 'the model call failed', null);
  }
}
