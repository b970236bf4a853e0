import type { Clock } from '../../platform/clock.ts';
import type { Database, Tx } from '../../platform/db/database.ts';
import { withServiceRole, withTenant } from '../../platform/db/tenant.ts';
import { outboundFetch } from '../../platform/http/outbound.ts';
import type { Logger } from '../../platform/log.ts';
import type { SecretBox } from '../../platform/secrets.ts';
import { claimLoop, deliverySettings, retryAt, type ClaimLoop, type DeliveryOptions } from '../../platform/claim-loop.ts';
import { recordStaffNotifications, workspaceLeads } from '../tenancy/index.ts';
import { signedHeaders } from './signature.ts';

/**
 * The webhook worker: sends due deliveries on the senders' one loop (channels' claimLoop: a
 * committed claim with a lease, items side by side, backoff for a failed pass) and records each
 * attempt. A delivery is retried with the outbox's delays (`retryAt`) until it is delivered or
 * has used its attempts; then, unless the endpoint has answered anything since the delivery was
 * raised, the endpoint is disabled and the workspace's owners and admins are told.
 *
 * At least once: a worker that stops between the endpoint's answer and the commit leaves the
 * delivery `sending`, and it is sent again when its lease ends, with the same webhook-id.
 */
export interface WebhookWorkerOptions extends DeliveryOptions {
  db: Database;
  clock: Clock;
  log: Logger;
  secrets: SecretBox;
  /** How long one request may take before it counts as failed. */
  timeoutMs?: number;
}

interface Claimed {
  id: string;
  workspace_id: string;
  endpoint_id: string;
  payload: unknown;
  attempts: number;
  created_at: Date;
  claimed_until: Date;
  url: string;
  secret_sealed: string;
}

const BODY_KEPT = 2000;

export function webhookDeliverySettings(o: DeliveryOptions) {
  // Webhooks wait longer than messages between tries (30 s, doubling to an hour), and try ten
  // times: about three hours of an endpoint down before it counts as persistently failing.
  return deliverySettings({ backoffMs: 30_000, maxAttempts: 10, ...o });
}

