import { sql, type Expression, type Insertable, type Selectable, type SqlBool, type Updateable } from 'kysely';
import type { Tx } from '../../platform/db/database.ts';
import type { Conversations, Messages } from '../../platform/db/schema.ts';
import type { taggedContactIds } from '../contacts/index.ts';

const CONVERSATION = [
  'id', 'contact_id', 'channel', 'status', 'owner', 'assignee_id', 'snoozed_until', 'last_message_at', 'last_inbound_at',
  'unread_count', 'metadata', 'created_at', 'updated_at',
] as const;

const MESSAGE = [
  'id', 'conversation_id', 'channel', 'direction', 'sender_kind', 'sender_user_id', 'body', 'content_type', 'media',
  'provider_message_id', 'delivery_status', 'error', 'metadata', 'created_at', 'updated_at',
] as const;

export type ConversationRow = Pick<Selectable<Conversations>, (typeof CONVERSATION)[number]>;
export type MessageRow = Pick<Selectable<Messages>, (typeof MESSAGE)[number]>;

export async function findConversation(tx: Tx, ws: string, id: string): Promise<ConversationRow | undefined> {
  return tx.db.selectFrom('conversations').select(CONVERSATION).where('workspace_id', '=', ws).where('id', '=', id).executeTakeFirst();
}

/** The contact's thread on `channel` that is not resolved (there is at most one). */
export async function findUnresolved(tx: Tx, ws: string, contactId: string, channel: string, except?: string) {
  let q = tx.db
    .selectFrom('conversations')
    .select('id')
    .where('workspace_id', '=', ws)
    .where('contact_id', '=', contactId)
    .where('channel', '=', channel)
    .where('status', '<>', 'resolved');
  if (except) q = q.where('id', '<>', except);
  return (await q.executeTakeFirst())?.id;
}

export async function insertConversation(tx: Tx, values: Insertable<Conversations>): Promise<ConversationRow> {
  return tx.db.insertInto('conversations').values(values).returning(CONVERSATION).executeTakeFirstOrThrow();
}

export async function updateConversation(tx: Tx, ws: string, id: string, set: Updateable<Conversations>) {
  return tx.db
    .updateTable('conversations')
    .set(set)
    .where('workspace_id', '=', ws)
    .where('id', '=', id)
    .returning(CONVERSATION)
    .executeTakeFirst();
}

/** Where the previous page ended, in the list's order: last_message_at desc nulls last, id desc. */
export interface InboxPosition {
  /** last_message_at, ISO 8601 in UTC with microseconds, exactly as the database has it. */
  at: string | null;
  id: string;
}

export interface InboxFilter {
  /** open includes threads whose snooze time has passed; snoozed excludes them. */
  status?: string | undefined;
  /** When the snoozes are judged. */
  now: Date;
  /** A person owns the thread, it is not resolved, and the customer spoke last. */
  needsPerson?: boolean | undefined;
  /** Unread for this person (their read marker), or for the team (unread_count) without one. */
  unread?: { userId: string | undefined } | undefined;
  /** Words in any message of the thread (case-insensitive). */
  q?: string | undefined;
  channel?: string | undefined;
  owner?: string | undefined;
  /** A user id, or null for unassigned. */
  assignee?: string | null | undefined;
  contactId?: string | undefined;
  /** Restricts to these contacts. */
  contactIn?: ReturnType<typeof taggedContactIds> | undefined;
  after?: InboxPosition | undefined;
  limit: number;
}

