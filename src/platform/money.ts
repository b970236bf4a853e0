/**
 * Money, once: how many digits a currency's minor unit has, and the one formatter every
 * product's wording calls with its own style (ARI's "Rp 500.000", Amara's "$ 160.000 COP",
 * the receptionist's "$39").
 */

/**
 * Currencies whose integer amounts are whole units here: IDR has no minor unit in practice
 * (Midtrans takes whole rupiah), the catalogue stores COP as whole pesos, and neither do these.
 */
const ZERO_DECIMAL = new Set(['IDR', 'JPY', 'KRW', 'VND', 'CLP', 'COP', 'ISK', 'UGX', 'PYG']);

export function minorDigits(currency: string): number {
  return ZERO_DECIMAL.has(currency.toUpperCase()) ? 0 : 2;
}

/** An integer amount in the unit payments use (IDR: rupiah; USD: cents) in whole units. */
export function fromMinor(minor: number, currency: string): number {
  return minor / 10 ** minorDigits(currency);
}

export interface MoneyStyle {
  /** A BCP 47 locale: 'id-ID', 'es-CO', 'en'. */
  locale: string;
  /**
   * Digits after the point: 'minor', always the currency's minor digits; 'trim', none for a
   * whole amount and the currency's otherwise; 0, rounded to whole units.
   */
  fraction: 'minor' | 'trim' | 0;
  /** 'narrowSymbol' writes a bare '$' where the locale would write 'US$' or 'CA$'. */
  symbol?: 'symbol' | 'narrowSymbol';
  /** Plain spaces for Intl's non-breaking ones, as people type in a chat. */
  plainSpaces?: boolean;
  /** Adds the code when the text does not name the currency: a bare '$' is also the dollar. */
  nameCurrency?: boolean;
}

/** An amount in whole units; a currency Intl does not know is written as its code and the number. */
export function formatMoney(amount: number, currency: string, style: MoneyStyle): string {
  const digits = style.fraction === 'minor' ? minorDigits(currency) : style.fraction === 'trim' ? (Number.isInteger(amount) ? 0 : minorDigits(currency)) : 0;
  let text: string;
  try {
    text = new Intl.NumberFormat(style.locale, {
      style: 'currency',
      currency,
      currencyDisplay: style.symbol ?? 'symbol',
      minimumFractionDigits: digits,
      maximumFractionDigits: digits,
    }).format(amount);
  } catch {
    return `${currency} ${amount}`;
  }
  const named = style.nameCurrency && !text.includes(currency) ? `${text} ${currency}` : text;
  return style.plainSpaces ? named.replace(/\u00a0/g, ' ') : named;
}
