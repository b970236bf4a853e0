// Queries for the channels' own tables (channel_inbox, outbox, contact_channel_windows). The
// inbox writes a message as queued and records what the channels report about its delivery
// (conversations' delivery functions); the outbox rows here follow each send.
import { sql } from 'kysely';
import type { Tx } from '../../../platform/db/database.ts';
import { newId } from '../../../platform/ids.ts';

// Inbound ------------------------------------------------------------------------------------

export interface InboundRow {
  workspace_id: string;
  id: string;
  channel: 'whatsapp' | 'sms' | 'webchat';
  provider_message_id: string;
  sender: string;
  sender_name: string | null;
  body: string;
  content_type: string;
  sent_at: Date;
  attempts: number;
}

/** False when the provider's message id is stored already (a redelivery). */
export async function storeInbound(
  tx: Tx,
  ws: string,
  m: Omit<InboundRow, 'workspace_id' | 'id' | 'attempts'> & { payload: unknown },
): Promise<boolean> {
  const row = await tx.db
    .insertInto('channel_inbox')
    .values({ ...m, workspace_id: ws, id: newId(), payload: JSON.stringify(m.payload) })
    .onConflict((oc) => oc.columns(['workspace_id', 'channel', 'provider_message_id']).doNothing())
    .returning('id')
    .executeTakeFirst();
  return row !== undefined;
}

const INBOUND_COLUMNS = ['workspace_id', 'id', 'channel', 'provider_message_id', 'sender', 'sender_name', 'body', 'content_type', 'sent_at', 'attempts'] as const;

/** A stored message due for its turn, with what a text's webhook reported (SMS only). */
export interface DueInbound extends InboundRow {
  /** The workspace's number it was sent to (when E.164) and its segments (when a count). */
  sms: { businessNumber: string | null; segments: number | null } | undefined;
}

const E164_PATTERN = '^\\+[1-9][0-9]{6,14}$';

/** Service role: inbound messages due for their turn, oldest first. */
export async function dueInbound(tx: Tx, now: Date, limit: number): Promise<DueInbound[]> {
  const rows = await tx.db
    .selectFrom('channel_inbox')
    .select(INBOUND_COLUMNS)
    .select([
      sql<string | null>`case when payload->>'To' ~ ${E164_PATTERN} then payload->>'To' end`.as('business_number'),
      sql<number | null>`case when payload->>'NumSegments' ~ '^[1-9][0-9]{0,3}$' then (payload->>'NumSegments')::int end`.as('num_segments'),
    ])
    .where('status', '=', 'pending')
    .where('next_attempt_at', '<=', now)
    // Messages stored together keep the order the customer sent them in (ids are time-ordered).
    .orderBy('next_attempt_at')
    .orderBy('sent_at')
    .orderBy('id')
    .limit(limit)
    .execute();
  return rows.map(({ business_number, num_segments, ...row }) => ({
    ...(row as InboundRow),
    sms: row.channel === 'sms' ? { businessNumber: business_number, segments: num_segments } : undefined,
  }));
}

/**
 * Claims one pending inbound message that is due at `now` for its turn until `leaseUntil` (no
 * other worker takes it before then, nor while this transaction is open); false when another
 * worker has it or it is done.
 */
export async function claimInbound(tx: Tx, ws: string, id: string, now: Date, leaseUntil: Date): Promise<boolean> {
  const row = await tx.db
    .updateTable('channel_inbox')
    .set({ next_attempt_at: leaseUntil })
    .where('workspace_id', '=', ws)
    .where('id', '=', id)
    .where('status', '=', 'pending')
    .where('next_attempt_at', '<=', now)
    .where(({ eb, selectFrom }) =>
      eb(
        'id',
        'in',
        selectFrom('channel_inbox as c')
          .select('c.id')
          .where('c.workspace_id', '=', ws)
          .where('c.id', '=', id)
          .where('c.status', '=', 'pending')
          .forUpdate()
          .skipLocked(),
      ),
    )
    .returning('id')
    .executeTakeFirst();
  return row !== undefined;
}

/**
 * Marks the message answered, if the lease taken until `leaseUntil` is still the message's
 * (the lease's end is its token: another worker that claimed the message after it expired set
 * its own). False when it is not: the caller's turn must not be recorded.
 */
export async function finishInbound(tx: Tx, ws: string, id: string, now: Date, leaseUntil: Date): Promise<boolean> {
  const row = await tx.db
    .updateTable('channel_inbox')
    .set({ status: 'done', processed_at: now, attempts: sql<number>`attempts + 1`, last_error: null })
    .where('workspace_id', '=', ws)
    .where('id', '=', id)
    .where('status', '=', 'pending')
    .where('next_attempt_at', '=', leaseUntil)
    .returning('id')
    .executeTakeFirst();
  return row !== undefined;
}

export async function retryInbound(tx: Tx, ws: string, id: string, u: { error: string; nextAttemptAt: Date | null }): Promise<void> {
  await tx.db
    .updateTable('channel_inbox')
    .set({
      attempts: sql<number>`attempts + 1`,
      last_error: u.error.slice(0, 1000),
      ...(u.nextAttemptAt ? { next_attempt_at: u.nextAttemptAt } : { status: 'failed' }),
    })
    .where('workspace_id', '=', ws)
    .where('id', '=', id)
    .where('status', '=', 'pending')
    .execute();
}

