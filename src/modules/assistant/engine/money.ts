import { localeOf } from './language.ts';
import type { Language } from './types.ts';

/**
 * Currencies whose integer amounts are whole units here: IDR has no minor unit in practice
 * (Midtrans takes whole rupiah), and neither do these.
 */
const ZERO_DECIMAL = new Set(['IDR', 'JPY', 'KRW', 'VND', 'CLP', 'COP', 'ISK', 'UGX', 'PYG']);

const IDR = new Intl.NumberFormat('id-ID', { maximumFractionDigits: 0 });

export function minorDigits(currency: string): number {
  return ZERO_DECIMAL.has(currency.toUpperCase()) ? 0 : 2;
}

/** An amount in major units: "Rp 500.000", "US$30,000.00" -> "$30,000". */
export function formatMajor(amount: number, currency: string, language: Language): string {
  const code = currency.toUpperCase();
  if (code === 'IDR') return `Rp ${IDR.format(amount)}`;
  const fraction = Number.isInteger(amount) ? 0 : minorDigits(code);
  try {
    return new Intl.NumberFormat(localeOf(language), { style: 'currency', currency: code, minimumFractionDigits: fraction, maximumFractionDigits: fraction }).format(amount);
  } catch {
    return `${code} ${amount}`;
  }
}

/** An integer amount in the unit payments use (IDR: rupiah; USD: cents). */
export function formatMinor(amount: number, currency: string, language: Language): string {
  return formatMajor(amount / 10 ** minorDigits(currency), currency, language);
}
