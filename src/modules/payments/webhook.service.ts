import { z } from '@hono/zod-openapi';
import type { Clock } from '../../platform/clock.ts';
import type { Database } from '../../platform/db/database.ts';
import { recordWebhookRefused, recordWebhookVerified } from '../../platform/db/integrations.ts';
import { withTenant } from '../../platform/db/tenant.ts';
import { findWebhookEvent, recordWebhookEvent } from '../../platform/db/webhook-events.ts';
import { AppError } from '../../platform/errors.ts';
import type { Logger } from '../../platform/log.ts';
import type { SecretBox } from '../../platform/secrets.ts';
import { parseOrderId } from './order-id.ts';
import * as repo from './payments.repo.ts';
import { getTransactionStatus } from './midtrans.client.ts';
import { applyReport, effectOf, type PaymentListener } from './payments.service.ts';
import { findMidtransAccount, MIDTRANS } from './settings.service.ts';
import { isValidMidtransSignature } from './signature.ts';
import { statusMatchesCode } from './status.ts';

/** The fields the signature covers: all that is read before the signature is checked. */
const Signed = z.looseObject({ order_id: z.string().max(50), status_code: z.string().max(10), gross_amount: z.string().max(30), signature_key: z.string().max(200) });

/** A notification, read once its signature holds. Midtrans sends every value as a string. */
const Notification = z.looseObject({
  order_id: z.string(),
  status_code: z.string(),
  gross_amount: z.string(),
  signature_key: z.string(),
  transaction_status: z.string().min(1).max(50),
  fraud_status: z.string().max(50).optional(),
  payment_type: z.string().max(50).optional(),
  transaction_id: z.string().max(100).optional(),
});

const malformed = (message: string) => new AppError('webhook.malformed', 'invalid', message);
// One answer for every way an order id can be unknown, so it tells nothing about workspaces.
const unknownOrder = () => new AppError('payment.not_found', 'not_found', 'no such payment');

export interface WebhookDeps {
  db: Database;
  secrets: SecretBox;
  clock: Clock;
  log: Logger;
  onPaymentChange: PaymentListener;
}

/**
 * One Midtrans HTTP notification, from its raw body. The order id names the workspace; the
 * rest runs as that workspace's system actor. The signature covers order_id, status_code and
 * gross_amount but not transaction_status, so:
 * - the status must be one Midtrans sends with that status_code (settlement and capture only
 *   with 200, pending with 201, ...), or the notification is refused like a bad signature;
 * - a notification that would change the payment is confirmed with Midtrans's status API,
 *   with the workspace's server key, before it is applied. That call is made between two
 *   transactions, so no connection waits on Midtrans. If Midtrans reports something else,
 *   nothing is recorded (409) and Midtrans's own retry brings the real status.
 * The event is recorded under order_id:transaction_status:status_code (a redelivery finds it
 * and changes nothing), and the report is applied.
 */
