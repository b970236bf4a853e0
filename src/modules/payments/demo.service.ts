import type { Clock } from '../../platform/clock.ts';
import { workspaceIdOf, type Ctx } from '../../platform/context.ts';
import type { Database } from '../../platform/db/database.ts';
import { withTenant } from '../../platform/db/tenant.ts';
import { AppError } from '../../platform/errors.ts';
import type { Logger } from '../../platform/log.ts';
import { getWorkspace } from '../tenancy/index.ts';
import { findDemoGateway } from './demo.settings.ts';
import { parseOrderId } from './order-id.ts';
import * as repo from './payments.repo.ts';
import type { Payment } from './payments.schema.ts';
import { applyReport, type Applied, type PaymentListener } from './payments.service.ts';

// One answer for every way an order can be unknown here, so the page tells nothing about workspaces.
const unknownOrder = () => new AppError('payment.not_found', 'not_found', 'no such demo payment');

/**
 * Settles a demo payment the way a Midtrans settlement notification would: one report through
 * the same forward-only status machine, the same database effects (the appointment confirmed,
 * the assistant moved on to scheduling) and the same listener telling the customer. Paying a
 * paid payment again changes nothing. Only demo payments of a workspace that still has the
 * demo gateway settle here.
 */
export async function settleDemoPayment(ctx: Ctx, payment: Payment, listener: PaymentListener): Promise<Applied> {
  if (payment.gateway !== 'demo' || !payment.order_id || !(await findDemoGateway(ctx.tx, workspaceIdOf(ctx)))) throw unknownOrder();
  const report = {
    source: 'demo' as const,
    order_id: payment.order_id,
    status_code: '200',
    gross_amount: `${payment.amount}.00`,
    transaction_status: 'settlement',
    payment_type: 'demo',
  };
  return applyReport(ctx, payment, report, listener);
}

/**
 * `/pay` in `frontdesk chat`: settles the contact's newest pending demo payment. 409
 * payment.nothing_to_pay when there is none.
 */
export async function payNewestDemoPayment(ctx: Ctx, contactId: string, listener: PaymentListener): Promise<Applied> {
  const payment = await repo.newestPendingPaymentOf(ctx.tx, workspaceIdOf(ctx), contactId, 'demo');
  if (!payment) throw new AppError('payment.nothing_to_pay', 'conflict', 'this customer has no demo payment waiting');
  return settleDemoPayment(ctx, payment, listener);
}

export interface DemoPageDeps {
  db: Database;
  clock: Clock;
  log: Logger;
}

/**
 * Runs `fn` on the payment an order id names, as its workspace's system actor (the page is
 * public, like Midtrans's own payment page: the order id is the capability).
 */
async function withDemoOrder<T>(deps: DemoPageDeps, orderId: string, fn: (ctx: Ctx, payment: Payment) => Promise<T>): Promise<T> {
  const target = parseOrderId(orderId);
  if (!target) throw unknownOrder();
  const actor = { kind: 'system' as const, workspaceId: target.workspaceId };
  return withTenant(deps.db, actor, async (tx) => {
    const ctx: Ctx = { tx, actor, clock: deps.clock, log: deps.log.child({ workspace_id: target.workspaceId, order_id: orderId }) };
    const payment = await repo.findPayment(tx, target.workspaceId, target.paymentId, { lock: true });
    if (!payment || payment.order_id !== orderId || payment.gateway !== 'demo' || !(await findDemoGateway(tx, target.workspaceId))) throw unknownOrder();
    return fn(ctx, payment);
  });
}

export interface DemoOrder {
  order_id: string;
  amount: number;
  currency: string;
  description: string | null;
  status: Payment['status'];
  business: string;
}

async function describe(ctx: Ctx, payment: Payment): Promise<DemoOrder> {
  const { name } = await getWorkspace(ctx);
  return { order_id: payment.order_id!, amount: payment.amount, currency: payment.currency, description: payment.description, status: payment.status, business: name };
}

export const showDemoOrder = (deps: DemoPageDeps, orderId: string) => withDemoOrder(deps, orderId, describe);

export const payDemoOrder = (deps: DemoPageDeps, orderId: string, listener: PaymentListener) =>
  withDemoOrder(deps, orderId, async (ctx, payment) => describe(ctx, (await settleDemoPayment(ctx, payment, listener)).payment));
