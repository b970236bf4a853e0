import { workspaceIdOf, type Ctx } from '../../platform/context.ts';
import { AppError } from '../../platform/errors.ts';
import { assertOutboundTarget, outboundAllows } from '../../platform/http/outbound.ts';
import type { SecretBox } from '../../platform/secrets.ts';
import { newSigningSecret } from './signature.ts';
import {
  TEST_EVENT,
  type DeliveryQuery,
  type WebhookDeliveryRow,
  type WebhookEndpointCreate,
  type WebhookEndpointPatch,
  type WebhookEndpointRow,
} from './webhooks.schema.ts';

/**
 * A workspace's outbound webhook endpoints and their deliveries. Deliveries are created by the
 * database when an event happens (app.raise_workspace_event, migration 0041) and sent by the
 * webhook worker (./worker.ts); here they are read, tested and replayed.
 */

const endpointColumns = ['id', 'url', 'description', 'event_types', 'enabled', 'disabled_at', 'disabled_reason', 'last_success_at', 'created_at', 'updated_at'] as const;
const deliveryColumns = ['id', 'endpoint_id', 'event_type', 'payload', 'status', 'attempts', 'next_attempt_at', 'last_error', 'created_at', 'delivered_at'] as const;

const notFound = () => new AppError('webhook.not_found', 'not_found', 'no such webhook endpoint in this workspace');
const deliveryNotFound = () => new AppError('webhook.delivery_not_found', 'not_found', 'no such webhook delivery in this workspace');

/** A target must be https (plain http only to a host the operator allows) and not a private address. */
function checkTarget(url: string) {
  assertOutboundTarget(url, 'url');
  const u = new URL(url);
  if (u.protocol !== 'https:' && !outboundAllows(u)) {
    throw new AppError('webhook.https_required', 'invalid', 'url: webhooks are sent over https only (the operator can allow a plain-http host with OUTBOUND_ALLOWED_HOSTS)', { field: 'url' });
  }
}

export async function createEndpoint(ctx: Ctx, secrets: SecretBox, input: WebhookEndpointCreate): Promise<WebhookEndpointRow & { secret: string }> {
  checkTarget(input.url);
  const secret = newSigningSecret();
  const row = await ctx.tx.db
    .insertInto('webhook_endpoints')
    .values({
      workspace_id: workspaceIdOf(ctx),
      url: input.url,
      description: input.description ?? null,
      event_types: input.event_types,
      secret_sealed: secrets.seal(secret),
      created_at: ctx.clock.now(),
      updated_at: ctx.clock.now(),
    })
    .returning(endpointColumns)
    .executeTakeFirstOrThrow();
  return { ...row, secret };
}

export async function listEndpoints(ctx: Ctx): Promise<WebhookEndpointRow[]> {
  return ctx.tx.db.selectFrom('webhook_endpoints').select(endpointColumns).where('workspace_id', '=', workspaceIdOf(ctx)).orderBy('created_at').orderBy('id').execute();
}

export async function getEndpoint(ctx: Ctx, id: string): Promise<WebhookEndpointRow> {
  const row = await ctx.tx.db.selectFrom('webhook_endpoints').select(endpointColumns).where('workspace_id', '=', workspaceIdOf(ctx)).where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound();
  return row;
}

export async function updateEndpoint(ctx: Ctx, id: string, patch: WebhookEndpointPatch): Promise<WebhookEndpointRow> {
  if (patch.url !== undefined) checkTarget(patch.url);
  const ws = workspaceIdOf(ctx);
  const now = ctx.clock.now();
  const row = await ctx.tx.db
    .updateTable('webhook_endpoints')
    .set({
      ...(patch.url !== undefined ? { url: patch.url } : {}),
      ...(patch.description !== undefined ? { description: patch.description } : {}),
      ...(patch.event_types !== undefined ? { event_types: patch.event_types } : {}),
      ...(patch.enabled === true ? { enabled: true, disabled_at: null, disabled_reason: null } : {}),
      ...(patch.enabled === false ? { enabled: false, disabled_at: now, disabled_reason: 'disabled by a person' } : {}),
      updated_at: now,
    })
    .where('workspace_id', '=', ws)
    .where('id', '=', id)
    .returning(endpointColumns)
    .executeTakeFirst();
  if (!row) throw notFound();
  if (patch.enabled === true) {
    // What waited while it was disabled goes now, with a fresh run of retries.
    await ctx.tx.db
      .updateTable('webhook_deliveries')
      .set({ next_attempt_at: now, attempts: 0 })
      .where('workspace_id', '=', ws)
      .where('endpoint_id', '=', id)
      .where('status', '=', 'pending')
      .execute();
  }
  return row;
}

