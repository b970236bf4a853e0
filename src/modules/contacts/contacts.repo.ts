import { sql, type Insertable, type RawBuilder, type Selectable, type Updateable } from 'kysely';
import type { Tx } from '../../platform/db/database.ts';
import { newId } from '../../platform/ids.ts';
import type { Contacts } from '../../platform/db/schema.ts';
import type { Contact, ContactSort, ContactSummary } from './contacts.schema.ts';

const COLUMNS = [
  'id', 'name', 'phone', 'email', 'tags', 'notes', 'address', 'lead_status', 'lead_score', 'lead_temperature',
  'source', 'locale', 'metadata', 'total_bookings', 'total_calls', 'total_spent', 'last_contact', 'created_at', 'updated_at',
] as const;

type Row = Pick<Selectable<Contacts>, (typeof COLUMNS)[number]>;

/** Seed 004's aggregates are nullable columns; the API always gives numbers. */
const toContact = ({ id, name, phone, email, tags, notes, address, lead_status, lead_score, lead_temperature, source, locale, metadata, total_bookings, total_calls, total_spent, last_contact, created_at, updated_at }: Row): Contact => ({
  id, name, phone, email, tags, notes, address, lead_status, lead_score, lead_temperature, source, locale, last_contact, created_at, updated_at,
  metadata: metadata as Record<string, unknown>,
  total_bookings: total_bookings ?? 0,
  total_calls: total_calls ?? 0,
  total_spent: total_spent ?? '0.00',
});

/** Undefined when another contact of the workspace has the phone. */
export async function insertContact(tx: Tx, values: Insertable<Contacts>): Promise<Contact | undefined> {
  const row = await tx.db
    .insertInto('contacts')
    .values(values)
    .onConflict((oc) => oc.columns(['workspace_id', 'phone']).doNothing())
    .returning(COLUMNS)
    .executeTakeFirst();
  return row && toContact(row);
}

/** Inserts many at once; rows whose phone another contact has are skipped. Returns the ids stored. */
export async function insertContacts(tx: Tx, values: Insertable<Contacts>[]): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < values.length; i += 1000) {
    const rows = await tx.db
      .insertInto('contacts')
      .values(values.slice(i, i + 1000))
      .onConflict((oc) => oc.columns(['workspace_id', 'phone']).doNothing())
      .returning('id')
      .execute();
    ids.push(...rows.map((r) => r.id));
  }
  return ids;
}

/** Which of these phones contacts of the workspace already have. */
export async function existingPhones(tx: Tx, ws: string, phones: string[]): Promise<string[]> {
  if (phones.length === 0) return [];
  const rows = await tx.db.selectFrom('contacts').select('phone').where('workspace_id', '=', ws).where('phone', 'in', phones).execute();
  return rows.map((r) => r.phone!);
}

export async function findContact(tx: Tx, ws: string, id: string): Promise<Contact | undefined> {
  const row = await tx.db.selectFrom('contacts').select(COLUMNS).where('workspace_id', '=', ws).where('id', '=', id).executeTakeFirst();
  return row && toContact(row);
}

export async function findContactIdByPhone(tx: Tx, ws: string, phone: string): Promise<string | undefined> {
  const row = await tx.db.selectFrom('contacts').select('id').where('workspace_id', '=', ws).where('phone', '=', phone).executeTakeFirst();
  return row?.id;
}

/**
 * The contact with this E.164 phone, created (with `source`) when the workspace has none: a
 * first message from a new number. Conflict-tolerant, so two first messages at once make one.
 */
export async function findOrCreateContactByPhone(tx: Tx, ws: string, phone: string, source: string): Promise<string> {
  // A returning customer (most messages) costs one round trip; only a new one is inserted.
  const known = await findContactIdByPhone(tx, ws, phone);
  if (known) return known;
  const created = await tx.db
    .insertInto('contacts')
    .values({ id: newId(), workspace_id: ws, phone, source })
    .onConflict((oc) => oc.columns(['workspace_id', 'phone']).doNothing())
    .returning('id')
    .executeTakeFirst();
  return created?.id ?? (await findContactIdByPhone(tx, ws, phone))!;
}

/**
 * The contact with this E.164 phone, made with what a sign-up form gave (name, email, source,
 * a tag, a starting score) when the workspace has none; an existing one keeps what it has,
 * gaining only a name or email it lacked, and the tag. Conflict-tolerant like the above.
 */
