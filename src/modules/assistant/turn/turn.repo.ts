import { sql } from 'kysely';
import type { Tx } from '../../../platform/db/database.ts';
import { newId } from '../../../platform/ids.ts';
import type { Persona } from '../engines/ari/index.ts';

/**
 * The turn's store (DESIGN.md: the engines know no tables): what every turn reads and writes,
 * over contacts, the inbox (messages, or sms_messages for texts) and the assistant's record
 * (ari_conversations, ari_messages, ari_config). It queries the contacts' and the inbox's
 * tables itself rather than through those modules, because a turn needs row locks and
 * conflict-tolerant inserts their services do not offer yet (issue 13's first deliverable
 * gives each table one writer); the rules they keep (one open thread per channel,
 * forward-only statuses, the outbox) are in the database, so they hold here too.
 */

export type Channel = 'whatsapp' | 'sms' | 'webchat' | 'voice';

// Contacts -----------------------------------------------------------------------------------

/** The contact with this E.164 phone, created (with `source`) when the workspace has none. */
export async function findOrCreateContact(tx: Tx, ws: string, phone: string, source: Channel): Promise<string> {
  const created = await tx.db
    .insertInto('contacts')
    .values({ id: newId(), workspace_id: ws, phone, source })
    .onConflict((oc) => oc.columns(['workspace_id', 'phone']).doNothing())
    .returning('id')
    .executeTakeFirst();
  if (created) return created.id;
  const found = await tx.db.selectFrom('contacts').select('id').where('workspace_id', '=', ws).where('phone', '=', phone).executeTakeFirstOrThrow();
  return found.id;
}

export async function contactExists(tx: Tx, ws: string, id: string): Promise<boolean> {
  return (await tx.db.selectFrom('contacts').select('id').where('workspace_id', '=', ws).where('id', '=', id).executeTakeFirst()) !== undefined;
}

export interface LeadSync {
  lead_score: number;
  lead_temperature: string;
  lead_status: string;
  /** Fill the contact's name and email from the conversation where it has none. */
  name?: string | undefined;
  email?: string | undefined;
  /** Added to the contact's tags (once each). */
  tags?: string[];
  /** Appended to the contact's notes. */
  note?: string | undefined;
  now: Date;
}

/** The assistant's judgement on the contact record; a customer stays a customer. */
export async function syncContact(tx: Tx, ws: string, id: string, s: LeadSync): Promise<void> {
  const tags = s.tags ?? [];
  await tx.db
    .updateTable('contacts')
    .set({
      lead_score: s.lead_score,
      lead_temperature: s.lead_temperature,
      lead_status: sql<string>`case when lead_status = 'customer' then lead_status else ${s.lead_status} end`,
      name: sql<string | null>`coalesce(name, ${s.name ?? null}::text)`,
      email: sql<string | null>`coalesce(email, ${s.email ?? null}::text)`,
      tags: sql<string[]>`tags || array(select t from unnest(${tags}::text[]) as t where t <> all (tags))`,
      notes: s.note ? sql<string>`case when coalesce(notes, '') = '' then ${s.note}::text else notes || E'\n\n' || ${s.note}::text end` : sql<string | null>`notes`,
      // Never back: the database's totals triggers move it forward too (0018).
      last_contact: sql<Date>`greatest(last_contact, ${s.now}::timestamptz)`,
    })
    .where('workspace_id', '=', ws)
    .where('id', '=', id)
    .execute();
}

export async function touchContact(tx: Tx, ws: string, id: string, now: Date): Promise<void> {
  await tx.db
    .updateTable('contacts')
    .set({ last_contact: sql<Date>`greatest(last_contact, ${now}::timestamptz)` })
    .where('workspace_id', '=', ws)
    .where('id', '=', id)
    .execute();
}

// The inbox ----------------------------------------------------------------------------------

export interface InboxThread {
  id: string;
  owner: string;
}

