import { AppError } from './errors.ts';

/** A page of a keyset-paged list, as every list route returns it. */
export interface Page<T> {
  data: T[];
  next_cursor: string | null;
}

/**
 * Every item of a paged list, one page at a time: only a page is ever held, so an export of a
 * million rows runs in the memory of one page. Each call of `pageAt` is independent (its own
 * transaction, typically), so a long export never keeps one transaction open.
 */
export async function* allPages<T>(pageAt: (cursor: string | undefined) => Promise<Page<T>>): AsyncGenerator<T[]> {
  let cursor: string | undefined;
  do {
    const page = await pageAt(cursor);
    if (page.data.length) yield page.data;
    // A list that hands back the cursor it was given would repeat its page for ever.
    if (page.next_cursor !== null && page.next_cursor === cursor) {
      throw new AppError('page.cursor_repeated', 'conflict', 'the list gave the same page twice; stopped rather than repeat it', { cursor });
    }
    cursor = page.next_cursor ?? undefined;
  } while (cursor);
}

/** The smallest part of a Kysely select this needs: the owning module starts it (its table, its workspace). */
interface RowsQuery {
  where(column: 'id', op: '>', value: string): RowsQuery;
  orderBy(column: 'id'): RowsQuery;
  limit(n: number): RowsQuery;
  execute(): Promise<Record<string, unknown>[]>;
}

/**
 * A page of whole rows in id order, for exports that copy a table as it is (the Convex export).
 * The owning module builds the query (`tx.db.selectFrom('its_table').selectAll().where('workspace_id', …)`),
 * so a table is still only read by its owner; this only adds the keyset paging.
 */
export async function rowsById(query: unknown, page: { cursor?: string | undefined; limit: number }): Promise<Page<Record<string, unknown>>> {
  let q = query as RowsQuery;
  if (page.cursor) q = q.where('id', '>', page.cursor);
  const rows = await q.orderBy('id').limit(page.limit + 1).execute();
  const more = rows.length > page.limit;
  const data = more ? rows.slice(0, page.limit) : rows;
  return { data, next_cursor: more ? String(data[data.length - 1]!.id) : null };
}
