import type { Context } from 'hono';
import { streamSSE } from 'hono/streaming';
import type { EnvironmentModel } from '../../modules/assistant/index.ts';
import { workspaceIdOf, type Ctx } from '../../platform/context.ts';
import { AppError } from '../../platform/errors.ts';
import { busy } from '../../platform/fairness.ts';
import type { AppEnv, RouteDeps } from '../../platform/http/env.ts';
import { clientAddress, rateLimit } from '../../platform/http/rate-limit.ts';
import { createRoute, createRouter, errorResponses, json, jsonBody, page, PageQuery, UuidParam, z } from '../../platform/http/router.ts';
import { answerChat, MAX_MESSAGE_CHARS, openChat, type ChatInput, type EndUser } from './chat.ts';
import { conversationMessages, listConversations, recordFeedback } from './conversations.ts';

const NoNul = /^[^\u0000]*$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const ChatBody = z
  .strictObject({
    message: z.string().trim().min(1).max(MAX_MESSAGE_CHARS).regex(NoNul, 'must not contain NUL characters').openapi({ example: 'Necesito una limpieza profunda para el sábado' }),
    conversation_id: z.uuid().optional().openapi({ description: 'continue one of your conversations; leave out to start one in your locale' }),
    client_message_id: z
      .string()
      .trim()
      .min(1)
      .max(100)
      .regex(NoNul, 'must not contain NUL characters')
      .optional()
      .openapi({ description: "the app's own id for this message: sending it again returns the stored answer instead of a second turn" }),
    locale: z.string().regex(/^[a-z]{2}(-[A-Z]{2})?$/).optional().openapi({ description: "a new conversation's language (es, en, id); default: your profile's" }),
    stream: z.boolean().optional().openapi({ description: 'answer as server-sent events (same as Accept: text/event-stream)' }),
  })
  .openapi('AmaraChatRequest');

const AmaraMessage = z
  .object({
    id: z.uuid(),
    conversation_id: z.uuid(),
    role: z.string().openapi({ example: 'assistant' }),
    content: z.string(),
    status: z.enum(['submitted', 'streaming', 'completed', 'error']).nullable(),
    tool_calls: z.array(z.record(z.string(), z.unknown())).nullable().openapi({ description: 'each tool the reply called: name, arguments, ok, result or error, ms' }),
    metadata: z.record(z.string(), z.unknown()).openapi({ description: 'model, usage, intent, extracted fields, feedback, draft' }),
    created_at: z.date(),
  })
  .openapi('AmaraMessage');

const ChatReply = z
  .object({
    conversation_id: z.uuid(),
    replayed: z.boolean().openapi({ description: 'true when client_message_id was seen before: the stored answer, no new turn' }),
    user_message: AmaraMessage,
    message: AmaraMessage,
  })
  .openapi('AmaraChatReply');

const Conversation = z
  .object({
    id: z.uuid(),
    locale: z.string(),
    is_active: z.boolean(),
    last_message_at: z.date(),
    created_at: z.date(),
    has_draft: z.boolean().openapi({ description: 'a booking draft waits for your confirmation' }),
  })
  .openapi('AmaraConversation');

const Feedback = z.strictObject({ rating: z.enum(['up', 'down']), comment: z.string().trim().min(1).max(1000).optional() }).openapi('AmaraFeedback');

const IdParams = z.object({ id: UuidParam });

export interface AmaraRouteDeps extends RouteDeps {
  /** The server's LLM_* model, for workspaces without model arms of their own. */
  llm?: EnvironmentModel | undefined;
}

const endUsersOnly = () => new AppError('amara.end_users_only', 'forbidden', 'Amara talks with signed-in people; an API key cannot chat');

/** The signed-in person and the workspace they talk to (X-Workspace-Id). */
function endUserOf(c: Context<AppEnv>): EndUser {
  const principal = c.var.principal;
  if (principal.kind !== 'session') throw endUsersOnly();
  const ws = c.req.header('x-workspace-id');
  if (!ws) throw new AppError('workspace.required', 'invalid', 'name the workspace you are talking to with the X-Workspace-Id header');
  if (!UUID.test(ws)) throw new AppError('workspace.invalid_id', 'invalid', 'X-Workspace-Id must be a workspace id (a UUID)');
  return { userId: principal.userId, email: principal.email, workspaceId: ws.toLowerCase() };
}

/** The caller of a tenant-transaction route as an end user of its workspace. */
function endUserCtx(ctx: Ctx): Ctx & { actor: { kind: 'user'; userId: string } } {
  if (ctx.actor.kind !== 'user') throw endUsersOnly();
  workspaceIdOf(ctx);
  return ctx as Ctx & { actor: { kind: 'user'; userId: string } };
}

