import type { Updateable } from 'kysely';
import { workspaceIdOf as workspaceOf, type Ctx } from '../../platform/context.ts';
import { fromDatabaseError } from '../../platform/db/errors.ts';
import type { Contacts } from '../../platform/db/schema.ts';
import { AppError } from '../../platform/errors.ts';
import { toPage } from '../../platform/http/router.ts';
import { newId } from '../../platform/ids.ts';
import * as repo from './contacts.repo.ts';
import type { Contact, ContactCreate, ContactListQuery, ContactPatch, ContactSummary } from './contacts.schema.ts';
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
    throw new AppError('validation.failed', 'invalid', 'the request is not valid', {
      issues: [{ path: 'body.phone', message: 'not a phone number; write it with its country code, like +62 812 3456 7001' }],
    });
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

export async function listContacts(ctx: Ctx, query: ContactListQuery) {
  const ws = workspaceOf(ctx);
  const search = query.q ? { phone: await toE164(ctx, ws, query.q), email: query.q, nameContains: query.q } : undefined;
  const rows = await repo.listContacts(ctx.tx, ws, {
    search,
    tag: query.tag,
    temperature: query.temperature,
    leadStatus: query.lead_status,
    cursor: query.cursor,
    limit: query.limit,
  });
  return toPage(rows, query.limit);
}

/** Folds `mergeId` into `keepId` (see public.merge_contacts) and returns the kept contact. */
export async function mergeContacts(ctx: Ctx, keepId: string, mergeId: string): Promise<Contact> {
  if (keepId === mergeId) {
    throw new AppError('contact.merge_into_itself', 'invalid', 'a contact cannot be merged into itself', {
      issues: [{ path: 'body.merge_id', message: 'is the contact being merged into' }],
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
