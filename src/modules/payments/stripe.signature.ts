import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Stripe's webhook signature (docs.stripe.com/webhooks, "verify manually"): the
 * `Stripe-Signature` header is `t=<unix seconds>,v1=<hex>[,v1=<hex>...][,v0=...]`; each v1 is
 * HMAC-SHA256 of `<t>.<raw body>` keyed with the endpoint's signing secret (several when the
 * secret is being rolled). Other schemes (v0, test-mode) are ignored. The timestamp must be
 * within `toleranceSeconds` of now (300, as Stripe's libraries default), so a captured
 * delivery cannot be replayed later.
 */
export const STRIPE_SIGNATURE_TOLERANCE_SECONDS = 300;

export type StripeSignatureCheck = { ok: true; timestamp: number } | { ok: false; reason: string };

export function stripeSignature(payload: string, timestamp: number, secret: string): string {
  return createHmac('sha256', secret).update(`${timestamp}.${payload}`, 'utf8').digest('hex');
}

export function verifyStripeSignature(payload: string, header: string | undefined, secret: string, now: Date, toleranceSeconds = STRIPE_SIGNATURE_TOLERANCE_SECONDS): StripeSignatureCheck {
  if (!header) return { ok: false, reason: 'no Stripe-Signature header' };
  let timestamp: number | undefined;
  const v1: string[] = [];
  for (const part of header.split(',')) {
    const i = part.indexOf('=');
    if (i < 0) continue;
    const key = part.slice(0, i).trim();
    const value = part.slice(i + 1).trim();
    if (key === 't' && /^\d{1,12}$/.test(value)) timestamp = Number(value);
    else if (key === 'v1' && /^[0-9a-f]{64}$/i.test(value)) v1.push(value.toLowerCase());
  }
  if (timestamp === undefined) return { ok: false, reason: 'the Stripe-Signature header has no timestamp' };
  if (v1.length === 0) return { ok: false, reason: 'the Stripe-Signature header has no v1 signature' };
  const expected = Buffer.from(stripeSignature(payload, timestamp, secret), 'utf8');
  // Every candidate is compared, in constant time each, whichever matched.
  let matched = false;
  for (const given of v1) matched = timingSafeEqual(Buffer.from(given, 'utf8'), expected) || matched;
  if (!matched) return { ok: false, reason: 'no v1 signature matches the signing secret' };
  if (Math.abs(now.getTime() / 1000 - timestamp) > toleranceSeconds) return { ok: false, reason: 'the signature timestamp is outside the tolerance' };
  return { ok: true, timestamp };
}
