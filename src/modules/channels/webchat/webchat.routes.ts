import { readFileSync } from 'node:fs';
import { OpenAPIHono } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { createMiddleware } from 'hono/factory';
import { AppError } from '../../../platform/errors.ts';
import type { AppVariables, RouteDeps } from '../../../platform/http/env.ts';
import { rateLimit, clientAddress } from '../../../platform/http/rate-limit.ts';
import { createRoute, errorResponses, json, jsonBody, validationError } from '../../../platform/http/router.ts';
import { ChatMessageCreate, ChatMessages, ChatPollQuery, ChatSent, ChatSessionCreate, ChatSessionCreated, SlugParams } from './webchat.schema.ts';
import { findSite, normalizeOrigin, pollMessages, sendMessage, startSession, type AnswerWebchat, type WebchatSite, webchatNotFound } from './webchat.service.ts';

export interface WebchatRouteDeps extends RouteDeps {
  /** The assistant's turn (apps/answer.ts's answerInbound), wired by the entry point. */
  answer: AnswerWebchat;
}

type WebchatEnv = { Variables: AppVariables & { site: WebchatSite } };

const SLUG = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;
const GUEST_TOKEN = /^[0-9a-f]{64}$/;
const WIDGET = readFileSync(new URL('./webchat.widget.js', import.meta.url), 'utf8');

const tags = ['web chat'];

/**
 * The public web chat: a visitor on an allowlisted site opens a session, sends messages that
 * the assistant answers, and polls for staff replies. Mounted at the root, outside /api/v1.
 */
