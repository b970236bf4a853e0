import { Rank, type RouteDeps } from '../../platform/http/env.ts';
import { createRoute, createRouter, errorResponses, json, jsonBody, page, UuidParam, z } from '../../platform/http/router.ts';
import {
  AssignBody,
  Conversation,
  ConversationListQuery,
  ConversationOpen,
  ConversationWithMessages,
  Message,
  MessagesQuery,
  ReplyBody,
  StatusBody,
} from './conversations.schema.ts';
import * as inbox from './conversations.service.ts';
import type { ResumeAssistant } from './conversations.service.ts';

const tags = ['inbox'];
const IdParams = z.object({ id: UuidParam });

export function conversationsRoutes(deps: RouteDeps & { resumeAssistant: ResumeAssistant }) {
  const r = createRouter();

  r.openapi(
    createRoute({
      method: 'get', path: '/conversations', tags, summary: 'The inbox, most recent activity first',
      description:
        'Filters combine: status (open includes snoozes whose time has passed), channel, owner, assignee (me, none) or assignee_id, tag, contact_id, needs_person, unread (for the caller) and q (words in any message). ' +
        'unread_count is per person for a signed-in caller. Changes arrive live on GET /api/v1/events/stream.',
      middleware: deps.inWorkspace(Rank.readOnly),
      request: { query: ConversationListQuery },
      responses: { 200: json(page(Conversation)), ...errorResponses },
    }),
    async (c) => c.json(await inbox.listConversations(c.var.ctx, c.req.valid('query')), 200),
  );

  r.openapi(
    createRoute({
      method: 'post', path: '/conversations', tags, summary: 'Open a conversation with a contact on a channel',
      description: 'Staff reach out themselves, so the conversation starts owned by a person (and assigned to a signed-in caller). 409 conversation.already_open when the contact has an unresolved one on that channel.',
      middleware: deps.inWorkspace(Rank.member),
      request: { body: jsonBody(ConversationOpen) },
      responses: { 201: json(Conversation, 'opened'), ...errorResponses },
    }),
    async (c) => c.json(await inbox.openConversation(c.var.ctx, c.req.valid('json')), 201),
  );

  r.openapi(
    createRoute({
      method: 'get', path: '/conversations/{id}', tags, summary: 'A conversation with its messages',
      middleware: deps.inWorkspace(Rank.readOnly),
      request: { params: IdParams, query: MessagesQuery },
      responses: { 200: json(ConversationWithMessages), ...errorResponses },
    }),
    async (c) => c.json(await inbox.getConversation(c.var.ctx, c.req.valid('param').id, c.req.valid('query')), 200),
  );

  r.openapi(
    createRoute({
      method: 'post', path: '/conversations/{id}/assign', tags, summary: 'Assign to a member of the workspace, or unassign with null',
      middleware: deps.inWorkspace(Rank.member),
      request: { params: IdParams, body: jsonBody(AssignBody) },
      responses: { 200: json(Conversation), ...errorResponses },
    }),
    async (c) => c.json(await inbox.assign(c.var.ctx, c.req.valid('param').id, c.req.valid('json').assignee_id), 200),
  );

  r.openapi(
    createRoute({
      method: 'post', path: '/conversations/{id}/status', tags, summary: 'Open (reopen), set pending, snooze (until a time, or until the customer writes), or resolve (close)',
      middleware: deps.inWorkspace(Rank.member),
      request: { params: IdParams, body: jsonBody(StatusBody) },
      responses: { 200: json(Conversation), ...errorResponses },
    }),
    async (c) => c.json(await inbox.setStatus(c.var.ctx, c.req.valid('param').id, c.req.valid('json')), 200),
  );

  r.openapi(
    createRoute({
      method: 'post', path: '/conversations/{id}/read', tags, summary: 'Mark read: the caller has read the conversation up to now',
      description:
        "Moves the caller's own read marker (each person has their own; replying moves it too) and sets the team's unread_count to 0. An API key has no marker: only the team's count changes.",
      middleware: deps.inWorkspace(Rank.member),
      request: { params: IdParams },
      responses: { 200: json(Conversation), ...errorResponses },
    }),
    async (c) => c.json(await inbox.markRead(c.var.ctx, c.req.valid('param').id), 200),
  );

  r.openapi(
    createRoute({
      method: 'post', path: '/conversations/{id}/takeover', tags, summary: 'Take over from the assistant: a person answers from now on',
      description: 'The owner becomes human and a signed-in caller becomes the assignee. Doing it twice changes nothing.',
      middleware: deps.inWorkspace(Rank.member),
      request: { params: IdParams },
      responses: { 200: json(Conversation), ...errorResponses },
    }),
    async (c) => c.json(await inbox.takeOver(c.var.ctx, c.req.valid('param').id), 200),
  );

  r.openapi(
    createRoute({
      method: 'post', path: '/conversations/{id}/hand-back', tags, summary: 'Hand back to the assistant',
      description:
        "The owner becomes the assistant again, and the contact's next message gets an assistant reply. When the assistant had handed the contact off, " +
        'it resumes in the state it was in before the handoff (a completed conversation stays completed). The assignee stays. Doing it twice changes nothing.',
      middleware: deps.inWorkspace(Rank.member),
      request: { params: IdParams },
      responses: { 200: json(Conversation), ...errorResponses },
    }),
    async (c) => c.json(await inbox.handBack(c.var.ctx, c.req.valid('param').id, deps.resumeAssistant), 200),
  );

  r.openapi(
    createRoute({
      method: 'post', path: '/conversations/{id}/messages', tags, summary: 'Reply as staff',
      description: 'The message is queued for the channel to deliver. Replying takes the conversation over from the assistant.',
      middleware: deps.inWorkspace(Rank.member),
      request: { params: IdParams, body: jsonBody(ReplyBody) },
      responses: { 201: json(Message, 'queued'), ...errorResponses },
    }),
    async (c) => c.json(await inbox.reply(c.var.ctx, c.req.valid('param').id, c.req.valid('json').body), 201),
  );

  return r;
}
