import type { Tx } from '../../platform/db/database.ts';

/**
 * The assistant's record of a contact (ari_conversations, and lead_history, which a trigger
 * writes from it) as the apps read and change it outside a turn: a hand back, a payment's
 * news, the lead screen, `frontdesk chat`. The turn keeps its own statements in turn/turn.repo.ts.
 */

export interface LockedRecord {
  id: string;
  contact_id: string;
  state: string;
  context: unknown;
  lead_score: number;
  lead_temperature: string | null;
}

/**
 * The record, by its id or by its contact's, locked as a turn locks it, so that a turn running
 * at the same moment sees the change whole or not at all. A contact may have none yet.
 */
export async function lockAssistantRecord(tx: Tx, ws: string, by: { id: string } | { contactId: string }): Promise<LockedRecord | undefined> {
  let q = tx.db
    .selectFrom('ari_conversations')
    .select(['id', 'contact_id', 'state', 'context', 'lead_score', 'lead_temperature'])
    .where('workspace_id', '=', ws);
  q = 'id' in by ? q.where('id', '=', by.id) : q.where('contact_id', '=', by.contactId);
  return q.forUpdate().executeTakeFirst();
}

export interface RecordChange {
  state: string;
  context: unknown;
  /** The inbox thread the record now answers in (a turn's). */
  conversationId?: string;
  /** When the assistant last wrote (a turn's reply). */
  lastAiMessageAt?: Date;
  /** Handed to a person: when and why. */
  handoff?: { at: Date; reason: string } | undefined;
}

/** A new state and context for the record; the score is left as it is. */
export async function changeAssistantRecord(tx: Tx, ws: string, id: string, c: RecordChange): Promise<void> {
  await tx.db
    .updateTable('ari_conversations')
    .set({
      state: c.state,
      context: JSON.stringify(c.context),
      ...(c.conversationId !== undefined ? { conversation_id: c.conversationId } : {}),
      ...(c.lastAiMessageAt !== undefined ? { last_ai_message_at: c.lastAiMessageAt } : {}),
      ...(c.handoff ? { handoff_at: c.handoff.at, handoff_reason: c.handoff.reason } : {}),
    })
    .where('workspace_id', '=', ws)
    .where('id', '=', id)
    .execute();
}

/** The contact's record as the lead screen and `frontdesk chat` show it; none before the assistant talked with them. */
export function findAssistantRecord(tx: Tx, ws: string, contactId: string) {
  return tx.db
    .selectFrom('ari_conversations')
    .select(['id', 'state', 'lead_score', 'lead_temperature', 'context', 'ai_model', 'last_ai_message_at', 'handoff_at', 'handoff_reason'])
    .where('workspace_id', '=', ws)
    .where('contact_id', '=', contactId)
    .executeTakeFirst();
}

/** The newest `limit` changes of a record's score, temperature or state (lead_history), newest first. */
export function leadHistory(tx: Tx, ws: string, ariConversationId: string, limit: number) {
  return tx.db
    .selectFrom('lead_history')
    .select(['recorded_at', 'state', 'lead_score', 'lead_temperature'])
    .where('workspace_id', '=', ws)
    .where('ari_conversation_id', '=', ariConversationId)
    .orderBy('recorded_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
}

/** The record's context as it stands now (after the app kept this turn's decision). */
export async function assistantContext(tx: Tx, ws: string, id: string): Promise<unknown> {
  const row = await tx.db.selectFrom('ari_conversations').select('context').where('workspace_id', '=', ws).where('id', '=', id).executeTakeFirst();
  return row?.context ?? {};
}

/** The lead summary kept with a handoff (0043): the handoff event's payload and the staff notice read it. */
export async function setHandoffSummary(tx: Tx, ws: string, id: string, summary: string): Promise<void> {
  await tx.db.updateTable('ari_conversations').set({ handoff_summary: summary }).where('workspace_id', '=', ws).where('id', '=', id).execute();
}
