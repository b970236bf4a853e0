// Queries for the inbox's tools: private notes with their mentions, and saved replies (0027).
import { sql, type Selectable } from 'kysely';
import type { Tx } from '../../platform/db/database.ts';
import type { SavedReplies } from '../../platform/db/schema.ts';

export interface NoteRow {
  id: string;
  conversation_id: string;
  author_id: string | null;
  body: string;
  mentions: string[];
  created_at: Date;
}

export async function insertNote(
  tx: Tx,
  n: { id: string; workspace_id: string; conversation_id: string; author_id: string | null; body: string; mentions: string[]; now: Date },
): Promise<NoteRow> {
  const row = await tx.db
    .insertInto('conversation_notes')
    .values({ id: n.id, workspace_id: n.workspace_id, conversation_id: n.conversation_id, author_id: n.author_id, body: n.body, created_at: n.now, updated_at: n.now })
    .returning(['id', 'conversation_id', 'author_id', 'body', 'created_at'])
    .executeTakeFirstOrThrow();
  if (n.mentions.length) {
    await tx.db
      .insertInto('conversation_note_mentions')
      .values(n.mentions.map((user_id) => ({ workspace_id: n.workspace_id, note_id: n.id, user_id, created_at: n.now })))
      .execute();
  }
  return { ...row, mentions: [...n.mentions].sort() };
}

/** The thread's notes written at or after `from` and before `to` (either may be open), oldest first. */
export async function notesOf(tx: Tx, ws: string, conversationId: string, span: { from?: Date | undefined; to?: Date | undefined }, limit = 500): Promise<NoteRow[]> {
  let q = tx.db
    .selectFrom('conversation_notes as n')
    .select(['n.id', 'n.conversation_id', 'n.author_id', 'n.body', 'n.created_at'])
    .select(
      sql<string[]>`coalesce((select array_agg(m.user_id::text order by m.user_id) from conversation_note_mentions m
        where m.workspace_id = n.workspace_id and m.note_id = n.id), '{}')`.as('mentions'),
    )
    .where('n.workspace_id', '=', ws)
    .where('n.conversation_id', '=', conversationId);
  if (span.from) q = q.where('n.created_at', '>=', span.from);
  if (span.to) q = q.where('n.created_at', '<', span.to);
  const rows = await q.orderBy('n.created_at').orderBy('n.id').limit(limit).execute();
  // Both drivers read a uuid[] built this way as text[]; normalise anyway.
  return rows.map((r) => ({ ...r, mentions: Array.isArray(r.mentions) ? r.mentions : [] }));
}

// Mentions -------------------------------------------------------------------------------------

export interface MentionRow {
  note_id: string;
  conversation_id: string;
  channel: string;
  contact_id: string;
  author_id: string | null;
  body: string;
  created_at: Date;
  read_at: Date | null;
}

/** The notes that mention `userId`, newest first. */
export async function mentionsOf(tx: Tx, ws: string, userId: string, o: { unreadOnly: boolean; limit: number }): Promise<MentionRow[]> {
  let q = tx.db
    .selectFrom('conversation_note_mentions as m')
    .innerJoin('conversation_notes as n', (j) => j.onRef('n.workspace_id', '=', 'm.workspace_id').onRef('n.id', '=', 'm.note_id'))
    .innerJoin('conversations as c', (j) => j.onRef('c.workspace_id', '=', 'n.workspace_id').onRef('c.id', '=', 'n.conversation_id'))
    .select(['m.note_id', 'n.conversation_id', 'c.channel', 'c.contact_id', 'n.author_id', 'n.body', 'm.created_at', 'm.read_at'])
    .where('m.workspace_id', '=', ws)
    .where('m.user_id', '=', userId);
  if (o.unreadOnly) q = q.where('m.read_at', 'is', null);
  return q.orderBy('m.created_at', 'desc').orderBy('m.note_id', 'desc').limit(o.limit).execute();
}

export async function unreadMentionCount(tx: Tx, ws: string, userId: string): Promise<number> {
  const row = await tx.db
    .selectFrom('conversation_note_mentions')
    .select((eb) => eb.fn.countAll<string | number>().as('n'))
    .where('workspace_id', '=', ws)
    .where('user_id', '=', userId)
    .where('read_at', 'is', null)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Marks the person's unread mentions read: those of these notes, of this conversation, or all. */
export async function markMentionsRead(tx: Tx, ws: string, userId: string, which: { noteIds?: string[] | undefined; conversationId?: string | undefined }, now: Date): Promise<void> {
  let q = tx.db.updateTable('conversation_note_mentions').set({ read_at: now }).where('workspace_id', '=', ws).where('user_id', '=', userId).where('read_at', 'is', null);
  if (which.noteIds) q = q.where('note_id', 'in', which.noteIds);
  if (which.conversationId) {
    const conversationId = which.conversationId;
    q = q.where('note_id', 'in', (eb) => eb.selectFrom('conversation_notes').select('id').where('workspace_id', '=', ws).where('conversation_id', '=', conversationId));
  }
  await q.execute();
}

// Saved replies ---------------------------------------------------------------------------------

const SAVED = ['id', 'shortcut', 'body', 'owner_id', 'created_at', 'updated_at'] as const;
export type SavedReplyRow = Pick<Selectable<SavedReplies>, (typeof SAVED)[number]>;

/** The replies the caller may see (row-level security hides colleagues' personal ones), by shortcut. */
export async function listSavedReplies(tx: Tx, ws: string, prefix?: string): Promise<SavedReplyRow[]> {
  let q = tx.db.selectFrom('saved_replies').select(SAVED).where('workspace_id', '=', ws);
  if (prefix) q = q.where('shortcut', 'like', `${prefix.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`);
  return q.orderBy('shortcut').orderBy(sql`owner_id is null`).orderBy('id').limit(500).execute();
}

export async function findSavedReply(tx: Tx, ws: string, id: string): Promise<SavedReplyRow | undefined> {
  return tx.db.selectFrom('saved_replies').select(SAVED).where('workspace_id', '=', ws).where('id', '=', id).executeTakeFirst();
}

export async function insertSavedReply(
  tx: Tx,
  r: { id: string; workspace_id: string; owner_id: string | null; shortcut: string; body: string; created_by: string | null; now: Date },
): Promise<SavedReplyRow> {
  return tx.db
    .insertInto('saved_replies')
    .values({ id: r.id, workspace_id: r.workspace_id, owner_id: r.owner_id, shortcut: r.shortcut, body: r.body, created_by: r.created_by, created_at: r.now, updated_at: r.now })
    .returning(SAVED)
    .executeTakeFirstOrThrow();
}

export async function updateSavedReply(tx: Tx, ws: string, id: string, set: { shortcut?: string | undefined; body?: string | undefined }) {
  return tx.db
    .updateTable('saved_replies')
    .set({ ...(set.shortcut !== undefined ? { shortcut: set.shortcut } : {}), ...(set.body !== undefined ? { body: set.body } : {}) })
    .where('workspace_id', '=', ws)
    .where('id', '=', id)
    .returning(SAVED)
    .executeTakeFirst();
}

export async function deleteSavedReply(tx: Tx, ws: string, id: string): Promise<boolean> {
  const row = await tx.db.deleteFrom('saved_replies').where('workspace_id', '=', ws).where('id', '=', id).returning('id').executeTakeFirst();
  return row !== undefined;
}
