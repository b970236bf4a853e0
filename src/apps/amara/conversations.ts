import { amaraMessages, listAmaraConversations, ownsAmaraConversation, roleOfOwnAmaraMessage, setAmaraFeedback } from '../../modules/assistant/index.ts';
import { workspaceIdOf, type Ctx } from '../../platform/context.ts';
import { AppError } from '../../platform/errors.ts';
import { toStoredMessage, type StoredMessage } from './chat.ts';

/**
 * A user's own Amara conversations. Staff may read every conversation of their workspace
 * (0004's staff policy), so each query also names the user: these routes are the user's view.
 */

type EndUserCtx = Ctx & { actor: { kind: 'user'; userId: string } };

const MAX_MESSAGES = 500;

export async function listConversations(ctx: EndUserCtx, q: { limit: number; cursor?: string | undefined }) {
  const ws = workspaceIdOf(ctx);
  const rows = await listAmaraConversations(ctx.tx, ws, ctx.actor.userId, q);
  const more = rows.length > q.limit;
  const data = more ? rows.slice(0, q.limit) : rows;
  return { data, next_cursor: more ? data[data.length - 1]!.id : null };
}

async function ownConversation(ctx: EndUserCtx, id: string): Promise<void> {
  if (!(await ownsAmaraConversation(ctx.tx, workspaceIdOf(ctx), ctx.actor.userId, id))) throw new AppError('amara_conversation.not_found', 'not_found', 'no such conversation of yours in this workspace');
}

export async function conversationMessages(ctx: EndUserCtx, conversationId: string): Promise<StoredMessage[]> {
  await ownConversation(ctx, conversationId);
  const rows = await amaraMessages(ctx.tx, workspaceIdOf(ctx), conversationId, MAX_MESSAGES);
  return rows.map(toStoredMessage);
}

/** Thumbs up or down on one of Amara's replies to this user, kept in metadata.feedback (the product's place). */
export async function recordFeedback(ctx: EndUserCtx, messageId: string, input: { rating: 'up' | 'down'; comment?: string | undefined }): Promise<StoredMessage> {
  const ws = workspaceIdOf(ctx);
  const role = await roleOfOwnAmaraMessage(ctx.tx, ws, ctx.actor.userId, messageId);
  if (!role) throw new AppError('amara_message.not_found', 'not_found', 'no such message of yours in this workspace');
  if (role !== 'assistant') throw new AppError('feedback.not_a_reply', 'invalid', "feedback rates Amara's replies, not your own messages");
  const feedback = { rating: input.rating, comment: input.comment ?? null, at: ctx.clock.now().toISOString() };
  const row = await setAmaraFeedback(ctx.tx, ws, messageId, feedback);
  return toStoredMessage(row);
}
