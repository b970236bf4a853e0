import { sql } from 'kysely';
import { workspaceIdOf, type Ctx } from '../../platform/context.ts';
import { AppError } from '../../platform/errors.ts';
import { toStoredMessage, type StoredMessage } from './chat.ts';

/**
 * A user's own Amara conversations. Staff may read every conversation of their workspace
 * (0004's staff policy), so each query also names the user: these routes are the user's view.
 */

type EndUserCtx = Ctx & { actor: { kind: 'user'; userId: string } };

const messageColumns = ['m.id', 'm.conversation_id', 'm.role', 'm.content', 'm.tool_calls', 'm.metadata', 'm.created_at'] as const;
const MAX_MESSAGES = 500;

export async function listConversations(ctx: EndUserCtx, q: { limit: number; cursor?: string | undefined }) {
  const ws = workspaceIdOf(ctx);
  let query = ctx.tx.db
    .selectFrom('amara_conversations as c')
    .select(['c.id', 'c.locale', 'c.is_active', 'c.last_message_at', 'c.created_at', sql<boolean>`c.context ? 'draft'`.as('has_draft')])
    .where('c.workspace_id', '=', ws)
    .where('c.user_id', '=', ctx.actor.userId);
  if (q.cursor) {
    const cursor = q.cursor;
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
  const rows = await query.orderBy('c.last_message_at', 'desc').orderBy('c.id', 'desc').limit(q.limit + 1).execute();
  const more = rows.length > q.limit;
  const data = more ? rows.slice(0, q.limit) : rows;
  return { data, next_cursor: more ? data[data.length - 1]!.id : null };
}

async function ownConversation(ctx: EndUserCtx, id: string): Promise<void> {
  const found = await ctx.tx.db
    .selectFrom('amara_conversations')
    .select('id')
    .where('workspace_id', '=', workspaceIdOf(ctx))
    .where('id', '=', id)
    .where('user_id', '=', ctx.actor.userId)
    .executeTakeFirst();
  if (!found) throw new AppError('amara_conversation.not_found', 'not_found', 'no such conversation of yours in this workspace');
}

export async function conversationMessages(ctx: EndUserCtx, conversationId: string): Promise<StoredMessage[]> {
  await ownConversation(ctx, conversationId);
  const rows = await ctx.tx.db
    .selectFrom('amara_messages as m')
    .select(messageColumns)
    .where('m.workspace_id', '=', workspaceIdOf(ctx))
    .where('m.conversation_id', '=', conversationId)
    .orderBy('m.created_at')
    .orderBy('m.id')
    .limit(MAX_MESSAGES)
    .execute();
  return rows.map(toStoredMessage);
}

/** Thumbs up or down on one of Amara's replies to this user, kept in metadata.feedback (the product's place). */
export async function recordFeedback(ctx: EndUserCtx, messageId: string, input: { rating: 'up' | 'down'; comment?: string | undefined }): Promise<StoredMessage> {
  const ws = workspaceIdOf(ctx);
  const target = await ctx.tx.db
    .selectFrom('amara_messages as m')
    .innerJoin('amara_conversations as c', (j) => j.onRef('c.workspace_id', '=', 'm.workspace_id').onRef('c.id', '=', 'm.conversation_id'))
    .select(['m.role'])
    .where('m.workspace_id', '=', ws)
    .where('m.id', '=', messageId)
    .where('c.user_id', '=', ctx.actor.userId)
    .executeTakeFirst();
  if (!target) throw new AppError('amara_message.not_found', 'not_found', 'no such message of yours in this workspace');
  if (target.role !== 'assistant') throw new AppError('feedback.not_a_reply', 'invalid', "feedback rates Amara's replies, not your own messages");
  const feedback = { rating: input.rating, comment: input.comment ?? null, at: ctx.clock.now().toISOString() };
  const row = await ctx.tx.db
    .updateTable('amara_messages as m')
    .set({ metadata: sql`coalesce(m.metadata, '{}'::jsonb) || jsonb_build_object('feedback', ${JSON.stringify(feedback)}::jsonb)` })
    .where('m.workspace_id', '=', ws)
    .where('m.id', '=', messageId)
    .returning(messageColumns)
    .executeTakeFirstOrThrow();
  return toStoredMessage(row);
}
