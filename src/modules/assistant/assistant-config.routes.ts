import { Rank, type RouteDeps } from '../../platform/http/env.ts';
import { createRoute, createRouter, errorResponses, json, jsonBody, page, PageQuery, UuidParam, z } from '../../platform/http/router.ts';
import {
  AssistantConfig,
  AssistantConfigPut,
  FlowStage,
  FlowStageCreate,
  FlowStagePatch,
  PromptType,
  ReorderBody,
  ScoringConfig,
  ScoringConfigPut,
  SystemPrompt,
  SystemPromptCreate,
  SystemPromptEdit,
  SystemPromptFilters,
} from './assistant-config.schema.ts';
import * as config from './assistant-config.service.ts';

const IdParams = z.object({ id: UuidParam });

/** What shapes the assistant's behaviour: members and read-only keys read, admins write. */
export function assistantConfigRoutes(deps: RouteDeps) {
  const r = createRouter();
  const read = deps.inWorkspace(Rank.readOnly);
  const write = deps.inWorkspace(Rank.admin);

  // Persona ----------------------------------------------------------------------------------
  r.openapi(
    createRoute({
      method: 'get', path: '/assistant/config', tags: ['assistant'], summary: "The assistant's persona (the defaults until saved)",
      middleware: read,
      responses: { 200: json(AssistantConfig), ...errorResponses },
    }),
    async (c) => c.json(await config.getAssistantConfig(c.var.ctx), 200),
  );

  r.openapi(
    createRoute({
      method: 'put', path: '/assistant/config', tags: ['assistant'], summary: "Replace the assistant's persona (admin)",
      middleware: write,
      request: { body: jsonBody(AssistantConfigPut) },
      responses: { 200: json(AssistantConfig), ...errorResponses },
    }),
    async (c) => c.json(await config.putAssistantConfig(c.var.ctx, c.req.valid('json')), 200),
  );

  // Flow stages ------------------------------------------------------------------------------
  r.openapi(
    createRoute({
      method: 'get', path: '/assistant/flow-stages', tags: ['assistant'], summary: 'Conversation flow stages, in order',
      middleware: read,
      request: { query: PageQuery },
      responses: { 200: json(page(FlowStage)), ...errorResponses },
    }),
    async (c) => c.json(await config.listFlowStages(c.var.ctx, c.req.valid('query')), 200),
  );

  r.openapi(
    createRoute({
      method: 'post', path: '/assistant/flow-stages', tags: ['assistant'], summary: 'Add a flow stage (admin)',
      middleware: write,
      request: { body: jsonBody(FlowStageCreate) },
      responses: { 201: json(FlowStage), ...errorResponses },
    }),
    async (c) => c.json(await config.createFlowStage(c.var.ctx, c.req.valid('json')), 201),
  );

  // Declared before /{id} so that "reorder" is never taken for an id.
  r.openapi(
    createRoute({
      method: 'post', path: '/assistant/flow-stages/reorder', tags: ['assistant'],
      summary: 'Set the stage order (admin): every stage id once, first to last',
      middleware: write,
      request: { body: jsonBody(ReorderBody) },
      responses: { 200: json(z.object({ data: z.array(FlowStage) })), ...errorResponses },
    }),
    async (c) => c.json({ data: await config.reorderFlowStages(c.var.ctx, c.req.valid('json').ids) }, 200),
  );

  r.openapi(
    createRoute({
      method: 'get', path: '/assistant/flow-stages/{id}', tags: ['assistant'], summary: 'A flow stage',
      middleware: read,
      request: { params: IdParams },
      responses: { 200: json(FlowStage), ...errorResponses },
    }),
    async (c) => c.json(await config.getFlowStage(c.var.ctx, c.req.valid('param').id), 200),
  );

  r.openapi(
    createRoute({
      method: 'patch', path: '/assistant/flow-stages/{id}', tags: ['assistant'], summary: 'Change a flow stage (admin)',
      middleware: write,
      request: { params: IdParams, body: jsonBody(FlowStagePatch) },
      responses: { 200: json(FlowStage), ...errorResponses },
    }),
    async (c) => c.json(await config.updateFlowStage(c.var.ctx, c.req.valid('param').id, c.req.valid('json')), 200),
  );

  r.openapi(
    createRoute({
      method: 'delete', path: '/assistant/flow-stages/{id}', tags: ['assistant'], summary: 'Delete a flow stage (admin)',
      middleware: write,
      request: { params: IdParams },
      responses: { 204: { description: 'deleted' }, ...errorResponses },
    }),
    async (c) => {
      await config.deleteFlowStage(c.var.ctx, c.req.valid('param').id);
      return c.body(null, 204);
    },
  );

  // Lead scoring -----------------------------------------------------------------------------
  r.openapi(
    createRoute({
      method: 'get', path: '/assistant/scoring-config', tags: ['assistant'], summary: 'Lead-scoring thresholds and weights (the defaults until saved)',
      middleware: read,
      responses: { 200: json(ScoringConfig), ...errorResponses },
    }),
    async (c) => c.json(await config.getScoringConfig(c.var.ctx), 200),
  );

  r.openapi(
    createRoute({
      method: 'put', path: '/assistant/scoring-config', tags: ['assistant'],
      summary: 'Replace the lead-scoring rubric (admin): weights add up to 100, hot above warm',
      middleware: write,
      request: { body: jsonBody(ScoringConfigPut) },
      responses: { 200: json(ScoringConfig), ...errorResponses },
    }),
    async (c) => c.json(await config.putScoringConfig(c.var.ctx, c.req.valid('json')), 200),
  );

  // System prompts ---------------------------------------------------------------------------
  r.openapi(
    createRoute({
      method: 'get', path: '/system-prompts', tags: ['assistant'], summary: 'System prompts, newest first (the active ones unless include_inactive)',
      middleware: read,
      request: { query: PageQuery.extend(SystemPromptFilters.shape) },
      responses: { 200: json(page(SystemPrompt)), ...errorResponses },
    }),
    async (c) => {
      const { limit, cursor, ...filters } = c.req.valid('query');
      return c.json(await config.listSystemPrompts(c.var.ctx, filters, { limit, cursor }), 200);
    },
  );

  r.openapi(
    createRoute({
      method: 'post', path: '/system-prompts', tags: ['assistant'],
      summary: 'Add a new active version of a channel type\'s prompt (admin); the previous one stays, inactive',
      middleware: write,
      request: { body: jsonBody(SystemPromptCreate) },
      responses: { 201: json(SystemPrompt), ...errorResponses },
    }),
    async (c) => c.json(await config.createSystemPrompt(c.var.ctx, c.req.valid('json')), 201),
  );

  // Declared before /{id} so that "active" is never taken for an id.
  r.openapi(
    createRoute({
      method: 'get', path: '/system-prompts/active', tags: ['assistant'], summary: 'The active prompt of a channel type',
      middleware: read,
      request: { query: z.object({ type: PromptType }) },
      responses: { 200: json(SystemPrompt), ...errorResponses },
    }),
    async (c) => c.json(await config.getActiveSystemPrompt(c.var.ctx, c.req.valid('query').type), 200),
  );

  r.openapi(
    createRoute({
      method: 'get', path: '/system-prompts/{id}', tags: ['assistant'], summary: 'A system prompt version',
      middleware: read,
      request: { params: IdParams },
      responses: { 200: json(SystemPrompt), ...errorResponses },
    }),
    async (c) => c.json(await config.getSystemPrompt(c.var.ctx, c.req.valid('param').id), 200),
  );

  r.openapi(
    createRoute({
      method: 'patch', path: '/system-prompts/{id}', tags: ['assistant'],
      summary: 'Edit a prompt (admin): creates and activates a new version, keeping this one for history',
      middleware: write,
      request: { params: IdParams, body: jsonBody(SystemPromptEdit) },
      responses: { 201: json(SystemPrompt, 'the new version'), ...errorResponses },
    }),
    async (c) => c.json(await config.editSystemPrompt(c.var.ctx, c.req.valid('param').id, c.req.valid('json').system_prompt), 201),
  );

  r.openapi(
    createRoute({
      method: 'post', path: '/system-prompts/{id}/activate', tags: ['assistant'],
      summary: 'Make this version the active one of its type again (admin): a rollback',
      middleware: write,
      request: { params: IdParams },
      responses: { 200: json(SystemPrompt), ...errorResponses },
    }),
    async (c) => c.json(await config.activateSystemPrompt(c.var.ctx, c.req.valid('param').id), 200),
  );

  return r;
}
