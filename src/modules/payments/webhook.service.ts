import { z } from '@hono/zod-openapi';
import type { Clock } from '../../platform/clock.ts';
import type { Database } from '../../platform/db/database.ts';
import { withTenant } from '../../platform/db/tenant.ts';
import { AppError } from '../../platform/errors.ts';
import type { Logger } from '../../platform/log.ts';
import type { SecretBox } from '../../platform/secrets.ts';
import { parseOrderId } from './order-id.ts';
import * as repo from './payments.repo.ts';
import { applyReport, type PaymentListener } from './payments.service.ts';
import { findMidtransAccount, MIDTRANS } from './settings.service.ts';
import { isValidMidtransSignature } from './signature.ts';

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
 * rest runs as that workspace's system actor in one transaction: the signature is checked with
 * the workspace's own server key, the event is recorded under order_id:transaction_status:
 * status_code (a redelivery finds it and changes nothing), and the report is applied.
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
  return withTenant(deps.db, { kind: 'system', workspaceId: target.workspaceId }, async (tx) => {
    const account = await findMidtransAccount(tx, target.workspaceId, deps.secrets);
    if (!account) throw unknownOrder();
    if (!isValidMidtransSignature(signed.data, account.endpoint.serverKey)) {
      log.warn('midtrans notification with a bad signature refused');
      throw new AppError('webhook.signature_invalid', 'unauthenticated', 'the signature_key does not match');
    }
    const parsed = Notification.safeParse(body);
    if (!parsed.success) throw malformed('a Midtrans notification has a string transaction_status');
    const n = parsed.data;

    const ctx = { tx, actor: { kind: 'system' as const, workspaceId: target.workspaceId }, clock: deps.clock, log };
    const payment = await repo.findPayment(tx, target.workspaceId, target.paymentId, { lock: true });
    if (!payment || payment.order_id !== n.order_id) throw unknownOrder();
    const { signature_key: _signature, ...payload } = n;
    const fresh = await repo.recordWebhookEvent(tx, target.workspaceId, MIDTRANS, `${n.order_id}:${n.transaction_status}:${n.status_code}`, payload, deps.clock.now());
    if (!fresh) {
      log.info({ transaction_status: n.transaction_status }, 'midtrans notification repeated; already applied');
      return { result: 'duplicate' as const };
    }
    await applyReport(ctx, payment, { ...n, source: 'notification' }, deps.onPaymentChange);
    return { result: 'applied' as const };
  });
}
