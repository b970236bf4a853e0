import { sql } from 'kysely';
import type { Tx } from '../../platform/db/database.ts';
import type {
  CategoryPatchInput,
  DestinationCreateInput,
  DestinationFilterInput,
  DestinationPatchInput,
  EntryCreateInput,
  EntryFilterInput,
  EntryPatchInput,
  FaqCreateInput,
  FaqFilterInput,
  FaqPatchInput,
} from './knowledge.schema.ts';

export interface PageArgs {
  limit: number;
  cursor?: string | undefined;
}

/** A LIKE pattern matching `text` anywhere, with LIKE's wildcards taken literally. */
const containing = (text: string) => `%${text.replace(/[\\%_]/g, '\\$&')}%`;

// Categories: listed by display_order, then id ------------------------------------------------

const categoryColumns = ['id', 'name', 'description', 'display_order', 'created_at', 'updated_at'] as const;

export function listCategories(tx: Tx, ws: string, page: PageArgs) {
  let q = tx.db
    .selectFrom('ari_knowledge_categories')
    .select(categoryColumns)
    .where('workspace_id', '=', ws)
    .orderBy('display_order')
    .orderBy('id')
    .limit(page.limit + 1);
  if (page.cursor) {
    q = q.where(
      sql<boolean>`(display_order, id) > (select c.display_order, c.id from ari_knowledge_categories c where c.workspace_id = ${ws} and c.id = ${page.cursor})`,
    );
  }
  return q.execute();
}

export function findCategory(tx: Tx, ws: string, id: string) {
  return tx.db.selectFrom('ari_knowledge_categories').select(categoryColumns).where('workspace_id', '=', ws).where('id', '=', id).executeTakeFirst();
}

export function insertCategory(tx: Tx, ws: string, row: { id: string; name: string; description: string | null; display_order: number | undefined }) {
  return tx.db
    .insertInto('ari_knowledge_categories')
    .values({
      id: row.id,
      workspace_id: ws,
      name: row.name,
      description: row.description,
      display_order:
        row.display_order ??
        sql<number>`coalesce((select max(c.display_order) from ari_knowledge_categories c where c.workspace_id = ${ws}), 0) + 1`,
    })
    .returning(categoryColumns)
    .executeTakeFirstOrThrow();
}

export function updateCategory(tx: Tx, ws: string, id: string, patch: CategoryPatchInput) {
  return tx.db
    .updateTable('ari_knowledge_categories')
    .set(patch)
    .where('workspace_id', '=', ws)
    .where('id', '=', id)
    .returning(categoryColumns)
    .executeTakeFirst();
}

export async function deleteCategory(tx: Tx, ws: string, id: string): Promise<boolean> {
  const res = await tx.db.deleteFrom('ari_knowledge_categories').where('workspace_id', '=', ws).where('id', '=', id).executeTakeFirst();
  return res.numDeletedRows > 0n;
}

/** The workspace's category ids, locked so that a reorder sees a stable set. */
export async function lockCategoryIds(tx: Tx, ws: string): Promise<string[]> {
  const rows = await tx.db.selectFrom('ari_knowledge_categories').select('id').where('workspace_id', '=', ws).forUpdate().execute();
  return rows.map((r) => r.id);
}

/** display_order 1..n in the order of `ids`. */
export async function setCategoryOrder(tx: Tx, ws: string, ids: string[]): Promise<void> {
  await sql`
    update ari_knowledge_categories c set display_order = o.position
      from unnest(${ids}::uuid[]) with ordinality as o(id, position)
     where c.workspace_id = ${ws} and c.id = o.id`.execute(tx.db);
}

// Entries: newest first ------------------------------------------------------------------------

const entryColumns = ['id', 'category_id', 'title', 'content', 'is_active', 'created_at', 'updated_at'] as const;

