import { sql } from 'kysely';
import type { Tx } from '../../platform/db/database.ts';
import { newId } from '../../platform/ids.ts';

/**
 * The workspace's model settings are an integrations row (0012) of provider "llm": plain
 * settings plus the sealed API keys. The table is shared with payments and channels; this
 * module reads and writes only its own provider's row.
 */
export const LLM_PROVIDER = 'llm';

export interface LlmRow {
  settings: unknown;
  secrets: string | null;
  updated_at: Date;
}

export async function findLlmSettings(tx: Tx, ws: string): Promise<LlmRow | undefined> {
  return tx.db
    .selectFrom('integrations')
    .select(['settings', 'secrets', 'updated_at'])
    .where('workspace_id', '=', ws)
    .where('provider', '=', LLM_PROVIDER)
    .executeTakeFirst();
}

export async function saveLlmSettings(tx: Tx, ws: string, values: { settings: object; secrets: string | null }): Promise<LlmRow> {
  const columns = { settings: JSON.stringify(values.settings), secrets: values.secrets };
  return tx.db
    .insertInto('integrations')
    .values({ id: newId(), workspace_id: ws, provider: LLM_PROVIDER, ...columns })
    .onConflict((oc) => oc.columns(['workspace_id', 'provider']).doUpdateSet(columns))
    .returning(['settings', 'secrets', 'updated_at'])
    .executeTakeFirstOrThrow();
}

export async function findAriMessageRole(tx: Tx, ws: string, id: string): Promise<string | undefined> {
  const row = await tx.db.selectFrom('ari_messages').select('role').where('workspace_id', '=', ws).where('id', '=', id).executeTakeFirst();
  return row?.role;
}

/** Replaces the message's feedback (the last rating counts); the rest of its metadata stays. */
export async function setFeedback(tx: Tx, ws: string, id: string, feedback: object): Promise<void> {
  await tx.db
    .updateTable('ari_messages')
    .set({ metadata: sql`metadata || jsonb_build_object('feedback', ${JSON.stringify(feedback)}::jsonb)` })
    .where('workspace_id', '=', ws)
    .where('id', '=', id)
    .execute();
}
