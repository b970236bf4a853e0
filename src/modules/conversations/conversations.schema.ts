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

export const ConversationWithMessages = Conversation.extend({
  messages: z.array(Message).openapi({ description: 'oldest first: the most recent ones, or those before `before`' }),
  messages_before: z.uuid().nullable().openapi({ description: 'pass as `before` for the older messages; null when there are none' }),
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
