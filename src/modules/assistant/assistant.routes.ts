import { Rank } from '../../platform/http/env.ts';
import { createRoute, createRouter, errorResponses, json, z } from '../../platform/http/router.ts';
import { assistantConfigRoutes } from './assistant-config.routes.ts';
import { assistantModelRoutes, type ModelRouteDeps } from './assistant-models.routes.ts';
import { UnansweredQuery, UnansweredQuestion, unansweredQuestions } from './unanswered.ts';

/** The assistant's HTTP surface: its configuration, its model mode and what it could not answer. */
export function assistantRoutes(deps: ModelRouteDeps) {
  const r = createRouter();
  r.route('/', assistantConfigRoutes(deps));
  r.route('/', assistantModelRoutes(deps));
  r.openapi(
    createRoute({
      method: 'get',
      path: '/assistant/unanswered',
      tags: ['assistant'],
      summary: 'Questions the assistant could not answer, most asked first: the gaps to fill in the knowledge base',
      middleware: deps.inWorkspace(Rank.readOnly),
      request: { query: UnansweredQuery },
      responses: { 200: json(z.object({ data: z.array(UnansweredQuestion) }), 'the questions, grouped by wording'), ...errorResponses },
    }),
    async (c) => c.json({ data: await unansweredQuestions(c.var.ctx, c.req.valid('query')) }, 200),
  );
  return r;
}
