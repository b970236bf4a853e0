import type { Updateable } from 'kysely';
import { workspaceIdOf as workspaceOf, type Ctx } from '../../platform/context.ts';
import type { Conversations } from '../../platform/db/schema.ts';
import { fromDatabaseError } from '../../platform/db/errors.ts';
import { AppError, invalidField } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import { contactSummaries, taggedContactIds } from '../contacts/index.ts';
import * as repo from './conversations.repo.ts';
import { notesOf } from './inbox-tools.repo.ts';
import type { ConversationRow, InboxPosition, MessageRow } from './conversations.repo.ts';
import type { Conversation, ConversationListQuery, Message, ReplyWindow, StatusBody } from './conversations.schema.ts';

/**
 * Who wrote each assistant reply and at what cost, by the turn's ari_messages id (the reply's
 * metadata.ari_message_id). That record belongs to the assistant's apps, which modules do not
 * import, so src/http.ts gives this function.
 */
/**
 * WhatsApp's 24-hour window for a contact, as the channel's sender judges it. The channels
 * module knows it (its window table and the WhatsApp settings) and itself writes through this
 * module, so the composition root hands it in rather than this module importing channels.
 */
export type ReplyWindowOf = (ctx: Ctx, contactId: string) => Promise<ReplyWindow>;

export type AssistantReplies = (ctx: Ctx, ariMessageIds: string[]) => Promise<Map<string, NonNullable<Message['assistant']>>>;

/** The signed-in person acting, or undefined for an API key. */
const userOf = (ctx: Ctx): string | undefined => (ctx.actor.kind === 'user' ? ctx.actor.userId : undefined);

const notFound = () => new AppError('conversation.not_found', 'not_found', 'no such conversation in this workspace');

const alreadyOpen = (conversationId?: string) =>
  new AppError('conversation.already_open', 'conflict', 'this contact already has an unresolved conversation on this channel', {
    ...(conversationId ? { conversation_id: conversationId } : {}),
  });

/** Maps the database's refusals to what the caller did wrong. */
function fromWriteError(e: unknown): never {
  const err = fromDatabaseError(e);
  const constraint = err?.details?.constraint;
  if (constraint === 'uq_conversations_open_per_channel') throw alreadyOpen();
  if (constraint === 'conversations_assignee_member_fkey' || constraint === 'conversations_assignee_id_fkey') {
    throw new AppError('conversation.assignee_not_member', 'invalid', 'the assignee must be a member of this workspace', { field: 'assignee_id' });
  }
  throw err ?? e;
}

const ariMessageIdOf = (m: MessageRow): string | undefined => {
  const id = (m.metadata as Record<string, unknown> | null)?.ari_message_id;
  return m.sender_kind === 'assistant' && typeof id === 'string' ? id : undefined;
};

const toMessage = (m: MessageRow, facts?: Map<string, NonNullable<Message['assistant']>>): Message => {
  const ari = ariMessageIdOf(m);
  return {
    ...m,
    direction: m.direction as Message['direction'],
    sender_kind: m.sender_kind as Message['sender_kind'],
    metadata: m.metadata as Record<string, unknown>,
    assistant: (ari && facts?.get(ari)) || null,
  };
};

async function withContacts(ctx: Ctx, rows: ConversationRow[]): Promise<Conversation[]> {
  const contacts = await contactSummaries(ctx, rows.map((r) => r.contact_id));
  const user = userOf(ctx);
  const unread = user ? await repo.unreadFor(ctx.tx, workspaceOf(ctx), user, rows.map((r) => r.id)) : undefined;
  const now = ctx.clock.now();
  return rows.map((r) => {
    const contact = contacts.get(r.contact_id);
    // The foreign key cascades, so a conversation without its contact cannot be read here.
    if (!contact) throw new Error(`conversation ${r.id} has no contact ${r.contact_id}`);
    // A snooze ends by itself when its time comes; nothing has to run for that.
    const woke = r.status === 'snoozed' && r.snoozed_until !== null && r.snoozed_until <= now;
    return {
      ...r,
      channel: r.channel as Conversation['channel'],
      status: (woke ? 'open' : r.status) as Conversation['status'],
      owner: r.owner as Conversation['owner'],
      needs_person:
        r.owner === 'human' && r.status !== 'resolved' && r.last_inbound_at !== null &&
        (r.last_message_at === null || r.last_inbound_at >= r.last_message_at),
      unread_count: unread ? (unread.get(r.id) ?? 0) : r.unread_count,
      metadata: r.metadata as Record<string, unknown>,
      contact,
    };
  });
}