/** The inbox, most recent activity first, limit + 1 rows; each with its position for the cursor. */
export async function listConversations(tx: Tx, ws: string, f: InboxFilter) {
  let q = tx.db
    .selectFrom('conversations')
    .select(CONVERSATION)
    .select(sql<string | null>`to_char(last_message_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`.as('position_at'))
    .where('workspace_id', '=', ws);
  const now = sql<Date>`${f.now}::timestamptz`;
  if (f.status === 'open') {
    q = q.where((eb) => eb.or([eb('status', '=', 'open'), eb.and([eb('status', '=', 'snoozed'), eb('snoozed_until', '<=', now)])]));
  } else if (f.status === 'snoozed') {
    q = q.where('status', '=', 'snoozed').where((eb) => eb.or([eb('snoozed_until', 'is', null), eb('snoozed_until', '>', now)]));
  } else if (f.status !== undefined) {
    q = q.where('status', '=', f.status);
  }
  if (f.needsPerson !== undefined) q = q.where(needsPerson(f.needsPerson));
  if (f.unread !== undefined) {
    const userId = f.unread.userId;
    q = q.where(
      userId === undefined
        ? sql<SqlBool>`conversations.unread_count > 0`
        : sql<SqlBool>`conversations.last_inbound_at > coalesce((select r.last_read_at from conversation_reads r
            where r.workspace_id = conversations.workspace_id and r.conversation_id = conversations.id and r.user_id = ${userId}), '-infinity')`,
    );
  }
  if (f.q !== undefined) {
    const pattern = `%${f.q.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`;
    q = q.where(
      sql<SqlBool>`exists (select 1 from conversation_messages m where m.workspace_id = conversations.workspace_id
        and m.conversation_id = conversations.id and m.body ilike ${pattern})`,
    );
  }
  if (f.channel !== undefined) q = q.where('channel', '=', f.channel);
  if (f.owner !== undefined) q = q.where('owner', '=', f.owner);
  if (f.assignee === null) q = q.where('assignee_id', 'is', null);
  else if (f.assignee !== undefined) q = q.where('assignee_id', '=', f.assignee);
  if (f.contactId !== undefined) q = q.where('contact_id', '=', f.contactId);
  if (f.contactIn !== undefined) q = q.where('contact_id', 'in', f.contactIn);
  const after = f.after;
  if (after) {
    q = q.where((eb): Expression<SqlBool> => {
      if (after.at === null) return eb.and([eb('last_message_at', 'is', null), eb('id', '<', after.id)]);
      const at = sql<Date>`${after.at}::timestamptz`;
      return eb.or([
        eb('last_message_at', '<', at),
        eb.and([eb('last_message_at', '=', at), eb('id', '<', after.id)]),
        eb('last_message_at', 'is', null),
      ]);
    });
  }
  return q
    .orderBy('last_message_at', (o) => o.desc().nullsLast())
    .orderBy('id', 'desc')
    .limit(f.limit + 1)
    .execute();
}

/** Whether the thread waits on a person: they own it, it is open, and the customer spoke last. */
const needsPerson = (yes: boolean) => {
  const cond = sql<SqlBool>`(conversations.owner = 'human' and conversations.status <> 'resolved'
    and conversations.last_inbound_at is not null and conversations.last_inbound_at >= coalesce(conversations.last_message_at, '-infinity'))`;
  return yes ? cond : sql<SqlBool>`not ${cond}`;
};

/** Unread inbound messages per thread for this person: those after their read marker. */
export async function unreadFor(tx: Tx, ws: string, userId: string, conversationIds: string[]): Promise<Map<string, number>> {
  if (conversationIds.length === 0) return new Map();
  const rows = await sql<{ id: string; n: number | string }>`
    select c.id, (select count(*) from conversation_messages m
                   where m.workspace_id = c.workspace_id and m.conversation_id = c.id and m.direction = 'inbound'
                     and m.created_at > coalesce(r.last_read_at, '-infinity')) as n
      from conversations c
      left join conversation_reads r on r.workspace_id = c.workspace_id and r.conversation_id = c.id and r.user_id = ${userId}
     where c.workspace_id = ${ws} and c.id = any(${conversationIds}::uuid[])`.execute(tx.db);
  return new Map(rows.rows.map((r) => [r.id, Number(r.n)]));
}

/** Moves this person's read marker forward to `at` (never back). */
export async function markRead(tx: Tx, ws: string, conversationId: string, userId: string, at: Date): Promise<void> {
  await tx.db
    .insertInto('conversation_reads')
    .values({ workspace_id: ws, conversation_id: conversationId, user_id: userId, last_read_at: at })
    .onConflict((oc) =>
      oc.columns(['workspace_id', 'conversation_id', 'user_id']).doUpdateSet({
        last_read_at: sql<Date>`greatest(conversation_reads.last_read_at, excluded.last_read_at)`,
      }),
    )
    .execute();
}

