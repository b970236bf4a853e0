import type { Clock } from '../../../platform/clock.ts';
import type { Ctx } from '../../../platform/context.ts';
import type { Database, Tx } from '../../../platform/db/database.ts';
import { assume, claimsFor, withServiceRole, withTenant, type Actor } from '../../../platform/db/tenant.ts';
import { AppError } from '../../../platform/errors.ts';
import { newId } from '../../../platform/ids.ts';
import type { Logger } from '../../../platform/log.ts';
import type { SecretBox } from '../../../platform/secrets.ts';
import { findWorkspaceBySlug } from '../../tenancy/index.ts';
import { findChannelOfWorkspace } from '../settings/settings.service.ts';
import { findGuestSessionByToken, openGuestSession } from '../../scheduling/index.ts';
import { insertContact } from '../../contacts/index.ts';
import { markShown, messageAndReply, messagesAfter, type ChatMessageRow } from '../../conversations/index.ts';
import type { ChatMessage, ChatSessionCreate, ChatSessionCreated, ChatSent } from './webchat.schema.ts';

/** How long a chat session (and its token) lives, as seed 003's guest sessions do. */
/** Messages a poll returns at most; the widget asks again from the last one. */
const POLL_LIMIT = 100;

/**
 * The assistant's turn for a web chat message, given by the entry point (apps/answer.ts):
 * modules cannot import apps.
 */
export type AnswerWebchat = (
  /** The turn opens its own transactions as this actor, so none is held while a model writes. */
  scope: { db: Database; actor: Actor; clock: Clock; log: Logger },
  input: { contactId: string; channel: 'webchat'; message: string; providerMessageId: string },
) => Promise<{ reply: string | null; conversation_id: string }>;

export interface WebchatDeps {
  db: Database;
  clock: Clock;
  log: Logger;
  answer: AnswerWebchat;
}

/** A workspace that takes web chat, and the site origins allowed to embed it. */
export interface WebchatSite {
  workspaceId: string;
  origins: string[];
}

/** `scheme://host[:port]` as browsers send it in Origin, or undefined for anything else. */
export function normalizeOrigin(value: string): string | undefined {
  try {
    const url = new URL(value);
    if (url.protocol !== 'https:' && url.protocol !== 'http:') return undefined;
    return url.origin;
  } catch {
    return undefined;
  }
}

export const webchatNotFound = () => new AppError('webchat.not_found', 'not_found', 'no workspace takes web chat at this address');

/**
 * The workspace behind a chat address, with its origin allowlist. The visitor names the
 * workspace only by its slug, so this one lookup runs as the service role (the way a webhook
 * finds its workspace); everything after it runs as the workspace's own actor.
 */
export async function findSite(db: Database, box: SecretBox, slug: string): Promise<WebchatSite> {
  const site = await withServiceRole(db, async (tx) => {
    const workspace = await findWorkspaceBySlug(tx, slug);
    const channel = workspace && (await findChannelOfWorkspace(tx, box, workspace.id, 'webchat'));
    return channel && { workspaceId: channel.workspaceId, origins: channel.settings.allowed_origins.flatMap((o) => normalizeOrigin(o) ?? []) };
  });
  if (!site) throw webchatNotFound();
  return site;
}

const systemCtx = (deps: Pick<WebchatDeps, 'clock' | 'log'>, tx: Tx, workspaceId: string): Ctx => ({
  tx,
  actor: { kind: 'system', workspaceId },
  clock: deps.clock,
  log: deps.log,
});

/**
 * A visitor starts chatting: a contact for them and a guest session whose token is their
 * credential for 24 hours. The caller has checked the page's origin against the allowlist.
 */
export async function startSession(deps: Omit<WebchatDeps, 'answer'>, site: WebchatSite, origin: string, input: ChatSessionCreate): Promise<ChatSessionCreated> {
  const now = deps.clock.now();
  // 32 random bytes as lowercase hex: the format guest_sessions checks.
  const contactId = newId();
  const session = await withTenant(deps.db, { kind: 'system', workspaceId: site.workspaceId }, async (tx) => {
    const ws = site.workspaceId;
    await insertContact(tx, { id: contactId, workspace_id: ws, name: input.name ?? null, email: input.email ?? null, locale: input.locale ?? null, source: 'webchat', last_contact: now, created_at: now, updated_at: now });
    // guest_sessions wants a name and an email; a visitor who gave none is recorded as such.
    return openGuestSession(tx, ws, { email: input.email ?? '', fullName: input.name ?? 'Web chat visitor', metadata: { channel: 'webchat', contact_id: contactId, origin }, now });
  });
  deps.log.info({ workspace_id: site.workspaceId, guest_session_id: session.id }, 'web chat session started');
  return { token: session.token, session_id: session.id, contact_id: contactId, expires_at: session.expiresAt };
}

