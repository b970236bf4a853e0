import { workspaceIdOf, type Ctx } from '../../platform/context.ts';
import { AppError, invalidField } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import type { SecretBox } from '../../platform/secrets.ts';
import * as repo from './payments.repo.ts';
import type { Payment, PaymentCreate } from './payments.schema.ts';
import type { PaymentListener } from './payments.service.ts';
import { nextStatus, type PaymentStatus } from './status.ts';
import { createHoldIntent, settleIntent, type StripeIntent } from './stripe.client.ts';
import { decimalToMinor, fromStripeAmount, toStripeAmount } from './stripe.currency.ts';
import { findStripeAccount, STRIPE, stripeNotConfigured, type StripeAccount } from './stripe.settings.ts';
import { changeBookingStatus, getAppointment, getBooking, loadProfile } from '../scheduling/index.ts';

/**
 * Payment holds with Stripe: a manual-capture PaymentIntent per booking (or consultation),
 * authorised by the customer with its client_secret, captured when the service is completed
 * and cancelled (released) when the booking is cancelled. Its status only moves forward:
 * the PaymentIntent's statuses are ranked, and a report of a lower or equal final rank (a late
 * requires_capture after succeeded, canceled after succeeded) changes nothing.
 */
const RANK: Record<string, number> = {
  requires_payment_method: 1,
  requires_confirmation: 1,
  requires_action: 1,
  processing: 1,
  requires_capture: 2,
  succeeded: 3,
  canceled: 3,
};

/** The metadata keys a Frontdesk PaymentIntent carries; the webhook routes by them. */
export const META = { workspace: 'frontdesk_workspace_id', booking: 'frontdesk_booking_id', appointment: 'frontdesk_appointment_id' } as const;

type Target = { bookingId: string } | { appointmentId: string };

interface HoldSubject {
  target: Target;
  /** The assistant conversation the payment belongs to (a booking's is ensured once Stripe answered: no row is written before). */
  ariConversation: () => Promise<string>;
  amount: number | undefined;
  currency: string;
  itemName: string;
  email: string | null;
}

async function holdSubject(ctx: Ctx, input: Pick<PaymentCreate, 'booking_id' | 'appointment_id'>): Promise<HoldSubject> {
  const profile = await loadProfile(ctx);
  if (input.appointment_id) {
    const a = await getAppointment(ctx, input.appointment_id);
    return { target: { appointmentId: a.id }, ariConversation: async () => a.ari_conversation_id, amount: undefined, currency: profile.currency.toUpperCase(), itemName: 'Consultation', email: null };
  }
  const b = await getBooking(ctx, input.booking_id!);
  if (!b.contact_id) throw new AppError('payment.booking_without_contact', 'conflict', 'the booking has no contact; link it to a contact before taking payment');
  const currency = (b.payment_currency ?? profile.currency).toUpperCase();
  const contactId = b.contact_id;
  return {
    target: { bookingId: b.id },
    ariConversation: () => repo.ensureAriConversation(ctx.tx, contactId),
    amount: b.payment_amount === null ? undefined : decimalToMinor(b.payment_amount, currency),
    currency,
    itemName: b.service_type,
    email: b.customer_email,
  };
}

/**
 * Opens a hold: creates the PaymentIntent (idempotency key per booking and attempt, so a
 * retried request gets the same PaymentIntent), then stores it. Stripe is called before
 * anything is written, so no row this transaction wrote waits on Stripe. A webhook about the PaymentIntent may have stored it first: then its
 * row is found and this answer is applied to it like any other report.
 */
