// ARI's articles and webinars for staff, and the public webinar registration form: the
// registration finds or makes the contact by phone, counts seats under the webinar's row lock
// (so concurrent registrations never pass its capacity) and registers a phone once.
import { confirmRegistration } from './webinar-notices.ts';
import type { Ctx } from '../../platform/context.ts';
import type { Database } from '../../platform/db/database.ts';
import { withServiceRole, withTenant } from '../../platform/db/tenant.ts';
import { AppError } from '../../platform/errors.ts';
import { toPage } from '../../platform/http/router.ts';
import { newId } from '../../platform/ids.ts';
import type { Clock } from '../../platform/clock.ts';
import { contactSummaries, findOrCreateLead, normalizePhone } from '../contacts/index.ts';
import { workspaceCountry } from '../tenancy/index.ts';
import type { Logger } from '../../platform/log.ts';
import * as repo from './content.repo.ts';
import { ARTICLE_STATUSES, WEBINAR_STATUSES, type ArticleCreate, type ArticleFilters, type ArticlePatch, type PublicRegistrationCreate, type WebinarCreate, type WebinarFilters, type WebinarPatch } from './content.schema.ts';
import type { PageArgs } from './knowledge.repo.ts';
import { workspaceOf } from './knowledge.service.ts';

const isEmpty = (patch: object) => Object.keys(patch).length === 0;
const slugTaken = (what: 'article' | 'webinar', slug: string) =>
  new AppError(`${what}.slug_taken` as const, 'conflict', `another ${what} already has the slug ${slug}`, { field: 'slug' });
const articleNotFound = () => new AppError('article.not_found', 'not_found', 'no such article in this workspace');
const webinarNotFound = () => new AppError('webinar.not_found', 'not_found', 'no such webinar in this workspace');

/** Runs `fn`, answering a unique violation of the slug as slug_taken. */
async function slugChecked<T>(what: 'article' | 'webinar', slug: string | undefined, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    const err = e as { code?: string; constraint?: string };
    if (err?.code === '23505' && err.constraint === `${what}s_workspace_id_slug_key`) throw slugTaken(what, slug ?? '');
    throw e;
  }
}

// The tables' check constraints hold status to these lists; the rows' type says string.
type ArticleRow = NonNullable<Awaited<ReturnType<typeof repo.findArticle>>>;
type WebinarRow = NonNullable<Awaited<ReturnType<typeof repo.findWebinar>>>;
const toArticle = (r: ArticleRow) => ({ ...r, status: r.status as (typeof ARTICLE_STATUSES)[number] });
const toWebinar = (r: WebinarRow) => ({ ...r, status: r.status as (typeof WEBINAR_STATUSES)[number] });
const pageOf = <R extends { id: string }, T>(rows: R[], limit: number, map: (r: R) => T) => {
  const { data, next_cursor } = toPage(rows, limit);
  return { data: data.map(map), next_cursor };
};

// Articles ---------------------------------------------------------------------------------

export async function listArticles(ctx: Ctx, filters: ArticleFilters, page: PageArgs) {
  return pageOf(await repo.listArticles(ctx.tx, workspaceOf(ctx), filters, page), page.limit, toArticle);
}

export async function getArticle(ctx: Ctx, id: string) {
  const row = await repo.findArticle(ctx.tx, workspaceOf(ctx), id);
  if (!row) throw articleNotFound();
  return toArticle(row);
}

export async function createArticle(ctx: Ctx, input: ArticleCreate) {
  const publishedAt = input.status === 'published' ? ctx.clock.now() : null;
  return toArticle(await slugChecked('article', input.slug, () => repo.insertArticle(ctx.tx, workspaceOf(ctx), newId(), { ...input, published_at: publishedAt })));
}

/** Publishing sets published_at the first time; going back to draft keeps it (when it first went out). */
export async function updateArticle(ctx: Ctx, id: string, patch: ArticlePatch) {
  const current = await getArticle(ctx, id);
  if (isEmpty(patch)) return current;
  const firstPublished = patch.status === 'published' && current.published_at === null ? { published_at: ctx.clock.now() } : {};
  const row = await slugChecked('article', patch.slug, () => repo.updateArticle(ctx.tx, workspaceOf(ctx), id, { ...patch, ...firstPublished }));
  if (!row) throw articleNotFound();
  return toArticle(row);
}

