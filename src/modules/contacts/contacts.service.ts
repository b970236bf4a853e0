import type { Updateable } from 'kysely';
import { workspaceIdOf as workspaceOf, type Ctx } from '../../platform/context.ts';
import { fromDatabaseError } from '../../platform/db/errors.ts';
import type { Contacts } from '../../platform/db/schema.ts';
import { AppError, invalidField } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import * as repo from './contacts.repo.ts';
import type { Contact, ContactCreate, ContactFilterQuery, ContactListQuery, ContactPatch, ContactSort, ContactSummary } from './contacts.schema.ts';
import { normalizePhone } from './phone.ts';
import { workspaceCountry } from '../tenancy/index.ts';


const notFound = () => new AppError('contact.not_found', 'not_found', 'no such contact in this workspace');

const phoneTaken = (phone: string, contactId?: string) =>
  new AppError('contact.phone_taken', 'conflict', `another contact already has the phone number ${phone}`, {
    field: 'phone',
    phone,
    ...(contactId ? { contact_id: contactId } : {}),
  });

/** Reads a phone in the workspace's country; international numbers spare the lookup. */
async function toE164(ctx: Ctx, ws: string, input: string): Promise<string | null> {
  return normalizePhone(input) ?? normalizePhone(input, await workspaceCountry(ctx));
}

/** Phones are stored E.164; what cannot be read as one is refused with the field's path. */
async function storedPhone(ctx: Ctx, ws: string, input: string): Promise<string> {
  const phone = await toE164(ctx, ws, input);
  if (!phone) {
    throw invalidField('phone', 'not a phone number; write it with its country code, like +62 812 3456 7001');
  }
  return phone;
}

async function refuseTakenPhone(ctx: Ctx, ws: string, phone: string, self: string): Promise<void> {
  const holder = await repo.findContactIdByPhone(ctx.tx, ws, phone);
  if (holder && holder !== self) throw phoneTaken(phone, holder);
}

/** A race between the check and the write still ends as the same conflict. */
function asPhoneConflict(e: unknown, phone: string | null | undefined): never {
  const err = fromDatabaseError(e);
  if (err?.details?.constraint === 'contacts_workspace_phone_key' && phone) throw phoneTaken(phone);
  throw err ?? e;
}

const toColumns = ({ metadata, ...rest }: ContactPatch): Updateable<Contacts> => ({
  ...rest,
  ...(metadata !== undefined ? { metadata: JSON.stringify(metadata) } : {}),
});

export async function createContact(ctx: Ctx, input: ContactCreate): Promise<Contact> {
  const ws = workspaceOf(ctx);
  const phone = input.phone ? await storedPhone(ctx, ws, input.phone) : null;
  const created = await repo.insertContact(ctx.tx, { ...toColumns(input), id: newId(), workspace_id: ws, phone });
  if (created) return created;
  // The insert skips only a taken phone (null phones never conflict): name the contact that
  // has it, so the caller can merge the two.
  throw phoneTaken(phone!, await repo.findContactIdByPhone(ctx.tx, ws, phone!));
}

export async function getContact(ctx: Ctx, id: string): Promise<Contact> {
  const contact = await repo.findContact(ctx.tx, workspaceOf(ctx), id);
  if (!contact) throw notFound();
  return contact;
}

export async function updateContact(ctx: Ctx, id: string, patch: ContactPatch): Promise<Contact> {
  const ws = workspaceOf(ctx);
  const phone = patch.phone ? await storedPhone(ctx, ws, patch.phone) : patch.phone;
  if (phone) await refuseTakenPhone(ctx, ws, phone, id);
  const columns = toColumns({ ...patch, ...(phone !== undefined ? { phone } : {}) });
  if (Object.keys(columns).length === 0) return getContact(ctx, id);
  try {
    const contact = await repo.updateContact(ctx.tx, ws, id, columns);
    if (!contact) throw notFound();
    return contact;
  } catch (e) {
    asPhoneConflict(e, phone);
  }
}

export async function deleteContact(ctx: Ctx, id: string): Promise<void> {
  if (!(await repo.deleteContact(ctx.tx, workspaceOf(ctx), id))) throw notFound();
}

/**
 * What a search finds: the words as typed (part of a name or an email), the number read as a
 * phone in the workspace's country (0812-3456-7890, +62 812 3456 7890 and 6281234567890 are
 * all +6281234567890), and a partial number by its digits (without the trunk 0).
 */
