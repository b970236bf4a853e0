import { Rank, type RouteDeps } from '../../platform/http/env.ts';
import { createRoute, createRouter, errorResponses, json, jsonBody, page, UuidParam, z } from '../../platform/http/router.ts';
import {
  AssignBody,
  Conversation,
  ConversationListQuery,
  ConversationOpen,
  ConversationWithMessages,
  MentionList,
  MentionQuery,
  MentionReadBody,
  Message,
  MessagesQuery,
  Note,
  NoteBody,
  ReplyBody,
  SavedReply,
  SavedReplyCreate,
  SavedReplyPatch,
  SavedReplyQuery,
  StatusBody,
  TemplateBody,
} from './conversations.schema.ts';
import * as inbox from './conversations.service.ts';
import type { AssistantReplies, ReplyWindowOf, ResumeAssistant } from './conversations.service.ts';
import * as tools from './inbox-tools.service.ts';

const tags = ['inbox'];
const IdParams = z.object({ id: UuidParam });

export function conversationsRoutes(deps: RouteDeps & { resumeAssistant: ResumeAssistant; replyWindow: ReplyWindowOf; assistantReplies?: AssistantReplies | undefined }) {
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
      method: 'get', path: '/conversations/{id}', tags, summary: 'A conversation with its messages, its private notes and its reply window',
      description:
        "Messages carry their delivery status (and the failure's reason); an assistant's reply also says which model wrote it, its tokens and latency (`assistant`). " +
        'The team\'s notes of the same span come in `notes`, to show in time order. On WhatsApp, `reply_window` says whether a free-form reply can go (24 hours after the customer last wrote) and which template can go instead.',
      middleware: deps.inWorkspace(Rank.readOnly),
      request: { params: IdParams, query: MessagesQuery },
      responses: { 200: json(ConversationWithMessages), ...errorResponses },
    }),
    async (c) => c.json(await inbox.getConversation(c.var.ctx, c.req.valid('param').id, c.req.valid('query'), deps.replyWindow, deps.assistantReplies), 200),
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
      description:
        'The message is queued for the channel to deliver. Replying takes the conversation over from the assistant. ' +
        "On WhatsApp a free-form reply can go only within 24 hours of the customer's last message (the thread's reply_window): outside it, " +
        '409 conversation.whatsapp_window_closed, with `last_customer_message_at`, `closes_at` and the `template` that can go instead (POST /conversations/{id}/template) in its details.',
      middleware: deps.inWorkspace(Rank.member),
      request: { params: IdParams, body: jsonBody(ReplyBody) },
      responses: { 201: json(Message, 'queued'), ...errorResponses },
    }),
    async (c) => c.json(await inbox.reply(c.var.ctx, c.req.valid('param').id, c.req.valid('json').body, deps.replyWindow), 201),
  );

  r.openapi(
    createRoute({
      method: 'post', path: '/conversations/{id}/template', tags, summary: "Send the workspace's approved WhatsApp template (outside the 24-hour window)",
      description:
        "Outside WhatsApp's 24-hour window a free-form reply cannot go; the approved template configured in the WhatsApp settings (reply_window.template) can. " +
        "`body` fills the template's one body parameter. It is queued and sent as that template, and takes the conversation over like a reply. " +
        '409 conversation.no_template when none is configured; 409 conversation.template_not_available on other channels.',
      middleware: deps.inWorkspace(Rank.member),
      request: { params: IdParams, body: jsonBody(TemplateBody) },
      responses: { 201: json(Message, 'queued'), ...errorResponses },
    }),
    async (c) => c.json(await inbox.sendTemplate(c.var.ctx, c.req.valid('param').id, c.req.valid('json').body, deps.replyWindow), 201),
  );

  r.openapi(
    createRoute({
      method: 'get', path: '/conversations/{id}/notes', tags, summary: "The conversation's private notes, oldest first",
      middleware: deps.inWorkspace(Rank.readOnly),
      request: { params: IdParams },
      responses: { 200: json(z.object({ data: z.array(Note) })), ...errorResponses },
    }),
    async (c) => c.json(await tools.listNotes(c.var.ctx, c.req.valid('param').id), 200),
  );

  r.openapi(
    createRoute({
      method: 'post', path: '/conversations/{id}/notes', tags, summary: 'Write a private note for the team, mentioning colleagues',
      description:
        'A note is never sent to the customer: it is stored apart from the messages and no channel delivers it. ' +
        '`mentions` names members of the workspace (400 conversation.mention_not_member otherwise); they are stored for notifications. ' +
        'The inbox stream announces `note.created` with the mentions.',
      middleware: deps.inWorkspace(Rank.member),
      request: { params: IdParams, body: jsonBody(NoteBody) },
      responses: { 201: json(Note, 'written'), ...errorResponses },
    }),
    async (c) => c.json(await tools.addNote(c.var.ctx, c.req.valid('param').id, c.req.valid('json')), 201),
  );

  r.openapi(
    createRoute({
      method: 'get', path: '/mentions', tags, summary: 'The notes that mention me, newest first, and how many are unread',
      description:
        'A teammate named in a private note (POST /conversations/{id}/notes with `mentions`) finds it here until it is read. ' +
        "The inbox stream's `note.created` lists whom a new note mentions, so the app refetches this when the caller is among them. " +
        'For a signed-in person only: 400 mention.needs_person for an API key.',
      middleware: deps.inWorkspace(Rank.readOnly),
      request: { query: MentionQuery },
      responses: { 200: json(MentionList), ...errorResponses },
    }),
    async (c) => c.json(await tools.listMentions(c.var.ctx, c.req.valid('query')), 200),
  );

  r.openapi(
    createRoute({
      method: 'post', path: '/mentions/read', tags, summary: 'Mark my mentions read: some notes, a conversation\'s, or all',
      description:
        "`note_ids` marks those notes' mentions of the caller, `conversation_id` every mention of the caller in that conversation, an empty object all of them. " +
        "Only the caller's own mentions change; marking one twice changes nothing. Answers the unread count left. 400 mention.needs_person for an API key.",
      middleware: deps.inWorkspace(Rank.member),
      request: { body: jsonBody(MentionReadBody) },
      responses: { 200: json(z.object({ unread_count: z.number().int() })), ...errorResponses },
    }),
    async (c) => c.json(await tools.readMentions(c.var.ctx, c.req.valid('json')), 200),
  );

  const savedTags = ['saved replies'];
  r.openapi(
    createRoute({
      method: 'get', path: '/saved-replies', tags: savedTags, summary: "Saved replies: the team's and your own personal ones",
      description: "A colleague's personal replies are never listed (row-level security). Variables in a body are filled in by the app: {{contact.first_name}}, {{contact.name}}, {{contact.phone}}, {{appointment.next}}.",
      middleware: deps.inWorkspace(Rank.readOnly),
      request: { query: SavedReplyQuery },
      responses: { 200: json(z.object({ data: z.array(SavedReply) })), ...errorResponses },
    }),
    async (c) => c.json(await tools.listSavedReplies(c.var.ctx, c.req.valid('query').q), 200),
  );

  r.openapi(
    createRoute({
      method: 'post', path: '/saved-replies', tags: savedTags, summary: 'Save a reply: personal, or for the team (admin)',
      description: '409 saved_reply.shortcut_taken when the team (or you, for a personal one) has the shortcut already; 403 saved_reply.team_needs_admin for a member saving a team reply.',
      middleware: deps.inWorkspace(Rank.member),
      request: { body: jsonBody(SavedReplyCreate) },
      responses: { 201: json(SavedReply, 'saved'), ...errorResponses },
    }),
    async (c) => c.json(await tools.createSavedReply(c.var.ctx, c.var.rank ?? 0, c.req.valid('json')), 201),
  );

  r.openapi(
    createRoute({
      method: 'patch', path: '/saved-replies/{id}', tags: savedTags, summary: "Change a saved reply's shortcut or text (the team's: admin)",
      middleware: deps.inWorkspace(Rank.member),
      request: { params: IdParams, body: jsonBody(SavedReplyPatch) },
      responses: { 200: json(SavedReply), ...errorResponses },
    }),
    async (c) => c.json(await tools.updateSavedReply(c.var.ctx, c.var.rank ?? 0, c.req.valid('param').id, c.req.valid('json')), 200),
  );

  r.openapi(
    createRoute({
      method: 'delete', path: '/saved-replies/{id}', tags: savedTags, summary: "Delete a saved reply (the team's: admin)",
      middleware: deps.inWorkspace(Rank.member),
      request: { params: IdParams },
      responses: { 204: { description: 'deleted' }, ...errorResponses },
    }),
    async (c) => {
      await tools.deleteSavedReply(c.var.ctx, c.var.rank ?? 0, c.req.valid('param').id);
      return c.body(null, 204);
    },
  );

  return r;
}
