import { Rank, type RouteDeps } from '../../platform/http/env.ts';
import { createRoute, createRouter, errorResponses, json, jsonBody, UuidParam, z } from '../../platform/http/router.ts';
import { AssistantModels, AssistantModelsPut, Feedback, FeedbackPut } from './assistant-models.schema.ts';
import * as models from './assistant-models.service.ts';
import type { EnvironmentModel } from './assistant-models.service.ts';

export interface ModelRouteDeps extends RouteDeps {
  /** The server's LLM_* model, shown (without its key) to workspaces that have no arms of their own. */
  llm?: EnvironmentModel | undefined;
}

/** Model mode: the workspace's A/B arms (admins) and feedback on the assistant's replies (members). */
export function assistantModelRoutes(deps: ModelRouteDeps) {
  const r = createRouter();
  const admin = deps.inWorkspace(Rank.admin);

  r.openapi(
    createRoute({
      method: 'get', path: '/assistant/models', tags: ['assistant'], summary: 'The models the assistant splits its contacts between (admin); keys are never shown',
      middleware: admin,
      responses: { 200: json(AssistantModels), ...errorResponses },
    }),
    async (c) => c.json(await models.getAssistantModels(c.var.ctx, deps.llm), 200),
  );

  r.openapi(
    createRoute({
      method: 'put', path: '/assistant/models', tags: ['assistant'],
      summary: 'Replace the A/B arms (admin)',
      description:
        'Each arm is an OpenAI-compatible model (base URL, model, key) or "rule-engine", the built-in engine. New contacts are spread over the arms by a hash of their id in proportion to the weights; a contact keeps its arm while that arm is listed, so changing weights moves nobody. Keys are sealed at rest and never returned.',
      middleware: admin,
      request: { body: jsonBody(AssistantModelsPut) },
      responses: { 200: json(AssistantModels), ...errorResponses },
    }),
    async (c) => c.json(await models.putAssistantModels(c.var.ctx, deps.secrets, c.req.valid('json'), deps.llm), 200),
  );

  r.openapi(
    createRoute({
      method: 'post', path: '/assistant/messages/{id}/feedback', tags: ['assistant'],
      summary: "Rate one of the assistant's replies (the model comparison's satisfaction score)",
      middleware: deps.inWorkspace(Rank.member),
      request: { params: z.object({ id: UuidParam }), body: jsonBody(FeedbackPut) },
      responses: { 200: json(Feedback, 'the rating, replacing any earlier one'), ...errorResponses },
    }),
    async (c) => c.json(await models.recordFeedback(c.var.ctx, c.req.valid('param').id, c.req.valid('json')), 200),
  );

  return r;
}
