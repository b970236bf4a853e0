// Whole rows of this module's tables for the Convex export (apps/convex-export.ts): read-only, one page at a time.
import { workspaceIdOf, type Ctx } from '../../platform/context.ts';
import { rowsById, type Page } from '../../platform/pages.ts';

const tables = {
  ari_destinations: (ctx: Ctx) => ctx.tx.db.selectFrom('ari_destinations').selectAll().where('workspace_id', '=', workspaceIdOf(ctx)),
  ari_knowledge_categories: (ctx: Ctx) => ctx.tx.db.selectFrom('ari_knowledge_categories').selectAll().where('workspace_id', '=', workspaceIdOf(ctx)),
  ari_knowledge_entries: (ctx: Ctx) => ctx.tx.db.selectFrom('ari_knowledge_entries').selectAll().where('workspace_id', '=', workspaceIdOf(ctx)),
  articles: (ctx: Ctx) => ctx.tx.db.selectFrom('articles').selectAll().where('workspace_id', '=', workspaceIdOf(ctx)),
  webinars: (ctx: Ctx) => ctx.tx.db.selectFrom('webinars').selectAll().where('workspace_id', '=', workspaceIdOf(ctx)),
  webinar_registrations: (ctx: Ctx) => ctx.tx.db.selectFrom('webinar_registrations').selectAll().where('workspace_id', '=', workspaceIdOf(ctx)),
};
export type KnowledgeRowsTable = keyof typeof tables;
export const KNOWLEDGE_ROWS_TABLES = Object.keys(tables) as KnowledgeRowsTable[];

export function knowledgeRowsPage(ctx: Ctx, table: KnowledgeRowsTable, page: { cursor?: string | undefined; limit: number }): Promise<Page<Record<string, unknown>>> {
  return rowsById(tables[table](ctx), page);
}
