import { z } from '@hono/zod-openapi';
import { reorderBody } from '../../platform/http/router.ts';

// Persona (seed 000's ari_config) ----------------------------------------------------------------

export const GREETING_STYLES = ['casual', 'formal', 'professional'] as const;

export const Tone = z
  .strictObject({ supportive: z.boolean().default(true), clear: z.boolean().default(true), encouraging: z.boolean().default(true) })
  .openapi('AssistantTone');

export const AssistantConfig = z
  .object({
    enabled: z.boolean(),
    bot_name: z.string(),
    greeting_style: z.enum(GREETING_STYLES),
    language: z.string(),
    tone: z.object({ supportive: z.boolean(), clear: z.boolean(), encouraging: z.boolean() }),
    community_link: z.string().nullable(),
    updated_at: z.date().nullable().openapi({ description: 'null until first saved: the values are then the defaults' }),
  })
  .openapi('AssistantConfig');

export const AssistantConfigPut = z
  .strictObject({
    enabled: z.boolean().default(true).openapi({ description: 'false: the assistant does not reply in this workspace' }),
    bot_name: z.string().trim().min(1).max(100).default('ARI'),
    greeting_style: z.enum(GREETING_STYLES).default('professional'),
    language: z.string().regex(/^[a-z]{2}(-[A-Z]{2})?$/, 'a language code such as id, en or es-CO').default('id'),
    tone: Tone.default({ supportive: true, clear: true, encouraging: true }),
    community_link: z.url({ protocol: /^https?$/, error: 'an http(s) URL' }).max(2000).nullable().default(null),
  })
  .openapi('AssistantConfigPut', { description: 'The whole configuration: fields left out take their defaults' });

// Flow stages (seed 001's ariFlowStages) -----------------------------------------------------------

export const FlowStage = z
  .object({
    id: z.uuid(),
    name: z.string(),
    goal: z.string(),
    sample_script: z.string().nullable(),
    exit_criteria: z.string().nullable(),
    stage_order: z.number().int(),
    is_active: z.boolean(),
    created_at: z.date(),
    updated_at: z.date(),
  })
  .openapi('FlowStage');

const StageOrder = z.number().int().min(0).max(1_000_000);
const Prose = z.string().trim().min(1).max(5000);

export const FlowStageCreate = z
  .strictObject({
    name: z.string().trim().min(1).max(100),
    goal: Prose,
    sample_script: Prose.nullable().optional(),
    exit_criteria: Prose.nullable().optional(),
    stage_order: StageOrder.optional().openapi({ description: 'defaults to after the last stage' }),
    is_active: z.boolean().default(true),
  })
  .openapi('FlowStageCreate');

export const FlowStagePatch = z
  .strictObject({
    name: z.string().trim().min(1).max(100),
    goal: Prose,
    sample_script: Prose.nullable(),
    exit_criteria: Prose.nullable(),
    stage_order: StageOrder,
    is_active: z.boolean(),
  })
  .partial()
  .openapi('FlowStagePatch');

export const ReorderBody = reorderBody('FlowStageReorder');

// Lead scoring (seed 001's ariScoringConfig) ---------------------------------------------------

const WEIGHTS = ['weight_basic', 'weight_qualification', 'weight_document', 'weight_engagement'] as const;
const Weight = z.number().int().min(0).max(100);

export const ScoringConfig = z
  .object({
    hot_threshold: z.number().int(),
    warm_threshold: z.number().int(),
    weight_basic: z.number().int(),
    weight_qualification: z.number().int(),
    weight_document: z.number().int(),
    weight_engagement: z.number().int(),
    updated_at: z.date().nullable().openapi({ description: 'null until first saved: the values are then the defaults' }),
  })
  .openapi('ScoringConfig');

/** The seed's rules, which the database checks as well: weights add up to 100, hot above warm. */
export const ScoringConfigPut = z
  .strictObject({
    hot_threshold: z.number().int().min(1).max(100).openapi({ description: 'a score at or above this is a hot lead' }),
    warm_threshold: z.number().int().min(0).max(99).openapi({ description: 'at or above this (and below hot) is warm; below is cold' }),
    weight_basic: Weight,
    weight_qualification: Weight,
    weight_document: Weight,
    weight_engagement: Weight,
  })
  .superRefine((c, ctx) => {
    if (c.hot_threshold <= c.warm_threshold) {
      ctx.addIssue({ code: 'custom', path: ['hot_threshold'], message: `must be greater than warm_threshold (${c.warm_threshold})` });
    }
    const sum = WEIGHTS.reduce((total, w) => total + c[w], 0);
    if (sum !== 100) {
      for (const w of WEIGHTS) {
        ctx.addIssue({ code: 'custom', path: [w], message: `the four weights must add up to 100; they add up to ${sum}` });
      }
    }
  })
  .openapi('ScoringConfigPut');

// System prompts (seed 004) --------------------------------------------------------------------

export const PROMPT_TYPES = ['voice', 'sms', 'whatsapp', 'webchat'] as const;
export const PromptType = z.enum(PROMPT_TYPES);

export const SystemPrompt = z
  .object({
    id: z.uuid(),
    prompt_type: PromptType,
    system_prompt: z.string(),
    prompt_version: z.string(),
    is_active: z.boolean(),
    created_at: z.date().nullable(),
    updated_at: z.date().nullable(),
  })
  .openapi('SystemPrompt');

const PromptText = z.string().trim().min(1).max(50_000);

export const SystemPromptCreate = z.strictObject({ prompt_type: PromptType, system_prompt: PromptText }).openapi('SystemPromptCreate');
export const SystemPromptEdit = z.strictObject({ system_prompt: PromptText }).openapi('SystemPromptEdit');

export const SystemPromptFilters = z.object({
  prompt_type: PromptType.optional(),
  include_inactive: z
    .enum(['true', 'false'])
    .transform((v) => v === 'true')
    .default(false)
    .openapi({ description: 'also list the older versions' }),
});

export type AssistantConfigInput = z.infer<typeof AssistantConfigPut>;
export type FlowStageCreateInput = z.infer<typeof FlowStageCreate>;
export type FlowStagePatchInput = z.infer<typeof FlowStagePatch>;
export type ScoringConfigInput = z.infer<typeof ScoringConfigPut>;
export type PromptTypeName = z.infer<typeof PromptType>;
export type SystemPromptFilterInput = z.infer<typeof SystemPromptFilters>;