export async function deleteEndpoint(ctx: Ctx, id: string): Promise<void> {
  const r = await ctx.tx.db.deleteFrom('webhook_endpoints').where('workspace_id', '=', workspaceIdOf(ctx)).where('id', '=', id).executeTakeFirst();
  if (Number(r.numDeletedRows) === 0) throw notFound();
}

/** Queues a `webhook.test` event for one endpoint, whatever events it chose. */
export async function sendTestEvent(ctx: Ctx, id: string): Promise<WebhookDeliveryRow> {
  const endpoint = await getEndpoint(ctx, id);
  if (!endpoint.enabled) throw new AppError('webhook.endpoint_disabled', 'conflict', 'this endpoint is disabled: enable it first');
  const now = ctx.clock.now();
  const payload = { type: TEST_EVENT, timestamp: now.toISOString(), data: { endpoint_id: id, message: 'a test event from Frontdesk' } };
  const row = await ctx.tx.db
    .insertInto('webhook_deliveries')
    .values({ workspace_id: workspaceIdOf(ctx), endpoint_id: id, event_type: TEST_EVENT, payload: JSON.stringify(payload), next_attempt_at: now, created_at: now })
    .returning(deliveryColumns)
    .executeTakeFirstOrThrow();
  return row as WebhookDeliveryRow;
}

/** An endpoint's deliveries, newest first. */
export async function listDeliveries(ctx: Ctx, endpointId: string, q: DeliveryQuery): Promise<{ data: WebhookDeliveryRow[]; next_cursor: string | null }> {
  await getEndpoint(ctx, endpointId);
  const ws = workspaceIdOf(ctx);
  let query = ctx.tx.db
    .selectFrom('webhook_deliveries')
    .select(deliveryColumns)
    .where('workspace_id', '=', ws)
    .where('endpoint_id', '=', endpointId)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(q.limit + 1);
  if (q.status) query = query.where('status', '=', q.status);
  if (q.cursor) {
    const cursor = q.cursor;
    query = query.where(({ eb, selectFrom, refTuple }) =>
      eb(refTuple('created_at', 'id'), '<', selectFrom('webhook_deliveries as c').select(['c.created_at', 'c.id']).where('c.workspace_id', '=', ws).where('c.id', '=', cursor) as never),
    );
  }
  const rows = (await query.execute()) as WebhookDeliveryRow[];
  const more = rows.length > q.limit;
  const data = more ? rows.slice(0, q.limit) : rows;
  return { data, next_cursor: more ? data[data.length - 1]!.id : null };
}

/** One delivery with every attempt, oldest first. */
export async function getDelivery(ctx: Ctx, id: string) {
  const ws = workspaceIdOf(ctx);
  const row = await ctx.tx.db.selectFrom('webhook_deliveries').select(deliveryColumns).where('workspace_id', '=', ws).where('id', '=', id).executeTakeFirst();
  if (!row) throw deliveryNotFound();
  const attempt_log = await ctx.tx.db
    .selectFrom('webhook_attempts')
    .select(['id', 'started_at', 'duration_ms', 'response_status', 'response_body', 'error'])
    .where('workspace_id', '=', ws)
    .where('delivery_id', '=', id)
    .orderBy('started_at')
    .orderBy('id')
    .execute();
  return { ...(row as WebhookDeliveryRow), attempt_log };
}

/**
 * Sends a delivery again, by hand: the same webhook-id and body (signed anew), a new run of
 * retries. One that is being sent right now is left alone.
 */
export async function replayDelivery(ctx: Ctx, id: string) {
  const ws = workspaceIdOf(ctx);
  const now = ctx.clock.now();
  const current = await ctx.tx.db
    .selectFrom('webhook_deliveries as d')
    .innerJoin('webhook_endpoints as e', (j) => j.onRef('e.workspace_id', '=', 'd.workspace_id').onRef('e.id', '=', 'd.endpoint_id'))
    .select(['d.status', 'd.claimed_until', 'e.enabled'])
    .where('d.workspace_id', '=', ws)
    .where('d.id', '=', id)
    .forUpdate('d')
    .executeTakeFirst();
  if (!current) throw deliveryNotFound();
  if (!current.enabled) throw new AppError('webhook.endpoint_disabled', 'conflict', 'the endpoint is disabled: enable it first');
  if (current.status === 'sending' && current.claimed_until && current.claimed_until > now) {
    throw new AppError('webhook.delivery_in_flight', 'conflict', 'this delivery is being sent right now');
  }
  await ctx.tx.db
    .updateTable('webhook_deliveries')
    .set({ status: 'pending', attempts: 0, next_attempt_at: now, claimed_until: null, last_error: null })
    .where('workspace_id', '=', ws)
    .where('id', '=', id)
    .execute();
  return getDelivery(ctx, id);
}
