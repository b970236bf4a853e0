import { sql } from 'kysely';
import type { Tx } from '../../platform/db/database.ts';
import {
  DEFAULT_SCORING,
  type DestinationOption,
  type DestinationRequirements,
  type FlowStage,
  type ScoringConfig,
} from '../../modules/assistant/index.ts';

// What only ARI's consultancy flow reads: its scoring, its flow stages and its destinations.

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

// Destinations -------------------------------------------------------------------------------

const MAX_DESTINATIONS = 20;

const asNumber = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

/** Requirements as staff typed them (JSONB): only the numbers and the deadline the engine reads. */
function requirementsOf(raw: unknown): DestinationRequirements {
  const r = raw && typeof raw === 'object' && !Array.isArray(raw) ? (raw as Record<string, unknown>) : {};
  const out: DestinationRequirements = {};
  for (const key of ['ielts_min', 'gpa_min', 'budget_min', 'budget_max'] as const) {
    const n = asNumber(r[key]);
    if (n !== undefined) out[key] = n;
  }
  if (typeof r.deadline === 'string') out.deadline = r.deadline;
  return out;
}

/** The workspace's universities in a country: promoted first, then by priority. */
export async function findDestinations(tx: Tx, ws: string, country: string): Promise<DestinationOption[]> {
  const rows = await tx.db
    .selectFrom('ari_destinations')
    .select(['university_name', 'city', 'requirements', 'programs', 'is_promoted', 'priority'])
    .where('workspace_id', '=', ws)
    .where(sql<boolean>`lower(country) = lower(${country})`)
    .orderBy('is_promoted', 'desc')
    .orderBy('priority', 'desc')
    .orderBy('id')
    .limit(MAX_DESTINATIONS)
    .execute();
  return rows.map((r) => ({ ...r, requirements: requirementsOf(r.requirements) }));
}
