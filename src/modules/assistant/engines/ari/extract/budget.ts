// How much the lead can spend: amounts written in figures, words and abbreviations, in any currency.

import { spellNumbers } from '../numbers.ts';
import { fold, tidy, words } from '../text.ts';
import type { Language } from '../types.ts';

export interface BudgetFact {
  budget: string;
  budget_amount: number;
  budget_currency: string;
}

/** Multiplier words after a number, longest first. `m` depends on the currency (see below). */
const MULTIPLIERS: [string, number][] = [
  ['mil millones', 1e9], ['miliar', 1e9], ['milyar', 1e9], ['milliard', 1e9], ['billion', 1e9], ['bn', 1e9],
  ['millones', 1e6], ['millon', 1e6], ['million', 1e6], ['juta', 1e6], ['jt', 1e6], ['jta', 1e6], ['mio', 1e6], ['mn', 1e6],
  ['ribu', 1e3], ['rb', 1e3], ['thousand', 1e3], ['mil', 1e3], ['k', 1e3], ['m', 0],
];
const MULTIPLIER_RES: [string, number, RegExp][] = MULTIPLIERS.map(([word, value]) => [word, value, new RegExp(`^\\s*${word.replace(/\s/g, '\\s+')}(?![\\p{L}])`, 'u')]);
const INDONESIAN_MULTIPLIERS = new Set(['miliar', 'milyar', 'juta', 'jt', 'jta', 'ribu', 'rb']);

/** Currency markers right before the amount, folded. */
const CURRENCY_BEFORE = /(rp\.?|idr|us\$|usd|a\$|aud|c\$|cad|s\$|sgd|nz\$|nzd|€|eur|£|gbp|¥|jpy|cop|mxn|\$)\s*$/;
const CURRENCY_SYMBOLS: Record<string, string> = {
  rp: 'IDR', 'rp.': 'IDR', idr: 'IDR', us$: 'USD', usd: 'USD', a$: 'AUD', aud: 'AUD', c$: 'CAD', cad: 'CAD', s$: 'SGD', sgd: 'SGD',
  nz$: 'NZD', nzd: 'NZD', '€': 'EUR', eur: 'EUR', '£': 'GBP', gbp: 'GBP', '¥': 'JPY', jpy: 'JPY', cop: 'COP', mxn: 'MXN', $: '$',
};
/** Currency words right after the amount (and its multiplier), folded. */
const CURRENCY_AFTER: [RegExp, string][] = [
  [/^\s*(?:rupiah|idr|rp)\b/, 'IDR'],
  [/^\s*(?:usd|us dollars?|dolares? (?:americanos?|estadounidenses?)|dollars? amerika)\b/, 'USD'],
  [/^\s*(?:aud|australian dollars?|dolar australia)\b/, 'AUD'],
  [/^\s*(?:cad|canadian dollars?)\b/, 'CAD'],
  [/^\s*(?:sgd|singapore dollars?)\b/, 'SGD'],
  [/^\s*(?:eur|euros?)\b/, 'EUR'],
  [/^\s*(?:gbp|pounds?(?: sterling)?|poundsterling|libras?)\b/, 'GBP'],
  [/^\s*(?:jpy|yen)\b/, 'JPY'],
  [/^\s*(?:cop|pesos? colombianos?)\b/, 'COP'],
  [/^\s*(?:mxn|pesos? mexicanos?)\b/, 'MXN'],
  [/^\s*pesos?\b/, 'PESO'],
  [/^\s*(?:dollars?|dolares?|dolar)\b/, '$'],
];

/**
 * "500.000.000" (dots for thousands), "30,000", "1,5" and "1.5" (decimals): a single kind of
 * separator followed by exactly three digits groups thousands; otherwise the last separator
 * is the decimal mark.
 */