export async function findOrCreateLead(tx: Tx, ws: string, lead: { phone: string; name: string; email: string | null; source: string; tag: string; score: number; now: Date }): Promise<string> {
  const created = await tx.db
    .insertInto('contacts')
    .values({ id: newId(), workspace_id: ws, phone: lead.phone, name: lead.name, email: lead.email, source: lead.source, tags: [lead.tag], lead_score: lead.score, last_contact: lead.now })
    .onConflict((oc) => oc.columns(['workspace_id', 'phone']).doNothing())
    .returning('id')
    .executeTakeFirst();
  if (created) return created.id;
  const existing = await tx.db
    .updateTable('contacts')
    .set({
      name: sql`coalesce(name, ${lead.name}::text)`,
      email: sql`coalesce(email, ${lead.email}::text)`,
      tags: sql`case when ${lead.tag}::text = any(tags) then tags else array_append(tags, ${lead.tag}::text) end`,
    })
    .where('workspace_id', '=', ws)
    .where('phone', '=', lead.phone)
    .returning('id')
    .executeTakeFirstOrThrow();
  return existing.id;
}

export async function contactExists(tx: Tx, ws: string, id: string): Promise<boolean> {
  return (await tx.db.selectFrom('contacts').select('id').where('workspace_id', '=', ws).where('id', '=', id).executeTakeFirst()) !== undefined;
}

/** The contact's phone, if it has one. */
export async function contactPhone(tx: Tx, ws: string, id: string): Promise<string | null> {
  return (await tx.db.selectFrom('contacts').select('phone').where('workspace_id', '=', ws).where('id', '=', id).executeTakeFirst())?.phone ?? null;
}

/** What the assistant learnt about a lead, for the contact record. */
export interface LeadSync {
  lead_score: number;
  lead_temperature: string;
  lead_status: string;
  /** Fill the contact's name and email from the conversation where it has none. */
  name?: string | undefined;
  email?: string | undefined;
  /** Added to the contact's tags (once each). */
  tags?: string[];
  /** Appended to the contact's notes. */
  note?: string | undefined;
  now: Date;
}

/** The assistant's judgement on the contact record; a customer stays a customer, and what staff typed is kept. */
export async function syncLead(tx: Tx, ws: string, id: string, s: LeadSync): Promise<void> {
  const tags = s.tags ?? [];
  await tx.db
    .updateTable('contacts')
    .set({
      lead_score: s.lead_score,
      lead_temperature: s.lead_temperature,
      lead_status: sql<string>`case when lead_status = 'customer' then lead_status else ${s.lead_status} end`,
      name: sql<string | null>`coalesce(name, ${s.name ?? null}::text)`,
      email: sql<string | null>`coalesce(email, ${s.email ?? null}::text)`,
      tags: sql<string[]>`tags || array(select t from unnest(${tags}::text[]) as t where t <> all (tags))`,
      notes: s.note ? sql<string>`case when coalesce(notes, '') = '' then ${s.note}::text else notes || E'\n\n' || ${s.note}::text end` : sql<string | null>`notes`,
      // Never back: the database's totals triggers move it forward too (0018).
      last_contact: sql<Date>`greatest(last_contact, ${s.now}::timestamptz)`,
    })
    .where('workspace_id', '=', ws)
    .where('id', '=', id)
    .execute();
}

/** A name learnt on a channel (a caller said it) fills the contact's when it has none; it never overwrites one. */
export async function fillContactName(tx: Tx, ws: string, id: string, name: string): Promise<void> {
  await tx.db.updateTable('contacts').set({ name }).where('workspace_id', '=', ws).where('id', '=', id).where('name', 'is', null).execute();
}

/** The contact was heard from (or answered) at `now`; never moves back. */
export async function touchContact(tx: Tx, ws: string, id: string, now: Date): Promise<void> {
  await tx.db
    .updateTable('contacts')
    .set({ last_contact: sql<Date>`greatest(last_contact, ${now}::timestamptz)` })
    .where('workspace_id', '=', ws)
    .where('id', '=', id)
    .execute();
}

export async function updateContact(tx: Tx, ws: string, id: string, patch: Updateable<Contacts>): Promise<Contact | undefined> {
  const row = await tx.db
    .updateTable('contacts')
    .set(patch)
    .where('workspace_id', '=', ws)
    .where('id', '=', id)
    .returning(COLUMNS)
    .executeTakeFirst();
  return row && toContact(row);
}

export async function deleteContact(tx: Tx, ws: string, id: string): Promise<boolean> {
  const res = await tx.db.deleteFrom('contacts').where('workspace_id', '=', ws).where('id', '=', id).executeTakeFirst();
  return res.numDeletedRows > 0n;
}

export interface ContactFilter {
  /** Lower-case fragments, any of which found in the name, email or phone matches (contacts_search_text, 0028). */
  search?: string[] | undefined;
  tag?: string | undefined;
  temperature?: string | undefined;
  leadStatus?: string | undefined;
  sort: ContactSort;
  /** The last row of the previous page: its sort key values (as text) and id. */
  after?: { keys: string[]; id: string } | undefined;
  limit: number;
}

