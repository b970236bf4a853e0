import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decimalToMinor, fromStripeAmount, stripeDigits, toStripeAmount } from './stripe.currency.ts';

// Stripe's "Supported currencies" page: zero-decimal, three-decimal, two-decimal (the rest),
// and the special cases. Amounts here are in the unit payments use (platform/money.ts).
describe("Stripe's minor units", () => {
  it.each([
    // currency, Stripe digits, our amount, Stripe's amount
    ['COP', 2, 150_000, 15_000_000], // two-decimal in Stripe's API; whole pesos here
    ['IDR', 2, 250_000, 25_000_000], // two-decimal in Stripe's API; whole rupiah here
    ['USD', 2, 4_999, 4_999], // cents both sides
    ['CAD', 2, 12_050, 12_050],
    ['JPY', 0, 500, 500], // zero-decimal
    ['KRW', 0, 10_000, 10_000],
    ['CLP', 0, 9_900, 9_900],
    ['UGX', 0, 5_000, 5_000],
    ['ISK', 2, 40, 4_000], // special case: two-decimal, divisible by 100
    ['KWD', 3, 512, 5_120], // three-decimal: the last digit is 0
    ['HUF', 2, 100_050, 100_050], // two-decimal for charges
  ] as const)('%s has %i digits in Stripe: %i is sent as %i', (currency, digits, amount, stripe) => {
    expect(stripeDigits(currency)).toBe(digits);
    expect(stripeDigits(currency.toLowerCase())).toBe(digits);
    expect(toStripeAmount(amount, currency)).toBe(stripe);
    expect(fromStripeAmount(stripe, currency)).toBe(amount);
  });

  it('refuses what Stripe cannot take exactly', () => {
    expect(toStripeAmount(0, 'USD')).toBeUndefined();
    expect(toStripeAmount(-5, 'USD')).toBeUndefined();
    expect(toStripeAmount(1.5, 'USD')).toBeUndefined();
    // A fraction of a peso is not an amount of ours, and a Stripe COP amount with centavos is not either.
    expect(fromStripeAmount(15_000_050, 'COP')).toBeUndefined();
  });

  it('reads a booking decimal in the unit payments use', () => {
    expect(decimalToMinor('150000.00', 'COP')).toBe(150_000);
    expect(decimalToMinor('150000', 'IDR')).toBe(150_000);
    expect(decimalToMinor('49.99', 'USD')).toBe(4_999);
    expect(decimalToMinor('49.9', 'USD')).toBe(4_990);
    expect(decimalToMinor('49.999', 'USD')).toBeUndefined();
    expect(decimalToMinor('150000.50', 'COP')).toBeUndefined();
    expect(decimalToMinor('0.00', 'USD')).toBeUndefined();
    expect(decimalToMinor('abc', 'USD')).toBeUndefined();
  });

  it('round-trips every whole amount in every kind of currency', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1_000_000_000 }), fc.constantFrom('COP', 'IDR', 'USD', 'JPY', 'ISK', 'KWD', 'EUR'), (amount, currency) => {
        const stripe = toStripeAmount(amount, currency);
        return stripe !== undefined && fromStripeAmount(stripe, currency) === amount;
      }),
    );
  });
});
