import { sql } from 'kysely';
import type { Tx } from '../../platform/db/database.ts';
import { newId } from '../../platform/ids.ts';

/**
 * The writes a channel's turn makes on the inbox: find or open the contact's thread, lock who
 * answers it, record the customer's message once (a provider's redelivery is recognised by its
 * message id), queue the reply, and move the thread up. Texts live in sms_messages (DESIGN.md:
 * each message is stored once, SMS there), every other channel in messages. The rules these
 * keep (one open thread per channel, forward-only statuses, the outbox) are in the database.
 */

export type ThreadChannel = 'whatsapp' | 'sms' | 'webchat' | 'voice';

export interface InboxThread {
  id: string;
  owner: string;
}

/** The contact's unresolved thread on the channel, or a new one the assistant answers. */
export async function openThread(tx: Tx, ws: string, contactId: string, channel: ThreadChannel): Promise<InboxThread> {
  const find = () =>
    tx.db
      .selectFrom('conversations')
      .select(['id', 'owner'])
      .where('workspace_id', '=', ws)
      .where('contact_id', '=', contactId)
      .where('channel', '=', channel)
      .where('status', '<>', 'resolved')
      .executeTakeFirst();
  const open = await find();
  if (open) return open;
  // A concurrent first message may open it first: the partial unique index lets one through.
  const created = await tx.db
    .insertInto('conversations')
    .values({ id: newId(), workspace_id: ws, contact_id: contactId, channel, status: 'open', owner: 'ai' })
    .onConflict((oc) => oc.doNothing())
    .returning(['id', 'owner'])
    .executeTakeFirst();
  return created ?? (await find())!;
}

/** Locks the thread and reads who answers it now, as committed by anyone. */
export async function lockOwner(tx: Tx, ws: string, conversationId: string): Promise<string> {
  const row = await tx.db
    .selectFrom('conversations')
    .select('owner')
    .where('workspace_id', '=', ws)
    .where('id', '=', conversationId)
    .forUpdate()
    .executeTakeFirstOrThrow();
  return row.owner;
}

/**
 * A person answers the thread from now on (the assistant handed it over outside a turn, after a
 * payment's news); unlike staff taking over, nobody is assigned.
 */
export async function handOverThread(tx: Tx, ws: string, conversationId: string): Promise<void> {
  await tx.db.updateTable('conversations').set({ owner: 'human' }).where('workspace_id', '=', ws).where('id', '=', conversationId).execute();
}

/**
 * What a text's row keeps beside its body: the customer's number (the turn knows it), and the
 * workspace's number it was sent to and its segments, as the provider's webhook reported them.
 */
export interface TextDetails {
  phone: string | null;
  businessNumber?: string | null | undefined;
  segments?: number | null | undefined;
}

/**
 * Undefined when the provider's message id was recorded before (a redelivery). Text messages
 * are kept in sms_messages (DESIGN.md: each message is stored once, SMS there), with the
 * details the caller gives; the rest in messages.
 */
export async function recordInbound(
  tx: Tx,
  ws: string,
  m: { conversationId: string; channel: ThreadChannel; body: string; providerMessageId: string | undefined; now: Date; text?: TextDetails | undefined },
): Promise<string | undefined> {
  if (m.channel === 'sms') {
    const { rows } = await sql<{ id: string }>`
      insert into public.sms_messages
        (id, workspace_id, contact_id, conversation_id, phone_number, direction, message_body, status, provider_message_id, business_number, num_segments, created_at, updated_at)
      select ${newId()}::uuid, c.workspace_id, c.contact_id, c.id, ${m.text?.phone ?? ''}::text, 'inbound', ${m.body}::text, 'received', ${m.providerMessageId ?? null}::text,
             ${m.text?.businessNumber ?? null}::text, ${m.text?.segments ?? null}::int, ${m.now}::timestamptz, ${m.now}::timestamptz
        from public.conversations c
       where c.workspace_id = ${ws}::uuid and c.id = ${m.conversationId}::uuid
      on conflict (workspace_id, provider_message_id) do nothing
      returning id`.execute(tx.db);
    return rows[0]?.id;
  }
  const row = await tx.db
    .insertInto('messages')
    .values({
      id: newId(),
      workspace_id: ws,
      conversation_id: m.conversationId,
      channel: m.channel,
      direction: 'inbound',
      sender_kind: 'contact',
      body: m.body,
      provider_message_id: m.providerMessageId ?? null,
      delivery_status: 'received',
      created_at: m.now,
      updated_at: m.now,
    })
    .onConflict((oc) => oc.columns(['workspace_id', 'channel', 'provider_message_id']).doNothing())
    .returning('id')
    .executeTakeFirst();
  return row?.id;
}

/** The assistant's reply to an inbound message, if it gave one. */
export async function findEarlierReply(tx: Tx, ws: string, channel: ThreadChannel, providerMessageId: string): Promise<string | null> {
  if (channel === 'sms') {
    const row = await tx.db
      .selectFrom('sms_messages as inbound')
      .innerJoin('sms_messages as reply', (j) =>
        j.onRef('reply.workspace_id', '=', 'inbound.workspace_id').on(sql<boolean>`reply.metadata->>'in_reply_to' = inbound.id::text`),
      )
      .select('reply.message_body')
      .where('inbound.workspace_id', '=', ws)
      .where('inbound.direction', '=', 'inbound')
      .where('inbound.provider_message_id', '=', providerMessageId)
      .executeTakeFirst();
    return row?.message_body ?? null;
  }
  return (await messageAndReply(tx, ws, channel, providerMessageId))?.reply?.body ?? null;
}

