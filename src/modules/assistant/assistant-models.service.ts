import { workspaceIdOf, type Ctx } from '../../platform/context.ts';
import { findIntegration, saveIntegration } from '../../platform/db/integrations.ts';
import { AppError } from '../../platform/errors.ts';
import { DEFAULT_FAIRNESS } from '../../platform/fairness.ts';
import type { SecretBox } from '../../platform/secrets.ts';
import * as repo from './assistant-models.repo.ts';
import {
  DEFAULT_MODEL_TIMEOUT_MS,
  StoredModelSettings,
  type AssistantModelsInput,
  type FeedbackInput,
  type FeedbackRecord,
} from './assistant-models.schema.ts';
import { RULE_ENGINE_ARM, type Arm } from './model/arms.ts';
import { assertOutboundTarget } from '../../platform/http/outbound.ts';

/** The server's own model (LLM_BASE_URL, LLM_API_KEY, LLM_MODEL): the one arm of workspaces without their own. */
export interface EnvironmentModel {
  baseUrl: string;
  apiKey?: string | undefined;
  model: string;
  timeoutMs: number;
}

export function environmentModel(env: { LLM_BASE_URL?: string | undefined; LLM_API_KEY?: string | undefined; LLM_MODEL?: string | undefined; LLM_TIMEOUT_MS?: number | undefined }): EnvironmentModel | undefined {
  if (!env.LLM_BASE_URL || !env.LLM_MODEL) return undefined;
  return { baseUrl: env.LLM_BASE_URL.replace(/\/+$/, ''), apiKey: env.LLM_API_KEY || undefined, model: env.LLM_MODEL, timeoutMs: env.LLM_TIMEOUT_MS ?? DEFAULT_MODEL_TIMEOUT_MS };
}

export interface ModelSetup {
  source: 'workspace' | 'environment' | 'built_in';
  arms: Arm[];
  timeoutMs: number;
}

const builtIn = (): ModelSetup => ({ source: 'built_in', arms: [{ name: RULE_ENGINE_ARM, kind: 'rule-engine', weight: 100 }], timeoutMs: DEFAULT_MODEL_TIMEOUT_MS });

/** The environment model's arm is named after the model, cut to the 50 characters ai_model holds. */
const environmentArm = (m: EnvironmentModel): Arm => ({ name: m.model.slice(0, 50), kind: 'model', weight: 100, baseUrl: m.baseUrl, model: m.model, apiKey: m.apiKey });

type ApiKeys = Record<string, string>;

function openKeys(sealed: string | null, secrets: SecretBox | undefined, ctx: Ctx): ApiKeys | undefined {
  if (!sealed) return {};
  if (!secrets) return undefined;
  try {
    return (JSON.parse(secrets.open(sealed)) as { api_keys?: ApiKeys }).api_keys ?? {};
  } catch (e) {
    ctx.log.warn({ err: e }, 'the model API keys of this workspace cannot be opened; the built-in engine answers for those arms');
    return undefined;
  }
}

/**
 * The arms a turn chooses from: the workspace's own, else the server's model, else the
 * built-in engine alone. API keys are opened only when `secrets` is given.
 */
export async function loadModelSetup(ctx: Ctx, o: { secrets?: SecretBox | undefined; environment?: EnvironmentModel | undefined; timeoutMaxMs?: number | undefined }): Promise<ModelSetup> {
  const setup = await storedModelSetup(ctx, o);
  // The operator's ceiling (LLM_TIMEOUT_MAX_MS): a workspace may not make a turn wait longer.
  return { ...setup, timeoutMs: Math.min(setup.timeoutMs, o.timeoutMaxMs ?? DEFAULT_FAIRNESS.llmTimeoutMaxMs) };
}

async function storedModelSetup(ctx: Ctx, o: { secrets?: SecretBox | undefined; environment?: EnvironmentModel | undefined }): Promise<ModelSetup> {
  const row = await findIntegration(ctx.tx, workspaceIdOf(ctx), repo.LLM_PROVIDER);
  if (!row) return o.environment ? { source: 'environment', arms: [environmentArm(o.environment)], timeoutMs: o.environment.timeoutMs } : builtIn();
  const settings = StoredModelSettings.parse(row.settings);
  const keys = openKeys(row.secrets, o.secrets, ctx);
  return {
    source: 'workspace',
    timeoutMs: settings.timeout_ms,
    arms: settings.arms.map((a): Arm =>
      a.name === RULE_ENGINE_ARM || a.base_url === null || a.model === null
        ? { name: RULE_ENGINE_ARM, kind: 'rule-engine', weight: a.weight }
        : { name: a.name, kind: 'model', weight: a.weight, baseUrl: a.base_url, model: a.model, apiKey: keys?.[a.name], ...(a.has_api_key && keys === undefined ? { keyUnavailable: true } : {}) },
    ),
  };
}

