import { z } from '@hono/zod-openapi';
import { ContactSummary } from '../contacts/index.ts';

export const CHANNELS = ['whatsapp', 'sms', 'voice', 'webchat', 'amara'] as const;
export const STATUSES = ['open', 'pending', 'snoozed', 'resolved'] as const;
export const OWNERS = ['ai', 'human'] as const;

export const Message = z
  .object({
    id: z.uuid(),
    conversation_id: z.uuid(),
    channel: z.string(),
    direction: z.enum(['inbound', 'outbound']),
    sender_kind: z.enum(['contact', 'assistant', 'agent', 'system']).openapi({
      description: 'who wrote it: contact (the customer), assistant, agent (staff, sender_user_id says who) or system (a notice the business sends: reminder, payment link)',
    }),
    sender_user_id: z.uuid().nullable(),
    body: z.string(),
    content_type: z.string(),
    media: z.unknown().nullable(),
    provider_message_id: z.string().nullable(),
    delivery_status: z.string().openapi({ description: 'received (inbound), queued, sent, delivered, read or failed' }),
    error: z.string().nullable().openapi({ description: 'why delivery failed, when it did' }),
    metadata: z.record(z.string(), z.unknown()),
    assistant: z
      .object({
        model: z.string().nullable().openapi({ description: "the arm that wrote it, or 'rule-engine' (the built-in engine, also after a model failed)" }),
        tokens: z.number().int().nullable().openapi({ description: "the model's total tokens over the turn's rounds (0 for the built-in engine)" }),
        latency_ms: z.number().int().nullable().openapi({ description: 'how long the turn took to decide and word the reply' }),
      })
      .nullable()
      .openapi({ description: "an assistant's reply: who wrote it and at what cost (the turn's ari_messages row); null for every other message" }),
    created_at: z.date(),
    updated_at: z.date(),
  })
  .openapi('Message');
export type Message = z.infer<typeof Message>;

export const Conversation = z
  .object({
    id: z.uuid(),
    contact_id: z.uuid(),
    channel: z.enum(CHANNELS),
    status: z.enum(STATUSES).openapi({ description: 'a snooze whose time has passed reads as open' }),
    owner: z.enum(OWNERS).openapi({ description: 'who answers: the assistant (ai) or staff (human)' }),
    needs_person: z.boolean().openapi({ description: 'a person owns it, it is not resolved, and the customer spoke last' }),
    assignee_id: z.uuid().nullable(),
    snoozed_until: z.date().nullable().openapi({ description: 'null while snoozed: until the customer writes again' }),
    last_message_at: z.date().nullable(),
    last_inbound_at: z.date().nullable(),
    unread_count: z.number().int().openapi({
      description: "for a signed-in person, the customer's messages since their own read marker; for an API key, the team's count since anyone last read it",
    }),
    metadata: z.record(z.string(), z.unknown()),
    created_at: z.date(),
    updated_at: z.date(),
    contact: ContactSummary,
  })
  .openapi('Conversation');
export type Conversation = z.infer<typeof Conversation>;

export const Note = z
  .object({
    id: z.uuid(),
    conversation_id: z.uuid(),
    author_id: z.uuid().nullable().openapi({ description: 'who wrote it; null for an API key' }),
    body: z.string(),
    mentions: z.array(z.uuid()).openapi({ description: 'the members it mentions (user ids)' }),
    created_at: z.date(),
  })
  .openapi('Note', { description: 'a private note: for the team only, never sent to the customer' });
export type Note = z.infer<typeof Note>;

export const Mention = z
  .object({
    note_id: z.uuid(),
    conversation_id: z.uuid(),
    channel: z.enum(CHANNELS).openapi({ description: "the conversation's channel" }),
    contact: ContactSummary.openapi({ description: 'whom the conversation is with' }),
    author_id: z.uuid().nullable().openapi({ description: 'who wrote the note; null for an API key' }),
    body: z.string().openapi({ description: "the note's text" }),
    created_at: z.date(),
    read_at: z.date().nullable().openapi({ description: 'when the mentioned person read it; null while unread' }),
  })
  .openapi('Mention', { description: 'a private note that mentions the caller' });
export type Mention = z.infer<typeof Mention>;

export const MentionList = z
  .object({
    data: z.array(Mention).openapi({ description: 'newest first' }),
    unread_count: z.number().int().openapi({ description: "the caller's unread mentions in this workspace, all of them (not only this page)" }),
  })
  .openapi('MentionList');

export const MentionQuery = z.object({
  unread: z.enum(['true', 'false']).optional().openapi({ description: 'true: only the unread ones' }),
  limit: z.coerce.number().int().min(1).max(100).default(30).openapi({ description: 'how many, newest first (1-100)' }),
});
export type MentionQuery = z.infer<typeof MentionQuery>;

export const MentionReadBody = z
  .strictObject({
    note_ids: z.array(z.uuid()).min(1).max(100).optional().openapi({ description: 'these notes' }),
    conversation_id: z.uuid().optional().openapi({ description: "every note of this conversation (the app sends it when the thread is opened)" }),
  })
  .openapi('MentionRead', { description: 'which of the caller\'s mentions to mark read; an empty object marks them all' });
export type MentionReadBody = z.infer<typeof MentionReadBody>;

export const ReplyWindow = z
  .object({
    free_form: z.boolean().openapi({ description: 'a free-form reply can go now' }),
    last_customer_message_at: z.date().nullable().openapi({ description: "the customer's last WhatsApp message, if they ever wrote" }),
    closes_at: z.date().nullable().openapi({ description: 'when free-form replies stop: 24 hours after the customer last wrote' }),
    template: z
      .object({ name: z.string(), language: z.string() })
      .nullable()
      .openapi({ description: 'the approved template that can go outside the window (POST /conversations/{id}/template); null when none is configured' }),
  })
  .openapi('ReplyWindow', { description: "WhatsApp's 24-hour customer-service window: outside it only an approved template can go" });
