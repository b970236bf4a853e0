import { Rank, type RouteDeps } from '../../platform/http/env.ts';
import { createRoute, createRouter, errorResponses, json, jsonBody, page, UuidParam, z } from '../../platform/http/router.ts';
import { MidtransSettings, MidtransSettingsInput, NotificationResult, Payment, PaymentCreate, PaymentListQuery, RefundInput } from './payments.schema.ts';
import * as payments from './payments.service.ts';
import type { PaymentListener } from './payments.service.ts';
import { getMidtransSettings, putMidtransSettings, WEBHOOK_PATH } from './settings.service.ts';
import { receiveMidtransNotification } from './webhook.service.ts';
import { GatewayChoice, GatewayChoiceInput, StripeSettings, StripeSettingsInput, StripeWebhookResult } from './stripe.schema.ts';
import { getGatewayChoice, getStripeSettings, putGatewayChoice, putStripeSettings, STRIPE_WEBHOOK_PATH } from './stripe.settings.ts';
import { receiveStripeWebhook } from './stripe.webhook.ts';
import { GuestHold, guestBookingHold } from './stripe.guest.ts';
import { AppError } from '../../platform/errors.ts';
import { rateLimit } from '../../platform/http/rate-limit.ts';

const IdParams = z.object({ id: UuidParam });

