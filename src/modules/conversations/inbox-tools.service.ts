// The inbox's tools: private notes with @mentions, and saved replies (team-wide or personal).
import { workspaceIdOf as workspaceOf, type Ctx } from '../../platform/context.ts';
import { fromDatabaseError } from '../../platform/db/errors.ts';
import { AppError } from '../../platform/errors.ts';
import { Rank } from '../../platform/http/env.ts';
import { newId } from '../../platform/ids.ts';
import * as conversations from './conversations.repo.ts';
import { contactSummaries } from '../contacts/index.ts';
import type { Mention, MentionQuery, MentionReadBody, Note, NoteBody, SavedReply, SavedReplyCreate, SavedReplyPatch } from './conversations.schema.ts';
import * as repo from './inbox-tools.repo.ts';

const userOf = (ctx: Ctx): string | undefined => (ctx.actor.kind === 'user' ? ctx.actor.userId : undefined);

/**
 * A private note on the thread. It is stored apart from the messages, so nothing can deliver
 * it to the customer; the inbox stream announces it (note.created) with whom it mentions.
 */
export async function addNote(ctx: Ctx, conversationId: string, input: NoteBody): Promise<Note> {
  const ws = workspaceOf(ctx);
  if (!(await conversations.findConversation(ctx.tx, ws, conversationId))) {
    throw new AppError('conversation.not_found', 'not_found', 'no such conversation in this workspace');
  }
  const mentions = [...new Set(input.mentions)];
  try {
    return await repo.insertNote(ctx.tx, { id: newId(), workspace_id: ws, conversation_id: conversationId, author_id: userOf(ctx) ?? null, body: input.body, mentions, now: ctx.clock.now() });
  } catch (e) {
    const err = fromDatabaseError(e);
    if (err?.details?.constraint === 'conversation_note_mentions_workspace_id_user_id_fkey') {
      throw new AppError('conversation.mention_not_member', 'invalid', 'only members of this workspace can be mentioned', { field: 'mentions' });
    }
    throw err ?? e;
  }
}

/** The thread's notes, oldest first. */
export async function listNotes(ctx: Ctx, conversationId: string): Promise<{ data: Note[] }> {
  const ws = workspaceOf(ctx);
  if (!(await conversations.findConversation(ctx.tx, ws, conversationId))) {
    throw new AppError('conversation.not_found', 'not_found', 'no such conversation in this workspace');
  }
  return { data: await repo.notesOf(ctx.tx, ws, conversationId, {}) };
}

// Mentions: a teammate named in a note is told in the app ----------------------------------------

const personOf = (ctx: Ctx): string => {
  const user = userOf(ctx);
  if (!user) throw new AppError('mention.needs_person', 'invalid', 'mentions belong to a signed-in person, not an API key');
  return user;
};

/** The notes that mention the caller, newest first, with how many are unread. */
export async function listMentions(ctx: Ctx, query: MentionQuery): Promise<{ data: Mention[]; unread_count: number }> {
  const ws = workspaceOf(ctx);
  const user = personOf(ctx);
  const rows = await repo.mentionsOf(ctx.tx, ws, user, { unreadOnly: query.unread === 'true', limit: query.limit });
  const contacts = await contactSummaries(ctx, [...new Set(rows.map((r) => r.contact_id))]);
  const data = rows.flatMap((r) => {
    const contact = contacts.get(r.contact_id);
    if (!contact) return [];
    return [{ note_id: r.note_id, conversation_id: r.conversation_id, channel: r.channel as Mention['channel'], contact, author_id: r.author_id, body: r.body, created_at: r.created_at, read_at: r.read_at }];
  });
  return { data, unread_count: await repo.unreadMentionCount(ctx.tx, ws, user) };
}

/** Marks the caller's mentions read (these notes, one conversation's, or all); answers the unread count left. */
export async function readMentions(ctx: Ctx, input: MentionReadBody): Promise<{ unread_count: number }> {
  const ws = workspaceOf(ctx);
  const user = personOf(ctx);
  await repo.markMentionsRead(ctx.tx, ws, user, { noteIds: input.note_ids, conversationId: input.conversation_id }, ctx.clock.now());
  return { unread_count: await repo.unreadMentionCount(ctx.tx, ws, user) };
}

// Saved replies ---------------------------------------------------------------------------------

const toSavedReply = (r: repo.SavedReplyRow): SavedReply => ({ ...r, personal: r.owner_id !== null });

const replyNotFound = () => new AppError('saved_reply.not_found', 'not_found', 'no such saved reply');
const teamNeedsAdmin = () =>
  new AppError('saved_reply.team_needs_admin', 'forbidden', "the team's saved replies are written by admins and owners; save it as personal instead");

function fromSaveError(e: unknown): never {
  const err = fromDatabaseError(e);
  const c = err?.details?.constraint;
  if (c === 'uq_saved_replies_team' || c === 'uq_saved_replies_personal') {
    throw new AppError('saved_reply.shortcut_taken', 'conflict', 'a saved reply with this shortcut exists already', { field: 'shortcut' });
  }
  throw err ?? e;
}

/** What the caller may use: the team's and their own (row-level security hides colleagues' personal ones). */
export async function listSavedReplies(ctx: Ctx, prefix?: string): Promise<{ data: SavedReply[] }> {
  return { data: (await repo.listSavedReplies(ctx.tx, workspaceOf(ctx), prefix?.replace(/^\//, '').toLowerCase())).map(toSavedReply) };
}

export async function createSavedReply(ctx: Ctx, rank: number, input: SavedReplyCreate): Promise<SavedReply> {
  const user = userOf(ctx);
  if (input.personal && !user) {
    throw new AppError('saved_reply.personal_needs_person', 'invalid', 'a personal saved reply belongs to a signed-in person, not an API key', { field: 'personal' });
  }
  if (!input.personal && rank < Rank.admin) throw teamNeedsAdmin();
  try {
    const row = await repo.insertSavedReply(ctx.tx, {
      id: newId(),
      workspace_id: workspaceOf(ctx),
      owner_id: input.personal ? user! : null,
      shortcut: input.shortcut,
      body: input.body,
      created_by: user ?? null,
      now: ctx.clock.now(),
    });
    return toSavedReply(row);
  } catch (e) {
    fromSaveError(e);
  }
}

async function writable(ctx: Ctx, rank: number, id: string): Promise<repo.SavedReplyRow> {
  const row = await repo.findSavedReply(ctx.tx, workspaceOf(ctx), id);
  if (!row) throw replyNotFound();
  if (row.owner_id === null && rank < Rank.admin) throw teamNeedsAdmin();
  return row;
}

export async function updateSavedReply(ctx: Ctx, rank: number, id: string, input: SavedReplyPatch): Promise<SavedReply> {
  const current = await writable(ctx, rank, id);
  if (input.shortcut === undefined && input.body === undefined) return toSavedReply(current);
  try {
    const row = await repo.updateSavedReply(ctx.tx, workspaceOf(ctx), id, input);
    if (!row) throw replyNotFound();
    return toSavedReply(row);
  } catch (e) {
    fromSaveError(e);
  }
}

export async function deleteSavedReply(ctx: Ctx, rank: number, id: string): Promise<void> {
  await writable(ctx, rank, id);
  if (!(await repo.deleteSavedReply(ctx.tx, workspaceOf(ctx), id))) throw replyNotFound();
}