const withContact = async (ctx: Ctx, row: ConversationRow): Promise<Conversation> => (await withContacts(ctx, [row]))[0]!;

async function existing(ctx: Ctx, id: string): Promise<ConversationRow> {
  const row = await repo.findConversation(ctx.tx, workspaceOf(ctx), id);
  if (!row) throw notFound();
  return row;
}

async function change(ctx: Ctx, id: string, set: Updateable<Conversations>): Promise<Conversation> {
  let row: ConversationRow | undefined;
  try {
    row = await repo.updateConversation(ctx.tx, workspaceOf(ctx), id, set);
  } catch (e) {
    fromWriteError(e);
  }
  if (!row) throw notFound();
  return withContact(ctx, row);
}

// The cursor is opaque to callers: base64url of [last_message_at, id].
const encodeCursor = (p: InboxPosition) => Buffer.from(JSON.stringify([p.at, p.id])).toString('base64url');

const ISO_MICROS = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function decodeCursor(cursor: string): InboxPosition {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    value = undefined;
  }
  if (Array.isArray(value) && value.length === 2) {
    const [at, id] = value as unknown[];
    const atValid = at === null || (typeof at === 'string' && ISO_MICROS.test(at) && !Number.isNaN(Date.parse(at)));
    if (atValid && typeof id === 'string' && UUID.test(id)) return { at: at as string | null, id };
  }
  throw invalidField('cursor', 'not a cursor this list gave out');
}

export async function listConversations(ctx: Ctx, query: ConversationListQuery) {
  const ws = workspaceOf(ctx);
  let assignee: string | null | undefined = query.assignee_id;
  if (query.assignee === 'none') assignee = null;
  if (query.assignee === 'me') {
    assignee = userOf(ctx);
    if (!assignee) throw invalidField('assignee', '"me" needs a signed-in person, not an API key');
  }
  const rows = await repo.listConversations(ctx.tx, ws, {
    status: query.status,
    now: ctx.clock.now(),
    needsPerson: query.needs_person === undefined ? undefined : query.needs_person === 'true',
    unread: query.unread === 'true' ? { userId: userOf(ctx) } : undefined,
    q: query.q,
    channel: query.channel,
    owner: query.owner,
    assignee,
    contactId: query.contact_id,
    contactIn: query.tag !== undefined ? taggedContactIds(ctx, query.tag) : undefined,
    after: query.cursor !== undefined ? decodeCursor(query.cursor) : undefined,
    limit: query.limit,
  });
  const more = rows.length > query.limit;
  const pageRows = more ? rows.slice(0, query.limit) : rows;
  const last = pageRows[pageRows.length - 1];
  const data = await withContacts(ctx, pageRows.map(({ position_at: _, ...row }) => row));
  return { data, next_cursor: more && last ? encodeCursor({ at: last.position_at, id: last.id }) : null };
}

/**
 * The conversation with its most recent messages (or those before `before`), oldest first; the
 * team's notes written in the same span (so the app can interleave them by time); and on
 * WhatsApp, whether a free-form reply can go.
 */
