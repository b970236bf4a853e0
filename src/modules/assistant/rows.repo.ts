// Whole rows of this module's tables for the Convex export (apps/convex-export.ts): read-only, one page at a time.
import { workspaceIdOf, type Ctx } from '../../platform/context.ts';
import { rowsById, type Page } from '../../platform/pages.ts';

const tables = {
  ari_conversations: (ctx: Ctx) => ctx.tx.db.selectFrom('ari_conversations').selectAll().where('workspace_id', '=', workspaceIdOf(ctx)),
  ari_flow_stages: (ctx: Ctx) => ctx.tx.db.selectFrom('ari_flow_stages').selectAll().where('workspace_id', '=', workspaceIdOf(ctx)),
  ari_scoring_config: (ctx: Ctx) => ctx.tx.db.selectFrom('ari_scoring_config').selectAll().where('workspace_id', '=', workspaceIdOf(ctx)),
  ari_ai_comparison: (ctx: Ctx) => ctx.tx.db.selectFrom('ari_ai_comparison').selectAll().where('workspace_id', '=', workspaceIdOf(ctx)),
};
export type AssistantRowsTable = keyof typeof tables;
export const ASSISTANT_ROWS_TABLES = Object.keys(tables) as AssistantRowsTable[];

export function assistantRowsPage(ctx: Ctx, table: AssistantRowsTable, page: { cursor?: string | undefined; limit: number }): Promise<Page<Record<string, unknown>>> {
  return rowsById(tables[table](ctx), page);
}
