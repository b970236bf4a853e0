import { sql } from 'kysely';
import type { Tx } from '../../../platform/db/database.ts';
import { newId } from '../../../platform/ids.ts';
import type { Persona } from '../engines/ari/index.ts';
import { existingPhones, insertContact } from '../../contacts/index.ts';
import type { ThreadChannel } from '../../conversations/index.ts';

/**
 * The turn's own store (DESIGN.md: the engines know no tables): the assistant's record
 * (ari_conversations, ari_messages, ari_config). Contacts and the inbox are written through
 * their modules' functions (contacts' findOrCreateContactByPhone, syncLead; conversations'
 * openThread, recordInbound, queueReply), which take the turn's transaction.
 */

export type Channel = ThreadChannel;

// The assistant's record ---------------------------------------------------------------------

export interface AriConversation {
  id: string;
  state: string;
  lead_score: number;
  lead_temperature: string | null;
  context: unknown;
  /** The A/B arm the conversation was given, if any. */
  ai_model: string | null;
  /** The workspace's assistant configuration version (ari_config, 0044), or null while it has no ari_config row. */
  config_version: string | null;
  /** The last `historyLimit` user and assistant messages before this turn's, oldest first. */
  history: { role: 'user' | 'assistant'; content: string }[];
}

/**
 * The contact's assistant record (one per contact), made on first contact and locked, so
 * that two messages of the same person are decided one after the other. The record of a
 * returning customer is found and locked in one round trip; only a first message inserts.
 * The same statement reads the configuration version the turn's cache is checked against.
 */
export async function lockAriConversation(tx: Tx, ws: string, contactId: string, conversationId: string, historyLimit: number): Promise<AriConversation> {
  const locked = () =>
    tx.db
      .selectFrom('ari_conversations')
      .select(['id', 'state', 'lead_score', 'lead_temperature', 'context', 'ai_model'])
      .select((eb) => eb.selectFrom('ari_config').select('config_version').where('ari_config.workspace_id', '=', ws).as('config_version'))
      // The history in the same round trip (recentAriMessages' order), read under the lock.
      .select(
        sql<AriConversation['history']>`(select coalesce(json_agg(json_build_object('role', h.role, 'content', h.content) order by h.created_at, h.id), '[]'::json)
           from (select m.role, m.content, m.created_at, m.id from ari_messages m
                  where m.workspace_id = ${ws} and m.ari_conversation_id = ari_conversations.id and m.role in ('user', 'assistant')
                  order by m.created_at desc, m.id desc limit ${historyLimit}) h)`.as('history'),
      )
      .where('workspace_id', '=', ws)
      .where('contact_id', '=', contactId)
      .forUpdate('ari_conversations')
      .executeTakeFirst();
  const found = await locked();
  if (found) return found;
  await tx.db
    .insertInto('ari_conversations')
    .values({ id: newId(), workspace_id: ws, contact_id: contactId, conversation_id: conversationId })
    .onConflict((oc) => oc.columns(['workspace_id', 'contact_id']).doNothing())
    .execute();
  const made = await locked();
  if (!made) throw new Error('the assistant record was neither found nor made');
  return made;
}

export interface AriUpdate {
  state: string;
  lead_score: number;
  lead_temperature: string | null;
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
 * A turn that leaves the database while its model writes keeps its decision on the customer's
 * message (metadata.resume), so that a retry of a turn cut off there (its worker died) can
 * finish it from the same decision rather than lose the reply or decide again on a state the
 * decision already moved.
 */
export async function keepUnanswered(tx: Tx, ws: string, questionId: string, resume: { provider_message_id: string; inbound_id: string; decision: unknown }): Promise<void> {
  await tx.db
    .updateTable('ari_messages')
    .set({ metadata: sql`metadata || jsonb_build_object('resume', ${JSON.stringify(resume)}::jsonb)` })
    .where('workspace_id', '=', ws)
    .where('id', '=', questionId)
    .execute();
}

/** The kept decision of a turn on this provider message that recorded no reply yet (see keepUnanswered). */
export async function findUnanswered(tx: Tx, ws: string, ariConversationId: string, providerMessageId: string): Promise<{ questionId: string; inboundId: string; decision: unknown } | undefined> {
  const row = await tx.db
    .selectFrom('ari_messages as q')
    .select(['q.id', sql<{ inbound_id: string; decision: unknown }>`q.metadata->'resume'`.as('resume')])
    .where('q.workspace_id', '=', ws)
    .where('q.ari_conversation_id', '=', ariConversationId)
    .where('q.role', '=', 'user')
    .where(sql<string>`q.metadata->'resume'->>'provider_message_id'`, '=', providerMessageId)
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom('ari_messages as r')
            .select('r.id')
            .where('r.workspace_id', '=', ws)
            .where('r.ari_conversation_id', '=', ariConversationId)
            .where('r.role', '=', 'assistant')
            .where(sql<string>`r.metadata->>'reply_to'`, '=', sql<string>`q.id::text`),
        ),
      ),
    )
    .executeTakeFirst();
  return row ? { questionId: row.id, inboundId: row.resume.inbound_id, decision: row.resume.decision } : undefined;
}

/**
 * Whether the customer wrote again after this question (in the order the history reads them),
 * with the record locked: a turn whose model wrote with no transaction open asks it before
 * it records its reply.
 */
export async function newerQuestion(tx: Tx, ws: string, ariConversationId: string, questionId: string): Promise<boolean> {
  await tx.db.selectFrom('ari_conversations').select('id').where('workspace_id', '=', ws).where('id', '=', ariConversationId).forUpdate().execute();
  const newer = await tx.db
    .selectFrom('ari_messages as m')
    .innerJoin('ari_messages as q', (j) => j.onRef('q.workspace_id', '=', 'm.workspace_id').onRef('q.ari_conversation_id', '=', 'm.ari_conversation_id'))
    .select('m.id')
    .where('m.workspace_id', '=', ws)
    .where('m.ari_conversation_id', '=', ariConversationId)
    .where('m.role', '=', 'user')
    .where('q.id', '=', questionId)
    .where(sql<boolean>`(m.created_at, m.id) > (q.created_at, q.id)`)
    .limit(1)
    .executeTakeFirst();
  return newer !== undefined;
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
  const candidates = Array.from({ length: 100 }, (_, i) => `+141555501${String(i).padStart(2, '0')}`);
  const taken = new Set(await existingPhones(tx, ws, candidates));
  const phone = candidates.find((c) => !taken.has(c)) ?? null;
  const id = newId();
  await insertContact(tx, { id, workspace_id: ws, phone, name: null, source: channel });
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
