import type { Ctx } from '../../platform/context.ts';
import { fromDatabaseError } from '../../platform/db/errors.ts';
import { AppError, invalidField } from '../../platform/errors.ts';
import { toPage } from '../../platform/http/router.ts';
import { newId } from '../../platform/ids.ts';
import type { SecretBox } from '../../platform/secrets.ts';
import { createSnapTransaction, getTransactionStatus, type MidtransReport, type SnapRequest } from './midtrans.client.ts';
import { orderIdFor } from './order-id.ts';
import * as repo from './payments.repo.ts';
import type { Payment, PaymentCreate, PaymentListQuery, RefundInput } from './payments.schema.ts';
import { demoPaymentUrl, findDemoGateway } from './demo.settings.ts';
import { findMidtransAccount, midtransAccount, midtransNotConfigured, workspaceOf } from './settings.service.ts';
import { nextStatus, outcomeOf, type PaymentStatus } from './status.ts';
import { createStripeHold } from './stripe.service.ts';
import { effectiveGateway, findStripeAccount, stripeNotConfigured } from './stripe.settings.ts';
import { getContact } from '../contacts/index.ts';
import { getAppointment, getBooking } from '../scheduling/index.ts';

const notFound = () => new AppError('payment.not_found', 'not_found', 'no such payment in this workspace');

/** Midtrans reads times as Jakarta time, "2026-03-02 09:00:00 +0700". */
function jakartaTime(d: Date): string {
  const t = new Date(d.getTime() + 7 * 3_600_000).toISOString();
  return `${t.slice(0, 10)} ${t.slice(11, 19)} +0700`;
}

/** Midtrans sends amounts back with two decimals ("500000.00"); ours are whole rupiah. */
const sameAmount = (gross: string, amount: number) => /^\d+(\.0+)?$/.test(gross) && Number(gross.split('.')[0]) === amount;

/** An IDR booking amount ("150000.00") as whole rupiah, when it is one. */
function wholeRupiah(amount: string | null, currency: string | null): number | undefined {
  if (amount === null || currency !== 'IDR' || !/^\d+(\.0+)?$/.test(amount)) return undefined;
  const n = Number(amount.split('.')[0]);
  return n > 0 ? n : undefined;
}

interface Subject {
  target: { appointmentId: string } | { bookingId: string };
  ariConversationId: string;
  payer: repo.Payer;
  amount: number | undefined;
  itemName: string;
}

/** What is being paid for: its assistant conversation, who pays, and the default price. */
async function subjectOf(ctx: Ctx, ws: string, input: PaymentCreate, consultationPrice: number): Promise<Subject> {
  if (input.appointment_id) {
    const a = await getAppointment(ctx, input.appointment_id);
    const { name, email, phone } = await getContact(ctx, a.contact_id);
    return { target: { appointmentId: a.id }, ariConversationId: a.ari_conversation_id, payer: { name, email, phone }, amount: consultationPrice, itemName: 'Consultation' };
  }
  const b = await getBooking(ctx, input.booking_id!);
  if (!b.contact_id) {
    throw new AppError('payment.booking_without_contact', 'conflict', 'the booking has no contact; link it to a contact before taking payment');
  }
  return {
    target: { bookingId: b.id },
    ariConversationId: await repo.ensureAriConversation(ctx.tx, b.contact_id),
    payer: { name: b.customer_name, email: b.customer_email, phone: b.customer_phone },
    amount: wholeRupiah(b.payment_amount, b.payment_currency),
    itemName: b.service_type,
  };
}

function customerDetails(p: repo.Payer): SnapRequest['customer_details'] {
  const details = {
    ...(p.name ? { first_name: p.name.slice(0, 255) } : {}),
    ...(p.email ? { email: p.email } : {}),
    ...(p.phone ? { phone: p.phone } : {}),
  };
  return Object.keys(details).length ? details : undefined;
}

/** Where a payment link comes from: Midtrans Snap, or the demo gateway's own page. */
interface Gateway {
  name: 'midtrans' | 'demo';
  consultationPrice: number;
  expiryMinutes: number;
  enabledPayments: string[];
  open(request: SnapRequest): Promise<{ token: string | null; redirect_url: string; response: Record<string, unknown> }>;
}

/**
 * The workspace's gateway: Midtrans once it has a server key; otherwise the demo gateway when
 * the workspace is a demo one (only the demo seed enables it); otherwise none.
 */
