import { z } from '@hono/zod-openapi';
import { recordWebhookRefused, recordWebhookVerified } from '../../platform/db/integrations.ts';
import { withTenant } from '../../platform/db/tenant.ts';
import { recordWebhookEvent } from '../../platform/db/webhook-events.ts';
import { AppError } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import * as repo from './payments.repo.ts';
import { applyIntent } from './stripe.service.ts';
import { META } from './stripe.service.ts';
import { fromStripeAmount } from './stripe.currency.ts';
import { findStripeAccount, STRIPE } from './stripe.settings.ts';
import { verifyStripeSignature } from './stripe.signature.ts';
import type { WebhookDeps } from './webhook.service.ts';
import { getAppointment, getBooking } from '../scheduling/index.ts';

/** Read before the signature is checked: only where to find the secret that checks it. */
const Routing = z.looseObject({
  data: z.looseObject({ object: z.looseObject({ metadata: z.looseObject({ [META.workspace]: z.uuid() }) }) }),
});

const Intent = z.looseObject({
  id: z.string().regex(/^pi_[A-Za-z0-9_]{1,200}$/),
  object: z.literal('payment_intent'),
  status: z.string().min(1).max(50),
  amount: z.number().int().nonnegative(),
  currency: z.string().regex(/^[a-zA-Z]{3}$/),
  client_secret: z.string().max(300).nullable().optional(),
  metadata: z.record(z.string(), z.string()),
});

/** The event, read once its signature holds. */
const Event = z.looseObject({
  id: z.string().regex(/^evt_[A-Za-z0-9_]{1,200}$/),
  type: z.string().min(1).max(100),
  data: z.looseObject({ object: z.looseObject({ object: z.string().optional() }) }),
});

const malformed = (message: string) => new AppError('webhook.malformed', 'invalid', message);
// One answer for every way the target can be unknown, so it tells nothing about workspaces.
const unknownTarget = () => new AppError('payment.not_found', 'not_found', 'no such payment');

/**
 * One Stripe webhook delivery, from its raw body and Stripe-Signature header. The event names
 * its workspace in the PaymentIntent's metadata (which we set when creating it); that
 * workspace's signing secret must verify the signature over the whole raw body, so naming
 * another workspace gets nowhere without its secret. Then, in one transaction as that
 * workspace's system actor:
 * - the event is recorded by its id (a redelivery or a replay finds it and changes nothing);
 * - payment_intent.* events are applied to the payment forward-only;
 * - a PaymentIntent we have no row for yet (the webhook beat the create call's own commit)
 *   is stored from the event, for the booking or consultation its metadata names; the create
 *   call then finds that row and applies its own answer to it.
 */
export async function receiveStripeWebhook(deps: WebhookDeps, rawBody: string, signatureHeader: string | undefined): Promise<{ result: 'applied' | 'duplicate' | 'ignored' }> {
  let body: unknown;
  try {
    body = JSON.parse(rawBody);
  } catch {
    throw malformed('the body is not JSON');
  }
  const routing = Routing.safeParse(body);
  if (!routing.success) throw unknownTarget();
  const ws = routing.data.data.object.metadata[META.workspace];
  const actor = { kind: 'system' as const, workspaceId: ws };
  const log = deps.log.child({ workspace_id: ws });

  let refusal: string | undefined;
  return withTenant(deps.db, actor, async (tx) => {
    const ctx = { tx, actor, clock: deps.clock, log };
    const account = await findStripeAccount(tx, ws, deps.secrets);
    if (!account) throw unknownTarget();
    const check = verifyStripeSignature(rawBody, signatureHeader, account.webhookSecret, deps.clock.now());
    if (!check.ok) {
      log.warn({ reason: check.reason }, 'stripe webhook with a bad signature refused');
      refusal = check.reason;
      throw new AppError('webhook.signature_invalid', 'unauthenticated', 'the Stripe-Signature header does not verify');
    }
    await recordWebhookVerified(tx, ws, STRIPE, deps.clock.now());
    const parsed = Event.safeParse(body);
    if (!parsed.success) throw malformed('a Stripe event has an evt_ id, a type and data.object');
    const event = parsed.data;
    const intent = event.type.startsWith('payment_intent.') ? Intent.safeParse(event.data.object) : undefined;
    if (intent && !intent.success) throw malformed('a payment_intent event carries a PaymentIntent');
    const fresh = await recordWebhookEvent(tx, ws, STRIPE, event.id, { type: event.type, payment_intent: intent?.data?.id ?? null, status: intent?.data?.status ?? null }, deps.clock.now());
    if (!fresh) {
      log.info({ event_id: event.id }, 'stripe event repeated; already applied');
      return { result: 'duplicate' as const };
    }
    if (!intent?.success) return { result: 'ignored' as const };
    const pi = intent.data;

    let payment = await repo.findByGatewayTransaction(tx, ws, STRIPE, pi.id, { lock: true });
    if (!payment) {
      // The create call has not stored it yet (or never will: it failed after Stripe answered).
      const currency = pi.currency.toUpperCase();
      const amount = fromStripeAmount(pi.amount, currency);
      const bookingId = pi.metadata[META.booking];
      const appointmentId = pi.metadata[META.appointment];
      if (amount === undefined || amount <= 0 || (!bookingId && !appointmentId)) return { result: 'ignored' as const };
      let ariConversationId: string;
      try {
        if (bookingId) {
          const b = await getBooking(ctx, bookingId);
          if (!b.contact_id) return { result: 'ignored' as const };
          ariConversationId = await repo.ensureAriConversation(tx, b.contact_id);
        } else {
          ariConversationId = (await getAppointment(ctx, appointmentId!)).ari_conversation_id;
        }
      } catch (e) {
        if (e instanceof AppError && e.kind === 'not_found') return { result: 'ignored' as const };
        throw e;
      }
      await repo.insertPaymentIfAbsent(tx, {
        id: newId(),
        workspace_id: ws,
        ari_conversation_id: ariConversationId,
        amount,
        currency,
        gateway: STRIPE,
        gateway_transaction_id: pi.id,
        gateway_response: JSON.stringify({ reports: [] }),
        status: 'pending',
        client_secret: pi.client_secret ?? null,
        booking_id: bookingId ?? null,
        appointment_id: bookingId ? null : appointmentId!,
        expires_at: null,
      });
      payment = await repo.findByGatewayTransaction(tx, ws, STRIPE, pi.id, { lock: true });
      if (!payment) return { result: 'ignored' as const };
      log.info({ payment_id: payment.id, payment_intent: pi.id }, 'stripe payment stored from a webhook that came before the create call stored it');
    }
    await applyIntent(ctx, payment, pi, { source: 'webhook', eventId: event.id }, deps.onPaymentChange);
    return { result: 'applied' as const };
  }).catch(async (e: unknown) => {
    if (refusal) await withTenant(deps.db, actor, (tx) => recordWebhookRefused(tx, ws, STRIPE, refusal!, deps.clock.now()));
    throw e;
  });
}
