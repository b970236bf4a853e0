import { z } from '../../platform/http/router.ts';
import { RULE_ENGINE_ARM } from './model/arms.ts';

// Model mode: the workspace's A/B arms, and feedback on replies ------------------------------

/** Plain http only where the key never crosses the internet: this machine or a private network (Ollama on the LAN). */
function plainHttpAllowed(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '');
  if (h === 'localhost' || h === '::1' || /^127\./.test(h) || /^10\./.test(h) || /^192\.168\./.test(h)) return true;
  const m = /^172\.(\d+)\./.exec(h);
  return m !== null && Number(m[1]) >= 16 && Number(m[1]) <= 31;
}

export const ModelBaseUrl = z
  .url()
  .max(500)
  .refine((u) => {
    const url = new URL(u);
    return url.protocol === 'https:' || (url.protocol === 'http:' && plainHttpAllowed(url.hostname));
  }, 'use https (http only for localhost or a private network address)')
  .refine((u) => {
    const url = new URL(u);
    return !url.search && !url.hash && !url.username && !url.password;
  }, 'no query, fragment or credentials: give the key as api_key')
  .transform((u) => u.replace(/\/+$/, ''))
  .openapi({ description: "the provider's OpenAI-compatible base, without /chat/completions", example: 'https://api.x.ai/v1' });

/** ari_messages.ai_model and ari_ai_comparison.ai_model are varchar(50). */
const ARM_NAME = /^[A-Za-z0-9][A-Za-z0-9._:/@+-]{0,49}$/;
const ArmName = z.string().trim().regex(ARM_NAME, 'up to 50 letters, digits and . _ : / @ + -');

export const ModelArmPut = z
  .strictObject({
    name: ArmName.optional().openapi({ description: 'the label recorded in ai_model; defaults to the model. "rule-engine" is the built-in engine' }),
    base_url: ModelBaseUrl.optional(),
    model: z.string().trim().min(1).max(200).optional().openapi({ example: 'grok-3' }),
    weight: z.number().int().min(0).max(1000).openapi({ description: 'share of new contacts, relative to the other arms; 0 takes no new contacts' }),
    api_key: z
      .string()
      .trim()
      .min(1)
      .max(1000)
      .optional()
      .openapi({ description: "write-only; when left out, the key stored for this arm's name is kept" }),
  })
  .superRefine((arm, ctx) => {
    if (arm.name === RULE_ENGINE_ARM) {
      for (const key of ['base_url', 'model', 'api_key'] as const) {
        if (arm[key] !== undefined) ctx.addIssue({ code: 'custom', path: [key], message: 'the built-in engine takes no endpoint, model or key' });
      }
      return;
    }
    if (arm.base_url === undefined) ctx.addIssue({ code: 'custom', path: ['base_url'], message: 'required for a model arm' });
    if (arm.model === undefined) ctx.addIssue({ code: 'custom', path: ['model'], message: 'required for a model arm' });
    else if (arm.name === undefined && !ARM_NAME.test(arm.model)) ctx.addIssue({ code: 'custom', path: ['name'], message: 'the model id cannot be the name (over 50 characters or unusual characters): give a name' });
  })
  .transform((arm) => ({ ...arm, name: arm.name ?? arm.model! }));

export const DEFAULT_MODEL_TIMEOUT_MS = 8000;

export const AssistantModelsPut = z
  .strictObject({
    arms: z.array(ModelArmPut).min(1).max(10),
    timeout_ms: z
      .number()
      .int()
      .min(200)
      .max(60_000)
      .default(DEFAULT_MODEL_TIMEOUT_MS)
      .openapi({ description: 'how long a turn waits for the model, tools included, before the built-in engine answers instead' }),
  })
  .superRefine((body, ctx) => {
    const seen = new Set<string>();
    body.arms.forEach((arm, i) => {
      if (seen.has(arm.name)) ctx.addIssue({ code: 'custom', path: ['arms', i, 'name'], message: `"${arm.name}" is used twice` });
      seen.add(arm.name);
    });
    if (body.arms.every((a) => a.weight === 0)) ctx.addIssue({ code: 'custom', path: ['arms'], message: 'at least one arm needs a weight above 0' });
  })
  .openapi('AssistantModelsPut');

export const ModelArm = z
  .object({
    name: z.string(),
    kind: z.enum(['model', 'rule-engine']),
    base_url: z.string().nullable(),
    model: z.string().nullable(),
    weight: z.number().int(),
    has_api_key: z.boolean(),
  })
  .openapi('AssistantModelArm');

export const AssistantModels = z
  .object({
    source: z.enum(['workspace', 'environment', 'built_in']).openapi({
      description: "workspace: its own arms; environment: the server's LLM_* model; built_in: no model, the rule engine answers",
    }),
    arms: z.array(ModelArm),
    timeout_ms: z.number().int(),
    updated_at: z.date().nullable(),
  })
  .openapi('AssistantModels');

/** What is kept in integrations.settings (provider "llm"); the keys are sealed in integrations.secrets. */
export const StoredModelSettings = z.object({
  arms: z.array(
    z.object({
      name: z.string(),
      base_url: z.string().nullable(),
      model: z.string().nullable(),
      weight: z.number().int(),
      /** Readable without opening the sealed keys. */
      has_api_key: z.boolean(),
    }),
  ),
  timeout_ms: z.number().int(),
});
export type StoredModelSettings = z.infer<typeof StoredModelSettings>;

export const FeedbackRating = z.union([z.enum(['up', 'down']), z.number().int().min(1).max(5)]);

export const FeedbackPut = z
  .strictObject({
    rating: FeedbackRating.openapi({ description: 'thumbs up/down, or 1 to 5 stars' }),
    comment: z.string().trim().max(1000).optional(),
  })
  .openapi('AssistantFeedbackCreate');

export const Feedback = z
  .object({
    message_id: z.uuid(),
    rating: FeedbackRating,
    score: z.number().openapi({ description: 'on the 0-5 scale of ari_ai_comparison.satisfaction_score: up 5, down 1, stars as given' }),
    comment: z.string().nullable(),
    by: z.string().nullable(),
    at: z.string(),
  })
  .openapi('AssistantFeedback');

export type AssistantModelsInput = z.infer<typeof AssistantModelsPut>;
export type FeedbackInput = z.infer<typeof FeedbackPut>;
export type FeedbackRecord = z.infer<typeof Feedback>;
