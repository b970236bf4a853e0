import { fold } from './language.ts';

/**
 * Numbers as customers write and say them, in English and Spanish: digits with either
 * thousands separator ("40.000", "40,000"), abbreviations ("$40k", "40 mil", "1,5 M") and
 * words ("cuarenta mil", "forty thousand", "three").
 */

const UNITS: Record<string, number> = {
  zero: 0, one: 1, a: 1, an: 1, single: 1, two: 2, couple: 2, three: 3, four: 4, five: 5, six: 6, seven: 7, eight: 8, nine: 9, ten: 10,
  eleven: 11, twelve: 12, thirteen: 13, fourteen: 14, fifteen: 15, sixteen: 16, seventeen: 17, eighteen: 18, nineteen: 19,
  twenty: 20, thirty: 30, forty: 40, fifty: 50, sixty: 60, seventy: 70, eighty: 80, ninety: 90, hundred: 100,
  cero: 0, un: 1, uno: 1, una: 1, dos: 2, tres: 3, cuatro: 4, cinco: 5, seis: 6, siete: 7, ocho: 8, nueve: 9, diez: 10,
  once: 11, doce: 12, trece: 13, catorce: 14, quince: 15, dieciseis: 16, diecisiete: 17, dieciocho: 18, diecinueve: 19,
  veinte: 20, veintiuno: 21, veintidos: 22, veintitres: 23, veinticuatro: 24, veinticinco: 25, treinta: 30, cuarenta: 40, cincuenta: 50,
  sesenta: 60, setenta: 70, ochenta: 80, noventa: 90, cien: 100, ciento: 100, doscientos: 200, trescientos: 300, cuatrocientos: 400,
  quinientos: 500, seiscientos: 600, setecientos: 700, ochocientos: 800, novecientos: 900,
};
const SCALES: Record<string, number> = { thousand: 1e3, k: 1e3, mil: 1e3, million: 1e6, millions: 1e6, millon: 1e6, millones: 1e6, m: 1e6, mm: 1e6 };
const JOINERS = new Set(['and', 'y']);

/** Words that are numbers ("cuarenta mil", "two hundred", "a couple"): the value, or undefined. */
export function wordsToNumber(text: string): number | undefined {
  const ws = fold(text).split(/[\s-]+/).filter(Boolean);
  if (ws.length === 0) return undefined;
  let total = 0;
  let group = 0;
  let seen = false;
  for (const w of ws) {
    if (JOINERS.has(w) && seen) continue;
    if (w === 'of' && seen) continue;
    if (UNITS[w] !== undefined) {
      if (w === 'hundred') group = (group || 1) * 100;
      else group += UNITS[w];
      seen = true;
    } else if (SCALES[w] !== undefined && w !== 'k' && w !== 'm' && w !== 'mm') {
      total += (group || 1) * SCALES[w];
      group = 0;
      seen = true;
    } else return undefined;
  }
  return seen ? total + group : undefined;
}

/** A count written in digits or words ("3", "three", "tres", "a couple"), 1-999. */
export function countOf(token: string): number | undefined {
  const t = fold(token).trim();
  const n = /^\d{1,3}$/.test(t) ? Number(t) : wordsToNumber(t);
  return n !== undefined && n >= 1 && n <= 999 ? n : undefined;
}

/** Digits with a thousands separator or a decimal comma ("40.000", "1,5", "40,000.50"). */
function digits(raw: string): number | undefined {
  let s = raw.replace(/\s/g, '');
  if (/^\d{1,3}(?:[.,]\d{3})+$/.test(s)) return Number(s.replace(/[.,]/g, ''));
  if (/^\d+,\d{1,2}$/.test(s)) s = s.replace(',', '.');
  else s = s.replace(/,/g, '');
  const n = Number(s);
  return Number.isFinite(n) ? n : undefined;
}

const NUMBER_WORD = `(?:${Object.keys(UNITS).filter((w) => w.length > 1).join('|')})`;
// A figure ("$40k", "40 mil", "40.000", "1,5 millones") or words ("cuarenta mil", "forty thousand").
const AMOUNT = new RegExp(
  `(?:(?<currency>[$€£]|usd|cop|cad|us\\$|col\\$)\\s*)?(?:(?<figure>\\d{1,3}(?:[.,]\\d{3})+|\\d+(?:[.,]\\d{1,2})?)|(?<words>${NUMBER_WORD}(?:[\\s-]+(?:y\\s+|and\\s+)?${NUMBER_WORD})*))\\s*(?<scale>k|mil|thousand|m|mm|millones|millon|millions?|lucas?)?(?![\\p{L}\\p{N}])\\s*(?<after>pesos?|dolares|dollars?|bucks|usd|cop|cad)?`,
  'giu',
);

/**
 * A sum of money in the message, in whole units of the currency: "$40k" and "40 mil pesos"
 * and "cuarenta mil" are 40000. Only a figure with a currency sign or word, or with a scale
 * ("k", "mil", "millones"), counts, so "3 loads" or "at 10" is never read as money.
 */
export function extractMoney(message: string): number | undefined {
  const f = fold(message);
  for (const m of f.matchAll(AMOUNT)) {
    const g = m.groups ?? {};
    if (!g.currency && !g.scale && !g.after) continue;
    let value = g.figure !== undefined ? digits(g.figure) : wordsToNumber(g.words ?? '');
    if (value === undefined) continue;
    const scale = g.scale === undefined ? 1 : /^(?:k|mil|thousand|lucas?)$/.test(g.scale) ? 1e3 : 1e6;
    // "cuarenta mil" already counted the "mil" when read as words.
    if (g.words && g.scale && /mil|thousand|millon|million/.test(g.scale)) value = wordsToNumber(`${g.words} ${g.scale === 'millones' ? 'millon' : g.scale}`) ?? value * scale;
    else value *= scale;
    if (value > 0) return Math.round(value * 100) / 100;
  }
  return undefined;
}
