import { workspaceIdOf as workspaceOf, type Ctx } from '../../platform/context.ts';
import { AppError } from '../../platform/errors.ts';
import { toPage } from '../../platform/http/router.ts';
import { newId } from '../../platform/ids.ts';
import * as repo from './assistant-config.repo.ts';
import { DEFAULT_SCORING } from './engines/ari/index.ts';
import {
  AssistantConfigPut,
  type AssistantConfigInput,
  type FlowStageCreateInput,
  type FlowStagePatchInput,
  type PromptTypeName,
  type ScoringConfigInput,
  type SystemPromptFilterInput,
} from './assistant-config.schema.ts';


const isEmpty = (patch: object) => Object.keys(patch).length === 0;

// Persona ----------------------------------------------------------------------------------

type ConfigRow = NonNullable<Awaited<ReturnType<typeof repo.findConfig>>>;
export type AssistantConfig = Omit<ConfigRow, 'tone' | 'greeting_style' | 'updated_at'> & {
  greeting_style: AssistantConfigInput['greeting_style'];
  tone: AssistantConfigInput['tone'];
  updated_at: Date | null;
};

/** The workspace's persona, or the defaults while it has none. */
export async function getAssistantConfig(ctx: Ctx): Promise<AssistantConfig> {
  const row = await repo.findConfig(ctx.tx, workspaceOf(ctx));
  if (!row) return { ...AssistantConfigPut.parse({}), updated_at: null };
  return row as AssistantConfig;
}

/** Replaces the persona, creating it if the workspace has none. */
export async function putAssistantConfig(ctx: Ctx, input: AssistantConfigInput): Promise<AssistantConfig> {
  return (await repo.upsertConfig(ctx.tx, workspaceOf(ctx), newId(), input)) as AssistantConfig;
}

// Flow stages ------------------------------------------------------------------------------

const stageNotFound = () => new AppError('flow_stage.not_found', 'not_found', 'no such flow stage in this workspace');

export async function listFlowStages(ctx: Ctx, page: repo.PageArgs) {
  return toPage(await repo.listStages(ctx.tx, workspaceOf(ctx), page), page.limit);
}

export async function getFlowStage(ctx: Ctx, id: string) {
  const row = await repo.findStage(ctx.tx, workspaceOf(ctx), id);
  if (!row) throw stageNotFound();
  return row;
}

export async function createFlowStage(ctx: Ctx, input: FlowStageCreateInput) {
  return repo.insertStage(ctx.tx, workspaceOf(ctx), {
    id: newId(),
    name: input.name,
    goal: input.goal,
    sample_script: input.sample_script ?? null,
    exit_criteria: input.exit_criteria ?? null,
    stage_order: input.stage_order,
    is_active: input.is_active,
  });
}

export async function updateFlowStage(ctx: Ctx, id: string, patch: FlowStagePatchInput) {
  if (isEmpty(patch)) return getFlowStage(ctx, id);
  const row = await repo.updateStage(ctx.tx, workspaceOf(ctx), id, patch);
  if (!row) throw stageNotFound();
  return row;
}

export async function deleteFlowStage(ctx: Ctx, id: string) {
  if (!(await repo.deleteStage(ctx.tx, workspaceOf(ctx), id))) throw stageNotFound();
}

/** Sets stage_order 1..n in the order given; `ids` must name every stage once. */
export async function reorderFlowStages(ctx: Ctx, ids: string[]) {
  const ws = workspaceOf(ctx);
  const existing = await repo.lockStageIds(ctx.tx, ws);
  const known = new Set(existing);
  const given = new Set(ids);
  const missing = existing.filter((id) => !given.has(id));
  const unknown = ids.filter((id) => !known.has(id));
  if (missing.length || unknown.length) {
    throw new AppError('flow_stage.reorder_incomplete', 'invalid', 'list every flow stage of the workspace exactly once', { missing, unknown });
  }
  await repo.setStageOrder(ctx.tx, ws, ids);
  return repo.listStages(ctx.tx, ws, { limit: ids.length || 1 });
}

// Lead scoring -----------------------------------------------------------------------------

export type ScoringConfig = ScoringConfigInput & { updated_at: Date | null };

/** The workspace's rubric, or the seed's defaults (70/40, 25/35/30/10) while it has none. */
export async function getScoringConfig(ctx: Ctx): Promise<ScoringConfig> {
  return (await repo.findScoring(ctx.tx, workspaceOf(ctx))) ?? { ...DEFAULT_SCORING, updated_at: null };
}

export async function putScoringConfig(ctx: Ctx, input: ScoringConfigInput): Promise<ScoringConfig> {
  return repo.upsertScoring(ctx.tx, workspaceOf(ctx), newId(), input);
}

// System prompts ---------------------------------------------------------------------------

type PromptRow = NonNullable<Awaited<ReturnType<typeof repo.findPrompt>>>;