export async function createStripeHold(ctx: Ctx, account: StripeAccount, input: PaymentCreate, listener: PaymentListener): Promise<Payment> {
  const ws = workspaceIdOf(ctx);
  const subject = await holdSubject(ctx, input);
  const amount = input.amount ?? subject.amount;
  if (amount === undefined) {
    throw invalidField('amount', 'appointment_id' in subject.target ? 'required for a consultation paid through Stripe' : `required: the booking has no payment_amount in ${subject.currency}`);
  }
  const stripeAmount = toStripeAmount(amount, subject.currency);
  if (stripeAmount === undefined) throw invalidField('amount', `Stripe cannot charge ${amount} in ${subject.currency} exactly (whole units only for this currency)`);

  const now = ctx.clock.now();
  const live = await repo.findLivePayment(ctx.tx, ws, subject.target, now);
  if (live?.status === 'pending') {
    // Asking again for an open hold answers it (a retry after a lost answer, which a webhook
    // may have stored meanwhile); another gateway's open link is a conflict.
    const open = await repo.findPayment(ctx.tx, ws, live.id);
    if (open?.gateway === STRIPE) return open;
  }
  if (live) {
    const paid = live.status === 'success';
    throw new AppError(paid ? 'payment.already_paid' : 'payment.already_pending', 'conflict', paid ? 'this is paid already' : 'a payment for this is still open', { payment_id: live.id });
  }
  const attempt = await repo.countPaymentsFor(ctx.tx, ws, subject.target, STRIPE);
  const [kind, targetId] = 'bookingId' in subject.target ? (['booking', subject.target.bookingId] as const) : (['appointment', subject.target.appointmentId] as const);
  const description = (input.description ?? subject.itemName).slice(0, 200);
  const intent = await createHoldIntent(account.endpoint, {
    amount: stripeAmount,
    currency: subject.currency,
    description,
    metadata: { [META.workspace]: ws, [META[kind]]: targetId, frontdesk_attempt: String(attempt) },
    receiptEmail: subject.email ?? undefined,
    idempotencyKey: `frontdesk-hold-${ws}-${kind}-${targetId}-${attempt}`,
  });
  ctx.log.info({ payment_intent: intent.id, amount, currency: subject.currency, stripe_amount: stripeAmount }, 'stripe payment hold created');
  if (intent.amount !== stripeAmount || intent.currency.toUpperCase() !== subject.currency) {
    throw new AppError('payment.gateway_refused', 'conflict', 'Stripe answered with another amount or currency than asked; nothing was stored', { stripe_code: 'amount_mismatch' });
  }

  await repo.insertPaymentIfAbsent(ctx.tx, {
    id: newId(),
    workspace_id: ws,
    ari_conversation_id: await subject.ariConversation(),
    amount,
    currency: subject.currency,
    gateway: STRIPE,
    gateway_transaction_id: intent.id,
    gateway_response: JSON.stringify({ reports: [] }),
    status: 'pending',
    description: input.description ?? null,
    client_secret: intent.client_secret ?? null,
    gateway_status: null,
    appointment_id: 'appointmentId' in subject.target ? subject.target.appointmentId : null,
    booking_id: 'bookingId' in subject.target ? subject.target.bookingId : null,
    expires_at: null,
  });
  const stored = await repo.findByGatewayTransaction(ctx.tx, ws, STRIPE, intent.id, { lock: true });
  if (!stored) throw new AppError('payment.already_pending', 'conflict', 'a payment for this is still open');
  return applyIntent(ctx, stored, intent, { source: 'create' }, listener);
}

/**
 * Applies a PaymentIntent as Stripe reported it (create answer, webhook, capture, cancel) to its
 * payment, locked by the caller. Every report is kept in gateway_response with what it did.
 */
