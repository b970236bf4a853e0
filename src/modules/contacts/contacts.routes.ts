import { Rank, type RouteDeps } from '../../platform/http/env.ts';
import { createRoute, createRouter, errorResponses, json, jsonBody, page, UuidParam, z } from '../../platform/http/router.ts';
import { Contact, ContactCreate, ContactFilterQuery, ContactListQuery, ContactPatch, MergeBody } from './contacts.schema.ts';
import * as contacts from './contacts.service.ts';
import { EXPORT_MAX_ROWS, exportContacts, IMPORT_MAX_ROWS, ImportBody, ImportResult, importContacts } from './contacts.csv.ts';
import { contactTimeline, TimelinePage, TimelineQuery } from './contacts.timeline.ts';

const tags = ['contacts'];
const IdParams = z.object({ id: UuidParam });

export function contactsRoutes(deps: RouteDeps) {
  const r = createRouter();

  r.openapi(
    createRoute({
      method: 'post', path: '/contacts', tags, summary: 'Create a contact',
      description: 'The phone is stored as E.164. A phone another contact has answers 409 contact.phone_taken with that contact\'s id.',
      middleware: deps.inWorkspace(Rank.member),
      request: { body: jsonBody(ContactCreate) },
      responses: { 201: json(Contact, 'created'), ...errorResponses },
    }),
    async (c) => c.json(await contacts.createContact(c.var.ctx, c.req.valid('json')), 201),
  );

  r.openapi(
    createRoute({
      method: 'get', path: '/contacts', tags, summary: 'Search, filter and sort contacts',
      description: 'Keyset-paged: fast at any depth. A search finds a phone in any format, an email, or part of a name, email or number.',
      middleware: deps.inWorkspace(Rank.readOnly),
      request: { query: ContactListQuery },
      responses: { 200: json(page(Contact)), ...errorResponses },
    }),
    async (c) => c.json(await contacts.listContacts(c.var.ctx, c.req.valid('query')), 200),
  );

  // Before /contacts/{id}, which would read "export" as an id.
  r.openapi(
    createRoute({
      method: 'get', path: '/contacts/export', tags, summary: 'The filtered list as CSV',
      description: `The same filters and sort as GET /contacts, every matching contact (at most ${EXPORT_MAX_ROWS}; more answers 413 contact.export_too_large). Columns: id, name, phone (E.164), email, tags (separated by ;), lead_status, lead_score, lead_temperature, source, locale, address, notes, total_bookings, total_calls, total_spent, last_contact, created_at (ISO 8601, UTC). The file imports back with POST /contacts/import.`,
      middleware: deps.inWorkspace(Rank.readOnly),
      request: { query: ContactFilterQuery },
      responses: { 200: { description: 'text/csv', content: { 'text/csv': { schema: z.string() } } }, ...errorResponses },
    }),
    async (c) => {
      const csv = await exportContacts(c.var.ctx, c.req.valid('query'));
      return c.body(csv, 200, { 'content-type': 'text/csv; charset=utf-8', 'content-disposition': 'attachment; filename="contacts.csv"' });
    },
  );

  r.openapi(
    createRoute({
      method: 'post', path: '/contacts/import', tags, summary: 'Import contacts from CSV (or preview the import)',
      description:
        `Every row is checked first: phones are read in the workspace's country and stored as E.164, emails and statuses are checked, a number another contact (or an earlier row) has is refused. ` +
        `The valid rows are stored and the others reported in errors with their row and line; a row is stored whole or not at all. With dry_run nothing is stored (the preview). At most ${IMPORT_MAX_ROWS} rows and 1 MB per request. ` +
        'A file that is not CSV, has no header or no name, phone or email column answers 400 (contact.csv_invalid, contact.csv_empty, contact.csv_no_columns), as does a `mapping` that names a column the file does not have (contact.mapping_unknown_column).',
      middleware: deps.inWorkspace(Rank.member),
      request: { body: jsonBody(ImportBody) },
      responses: { 200: json(ImportResult, 'what was (or would be) stored, and the rows that were not'), ...errorResponses },
    }),
    async (c) => c.json(await importContacts(c.var.ctx, c.req.valid('json')), 200),
  );

  r.openapi(
    createRoute({
      method: 'get', path: '/contacts/{id}/timeline', tags, summary: "The contact's timeline: messages on every channel, calls, bookings, consultations, payments and notes",
      description:
        'Everything that happened with the person, newest first (order=asc for oldest first), paged by cursor: inbox messages (WhatsApp, web chat, staff replies), texts (also those that carry only the contact\'s number, threaded in by it), calls with transcript and recording, bookings, consultations, payments and the private notes staff wrote on the person\'s threads. ' +
        'kinds narrows it. Another workspace\'s contact answers 404.',
      middleware: deps.inWorkspace(Rank.readOnly),
      request: { params: IdParams, query: TimelineQuery },
      responses: { 200: json(TimelinePage), ...errorResponses },
    }),
    async (c) => c.json(await contactTimeline(c.var.ctx, c.req.valid('param').id, c.req.valid('query')), 200),
  );

  r.openapi(
    createRoute({
      method: 'get', path: '/contacts/{id}', tags, summary: 'A contact',
      middleware: deps.inWorkspace(Rank.readOnly),
      request: { params: IdParams },
      responses: { 200: json(Contact), ...errorResponses },
    }),
    async (c) => c.json(await contacts.getContact(c.var.ctx, c.req.valid('param').id), 200),
  );

  r.openapi(
    createRoute({
      method: 'patch', path: '/contacts/{id}', tags, summary: 'Change a contact',
      middleware: deps.inWorkspace(Rank.member),
      request: { params: IdParams, body: jsonBody(ContactPatch) },
      responses: { 200: json(Contact), ...errorResponses },
    }),
    async (c) => c.json(await contacts.updateContact(c.var.ctx, c.req.valid('param').id, c.req.valid('json')), 200),
  );

  r.openapi(
    createRoute({
      method: 'delete', path: '/contacts/{id}', tags, summary: 'Delete a contact and their conversations',
      middleware: deps.inWorkspace(Rank.member),
      request: { params: IdParams },
      responses: { 204: { description: 'deleted' }, ...errorResponses },
    }),
    async (c) => {
      await contacts.deleteContact(c.var.ctx, c.req.valid('param').id);
      return c.body(null, 204);
    },
  );

  r.openapi(
    createRoute({
      method: 'post', path: '/contacts/{id}/merge', tags, summary: 'Merge another record of the same person into this contact',
      description:
        'Everything that refers to merge_id (conversations, messages, the assistant\'s record, bookings, calls, SMS, webinar registrations) moves to this contact, and merge_id is deleted. ' +
        'Empty fields are filled from the merged contact, tags are united, total_bookings, total_calls and total_spent are added up, and last_contact is the later one.',
      middleware: deps.inWorkspace(Rank.member),
      request: { params: IdParams, body: jsonBody(MergeBody) },
      responses: { 200: json(Contact, 'the merged contact'), ...errorResponses },
    }),
    async (c) => c.json(await contacts.mergeContacts(c.var.ctx, c.req.valid('param').id, c.req.valid('json').merge_id), 200),
  );

  return r;
}
