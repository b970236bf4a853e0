import type { Tx } from '../../platform/db/database.ts';
import type { DestinationOption, DestinationRequirements } from '../../modules/assistant/index.ts';
import { destinationsIn } from '../../modules/knowledge/index.ts';

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
  const rows = await destinationsIn(tx, ws, country, MAX_DESTINATIONS);
  return rows.map((r) => ({ ...r, requirements: requirementsOf(r.requirements) }));
}