/** Midtrans settings and payments, under /api/v1. */
export function paymentsRoutes(deps: RouteDeps & { onPaymentChange: PaymentListener }) {
  const r = createRouter();

  r.openapi(
    createRoute({
      method: 'put', path: '/integrations/midtrans', tags: ['integrations'], summary: "Set the workspace's Midtrans account",
      description: 'The server key is encrypted at rest and never returned; omit it to keep the stored one. Admins only.',
      middleware: deps.inWorkspace(Rank.admin),
      request: { body: jsonBody(MidtransSettingsInput) },
      responses: { 200: json(MidtransSettings), ...errorResponses },
    }),
    async (c) => c.json(await putMidtransSettings(c.var.ctx, deps.secrets, c.req.valid('json'), deps.publicUrl ?? new URL(c.req.url).origin), 200),
  );

  r.openapi(
    createRoute({
      method: 'get', path: '/integrations/midtrans', tags: ['integrations'], summary: "The workspace's Midtrans settings, without secrets",
      description: 'Everyone in the workspace reads them, read-only keys too; the server key is never returned.',
      middleware: deps.inWorkspace(Rank.readOnly),
      responses: { 200: json(MidtransSettings), ...errorResponses },
    }),
    async (c) => c.json(await getMidtransSettings(c.var.ctx, deps.publicUrl ?? new URL(c.req.url).origin), 200),
  );

  r.openapi(
    createRoute({
      method: 'put', path: '/integrations/stripe', tags: ['integrations'], summary: "Set the workspace's Stripe account",
      description:
        'The secret key and the webhook signing secret are encrypted at rest and never returned; omit either to keep the stored one (both are required the first time). ' +
        "Add webhook_url as an endpoint in Stripe's dashboard for the payment_intent.* events. Admins only.",
      middleware: deps.inWorkspace(Rank.admin),
      request: { body: jsonBody(StripeSettingsInput) },
      responses: { 200: json(StripeSettings), ...errorResponses },
    }),
    async (c) => c.json(await putStripeSettings(c.var.ctx, deps.secrets, c.req.valid('json'), deps.publicUrl ?? new URL(c.req.url).origin), 200),
  );

  r.openapi(
    createRoute({
      method: 'get', path: '/integrations/stripe', tags: ['integrations'], summary: "The workspace's Stripe settings, without secrets",
      description: 'Everyone in the workspace reads them; the secret key and the signing secret are never returned.',
      middleware: deps.inWorkspace(Rank.readOnly),
      responses: { 200: json(StripeSettings), ...errorResponses },
    }),
    async (c) => c.json(await getStripeSettings(c.var.ctx, deps.publicUrl ?? new URL(c.req.url).origin), 200),
  );

  r.openapi(
    createRoute({
      method: 'get', path: '/integrations/payment-gateway', tags: ['integrations'], summary: 'Which gateway new payments use',
      middleware: deps.inWorkspace(Rank.readOnly),
      responses: { 200: json(GatewayChoice), ...errorResponses },
    }),
    async (c) => c.json(await getGatewayChoice(c.var.ctx), 200),
  );

  r.openapi(
    createRoute({
      method: 'put', path: '/integrations/payment-gateway', tags: ['integrations'], summary: "Choose the workspace's payment gateway",
      description: 'midtrans (Snap payment links, IDR) or stripe (manual-capture holds in the workspace currency); it must be set up first (409 otherwise). Payments already made stay with their gateway. Admins only.',
      middleware: deps.inWorkspace(Rank.admin),
      request: { body: jsonBody(GatewayChoiceInput) },
      responses: { 200: json(GatewayChoice), ...errorResponses },
    }),
    async (c) => c.json(await putGatewayChoice(c.var.ctx, c.req.valid('json')), 200),
  );

  const tags = ['payments'];

  r.openapi(
    createRoute({
      method: 'post', path: '/guest/bookings/{id}/payment', tags, summary: "A guest's payment hold for their booking (X-Workspace-Id, X-Guest-Token)",
      description:
        "Seed 003's guest checkout: where the workspace's gateway is Stripe, creates the manual-capture PaymentIntent for the guest's own booking waiting for payment (the same one when asked again) " +
        "and answers with its client_secret and the workspace's publishable key, for Stripe.js to authorise the card. 404 booking.not_found for a booking that is not this guest session's; " +
        '409 payment.stripe_not_configured where the gateway is not Stripe, 409 payment.nothing_to_pay once the booking no longer waits for payment. 20 a minute per address.',
      middleware: [rateLimit({ bucket: 'guest-payments', limit: 20, windowMs: 60_000 }), deps.anonymousPlace] as const,
      request: { params: IdParams },
      responses: { 200: json(GuestHold), ...errorResponses },
    }),
    async (c) => {
      const ws = c.req.header('x-workspace-id');
      const token = c.req.header('x-guest-token');
      if (!ws || !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(ws)) throw new AppError('workspace.invalid_id', 'invalid', 'name the workspace with X-Workspace-Id (a UUID)');
      if (!token) throw new AppError('guest.token_required', 'unauthenticated', 'send the guest session token as X-Guest-Token');
      if (!/^[0-9a-f]{64}$/.test(token)) throw new AppError('guest.invalid_token', 'unauthenticated', 'X-Guest-Token must be the 64 hex characters of a guest session token');
      return c.json(await guestBookingHold({ db: deps.db, secrets: deps.secrets, clock: deps.clock, log: c.var.log }, ws.toLowerCase(), token, c.req.valid('param').id), 200);
    },
  );

  r.openapi(
    createRoute({
      method: 'post', path: '/payments', tags, summary: 'Open a payment for an appointment or a booking: a Midtrans link or a Stripe hold',
      description:
        'With Midtrans, creates a Snap transaction (integer IDR gross_amount, the workspace\'s enabled payment methods and link expiry) and answers with its token and redirect_url. ' +
        "Where the workspace's gateway is Stripe, creates a manual-capture PaymentIntent in the booking's currency (amount in Stripe's minor units for that currency; idempotency key per booking and attempt) and answers with its client_secret; the hold is captured when the booking is completed and released when it is cancelled. " +
        'A target that already has an open link answers 409 payment.already_pending, a paid one 409 payment.already_paid.',
      middleware: deps.inWorkspace(Rank.member),
      request: { body: jsonBody(PaymentCreate) },
      responses: { 201: json(Payment, 'created'), ...errorResponses },
    }),
    async (c) => c.json(await payments.createPayment(c.var.ctx, deps.secrets, c.req.valid('json')), 201),
  );

  r.openapi(
    createRoute({
      method: 'get', path: '/payments', tags, summary: 'Payments, newest first',
      middleware: deps.inWorkspace(Rank.readOnly),
      request: { query: PaymentListQuery },
      responses: { 200: json(page(Payment)), ...errorResponses },
    }),
    async (c) => c.json(await payments.listPayments(c.var.ctx, c.req.valid('query')), 200),
  );

  r.openapi(
    createRoute({
      method: 'get', path: '/payments/{id}', tags, summary: 'A payment',
      middleware: deps.inWorkspace(Rank.readOnly),
      request: { params: IdParams },
      responses: { 200: json(Payment), ...errorResponses },
    }),
    async (c) => c.json(await payments.getPayment(c.var.ctx, c.req.valid('param').id), 200),
  );

  r.openapi(
    createRoute({
      method: 'post', path: '/payments/{id}/check', tags, summary: "Ask Midtrans for the payment's status and apply it",
      description: 'The answer goes through the same forward-only state machine as notifications.',
      middleware: deps.inWorkspace(Rank.member),
      request: { params: IdParams },
      responses: { 200: json(Payment), ...errorResponses },
    }),
    async (c) => c.json(await payments.checkPayment(c.var.ctx, deps.secrets, c.req.valid('param').id, deps.onPaymentChange), 200),
  );

  r.openapi(
    createRoute({
      method: 'post', path: '/payments/{id}/refund', tags, summary: 'Record a refund of a successful payment',
      description: 'Records the amount and reason in gateway_response and marks the payment refunded; the money itself moves through Midtrans or a transfer. Admins only.',
      middleware: deps.inWorkspace(Rank.admin),
      request: { params: IdParams, body: jsonBody(RefundInput) },
      responses: { 200: json(Payment), ...errorResponses },
    }),
    async (c) => c.json(await payments.refundPayment(c.var.ctx, c.req.valid('param').id, c.req.valid('json')), 200),
  );

  return r;
}

