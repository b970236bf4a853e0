import { sql } from 'kysely';
import type { Tx } from '../../../platform/db/database.ts';

/**
 * The call log's reads of seed 004's calls (written from Vapi's reports in vapi.service.ts);
 * the call log's routes and wording are the receptionist's (apps/voice/calls.ts).
 */

export interface CallFilter {
  /** created_at from this instant (inclusive) and before `before`; a call without a time counts as the epoch. */
  from?: Date | undefined;
  before?: Date | undefined;
  status?: string | undefined;
  direction?: string | undefined;
  contactId?: string | undefined;
  /** A LIKE pattern for the transcript, found through app.search_call_ids (the trigram index, 0028). */
  transcriptLike?: string | undefined;
  /** Keyset: calls strictly older than this (created_at as text, id) pair. */
  after?: { at: string; id: string } | undefined;
  limit: number;
}

/**
 * A page of the workspace's calls, newest first; `at_key` is the keyset's time as text. A
 * cursor whose time PostgreSQL cannot read fails with its own code (22007, 22008).
 */
export function listCallRows(tx: Tx, ws: string, f: CallFilter) {
  let query = tx.db
    .selectFrom('calls')
    .select(['id', 'created_at', 'phone_number', 'customer_name', 'contact_id', 'status', 'call_type', 'duration', 'cost', 'sentiment', 'booking_id', 'recording_url', 'transcript'])
    .select(sql<string>`coalesce(created_at, 'epoch'::timestamptz)::text`.as('at_key'))
    .where('workspace_id', '=', ws);
  if (f.from) query = query.where(sql<boolean>`coalesce(created_at, 'epoch'::timestamptz) >= ${f.from}`);
  if (f.before) query = query.where(sql<boolean>`coalesce(created_at, 'epoch'::timestamptz) < ${f.before}`);
  if (f.status) query = query.where('status', '=', f.status);
  if (f.direction) query = query.where('call_type', '=', f.direction);
  if (f.contactId) query = query.where('contact_id', '=', f.contactId);
  // Through the trigram index (0028): row-level security keeps an ILIKE here away from it.
  if (f.transcriptLike) query = query.where('id', 'in', sql<string>`(select app.search_call_ids(${f.transcriptLike}))`);
  if (f.after) query = query.where(sql<boolean>`(coalesce(created_at, 'epoch'::timestamptz), id) < (${f.after.at}::timestamptz, ${f.after.id}::uuid)`);
  return query.orderBy(sql`coalesce(created_at, 'epoch'::timestamptz)`, 'desc').orderBy('id', 'desc').limit(f.limit).execute();
}

/** One call of the workspace, every column. */
export function findCall(tx: Tx, ws: string, id: string) {
  return tx.db.selectFrom('calls').selectAll().where('workspace_id', '=', ws).where('id', '=', id).executeTakeFirst();
}