export async function getConversation(
  ctx: Ctx,
  id: string,
  options: { limit: number; before?: string | undefined },
  replyWindow: ReplyWindowOf,
  assistantReplies?: AssistantReplies,
) {
  const ws = workspaceOf(ctx);
  const conversation = await withContact(ctx, await existing(ctx, id));
  let beforeAt: Date | undefined;
  if (options.before) {
    beforeAt = await repo.messageTime(ctx.tx, ws, id, options.before);
    if (!beforeAt) throw invalidField('before', 'not a message of this conversation');
  }
  const rows = await repo.latestMessages(ctx.tx, ws, id, options.limit, options.before);
  const more = rows.length > options.limit;
  const page = (more ? rows.slice(0, options.limit) : rows).reverse();
  const ariIds = page.map(ariMessageIdOf).filter((x): x is string => x !== undefined);
  const facts = assistantReplies && ariIds.length ? await assistantReplies(ctx, ariIds) : undefined;
  const messages = page.map((m) => toMessage(m, facts));
  // The notes of this page's span: from its first message (all older ones when there is no
  // older page) up to the page after it.
  const notes = await notesOf(ctx.tx, ws, id, { from: more ? messages[0]!.created_at : undefined, to: beforeAt });
  const reply_window = conversation.channel === 'whatsapp' ? await replyWindow(ctx, conversation.contact_id) : null;
  return { ...conversation, messages, messages_before: more ? messages[0]!.id : null, notes, reply_window };
}

/** Staff open a thread to reach a contact themselves, so a person owns it from the start. */
export async function openConversation(ctx: Ctx, input: { contact_id: string; channel: string }): Promise<Conversation> {
  const ws = workspaceOf(ctx);
  if (!(await contactSummaries(ctx, [input.contact_id])).has(input.contact_id)) {
    throw new AppError('contact.not_found', 'not_found', 'no such contact in this workspace');
  }
  const open = await repo.findUnresolved(ctx.tx, ws, input.contact_id, input.channel);
  if (open) throw alreadyOpen(open);
  try {
    const row = await repo.insertConversation(ctx.tx, {
      id: newId(),
      workspace_id: ws,
      contact_id: input.contact_id,
      channel: input.channel,
      status: 'open',
      owner: 'human',
      assignee_id: userOf(ctx) ?? null,
    });
    return await withContact(ctx, row);
  } catch (e) {
    fromWriteError(e);
  }
}

export async function assign(ctx: Ctx, id: string, assigneeId: string | null): Promise<Conversation> {
  return change(ctx, id, { assignee_id: assigneeId });
}

/** Snoozing needs a time in the future; reopening must not fork a second unresolved thread. */
export async function setStatus(ctx: Ctx, id: string, input: StatusBody): Promise<Conversation> {
  const snoozedUntil = input.snoozed_until !== undefined ? new Date(input.snoozed_until) : undefined;
  if (input.status === 'snoozed') {
    // Without a time it sleeps until the customer writes again (the turn wakes it).
    if (snoozedUntil && snoozedUntil <= ctx.clock.now()) throw invalidField('snoozed_until', 'must be in the future');
  } else if (snoozedUntil) {
    throw invalidField('snoozed_until', 'only for status snoozed');
  }
  const current = await existing(ctx, id);
  if (current.status === 'resolved' && input.status !== 'resolved') {
    const other = await repo.findUnresolved(ctx.tx, workspaceOf(ctx), current.contact_id, current.channel, id);
    if (other) throw alreadyOpen(other);
  }
  return change(ctx, id, { status: input.status, snoozed_until: snoozedUntil ?? null });
}

/**
 * Reading a thread reads everything that arrived in it: up to now, or to its last inbound
 * message when that carries a later time (a provider's timestamp, another server's clock).
 */
const readUpTo = (ctx: Ctx, c: ConversationRow): Date => {
  const now = ctx.clock.now();
  return c.last_inbound_at && c.last_inbound_at > now ? c.last_inbound_at : now;
};

/**
 * The caller has read the thread: their own marker moves to now, and the team's count
 * (unread_count, "nobody has looked since") goes to zero. An API key has no marker.
 */
