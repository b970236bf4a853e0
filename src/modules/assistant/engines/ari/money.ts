import { formatMoney, fromMinor } from '../../../../platform/money.ts';
import { localeOf } from './language.ts';
import type { Language } from './types.ts';

/** An amount in major units as ARI writes it: "Rp 500.000" in any language, "$30,000" for US$30,000.00. */
export function formatMajor(amount: number, currency: string, language: Language): string {
  const code = currency.toUpperCase();
  if (code === 'IDR') return formatMoney(amount, code, { locale: 'id-ID', fraction: 0, plainSpaces: true });
  return formatMoney(amount, code, { locale: localeOf(language), fraction: 'trim' });
}

/** An integer amount in the unit payments use (IDR: rupiah; USD: cents). */
export function formatMinor(amount: number, currency: string, language: Language): string {
  return formatMajor(fromMinor(amount, currency), currency, language);
}