function present(setup: ModelSetup, hasKey: (arm: Arm) => boolean, updatedAt: Date | null) {
  return {
    source: setup.source,
    timeout_ms: setup.timeoutMs,
    updated_at: updatedAt,
    arms: setup.arms.map((a) => ({
      name: a.name,
      kind: a.kind,
      base_url: a.kind === 'model' ? a.baseUrl : null,
      model: a.kind === 'model' ? a.model : null,
      weight: a.weight,
      has_api_key: hasKey(a),
    })),
  };
}

/** The arms as staff see them: never a key, only whether one is stored. */
export async function getAssistantModels(ctx: Ctx, environment: EnvironmentModel | undefined) {
  const row = await findIntegration(ctx.tx, workspaceIdOf(ctx), repo.LLM_PROVIDER);
  // What the workspace chose; turns use at most LLM_TIMEOUT_MAX_MS of it.
  const setup = await storedModelSetup(ctx, { environment });
  if (!row) return present(setup, (a) => a.kind === 'model' && a.apiKey !== undefined, null);
  const withKey = new Set(StoredModelSettings.parse(row.settings).arms.filter((a) => a.has_api_key && row.secrets !== null).map((a) => a.name));
  return present(setup, (a) => withKey.has(a.name), row.updated_at);
}

/** Replaces the arms. A key left out keeps the one stored under the same arm name. */
export async function putAssistantModels(ctx: Ctx, secrets: SecretBox, input: AssistantModelsInput, environment: EnvironmentModel | undefined) {
  input.arms.forEach((a, i) => a.base_url !== undefined && assertOutboundTarget(a.base_url, `arms.${i}.base_url`));
  const ws = workspaceIdOf(ctx);
  const existing = await findIntegration(ctx.tx, ws, repo.LLM_PROVIDER);
  const previousKeys = existing?.secrets ? (JSON.parse(secrets.open(existing.secrets)) as { api_keys?: ApiKeys }).api_keys ?? {} : {};
  const keys: ApiKeys = {};
  for (const arm of input.arms) {
    const key = arm.api_key ?? previousKeys[arm.name];
    if (key !== undefined && arm.name !== RULE_ENGINE_ARM) keys[arm.name] = key;
  }
  const settings: StoredModelSettings = {
    arms: input.arms.map((a) => ({ name: a.name, base_url: a.base_url ?? null, model: a.model ?? null, weight: a.weight, has_api_key: keys[a.name] !== undefined })),
    timeout_ms: input.timeout_ms,
  };
  const sealed = Object.keys(keys).length ? secrets.seal(JSON.stringify({ api_keys: keys })) : null;
  await saveIntegration(ctx.tx, ws, repo.LLM_PROVIDER, { settings, secrets: sealed, provider_account_id: null });
  return getAssistantModels(ctx, environment);
}

// Feedback ---------------------------------------------------------------------------------

/** A rating on ari_ai_comparison's 0-5 satisfaction scale: thumbs are the ends of the star scale. */
export const satisfactionOf = (rating: FeedbackInput['rating']): number => (rating === 'up' ? 5 : rating === 'down' ? 1 : rating);

/** Staff rate an assistant reply; the model comparison averages these per model. */
export async function recordFeedback(ctx: Ctx, messageId: string, input: FeedbackInput): Promise<FeedbackRecord> {
  const ws = workspaceIdOf(ctx);
  const role = await repo.findAriMessageRole(ctx.tx, ws, messageId);
  if (role === undefined) throw new AppError('assistant_message.not_found', 'not_found', 'no such assistant message in this workspace');
  if (role !== 'assistant') throw new AppError('feedback.not_a_reply', 'invalid', "feedback rates the assistant's replies, not the customer's messages");
  const feedback = {
    rating: input.rating,
    score: satisfactionOf(input.rating),
    comment: input.comment ?? null,
    by: ctx.actor.kind === 'user' ? ctx.actor.userId : ctx.actor.kind === 'api_key' ? `api_key:${ctx.actor.apiKeyId}` : null,
    at: ctx.clock.now().toISOString(),
  };
  await repo.setFeedback(ctx.tx, ws, messageId, feedback);
  return { message_id: messageId, ...feedback };
}
