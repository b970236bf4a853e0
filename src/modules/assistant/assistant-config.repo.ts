import { sql } from 'kysely';
import type { Tx } from '../../platform/db/database.ts';
import type {
  AssistantConfigInput,
  FlowStagePatchInput,
  PromptTypeName,
  ScoringConfigInput,
  SystemPromptFilterInput,
} from './assistant-config.schema.ts';
import { DEFAULT_SCORING, type FlowStage, type ScoringConfig } from './engines/ari/index.ts';

export interface PageArgs {
  limit: number;
  cursor?: string | undefined;
}

// Persona ----------------------------------------------------------------------------------

const configColumns = ['enabled', 'bot_name', 'greeting_style', 'language', 'tone', 'community_link', 'updated_at'] as const;

export function findConfig(tx: Tx, ws: string) {
  return tx.db.selectFrom('ari_config').select(configColumns).where('workspace_id', '=', ws).executeTakeFirst();
}

export function upsertConfig(tx: Tx, ws: string, id: string, input: AssistantConfigInput) {
  const values = { ...input, tone: JSON.stringify(input.tone) };
  return tx.db
    .insertInto('ari_config')
    .values({ id, workspace_id: ws, ...values })
    .onConflict((oc) => oc.column('workspace_id').doUpdateSet(values))
    .returning(configColumns)
    .executeTakeFirstOrThrow();
}

// Flow stages: by stage_order, then id ---------------------------------------------------------

const stageColumns = ['id', 'name', 'goal', 'sample_script', 'exit_criteria', 'stage_order', 'is_active', 'created_at', 'updated_at'] as const;

export function listStages(tx: Tx, ws: string, page: PageArgs) {
  let q = tx.db
    .selectFrom('ari_flow_stages')
    .select(stageColumns)
    .where('workspace_id', '=', ws)
    .orderBy('stage_order')
    .orderBy('id')
    .limit(page.limit + 1);
  if (page.cursor) {
    q = q.where(
      sql<boolean>`(stage_order, id) > (select s.stage_order, s.id from ari_flow_stages s where s.workspace_id = ${ws} and s.id = ${page.cursor})`,
    );
  }
  return q.execute();
}

export function findStage(tx: Tx, ws: string, id: string) {
  return tx.db.selectFrom('ari_flow_stages').select(stageColumns).where('workspace_id', '=', ws).where('id', '=', id).executeTakeFirst();
}

export function insertStage(
  tx: Tx,
  ws: string,
  row: { id: string; name: string; goal: string; sample_script: string | null; exit_criteria: string | null; stage_order: number | undefined; is_active: boolean },
) {
  return tx.db
    .insertInto('ari_flow_stages')
    .values({
      ...row,
      workspace_id: ws,
      stage_order: row.stage_order ?? sql<number>`coalesce((select max(s.stage_order) from ari_flow_stages s where s.workspace_id = ${ws}), 0) + 1`,
    })
    .returning(stageColumns)
    .executeTakeFirstOrThrow();
}

export function updateStage(tx: Tx, ws: string, id: string, patch: FlowStagePatchInput) {
  return tx.db.updateTable('ari_flow_stages').set(patch).where('workspace_id', '=', ws).where('id', '=', id).returning(stageColumns).executeTakeFirst();
}

export async function deleteStage(tx: Tx, ws: string, id: string): Promise<boolean> {
  const res = await tx.db.deleteFrom('ari_flow_stages').where('workspace_id', '=', ws).where('id', '=', id).executeTakeFirst();
  return res.numDeletedRows > 0n;
}

/** The workspace's stage ids, locked so that a reorder sees a stable set. */
export async function lockStageIds(tx: Tx, ws: string): Promise<string[]> {
  const rows = await tx.db.selectFrom('ari_flow_stages').select('id').where('workspace_id', '=', ws).forUpdate().execute();
  return rows.map((r) => r.id);
}

/** stage_order 1..n in the order of `ids`. */
export async function setStageOrder(tx: Tx, ws: string, ids: string[]): Promise<void> {
  await sql`
    update ari_flow_stages s set stage_order = o.position
      from unnest(${ids}::uuid[]) with ordinality as o(id, position)
     where s.workspace_id = ${ws} and s.id = o.id`.execute(tx.db);
}

// Lead scoring -----------------------------------------------------------------------------

const scoringColumns = ['hot_threshold', 'warm_threshold', 'weight_basic', 'weight_qualification', 'weight_document', 'weight_engagement', 'updated_at'] as const;