/** Midtrans's HTTP notification, public and mounted at the root. */
export function midtransWebhookRoutes(deps: RouteDeps & { onPaymentChange: PaymentListener }) {
  const r = createRouter();
  r.openapi(
    createRoute({
      method: 'post', path: WEBHOOK_PATH, tags: ['webhooks'], summary: 'Midtrans payment notification',
      description:
        "Midtrans's JSON notification, read from the raw body. signature_key must be SHA-512 of order_id + status_code + gross_amount + the workspace's server key (401 otherwise, and nothing changes). " +
        'transaction_status must go with the signed status_code (settlement and capture with 200, pending with 201, deny 202, ...; 401 otherwise). ' +
        "A notification that would change the payment is confirmed with Midtrans's status API first: 409 webhook.unconfirmed when Midtrans says otherwise, 503 when it cannot be asked (nothing changes; Midtrans retries). " +
        'A redelivered notification answers 200 and changes nothing; the payment status only moves forward.',
      responses: { 200: json(NotificationResult, 'received'), ...errorResponses },
    }),
    async (c) => c.json(await receiveMidtransNotification({ db: deps.db, secrets: deps.secrets, clock: deps.clock, log: c.var.log, onPaymentChange: deps.onPaymentChange }, await c.req.text()), 200),
  );
  return r;
}

/** Stripe's webhook, public and mounted at the root. */
export function stripeWebhookRoutes(deps: RouteDeps & { onPaymentChange: PaymentListener }) {
  const r = createRouter();
  r.openapi(
    createRoute({
      method: 'post', path: STRIPE_WEBHOOK_PATH, tags: ['webhooks'], summary: 'Stripe webhook (payment_intent.* events)',
      description:
        "Stripe's JSON event, read from the raw body. The PaymentIntent's metadata names the workspace; that workspace's signing secret must verify the Stripe-Signature header " +
        '(HMAC-SHA256 of "<t>.<body>", any of several v1 signatures, t within 300 seconds of now), or 401 and nothing changes. ' +
        'An event id seen before answers 200 duplicate and changes nothing; statuses only move forward (a late requires_capture after succeeded changes nothing). ' +
        'A PaymentIntent not stored yet (the webhook beat the create call) is stored from the event.',
      responses: { 200: json(StripeWebhookResult, 'received'), ...errorResponses },
    }),
    async (c) =>
      c.json(
        await receiveStripeWebhook({ db: deps.db, secrets: deps.secrets, clock: deps.clock, log: c.var.log, onPaymentChange: deps.onPaymentChange }, await c.req.text(), c.req.header('stripe-signature')),
        200,
      ),
  );
  return r;
}