async function gatewayOf(ctx: Ctx, secrets: SecretBox): Promise<Gateway> {
  const ws = workspaceOf(ctx);
  const midtrans = await findMidtransAccount(ctx.tx, ws, secrets);
  if (midtrans) {
    return {
      name: 'midtrans',
      consultationPrice: midtrans.settings.consultation_price,
      expiryMinutes: midtrans.settings.expiry_minutes,
      enabledPayments: midtrans.settings.enabled_payments,
      async open(request) {
        const snap = await createSnapTransaction(midtrans.endpoint, request);
        ctx.log.info({ order_id: request.transaction_details.order_id }, 'midtrans snap transaction created');
        return { token: snap.token, redirect_url: snap.redirect_url, response: { snap } };
      },
    };
  }
  const demo = await findDemoGateway(ctx.tx, ws);
  if (demo) {
    return {
      name: 'demo',
      consultationPrice: demo.consultation_price,
      expiryMinutes: demo.expiry_minutes,
      enabledPayments: [],
      open: async (request) => ({ token: null, redirect_url: demoPaymentUrl(demo, request.transaction_details.order_id), response: { demo: { no_money_moves: true } } }),
    };
  }
  // Asks for Midtrans: the demo gateway is not something a workspace can choose.
  throw midtransNotConfigured();
}

/**
 * Opens a payment link for an appointment or a booking: a Snap link, or on a demo workspace
 * without Midtrans the demo gateway's page; where the workspace's gateway is Stripe, a
 * manual-capture hold instead (stripe.service.ts). Midtrans is called before anything is written,
 * so no row is locked while it answers; a concurrent request for the same target loses on
 * the one-pending-payment index. A link that ran out before the expiry job saw it is expired
 * here, to make way for the new one.
 */
export async function createPayment(ctx: Ctx, secrets: SecretBox, input: PaymentCreate): Promise<Payment> {
  const ws = workspaceOf(ctx);
  if ((await effectiveGateway(ctx.tx, ws)) === 'stripe') {
    const account = await findStripeAccount(ctx.tx, ws, secrets);
    if (!account) throw stripeNotConfigured();
    // A new hold's status has not moved yet: there is nobody to tell.
    return createStripeHold(ctx, account, input, async () => null);
  }
  const gateway = await gatewayOf(ctx, secrets);
  const subject = await subjectOf(ctx, ws, input, gateway.consultationPrice);
  const amount = input.amount ?? subject.amount;
  if (amount === undefined) throw invalidField('amount', "required: the booking has no IDR payment_amount");

  const now = new Date(Math.floor(ctx.clock.now().getTime() / 1000) * 1000);
  const live = await repo.findLivePayment(ctx.tx, ws, subject.target, now);
  if (live) {
    const paid = live.status === 'success';
    throw new AppError(paid ? 'payment.already_paid' : 'payment.already_pending', 'conflict', paid ? 'this is paid already' : 'a payment link for this is still open', {
      payment_id: live.id,
    });
  }

  const id = newId();
  const orderId = orderIdFor(ws, id);
  const name = (input.description ?? subject.itemName).slice(0, 50);
  const customer = customerDetails(subject.payer);
  const request: SnapRequest = {
    transaction_details: { order_id: orderId, gross_amount: amount },
    item_details: [{ id: 'appointmentId' in subject.target ? 'consultation' : 'booking', price: amount, quantity: 1, name }],
    ...(customer ? { customer_details: customer } : {}),
    enabled_payments: gateway.enabledPayments,
    expiry: { start_time: jakartaTime(now), unit: 'minute', duration: gateway.expiryMinutes },
  };
  const link = await gateway.open(request);
  ctx.log.info({ payment_id: id, order_id: orderId, amount, gateway: gateway.name }, 'payment link opened');

  await repo.expireLapsedFor(ctx.tx, ws, subject.target, now);
  try {
    return await repo.insertPayment(ctx.tx, {
      id,
      workspace_id: ws,
      ari_conversation_id: subject.ariConversationId,
      amount,
      currency: 'IDR',
      gateway: gateway.name,
      gateway_transaction_id: orderId,
      gateway_response: JSON.stringify(link.response),
      status: 'pending',
      description: input.description ?? null,
      snap_token: link.token,
      redirect_url: link.redirect_url,
      appointment_id: 'appointmentId' in subject.target ? subject.target.appointmentId : null,
      booking_id: 'bookingId' in subject.target ? subject.target.bookingId : null,
      expires_at: new Date(now.getTime() + gateway.expiryMinutes * 60_000),
    });
  } catch (e) {
    const err = fromDatabaseError(e);
    if (err?.details?.constraint === 'ari_payments_one_pending_per_appointment' || err?.details?.constraint === 'ari_payments_one_pending_per_booking') {
      throw new AppError('payment.already_pending', 'conflict', 'a payment link for this is still open');
    }
    throw err ?? e;
  }
}

