import { Rank, type RouteDeps } from '../../platform/http/env.ts';
import { createRoute, createRouter, errorResponses, json, jsonBody, UuidParam, z } from '../../platform/http/router.ts';
import { Service, ServiceArea, ServiceAreasPut, ServiceCreate, ServicePatch, ServiceQuery } from './catalog.schema.ts';
import * as catalog from './catalog.service.ts';

const IdParams = z.object({ id: UuidParam });

const AreaCheck = z
  .object({ postal_code: z.string(), covered: z.boolean(), area: ServiceArea.nullable() })
  .openapi('ServiceAreaCheck');

/** The service catalogue and service areas: members and read-only keys read, admins write. */
export function catalogRoutes(deps: RouteDeps) {
  const r = createRouter();
  const read = deps.inWorkspace(Rank.readOnly);
  const write = deps.inWorkspace(Rank.admin);

  r.openapi(
    createRoute({
      method: 'get', path: '/services', tags: ['catalog'],
      summary: 'Services in display order; with q, the active ones matching its words, best first',
      middleware: read,
      request: { query: ServiceQuery },
      responses: { 200: json(z.object({ data: z.array(Service) })), ...errorResponses },
    }),
    async (c) => c.json({ data: await catalog.listServices(c.var.ctx, c.req.valid('query')) }, 200),
  );

  r.openapi(
    createRoute({
      method: 'post', path: '/services', tags: ['catalog'], summary: 'Add a service with its price (admin)',
      middleware: write,
      request: { body: jsonBody(ServiceCreate) },
      responses: { 201: json(Service), ...errorResponses },
    }),
    async (c) => c.json(await catalog.createService(c.var.ctx, c.req.valid('json')), 201),
  );

  r.openapi(
    createRoute({
      method: 'get', path: '/services/{id}', tags: ['catalog'], summary: 'A service',
      middleware: read,
      request: { params: IdParams },
      responses: { 200: json(Service), ...errorResponses },
    }),
    async (c) => c.json(await catalog.getService(c.var.ctx, c.req.valid('param').id), 200),
  );

  r.openapi(
    createRoute({
      method: 'patch', path: '/services/{id}', tags: ['catalog'],
      summary: 'Change a service (admin); set active false to stop offering it',
      middleware: write,
      request: { params: IdParams, body: jsonBody(ServicePatch) },
      responses: { 200: json(Service), ...errorResponses },
    }),
    async (c) => c.json(await catalog.updateService(c.var.ctx, c.req.valid('param').id, c.req.valid('json')), 200),
  );

  r.openapi(
    createRoute({
      method: 'get', path: '/service-areas', tags: ['catalog'], summary: 'The postal-code prefixes the workspace serves',
      middleware: read,
      responses: { 200: json(z.object({ data: z.array(ServiceArea) })), ...errorResponses },
    }),
    async (c) => c.json({ data: await catalog.listServiceAreas(c.var.ctx) }, 200),
  );

  r.openapi(
    createRoute({
      method: 'put', path: '/service-areas', tags: ['catalog'],
      summary: 'Replace the service areas (admin); prefixes are stored upper case without spaces',
      middleware: write,
      request: { body: jsonBody(ServiceAreasPut) },
      responses: { 200: json(z.object({ data: z.array(ServiceArea) })), ...errorResponses },
    }),
    async (c) => c.json({ data: await catalog.putServiceAreas(c.var.ctx, c.req.valid('json')) }, 200),
  );

  r.openapi(
    createRoute({
      method: 'get', path: '/service-areas/check', tags: ['catalog'],
      summary: 'Whether a postal code is served (a workspace without areas serves everywhere)',
      middleware: read,
      request: { query: z.object({ postal_code: z.string().trim().min(1).max(20) }) },
      responses: { 200: json(AreaCheck), ...errorResponses },
    }),
    async (c) => c.json(await catalog.serviceAreaCovers(c.var.ctx, c.req.valid('query').postal_code), 200),
  );

  return r;
}
