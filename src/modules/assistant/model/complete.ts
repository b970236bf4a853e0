import OpenAI, { APIError, APIUserAbortError } from 'openai';
import type { ChatCompletionMessageParam, ChatCompletionTool } from 'openai/resources/chat/completions';
import { z } from 'zod';
import { outboundFetch } from '../../../platform/http/outbound.ts';

/**
 * One tool-calling conversation with an OpenAI-compatible model (OpenAI, xAI, SEA-LION,
 * Ollama: reference/integrations.md §7), bounded in time and rounds. Whatever goes wrong
 * is a `ModelError` with a reason, so that callers can fall back to the built-in engine.
 */

/** A function the model may call. Its arguments are validated before `run` sees them. */
export interface ModelTool<A = any> {
  name: string;
  description: string;
  parameters: z.ZodType<A>;
  run(args: A): Promise<unknown>;
}

export type ModelFailure =
  /** The deadline passed before the model finished. */
  | 'timeout'
  /** The provider answered with an HTTP error, could not be reached, or sent something that is not a completion. */
  | 'provider_error'
  /** The model sent tool arguments that are not valid JSON or do not fit the tool, again after being told. */
  | 'malformed_arguments'
  /** The model still wanted tools after the last allowed round. */
  | 'round_limit'
  /** The model stopped without text, or was cut off (length, content filter). */
  | 'empty_reply'
  /** A tool failed while the model waited for it. */
  | 'tool_failed';

