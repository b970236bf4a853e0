import { Rank, type RouteDeps } from '../../platform/http/env.ts';
import { createRoute, createRouter, errorResponses, json, jsonBody, page, PageQuery, UuidParam, z } from '../../platform/http/router.ts';
import { searchKnowledge } from './knowledge-search.service.ts';
import {
  Category,
  CategoryCreate,
  CategoryPatch,
  Destination,
  DestinationCreate,
  DestinationFilters,
  DestinationPatch,
  Entry,
  EntryCreate,
  EntryFilters,
  EntryPatch,
  Faq,
  FaqCreate,
  FaqFilters,
  FaqPatch,
  ReorderBody,
  SearchHit,
  SearchQuery,
} from './knowledge.schema.ts';
import * as knowledge from './knowledge.service.ts';

const IdParams = z.object({ id: UuidParam });
const deleted = { 204: { description: 'deleted' }, ...errorResponses };

/** Knowledge the assistant answers from: members and read-only keys read, admins write. */
export function knowledgeRoutes(deps: RouteDeps) {
  const r = createRouter();
  const read = deps.inWorkspace(Rank.readOnly);
  const write = deps.inWorkspace(Rank.admin);

  // Search ---------------------------------------------------------------------------------
  r.openapi(
    createRoute({
      method: 'get', path: '/knowledge/search', tags: ['knowledge'],
      summary: "Search entries, FAQs and destinations in the workspace's language, best match first",
      middleware: read,
      request: { query: SearchQuery },
      responses: { 200: json(z.object({ data: z.array(SearchHit) })), ...errorResponses },
    }),
    async (c) => c.json({ data: await searchKnowledge(c.var.ctx, c.req.valid('query')) }, 200),
  );

  // Categories -----------------------------------------------------------------------------
  r.openapi(
    createRoute({
      method: 'get', path: '/knowledge/categories', tags: ['knowledge'], summary: 'Knowledge categories, in display order',
      middleware: read,
      request: { query: PageQuery },
      responses: { 200: json(page(Category)), ...errorResponses },
    }),
    async (c) => c.json(await knowledge.listCategories(c.var.ctx, c.req.valid('query')), 200),
  );

  r.openapi(
    createRoute({
      method: 'post', path: '/knowledge/categories', tags: ['knowledge'], summary: 'Create a category (admin)',
      middleware: write,
      request: { body: jsonBody(CategoryCreate) },
      responses: { 201: json(Category), ...errorResponses },
    }),
    async (c) => c.json(await knowledge.createCategory(c.var.ctx, c.req.valid('json')), 201),
  );

  // Declared before /{id} so that "reorder" is never taken for an id.
  r.openapi(
    createRoute({
      method: 'post', path: '/knowledge/categories/reorder', tags: ['knowledge'],
      summary: 'Set the display order (admin): every category id once, first to last',
      middleware: write,
      request: { body: jsonBody(ReorderBody) },
      responses: { 200: json(z.object({ data: z.array(Category) })), ...errorResponses },
    }),
    async (c) => c.json({ data: await knowledge.reorderCategories(c.var.ctx, c.req.valid('json').ids) }, 200),
  );

  r.openapi(
    createRoute({
      method: 'get', path: '/knowledge/categories/{id}', tags: ['knowledge'], summary: 'A category',
      middleware: read,
      request: { params: IdParams },
      responses: { 200: json(Category), ...errorResponses },
    }),
    async (c) => c.json(await knowledge.getCategory(c.var.ctx, c.req.valid('param').id), 200),
  );

  r.openapi(
    createRoute({
      method: 'patch', path: '/knowledge/categories/{id}', tags: ['knowledge'], summary: 'Change a category (admin)',
      middleware: write,
      request: { params: IdParams, body: jsonBody(CategoryPatch) },
      responses: { 200: json(Category), ...errorResponses },
    }),
    async (c) => c.json(await knowledge.updateCategory(c.var.ctx, c.req.valid('param').id, c.req.valid('json')), 200),
  );

  r.openapi(
    createRoute({
      method: 'delete', path: '/knowledge/categories/{id}', tags: ['knowledge'],
      summary: 'Delete a category (admin); its entries stay, without a category',
      middleware: write,
      request: { params: IdParams },
      responses: deleted,
    }),
    async (c) => {
      await knowledge.deleteCategory(c.var.ctx, c.req.valid('param').id);
      return c.body(null, 204);
    },
  );

  // Entries --------------------------------------------------------------------------------
  r.openapi(
    createRoute({
      method: 'get', path: '/knowledge/entries', tags: ['knowledge'], summary: 'Knowledge entries, newest first',
      middleware: read,
      request: { query: PageQuery.extend(EntryFilters.shape) },
      responses: { 200: json(page(Entry)), ...errorResponses },
    }),
    async (c) => {
      const { limit, cursor, ...filters } = c.req.valid('query');
      return c.json(await knowledge.listEntries(c.var.ctx, filters, { limit, cursor }), 200);
    },
  );

  r.openapi(
    createRoute({
      method: 'post', path: '/knowledge/entries', tags: ['knowledge'], summary: 'Create an entry (admin)',
      middleware: write,
      request: { body: jsonBody(EntryCreate) },
      responses: { 201: json(Entry), ...errorResponses },
    }),
    async (c) => c.json(await knowledge.createEntry(c.var.ctx, c.req.valid('json')), 201),
  );

  r.openapi(
    createRoute({
      method: 'get', path: '/knowledge/entries/{id}', tags: ['knowledge'], summary: 'An entry',
      middleware: read,
      request: { params: IdParams },
      responses: { 200: json(Entry), ...errorResponses },
    }),
    async (c) => c.json(await knowledge.getEntry(c.var.ctx, c.req.valid('param').id), 200),
  );

  r.openapi(
    createRoute({
      method: 'patch', path: '/knowledge/entries/{id}', tags: ['knowledge'], summary: 'Change an entry (admin)',
      middleware: write,
      request: { params: IdParams, body: jsonBody(EntryPatch) },
      responses: { 200: json(Entry), ...errorResponses },
    }),
    async (c) => c.json(await knowledge.updateEntry(c.var.ctx, c.req.valid('param').id, c.req.valid('json')), 200),
  );

  r.openapi(
    createRoute({
      method: 'delete', path: '/knowledge/entries/{id}', tags: ['knowledge'], summary: 'Delete an entry (admin)',
      middleware: write,
      request: { params: IdParams },
      responses: deleted,
    }),
    async (c) => {
      await knowledge.deleteEntry(c.var.ctx, c.req.valid('param').id);
      return c.body(null, 204);
    },
  );

  // FAQs -----------------------------------------------------------------------------------
  r.openapi(
    createRoute({
      method: 'get', path: '/faqs', tags: ['faqs'], summary: 'FAQs, in display order',
      middleware: read,
      request: { query: PageQuery.extend(FaqFilters.shape) },
      responses: { 200: json(page(Faq)), ...errorResponses },
    }),
    async (c) => {
      const { limit, cursor, ...filters } = c.req.valid('query');
      return c.json(await knowledge.listFaqs(c.var.ctx, filters, { limit, cursor }), 200);
    },
  );

  r.openapi(
    createRoute({
      method: 'post', path: '/faqs', tags: ['faqs'], summary: 'Create an FAQ (admin)',
      middleware: write,
      request: { body: jsonBody(FaqCreate) },
      responses: { 201: json(Faq), ...errorResponses },
    }),
    async (c) => c.json((await knowledge.createFaq(c.var.ctx, c.req.valid('json'))), 201),
  );

  r.openapi(
    createRoute({
      method: 'get', path: '/faqs/{id}', tags: ['faqs'], summary: 'An FAQ',
      middleware: read,
      request: { params: IdParams },
      responses: { 200: json(Faq), ...errorResponses },
    }),
    async (c) => c.json((await knowledge.getFaq(c.var.ctx, c.req.valid('param').id)), 200),
  );

  r.openapi(
    createRoute({
      method: 'patch', path: '/faqs/{id}', tags: ['faqs'], summary: 'Change an FAQ (admin); usage_count is counted, not set',
      middleware: write,
      request: { params: IdParams, body: jsonBody(FaqPatch) },
      responses: { 200: json(Faq), ...errorResponses },
    }),
    async (c) => c.json((await knowledge.updateFaq(c.var.ctx, c.req.valid('param').id, c.req.valid('json'))), 200),
  );

  r.openapi(
    createRoute({
      method: 'delete', path: '/faqs/{id}', tags: ['faqs'], summary: 'Delete an FAQ (admin)',
      middleware: write,
      request: { params: IdParams },
      responses: deleted,
    }),
    async (c) => {
      await knowledge.deleteFaq(c.var.ctx, c.req.valid('param').id);
      return c.body(null, 204);
    },
  );

  // Destinations ---------------------------------------------------------------------------
  r.openapi(
    createRoute({
      method: 'get', path: '/destinations', tags: ['destinations'], summary: 'Destinations: promoted first, then by priority',
      middleware: read,
      request: { query: PageQuery.extend(DestinationFilters.shape) },
      responses: { 200: json(page(Destination)), ...errorResponses },
    }),
    async (c) => {
      const { limit, cursor, ...filters } = c.req.valid('query');
      return c.json((await knowledge.listDestinations(c.var.ctx, filters, { limit, cursor })), 200);
    },
  );

  r.openapi(
    createRoute({
      method: 'post', path: '/destinations', tags: ['destinations'], summary: 'Add a destination (admin)',
      middleware: write,
      request: { body: jsonBody(DestinationCreate) },
      responses: { 201: json(Destination), ...errorResponses },
    }),
    async (c) => c.json((await knowledge.createDestination(c.var.ctx, c.req.valid('json'))), 201),
  );

  r.openapi(
    createRoute({
      method: 'get', path: '/destinations/{id}', tags: ['destinations'], summary: 'A destination',
      middleware: read,
      request: { params: IdParams },
      responses: { 200: json(Destination), ...errorResponses },
    }),
    async (c) => c.json((await knowledge.getDestination(c.var.ctx, c.req.valid('param').id)), 200),
  );

  r.openapi(
    createRoute({
      method: 'patch', path: '/destinations/{id}', tags: ['destinations'],
      summary: 'Change a destination (admin); requirements and programs are replaced as a whole',
      middleware: write,
      request: { params: IdParams, body: jsonBody(DestinationPatch) },
      responses: { 200: json(Destination), ...errorResponses },
    }),
    async (c) => c.json((await knowledge.updateDestination(c.var.ctx, c.req.valid('param').id, c.req.valid('json'))), 200),
  );

  r.openapi(
    createRoute({
      method: 'delete', path: '/destinations/{id}', tags: ['destinations'], summary: 'Delete a destination (admin)',
      middleware: write,
      request: { params: IdParams },
      responses: deleted,
    }),
    async (c) => {
      await knowledge.deleteDestination(c.var.ctx, c.req.valid('param').id);
      return c.body(null, 204);
    },
  );

  return r;
}