export async function deleteArticle(ctx: Ctx, id: string) {
  if (!(await repo.deleteArticle(ctx.tx, workspaceOf(ctx), id))) throw articleNotFound();
}

// Webinars ---------------------------------------------------------------------------------

export async function listWebinars(ctx: Ctx, filters: WebinarFilters, page: PageArgs) {
  return pageOf(await repo.listWebinars(ctx.tx, workspaceOf(ctx), filters, page, ctx.clock.now()), page.limit, toWebinar);
}

export async function getWebinar(ctx: Ctx, id: string) {
  const row = await repo.findWebinar(ctx.tx, workspaceOf(ctx), id);
  if (!row) throw webinarNotFound();
  return toWebinar(row);
}

const webinarValues = ({ scheduled_at, ...rest }: WebinarPatch): repo.WebinarValues => ({ ...rest, ...(scheduled_at ? { scheduled_at: new Date(scheduled_at) } : {}) });

export async function createWebinar(ctx: Ctx, input: WebinarCreate) {
  const values = { ...webinarValues(input), title: input.title, slug: input.slug, scheduled_at: new Date(input.scheduled_at), published_at: input.status === 'published' ? ctx.clock.now() : null };
  return toWebinar(await slugChecked('webinar', input.slug, () => repo.insertWebinar(ctx.tx, workspaceOf(ctx), newId(), values)));
}

/** A capacity below the registrations already taken is refused: nobody is unregistered by an edit. */
export async function updateWebinar(ctx: Ctx, id: string, patch: WebinarPatch) {
  const ws = workspaceOf(ctx);
  const current = await repo.findWebinar(ctx.tx, ws, id, true);
  if (!current) throw webinarNotFound();
  if (isEmpty(patch)) return toWebinar(current);
  if (patch.max_registrations != null && patch.max_registrations < current.registrations) {
    throw new AppError('webinar.capacity_below_registrations', 'conflict', `${current.registrations} have registered already; the capacity cannot go below that`, {
      field: 'max_registrations',
      registrations: current.registrations,
    });
  }
  const firstPublished = patch.status === 'published' && current.published_at === null ? { published_at: ctx.clock.now() } : {};
  const row = await slugChecked('webinar', patch.slug, () => repo.updateWebinar(ctx.tx, ws, id, { ...webinarValues(patch), ...firstPublished }));
  if (!row) throw webinarNotFound();
  return toWebinar(row);
}

export async function deleteWebinar(ctx: Ctx, id: string) {
  if (!(await repo.deleteWebinar(ctx.tx, workspaceOf(ctx), id))) throw webinarNotFound();
}

type RegistrationRow = Awaited<ReturnType<typeof repo.listRegistrations>>[number];

/** Each registration with its contact's name and phone (the contacts module's summaries). */
async function withContacts(ctx: Ctx, rows: RegistrationRow[]) {
  const who = await contactSummaries(ctx, rows.map((r) => r.contact_id));
  return rows.map((r) => ({ ...r, name: who.get(r.contact_id)?.name ?? null, phone: who.get(r.contact_id)?.phone ?? null }));
}

export async function listRegistrations(ctx: Ctx, webinarId: string, page: PageArgs) {
  await getWebinar(ctx, webinarId);
  const { data, next_cursor } = toPage(await repo.listRegistrations(ctx.tx, workspaceOf(ctx), webinarId, page), page.limit);
  return { data: await withContacts(ctx, data), next_cursor };
}

export async function markAttendance(ctx: Ctx, webinarId: string, id: string, attended: boolean) {
  const row = await repo.setAttended(ctx.tx, workspaceOf(ctx), webinarId, id, attended);
  if (!row) throw new AppError('webinar_registration.not_found', 'not_found', 'no such registration for this webinar');
  return (await withContacts(ctx, [row]))[0]!;
}

// The public form --------------------------------------------------------------------------

export interface PublicDeps {
  db: Database;
  clock: Clock;
  log: Logger;
}

/** The workspace's own system actor, for what the public form does in it. */
const systemCtx = (deps: PublicDeps, tx: Ctx['tx'], workspaceId: string): Ctx => ({ tx, actor: { kind: 'system', workspaceId }, clock: deps.clock, log: deps.log });

/**
 * The webinar's workspace, found by the webinar's id. The visitor names nothing else, so this
 * one lookup runs as the service role (the way a webhook finds its workspace); all the rest
 * runs as that workspace's own system actor.
 */