export function webchatRoutes(deps: WebchatRouteDeps) {
  const r = new OpenAPIHono<WebchatEnv>({
    defaultHook: (result) => {
      if (!result.success) throw validationError(result.error, result.target);
    },
  });
  const ownOrigin = deps.publicUrl ? normalizeOrigin(deps.publicUrl) : undefined;

  /**
   * Finds the workspace by its slug and answers only the origins its web chat allows (and this
   * server's own pages, such as the demo): CORS headers for them, 403 for any other page.
   */
  const site = (requireOrigin: boolean) =>
    createMiddleware<WebchatEnv>(async (c, next) => {
      const slug = c.req.param('slug') ?? '';
      if (!SLUG.test(slug)) throw webchatNotFound();
      const found = await findSite(deps.db, deps.secrets, slug);
      const header = c.req.header('origin');
      if (header === undefined) {
        if (requireOrigin) throw new AppError('webchat.origin_required', 'forbidden', 'web chat sessions start from a web page: the request has no Origin');
      } else {
        const origin = normalizeOrigin(header);
        // The server's own origin comes from PUBLIC_URL, never from the request: its URL is
        // built from the Host header, which the caller chooses.
        if (!origin || !(found.origins.includes(origin) || origin === ownOrigin)) {
          throw new AppError('webchat.origin_not_allowed', 'forbidden', 'this site is not on the workspace\'s web chat allowlist');
        }
        c.header('Access-Control-Allow-Origin', origin);
        c.header('Vary', 'Origin');
      }
      c.set('site', found);
      await next();
    });

  // Visitors of one workspace's chat share its anonymous places (ANONYMOUS_PER_WORKSPACE), waited for before any connection.
  const visitorPlace = createMiddleware<WebchatEnv>((c, next) =>
    deps.fairness.anonymous.run(`anon:${c.var.site.workspaceId}`, 'this business has too many visitors being served at once', () => next()),
  );

  const byToken = (c: Context<WebchatEnv>) => c.req.header('x-guest-token') ?? clientAddress(c as never);
  // Tokens are free to mint (a new chat session each), so a limit per token alone is no limit:
  // the address is limited too, per workspace, whatever tokens it sends.
  const byAddress = (c: Context<WebchatEnv>) => `${c.var.site.workspaceId}:${clientAddress(c as never)}`;
  const token = (c: Context<WebchatEnv>): string => {
    const value = c.req.header('x-guest-token');
    if (value === undefined || !GUEST_TOKEN.test(value)) {
      throw new AppError('webchat.token_required', 'unauthenticated', 'send the chat session token (64 hex characters) as X-Guest-Token');
    }
    return value;
  };

  for (const path of ['/webchat/:slug/sessions', '/webchat/:slug/messages']) {
    r.options(path, site(false), (c) => {
      c.header('Access-Control-Allow-Methods', 'GET, POST');
      c.header('Access-Control-Allow-Headers', 'Content-Type, X-Guest-Token');
      c.header('Access-Control-Max-Age', '600');
      return c.body(null, 204);
    });
  }

  r.openapi(
    createRoute({
      method: 'post', path: '/webchat/{slug}/sessions', tags, summary: 'Start a web chat (public)',
      description:
        "Called by the chat widget from a page of an allowed site: the Origin must be on the workspace's web chat allowlist (403 otherwise). " +
        'Creates a contact and a guest session; the token is the visitor\'s credential for 24 hours, sent as X-Guest-Token. Rate limited per address.',
      security: [],
      middleware: [site(true), rateLimit({ bucket: 'webchat-sessions', limit: 10, windowMs: 60_000 }), visitorPlace] as const,
      request: { params: SlugParams, body: jsonBody(ChatSessionCreate) },
      responses: { 201: json(ChatSessionCreated, 'created'), ...errorResponses },
    }),
    async (c) => c.json(await startSession({ ...deps, log: c.var.log }, c.var.site, normalizeOrigin(c.req.header('origin')!)!, c.req.valid('json')), 201),
  );

  r.openapi(
    createRoute({
      method: 'post', path: '/webchat/{slug}/messages', tags, summary: "Send the visitor's message; the assistant's reply comes back",
      description:
        'X-Guest-Token names the chat. The reply (null when the assistant stays silent, as when a person has taken over) is marked delivered. ' +
        'A retry with the same client_message_id is answered from the record. Rate limited per chat (20 a minute) and per client address at the workspace (60 a minute, whatever the token); a workspace serves a few visitors at once ' +
        '(503 `busy` with Retry-After beyond them), and a message with no place among its turns is answered by the built-in engine.',
      security: [],
      middleware: [
        site(false),
        rateLimit({ bucket: 'webchat-messages-address', limit: 60, windowMs: 60_000, key: byAddress as never }),
        rateLimit({ bucket: 'webchat-messages', limit: 20, windowMs: 60_000, key: byToken as never }),
        visitorPlace,
      ] as const,
      request: { params: SlugParams, body: jsonBody(ChatMessageCreate) },
      responses: { 200: json(ChatSent), ...errorResponses },
    }),
    async (c) => c.json(await sendMessage({ ...deps, log: c.var.log }, c.var.site, token(c), c.req.valid('json')), 200),
  );

  r.openapi(
    createRoute({
      method: 'get', path: '/webchat/{slug}/messages', tags, summary: 'Poll the chat for messages the visitor has not seen',
      description:
        'Messages after `after` (oldest first), plus any staff reply or notice not shown yet; outbound messages returned are marked delivered. ' +
        'Rate limited per chat (120 a minute) and per client address at the workspace (300 a minute).',
      security: [],
      middleware: [
        site(false),
        rateLimit({ bucket: 'webchat-poll-address', limit: 300, windowMs: 60_000, key: byAddress as never }),
        rateLimit({ bucket: 'webchat-poll', limit: 120, windowMs: 60_000, key: byToken as never }),
      ] as const,
      request: { params: SlugParams, query: ChatPollQuery },
      responses: { 200: json(ChatMessages), ...errorResponses },
    }),
    async (c) => c.json(await pollMessages({ ...deps, log: c.var.log }, c.var.site, token(c), c.req.valid('query').after), 200),
  );

  r.get('/webchat/widget.js', (c) => {
    // Loaded by <script crossorigin> on other sites, which makes it a CORS request.
    c.header('Access-Control-Allow-Origin', '*');
    c.header('Cache-Control', 'public, max-age=300');
    return c.body(WIDGET, 200, { 'Content-Type': 'text/javascript; charset=utf-8' });
  });

  r.get('/webchat/demo/:slug', (c) => {
    const slug = c.req.param('slug');
    if (!SLUG.test(slug)) throw webchatNotFound();
    return c.html(demoPage(slug));
  });

  return r;
}

/** A page that embeds the widget as a customer's site would. */
function demoPage(slug: string): string {
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Web chat demo: ${slug}</title>
<style>body{font-family:system-ui,sans-serif;max-width:40rem;margin:3rem auto;padding:0 1rem;color:#222}code{background:#f3f3f3;padding:.1rem .3rem}pre{white-space:pre-wrap;word-break:break-all}</style></head>
<body>
<h1>Web chat demo</h1>
<p>This page embeds the chat widget of the workspace <code>${slug}</code>, as any site on its allowlist can:</p>
<pre><code>&lt;script src="/webchat/widget.js" data-workspace="${slug}" crossorigin="anonymous" defer&gt;&lt;/script&gt;</code></pre>
<p>Open the bubble in the corner and say hello.</p>
<script src="/webchat/widget.js" data-workspace="${slug}" crossorigin="anonymous" defer></script>
</body>
</html>`;
}