const likePattern = (s: string) => `%${s.replace(/[\\%_]/g, '\\$&')}%`;

/**
 * Each sort is a key that is never null (so keyset paging can compare it), then the id; the
 * indexes of 0028 are (workspace_id, key, id). The keys are selected as text for the cursor
 * and cast back to their type when compared.
 */
const SORTS: Record<ContactSort, { keys: { expr: RawBuilder<unknown>; type: string }[]; desc: boolean }> = {
  newest: { keys: [], desc: true },
  oldest: { keys: [], desc: false },
  name: { keys: [{ expr: sql`(name is null)`, type: 'boolean' }, { expr: sql`coalesce(lower(name), '')`, type: 'text' }], desc: false },
  name_desc: { keys: [{ expr: sql`(name is null)`, type: 'boolean' }, { expr: sql`coalesce(lower(name), '')`, type: 'text' }], desc: true },
  score: { keys: [{ expr: sql`lead_score`, type: 'integer' }], desc: true },
  score_asc: { keys: [{ expr: sql`lead_score`, type: 'integer' }], desc: false },
  last_contact: { keys: [{ expr: sql`coalesce(last_contact, '-infinity'::timestamptz)`, type: 'timestamptz' }], desc: true },
  last_contact_asc: { keys: [{ expr: sql`coalesce(last_contact, '-infinity'::timestamptz)`, type: 'timestamptz' }], desc: false },
};

/** The filtered, sorted contacts, limit + 1 rows so the caller can tell if there are more; each row with its sort keys. */
export async function listContacts(tx: Tx, ws: string, f: ContactFilter): Promise<{ contact: Contact; keys: string[] }[]> {
  const sort = SORTS[f.sort];
  let q = tx.db.selectFrom('contacts').select(COLUMNS).where('workspace_id', '=', ws);
  for (const [i, k] of sort.keys.entries()) q = q.select(sql<string>`(${k.expr})::text`.as(`sort_key_${i}`));
  const search = f.search;
  if (search?.length) {
    const patterns = search.map(likePattern);
    // Three characters make a trigram: the index finds those (app.search_contact_ids, 0028, as
    // row-level security keeps a LIKE away from it here). Shorter ones match so often that
    // reading in the sort's order and stopping at a page is the quicker way.
    q = search.every((s) => s.length >= 3)
      ? q.where('id', 'in', sql<string>`(select app.search_contact_ids(${sql.val(patterns)}::text[]))`)
      : q.where((eb) => eb.or(patterns.map((p) => eb(sql`app.contact_search_text(name, email, phone)`, 'like', p))));
  }
  if (f.tag !== undefined) q = q.where(sql<boolean>`tags @> array[${f.tag}]::text[]`);
  if (f.temperature !== undefined) q = q.where('lead_temperature', '=', f.temperature);
  if (f.leadStatus !== undefined) q = q.where('lead_status', '=', f.leadStatus);
  if (f.after) {
    const after = f.after;
    const cols = sql.join([...sort.keys.map((k) => k.expr), sql.ref('id')]);
    const vals = sql.join([...sort.keys.map((k, i) => sql`cast(${after.keys[i]} as ${sql.raw(k.type)})`), sql`${after.id}::uuid`]);
    q = q.where(sort.desc ? sql<boolean>`(${cols}) < (${vals})` : sql<boolean>`(${cols}) > (${vals})`);
  }
  const dir = sort.desc ? 'desc' : 'asc';
  for (const k of sort.keys) q = q.orderBy(k.expr, dir);
  const rows = (await q.orderBy('id', dir).limit(f.limit + 1).execute()) as (Row & Record<string, unknown>)[];
  return rows.map((r) => ({ contact: toContact(r), keys: sort.keys.map((_, i) => String(r[`sort_key_${i}`])) }));
}

/** Runs public.merge_contacts (0008), which re-points every reference to `mergeId` and deletes it. */
export async function mergeContacts(tx: Tx, keepId: string, mergeId: string): Promise<void> {
  await tx.query('select public.merge_contacts($1, $2)', [keepId, mergeId]);
}

export async function contactSummaries(tx: Tx, ws: string, ids: readonly string[]): Promise<ContactSummary[]> {
  if (ids.length === 0) return [];
  return tx.db
    .selectFrom('contacts')
    .select(['id', 'name', 'phone', 'tags'])
    .where('workspace_id', '=', ws)
    .where('id', 'in', [...new Set(ids)])
    .execute();
}

/** The ids of the contacts with `tag`, as a subquery other modules can filter by. */
export function taggedContactIds(tx: Tx, ws: string, tag: string) {
  return tx.db.selectFrom('contacts').select('id').where('workspace_id', '=', ws).where(sql<boolean>`tags @> array[${tag}]::text[]`);
}