export function createWebhookWorker(o: WebhookWorkerOptions): ClaimLoop {
  const s = webhookDeliverySettings(o);
  const timeoutMs = o.timeoutMs ?? 10_000;
  const log = o.log.child({ worker: 'webhooks' });

  const claim = () =>
    withServiceRole(o.db, async (tx) => {
      const now = o.clock.now();
      const lease = new Date(now.getTime() + s.leaseMs);
      const { rows } = await tx.query<Claimed>(
        `update public.webhook_deliveries d
            set status = 'sending', attempts = d.attempts + 1, claimed_until = $2
           from (select w.workspace_id, w.id
                   from public.webhook_deliveries w
                   join public.webhook_endpoints e on e.workspace_id = w.workspace_id and e.id = w.endpoint_id and e.enabled
                  where (w.status = 'pending' and w.next_attempt_at <= $1) or (w.status = 'sending' and w.claimed_until <= $1)
                  order by w.next_attempt_at
                  limit $3
                    for update of w skip locked) c,
                public.webhook_endpoints e
          where d.workspace_id = c.workspace_id and d.id = c.id
            and e.workspace_id = d.workspace_id and e.id = d.endpoint_id
      returning d.id, d.workspace_id, d.endpoint_id, d.payload, d.attempts, d.created_at, d.claimed_until, e.url, e.secret_sealed`,
        [now, lease, s.concurrency],
      );
      return rows;
    });

  async function send(d: Claimed): Promise<{ ok: boolean; status: number | null; body: string | null; error: string | null; startedAt: Date; ms: number }> {
    const startedAt = o.clock.now();
    const t0 = performance.now();
    const body = JSON.stringify(d.payload);
    try {
      const secret = o.secrets.open(d.secret_sealed);
      const res = await outboundFetch(d.url, { method: 'POST', headers: signedHeaders(secret, d.id, startedAt, body), body, redirect: 'manual', signal: AbortSignal.timeout(timeoutMs) });
      const text = (await res.text().catch(() => '')).slice(0, BODY_KEPT);
      const ok = res.status >= 200 && res.status < 300;
      return { ok, status: res.status, body: text, error: ok ? null : `the endpoint answered ${res.status}`, startedAt, ms: Math.round(performance.now() - t0) };
    } catch (e) {
      const err = e as Error & { cause?: Error };
      const why = err.name === 'TimeoutError' ? `no answer within ${timeoutMs} ms` : (err.cause?.message ?? err.message);
      return { ok: false, status: null, body: null, error: why.slice(0, BODY_KEPT), startedAt, ms: Math.round(performance.now() - t0) };
    }
  }

  async function disableIfPersistent(tx: Tx, d: Claimed, now: Date): Promise<boolean> {
    const { rows } = await tx.query<{ id: string }>(
      `update public.webhook_endpoints
          set enabled = false, disabled_at = $3, disabled_reason = $4, updated_at = $3
        where workspace_id = $1 and id = $2 and enabled
          and (last_success_at is null or last_success_at < $5)
      returning id`,
      [d.workspace_id, d.endpoint_id, now, `every attempt failed for ${s.maxAttempts} tries; nothing was delivered since ${d.created_at.toISOString()}`, d.created_at],
    );
    return rows.length > 0;
  }

  async function work(d: Claimed): Promise<void> {
    const r = await send(d);
    const now = o.clock.now();
    const disabled = await withServiceRole(o.db, async (tx) => {
      // The lease is the claim's token: a worker that claimed it after ours ran out records instead.
      const { rows } = await tx.query<{ id: string }>(
        `select id from public.webhook_deliveries where workspace_id = $1 and id = $2 and status = 'sending' and claimed_until = $3 for update`,
        [d.workspace_id, d.id, d.claimed_until],
      );
      if (rows.length === 0) return false;
      await tx.query(
        `insert into public.webhook_attempts (workspace_id, delivery_id, started_at, duration_ms, response_status, response_body, error)
         values ($1, $2, $3, $4, $5, $6, $7)`,
        [d.workspace_id, d.id, r.startedAt, r.ms, r.status, r.body, r.error],
      );
      if (r.ok) {
        await tx.query(`update public.webhook_deliveries set status = 'delivered', delivered_at = $3, claimed_until = null, last_error = null where workspace_id = $1 and id = $2`, [d.workspace_id, d.id, now]);
        await tx.query(`update public.webhook_endpoints set last_success_at = $3 where workspace_id = $1 and id = $2`, [d.workspace_id, d.endpoint_id, now]);
        return false;
      }
      const next = retryAt(now, d.attempts, s);
      await tx.query(
        `update public.webhook_deliveries set status = $3, next_attempt_at = coalesce($4, next_attempt_at), claimed_until = null, last_error = $5 where workspace_id = $1 and id = $2`,
        [d.workspace_id, d.id, next ? 'pending' : 'failed', next, r.error],
      );
      return next ? false : disableIfPersistent(tx, d, now);
    });
    if (disabled) {
      log.warn({ workspace_id: d.workspace_id, endpoint_id: d.endpoint_id, url: d.url }, 'webhook endpoint disabled after persistent failure');
      await withTenant(o.db, { kind: 'system', workspaceId: d.workspace_id }, async (tx) => {
        const ctx = { tx, actor: { kind: 'system' as const, workspaceId: d.workspace_id }, clock: o.clock, log };
        await recordStaffNotifications(ctx, await workspaceLeads(ctx), {
          kind: 'webhook.disabled',
          body: `The webhook to ${d.url} was disabled: it failed ${s.maxAttempts} times in a row (${r.error ?? 'no answer'}). Fix the endpoint and enable it again to send what waited.`,
        });
      });
    }
  }

  return claimLoop({
    name: 'webhooks',
    log,
    pollMs: s.pollMs,
    maxBackoffMs: s.maxBackoffMs,
    claim,
    work,
    failed: (d, e) => log.error({ err: e, delivery_id: d.id }, 'a webhook delivery failed to record; it is tried again when its lease ends'),
  });
}