async function workspaceOfWebinar(db: Database, webinarId: string): Promise<string> {
  const found = await withServiceRole(db, (tx) => repo.findWebinarAnywhere(tx, webinarId));
  if (!found) throw publicNotFound();
  return found.workspace_id;
}

// A draft, and another workspace's id, look alike to the public: no such webinar.
const publicNotFound = () => new AppError('webinar.not_found', 'not_found', 'no such webinar');

type Row = NonNullable<Awaited<ReturnType<typeof repo.findWebinar>>>;
const seatsLeft = (w: Row) => (w.max_registrations === null ? null : Math.max(0, w.max_registrations - w.registrations));

/** A published article, for its public page; a draft and an unknown id look alike (404). */
export async function publicArticle(deps: PublicDeps, articleId: string) {
  const found = await withServiceRole(deps.db, (tx) => repo.findPublishedArticleAnywhere(tx, articleId));
  if (!found) throw new AppError('article.not_found', 'not_found', 'no such article');
  const ws = found.workspace_id;
  return withTenant(deps.db, { kind: 'system', workspaceId: ws }, async (tx) => {
    const a = await repo.findArticle(tx, ws, articleId);
    if (!a || a.status !== 'published') throw new AppError('article.not_found', 'not_found', 'no such article');
    return { id: a.id, title: a.title, slug: a.slug, excerpt: a.excerpt, content: a.content, cover_image_url: a.cover_image_url, published_at: a.published_at };
  });
}

/** A published webinar, for the page that shows the form. */
export async function publicWebinar(deps: PublicDeps, webinarId: string) {
  const ws = await workspaceOfWebinar(deps.db, webinarId);
  return withTenant(deps.db, { kind: 'system', workspaceId: ws }, async (tx) => {
    const w = await repo.findWebinar(tx, ws, webinarId);
    if (!w || w.status !== 'published') throw publicNotFound();
    const left = seatsLeft(w);
    return {
      id: w.id,
      title: w.title,
      description: w.description,
      cover_image_url: w.cover_image_url,
      scheduled_at: w.scheduled_at,
      duration_minutes: w.duration_minutes,
      seats_left: left,
      open: w.scheduled_at.getTime() > deps.clock.now().getTime() && left !== 0,
    };
  });
}

/**
 * Registers a visitor: published, in the future and under capacity, or refused with why. The
 * same phone registering again is told so kindly (already_registered) and changes nothing.
 */
export async function registerForWebinar(deps: PublicDeps, webinarId: string, input: PublicRegistrationCreate) {
  // Bots fill in every field; people never see this one.
  if (input.website) throw new AppError('webinar.registration_refused', 'invalid', 'this registration cannot be accepted', { field: 'website' });
  const ws = await workspaceOfWebinar(deps.db, webinarId);
  return withTenant(deps.db, { kind: 'system', workspaceId: ws }, async (tx) => {
    const ctx = systemCtx(deps, tx, ws);
    const now = deps.clock.now();
    const w = await repo.findWebinar(tx, ws, webinarId, true);
    if (!w || w.status !== 'published') throw publicNotFound();
    const result = (already: boolean) => ({ webinar_id: w.id, title: w.title, scheduled_at: w.scheduled_at, already_registered: already });
    const phone = normalizePhone(input.phone, await workspaceCountry(ctx));
    if (!phone) throw new AppError('webinar.invalid_phone', 'invalid', 'that is not a phone number we can reach', { field: 'phone' });
    if (w.scheduled_at.getTime() <= now.getTime()) {
      throw new AppError('webinar.closed', 'conflict', 'this webinar has already started; registration is closed', { scheduled_at: w.scheduled_at.toISOString() });
    }
    // seed-products.md: a new contact from the form is a webinar lead with a starting score of 50.
    const contactId = await findOrCreateLead(tx, ws, { phone, name: input.name, email: input.email ?? null, source: 'webinar_registration', tag: 'webinar-lead', score: 50, now });
    // Checked after the contact is known: someone already registered is never told it is full.
    if (await repo.isRegistered(tx, ws, w.id, contactId)) return result(true);
    if (seatsLeft(w) === 0) throw new AppError('webinar.full', 'conflict', 'this webinar is full', { max_registrations: w.max_registrations });
    const inserted = await repo.insertRegistration(tx, ws, newId(), w.id, contactId, now);
    if (inserted) await confirmRegistration(ctx, inserted.id, contactId, w);
    return result(inserted === undefined);
  });
}
