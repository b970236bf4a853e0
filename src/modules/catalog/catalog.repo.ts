import { sql } from 'kysely';
import type { Tx } from '../../platform/db/database.ts';
import type { ServiceAreaRow, ServiceCreateInput, ServicePatchInput, ServiceRow } from './catalog.schema.ts';

const serviceColumns = [
  'id', 'name', 'description', 'unit_name', 'base_price_minor', 'unit_price_minor', 'currency', 'duration_minutes',
  'turnaround', 'keywords', 'active', 'display_order', 'created_at', 'updated_at',
] as const;

export function listServices(tx: Tx, ws: string, filter: { active?: boolean | undefined; limit: number }): Promise<ServiceRow[]> {
  let q = tx.db.selectFrom('services').select(serviceColumns).where('workspace_id', '=', ws);
  if (filter.active !== undefined) q = q.where('active', '=', filter.active);
  return q.orderBy('display_order').orderBy('name').limit(filter.limit).execute();
}

/**
 * Active services matching `q`, best first: any of its words in the name, description or
 * keywords (full-text, in the workspace's language, so 'loads' finds 'load'), or a keyword
 * or the name contained in the text ('a regular wash please' finds Regular).
 */
export async function searchServices(tx: Tx, ws: string, locale: string, q: string, limit: number): Promise<ServiceRow[]> {
  const { rows } = await sql<ServiceRow>`
    with cfg as (
      select app.text_search_config(${locale}) as c
    ), query as (
      -- Any word may match: plainto_tsquery joins words with &, this makes them alternatives.
      select nullif(replace(plainto_tsquery((select c from cfg), ${q})::text, ' & ', ' | '), '')::tsquery as tq
    ), scored as (
      select s.*,
             to_tsvector((select c from cfg), s.name || ' ' || coalesce(s.description, '') || ' ' || array_to_string(s.keywords, ' ')) as doc,
             (position(lower(s.name) in lower(${q})) > 0
               or exists (select 1 from unnest(s.keywords) k where position(lower(k) in lower(${q})) > 0)) as named
        from public.services s
       where s.workspace_id = ${ws} and s.active
    )
    select ${sql.join(serviceColumns.map((c) => sql.ref(`scored.${c}`)))}
      from scored, query
     where scored.named or (query.tq is not null and scored.doc @@ query.tq)
     order by scored.named desc, ts_rank(scored.doc, query.tq) desc nulls last, scored.display_order, scored.name
     limit ${limit}`.execute(tx.db);
  return rows;
}

export function findService(tx: Tx, ws: string, id: string): Promise<ServiceRow | undefined> {
  return tx.db.selectFrom('services').select(serviceColumns).where('workspace_id', '=', ws).where('id', '=', id).executeTakeFirst();
}

export function insertService(tx: Tx, ws: string, id: string, input: ServiceCreateInput & { currency: string }): Promise<ServiceRow> {
  return tx.db
    .insertInto('services')
    .values({
      id,
      workspace_id: ws,
      name: input.name,
      description: input.description ?? null,
      unit_name: input.unit_name,
      base_price_minor: input.base_price_minor,
      unit_price_minor: input.unit_price_minor,
      currency: input.currency,
      duration_minutes: input.duration_minutes,
      turnaround: input.turnaround ?? null,
      keywords: input.keywords,
      active: input.active,
      display_order: input.display_order,
    })
    .returning(serviceColumns)
    .executeTakeFirstOrThrow();
}

export function updateService(tx: Tx, ws: string, id: string, patch: ServicePatchInput): Promise<ServiceRow | undefined> {
  return tx.db.updateTable('services').set(patch).where('workspace_id', '=', ws).where('id', '=', id).returning(serviceColumns).executeTakeFirst();
}

export function listAreas(tx: Tx, ws: string): Promise<ServiceAreaRow[]> {
  return tx.db.selectFrom('service_areas').select(['postal_prefix', 'label']).where('workspace_id', '=', ws).orderBy('postal_prefix').execute();
}

export async function replaceAreas(tx: Tx, ws: string, areas: ServiceAreaRow[]): Promise<void> {
  await tx.db.deleteFrom('service_areas').where('workspace_id', '=', ws).execute();
  if (areas.length) await tx.db.insertInto('service_areas').values(areas.map((a) => ({ workspace_id: ws, ...a }))).execute();
}

/** The longest of the workspace's prefixes that `code` (normalised) starts with. */
export function coveringArea(tx: Tx, ws: string, code: string): Promise<ServiceAreaRow | undefined> {
  return tx.db
    .selectFrom('service_areas')
    .select(['postal_prefix', 'label'])
    .where('workspace_id', '=', ws)
    .where(sql<boolean>`starts_with(${code}, postal_prefix)`)
    .orderBy(sql`length(postal_prefix)`, 'desc')
    .limit(1)
    .executeTakeFirst();
}

/** What a guest books and is charged for (0022: guests cannot read the catalogue itself). */
export type BookableServiceRow = { id: string; name: string; unit_name: string; base_price_minor: number; unit_price_minor: number; currency: string; duration_minutes: number };

export async function bookableService(tx: Tx, by: { id?: string | undefined; name?: string | undefined }): Promise<BookableServiceRow | undefined> {
  const { rows } = await tx.query<BookableServiceRow>('select * from app.bookable_service($1, $2)', [by.id ?? null, by.name ?? null]);
  return rows[0];
}
