import Stripe from 'stripe';
import { AppError } from '../../platform/errors.ts';
import { outboundFetch, outboundLog } from '../../platform/http/outbound.ts';

/**
 * The Stripe calls we make, through the official client with its HTTP going through the
 * project's one outbound client (which refuses private targets unless the operator allows the
 * host). The API base is Stripe's own unless the workspace names another (a fake in tests, a
 * proxy), like Midtrans's base_url.
 */
export interface StripeEndpoint {
  secretKey: string;
  /** https://api.stripe.com when null. */
  apiBaseUrl: string | null;
}

/** The fields of a PaymentIntent we read. */
export interface StripeIntent {
  id: string;
  status: string;
  amount: number;
  amount_capturable?: number;
  amount_received?: number;
  currency: string;
  capture_method?: string;
  client_secret?: string | null;
  metadata?: Record<string, string> | null;
  latest_charge?: unknown;
  livemode?: boolean;
}

const TIMEOUT_MS = 10_000;

export function stripeClient(e: StripeEndpoint): Stripe {
  const base = e.apiBaseUrl ? new URL(e.apiBaseUrl) : undefined;
  return new Stripe(e.secretKey, {
    httpClient: Stripe.createFetchHttpClient(outboundFetch as typeof fetch),
    // Our idempotency keys make our own retries safe; the caller (a person, Stripe's webhook
    // retries, the status listener) decides when to try again.
    maxNetworkRetries: 0,
    timeout: TIMEOUT_MS,
    telemetry: false,
    ...(base
      ? { protocol: base.protocol === 'http:' ? ('http' as const) : ('https' as const), host: base.hostname, port: base.port || (base.protocol === 'http:' ? 80 : 443) }
      : {}),
  });
}

/**
 * A failed call as the tenant sees it: a fixed message by the status class, and Stripe's error
 * code when it looks like one. Stripe's message stays in the server's log: with a tenant-set
 * base URL it could be any service's body.
 */
function failure(err: unknown, what: string): AppError {
  const e = err as { type?: string; statusCode?: number; code?: string; message?: string };
  const status = typeof e.statusCode === 'number' ? e.statusCode : undefined;
  const stripe_code = typeof e.code === 'string' && /^[a-z_]{1,80}$/.test(e.code) ? e.code : undefined;
  outboundLog()?.warn({ err_type: e.type, gateway_status: status, stripe_code, gateway_message: e.message }, `Stripe ${what} failed`);
  if (status === undefined || status >= 500 || status === 429) {
    return new AppError('payment.gateway_unavailable', 'unavailable', 'Stripe did not answer; try again', undefined, { cause: err });
  }
  const details = { gateway_status: `${Math.floor(status / 100)}xx`, ...(stripe_code ? { stripe_code } : {}) };
  if (status === 401 || status === 403) {
    return new AppError('payment.gateway_unauthorized', 'conflict', 'Stripe refused the secret key: check the Stripe settings', details);
  }
  return new AppError('payment.gateway_refused', 'conflict', `Stripe refused the ${what} (HTTP ${details.gateway_status}): check the amount, the currency and the Stripe settings`, details);
}

const asIntent = (pi: unknown) => pi as StripeIntent;

export interface HoldRequest {
  amount: number;
  currency: string;
  description: string;
  metadata: Record<string, string>;
  receiptEmail?: string | undefined;
  idempotencyKey: string;
}

/** A manual-capture PaymentIntent: the card is authorised now and charged only when captured. */
export async function createHoldIntent(e: StripeEndpoint, r: HoldRequest): Promise<StripeIntent> {
  try {
    return asIntent(
      await stripeClient(e).paymentIntents.create(
        {
          amount: r.amount,
          currency: r.currency.toLowerCase(),
          capture_method: 'manual',
          automatic_payment_methods: { enabled: true },
          description: r.description,
          metadata: r.metadata,
          ...(r.receiptEmail ? { receipt_email: r.receiptEmail } : {}),
        },
        { idempotencyKey: r.idempotencyKey },
      ),
    );
  } catch (err) {
    throw failure(err, 'payment hold');
  }
}

export async function retrieveIntent(e: StripeEndpoint, id: string): Promise<StripeIntent> {
  try {
    return asIntent(await stripeClient(e).paymentIntents.retrieve(id));
  } catch (err) {
    throw failure(err, 'status check');
  }
}

/**
 * Captures or cancels the PaymentIntent. A PaymentIntent already past the state the call needs
 * (captured, cancelled, or never authorised) answers 400 payment_intent_unexpected_state; then
 * its current state is read and returned, for the caller to apply as it is.
 */
export async function settleIntent(e: StripeEndpoint, id: string, action: 'capture' | 'cancel', reason?: 'requested_by_customer' | 'abandoned'): Promise<StripeIntent> {
  const client = stripeClient(e);
  try {
    return asIntent(
      action === 'capture'
        ? await client.paymentIntents.capture(id, {}, { idempotencyKey: `frontdesk-capture-${id}` })
        : await client.paymentIntents.cancel(id, reason ? { cancellation_reason: reason } : {}, { idempotencyKey: `frontdesk-cancel-${id}` }),
    );
  } catch (err) {
    if ((err as { code?: string }).code === 'payment_intent_unexpected_state') return retrieveIntent(e, id);
    throw failure(err, action === 'capture' ? 'capture' : 'release');
  }
}
