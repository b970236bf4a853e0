import { sql } from 'kysely';
import type { Tx } from '../../platform/db/database.ts';
import { newId } from '../../platform/ids.ts';

/**
 * The workspace's model settings are an integrations row (0012) of provider "llm": plain
 * settings plus the sealed API keys, read and written through platform/db/integrations.ts
 * like payments' and channels' rows.
 */
export const LLM_PROVIDER = 'llm';

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