export function parseAmount(text: string): number {
  const seps = text.match(/[.,]/g) ?? [];
  if (seps.length === 0) return Number(text);
  const last = Math.max(text.lastIndexOf('.'), text.lastIndexOf(','));
  const tail = text.slice(last + 1);
  if (new Set(seps).size === 1 && tail.length === 3) return Number(text.replace(/[.,]/g, ''));
  return Number(text.slice(0, last).replace(/[.,]/g, '') + '.' + tail);
}

/**
 * A budget: an amount with a currency ("Rp 500.000.000", "$30k", "30 mil dólares", "AUD 40,000")
 * or a multiplier word ("500 juta", "1,5 miliar"). Without a currency, Indonesian multipliers
 * mean rupiah and anything else means the workspace's currency; "1M" is a miliar in rupiah and
 * a million otherwise; "mil" is a thousand in Spanish. When the budget was just asked, a bare
 * number from 1,000 up counts too. Of a range ("300-500 juta"), the top is kept.
 */
export function extractBudget(message: string, opts: { currency: string; language: Language; asked?: boolean }): BudgetFact | undefined {
  // "enam ratus juta" is read as "600 juta".
  const spelled = spellNumbers(message);
  const original = spelled !== fold(message) ? spelled : message.normalize('NFC');
  const f = fold(original);
  const shown = f.length === original.length ? original : f;
  const numberRe = /(?<![\d.,])(\d+(?:[.,]\d+)*)/g;
  let found: BudgetFact | undefined;
  let rangeStart: number | undefined;
  for (let m = numberRe.exec(f); m; m = numberRe.exec(f)) {
    const numText = m[1]!;
    const before = f.slice(Math.max(0, m.index - 8), m.index);
    const after = f.slice(m.index + numText.length);
    // A number glued to letters that are not a currency ("S2", "b2") is no amount.
    const cb = CURRENCY_BEFORE.exec(before);
    if (!cb && /\p{L}$/u.test(before)) continue;
    let multiplier = 1;
    let multLen = 0;
    let multWord: string | undefined;
    for (const [word, value, re] of MULTIPLIER_RES) {
      const mm = re.exec(after);
      if (mm) {
        multiplier = value;
        multWord = word;
        multLen = mm[0].length;
        break;
      }
    }
    const afterMult = after.slice(multLen);
    const ca = CURRENCY_AFTER.find(([re]) => re.test(afterMult));
    let currency = cb ? CURRENCY_SYMBOLS[cb[1]!] : ca?.[1];
    if (!multWord && !currency && /^\s*-\s*\d/.test(after)) {
      // "300 - 500 juta": the first number of a range takes the second's unit.
      rangeStart ??= m.index - (cb?.[0].length ?? 0);
      continue;
    }
    if (currency === '$') currency = 'USD';
    if (currency === 'PESO') currency = /^(COP|MXN|ARS|CLP)$/.test(opts.currency) ? opts.currency : 'COP';
    if (!currency && multWord && INDONESIAN_MULTIPLIERS.has(multWord)) currency = 'IDR';
    if (multWord === 'm') multiplier = (currency ?? (opts.language === 'id' ? 'IDR' : opts.currency)) === 'IDR' ? 1e9 : 1e6;
    if (multWord === 'mil' && opts.language !== 'es' && !/^\s*(?:pesos?|dolares?|euros?)\b/.test(afterMult)) multiplier = 1e6;
    const bare = !currency && !multWord;
    const value = parseAmount(numText) * multiplier;
    if ((bare && !opts.asked) || !Number.isFinite(value) || value <= 0 || (bare && (value < 1000 || /^(?:19|20)\d\d$/.test(numText)))) {
      rangeStart = undefined;
      continue;
    }
    const start = rangeStart ?? m.index - (cb?.[0].length ?? 0);
    const end = m.index + numText.length + multLen + (ca ? (ca[0].exec(afterMult)?.[0].length ?? 0) : 0);
    found = {
      budget: tidy(shown.slice(start, end)) || numText,
      budget_amount: Math.round(value),
      budget_currency: currency ?? opts.currency,
    };
    rangeStart = undefined;
  }
  return found;
}
