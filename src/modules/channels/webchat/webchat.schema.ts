import { z } from '@hono/zod-openapi';

/** PostgreSQL text cannot hold NUL. */
const NoNul = /^[^\u0000]*$/;

/** What a visitor may tell before chatting; all optional, the widget asks for nothing. */
export const ChatSessionCreate = z
  .strictObject({
    name: z.string().trim().min(1).max(200).regex(NoNul, 'must not contain NUL characters').optional(),
    email: z.email().max(320).optional(),
    locale: z.string().regex(/^[a-z]{2}(-[A-Z]{2})?$/).optional().openapi({ example: 'en' }),
  })
  .openapi('ChatSessionCreate');
export type ChatSessionCreate = z.infer<typeof ChatSessionCreate>;

export const ChatSessionCreated = z
  .object({
    token: z.string().openapi({ description: 'the visitor\'s credential for 24 hours: send it as X-Guest-Token' }),
    session_id: z.uuid(),
    contact_id: z.uuid(),
    expires_at: z.date(),
  })
  .openapi('ChatSessionCreated');
export type ChatSessionCreated = z.infer<typeof ChatSessionCreated>;

export const ChatMessage = z
  .object({
    id: z.uuid(),
    from: z.enum(['visitor', 'assistant', 'staff', 'business']),
    body: z.string(),
    created_at: z.date(),
  })
  .openapi('ChatMessage');
export type ChatMessage = z.infer<typeof ChatMessage>;

export const ChatMessageCreate = z
  .strictObject({
    body: z.string().trim().min(1).max(4096).regex(NoNul, 'must not contain NUL characters'),
    client_message_id: z
      .string()
      .regex(/^[A-Za-z0-9_-]{8,64}$/)
      .optional()
      .openapi({ description: 'the widget\'s own id for the message: a retry with the same id is answered once' }),
  })
  .openapi('ChatMessageCreate');

export const ChatSent = z
  .object({ message: ChatMessage, reply: ChatMessage.nullable(), conversation_id: z.uuid() })
  .openapi('ChatSent');
export type ChatSent = z.infer<typeof ChatSent>;

export const ChatPollQuery = z.object({
  after: z.uuid().optional().openapi({ description: 'the id of the last message the visitor has; omit for the whole chat' }),
});

export const ChatMessages = z.object({ messages: z.array(ChatMessage) }).openapi('ChatMessages');

export const SlugParams = z.object({
  slug: z
    .string()
    .regex(/^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/)
    .openapi({ param: { in: 'path' }, example: '1stoplaundry' }),
});
