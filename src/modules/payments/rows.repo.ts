// Whole rows of this module's tables for the Convex export (apps/convex-export.ts): read-only, one page at a time.
import { workspaceIdOf, type Ctx } from '../../platform/context.ts';
import { rowsById, type Page } from '../../platform/pages.ts';

const tables = {
  ari_payments: (ctx: Ctx) => ctx.tx.db.selectFrom('ari_payments').selectAll().where('workspace_id', '=', workspaceIdOf(ctx)),
};
export type PaymentsRowsTable = keyof typeof tables;
export const PAYMENTS_ROWS_TABLES = Object.keys(tables) as PaymentsRowsTable[];

export function paymentsRowsPage(ctx: Ctx, table: PaymentsRowsTable, page: { cursor?: string | undefined; limit: number }): Promise<Page<Record<string, unknown>>> {
  return rowsById(tables[table](ctx), page);
}