/** When a message of the conversation was written; undefined when it is not one of its messages. */
export async function messageTime(tx: Tx, ws: string, conversationId: string, messageId: string): Promise<Date | undefined> {
  const row = await tx.db
    .selectFrom('conversation_messages')
    .select('created_at')
    .where('workspace_id', '=', ws)
    .where('conversation_id', '=', conversationId)
    .where('id', '=', messageId)
    .executeTakeFirst();
  return row ? (row.created_at ?? undefined) : undefined;
}

/**
 * The latest `limit + 1` messages (before `before`, a message of the conversation), newest
 * first. An SMS thread's texts live in sms_messages; conversation_messages (0017) shows them
 * in the thread, shaped as messages.
 */
export async function latestMessages(tx: Tx, ws: string, conversationId: string, limit: number, before?: string): Promise<MessageRow[]> {
  let q = tx.db
    .selectFrom('conversation_messages as m')
    .select(MESSAGE.map((c) => `m.${c}` as const))
    .where('m.workspace_id', '=', ws)
    .where('m.conversation_id', '=', conversationId);
  if (before) {
    q = q.where(
      sql<SqlBool>`(m.created_at, m.id) < (select b.created_at, b.id from conversation_messages b where b.workspace_id = ${ws} and b.conversation_id = ${conversationId} and b.id = ${before})`,
    );
  }
  // The view's columns are nullable to the type generator; both tables it unions fill them.
  return q.orderBy('m.created_at', 'desc').orderBy('m.id', 'desc').limit(limit + 1).$castTo<MessageRow>().execute();
}

export async function insertMessage(tx: Tx, values: Insertable<Messages>): Promise<MessageRow> {
  return tx.db.insertInto('messages').values(values).returning(MESSAGE).executeTakeFirstOrThrow();
}

/** The contact's most recently active thread, resolved or not: where a notice to them belongs. */
export async function latestConversationOf(tx: Tx, ws: string, contactId: string) {
  return tx.db
    .selectFrom('conversations')
    .select(['id', 'channel', 'status'])
    .where('workspace_id', '=', ws)
    .where('contact_id', '=', contactId)
    .orderBy('last_message_at', (ob) => ob.desc().nullsLast())
    .orderBy('id', 'desc')
    .executeTakeFirst();
}

/**
 * A page of every message of the workspace (WhatsApp, web chat, voice and SMS alike, through
 * conversation_messages), oldest first by (created_at, id), with its thread's contact and
 * status: what an export of the conversations writes, a row per message.
 */
export async function messageExportPage(
  tx: Tx,
  ws: string,
  o: { from?: Date | undefined; to?: Date | undefined; after?: InboxPosition | undefined; limit: number },
) {
  let q = tx.db
    .selectFrom('conversation_messages as m')
    .innerJoin('conversations as c', (j) => j.onRef('c.workspace_id', '=', 'm.workspace_id').onRef('c.id', '=', 'm.conversation_id'))
    .select([
      'm.id', 'm.created_at', 'm.conversation_id', 'm.channel', 'c.contact_id', 'c.status as conversation_status', 'm.direction',
      'm.sender_kind', 'm.sender_user_id', 'm.content_type', 'm.body', 'm.delivery_status', 'm.error',
    ])
    // The position to the microsecond: a Date would cut it to the millisecond and repeat rows.
    .select(sql<string>`to_char(m.created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`.as('position_at'))
    .where('m.workspace_id', '=', ws)
    .where('c.workspace_id', '=', ws);
  if (o.from) q = q.where('m.created_at', '>=', o.from);
  if (o.to) q = q.where('m.created_at', '<', o.to);
  if (o.after) q = q.where(sql<SqlBool>`(m.created_at, m.id) > (${o.after.at}::timestamptz, ${o.after.id}::uuid)`);
  return q.orderBy('m.created_at').orderBy('m.id').limit(o.limit + 1).execute();
}