export class ModelError extends Error {
  override readonly name = 'ModelError';
  constructor(
    readonly reason: ModelFailure,
    message: string,
    /** Tokens the provider reported before the failure: they were spent all the same. */
    readonly tokens: number | null = null,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export interface ModelToolCall {
  name: string;
  /** The arguments as the model sent them (a JSON string, possibly invalid). */
  arguments: string;
  result?: unknown;
  error?: string;
}

export interface ModelCompletion {
  text: string;
  /** usage.total_tokens summed over the rounds; null when the provider reported none. */
  tokens: number | null;
  /** The model as the provider named it in its answer. */
  model: string;
  rounds: number;
  toolCalls: ModelToolCall[];
}

export interface ModelEndpoint {
  baseUrl: string;
  /** Providers that ignore keys (Ollama) still get a Bearer header. */
  apiKey?: string | undefined;
}

/** A client that fails fast: no retries (the caller falls back instead), the deadline enforced by the caller too. */
export function modelClient(endpoint: ModelEndpoint, timeoutMs: number): OpenAI {
  // organization/project null: the SDK would otherwise send OPENAI_ORG_ID/OPENAI_PROJECT_ID from the environment to any provider.
  // Through the outbound client: the base URL is often the tenant's, and must not reach this machine or its network.
  return new OpenAI({ baseURL: endpoint.baseUrl, apiKey: endpoint.apiKey || 'none', organization: null, project: null, timeout: timeoutMs, maxRetries: 0, fetch: outboundFetch as never });
}

export interface CompleteWithToolsInput {
  client: OpenAI;
  model: string;
  system: string;
  messages: { role: 'user' | 'assistant'; content: string }[];
  tools: ModelTool[];
  /** Completions requested at most (each tool round costs one). */
  maxRounds?: number;
  /** For the whole exchange, tools included. */
  timeoutMs: number;
  maxTokens?: number;
  temperature?: number;
}

export const DEFAULT_MAX_ROUNDS = 4;
/** A model that sends broken arguments once is told why; the second time it has lost the thread. */
const MALFORMED_LIMIT = 2;

function toolSchema(tool: ModelTool): ChatCompletionTool {
  const { $schema: _ignored, ...parameters } = z.toJSONSchema(tool.parameters) as Record<string, unknown>;
  return { type: 'function', function: { name: tool.name, description: tool.description, parameters } };
}

function parseArguments(tool: ModelTool | undefined, name: string, raw: string): { ok: true; args: unknown } | { ok: false; error: string } {
  if (!tool) return { ok: false, error: `there is no tool named "${name}"` };
  let json: unknown;
  try {
    json = JSON.parse(raw || '{}');
  } catch (e) {
    return { ok: false, error: `the arguments are not valid JSON (${(e as Error).message}); send a JSON object` };
  }
  const parsed = tool.parameters.safeParse(json);
  if (!parsed.success) return { ok: false, error: `the arguments do not fit the tool: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}` };
  return { ok: true, args: parsed.data };
}

/**
 * Asks the model, runs the tools it calls and gives it their results, until it answers
 * with text. A tool call with bad arguments is answered with the error (the model may
 * correct itself) once; a second one ends the exchange.
 */
export async function completeWithTools(input: CompleteWithToolsInput): Promise<ModelCompletion> {
  const maxRounds = input.maxRounds ?? DEFAULT_MAX_ROUNDS;
  const byName = new Map(input.tools.map((t) => [t.name, t]));
  const tools = input.tools.map(toolSchema);
  const messages: ChatCompletionMessageParam[] = [{ role: 'system', content: input.system }, ...input.messages];
  const toolCalls: ModelToolCall[] = [];
  const deadline = new AbortController();
  const timer = setTimeout(() => deadline.abort(), input.timeoutMs);
  let tokens: number | null = null;
  let malformed = 0;
  const fail = (reason: ModelFailure, message: string, cause?: unknown) => new ModelError(reason, message, tokens, cause === undefined ? undefined : { cause });

  try {
    for (let round = 1; round <= maxRounds; round++) {
      let completion: OpenAI.Chat.Completions.ChatCompletion;
      try {
        completion = await input.client.chat.completions.create(
          {
            model: input.model,
            messages,
            ...(tools.length ? { tools, tool_choice: 'auto' as const } : {}),
            ...(input.maxTokens !== undefined ? { max_tokens: input.maxTokens } : {}),
            ...(input.temperature !== undefined ? { temperature: input.temperature } : {}),
          },
          { signal: deadline.signal, timeout: input.timeoutMs, maxRetries: 0 },
        );
      } catch (e) {
        if (deadline.signal.aborted || e instanceof APIUserAbortError || (e as Error)?.name === 'APIConnectionTimeoutError') {
          throw fail('timeout', `no answer within ${input.timeoutMs} ms`, e);
        }
        // Fixed words: the provider's text (an error page, a parse error quoting the body) is the
        // tenant's endpoint talking, and it lands in message metadata the tenant reads. The cause keeps it for the log.
        if (e instanceof APIError && e.status) throw fail('provider_error', `the provider answered HTTP ${e.status}`, e);
        if (e instanceof APIError) throw fail('provider_error', 'the provider could not be reached', e);
        throw fail('provider_error', "the provider's answer could not be read", e);
      }
      if (typeof completion?.usage?.total_tokens === 'number') tokens = (tokens ?? 0) + completion.usage.total_tokens;
      const choice = completion?.choices?.[0];
      if (!choice?.message) throw fail('provider_error', 'the answer has no choices');
      const message = choice.message;
      // Some compatible servers leave out the call ids; the tool results must still name their call.
      const calls = (message.tool_calls ?? []).filter((c) => c.type === 'function').map((c, i) => ({ ...c, id: c.id || `call_${round}_${i}` }));

      if (calls.length === 0) {
        const text = (message.content ?? '').trim();
        if (choice.finish_reason === 'length' || choice.finish_reason === 'content_filter') throw fail('empty_reply', `the reply was cut off (${choice.finish_reason})`);
        if (!text) throw fail('empty_reply', 'the model answered without text');
        return { text, tokens, model: completion.model || input.model, rounds: round, toolCalls };
      }
      if (round === maxRounds) throw fail('round_limit', `the model still called tools after ${maxRounds} rounds`);

      // The assistant message goes back unchanged, then one tool message per call (§7).
      messages.push({ role: 'assistant', content: message.content ?? null, tool_calls: calls });
      for (const call of calls) {
        const name = call.function.name;
        const raw = call.function.arguments ?? '';
        const parsed = parseArguments(byName.get(name), name, raw);
        if (!parsed.ok) {
          malformed++;
          toolCalls.push({ name, arguments: raw, error: parsed.error });
          if (malformed >= MALFORMED_LIMIT) throw fail('malformed_arguments', `tool arguments were malformed ${malformed} times; the last: ${parsed.error}`);
          messages.push({ role: 'tool', tool_call_id: call.id, content: JSON.stringify({ error: parsed.error }) });
          continue;
        }
        let result: unknown;
        try {
          result = await byName.get(name)!.run(parsed.args);
        } catch (e) {
          toolCalls.push({ name, arguments: raw, error: (e as Error)?.message ?? String(e) });
          throw fail('tool_failed', `the tool ${name} failed`, e);
        }
        if (deadline.signal.aborted) throw fail('timeout', `no answer within ${input.timeoutMs} ms`);
        toolCalls.push({ name, arguments: raw, result });
        messages.push({ role: 'tool', tool_call_id: call.id, content: JSON.stringify(result ?? null) });
      }
    }
    throw fail('round_limit', `no reply within ${maxRounds} rounds`);
  } finally {
    clearTimeout(timer);
  }
}