/** Opens or refreshes the contact's customer-service window; never moves it back. */
export async function touchWindow(tx: Tx, ws: string, contactId: string, channel: string, at: Date): Promise<void> {
  await tx.db
    .insertInto('contact_channel_windows')
    .values({ workspace_id: ws, contact_id: contactId, channel, last_inbound_at: at })
    .onConflict((oc) =>
      oc.columns(['workspace_id', 'contact_id', 'channel']).doUpdateSet({
        last_inbound_at: sql<Date>`greatest(contact_channel_windows.last_inbound_at, excluded.last_inbound_at)`,
      }),
    )
    .execute();
}

/** When the contact last wrote on the channel (WhatsApp's 24-hour window), if ever. */
export async function lastInboundAt(tx: Tx, ws: string, contactId: string, channel: string): Promise<Date | null> {
  const row = await tx.db
    .selectFrom('contact_channel_windows')
    .select('last_inbound_at')
    .where('workspace_id', '=', ws)
    .where('contact_id', '=', contactId)
    .where('channel', '=', channel)
    .executeTakeFirst();
  return row?.last_inbound_at ?? null;
}

// Outbox -------------------------------------------------------------------------------------

export interface Claimed {
  workspace_id: string;
  message_id: string;
  channel: string;
  attempts: number;
}

/**
 * Service role: claims due rows (committed with the caller's transaction) so no other worker
 * sends them: pending rows whose time has come, and, when `unknownBefore` is given, rows whose
 * claim expired before it without the provider ever reporting them (see the outbox in 0016).
 */
export async function claimOutbox(tx: Tx, o: { now: Date; leaseMs: number; unknownBefore: Date | null; channels: string[]; limit: number }): Promise<Claimed[]> {
  if (o.channels.length === 0) return [];
  const { rows } = await tx.query<Claimed>(
    `update public.outbox o
        set status = 'sending', attempts = o.attempts + 1, claimed_until = $1::timestamptz + $2 * interval '1 millisecond'
       from (select workspace_id, message_id from public.outbox
              where channel = any($3::text[])
                and ((status = 'pending' and next_attempt_at <= $1)
                  or (status = 'sending' and claimed_until <= $4::timestamptz))
              order by next_attempt_at
              limit $5
                for update skip locked) due
      where o.workspace_id = due.workspace_id and o.message_id = due.message_id
      returning o.workspace_id, o.message_id, o.channel, o.attempts`,
    [o.now, o.leaseMs, o.channels, o.unknownBefore, o.limit],
  );
  return rows;
}

/** The provider took the message. A status callback may have said so first: then nothing changes. */
export async function recordSent(tx: Tx, ws: string, messageId: string, providerMessageId: string, now: Date): Promise<void> {
  await tx.db
    .updateTable('outbox')
    .set({ status: 'sent', provider_message_id: providerMessageId, sent_at: now, claimed_until: null, last_error: null })
    .where('workspace_id', '=', ws)
    .where('message_id', '=', messageId)
    .where('status', 'in', ['sending', 'pending'])
    .execute();
}

/** Another try later, or failed for good when `nextAttemptAt` is null. True when it failed for good now. */
export async function recordAttemptFailed(tx: Tx, ws: string, messageId: string, reason: string, nextAttemptAt: Date | null): Promise<boolean> {
  const updated = await tx.db
    .updateTable('outbox')
    .set({
      last_error: reason.slice(0, 1000),
      claimed_until: null,
      ...(nextAttemptAt ? { status: 'pending', next_attempt_at: nextAttemptAt } : { status: 'failed' }),
    })
    .where('workspace_id', '=', ws)
    .where('message_id', '=', messageId)
    .where('status', '=', 'sending')
    .returning('message_id')
    .executeTakeFirst();
  return updated !== undefined && !nextAttemptAt;
}

/** The send may have happened: the claim ends now, and the reconcile window starts. */
export async function recordOutcomeUnknown(tx: Tx, ws: string, messageId: string, reason: string, now: Date): Promise<void> {
  await tx.db
    .updateTable('outbox')
    .set({ last_error: reason.slice(0, 1000), claimed_until: now })
    .where('workspace_id', '=', ws)
    .where('message_id', '=', messageId)
    .where('status', '=', 'sending')
    .execute();
}

/** A queued message that is no longer queued (sent by a reconciled callback, or failed): the outbox row follows it. */
export async function settleOutbox(tx: Tx, ws: string, messageId: string, status: 'sent' | 'failed'): Promise<void> {
  await tx.db
    .updateTable('outbox')
    .set({ status, claimed_until: null })
    .where('workspace_id', '=', ws)
    .where('message_id', '=', messageId)
    .where('status', 'in', ['sending', 'pending'])
    .execute();
}

// Status callbacks -----------------------------------------------------------------------------

/** Our message, reported by the provider before we recorded its id: the report says the send happened. */
export async function settleReportedSend(tx: Tx, ws: string, messageId: string, providerMessageId: string, now: Date): Promise<void> {
  await tx.db
    .updateTable('outbox')
    .set({ status: 'sent', provider_message_id: providerMessageId, sent_at: now, claimed_until: null })
    .where('workspace_id', '=', ws)
    .where('message_id', '=', messageId)
    .where('status', 'in', ['sending', 'pending'])
    .execute();
}
