import { sql } from 'kysely';
import type { Tx } from '../../../platform/db/database.ts';

/**
 * Web chat's queries: the visitor's guest session (seed 003's guest_sessions, which also
 * serves guest checkout, so one token books and chats), the contact it speaks for, and the
 * visitor's messages in the inbox tables.
 */

export interface WebchatSession {
  id: string;
  contactId: string | null;
  expiresAt: Date;
}

export async function insertContact(tx: Tx, c: { id: string; workspaceId: string; name: string | null; email: string | null; locale: string | null; now: Date }): Promise<void> {
  await tx.db
    .insertInto('contacts')
    .values({ id: c.id, workspace_id: c.workspaceId, name: c.name, email: c.email, locale: c.locale, source: 'webchat', last_contact: c.now, created_at: c.now, updated_at: c.now })
    .execute();
}

export async function insertSession(
  tx: Tx,
  s: { id: string; workspaceId: string; token: string; email: string; fullName: string; contactId: string; origin: string; expiresAt: Date; now: Date },
): Promise<void> {
  await tx.db
    .insertInto('guest_sessions')
    .values({
      id: s.id,
      workspace_id: s.workspaceId,
      session_token: s.token,
      email: s.email,
      full_name: s.fullName,
      metadata: JSON.stringify({ channel: 'webchat', contact_id: s.contactId, origin: s.origin }),
      expires_at: s.expiresAt,
      created_at: s.now,
    })
    .execute();
}

/**
 * The session of the guest token in the transaction's claims. Run as the anon actor holding
 * the token: seed 003's policy shows a guest only the session whose token they hold, in the
 * claimed workspace, so another workspace's token finds nothing.
 */
export async function sessionOfClaimedToken(tx: Tx, token: string): Promise<WebchatSession | undefined> {
  const row = await tx.db
    .selectFrom('guest_sessions')
    .select(['id', 'expires_at', sql<string | null>`metadata->>'contact_id'`.as('contact_id')])
    .where('session_token', '=', token)
    .executeTakeFirst();
  return row && { id: row.id, contactId: row.contact_id, expiresAt: row.expires_at };
}

export interface ChatMessageRow {
  id: string;
  direction: string;
  sender_kind: string;
  body: string;
  created_at: Date;
}

const MESSAGE_COLUMNS = ['m.id', 'm.direction', 'm.sender_kind', 'm.body', 'm.created_at'] as const;

/** The inbound message a visitor sent under this key, and the assistant's reply to it. */
export async function messageAndReply(tx: Tx, ws: string, providerMessageId: string): Promise<{ message: ChatMessageRow; reply: ChatMessageRow | undefined } | undefined> {
  const message = await tx.db
    .selectFrom('messages as m')
    .select([...MESSAGE_COLUMNS, 'm.conversation_id'])
    .where('m.workspace_id', '=', ws)
    .where('m.channel', '=', 'webchat')
    .where('m.provider_message_id', '=', providerMessageId)
    .executeTakeFirst();
  if (!message) return undefined;
  const reply = await tx.db
    .selectFrom('messages as m')
    .select(MESSAGE_COLUMNS)
    .where('m.workspace_id', '=', ws)
    .where('m.conversation_id', '=', message.conversation_id)
    .where(sql<boolean>`m.metadata->>'in_reply_to' = ${message.id}::text`)
    .executeTakeFirst();
  const { conversation_id: _thread, ...inbound } = message;
  return { message: inbound, reply };
}

/**
 * The contact's web chat messages after `after` (a message id; ids are UUIDv7, so later
 * ones sort after), oldest first. Outbound messages not yet shown are included whatever their
 * id: a staff reply can commit after a later message was already polled.
 */
export async function messagesAfter(tx: Tx, ws: string, contactId: string, after: string | undefined, limit: number): Promise<ChatMessageRow[]> {
  return tx.db
    .selectFrom('messages as m')
    .innerJoin('conversations as c', (j) => j.onRef('c.workspace_id', '=', 'm.workspace_id').onRef('c.id', '=', 'm.conversation_id'))
    .select(MESSAGE_COLUMNS)
    .where('m.workspace_id', '=', ws)
    .where('c.contact_id', '=', contactId)
    .where('m.channel', '=', 'webchat')
    .where((eb) =>
      after === undefined
        ? eb.val(true)
        : eb.or([eb('m.id', '>', after), eb.and([eb('m.direction', '=', 'outbound'), eb('m.delivery_status', 'in', ['queued', 'sent'])])]),
    )
    .orderBy('m.id')
    .limit(limit)
    .execute();
}

/** Outbound web chat messages the visitor has now been shown. */
export async function markDelivered(tx: Tx, ws: string, ids: string[], now: Date): Promise<void> {
  if (ids.length === 0) return;
  await tx.db
    .updateTable('messages')
    .set({ delivery_status: 'delivered', updated_at: now })
    .where('workspace_id', '=', ws)
    .where('id', 'in', ids)
    .where('channel', '=', 'webchat')
    .where('direction', '=', 'outbound')
    .where('delivery_status', 'in', ['queued', 'sent'])
    .execute();
}