export async function getPayment(ctx: Ctx, id: string): Promise<Payment> {
  const p = await repo.findPayment(ctx.tx, workspaceOf(ctx), id);
  if (!p) throw notFound();
  return p;
}

export async function listPayments(ctx: Ctx, q: PaymentListQuery) {
  const rows = await repo.listPayments(ctx.tx, workspaceOf(ctx), {
    status: q.status,
    appointmentId: q.appointment_id,
    bookingId: q.booking_id,
    ariConversationId: q.ari_conversation_id,
    cursor: q.cursor,
    limit: q.limit,
  });
  return toPage(rows, q.limit);
}

type Report = { source: 'notification' | 'status_check' | 'demo' } & MidtransReport;

/** A payment whose status just moved, and the assistant's state before it moved (0012's triggers may move it on). */
export interface PaymentStatusChange {
  payment: Payment;
  from: PaymentStatus;
  assistantStateBefore: string | null;
}

/**
 * Tells the customer what a payment's new status means, in the same transaction; answers
 * the message it queued, or null. The assistant is an app, so src/http.ts gives this.
 */
export type PaymentListener = (ctx: Ctx, change: PaymentStatusChange) => Promise<string | null>;

export interface Applied {
  payment: Payment;
  /** What the customer was told, if the status moved and the listener said something. */
  notice: string | null;
}

/**
 * Applies what the gateway reported to a payment locked by the caller. The status moves only
 * forward; every report is kept in gateway_response with what it did, including reports that
 * change nothing (a late pending, an amount that does not match, an unknown status). When the
 * status moves, the listener tells the customer.
 */
export async function applyReport(ctx: Ctx, payment: Payment, report: Report, listener: PaymentListener, o: { confirmed?: boolean } = {}): Promise<Applied> {
  const assistantStateBefore = await repo.assistantStateOf(ctx.tx, workspaceOf(ctx), payment.ari_conversation_id);
  const updated = await recordReport(ctx, payment, report, o.confirmed ?? false);
  if (updated.status === payment.status) return { payment: updated, notice: null };
  return { payment: updated, notice: await listener(ctx, { payment: updated, from: payment.status, assistantStateBefore }) };
}

/**
 * What a report would do to the payment: the status it moves to, whether it starts a hold, or
 * why it is ignored. Nothing is written.
 */
export function effectOf(payment: Payment, report: Pick<MidtransReport, 'transaction_status' | 'fraud_status' | 'gross_amount'>) {
  const outcome = outcomeOf(report.transaction_status, report.fraud_status);
  const amountMatches = sameAmount(report.gross_amount, payment.amount);
  const to = outcome && amountMatches ? nextStatus(payment.status, outcome.status) : undefined;
  const ignored = !outcome ? 'unknown_status' : !amountMatches ? 'amount_mismatch' : !to && outcome.status !== payment.status ? 'not_forward' : undefined;
  const hold = !!outcome?.held && amountMatches && payment.status === 'pending' && !payment.held_at;
  return { to, hold, ignored, changes: to !== undefined || hold };
}

/**
 * A notification is only as good as its signature, which does not cover transaction_status:
 * one that would change the payment must have been confirmed with Midtrans's status API
 * (`confirmed`). A status check is itself that confirmation.
 */