async function searchFragments(ctx: Ctx, ws: string, q: string | undefined): Promise<string[] | undefined> {
  if (!q) return undefined;
  const fragments = new Set([q.toLowerCase()]);
  const phone = await toE164(ctx, ws, q);
  if (phone) fragments.add(phone);
  if (/^[\d\s()+.\-/]+$/.test(q)) {
    const digits = q.replace(/\D/g, '').replace(/^0+/, '');
    if (digits.length >= 4) fragments.add(digits);
  }
  return [...fragments];
}

const badCursor = () => invalidField('cursor', 'not a cursor this list gave (ask again without it)');

/** A page's cursor: the last row's sort keys and id, opaque to the caller. */
const encodeCursor = (keys: string[], id: string) => Buffer.from(JSON.stringify([...keys, id])).toString('base64url');

function decodeCursor(cursor: string, keyCount: number): { keys: string[]; id: string } {
  // A bare id still pages the default sort, as before sorts existed.
  if (keyCount === 0 && /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(cursor)) return { keys: [], id: cursor };
  let parts: unknown;
  try {
    parts = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw badCursor();
  }
  if (!Array.isArray(parts) || parts.length !== keyCount + 1 || !parts.every((p) => typeof p === 'string' && p.length <= 300)) throw badCursor();
  const id = parts.at(-1) as string;
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id)) throw badCursor();
  return { keys: parts.slice(0, -1) as string[], id };
}

const SORT_KEYS: Record<ContactSort, number> = { newest: 0, oldest: 0, name: 2, name_desc: 2, score: 1, score_asc: 1, last_contact: 1, last_contact_asc: 1 };

export async function listContacts(ctx: Ctx, query: ContactListQuery): Promise<{ data: Contact[]; next_cursor: string | null }> {
  const ws = workspaceOf(ctx);
  const after = query.cursor !== undefined ? decodeCursor(query.cursor, SORT_KEYS[query.sort]) : undefined;
  let rows;
  try {
    rows = await repo.listContacts(ctx.tx, ws, {
      search: await searchFragments(ctx, ws, query.q),
      tag: query.tag,
      temperature: query.temperature,
      leadStatus: query.lead_status,
      sort: query.sort,
      after,
      limit: query.limit,
    });
  } catch (e) {
    // A key that does not cast back (a hand-made cursor) is the caller's mistake.
    if (after && ['22P02', '22007', '22008', '22003'].includes((e as { code?: string }).code ?? '')) throw badCursor();
    throw e;
  }
  const more = rows.length > query.limit;
  const page = more ? rows.slice(0, query.limit) : rows;
  const last = page.at(-1);
  return { data: page.map((r) => r.contact), next_cursor: more && last ? encodeCursor(last.keys, last.contact.id) : null };
}

/** Every contact the filters find, in the sort's order (the CSV export). */
export async function allContacts(ctx: Ctx, query: ContactFilterQuery, max: number): Promise<Contact[]> {
  const out: Contact[] = [];
  let cursor: string | undefined;
  do {
    const page = await listContacts(ctx, { ...query, limit: 2000, ...(cursor ? { cursor } : {}) });
    out.push(...page.data);
    cursor = page.next_cursor ?? undefined;
    if (out.length > max) {
      throw new AppError('contact.export_too_large', 'too_large', `more than ${max} contacts match; narrow the filters`, { max });
    }
  } while (cursor);
  return out;
}

/** Folds `mergeId` into `keepId` (see public.merge_contacts) and returns the kept contact. */
export async function mergeContacts(ctx: Ctx, keepId: string, mergeId: string): Promise<Contact> {
  if (keepId === mergeId) {
    throw new AppError('contact.merge_into_itself', 'invalid', 'a contact cannot be merged into itself', {
      issues: [{ field: 'merge_id', message: 'is the contact being merged into' }],
    });
  }
  try {
    await repo.mergeContacts(ctx.tx, keepId, mergeId);
  } catch (e) {
    if ((e as { code?: string }).code === 'P0002') throw notFound();
    throw fromDatabaseError(e) ?? e;
  }
  return getContact(ctx, keepId);
}

/** Summaries of the contacts with these ids that the caller can see, by id. */
export async function contactSummaries(ctx: Ctx, ids: readonly string[]): Promise<Map<string, ContactSummary>> {
  const rows = await repo.contactSummaries(ctx.tx, workspaceOf(ctx), ids);
  return new Map(rows.map((r) => [r.id, r]));
}

/** The ids of the contacts tagged `tag`, as a subquery: `where('contact_id', 'in', taggedContactIds(ctx, tag))`. */
export function taggedContactIds(ctx: Ctx, tag: string) {
  return repo.taggedContactIds(ctx.tx, workspaceOf(ctx), tag);
}