export function findScoring(tx: Tx, ws: string) {
  return tx.db.selectFrom('ari_scoring_config').select(scoringColumns).where('workspace_id', '=', ws).executeTakeFirst();
}

export function upsertScoring(tx: Tx, ws: string, id: string, input: ScoringConfigInput) {
  return tx.db
    .insertInto('ari_scoring_config')
    .values({ id, workspace_id: ws, ...input })
    .onConflict((oc) => oc.column('workspace_id').doUpdateSet(input))
    .returning(scoringColumns)
    .executeTakeFirstOrThrow();
}

// System prompts: newest first -------------------------------------------------------------

const promptColumns = ['id', 'prompt_type', 'system_prompt', 'prompt_version', 'is_active', 'created_at', 'updated_at'] as const;

export function listPrompts(tx: Tx, ws: string, filters: SystemPromptFilterInput, page: PageArgs) {
  let q = tx.db
    .selectFrom('system_prompts')
    .select(promptColumns)
    .where('workspace_id', '=', ws)
    .orderBy('id', 'desc')
    .limit(page.limit + 1);
  if (page.cursor) q = q.where('id', '<', page.cursor);
  if (filters.prompt_type) q = q.where('prompt_type', '=', filters.prompt_type);
  if (!filters.include_inactive) q = q.where('is_active', '=', true);
  return q.execute();
}

export function findPrompt(tx: Tx, ws: string, id: string) {
  return tx.db.selectFrom('system_prompts').select(promptColumns).where('workspace_id', '=', ws).where('id', '=', id).executeTakeFirst();
}

export function findActivePrompt(tx: Tx, ws: string, type: PromptTypeName) {
  return tx.db
    .selectFrom('system_prompts')
    .select(promptColumns)
    .where('workspace_id', '=', ws)
    .where('prompt_type', '=', type)
    .where('is_active', '=', true)
    .executeTakeFirst();
}

export async function promptVersions(tx: Tx, ws: string, type: PromptTypeName): Promise<(string | null)[]> {
  const rows = await tx.db.selectFrom('system_prompts').select('prompt_version').where('workspace_id', '=', ws).where('prompt_type', '=', type).execute();
  return rows.map((r) => r.prompt_version);
}

/** Deactivates the active prompt of `type`, except `keep`. */
export async function deactivatePrompts(tx: Tx, ws: string, type: PromptTypeName, keep?: string): Promise<void> {
  let q = tx.db
    .updateTable('system_prompts')
    .set({ is_active: false })
    .where('workspace_id', '=', ws)
    .where('prompt_type', '=', type)
    .where('is_active', '=', true);
  if (keep) q = q.where('id', '<>', keep);
  await q.execute();
}

export function insertPrompt(tx: Tx, ws: string, row: { id: string; prompt_type: PromptTypeName; system_prompt: string; prompt_version: string }) {
  return tx.db
    .insertInto('system_prompts')
    .values({ ...row, workspace_id: ws, is_active: true })
    .returning(promptColumns)
    .executeTakeFirstOrThrow();
}

export function activatePrompt(tx: Tx, ws: string, id: string) {
  return tx.db
    .updateTable('system_prompts')
    .set({ is_active: true })
    .where('workspace_id', '=', ws)
    .where('id', '=', id)
    .returning(promptColumns)
    .executeTakeFirstOrThrow();
}

// What ARI's consultancy flow reads of it each turn --------------------------------------------

/** The workspace's rubric as the engine takes it, or the defaults while it has none. */
export async function loadScoring(tx: Tx, ws: string): Promise<ScoringConfig> {
  const row = await tx.db
    .selectFrom('ari_scoring_config')
    .select(['hot_threshold', 'warm_threshold', 'weight_basic', 'weight_qualification', 'weight_document', 'weight_engagement'])
    .where('workspace_id', '=', ws)
    .executeTakeFirst();
  return row ?? { ...DEFAULT_SCORING };
}

/** Every stage, switched off ones too: an inactive booking stage sends hot leads to a person. */
export async function loadStages(tx: Tx, ws: string): Promise<FlowStage[]> {
  return tx.db
    .selectFrom('ari_flow_stages')
    .select(['name', 'goal', 'sample_script', 'exit_criteria', 'stage_order', 'is_active'])
    .where('workspace_id', '=', ws)
    .orderBy('stage_order')
    .orderBy('id')
    .execute();
}
