import { sql } from 'kysely';
import type { Tx } from '../../platform/db/database.ts';

/**
 * Amara's in-app chat transcript (seed 003's amara_conversations and amara_messages): a signed-in
 * end user's own conversations, written as that user under the owner-only policies. The chat's
 * phases, streaming and idempotency are Amara's (apps/amara/chat.ts); its statements are here.
 * Staff may read every conversation of their workspace, so what a user reads also names the user.
 */

export interface AmaraMessageRow {
  id: string;
  conversation_id: string;
  role: string;
  content: string;
  tool_calls: unknown;
  metadata: unknown;
  created_at: Date;
}

const messageColumns = ['id', 'conversation_id', 'role', 'content', 'tool_calls', 'metadata', 'created_at'] as const;

// Conversations --------------------------------------------------------------------------------

/** Whether the conversation is this user's, in this workspace. */
export async function ownsAmaraConversation(tx: Tx, ws: string, userId: string, conversationId: string): Promise<boolean> {
  const found = await tx.db
    .selectFrom('amara_conversations')
    .select('id')
    .where('workspace_id', '=', ws)
    .where('id', '=', conversationId)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  return found !== undefined;
}

export async function insertAmaraConversation(tx: Tx, c: { id: string; ws: string; userId: string; locale: string; now: Date }): Promise<void> {
  await tx.db.insertInto('amara_conversations').values({ id: c.id, workspace_id: c.ws, user_id: c.userId, locale: c.locale, last_message_at: c.now }).execute();
}

/** The conversation's locale and working memory, locked so that one conversation's turns run one after the other. */
export function lockAmaraConversation(tx: Tx, ws: string, conversationId: string) {
  return tx.db
    .selectFrom('amara_conversations')
    .select(['locale', 'context'])
    .where('workspace_id', '=', ws)
    .where('id', '=', conversationId)
    .forUpdate()
    .executeTakeFirstOrThrow();
}

/** The working memory after a turn, and the conversation moved up the user's list. */
export async function keepAmaraState(tx: Tx, ws: string, conversationId: string, state: unknown, now: Date): Promise<void> {
  await tx.db
    .updateTable('amara_conversations')
    .set({ context: JSON.stringify(state), last_message_at: now })
    .where('workspace_id', '=', ws)
    .where('id', '=', conversationId)
    .execute();
}

/** A page of the user's conversations, most recent first (keyset on last_message_at, id); one more than `limit` says there is a next page. */
export async function listAmaraConversations(tx: Tx, ws: string, userId: string, page: { limit: number; cursor?: string | undefined }) {
  let query = tx.db
    .selectFrom('amara_conversations as c')
    .select(['c.id', 'c.locale', 'c.is_active', 'c.last_message_at', 'c.created_at', sql<boolean>`c.context ? 'draft'`.as('has_draft')])
    .where('c.workspace_id', '=', ws)
    .where('c.user_id', '=', userId);
  if (page.cursor) {
    const cursor = page.cursor;
    query = query.where(({ eb, selectFrom, refTuple }) =>
      eb(
        refTuple('c.last_message_at', 'c.id'),
        '<',
        selectFrom('amara_conversations as after')
          .select(['after.last_message_at', 'after.id'])
          .where('after.workspace_id', '=', ws)
          .where('after.id', '=', cursor)
          .$asTuple('last_message_at', 'id'),
      ),
    );
  }
  return query.orderBy('c.last_message_at', 'desc').orderBy('c.id', 'desc').limit(page.limit + 1).execute();
}

// Messages -------------------------------------------------------------------------------------

/** A conversation's messages, oldest first, at most `limit`. */
export function amaraMessages(tx: Tx, ws: string, conversationId: string, limit: number): Promise<AmaraMessageRow[]> {
  return tx.db
    .selectFrom('amara_messages as m')
    .select(messageColumns.map((c) => `m.${c}` as const))
    .where('m.workspace_id', '=', ws)
    .where('m.conversation_id', '=', conversationId)
    .orderBy('m.created_at')
    .orderBy('m.id')
    .limit(limit)
    .execute();
}

/** The user's earlier message with this client id (in this conversation, when given), and the answer to it. */
export async function findAmaraRetry(
  tx: Tx,
  ws: string,
  userId: string,
  clientMessageId: string,
  conversationId: string | undefined,
): Promise<{ asked: AmaraMessageRow; answer: AmaraMessageRow } | undefined> {
  let q = tx.db
    .selectFrom('amara_messages as m')
    .innerJoin('amara_conversations as c', (j) => j.onRef('c.workspace_id', '=', 'm.workspace_id').onRef('c.id', '=', 'm.conversation_id'))
    .select(messageColumns.map((c) => `m.${c}` as const))
    .where('m.workspace_id', '=', ws)
    .where('c.user_id', '=', userId)
    .where('m.role', '=', 'user')
    .where(sql<string>`m.metadata ->> 'clientMessageId'`, '=', clientMessageId);
  if (conversationId) q = q.where('m.conversation_id', '=', conversationId);
  const asked = await q.orderBy('m.created_at').limit(1).executeTakeFirst();
  if (!asked) return undefined;
  const answer = await tx.db
    .selectFrom('amara_messages')
    .select(messageColumns)
    .where('workspace_id', '=', ws)
    .where('conversation_id', '=', asked.conversation_id)
    .where('role', '=', 'assistant')
    .where(sql<string>`metadata ->> 'replyTo'`, '=', asked.id)
    .executeTakeFirst();
  return answer ? { asked, answer } : undefined;
}

