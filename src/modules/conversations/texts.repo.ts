// Delivery of text messages kept in sms_messages (0017): an outbound row is its own outbox
// entry, claimed by the channels' SMS worker and moved forward by Twilio's status callbacks,
// which the inbox records here for them.
import { sql } from 'kysely';
import type { Tx } from '../../platform/db/database.ts';

export type SmsStatus = 'queued' | 'sending' | 'sent' | 'delivered' | 'undelivered' | 'failed';

export interface ClaimedSms {
  workspace_id: string;
  id: string;
  attempts: number;
}

/**
 * Service role: claims due outbound messages across workspaces (skip locked, so workers never
 * share one), and puts back in the queue a claim whose outcome stayed unknown for `reconcileMs`
 * after its lease ran out with no status callback naming it: the worker stopped between
 * sending and recording, and Twilio never heard of it.
 */
export async function claimDueSms(tx: Tx, o: { now: Date; leaseMs: number; reconcileMs: number; limit: number }): Promise<ClaimedSms[]> {
  await sql`
    update public.sms_messages
       set status = 'queued', claimed_until = null, next_attempt_at = ${o.now}::timestamptz
     where direction = 'outbound' and status = 'sending' and provider_message_id is null
       and claimed_until < ${new Date(o.now.getTime() - o.reconcileMs)}::timestamptz`.execute(tx.db);
  const { rows } = await sql<ClaimedSms>`
    update public.sms_messages s
       set status = 'sending', attempts = s.attempts + 1, claimed_until = ${new Date(o.now.getTime() + o.leaseMs)}::timestamptz
      from (select workspace_id, id from public.sms_messages
             where direction = 'outbound' and status = 'queued' and next_attempt_at <= ${o.now}::timestamptz
             order by next_attempt_at
             limit ${o.limit}
             for update skip locked) due
     where s.workspace_id = due.workspace_id and s.id = due.id
    returning s.workspace_id, s.id, s.attempts`.execute(tx.db);
  return rows;
}

export interface OutgoingSms {
  id: string;
  phone_number: string;
  message_body: string;
  business_number: string | null;
  status: string | null;
  provider_message_id: string | null;
  metadata: Record<string, unknown>;
  /** Who answers the thread now ('human' once a person took it over); null for a text outside any thread. */
  owner: string | null;
}

/** Seed 004 links the text that confirmed a booking to it: the assistant's reply, by its ari_messages id. */
export async function linkReplyTextToBooking(tx: Tx, ws: string, ariMessageId: string, bookingId: string): Promise<void> {
  await tx.db
    .updateTable('sms_messages')
    .set({ booking_id: bookingId })
    .where('workspace_id', '=', ws)
    .where('direction', '=', 'outbound')
    .where(sql<boolean>`metadata->>'ari_message_id' = ${ariMessageId}`)
    .execute();
}

export async function outgoingSms(tx: Tx, ws: string, id: string): Promise<OutgoingSms | undefined> {
  const row = await tx.db
    .selectFrom('sms_messages as s')
    .leftJoin('conversations as c', (j) => j.onRef('c.workspace_id', '=', 's.workspace_id').onRef('c.id', '=', 's.conversation_id'))
    .select(['s.id', 's.phone_number', 's.message_body', 's.business_number', 's.status', 's.provider_message_id', 's.metadata', 'c.owner'])
    .where('s.workspace_id', '=', ws)
    .where('s.id', '=', id)
    .where('s.direction', '=', 'outbound')
    .executeTakeFirst();
  return row as OutgoingSms | undefined;
}

/** Twilio took it: its SM sid, unless a status callback recorded it first. */
export async function recordSmsSent(tx: Tx, ws: string, id: string, r: { sid: string; numSegments: number | null; now: Date }): Promise<void> {
  await tx.db
    .updateTable('sms_messages')
    .set({
      provider_message_id: sql<string>`coalesce(provider_message_id, ${r.sid}::text)`,
      num_segments: sql<number | null>`coalesce(num_segments, ${r.numSegments}::int)`,
      sent_at: r.now,
      claimed_until: null,
      error: null,
    })
    .where('workspace_id', '=', ws)
    .where('id', '=', id)
    .execute();
}

export async function recordSmsOutcomeUnknown(tx: Tx, ws: string, id: string, reason: string): Promise<void> {
  await tx.db.updateTable('sms_messages').set({ error: reason.slice(0, 1000) }).where('workspace_id', '=', ws).where('id', '=', id).execute();
}

/** A try that did not go: back in the queue at `retryAt`, or failed for good when null. */
export async function recordSmsAttemptFailed(tx: Tx, ws: string, id: string, f: { reason: string; errorCode: string | null; retryAt: Date | null }): Promise<void> {
  await tx.db
    .updateTable('sms_messages')
    .set({
      status: f.retryAt ? 'queued' : 'failed',
      next_attempt_at: f.retryAt,
      claimed_until: null,
      error: f.reason.slice(0, 1000),
      error_code: f.errorCode,
    })
    .where('workspace_id', '=', ws)
    .where('id', '=', id)
    .where('status', '=', 'sending')
    .execute();
}

// Status callbacks -----------------------------------------------------------------------------

/**
 * The outbound message a callback is about: by its SM sid, or (when the worker stopped before
 * recording the sid) by our id from the callback URL, which then adopts the sid.
 */
export async function findSmsForCallback(tx: Tx, ws: string, sid: string, ourId: string | undefined): Promise<string | undefined> {
  const bySid = await tx.db
    .selectFrom('sms_messages')
    .select('id')
    .where('workspace_id', '=', ws)
    .where('provider_message_id', '=', sid)
    .where('direction', '=', 'outbound')
    .executeTakeFirst();
  if (bySid) return bySid.id;
  if (!ourId) return undefined;
  const adopted = await tx.db
    .updateTable('sms_messages')
    .set({ provider_message_id: sid, claimed_until: null })
    .where('workspace_id', '=', ws)
    .where('id', '=', ourId)
    .where('direction', '=', 'outbound')
    .where('provider_message_id', 'is', null)
    .returning('id')
    .executeTakeFirst();
  return adopted?.id;
}

/**
 * Applies a reported status; the database keeps it forward-only (0017), so a late or repeated
 * report changes nothing. Segments, price and the error are kept when Twilio gives them.
 */
export async function applySmsStatus(
  tx: Tx,
  ws: string,
  id: string,
  s: { status: SmsStatus; errorCode: string | null; numSegments: number | null; price: { micros: number; unit: string } | null },
): Promise<void> {
  const failed = s.status === 'failed' || s.status === 'undelivered';
  await tx.db
    .updateTable('sms_messages')
    .set({
      status: s.status,
      ...(s.numSegments ? { num_segments: s.numSegments } : {}),
      ...(s.price ? { price_micros: s.price.micros, price_unit: s.price.unit, cost: (Math.round(s.price.micros / 10_000) / 100).toFixed(2) } : {}),
      ...(failed && s.errorCode
        ? {
            error_code: sql<string>`case when status in ('queued', 'sending', 'sent') then ${s.errorCode}::text else error_code end`,
            error: sql<string>`case when status in ('queued', 'sending', 'sent') then ${`Twilio error ${s.errorCode}`}::text else error end`,
          }
        : {}),
    })
    .where('workspace_id', '=', ws)
    .where('id', '=', id)
    .execute();
}