export function listEntries(tx: Tx, ws: string, filters: EntryFilterInput, page: PageArgs) {
  let q = tx.db
    .selectFrom('ari_knowledge_entries')
    .select(entryColumns)
    .where('workspace_id', '=', ws)
    .orderBy('id', 'desc')
    .limit(page.limit + 1);
  if (page.cursor) q = q.where('id', '<', page.cursor);
  if (filters.category_id) q = q.where('category_id', '=', filters.category_id);
  if (filters.is_active !== undefined) q = q.where('is_active', '=', filters.is_active);
  if (filters.q) {
    const pattern = containing(filters.q);
    q = q.where((eb) => eb.or([eb('title', 'ilike', pattern), eb('content', 'ilike', pattern)]));
  }
  return q.execute();
}

export function findEntry(tx: Tx, ws: string, id: string) {
  return tx.db.selectFrom('ari_knowledge_entries').select(entryColumns).where('workspace_id', '=', ws).where('id', '=', id).executeTakeFirst();
}

export function insertEntry(tx: Tx, ws: string, id: string, input: EntryCreateInput) {
  return tx.db
    .insertInto('ari_knowledge_entries')
    .values({ id, workspace_id: ws, category_id: input.category_id ?? null, title: input.title, content: input.content, is_active: input.is_active })
    .returning(entryColumns)
    .executeTakeFirstOrThrow();
}

export function updateEntry(tx: Tx, ws: string, id: string, patch: EntryPatchInput) {
  return tx.db
    .updateTable('ari_knowledge_entries')
    .set(patch)
    .where('workspace_id', '=', ws)
    .where('id', '=', id)
    .returning(entryColumns)
    .executeTakeFirst();
}

export async function deleteEntry(tx: Tx, ws: string, id: string): Promise<boolean> {
  const res = await tx.db.deleteFrom('ari_knowledge_entries').where('workspace_id', '=', ws).where('id', '=', id).executeTakeFirst();
  return res.numDeletedRows > 0n;
}

// FAQs: by display_order, then id -----------------------------------------------------------------

const faqColumns = ['id', 'category', 'question', 'answer', 'keywords', 'is_active', 'display_order', 'usage_count', 'created_at', 'updated_at'] as const;

export function listFaqs(tx: Tx, ws: string, filters: FaqFilterInput, page: PageArgs) {
  let q = tx.db
    .selectFrom('faqs')
    .select(faqColumns)
    .where('workspace_id', '=', ws)
    .orderBy(sql`coalesce(display_order, 0)`)
    .orderBy('id')
    .limit(page.limit + 1);
  if (page.cursor) {
    q = q.where(
      sql<boolean>`(coalesce(display_order, 0), id) > (select coalesce(f.display_order, 0), f.id from faqs f where f.workspace_id = ${ws} and f.id = ${page.cursor})`,
    );
  }
  if (filters.category) q = q.where('category', '=', filters.category);
  // Seed 004 allows a null is_active; such an FAQ is not in use.
  if (filters.is_active !== undefined) q = q.where(sql<boolean>`coalesce(is_active, false)`, '=', filters.is_active);
  if (filters.q) {
    const pattern = containing(filters.q);
    q = q.where((eb) =>
      eb.or([
        eb('question', 'ilike', pattern),
        eb('answer', 'ilike', pattern),
        sql<boolean>`exists (select 1 from unnest(keywords) k where k ilike ${pattern})`,
      ]),
    );
  }
  return q.execute();
}

export function findFaq(tx: Tx, ws: string, id: string) {
  return tx.db.selectFrom('faqs').select(faqColumns).where('workspace_id', '=', ws).where('id', '=', id).executeTakeFirst();
}

export function insertFaq(tx: Tx, ws: string, id: string, input: FaqCreateInput) {
  return tx.db
    .insertInto('faqs')
    .values({ id, workspace_id: ws, ...input })
    .returning(faqColumns)
    .executeTakeFirstOrThrow();
}

