import { minorDigits } from '../../platform/money.ts';

/**
 * Stripe's amounts, from its "Supported currencies" page (docs.stripe.com/currencies): every
 * amount is an integer in the currency's smallest unit, and Stripe decides how many digits that
 * is, which is not always ISO 4217's nor ours (platform/money.ts, where IDR, COP and ISK amounts
 * are whole units):
 * - zero-decimal currencies are sent as they are (JPY 500 is 500);
 * - three-decimal currencies are sent in thousandths, and the last digit must be 0;
 * - every other currency is two-decimal, IDR and COP included (COP 150.000 is 15000000);
 * - special cases: ISK became zero-decimal in practice but stays two-decimal in the API, so its
 *   amounts must be divisible by 100; HUF and TWD are two-decimal for charges (zero-decimal only
 *   for payouts), which a whole amount satisfies as well.
 */
export const STRIPE_ZERO_DECIMAL = ['BIF', 'CLP', 'DJF', 'GNF', 'JPY', 'KMF', 'KRW', 'MGA', 'PYG', 'RWF', 'UGX', 'VND', 'VUV', 'XAF', 'XOF', 'XPF'] as const;
export const STRIPE_THREE_DECIMAL = ['BHD', 'JOD', 'KWD', 'OMR', 'TND'] as const;
/** Two-decimal in Stripe's API, but only whole units may be charged (amount divisible by 100). */
export const STRIPE_WHOLE_UNITS_ONLY = ['ISK'] as const;

const ZERO = new Set<string>(STRIPE_ZERO_DECIMAL);
const THREE = new Set<string>(STRIPE_THREE_DECIMAL);
const WHOLE = new Set<string>(STRIPE_WHOLE_UNITS_ONLY);

/** How many digits Stripe's integer amount has after the point in `currency`. */
export function stripeDigits(currency: string): 0 | 2 | 3 {
  const c = currency.toUpperCase();
  return ZERO.has(c) ? 0 : THREE.has(c) ? 3 : 2;
}

/**
 * An amount in the unit payments use (money.ts: rupiah, pesos, cents) as Stripe's integer
 * amount, or undefined when Stripe cannot take it exactly (a fraction Stripe has no digit for,
 * a fraction of an ISK, a three-decimal amount whose last digit would not be 0).
 */
export function toStripeAmount(amount: number, currency: string): number | undefined {
  if (!Number.isSafeInteger(amount) || amount <= 0) return undefined;
  const shift = stripeDigits(currency) - minorDigits(currency);
  const stripe = shift >= 0 ? amount * 10 ** shift : amount / 10 ** -shift;
  if (!Number.isSafeInteger(stripe)) return undefined;
  const c = currency.toUpperCase();
  if (WHOLE.has(c) && stripe % 100 !== 0) return undefined;
  if (THREE.has(c) && stripe % 10 !== 0) return undefined;
  return stripe;
}

/** Stripe's integer amount in the unit payments use, or undefined when it has a fraction of it. */
export function fromStripeAmount(stripe: number, currency: string): number | undefined {
  if (!Number.isSafeInteger(stripe) || stripe < 0) return undefined;
  const shift = stripeDigits(currency) - minorDigits(currency);
  const amount = shift >= 0 ? stripe / 10 ** shift : stripe * 10 ** -shift;
  return Number.isSafeInteger(amount) ? amount : undefined;
}

/**
 * A decimal amount as stored on a booking ("150000.00", "49.99") in the unit payments use for
 * `currency`, or undefined when it is not positive or has more digits than that unit.
 */
export function decimalToMinor(decimal: string, currency: string): number | undefined {
  const m = /^(\d{1,15})(?:\.(\d{1,6}))?$/.exec(decimal.trim());
  if (!m) return undefined;
  const digits = minorDigits(currency);
  const fraction = (m[2] ?? '').replace(/0+$/, '');
  if (fraction.length > digits) return undefined;
  const minor = Number(m[1]) * 10 ** digits + Number(fraction.padEnd(digits, '0') || '0');
  return Number.isSafeInteger(minor) && minor > 0 ? minor : undefined;
}
