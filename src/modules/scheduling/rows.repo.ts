// Whole rows of this module's tables for the Convex export (apps/convex-export.ts): read-only, one page at a time.
import { workspaceIdOf, type Ctx } from '../../platform/context.ts';
import { rowsById, type Page } from '../../platform/pages.ts';

const tables = {
  consultant_slots: (ctx: Ctx) => ctx.tx.db.selectFrom('consultant_slots').selectAll().where('workspace_id', '=', workspaceIdOf(ctx)),
  ari_appointments: (ctx: Ctx) => ctx.tx.db.selectFrom('ari_appointments').selectAll().where('workspace_id', '=', workspaceIdOf(ctx)),
};
export type SchedulingRowsTable = keyof typeof tables;
export const SCHEDULING_ROWS_TABLES = Object.keys(tables) as SchedulingRowsTable[];

export function schedulingRowsPage(ctx: Ctx, table: SchedulingRowsTable, page: { cursor?: string | undefined; limit: number }): Promise<Page<Record<string, unknown>>> {
  return rowsById(tables[table](ctx), page);
}