interface VisitorSession {
  id: string;
  contactId: string;
  expiresAt: Date;
}

/**
 * The session of the guest token in the transaction's claims, read as the anon actor holding
 * it, so another workspace's token finds nothing; the contact it speaks for is in its metadata.
 */
async function sessionOfClaimedToken(tx: Tx, ws: string, token: string): Promise<{ id: string; contactId: string | null; expiresAt: Date } | undefined> {
  const row = await findGuestSessionByToken(tx, ws, token);
  if (!row) return undefined;
  const contactId = (row.metadata as { contact_id?: unknown } | null)?.contact_id;
  return { id: row.id, contactId: typeof contactId === 'string' ? contactId : null, expiresAt: row.expires_at };
}

const invalidToken = () =>
  new AppError('webchat.invalid_token', 'unauthenticated', 'the X-Guest-Token is unknown at this address or has expired; start a new chat session');

/**
 * Runs `fn` for the visitor holding `token`, in one transaction: the session is read as the
 * anonymous guest (the database shows a guest only their own session), then the transaction
 * acts for the workspace, as the assistant and the inbox need.
 */
async function asVisitor<T>(deps: Pick<WebchatDeps, 'db' | 'clock' | 'log'>, site: WebchatSite, token: string, fn: (ctx: Ctx, session: VisitorSession) => Promise<T>): Promise<T> {
  const guest: Actor = { kind: 'anon', workspaceId: site.workspaceId, guestToken: token };
  return withTenant(deps.db, guest, async (tx) => {
    const session = await sessionOfClaimedToken(tx, site.workspaceId, token);
    if (!session || session.expiresAt <= deps.clock.now() || !session.contactId) throw invalidToken();
    const system: Actor = { kind: 'system', workspaceId: site.workspaceId };
    await assume(tx, 'authenticated', claimsFor(system));
    return fn(systemCtx(deps, tx, site.workspaceId), { ...session, contactId: session.contactId });
  });
}

const toMessage = (m: ChatMessageRow): ChatMessage => ({
  id: m.id,
  from: m.direction === 'inbound' ? 'visitor' : m.sender_kind === 'agent' ? 'staff' : m.sender_kind === 'system' ? 'business' : 'assistant',
  body: m.body,
  created_at: m.created_at,
});

/**
 * The visitor's message through the assistant. A retry with the same client_message_id is
 * answered from the record, not run again.
 */
export async function sendMessage(deps: WebchatDeps, site: WebchatSite, token: string, input: { body: string; client_message_id?: string | undefined }): Promise<ChatSent> {
  const ws = site.workspaceId;
  const guest: Actor = { kind: 'anon', workspaceId: ws, guestToken: token };
  const session = await withTenant(deps.db, guest, async (tx) => {
    const found = await sessionOfClaimedToken(tx, ws, token);
    if (!found || found.expiresAt <= deps.clock.now() || !found.contactId) throw invalidToken();
    return { ...found, contactId: found.contactId };
  });
  // Keyed under the session, so one visitor's ids can never name another's message.
  const key = `${session.id}:${input.client_message_id ?? newId()}`;
  const system: Actor = { kind: 'system', workspaceId: ws };
  // The turn runs in transactions of its own, none of them open while a model writes.
  const outcome = await deps.answer({ db: deps.db, actor: system, clock: deps.clock, log: deps.log }, { contactId: session.contactId, channel: 'webchat', message: input.body, providerMessageId: key });
  return withTenant(deps.db, system, async (tx) => {
    const stored = await messageAndReply(tx, ws, 'webchat', key);
    if (!stored) throw new Error('the web chat message was not stored by the turn');
    // The reply reaches the visitor in this response.
    if (stored.reply) await markShown(tx, ws, 'webchat', [stored.reply.id], deps.clock.now());
    return { message: toMessage(stored.message), reply: stored.reply ? toMessage(stored.reply) : null, conversation_id: outcome.conversation_id };
  });
}

/** What the visitor has not seen yet: staff replies, notices and later messages. */
export async function pollMessages(deps: Omit<WebchatDeps, 'answer'>, site: WebchatSite, token: string, after: string | undefined): Promise<{ messages: ChatMessage[] }> {
  return asVisitor(deps, site, token, async (ctx, session) => {
    const rows = await messagesAfter(ctx.tx, site.workspaceId, session.contactId, 'webchat', after, POLL_LIMIT);
    await markShown(ctx.tx, site.workspaceId, 'webchat', rows.filter((m) => m.direction === 'outbound').map((m) => m.id), ctx.clock.now());
    return { messages: rows.map(toMessage) };
  });
}
