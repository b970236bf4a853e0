import { Rank, type RouteDeps } from '../../platform/http/env.ts';
import { createRoute, createRouter, errorResponses, json, jsonBody, page, UuidParam, z } from '../../platform/http/router.ts';
import { Contact, ContactCreate, ContactListQuery, ContactPatch, MergeBody } from './contacts.schema.ts';
import * as contacts from './contacts.service.ts';

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
      method: 'get', path: '/contacts', tags, summary: 'Search and filter contacts, newest first',
      middleware: deps.inWorkspace(Rank.readOnly),
      request: { query: ContactListQuery },
      responses: { 200: json(page(Contact)), ...errorResponses },
    }),
    async (c) => c.json(await contacts.listContacts(c.var.ctx, c.req.valid('query')), 200),
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