/**
 * The user's message, unless the conversation already has one with this client message id (a
 * retry racing this one loses on it): false then.
 */
export async function insertAmaraQuestion(
  tx: Tx,
  m: { id: string; ws: string; conversationId: string; content: string; clientMessageId?: string | undefined; now: Date },
): Promise<boolean> {
  const inserted = await sql<{ id: string }>`
    insert into public.amara_messages (id, workspace_id, conversation_id, role, content, metadata, created_at)
    values (${m.id}, ${m.ws}, ${m.conversationId}, 'user', ${m.content},
            ${JSON.stringify({ status: 'submitted', ...(m.clientMessageId ? { clientMessageId: m.clientMessageId } : {}) })}::jsonb, ${m.now})
    on conflict (workspace_id, conversation_id, (metadata ->> 'clientMessageId')) where role = 'user' and metadata ? 'clientMessageId' do nothing
    returning id`.execute(tx.db);
  return inserted.rows.length > 0;
}

/** The empty answer a turn will fill, submitted and pointing at its question. */
export async function insertAmaraAnswer(tx: Tx, m: { id: string; ws: string; conversationId: string; replyTo: string; now: Date }): Promise<void> {
  await tx.db
    .insertInto('amara_messages')
    .values({ id: m.id, workspace_id: m.ws, conversation_id: m.conversationId, role: 'assistant', content: '', metadata: JSON.stringify({ status: 'submitted', replyTo: m.replyTo }), created_at: m.now })
    .execute();
}

/** Merges `patch` into the message's metadata (its status, an error). */
export async function patchAmaraMessage(tx: Tx, ws: string, messageId: string, patch: Record<string, unknown>): Promise<void> {
  await tx.db
    .updateTable('amara_messages')
    .set({ metadata: sql`coalesce(metadata, '{}'::jsonb) || ${JSON.stringify(patch)}::jsonb` })
    .where('workspace_id', '=', ws)
    .where('id', '=', messageId)
    .execute();
}

/** The answer written: its text, tool calls and metadata, replacing what the placeholder had. */
export function completeAmaraAnswer(tx: Tx, ws: string, messageId: string, a: { content: string; toolCalls: unknown[] | null; metadata: object }): Promise<AmaraMessageRow> {
  return tx.db
    .updateTable('amara_messages')
    .set({ content: a.content, tool_calls: a.toolCalls ? JSON.stringify(a.toolCalls) : null, metadata: JSON.stringify(a.metadata) })
    .where('workspace_id', '=', ws)
    .where('id', '=', messageId)
    .returning(messageColumns)
    .executeTakeFirstOrThrow();
}

/** The user's message answered. */
export function completeAmaraQuestion(tx: Tx, ws: string, messageId: string): Promise<AmaraMessageRow> {
  return tx.db
    .updateTable('amara_messages')
    .set({ metadata: sql`metadata || '{"status":"completed"}'::jsonb` })
    .where('workspace_id', '=', ws)
    .where('id', '=', messageId)
    .returning(messageColumns)
    .executeTakeFirstOrThrow();
}

/** The last `limit` non-empty user and assistant messages before `before` (by id), oldest first. */
export async function recentAmaraMessages(tx: Tx, ws: string, conversationId: string, before: string, limit: number) {
  const rows = await tx.db
    .selectFrom('amara_messages')
    .select(['role', 'content'])
    .where('workspace_id', '=', ws)
    .where('conversation_id', '=', conversationId)
    .where('role', 'in', ['user', 'assistant'])
    .where('id', '<', before)
    .where('content', '<>', '')
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
  return rows.reverse().map((r) => ({ role: r.role as 'user' | 'assistant', content: r.content }));
}

/** The role of one of this user's messages, or none (another user's, another workspace's). */
export async function roleOfOwnAmaraMessage(tx: Tx, ws: string, userId: string, messageId: string): Promise<string | undefined> {
  const target = await tx.db
    .selectFrom('amara_messages as m')
    .innerJoin('amara_conversations as c', (j) => j.onRef('c.workspace_id', '=', 'm.workspace_id').onRef('c.id', '=', 'm.conversation_id'))
    .select(['m.role'])
    .where('m.workspace_id', '=', ws)
    .where('m.id', '=', messageId)
    .where('c.user_id', '=', userId)
    .executeTakeFirst();
  return target?.role;
}

/** Thumbs up or down on a reply, kept in metadata.feedback. */
export function setAmaraFeedback(tx: Tx, ws: string, messageId: string, feedback: object): Promise<AmaraMessageRow> {
  return tx.db
    .updateTable('amara_messages as m')
    .set({ metadata: sql`coalesce(m.metadata, '{}'::jsonb) || jsonb_build_object('feedback', ${JSON.stringify(feedback)}::jsonb)` })
    .where('m.workspace_id', '=', ws)
    .where('m.id', '=', messageId)
    .returning(messageColumns.map((c) => `m.${c}` as const))
    .executeTakeFirstOrThrow();
}