export function updateFaq(tx: Tx, ws: string, id: string, patch: FaqPatchInput) {
  return tx.db.updateTable('faqs').set(patch).where('workspace_id', '=', ws).where('id', '=', id).returning(faqColumns).executeTakeFirst();
}

export async function deleteFaq(tx: Tx, ws: string, id: string): Promise<boolean> {
  const res = await tx.db.deleteFrom('faqs').where('workspace_id', '=', ws).where('id', '=', id).executeTakeFirst();
  return res.numDeletedRows > 0n;
}

export async function incrementFaqUsage(tx: Tx, ws: string, id: string): Promise<number | undefined> {
  const row = await tx.db
    .updateTable('faqs')
    .set({ usage_count: sql`coalesce(usage_count, 0) + 1` })
    .where('workspace_id', '=', ws)
    .where('id', '=', id)
    .returning('usage_count')
    .executeTakeFirst();
  return row ? (row.usage_count ?? 0) : undefined;
}

// Destinations: promoted first, then by priority (highest first), then newest -------------------

const destinationColumns = ['id', 'country', 'city', 'university_name', 'requirements', 'programs', 'is_promoted', 'priority', 'notes', 'created_at', 'updated_at'] as const;

export function listDestinations(tx: Tx, ws: string, filters: DestinationFilterInput, page: PageArgs) {
  let q = tx.db
    .selectFrom('ari_destinations')
    .select(destinationColumns)
    .where('workspace_id', '=', ws)
    .orderBy('is_promoted', 'desc')
    .orderBy('priority', 'desc')
    .orderBy('id', 'desc')
    .limit(page.limit + 1);
  if (page.cursor) {
    q = q.where(
      sql<boolean>`(is_promoted, priority, id) < (select d.is_promoted, d.priority, d.id from ari_destinations d where d.workspace_id = ${ws} and d.id = ${page.cursor})`,
    );
  }
  if (filters.country) q = q.where(sql<string>`lower(country)`, '=', filters.country.toLowerCase());
  if (filters.promoted !== undefined) q = q.where('is_promoted', '=', filters.promoted);
  return q.execute();
}

/** The assistant's pick in a country (any casing): promoted first, then by priority, then oldest. */
export function destinationsIn(tx: Tx, ws: string, country: string, limit: number) {
  return tx.db
    .selectFrom('ari_destinations')
    .select(['university_name', 'city', 'requirements', 'programs', 'is_promoted', 'priority'])
    .where('workspace_id', '=', ws)
    .where(sql<boolean>`lower(country) = lower(${country})`)
    .orderBy('is_promoted', 'desc')
    .orderBy('priority', 'desc')
    .orderBy('id')
    .limit(limit)
    .execute();
}

export function findDestination(tx: Tx, ws: string, id: string) {
  return tx.db.selectFrom('ari_destinations').select(destinationColumns).where('workspace_id', '=', ws).where('id', '=', id).executeTakeFirst();
}

export function insertDestination(tx: Tx, ws: string, id: string, input: DestinationCreateInput) {
  const { requirements, ...rest } = input;
  return tx.db
    .insertInto('ari_destinations')
    .values({ id, workspace_id: ws, ...rest, requirements: JSON.stringify(requirements) })
    .returning(destinationColumns)
    .executeTakeFirstOrThrow();
}

export function updateDestination(tx: Tx, ws: string, id: string, patch: DestinationPatchInput) {
  const { requirements, ...rest } = patch;
  return tx.db
    .updateTable('ari_destinations')
    .set({ ...rest, ...(requirements ? { requirements: JSON.stringify(requirements) } : {}) })
    .where('workspace_id', '=', ws)
    .where('id', '=', id)
    .returning(destinationColumns)
    .executeTakeFirst();
}

export async function deleteDestination(tx: Tx, ws: string, id: string): Promise<boolean> {
  const res = await tx.db.deleteFrom('ari_destinations').where('workspace_id', '=', ws).where('id', '=', id).executeTakeFirst();
  return res.numDeletedRows > 0n;
}
