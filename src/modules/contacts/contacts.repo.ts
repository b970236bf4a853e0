import { sql, type Insertable, type Selectable, type Updateable } from 'kysely';
import type { Tx } from '../../platform/db/database.ts';
import type { Contacts } from '../../platform/db/schema.ts';
import type { Contact, ContactSummary } from './contacts.schema.ts';

const COLUMNS = [
  'id', 'name', 'phone', 'email', 'tags', 'notes', 'address', 'lead_status', 'lead_score', 'lead_temperature',
  'source', 'locale', 'metadata', 'total_bookings', 'total_calls', 'total_spent', 'last_contact', 'created_at', 'updated_at',
] as const;

type Row = Pick<Selectable<Contacts>, (typeof COLUMNS)[number]>;

/** Seed 004's aggregates are nullable columns; the API always gives numbers. */
const toContact = (r: Row): Contact => ({
  ...r,
  metadata: r.metadata as Record<string, unknown>,
  total_bookings: r.total_bookings ?? 0,
  total_calls: r.total_calls ?? 0,
  total_spent: r.total_spent ?? '0.00',
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

export async function findContact(tx: Tx, ws: string, id: string): Promise<Contact | undefined> {
  const row = await tx.db.selectFrom('contacts').select(COLUMNS).where('workspace_id', '=', ws).where('id', '=', id).executeTakeFirst();
  return row && toContact(row);
}

export async function findContactIdByPhone(tx: Tx, ws: string, phone: string): Promise<string | undefined> {
  const row = await tx.db.selectFrom('contacts').select('id').where('workspace_id', '=', ws).where('phone', '=', phone).executeTakeFirst();
  return row?.id;
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
  /** Any of these matches: the normalized phone, the email, part of the name. */
  search?: { phone: string | null; email: string; nameContains: string };
  tag?: string | undefined;
  temperature?: string | undefined;
  leadStatus?: string | undefined;
  cursor?: string | undefined;
  limit: number;
}

const likePattern = (s: string) => `%${s.replace(/[\\%_]/g, '\\$&')}%`;

/** Newest first (ids are time-ordered), limit + 1 rows so the caller can tell if there are more. */
export async function listContacts(tx: Tx, ws: string, f: ContactFilter): Promise<Contact[]> {
  let q = tx.db.selectFrom('contacts').select(COLUMNS).where('workspace_id', '=', ws);
  const search = f.search;
  if (search) {
    q = q.where((eb) =>
      eb.or([
        ...(search.phone ? [eb('phone', '=', search.phone)] : []),
        eb(sql`lower(email)`, '=', search.email.toLowerCase()),
        eb('name', 'ilike', likePattern(search.nameContains)),
      ]),
    );
  }
  if (f.tag !== undefined) q = q.where(sql<boolean>`tags @> array[${f.tag}]::text[]`);
  if (f.temperature !== undefined) q = q.where('lead_temperature', '=', f.temperature);
  if (f.leadStatus !== undefined) q = q.where('lead_status', '=', f.leadStatus);
  if (f.cursor !== undefined) q = q.where('id', '<', f.cursor);
  const rows = await q.orderBy('id', 'desc').limit(f.limit + 1).execute();
  return rows.map(toContact);
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
