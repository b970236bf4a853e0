// Queries for articles, webinars and webinar registrations (0003's CMS tables), newest first.
import { sql } from 'kysely';
import type { Tx } from '../../platform/db/database.ts';
import type { ArticleCreate, ArticleFilters, ArticlePatch, WebinarFilters } from './content.schema.ts';
import type { PageArgs } from './knowledge.repo.ts';

// Articles ---------------------------------------------------------------------------------

const articleColumns = ['id', 'title', 'slug', 'excerpt', 'content', 'cover_image_url', 'status', 'published_at', 'created_at', 'updated_at'] as const;

export function listArticles(tx: Tx, ws: string, filters: ArticleFilters, page: PageArgs) {
  let q = tx.db.selectFrom('articles').select(articleColumns).where('workspace_id', '=', ws).orderBy('id', 'desc').limit(page.limit + 1);
  if (page.cursor) q = q.where('id', '<', page.cursor);
  if (filters.status) q = q.where('status', '=', filters.status);
  return q.execute();
}

export function findArticle(tx: Tx, ws: string, id: string) {
  return tx.db.selectFrom('articles').select(articleColumns).where('workspace_id', '=', ws).where('id', '=', id).executeTakeFirst();
}

export function insertArticle(tx: Tx, ws: string, id: string, input: ArticleCreate & { published_at: Date | null }) {
  return tx.db.insertInto('articles').values({ id, workspace_id: ws, ...input }).returning(articleColumns).executeTakeFirstOrThrow();
}

export function updateArticle(tx: Tx, ws: string, id: string, patch: ArticlePatch & { published_at?: Date }) {
  return tx.db.updateTable('articles').set(patch).where('workspace_id', '=', ws).where('id', '=', id).returning(articleColumns).executeTakeFirst();
}

export async function deleteArticle(tx: Tx, ws: string, id: string): Promise<boolean> {
  return (await tx.db.deleteFrom('articles').where('workspace_id', '=', ws).where('id', '=', id).executeTakeFirst()).numDeletedRows > 0n;
}

// Webinars ---------------------------------------------------------------------------------

const webinarColumns = ['id', 'title', 'slug', 'description', 'cover_image_url', 'scheduled_at', 'duration_minutes', 'meeting_url', 'max_registrations', 'status', 'published_at', 'created_at', 'updated_at'] as const;

export interface WebinarValues {
  title?: string;
  slug?: string;
  description?: string | null;
  cover_image_url?: string | null;
  scheduled_at?: Date;
  duration_minutes?: number;
  meeting_url?: string | null;
  max_registrations?: number | null;
  status?: string;
  published_at?: Date | null;
}

const registrationCount = (ws: string) =>
  sql<number>`(select count(*)::int from webinar_registrations r where r.workspace_id = ${ws} and r.webinar_id = webinars.id)`.as('registrations');

export function listWebinars(tx: Tx, ws: string, filters: WebinarFilters, page: PageArgs, now: Date) {
  let q = tx.db.selectFrom('webinars').select([...webinarColumns, registrationCount(ws)]).where('workspace_id', '=', ws).orderBy('id', 'desc').limit(page.limit + 1);
  if (page.cursor) q = q.where('id', '<', page.cursor);
  if (filters.status) q = q.where('status', '=', filters.status);
  if (filters.upcoming !== undefined) q = q.where('scheduled_at', filters.upcoming ? '>' : '<=', now);
  return q.execute();
}

/**
 * The webinar with its registration count; with `lock`, under its row lock first. The count is
 * read by a statement of its own after the lock is held: in READ COMMITTED a statement sees the
 * data as of its start, so counting in the locking statement would miss the registrations of
 * the transaction it waited for.
 */
export async function findWebinar(tx: Tx, ws: string, id: string, lock = false) {
  if (lock && !(await tx.db.selectFrom('webinars').select('id').where('workspace_id', '=', ws).where('id', '=', id).forUpdate().executeTakeFirst())) return undefined;
  return tx.db.selectFrom('webinars').select([...webinarColumns, registrationCount(ws)]).where('workspace_id', '=', ws).where('id', '=', id).executeTakeFirst();
}

export async function insertWebinar(tx: Tx, ws: string, id: string, values: WebinarValues & { title: string; slug: string; scheduled_at: Date }) {
  await tx.db.insertInto('webinars').values({ id, workspace_id: ws, ...values }).execute();
  return (await findWebinar(tx, ws, id))!;
}

export async function updateWebinar(tx: Tx, ws: string, id: string, values: WebinarValues) {
  const res = await tx.db.updateTable('webinars').set(values).where('workspace_id', '=', ws).where('id', '=', id).executeTakeFirst();
  return res.numUpdatedRows > 0n ? findWebinar(tx, ws, id) : undefined;
}

export async function deleteWebinar(tx: Tx, ws: string, id: string): Promise<boolean> {
  return (await tx.db.deleteFrom('webinars').where('workspace_id', '=', ws).where('id', '=', id).executeTakeFirst()).numDeletedRows > 0n;
}

/** The workspace's webinar by id, for the public form: the lookup that finds the workspace. */
/** A published article of any workspace, with its workspace: the public page's look-up, as the service role. */
export function findPublishedArticleAnywhere(tx: Tx, id: string) {
  return tx.db.selectFrom('articles').select('workspace_id').where('id', '=', id).where('status', '=', 'published').executeTakeFirst();
}

export function findWebinarAnywhere(tx: Tx, id: string) {
  return tx.db.selectFrom('webinars').select(['id', 'workspace_id']).where('id', '=', id).executeTakeFirst();
}

// Registrations ----------------------------------------------------------------------------

const registrationColumns = ['id', 'webinar_id', 'contact_id', 'registered_at', 'attended'] as const;

export function listRegistrations(tx: Tx, ws: string, webinarId: string, page: PageArgs) {
  let q = tx.db
    .selectFrom('webinar_registrations')
    .select(registrationColumns)
    .where('workspace_id', '=', ws)
    .where('webinar_id', '=', webinarId)
    .orderBy('id', 'desc')
    .limit(page.limit + 1);
  if (page.cursor) q = q.where('id', '<', page.cursor);
  return q.execute();
}

export function setAttended(tx: Tx, ws: string, webinarId: string, id: string, attended: boolean) {
  return tx.db
    .updateTable('webinar_registrations')
    .set({ attended })
    .where('workspace_id', '=', ws)
    .where('webinar_id', '=', webinarId)
    .where('id', '=', id)
    .returning(registrationColumns)
    .executeTakeFirst();
}

export async function isRegistered(tx: Tx, ws: string, webinarId: string, contactId: string): Promise<boolean> {
  const row = await tx.db.selectFrom('webinar_registrations').select('id').where('workspace_id', '=', ws).where('webinar_id', '=', webinarId).where('contact_id', '=', contactId).executeTakeFirst();
  return row !== undefined;
}

/** Registers the contact once: the row, or undefined when they had registered already. */
export function insertRegistration(tx: Tx, ws: string, id: string, webinarId: string, contactId: string, now: Date) {
  return tx.db
    .insertInto('webinar_registrations')
    .values({ id, workspace_id: ws, webinar_id: webinarId, contact_id: contactId, registered_at: now })
    .onConflict((oc) => oc.columns(['workspace_id', 'webinar_id', 'contact_id']).doNothing())
    .returning('id')
    .executeTakeFirst();
}
