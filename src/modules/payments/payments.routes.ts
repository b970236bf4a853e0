import { Rank, type RouteDeps } from '../../platform/http/env.ts';
import { createRoute, createRouter, errorResponses, json, jsonBody, page, UuidParam, z } from '../../platform/http/router.ts';
import { MidtransSettings, MidtransSettingsInput, NotificationResult, Payment, PaymentCreate, PaymentListQuery, RefundInput } from './payments.schema.ts';
import * as payments from './payments.service.ts';
import type { PaymentListener } from './payments.service.ts';
import { getMidtransSettings, putMidtransSettings, WEBHOOK_PATH } from './settings.service.ts';
import { receiveMidtransNotification } from './webhook.service.ts';

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

  const tags = ['payments'];

  r.openapi(
    createRoute({
      method: 'post', path: '/payments', tags, summary: 'Open a Midtrans payment link for an appointment or a booking',
      description:
        'Creates a Snap transaction (integer IDR gross_amount, the workspace\'s enabled payment methods and link expiry) and answers with its token and redirect_url. ' +
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
