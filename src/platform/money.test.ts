import { expect, it } from 'vitest';
import { formatMoney, fromMinor, minorDigits } from './money.ts';

it('counts rupiah and pesos as whole units and the dollar in cents, whatever the case of the code', () => {
  expect([minorDigits('IDR'), minorDigits('cop'), minorDigits('USD'), minorDigits('cad')]).toEqual([0, 0, 2, 2]);
  expect([fromMinor(500_000, 'IDR'), fromMinor(3900, 'CAD'), fromMinor(1250, 'USD')]).toEqual([500_000, 39, 12.5]);
});

it("writes each product's style from the one formatter", () => {
  // ARI: rupiah with a plain space.
  expect(formatMoney(500_000, 'IDR', { locale: 'id-ID', fraction: 0, plainSpaces: true })).toBe('Rp 500.000');
  // Amara: always the minor digits, and the code where the symbol does not name the currency.
  expect(formatMoney(160_000, 'COP', { locale: 'es-CO', fraction: 'minor', plainSpaces: true, nameCurrency: true })).toBe('$ 160.000 COP');
  expect(formatMoney(32.5, 'USD', { locale: 'en-US', fraction: 'minor', plainSpaces: true, nameCurrency: true })).toBe('$32.50 USD');
  // The receptionist: a bare '$', cents only when there are some.
  expect(formatMoney(39, 'CAD', { locale: 'en-CA', fraction: 'trim', symbol: 'narrowSymbol' })).toBe('$39');
  expect(formatMoney(12.5, 'CAD', { locale: 'en-CA', fraction: 'trim', symbol: 'narrowSymbol' })).toBe('$12.50');
});

it('writes a currency Intl does not know as its code and the number instead of failing', () => {
  expect(formatMoney(12.5, 'NOT A CODE', { locale: 'en', fraction: 'trim' })).toBe('NOT A CODE 12.5');
});