export type ReplyWindow = z.infer<typeof ReplyWindow>;

export const ConversationWithMessages = Conversation.extend({
  messages: z.array(Message).openapi({ description: 'oldest first: the most recent ones, or those before `before`' }),
  messages_before: z.uuid().nullable().openapi({ description: 'pass as `before` for the older messages; null when there are none' }),
  notes: z.array(Note).openapi({ description: "the team's private notes written in the span of these messages (all later ones too), oldest first" }),
  reply_window: ReplyWindow.nullable().openapi({ description: 'on WhatsApp: whether a free-form reply can go, and the template that can; null on other channels' }),
}).openapi('ConversationWithMessages');

export const ConversationListQuery = z
  .object({
    limit: z.coerce.number().int().min(1).max(200).default(50).openapi({ description: 'page size, 1-200' }),
    cursor: z.string().max(200).optional().openapi({ description: 'next_cursor from the previous page' }),
    status: z.enum(STATUSES).optional(),
    channel: z.enum(CHANNELS).optional(),
    owner: z.enum(OWNERS).optional(),
    assignee_id: z.uuid().optional(),
    assignee: z.enum(['me', 'none']).optional().openapi({ description: 'me: assigned to the caller; none: unassigned' }),
    tag: z.string().trim().min(1).max(50).optional().openapi({ description: "a tag of the conversation's contact" }),
    contact_id: z.uuid().optional(),
    needs_person: z.enum(['true', 'false']).optional().openapi({ description: 'true: a person owns it, it is open and the customer spoke last' }),
    unread: z.enum(['true', 'false']).optional().openapi({ description: 'true: unread by the caller (the team, for an API key)' }),
    q: z.string().trim().min(1).max(200).optional().openapi({ description: 'words in any message of the conversation, case-insensitive' }),
  })
  .refine((q) => !(q.assignee_id && q.assignee), { message: 'give assignee_id or assignee, not both', path: ['assignee'] });
export type ConversationListQuery = z.infer<typeof ConversationListQuery>;

export const MessagesQuery = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(100).openapi({ description: 'how many messages, 1-200' }),
  before: z.uuid().optional().openapi({ description: 'a message id of this conversation: the messages before it' }),
});

export const ConversationOpen = z
  .strictObject({ contact_id: z.uuid(), channel: z.enum(CHANNELS) })
  .openapi('ConversationOpen');

export const AssignBody = z
  .strictObject({ assignee_id: z.uuid().nullable().openapi({ description: 'a member of the workspace, or null to unassign' }) })
  .openapi('ConversationAssign');

export const StatusBody = z
  .strictObject({
    status: z.enum(STATUSES),
    snoozed_until: z.iso.datetime({ offset: true }).optional().openapi({
      description: 'for snoozed: when it comes back; without it, it comes back when the customer writes again (which also ends a timed snooze)',
    }),
  })
  .openapi('ConversationStatus');
export type StatusBody = z.infer<typeof StatusBody>;

export const ReplyBody = z
  .strictObject({ body: z.string().trim().min(1).max(4096) })
  .openapi('ConversationReply');

export const TemplateBody = z
  .strictObject({
    body: z.string().trim().min(1).max(1024).openapi({ description: "the text of the template's one body parameter" }),
  })
  .openapi('ConversationTemplate');

export const NoteBody = z
  .strictObject({
    body: z.string().trim().min(1).max(4096),
    mentions: z
      .array(z.uuid())
      .max(20)
      .default([])
      .openapi({ description: 'members of the workspace the note mentions (user ids); the app fills it from the @names typed' }),
  })
  .openapi('NoteCreate');
export type NoteBody = z.infer<typeof NoteBody>;

const Shortcut = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^[a-z0-9][a-z0-9_-]{0,39}$/, 'letters, digits, - and _ (at most 40), typed after a slash: /welcome')
  .openapi({ example: 'welcome' });

export const SavedReply = z
  .object({
    id: z.uuid(),
    shortcut: Shortcut,
    body: z.string().openapi({
      description: 'may hold variables the app fills in: {{contact.first_name}}, {{contact.name}}, {{contact.phone}}, {{appointment.next}}',
    }),
    personal: z.boolean().openapi({ description: 'true: only its owner sees it; false: the whole team' }),
    owner_id: z.uuid().nullable(),
    created_at: z.date(),
    updated_at: z.date(),
  })
  .openapi('SavedReply');
export type SavedReply = z.infer<typeof SavedReply>;

export const SavedReplyCreate = z
  .strictObject({
    shortcut: Shortcut,
    body: z.string().trim().min(1).max(4096),
    personal: z.boolean().default(false).openapi({ description: "true: yours alone; false (default): the team's, which only admins write" }),
  })
  .openapi('SavedReplyCreate');
export type SavedReplyCreate = z.infer<typeof SavedReplyCreate>;

export const SavedReplyPatch = z
  .strictObject({ shortcut: Shortcut, body: z.string().trim().min(1).max(4096) })
  .partial()
  .openapi('SavedReplyPatch');
export type SavedReplyPatch = z.infer<typeof SavedReplyPatch>;

export const SavedReplyQuery = z.object({
  q: z.string().trim().max(40).optional().openapi({ description: 'shortcuts starting with this (without the slash)' }),
});
