// Whole rows of this module's tables for the Convex export (apps/convex-export.ts): read-only, one page at a time.
import { workspaceIdOf, type Ctx } from '../../platform/context.ts';
import { rowsById, type Page } from '../../platform/pages.ts';

const tables = {
  contacts: (ctx: Ctx) => ctx.tx.db.selectFrom('contacts').selectAll().where('workspace_id', '=', workspaceIdOf(ctx)),
};
export type ContactsRowsTable = keyof typeof tables;
export const CONTACTS_ROWS_TABLES = Object.keys(tables) as ContactsRowsTable[];

export function contactsRowsPage(ctx: Ctx, table: ContactsRowsTable, page: { cursor?: string | undefined; limit: number }): Promise<Page<Record<string, unknown>>> {
  return rowsById(tables[table](ctx), page);
}