export async function markRead(ctx: Ctx, id: string): Promise<Conversation> {
  const ws = workspaceOf(ctx);
  const conversation = await existing(ctx, id);
  const user = userOf(ctx);
  if (user) await repo.markRead(ctx.tx, ws, id, user, readUpTo(ctx, conversation));
  return change(ctx, id, { unread_count: 0 });
}

/** A person answers from now on; a signed-in person also becomes the assignee. */
export async function takeOver(ctx: Ctx, id: string): Promise<Conversation> {
  const user = userOf(ctx);
  return change(ctx, id, { owner: 'human', ...(user ? { assignee_id: user } : {}) });
}

/**
 * What handing a thread back does to the assistant's own record of the contact: a record the
 * assistant had handed off resumes where it was. The assistant's tables belong to an app,
 * which modules do not import, so src/http.ts gives this function.
 */
export type ResumeAssistant = (ctx: Ctx, contactId: string) => Promise<void>;

/** The assistant answers this thread again, picking up where it was before any handoff. */
export async function handBack(ctx: Ctx, id: string, resumeAssistant: ResumeAssistant): Promise<Conversation> {
  const { contact_id } = await existing(ctx, id);
  // The assistant's record first, then the thread: the order a turn locks them in.
  await resumeAssistant(ctx, contact_id);
  return change(ctx, id, { owner: 'ai' });
}

/**
 * A staff reply, queued for the channel to deliver. Replying takes the conversation over from
 * the assistant so that it never talks over a person, assigns it to the replier when nobody
 * has it, and marks it read.
 */
export async function reply(ctx: Ctx, id: string, body: string, replyWindow: ReplyWindowOf): Promise<Message> {
  const conversation = await existing(ctx, id);
  if (conversation.channel === 'whatsapp') {
    // Meta would refuse it anyway; saying so now lets the person send the template instead of
    // finding a failed message later. The sender keeps the same rule for a reply that waits
    // in the outbox past the window's end.
    const window = await replyWindow(ctx, conversation.contact_id);
    if (!window.free_form) {
      throw new AppError(
        'conversation.whatsapp_window_closed',
        'conflict',
        window.template
          ? `WhatsApp only lets a business reply freely within 24 hours of the customer's last message; send the approved template "${window.template.name}" instead`
          : "WhatsApp only lets a business reply freely within 24 hours of the customer's last message, and no approved template is configured (reminder_template in the WhatsApp settings)",
        { last_customer_message_at: window.last_customer_message_at?.toISOString() ?? null, closes_at: window.closes_at?.toISOString() ?? null, template: window.template },
      );
    }
  }
  return staffMessage(ctx, conversation, body, {});
}

/**
 * Outside WhatsApp's 24-hour window only an approved template can reach the customer: this
 * queues the workspace's configured template (its one body parameter is `body`), which the
 * WhatsApp sender sends as that template. Like a reply, it takes the thread over.
 */
export async function sendTemplate(ctx: Ctx, id: string, body: string, replyWindow: ReplyWindowOf): Promise<Message> {
  const conversation = await existing(ctx, id);
  if (conversation.channel !== 'whatsapp') {
    throw new AppError('conversation.template_not_available', 'conflict', 'templates are for WhatsApp conversations; reply instead', { channel: conversation.channel });
  }
  const window = await replyWindow(ctx, conversation.contact_id);
  if (!window.template) {
    throw new AppError('conversation.no_template', 'conflict', 'no approved WhatsApp template is configured for this workspace (reminder_template in the WhatsApp settings)');
  }
  return staffMessage(ctx, conversation, body, { kind: 'template', template: window.template });
}