/** Amara, the in-app assistant of a marketplace workspace (seed 003), for its signed-in users. */
export function amaraRoutes(deps: AmaraRouteDeps) {
  const r = createRouter();
  // The product's limit: 100 chat requests a minute per person.
  const chatLimit = rateLimit({
    bucket: 'amara-chat',
    limit: 100,
    windowMs: 60_000,
    key: (c) => (c.var.principal.kind === 'session' ? `user:${c.var.principal.userId}` : clientAddress(c)),
  });
  const mine = [deps.signedIn, ...deps.asCaller()];

  r.openapi(
    createRoute({
      method: 'post',
      path: '/amara/chat',
      tags: ['amara'],
      summary: 'Send Amara a message and get her reply (JSON, or server-sent events)',
      description:
        'Continues one of your conversations, or starts one in your locale. Amara searches the services and knowledge of the workspace (X-Workspace-Id), checks availability and prepares a booking draft; the booking is made only after you confirm the draft ("sí, confirmo"). ' +
        'With Accept: text/event-stream or stream: true the reply streams as events: start (ids), tool (each tool call), delta (text), done (the stored reply, as in the JSON answer), or error.',
      middleware: [deps.signedIn, chatLimit],
      request: { body: jsonBody(ChatBody) },
      responses: {
        200: {
          description: 'the reply, stored with its tool calls and usage',
          content: { 'application/json': { schema: ChatReply }, 'text/event-stream': { schema: z.string().openapi({ description: 'events: start, tool, delta, done, error; data is JSON' }) } },
        },
        ...errorResponses,
      },
    }),
    async (c) => {
      const body = c.req.valid('json');
      const user = endUserOf(c);
      const chatDeps = { db: deps.db, clock: deps.clock, log: c.var.log, secrets: deps.secrets, llm: deps.llm, timeoutMaxMs: deps.fairness.limits.llmTimeoutMaxMs };
      const input: ChatInput = { message: body.message, conversation_id: body.conversation_id, client_message_id: body.client_message_id, locale: body.locale };
      // Amara's model still writes inside the turn's transaction: the workspace's places
      // (TURNS_PER_WORKSPACE) bound the connections its chats can hold at once.
      const gate = deps.fairness.turns;
      const leave = await gate.enter(user.workspaceId);
      if (!leave) throw busy('this workspace has too many conversations being answered at once', Math.max(1, Math.ceil(gate.waitMs / 1000)));
      let streamed = false;
      try {
        const opened = await openChat(chatDeps, user, input);
        const streaming = body.stream === true || (c.req.header('accept') ?? '').includes('text/event-stream');
        if (!streaming) return c.json(await answerChat(chatDeps, user, input, opened), 200);
        streamed = true;
        return streamSSE(c, async (stream) => {
          try {
            await answerChat(chatDeps, user, input, opened, (e) => stream.writeSSE({ event: e.event, data: JSON.stringify(e.data) }));
          } catch {
            // Already stored as an error, logged, and sent as the error event.
          } finally {
            leave();
          }
        }) as never;
      } finally {
        if (!streamed) leave();
      }
    },
  );

  r.openapi(
    createRoute({
      method: 'get',
      path: '/amara/conversations',
      tags: ['amara'],
      summary: 'Your conversations with Amara in this workspace, most recent first',
      middleware: mine,
      request: { query: PageQuery },
      responses: { 200: json(page(Conversation)), ...errorResponses },
    }),
    async (c) => c.json(await listConversations(endUserCtx(c.var.ctx), c.req.valid('query')), 200),
  );

  r.openapi(
    createRoute({
      method: 'get',
      path: '/amara/conversations/{id}/messages',
      tags: ['amara'],
      summary: 'The messages of one of your conversations, oldest first',
      middleware: mine,
      request: { params: IdParams },
      responses: { 200: json(z.object({ data: z.array(AmaraMessage) })), ...errorResponses },
    }),
    async (c) => c.json({ data: await conversationMessages(endUserCtx(c.var.ctx), c.req.valid('param').id) }, 200),
  );

  r.openapi(
    createRoute({
      method: 'post',
      path: '/amara/messages/{id}/feedback',
      tags: ['amara'],
      summary: "Thumbs up or down on one of Amara's replies to you",
      middleware: mine,
      request: { params: IdParams, body: jsonBody(Feedback) },
      responses: { 200: json(AmaraMessage, 'the reply with metadata.feedback'), ...errorResponses },
    }),
    async (c) => c.json(await recordFeedback(endUserCtx(c.var.ctx), c.req.valid('param').id, c.req.valid('json')), 200),
  );

  return r;
}
