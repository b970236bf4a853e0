import { Rank, type RouteDeps } from '../../platform/http/env.ts';
import { createRoute, createRouter, errorResponses, json, jsonBody, UuidParam, z } from '../../platform/http/router.ts';
import * as webhooks from './webhooks.service.ts';
import {
  DeliveryQuery,
  WEBHOOK_EVENT_TYPES,
  WebhookDelivery,
  WebhookDeliveryWithAttempts,
  WebhookEndpoint,
  WebhookEndpointCreate,
  WebhookEndpointCreated,
  WebhookEndpointPatch,
  WebhookEventTypeSchema,
} from './webhooks.schema.ts';

const IdParams = z.object({ id: UuidParam });
const tags = ['webhooks'];

/** Outbound webhooks: owners and admins register endpoints, read deliveries and replay them. */
export function webhooksRoutes(deps: RouteDeps) {
  const r = createRouter();
  const admin = deps.inWorkspace(Rank.admin);

  r.openapi(
    createRoute({
      method: 'get', path: '/webhooks/event-types', tags, summary: 'The events an endpoint can choose',
      middleware: admin,
      responses: { 200: json(z.object({ data: z.array(WebhookEventTypeSchema) }).openapi('WebhookEventTypeList')), ...errorResponses },
    }),
    async (c) => c.json({ data: [...WEBHOOK_EVENT_TYPES] }, 200),
  );

  r.openapi(
    createRoute({
      method: 'post', path: '/webhooks', tags,
      summary: 'Register an endpoint (admin); its signing secret is shown only in this response',
      description:
        'Each delivery is a POST of `{"type","timestamp","data"}` signed in the Standard Webhooks style: headers `webhook-id`, `webhook-timestamp` (seconds) and `webhook-signature` = `v1,` + base64 HMAC-SHA256 of `${id}.${timestamp}.${body}`, keyed with the base64-decoded part of the secret after `whsec_`. The url must be https and public (the operator may allow other hosts with OUTBOUND_ALLOWED_HOSTS).',
      middleware: admin,
      request: { body: jsonBody(WebhookEndpointCreate) },
      responses: { 201: json(WebhookEndpointCreated), ...errorResponses },
    }),
    async (c) => c.json(await webhooks.createEndpoint(c.var.ctx, deps.secrets, c.req.valid('json')), 201),
  );

  r.openapi(
    createRoute({
      method: 'get', path: '/webhooks', tags, summary: "The workspace's endpoints, without their secrets (admin)",
      middleware: admin,
      responses: { 200: json(z.object({ data: z.array(WebhookEndpoint) }).openapi('WebhookEndpointList')), ...errorResponses },
    }),
    async (c) => c.json({ data: await webhooks.listEndpoints(c.var.ctx) }, 200),
  );

  r.openapi(
    createRoute({
      method: 'get', path: '/webhooks/{id}', tags, summary: 'One endpoint (admin)',
      middleware: admin,
      request: { params: IdParams },
      responses: { 200: json(WebhookEndpoint), ...errorResponses },
    }),
    async (c) => c.json(await webhooks.getEndpoint(c.var.ctx, c.req.valid('param').id), 200),
  );

  r.openapi(
    createRoute({
      method: 'patch', path: '/webhooks/{id}', tags, summary: 'Change an endpoint, or enable or disable it (admin)',
      middleware: admin,
      request: { params: IdParams, body: jsonBody(WebhookEndpointPatch) },
      responses: { 200: json(WebhookEndpoint), ...errorResponses },
    }),
    async (c) => c.json(await webhooks.updateEndpoint(c.var.ctx, c.req.valid('param').id, c.req.valid('json')), 200),
  );

  r.openapi(
    createRoute({
      method: 'delete', path: '/webhooks/{id}', tags, summary: 'Remove an endpoint and its deliveries (admin)',
      middleware: admin,
      request: { params: IdParams },
      responses: { 204: { description: 'removed' }, ...errorResponses },
    }),
    async (c) => {
      await webhooks.deleteEndpoint(c.var.ctx, c.req.valid('param').id);
      return c.body(null, 204);
    },
  );

  r.openapi(
    createRoute({
      method: 'post', path: '/webhooks/{id}/test', tags, summary: 'Send a webhook.test event to the endpoint (admin)',
      middleware: admin,
      request: { params: IdParams },
      responses: { 202: json(WebhookDelivery, 'queued'), ...errorResponses },
    }),
    async (c) => c.json(await webhooks.sendTestEvent(c.var.ctx, c.req.valid('param').id), 202),
  );

  r.openapi(
    createRoute({
      method: 'get', path: '/webhooks/{id}/deliveries', tags, summary: "An endpoint's deliveries, newest first (admin)",
      middleware: admin,
      request: { params: IdParams, query: DeliveryQuery },
      responses: { 200: json(z.object({ data: z.array(WebhookDelivery), next_cursor: z.string().nullable() }).openapi('WebhookDeliveryPage')), ...errorResponses },
    }),
    async (c) => c.json(await webhooks.listDeliveries(c.var.ctx, c.req.valid('param').id, c.req.valid('query')), 200),
  );

  r.openapi(
    createRoute({
      method: 'get', path: '/webhook-deliveries/{id}', tags, summary: 'One delivery with every attempt: status, answer, error, duration (admin)',
      middleware: admin,
      request: { params: IdParams },
      responses: { 200: json(WebhookDeliveryWithAttempts), ...errorResponses },
    }),
    async (c) => c.json(await webhooks.getDelivery(c.var.ctx, c.req.valid('param').id), 200),
  );

  r.openapi(
    createRoute({
      method: 'post', path: '/webhook-deliveries/{id}/replay', tags,
      summary: 'Send a delivery again by hand, with the same webhook-id and a new run of retries (admin)',
      middleware: admin,
      request: { params: IdParams },
      responses: { 202: json(WebhookDeliveryWithAttempts, 'queued'), ...errorResponses },
    }),
    async (c) => c.json(await webhooks.replayDelivery(c.var.ctx, c.req.valid('param').id), 202),
  );

  return r;
}
