import { workspaceIdOf, type Ctx } from '../../platform/context.ts';
import { AppError } from '../../platform/errors.ts';
import { toPage } from '../../platform/http/router.ts';
import { newId } from '../../platform/ids.ts';
import * as repo from './knowledge.repo.ts';
import type {
  CategoryCreateInput,
  CategoryPatchInput,
  DestinationCreateInput,
  DestinationFilterInput,
  DestinationPatchInput,
  DestinationRequirements,
  EntryCreateInput,
  EntryFilterInput,
  EntryPatchInput,
  FaqCreateInput,
  FaqFilterInput,
  FaqPatchInput,
} from './knowledge.schema.ts';

export const workspaceOf = workspaceIdOf;

const notFound = (what: 'category' | 'entry' | 'faq' | 'destination', label: string) => new AppError(`${what}.not_found` as const, 'not_found', `no such ${label} in this workspace`);

/** The constraint a PostgreSQL error names, when it is the violation of `code`. */
function violated(e: unknown, code: '23505' | '23503'): string | undefined {
  const err = e as { code?: string; constraint?: string };
  return err?.code === code ? (err.constraint ?? '') : undefined;
}

const isEmpty = (patch: object) => Object.keys(patch).length === 0;

// Categories -------------------------------------------------------------------------------

const nameTaken = (name: string) =>
  new AppError('category.name_taken', 'conflict', `a category named "${name}" already exists`, { field: 'name' });

export async function listCategories(ctx: Ctx, page: repo.PageArgs) {
  return toPage(await repo.listCategories(ctx.tx, workspaceOf(ctx), page), page.limit);
}

export async function getCategory(ctx: Ctx, id: string) {
  const row = await repo.findCategory(ctx.tx, workspaceOf(ctx), id);
  if (!row) throw notFound('category', 'knowledge category');
  return row;
}

export async function createCategory(ctx: Ctx, input: CategoryCreateInput) {
  try {
    return await repo.insertCategory(ctx.tx, workspaceOf(ctx), {
      id: newId(),
      name: input.name,
      description: input.description ?? null,
      display_order: input.display_order,
    });
  } catch (e) {
    if (violated(e, '23505') === 'ari_knowledge_categories_workspace_id_name_key') throw nameTaken(input.name);
    throw e;
  }
}

export async function updateCategory(ctx: Ctx, id: string, patch: CategoryPatchInput) {
  if (isEmpty(patch)) return getCategory(ctx, id);
  try {
    const row = await repo.updateCategory(ctx.tx, workspaceOf(ctx), id, patch);
    if (!row) throw notFound('category', 'knowledge category');
    return row;
  } catch (e) {
    if (violated(e, '23505') === 'ari_knowledge_categories_workspace_id_name_key') throw nameTaken(patch.name ?? '');
    throw e;
  }
}

/** Its entries stay, uncategorised (the foreign key sets their category_id to null). */
export async function deleteCategory(ctx: Ctx, id: string) {
  if (!(await repo.deleteCategory(ctx.tx, workspaceOf(ctx), id))) throw notFound('category', 'knowledge category');
}

/** Sets display_order 1..n in the order given; `ids` must name every category once. */
export async function reorderCategories(ctx: Ctx, ids: string[]) {
  const ws = workspaceOf(ctx);
  const existing = await repo.lockCategoryIds(ctx.tx, ws);
  const known = new Set(existing);
  const given = new Set(ids);
  const missing = existing.filter((id) => !given.has(id));
  const unknown = ids.filter((id) => !known.has(id));
  if (missing.length || unknown.length) {
    throw new AppError('category.reorder_incomplete', 'invalid', 'list every category of the workspace exactly once', { missing, unknown });
  }
  await repo.setCategoryOrder(ctx.tx, ws, ids);
  return repo.listCategories(ctx.tx, ws, { limit: ids.length || 1 });
}

// Entries ----------------------------------------------------------------------------------

const categoryMissing = () =>
  new AppError('entry.category_not_found', 'invalid', 'category_id names no category of this workspace', { field: 'category_id' });
const isCategoryReference = (e: unknown) => violated(e, '23503')?.includes('category_id') ?? false;

export async function listEntries(ctx: Ctx, filters: EntryFilterInput, page: repo.PageArgs) {
  return toPage(await repo.listEntries(ctx.tx, workspaceOf(ctx), filters, page), page.limit);
}

export async function getEntry(ctx: Ctx, id: string) {
  const row = await repo.findEntry(ctx.tx, workspaceOf(ctx), id);
  if (!row) throw notFound('entry', 'knowledge entry');
  return row;
}

export async function createEntry(ctx: Ctx, input: EntryCreateInput) {
  try {
    return await repo.insertEntry(ctx.tx, workspaceOf(ctx), newId(), input);
  } catch (e) {
    if (isCategoryReference(e)) throw categoryMissing();
    throw e;
  }
}

