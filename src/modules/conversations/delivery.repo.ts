// The delivery side of the inbox's messages: what a channel's sender reads of a queued message
// and the statuses it reports back (provider_message_id, delivery_status, error). The channels
// hold the outbox and the provider; the inbox records what they learnt. Texts have their own
// delivery functions (texts.repo.ts), since sms_messages is its own outbox.
import { sql } from 'kysely';
import type { Tx } from '../../platform/db/database.ts';

export type DeliveryStatus = 'sent' | 'delivered' | 'read' | 'failed';

export interface OutgoingMessage {
  id: string;
  conversation_id: string;
  contact_id: string;
  channel: string;
  body: string;
  sender_kind: string;
  delivery_status: string;
  provider_message_id: string | null;
  metadata: Record<string, unknown>;
  /** Who answers the thread now: 'human' once a person took it over. */
  owner: string;
}

/** A queued message with its thread's contact and owner, for its sender. */
export async function outgoingMessage(tx: Tx, ws: string, messageId: string): Promise<OutgoingMessage | undefined> {
  const row = await tx.db
    .selectFrom('messages as m')
    .innerJoin('conversations as c', (j) => j.onRef('c.workspace_id', '=', 'm.workspace_id').onRef('c.id', '=', 'm.conversation_id'))
    .select(['m.id', 'm.conversation_id', 'c.contact_id', 'm.channel', 'm.body', 'm.sender_kind', 'm.delivery_status', 'm.provider_message_id', 'm.metadata', 'c.owner'])
    .where('m.workspace_id', '=', ws)
    .where('m.id', '=', messageId)
    .executeTakeFirst();
  return row as OutgoingMessage | undefined;
}

/** The provider took the message: its id (unless a status callback recorded it first) and the status it gave. */
export async function recordMessageSent(tx: Tx, ws: string, messageId: string, providerMessageId: string, deliveryStatus: 'sent' | 'delivered'): Promise<void> {
  await tx.db
    .updateTable('messages')
    .set({ provider_message_id: sql<string>`coalesce(provider_message_id, ${providerMessageId})`, delivery_status: deliveryStatus })
    .where('workspace_id', '=', ws)
    .where('id', '=', messageId)
    .execute();
}

/** A queued message that will not be sent, with the reason the inbox shows. */
export async function recordMessageFailed(tx: Tx, ws: string, messageId: string, reason: string): Promise<void> {
  await tx.db
    .updateTable('messages')
    .set({ delivery_status: 'failed', error: reason.slice(0, 1000) })
    .where('workspace_id', '=', ws)
    .where('id', '=', messageId)
    .where('delivery_status', '=', 'queued')
    .execute();
}

/** An outgoing message by the provider's id, or by our id echoed back (WhatsApp's biz_opaque_callback_data). */
export async function findOutboundMessage(tx: Tx, ws: string, channel: string, providerMessageId: string, ourId: string | undefined) {
  return tx.db
    .selectFrom('messages')
    .select(['id', 'provider_message_id'])
    .where('workspace_id', '=', ws)
    .where('channel', '=', channel)
    .where('direction', '=', 'outbound')
    .where((eb) => (ourId ? eb.or([eb('provider_message_id', '=', providerMessageId), eb('id', '=', ourId)]) : eb('provider_message_id', '=', providerMessageId)))
    .orderBy(sql`provider_message_id = ${providerMessageId}`, 'desc')
    .executeTakeFirst();
}

/**
 * Applies a delivery status. The database keeps it forward-only (0016): a late or repeated
 * report changes nothing. The error is kept only when the message does become failed.
 */
export async function applyDeliveryStatus(tx: Tx, ws: string, messageId: string, status: DeliveryStatus, error: string | null): Promise<void> {
  await tx.db
    .updateTable('messages')
    .set({
      delivery_status: status,
      ...(status === 'failed' ? { error: sql<string>`case when delivery_status in ('queued', 'sent') then ${error} else error end` } : {}),
    })
    .where('workspace_id', '=', ws)
    .where('id', '=', messageId)
    .execute();
}

/** Our message, reported by the provider before we recorded its id: it keeps the provider's id. */
export async function adoptProviderMessageId(tx: Tx, ws: string, messageId: string, providerMessageId: string): Promise<void> {
  await tx.db
    .updateTable('messages')
    .set({ provider_message_id: providerMessageId })
    .where('workspace_id', '=', ws)
    .where('id', '=', messageId)
    .where('provider_message_id', 'is', null)
    .execute();
}

/** The turn stored an inbound message as text; keep what kind it really was. */
export async function markInboundKind(tx: Tx, ws: string, channel: string, providerMessageId: string, contentType: string): Promise<void> {
  await tx.db
    .updateTable('messages')
    .set({ content_type: contentType })
    .where('workspace_id', '=', ws)
    .where('channel', '=', channel)
    .where('provider_message_id', '=', providerMessageId)
    .where('direction', '=', 'inbound')
    .execute();
}