async function staffMessage(ctx: Ctx, conversation: ConversationRow, body: string, metadata: Record<string, unknown>): Promise<Message> {
  const ws = workspaceOf(ctx);
  const id = conversation.id;
  const user = userOf(ctx);
  const now = ctx.clock.now();
  const message = await repo.insertMessage(ctx.tx, {
    id: newId(),
    workspace_id: ws,
    conversation_id: id,
    channel: conversation.channel,
    direction: 'outbound',
    sender_kind: 'agent',
    sender_user_id: user ?? null,
    body,
    delivery_status: 'queued',
    metadata: JSON.stringify(metadata),
    created_at: now,
    updated_at: now,
  });
  await repo.updateConversation(ctx.tx, ws, id, {
    last_message_at: now,
    owner: 'human',
    unread_count: 0,
    ...(user && !conversation.assignee_id ? { assignee_id: user } : {}),
  });
  if (user) await repo.markRead(ctx.tx, ws, id, user, readUpTo(ctx, conversation));
  return toMessage(message);
}

/**
 * A message the business sends on its own (a reminder, a confirmation, a payment link),
 * queued in the contact's inbox for the channel to deliver. It goes to the channel the
 * contact last used; a contact without any thread gets one on WhatsApp. It leaves the
 * conversation's owner alone: a notice is not the assistant talking.
 */
export async function queueNotice(
  ctx: Ctx,
  input: { contactId: string; body: string; metadata?: Record<string, unknown> },
): Promise<{ messageId: string; conversationId: string; channel: string }> {
  const ws = workspaceOf(ctx);
  const now = ctx.clock.now();
  const latest = await repo.latestConversationOf(ctx.tx, ws, input.contactId);
  const channel = latest?.channel ?? 'whatsapp';
  let conversationId = latest && latest.status !== 'resolved' ? latest.id : await repo.findUnresolved(ctx.tx, ws, input.contactId, channel);
  if (!conversationId) {
    conversationId = (
      await repo.insertConversation(ctx.tx, { id: newId(), workspace_id: ws, contact_id: input.contactId, channel, created_at: now, updated_at: now })
    ).id;
  }
  const message = await repo.insertMessage(ctx.tx, {
    id: newId(),
    workspace_id: ws,
    conversation_id: conversationId,
    channel,
    direction: 'outbound',
    sender_kind: 'system',
    body: input.body,
    delivery_status: 'queued',
    metadata: JSON.stringify(input.metadata ?? {}),
    created_at: now,
    updated_at: now,
  });
  await repo.updateConversation(ctx.tx, ws, conversationId, { last_message_at: now });
  return { messageId: message.id, conversationId, channel };
}

/**
 * One page of the conversations' export: every message with its thread, its channel and its
 * contact's name and phone, oldest first, between `from` (inclusive) and `to` (exclusive).
 */
export async function conversationMessagesPage(
  ctx: Ctx,
  q: { from?: Date | undefined; to?: Date | undefined; cursor?: string | undefined; limit: number },
) {
  const after = q.cursor !== undefined ? decodeCursor(q.cursor) : undefined;
  if (after && after.at === null) throw invalidField('cursor', 'not a cursor this list gave out');
  const rows = await repo.messageExportPage(ctx.tx, workspaceOf(ctx), {
    from: q.from,
    to: q.to,
    after,
    limit: q.limit,
  });
  const more = rows.length > q.limit;
  const page = more ? rows.slice(0, q.limit) : rows;
  const contacts = await contactSummaries(ctx, [...new Set(page.map((r) => r.contact_id))]);
  const data = page.map((r) => {
    const contact = contacts.get(r.contact_id);
    return {
      conversation_id: r.conversation_id,
      channel: r.channel,
      conversation_status: r.conversation_status,
      contact_id: r.contact_id,
      contact_name: contact?.name ?? null,
      contact_phone: contact?.phone ?? null,
      message_id: r.id,
      created_at: r.created_at,
      direction: r.direction,
      sender_kind: r.sender_kind,
      sender_user_id: r.sender_user_id,
      content_type: r.content_type,
      body: r.body,
      delivery_status: r.delivery_status,
      error: r.error,
    };
  });
  const last = page[page.length - 1];
  return { data, next_cursor: more && last?.id ? encodeCursor({ at: last.position_at, id: last.id }) : null };
}