export async function applyIntent(ctx: Ctx, payment: Payment, intent: StripeIntent, from: { source: 'create' | 'webhook' | 'capture' | 'release'; eventId?: string }, listener: PaymentListener): Promise<Payment> {
  const ws = workspaceIdOf(ctx);
  const now = ctx.clock.now();
  const current = payment.gateway_status ? (RANK[payment.gateway_status] ?? 0) : 0;
  const incoming = RANK[intent.status];
  const amountMatches = intent.currency.toUpperCase() === payment.currency && fromStripeAmount(intent.amount, payment.currency) === payment.amount;
  const ignored =
    incoming === undefined ? 'unknown_status' : !amountMatches ? 'amount_mismatch' : incoming < current || (incoming === current && incoming >= 2) ? 'not_forward' : undefined;

  let to: PaymentStatus | undefined;
  const patch: Parameters<typeof repo.updatePayment>[3] = {};
  if (!ignored) {
    patch.gateway_status = intent.status;
    if (!payment.client_secret && intent.client_secret) patch.client_secret = intent.client_secret;
    if (intent.status === 'requires_capture' && !payment.held_at) patch.held_at = now;
    if (intent.status === 'succeeded') {
      to = nextStatus(payment.status, 'success');
      if (to) patch.paid_at = now;
      patch.captured_at = now;
    }
    if (intent.status === 'canceled') {
      to = nextStatus(payment.status, 'failed');
      if (payment.held_at || patch.held_at) patch.released_at = now;
    }
    if (to) patch.status = to;
  }
  const previous = payment.gateway_response ?? {};
  const reports = Array.isArray(previous.reports) ? previous.reports : [];
  const entry = {
    source: from.source,
    ...(from.eventId ? { event_id: from.eventId } : {}),
    payment_intent: intent.id,
    status: intent.status,
    amount: intent.amount,
    currency: intent.currency,
    received_at: now.toISOString(),
    ...(to ? { status_to: to } : {}),
    ...(ignored ? { ignored } : {}),
  };
  ctx.log[ignored && ignored !== 'not_forward' ? 'warn' : 'info'](
    { payment_id: payment.id, payment_intent: intent.id, stripe_status: intent.status, from: payment.gateway_status, ignored, source: from.source },
    'stripe payment report',
  );
  const updated = await repo.updatePayment(ctx.tx, ws, payment.id, { ...patch, gateway_response: JSON.stringify({ ...previous, reports: [...reports, entry] }) });
  // The amount is held: a booking waiting for payment is secured (its seat no longer lapses);
  // it is paid when the hold is captured. The confirmation goes out with the scheduling job.
  if (patch.held_at && updated.booking_id) {
    const booking = await getBooking(ctx, updated.booking_id);
    if (booking.status === 'pending_payment') await changeBookingStatus(ctx, booking.id, 'confirmed');
  }
  if (updated.status !== payment.status) {
    const assistantStateBefore = await repo.assistantStateOf(ctx.tx, ws, payment.ari_conversation_id);
    await listener(ctx, { payment: updated, from: payment.status, assistantStateBefore });
  }
  return updated;
}

/**
 * What a booking's new status does to its Stripe hold, in the caller's transaction: completed
 * captures the held amount; cancelled releases it (cancels the PaymentIntent, held or not yet
 * authorised). Stripe is asked with idempotency keys per PaymentIntent, so a retry after a
 * failure asks again safely; a failure rolls the status change back (503), and nothing is half
 * done. A booking without a Stripe payment is left alone.
 */
export async function settleBookingHold(ctx: Ctx, secrets: SecretBox, booking: { id: string; status: string | null }, listener: PaymentListener): Promise<void> {
  const action = booking.status === 'completed' ? 'capture' : booking.status === 'cancelled' ? 'cancel' : undefined;
  if (!action) return;
  const ws = workspaceIdOf(ctx);
  const pending = await repo.pendingPaymentsOfBooking(ctx.tx, ws, booking.id, STRIPE);
  const due = action === 'capture' ? pending.filter((p) => p.held_at !== null) : pending;
  if (due.length === 0) return;
  const account = await findStripeAccount(ctx.tx, ws, secrets);
  if (!account) throw stripeNotConfigured();
  for (const payment of due) {
    const intent = await settleIntent(account.endpoint, payment.order_id!, action, action === 'cancel' ? 'requested_by_customer' : undefined);
    ctx.log.info({ payment_id: payment.id, payment_intent: intent.id, stripe_status: intent.status }, action === 'capture' ? 'stripe hold captured' : 'stripe hold released');
    await applyIntent(ctx, payment, intent, { source: action === 'capture' ? 'capture' : 'release' }, listener);
  }
}