export async function updateEntry(ctx: Ctx, id: string, patch: EntryPatchInput) {
  if (isEmpty(patch)) return getEntry(ctx, id);
  try {
    const row = await repo.updateEntry(ctx.tx, workspaceOf(ctx), id, patch);
    if (!row) throw notFound('entry', 'knowledge entry');
    return row;
  } catch (e) {
    if (isCategoryReference(e)) throw categoryMissing();
    throw e;
  }
}

export async function deleteEntry(ctx: Ctx, id: string) {
  if (!(await repo.deleteEntry(ctx.tx, workspaceOf(ctx), id))) throw notFound('entry', 'knowledge entry');
}

// FAQs -------------------------------------------------------------------------------------

type FaqRow = NonNullable<Awaited<ReturnType<typeof repo.findFaq>>>;

/** Seed 004 leaves these columns nullable; the API gives their defaults instead of nulls. */
const toFaq = (row: FaqRow) => ({
  ...row,
  keywords: row.keywords ?? [],
  is_active: row.is_active ?? false,
  display_order: row.display_order ?? 0,
  usage_count: row.usage_count ?? 0,
});

export async function listFaqs(ctx: Ctx, filters: FaqFilterInput, page: repo.PageArgs) {
  const { data, next_cursor } = toPage(await repo.listFaqs(ctx.tx, workspaceOf(ctx), filters, page), page.limit);
  return { data: data.map(toFaq), next_cursor };
}

export async function getFaq(ctx: Ctx, id: string) {
  const row = await repo.findFaq(ctx.tx, workspaceOf(ctx), id);
  if (!row) throw notFound('faq', 'FAQ');
  return toFaq(row);
}

export async function createFaq(ctx: Ctx, input: FaqCreateInput) {
  return toFaq(await repo.insertFaq(ctx.tx, workspaceOf(ctx), newId(), input));
}

export async function updateFaq(ctx: Ctx, id: string, patch: FaqPatchInput) {
  if (isEmpty(patch)) return getFaq(ctx, id);
  const row = await repo.updateFaq(ctx.tx, workspaceOf(ctx), id, patch);
  if (!row) throw notFound('faq', 'FAQ');
  return toFaq(row);
}

export async function deleteFaq(ctx: Ctx, id: string) {
  if (!(await repo.deleteFaq(ctx.tx, workspaceOf(ctx), id))) throw notFound('faq', 'FAQ');
}

/** The assistant answered with this FAQ: counts it (seed 004's usage_count). Returns the new count. */
export async function recordFaqUse(ctx: Ctx, faqId: string): Promise<number> {
  const count = await repo.incrementFaqUsage(ctx.tx, workspaceOf(ctx), faqId);
  if (count === undefined) throw notFound('faq', 'FAQ');
  return count;
}

// Destinations -----------------------------------------------------------------------------

const DESTINATION_UNIQUE = 'ari_destinations_workspace_id_country_city_university_name_key';
const duplicate = () =>
  new AppError('destination.duplicate', 'conflict', 'a destination with this country, city and university already exists', {
    fields: ['country', 'city', 'university_name'],
  });

type DestinationRow = NonNullable<Awaited<ReturnType<typeof repo.findDestination>>>;

/** Every write goes through the Requirements schema, so the stored JSON has its shape. */
const toDestination = (row: DestinationRow) => ({ ...row, requirements: row.requirements as DestinationRequirements });

export async function listDestinations(ctx: Ctx, filters: DestinationFilterInput, page: repo.PageArgs) {
  const { data, next_cursor } = toPage(await repo.listDestinations(ctx.tx, workspaceOf(ctx), filters, page), page.limit);
  return { data: data.map(toDestination), next_cursor };
}

export async function getDestination(ctx: Ctx, id: string) {
  const row = await repo.findDestination(ctx.tx, workspaceOf(ctx), id);
  if (!row) throw notFound('destination', 'destination');
  return toDestination(row);
}

export async function createDestination(ctx: Ctx, input: DestinationCreateInput) {
  try {
    return toDestination(await repo.insertDestination(ctx.tx, workspaceOf(ctx), newId(), input));
  } catch (e) {
    if (violated(e, '23505') === DESTINATION_UNIQUE) throw duplicate();
    throw e;
  }
}

export async function updateDestination(ctx: Ctx, id: string, patch: DestinationPatchInput) {
  if (isEmpty(patch)) return getDestination(ctx, id);
  try {
    const row = await repo.updateDestination(ctx.tx, workspaceOf(ctx), id, patch);
    if (!row) throw notFound('destination', 'destination');
    return toDestination(row);
  } catch (e) {
    if (violated(e, '23505') === DESTINATION_UNIQUE) throw duplicate();
    throw e;
  }
}

export async function deleteDestination(ctx: Ctx, id: string) {
  if (!(await repo.deleteDestination(ctx.tx, workspaceOf(ctx), id))) throw notFound('destination', 'destination');
}
