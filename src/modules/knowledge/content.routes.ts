import { Rank, type RouteDeps } from '../../platform/http/env.ts';
import { rateLimit } from '../../platform/http/rate-limit.ts';
import { createRoute, createRouter, errorResponses, json, jsonBody, page, PageQuery, UuidParam, z } from '../../platform/http/router.ts';
import {
  Article,
  ArticleCreate,
  ArticleFilters,
  ArticlePatch,
  PublicRegistrationCreate,
  PublicRegistrationResult,
  PublicArticle, PublicWebinar,
  Webinar,
  WebinarCreate,
  WebinarFilters,
  WebinarPatch,
  WebinarRegistration,
  WebinarRegistrationPatch,
} from './content.schema.ts';
import * as content from './content.service.ts';

const IdParams = z.object({ id: UuidParam });
const deleted = { 204: { description: 'deleted' }, ...errorResponses };
/** The original product's limit on its public registration form (seed-products.md). */
export const REGISTRATIONS_PER_MINUTE = 10;

/** ARI's articles and webinars: members and read-only keys read, admins write; the public registers for a published webinar. */
/** A reader's page loads; more than a person reads in a minute is a scraper. */
const ARTICLE_READS_PER_MINUTE = 60;

export function contentRoutes(deps: RouteDeps) {
  const r = createRouter();
  const read = deps.inWorkspace(Rank.readOnly);
  const write = deps.inWorkspace(Rank.admin);
  const member = deps.inWorkspace(Rank.member);

  // Articles -------------------------------------------------------------------------------
  r.openapi(
    createRoute({
      method: 'get', path: '/articles', tags: ['content'], summary: 'Articles, newest first',
      middleware: read,
      request: { query: PageQuery.extend(ArticleFilters.shape) },
      responses: { 200: json(page(Article)), ...errorResponses },
    }),
    async (c) => {
      const { limit, cursor, ...filters } = c.req.valid('query');
      return c.json(await content.listArticles(c.var.ctx, filters, { limit, cursor }), 200);
    },
  );
  r.openapi(
    createRoute({
      method: 'post', path: '/articles', tags: ['content'], summary: 'Write an article (admin)',
      description: 'Published articles get published_at when first published. 409 article.slug_taken when another article has the slug.',
      middleware: write,
      request: { body: jsonBody(ArticleCreate) },
      responses: { 201: json(Article), ...errorResponses },
    }),
    async (c) => c.json(await content.createArticle(c.var.ctx, c.req.valid('json')), 201),
  );
  r.openapi(
    createRoute({
      method: 'get', path: '/articles/{id}', tags: ['content'], summary: 'An article',
      middleware: read,
      request: { params: IdParams },
      responses: { 200: json(Article), ...errorResponses },
    }),
    async (c) => c.json(await content.getArticle(c.var.ctx, c.req.valid('param').id), 200),
  );
  r.openapi(
    createRoute({
      method: 'patch', path: '/articles/{id}', tags: ['content'], summary: 'Change, publish or unpublish an article (admin)',
      middleware: write,
      request: { params: IdParams, body: jsonBody(ArticlePatch) },
      responses: { 200: json(Article), ...errorResponses },
    }),
    async (c) => c.json(await content.updateArticle(c.var.ctx, c.req.valid('param').id, c.req.valid('json')), 200),
  );
  r.openapi(
    createRoute({
      method: 'delete', path: '/articles/{id}', tags: ['content'], summary: 'Delete an article (admin)',
      middleware: write,
      request: { params: IdParams },
      responses: deleted,
    }),
    async (c) => {
      await content.deleteArticle(c.var.ctx, c.req.valid('param').id);
      return c.body(null, 204);
    },
  );

  // Webinars -------------------------------------------------------------------------------
  r.openapi(
    createRoute({
      method: 'get', path: '/webinars', tags: ['content'], summary: 'Webinars with their registration counts, newest first',
      middleware: read,
      request: { query: PageQuery.extend(WebinarFilters.shape) },
      responses: { 200: json(page(Webinar)), ...errorResponses },
    }),
    async (c) => {
      const { limit, cursor, ...filters } = c.req.valid('query');
      return c.json(await content.listWebinars(c.var.ctx, filters, { limit, cursor }), 200);
    },
  );
  r.openapi(
    createRoute({
      method: 'post', path: '/webinars', tags: ['content'], summary: 'Schedule a webinar (admin)',
      description: '409 webinar.slug_taken when another webinar has the slug. Only a published webinar takes registrations.',
      middleware: write,
      request: { body: jsonBody(WebinarCreate) },
      responses: { 201: json(Webinar), ...errorResponses },
    }),
    async (c) => c.json(await content.createWebinar(c.var.ctx, c.req.valid('json')), 201),
  );
  r.openapi(
    createRoute({
      method: 'get', path: '/webinars/{id}', tags: ['content'], summary: 'A webinar',
      middleware: read,
      request: { params: IdParams },
      responses: { 200: json(Webinar), ...errorResponses },
    }),
    async (c) => c.json(await content.getWebinar(c.var.ctx, c.req.valid('param').id), 200),
  );
  r.openapi(
    createRoute({
      method: 'patch', path: '/webinars/{id}', tags: ['content'], summary: 'Change, publish, complete or cancel a webinar (admin)',
      description: '409 webinar.capacity_below_registrations for a max_registrations below the registrations already taken.',
      middleware: write,
      request: { params: IdParams, body: jsonBody(WebinarPatch) },
      responses: { 200: json(Webinar), ...errorResponses },
    }),
    async (c) => c.json(await content.updateWebinar(c.var.ctx, c.req.valid('param').id, c.req.valid('json')), 200),
  );
  r.openapi(
    createRoute({
      method: 'delete', path: '/webinars/{id}', tags: ['content'], summary: 'Delete a webinar and its registrations (admin)',
      middleware: write,
      request: { params: IdParams },
      responses: deleted,
    }),
    async (c) => {
      await content.deleteWebinar(c.var.ctx, c.req.valid('param').id);
      return c.body(null, 204);
    },
  );
  r.openapi(
    createRoute({
      method: 'get', path: '/webinars/{id}/registrations', tags: ['content'], summary: "Who registered, with each contact's name, phone and email, newest first",
      middleware: read,
      request: { params: IdParams, query: PageQuery },
      responses: { 200: json(page(WebinarRegistration)), ...errorResponses },
    }),
    async (c) => c.json(await content.listRegistrations(c.var.ctx, c.req.valid('param').id, c.req.valid('query')), 200),
  );
  r.openapi(
    createRoute({
      method: 'patch', path: '/webinars/{id}/registrations/{registration_id}', tags: ['content'], summary: 'Mark whether a registrant attended (members)',
      middleware: member,
      request: { params: z.object({ id: UuidParam, registration_id: UuidParam }), body: jsonBody(WebinarRegistrationPatch) },
      responses: { 200: json(WebinarRegistration), ...errorResponses },
    }),
    async (c) => {
      const { id, registration_id } = c.req.valid('param');
      return c.json(await content.markAttendance(c.var.ctx, id, registration_id, c.req.valid('json').attended), 200);
    },
  );

  // The public form ------------------------------------------------------------------------
  const perAddress = rateLimit({ bucket: 'webinar-registrations', limit: REGISTRATIONS_PER_MINUTE, windowMs: 60_000 });
  const articleReads = rateLimit({ bucket: 'public-articles', limit: ARTICLE_READS_PER_MINUTE, windowMs: 60_000 });
  r.openapi(
    createRoute({
      method: 'get', path: '/public/articles/{id}', tags: ['content'], summary: 'A published article, for its public page (no sign-in)',
      description: `Drafts and unknown ids answer 404 article.not_found alike. At most ${ARTICLE_READS_PER_MINUTE} reads a minute from one address.`,
      middleware: [articleReads] as const,
      request: { params: IdParams },
      responses: { 200: json(PublicArticle), ...errorResponses },
    }),
    async (c) => c.json(await content.publicArticle(deps, c.req.valid('param').id), 200),
  );
  r.openapi(
    createRoute({
      method: 'get', path: '/public/webinars/{id}', tags: ['content'], summary: 'A published webinar, for its registration page (no sign-in)',
      description: 'Drafts and unknown ids answer 404 webinar.not_found alike. The meeting link is not shown.',
      middleware: [perAddress] as const,
      request: { params: IdParams },
      responses: { 200: json(PublicWebinar), ...errorResponses },
    }),
    async (c) => c.json(await content.publicWebinar(deps, c.req.valid('param').id), 200),
  );
  r.openapi(
    createRoute({
      method: 'post', path: '/public/webinars/{id}/registrations', tags: ['content'], summary: 'Register for a published webinar (no sign-in; rate limited)',
      description:
        `At most ${REGISTRATIONS_PER_MINUTE} requests a minute from one address (429 rate_limited with Retry-After). ` +
        "The phone (any format, read with the workspace's country) finds the contact or makes a new one: source webinar_registration, tag webinar-lead, score 50. " +
        'The same phone again answers 200 with already_registered true and changes nothing; a new registration answers 201. ' +
        '404 webinar.not_found for a draft or unknown webinar, 409 webinar.closed once it has started, 409 webinar.full at capacity (checked under the webinar row lock, so concurrent registrations never pass it), ' +
        '400 webinar.invalid_phone, and 400 webinar.registration_refused when the hidden `website` field is filled in (bots do).',
      middleware: [perAddress] as const,
      request: { params: IdParams, body: jsonBody(PublicRegistrationCreate) },
      responses: { 201: json(PublicRegistrationResult, 'registered'), 200: json(PublicRegistrationResult, 'registered before'), ...errorResponses },
    }),
    async (c) => {
      const result = await content.registerForWebinar(deps, c.req.valid('param').id, c.req.valid('json'));
      return result.already_registered ? c.json(result, 200) : c.json(result, 201);
    },
  );

  return r;
}