async function recordReport(ctx: Ctx, payment: Payment, { source, signature_key: _signature, ...report }: Report, confirmed: boolean): Promise<Payment> {
  const now = ctx.clock.now();
  const effect = effectOf(payment, report);
  const unconfirmed = source === 'notification' && !confirmed && effect.changes;
  const to = unconfirmed ? undefined : effect.to;
  const hold = unconfirmed ? false : effect.hold;
  const ignored = unconfirmed ? 'unconfirmed' : effect.ignored;

  const previous = payment.gateway_response ?? {};
  const reports = Array.isArray(previous.reports) ? previous.reports : [];
  const entry = { ...report, source, received_at: now.toISOString(), ...(to ? { status_to: to } : {}), ...(hold ? { held: true } : {}), ...(ignored ? { ignored } : {}) };

  ctx.log[ignored ? 'warn' : 'info'](
    { payment_id: payment.id, order_id: payment.order_id, transaction_status: report.transaction_status, from: payment.status, to: to ?? payment.status, ignored, source },
    'payment report',
  );
  return repo.updatePayment(ctx.tx, workspaceOf(ctx), payment.id, {
    gateway_response: JSON.stringify({ ...previous, reports: [...reports, entry] }),
    ...(to ? { status: to } : {}),
    ...(to === 'success' ? { paid_at: now } : {}),
    ...(hold ? { held_at: now } : {}),
    ...(report.payment_type && !ignored ? { payment_method: report.payment_type.slice(0, 50) } : {}),
  });
}

/**
 * Expires a payment whose link ran out, if it still is pending and unheld once locked (a
 * notification may have settled it since the job looked), and lets the listener tell the
 * customer, as a gateway's report would.
 */
export async function expirePayment(ctx: Ctx, id: string, listener: PaymentListener): Promise<Applied | undefined> {
  const ws = workspaceOf(ctx);
  const now = ctx.clock.now();
  const payment = await repo.findPayment(ctx.tx, ws, id, { lock: true });
  if (!payment || payment.status !== 'pending' || payment.held_at !== null || !payment.expires_at || payment.expires_at > now) return undefined;
  const assistantStateBefore = await repo.assistantStateOf(ctx.tx, ws, payment.ari_conversation_id);
  const updated = await repo.updatePayment(ctx.tx, ws, id, { status: 'expired' });
  return { payment: updated, notice: await listener(ctx, { payment: updated, from: payment.status, assistantStateBefore }) };
}

/** Asks Midtrans for the transaction's status and applies it like a notification. */
export async function checkPayment(ctx: Ctx, secrets: SecretBox, id: string, listener: PaymentListener): Promise<Payment> {
  const ws = workspaceOf(ctx);
  const payment = await getPayment(ctx, id);
  if (payment.gateway !== 'midtrans' || !payment.order_id) {
    throw new AppError('payment.not_midtrans', 'conflict', 'this payment was not made through Midtrans');
  }
  const account = await midtransAccount(ctx, secrets);
  const report = await getTransactionStatus(account.endpoint, payment.order_id);
  if (!report) return payment; // the customer has not chosen how to pay yet
  const locked = await repo.findPayment(ctx.tx, ws, id, { lock: true });
  return (await applyReport(ctx, locked!, { ...report, source: 'status_check' }, listener)).payment;
}

/** Records a refund made through Midtrans's dashboard or by transfer: money moves elsewhere. */
export async function refundPayment(ctx: Ctx, id: string, input: RefundInput): Promise<Payment> {
  const ws = workspaceOf(ctx);
  const payment = await repo.findPayment(ctx.tx, ws, id, { lock: true });
  if (!payment) throw notFound();
  if (payment.status !== 'success') {
    throw new AppError('payment.not_refundable', 'conflict', `only a successful payment can be refunded; this one is ${payment.status}`, { status: payment.status });
  }
  const amount = input.amount ?? payment.amount;
  if (amount > payment.amount) throw invalidField('amount', `at most the payment's amount, ${payment.amount}`);
  const previous = payment.gateway_response ?? {};
  const refunds = Array.isArray(previous.refunds) ? previous.refunds : [];
  const refund = {
    amount,
    reason: input.reason,
    refunded_at: ctx.clock.now().toISOString(),
    ...(ctx.actor.kind === 'user' ? { by_user_id: ctx.actor.userId } : ctx.actor.kind === 'api_key' ? { by_api_key_id: ctx.actor.apiKeyId } : {}),
  };
  ctx.log.info({ payment_id: id, amount }, 'payment refund recorded');
  return repo.updatePayment(ctx.tx, ws, id, { status: 'refunded', gateway_response: JSON.stringify({ ...previous, refunds: [...refunds, refund] }) });
}