/**
 * What the channel's sender reads on a reply: which message it answers and which turn wrote it,
 * and that a handoff notice goes out even though a person owns the thread by then.
 */
const replyMetadata = (m: { inReplyTo: string; ariMessageId: string; handoff: boolean }) => ({
  in_reply_to: m.inReplyTo,
  ari_message_id: m.ariMessageId,
  ...(m.handoff ? { handoff: true } : {}),
});

/**
 * The reply, queued for its channel: an SMS row in sms_messages that the SMS worker sends to
 * the number the customer wrote from and from the number they wrote to, both kept on the text it
 * answers (the outbox of messages carries the other channels).
 */
export async function queueReply(
  tx: Tx,
  ws: string,
  m: { conversationId: string; channel: ThreadChannel; body: string; inReplyTo: string; ariMessageId: string; handoff: boolean; now: Date },
): Promise<void> {
  if (m.channel === 'sms') {
    await sql`
      insert into public.sms_messages
        (id, workspace_id, contact_id, conversation_id, phone_number, direction, message_body, status, business_number, next_attempt_at, metadata, created_at, updated_at)
      select ${newId()}::uuid, c.workspace_id, c.contact_id, c.id, coalesce(i.phone_number, ''), 'outbound', ${m.body}::text, 'queued', i.business_number,
             ${m.now}::timestamptz, ${JSON.stringify(replyMetadata(m))}::jsonb, ${m.now}::timestamptz, ${m.now}::timestamptz
        from public.conversations c
        left join public.sms_messages i on i.workspace_id = c.workspace_id and i.id = ${m.inReplyTo}::uuid
       where c.workspace_id = ${ws}::uuid and c.id = ${m.conversationId}::uuid`.execute(tx.db);
    return;
  }
  await tx.db
    .insertInto('messages')
    .values({
      id: newId(),
      workspace_id: ws,
      conversation_id: m.conversationId,
      channel: m.channel,
      direction: 'outbound',
      sender_kind: 'assistant',
      body: m.body,
      delivery_status: 'queued',
      metadata: JSON.stringify(replyMetadata(m)),
      created_at: m.now,
      updated_at: m.now,
    })
    .execute();
}

/** A new inbound message: the thread moves up the inbox, counts as unread and wakes if it slept. */
export async function recordInboundActivity(tx: Tx, ws: string, conversationId: string, now: Date, handOver: boolean): Promise<void> {
  await tx.db
    .updateTable('conversations')
    .set({
      last_message_at: now,
      last_inbound_at: now,
      unread_count: sql<number>`unread_count + 1`,
      status: 'open',
      snoozed_until: null,
      ...(handOver ? { owner: 'human' } : {}),
    })
    .where('workspace_id', '=', ws)
    .where('id', '=', conversationId)
    .execute();
}

// What a channel shows the customer -----------------------------------------------------------

export interface ChatMessageRow {
  id: string;
  direction: string;
  sender_kind: string;
  body: string;
  created_at: Date;
}

const MESSAGE_COLUMNS = ['m.id', 'm.direction', 'm.sender_kind', 'm.body', 'm.created_at'] as const;

/** The inbound message recorded under a provider's message id on `channel`, and the reply to it if one was queued. */
export async function messageAndReply(
  tx: Tx,
  ws: string,
  channel: ThreadChannel,
  providerMessageId: string,
): Promise<{ message: ChatMessageRow; reply: ChatMessageRow | undefined } | undefined> {
  const message = await tx.db
    .selectFrom('messages as m')
    .select([...MESSAGE_COLUMNS, 'm.conversation_id'])
    .where('m.workspace_id', '=', ws)
    .where('m.channel', '=', channel)
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
 * The contact's messages on `channel` after `after` (a message id; ids are UUIDv7, so later
 * ones sort after), oldest first. Outbound messages not yet shown are included whatever their
 * id: a staff reply can commit after a later message was already polled.
 */
export async function messagesAfter(tx: Tx, ws: string, contactId: string, channel: ThreadChannel, after: string | undefined, limit: number): Promise<ChatMessageRow[]> {
  return tx.db
    .selectFrom('messages as m')
    .innerJoin('conversations as c', (j) => j.onRef('c.workspace_id', '=', 'm.workspace_id').onRef('c.id', '=', 'm.conversation_id'))
    .select(MESSAGE_COLUMNS)
    .where('m.workspace_id', '=', ws)
    .where('c.contact_id', '=', contactId)
    .where('m.channel', '=', channel)
    .where((eb) =>
      after === undefined
        ? eb.val(true)
        : eb.or([eb('m.id', '>', after), eb.and([eb('m.direction', '=', 'outbound'), eb('m.delivery_status', 'in', ['queued', 'sent'])])]),
    )
    .orderBy('m.id')
    .limit(limit)
    .execute();
}

/** Outbound messages on `channel` the customer has now been shown (web chat delivers by showing). */
export async function markShown(tx: Tx, ws: string, channel: ThreadChannel, ids: string[], now: Date): Promise<void> {
  if (ids.length === 0) return;
  await tx.db
    .updateTable('messages')
    .set({ delivery_status: 'delivered', updated_at: now })
    .where('workspace_id', '=', ws)
    .where('id', 'in', ids)
    .where('channel', '=', channel)
    .where('direction', '=', 'outbound')
    .where('delivery_status', 'in', ['queued', 'sent'])
    .execute();
}
