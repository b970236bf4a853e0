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