const promptNotFound = () => new AppError('system_prompt.not_found', 'not_found', 'no such system prompt in this workspace');

/** Seed 004 leaves these nullable; a prompt without them is an inactive first version. */
const toPrompt = (row: PromptRow) => ({
  ...row,
  prompt_type: row.prompt_type as PromptTypeName,
  prompt_version: row.prompt_version ?? 'v1.0.0',
  is_active: row.is_active ?? false,
});

/**
 * The version after all of a type's versions: v1.0.0 first, then the minor version goes
 * up (v1.1.0, v1.2.0, ...). Versions not of the form vMAJOR.MINOR.PATCH are ignored.
 */
export function nextPromptVersion(versions: (string | null)[]): string {
  let latest: [number, number] | undefined;
  for (const v of versions) {
    const m = /^v(\d+)\.(\d+)\.(\d+)$/.exec(v ?? '');
    if (!m) continue;
    const major = Number(m[1]);
    const minor = Number(m[2]);
    if (!latest || major > latest[0] || (major === latest[0] && minor > latest[1])) latest = [major, minor];
  }
  return latest ? `v${latest[0]}.${latest[1] + 1}.0` : 'v1.0.0';
}

/**
 * Changes to one type's prompts take turns: a transaction lock per workspace and type
 * serialises the version number and the switch of the active prompt, so concurrent edits
 * all succeed in some order. The partial unique index uq_system_prompts_active stays the
 * last line of defence; tripping it is reported as a conflict to retry.
 */
async function guardActive<T>(ctx: Ctx, type: PromptTypeName, change: () => Promise<T>): Promise<T> {
  await ctx.tx.query('select pg_advisory_xact_lock(hashtextextended($1, 0))', [`system_prompts:${workspaceOf(ctx)}:${type}`]);
  try {
    return await change();
  } catch (e) {
    const err = e as { code?: string; constraint?: string };
    if (err?.code === '23505' && err.constraint === 'uq_system_prompts_active') {
      throw new AppError('system_prompt.concurrent_change', 'conflict', `the active ${type} prompt was changed at the same time; reload and try again`, {
        prompt_type: type,
      });
    }
    throw e;
  }
}

export async function listSystemPrompts(ctx: Ctx, filters: SystemPromptFilterInput, page: repo.PageArgs) {
  const { data, next_cursor } = toPage(await repo.listPrompts(ctx.tx, workspaceOf(ctx), filters, page), page.limit);
  return { data: data.map(toPrompt), next_cursor };
}

export async function getSystemPrompt(ctx: Ctx, id: string) {
  const row = await repo.findPrompt(ctx.tx, workspaceOf(ctx), id);
  if (!row) throw promptNotFound();
  return toPrompt(row);
}

/** The prompt the assistant uses on a channel type, if the workspace has one. */
export async function findActiveSystemPrompt(ctx: Ctx, type: PromptTypeName) {
  const row = await repo.findActivePrompt(ctx.tx, workspaceOf(ctx), type);
  return row ? toPrompt(row) : undefined;
}

export async function getActiveSystemPrompt(ctx: Ctx, type: PromptTypeName) {
  const prompt = await findActiveSystemPrompt(ctx, type);
  if (!prompt) throw new AppError('system_prompt.not_found', 'not_found', `this workspace has no active ${type} prompt`);
  return prompt;
}

/** A new version of the type's prompt, made active; the previous versions stay, inactive. */
export async function createSystemPrompt(ctx: Ctx, input: { prompt_type: PromptTypeName; system_prompt: string }) {
  const ws = workspaceOf(ctx);
  return guardActive(ctx, input.prompt_type, async () => {
    const version = nextPromptVersion(await repo.promptVersions(ctx.tx, ws, input.prompt_type));
    await repo.deactivatePrompts(ctx.tx, ws, input.prompt_type);
    return toPrompt(await repo.insertPrompt(ctx.tx, ws, { id: newId(), ...input, prompt_version: version }));
  });
}

/** An edit never overwrites: it makes a new active version from the edited prompt's type. */
export async function editSystemPrompt(ctx: Ctx, id: string, systemPrompt: string) {
  const edited = await getSystemPrompt(ctx, id);
  return createSystemPrompt(ctx, { prompt_type: edited.prompt_type, system_prompt: systemPrompt });
}

/** Makes an older version the active one again (a rollback). */
export async function activateSystemPrompt(ctx: Ctx, id: string) {
  const ws = workspaceOf(ctx);
  const prompt = await getSystemPrompt(ctx, id);
  if (prompt.is_active) return prompt;
  return guardActive(ctx, prompt.prompt_type, async () => {
    await repo.deactivatePrompts(ctx.tx, ws, prompt.prompt_type, id);
    return toPrompt(await repo.activatePrompt(ctx.tx, ws, id));
  });
}