export async function receiveMidtransNotification(deps: WebhookDeps, rawBody: string): Promise<{ result: 'applied' | 'duplicate' }> {
  let body: unknown;
  try {
    body = JSON.parse(rawBody);
  } catch {
    throw malformed('the body is not JSON');
  }
  const signed = Signed.safeParse(body);
  if (!signed.success) throw malformed('a Midtrans notification has string order_id, status_code, gross_amount and signature_key');
  const target = parseOrderId(signed.data.order_id);
  if (!target) throw unknownOrder();

  const log = deps.log.child({ workspace_id: target.workspaceId, order_id: signed.data.order_id });
  const actor = { kind: 'system' as const, workspaceId: target.workspaceId };

  // 1. Check what can be checked here, and whether the notification would change anything.
  //    A refused signature rolls this back, so it is recorded for the setup screen after.
  let refusal: string | undefined;
  const first = await withTenant(deps.db, actor, async (tx) => {
    const account = await findMidtransAccount(tx, target.workspaceId, deps.secrets);
    if (!account) throw unknownOrder();
    if (!isValidMidtransSignature(signed.data, account.endpoint.serverKey)) {
      log.warn('midtrans notification with a bad signature refused');
      refusal = 'signature_key does not match the server key';
      throw new AppError('webhook.signature_invalid', 'unauthenticated', 'the signature_key does not match');
    }
    await recordWebhookVerified(tx, target.workspaceId, MIDTRANS, deps.clock.now());
    const parsed = Notification.safeParse(body);
    if (!parsed.success) throw malformed('a Midtrans notification has a string transaction_status');
    const n = parsed.data;
    if (!statusMatchesCode(n.transaction_status, n.status_code)) {
      log.warn({ transaction_status: n.transaction_status, status_code: n.status_code }, 'midtrans notification whose status does not go with its signed status_code refused');
      refusal = `transaction_status ${n.transaction_status} does not go with the signed status_code ${n.status_code}`;
      throw new AppError('webhook.signature_invalid', 'unauthenticated', `transaction_status ${n.transaction_status} does not go with the signed status_code ${n.status_code}`);
    }
    const payment = await repo.findPayment(tx, target.workspaceId, target.paymentId);
    if (!payment || payment.order_id !== n.order_id) throw unknownOrder();
    const duplicate = (await findWebhookEvent(tx, target.workspaceId, MIDTRANS, eventKey(n))) !== undefined;
    return { n, endpoint: account.endpoint, duplicate, changes: !duplicate && effectOf(payment, n).changes };
  }).catch(async (e: unknown) => {
    if (refusal) await withTenant(deps.db, actor, (tx) => recordWebhookRefused(tx, target.workspaceId, MIDTRANS, refusal!, deps.clock.now()));
    throw e;
  });
  const { n } = first;
  if (first.duplicate) {
    log.info({ transaction_status: n.transaction_status }, 'midtrans notification repeated; already applied');
    return { result: 'duplicate' };
  }

  // 2. Ask Midtrans whether it says so too, outside any transaction.
  let confirmed = false;
  if (first.changes) {
    const report = await getTransactionStatus(first.endpoint, n.order_id);
    confirmed =
      report !== undefined &&
      report.transaction_status === n.transaction_status &&
      report.gross_amount === n.gross_amount &&
      (n.transaction_status !== 'capture' || (report.fraud_status ?? null) === (n.fraud_status ?? null));
    if (!confirmed) {
      log.warn({ transaction_status: n.transaction_status, reported: report?.transaction_status ?? null }, "midtrans notification not confirmed by Midtrans's status API; not applied");
      throw new AppError('webhook.unconfirmed', 'conflict', "Midtrans's status API does not confirm this notification; nothing changed", {
        transaction_status: n.transaction_status,
      });
    }
  }

  // 3. Record and apply, on the payment locked now. What it would do is worked out again:
  //    applyReport leaves a change that was not confirmed here unapplied.
  return withTenant(deps.db, actor, async (tx) => {
    const ctx = { tx, actor, clock: deps.clock, log };
    const payment = await repo.findPayment(tx, target.workspaceId, target.paymentId, { lock: true });
    if (!payment || payment.order_id !== n.order_id) throw unknownOrder();
    const { signature_key: _signature, ...payload } = n;
    const fresh = await recordWebhookEvent(tx, target.workspaceId, MIDTRANS, eventKey(n), payload, deps.clock.now());
    if (!fresh) {
      log.info({ transaction_status: n.transaction_status }, 'midtrans notification repeated; already applied');
      return { result: 'duplicate' as const };
    }
    await applyReport(ctx, payment, { ...n, source: 'notification' }, deps.onPaymentChange, { confirmed });
    return { result: 'applied' as const };
  });
}

const eventKey = (n: { order_id: string; transaction_status: string; status_code: string }) => `${n.order_id}:${n.transaction_status}:${n.status_code}`;