/** The contact's unresolved thread on the channel, or a new one the assistant answers. */
export async function findOrOpenConversation(tx: Tx, ws: string, contactId: string, channel: Channel): Promise<InboxThread> {
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

const E164_PATTERN = '^\\+[1-9][0-9]{6,14}$';

/**
 * Undefined when the provider's message id was recorded before (a redelivery). Text messages
 * are kept in sms_messages (DESIGN.md: each message is stored once, SMS there), with the
 * workspace's number and the segments from the webhook's stored payload; the rest in messages.
 */
export async function insertInbound(
  tx: Tx,
  ws: string,
  m: { conversationId: string; channel: Channel; body: string; providerMessageId: string | undefined; now: Date },
): Promise<string | undefined> {
  if (m.channel === 'sms') {
    const { rows } = await sql<{ id: string }>`
      insert into public.sms_messages
        (id, workspace_id, contact_id, conversation_id, phone_number, direction, message_body, status, provider_message_id, business_number, num_segments, created_at, updated_at)
      select ${newId()}::uuid, c.workspace_id, c.contact_id, c.id, coalesce(ct.phone, ''), 'inbound', ${m.body}::text, 'received', ${m.providerMessageId ?? null}::text,
             case when i.payload->>'To' ~ ${E164_PATTERN} then i.payload->>'To' end,
             case when i.payload->>'NumSegments' ~ '^[1-9][0-9]{0,3}$' then (i.payload->>'NumSegments')::int end,
             ${m.now}::timestamptz, ${m.now}::timestamptz
        from public.conversations c
        join public.contacts ct on ct.workspace_id = c.workspace_id and ct.id = c.contact_id
        left join public.channel_inbox i on i.workspace_id = c.workspace_id and i.channel = 'sms' and i.provider_message_id = ${m.providerMessageId ?? null}::text
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
export async function findEarlierReply(tx: Tx, ws: string, channel: Channel, providerMessageId: string): Promise<string | null> {
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
  const row = await tx.db
    .selectFrom('messages as inbound')
    .innerJoin('messages as reply', (j) =>
      j
        .onRef('reply.workspace_id', '=', 'inbound.workspace_id')
        .onRef('reply.conversation_id', '=', 'inbound.conversation_id')
        .on(sql<boolean>`reply.metadata->>'in_reply_to' = inbound.id::text`),
    )
    .select('reply.body')
    .where('inbound.workspace_id', '=', ws)
    .where('inbound.channel', '=', channel)
    .where('inbound.provider_message_id', '=', providerMessageId)
    .executeTakeFirst();
  return row?.body ?? null;
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
 * The reply, queued for its channel: an SMS row in sms_messages that the SMS worker sends from
 * the number the customer wrote to (the outbox of messages carries the other channels).
 */
export async function insertOutbound(
  tx: Tx,
  ws: string,
  m: { conversationId: string; channel: Channel; body: string; inReplyTo: string; ariMessageId: string; handoff: boolean; now: Date },
): Promise<void> {
  if (m.channel === 'sms') {
    await sql`
      insert into public.sms_messages
        (id, workspace_id, contact_id, conversation_id, phone_number, direction, message_body, status, business_number, next_attempt_at, metadata, created_at, updated_at)
      select ${newId()}::uuid, c.workspace_id, c.contact_id, c.id, coalesce(ct.phone, ''), 'outbound', ${m.body}::text, 'queued',
             (select i.business_number from public.sms_messages i where i.workspace_id = c.workspace_id and i.id = ${m.inReplyTo}::uuid),
             ${m.now}::timestamptz, ${JSON.stringify(replyMetadata(m))}::jsonb, ${m.now}::timestamptz, ${m.now}::timestamptz
        from public.conversations c
        join public.contacts ct on ct.workspace_id = c.workspace_id and ct.id = c.contact_id
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
export async function recordActivity(tx: Tx, ws: string, conversationId: string, now: Date, handOver: boolean): Promise<void> {
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

// The assistant's record ---------------------------------------------------------------------

export interface AriConversation {
  id: string;
  state: string;
  lead_score: number;
  lead_temperature: string | null;
  context: unknown;
}

/**
 * The contact's assistant record (one per contact), made on first contact and locked, so
 * that two messages of the same person are decided one after the other.
 */
export async function lockAriConversation(tx: Tx, ws: string, contactId: string, conversationId: string): Promise<AriConversation> {
  await tx.db
    .insertInto('ari_conversations')
    .values({ id: newId(), workspace_id: ws, contact_id: contactId, conversation_id: conversationId })
    .onConflict((oc) => oc.columns(['workspace_id', 'contact_id']).doNothing())
    .execute();
  return tx.db
    .selectFrom('ari_conversations')
    .select(['id', 'state', 'lead_score', 'lead_temperature', 'context'])
    .where('workspace_id', '=', ws)
    .where('contact_id', '=', contactId)
    .forUpdate()
    .executeTakeFirstOrThrow();
}

export interface AriUpdate {
  state: string;
  lead_score: number;
  lead_temperature: string;
  context: unknown;
  conversationId: string;
  now: Date;
  handoffReason?: string | undefined;
}

export async function updateAriConversation(tx: Tx, ws: string, id: string, u: AriUpdate): Promise<void> {
  await tx.db
    .updateTable('ari_conversations')
    .set({
      state: u.state,
      lead_score: u.lead_score,
      lead_temperature: u.lead_temperature,
      context: JSON.stringify(u.context),
      conversation_id: u.conversationId,
      last_ai_message_at: u.now,
      ...(u.handoffReason ? { handoff_at: u.now, handoff_reason: u.handoffReason } : {}),
    })
    .where('workspace_id', '=', ws)
    .where('id', '=', id)
    .execute();
}

export async function insertAriMessage(
  tx: Tx,
  ws: string,
  m: { ariConversationId: string; role: 'user' | 'assistant'; content: string; model?: string; tokens?: number; latencyMs?: number; metadata: object; now: Date },
): Promise<string> {
  const id = newId();
  await tx.db
    .insertInto('ari_messages')
    .values({
      id,
      workspace_id: ws,
      ari_conversation_id: m.ariConversationId,
      role: m.role,
      content: m.content,
      ai_model: m.model ?? null,
      tokens_used: m.tokens ?? null,
      response_time_ms: m.latencyMs ?? null,
      metadata: JSON.stringify(m.metadata),
      created_at: m.now,
    })
    .execute();
  return id;
}

/**
 * Who wrote each of these assistant replies and at what cost (the inbox shows it beside each
 * reply), by ari_messages id; ids that are not assistant rows of the workspace are left out.
 */
export async function assistantReplyFacts(
  tx: Tx,
  ws: string,
  ids: string[],
): Promise<Map<string, { model: string | null; tokens: number | null; latency_ms: number | null }>> {
  const valid = ids.filter((id) => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id));
  if (valid.length === 0) return new Map();
  const rows = await tx.db
    .selectFrom('ari_messages')
    .select(['id', 'ai_model', 'tokens_used', 'response_time_ms'])
    .where('workspace_id', '=', ws)
    .where('id', 'in', valid)
    .where('role', '=', 'assistant')
    .execute();
  return new Map(rows.map((r) => [r.id, { model: r.ai_model, tokens: r.tokens_used, latency_ms: r.response_time_ms }]));
}

/** The last `limit` user and assistant messages, oldest first. */
export async function recentAriMessages(tx: Tx, ws: string, ariConversationId: string, limit: number): Promise<{ role: 'user' | 'assistant'; content: string }[]> {
  const rows = await tx.db
    .selectFrom('ari_messages')
    .select(['role', 'content'])
    .where('workspace_id', '=', ws)
    .where('ari_conversation_id', '=', ariConversationId)
    .where('role', 'in', ['user', 'assistant'])
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
  return rows.reverse().map((r) => ({ role: r.role as 'user' | 'assistant', content: r.content }));
}

// Configuration ------------------------------------------------------------------------------

export interface AssistantSettings {
  enabled: boolean;
  persona: Persona;
}

/** The workspace's persona, or the defaults of ari_config while it has none. */
export async function loadAssistantSettings(tx: Tx, ws: string): Promise<AssistantSettings> {
  const row = await tx.db
    .selectFrom('ari_config')
    .select(['enabled', 'bot_name', 'greeting_style', 'language', 'tone', 'community_link'])
    .where('workspace_id', '=', ws)
    .executeTakeFirst();
  const tone = (row?.tone ?? {}) as Partial<Persona['tone']>;
  return {
    enabled: row?.enabled ?? true,
    persona: {
      bot_name: row?.bot_name ?? 'ARI',
      greeting_style: (row?.greeting_style ?? 'professional') as Persona['greeting_style'],
      language: row?.language ?? 'id',
      tone: { supportive: tone.supportive ?? true, clear: tone.clear ?? true, encouraging: tone.encouraging ?? true },
      community_link: row?.community_link ?? null,
    },
  };
}

// Model mode ---------------------------------------------------------------------------------

/** The A/B arm the conversation was given, if any. */
export async function findAriModel(tx: Tx, ws: string, ariConversationId: string): Promise<string | null> {
  const row = await tx.db.selectFrom('ari_conversations').select('ai_model').where('workspace_id', '=', ws).where('id', '=', ariConversationId).executeTakeFirstOrThrow();
  return row.ai_model;
}

/** Gives the conversation its arm: on first assignment, or when its former arm is no longer configured. */
export async function setAriModel(tx: Tx, ws: string, ariConversationId: string, model: string): Promise<void> {
  await tx.db.updateTable('ari_conversations').set({ ai_model: model }).where('workspace_id', '=', ws).where('id', '=', ariConversationId).execute();
}

// The playground ---------------------------------------------------------------------------------

/**
 * A stand-in customer for a playground conversation, made inside the playground's transaction
 * (which is rolled back): a number from the range kept for fiction (+1 415 555 01xx) that no
 * contact of the workspace has, or none.
 */
export async function insertPlaygroundContact(tx: Tx, ws: string, channel: Channel): Promise<{ id: string; phone: string | null }> {
  const taken = new Set(
    (await tx.db.selectFrom('contacts').select('phone').where('workspace_id', '=', ws).where('phone', 'like', '+141555501%').execute()).map((r) => r.phone),
  );
  let phone: string | null = null;
  for (let i = 0; i < 100 && phone === null; i++) {
    const candidate = `+141555501${String(i).padStart(2, '0')}`;
    if (!taken.has(candidate)) phone = candidate;
  }
  const id = newId();
  await tx.db.insertInto('contacts').values({ id, workspace_id: ws, phone, name: null, source: channel }).execute();
  return { id, phone };
}

/** The assistant's newest message to a contact, with who wrote it and what it used. */
export async function latestAssistantMessage(tx: Tx, ws: string, contactId: string): Promise<{ ai_model: string | null; metadata: unknown } | undefined> {
  return tx.db
    .selectFrom('ari_messages as m')
    .innerJoin('ari_conversations as c', (j) => j.onRef('c.workspace_id', '=', 'm.workspace_id').onRef('c.id', '=', 'm.ari_conversation_id'))
    .select(['m.ai_model', 'm.metadata'])
    .where('m.workspace_id', '=', ws)
    .where('c.contact_id', '=', contactId)
    .where('m.role', '=', 'assistant')
    .orderBy('m.id', 'desc')
    .limit(1)
    .executeTakeFirst();
}
