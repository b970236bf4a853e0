import { fold } from './text.ts';

/**
 * Amounts written in words, as people type them in chat: "enam ratus juta", "satu setengah
 * miliar", "dua ratus lima puluh ribu", "six hundred million", "forty thousand dollars". Each
 * run of number words is rewritten in digits before the budget is read, keeping its scale
 * word ("600 juta", "1500 juta", "250 ribu", "600 million", "40 thousand"), so that the
 * budget reader's own rules for currencies and scales apply unchanged.
 */

const UNITS: Record<string, number> = {
  nol: 0, satu: 1, dua: 2, tiga: 3, empat: 4, lima: 5, enam: 6, tujuh: 7, delapan: 8, sembilan: 9, sepuluh: 10, sebelas: 11,
  zero: 0, one: 1, two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7, eight: 8, nine: 9, ten: 10, eleven: 11, twelve: 12,
  thirteen: 13, fourteen: 14, fifteen: 15, sixteen: 16, seventeen: 17, eighteen: 18, nineteen: 19,
  twenty: 20, thirty: 30, forty: 40, fifty: 50, sixty: 60, seventy: 70, eighty: 80, ninety: 90,
};

/** Scale words: the words themselves are kept in the rewritten text, in the reader's spelling. */
const SCALES: Record<string, { value: number; family: 'id' | 'en' }> = {
  ribu: { value: 1e3, family: 'id' }, seribu: { value: 1e3, family: 'id' },
  juta: { value: 1e6, family: 'id' }, sejuta: { value: 1e6, family: 'id' },
  miliar: { value: 1e9, family: 'id' }, milyar: { value: 1e9, family: 'id' }, semiliar: { value: 1e9, family: 'id' },
  thousand: { value: 1e3, family: 'en' }, million: { value: 1e6, family: 'en' }, billion: { value: 1e9, family: 'en' },
};

const HUNDREDS = new Set(['ratus', 'seratus', 'hundred']);
const HALF = new Set(['setengah', 'half']);
const POINT = new Set(['koma', 'point']);
const JOINERS = new Set(['dan', 'and', 'a']);

interface Token {
  word: string;
  start: number;
  end: number;
}

function isNumberWord(w: string): boolean {
  return w in UNITS || w in SCALES || HUNDREDS.has(w) || HALF.has(w) || POINT.has(w) || w === 'belas' || w === 'puluh';
}

/** The value of one run of number words, and the family of its largest scale word. */
function valueOf(run: string[]): { value: number; scale?: { value: number; family: 'id' | 'en' } } | undefined {
  let total = 0;
  let small = 0;
  let last = 0;
  let decimals = false;
  let scale: { value: number; family: 'id' | 'en' } | undefined;
  let any = false;
  for (const w of run) {
    if (w in UNITS) {
      const u = UNITS[w]!;
      if (decimals) {
        small += u / 10;
        decimals = false;
      } else small += u;
      last = u;
      any = true;
    } else if (w === 'belas') small += 10;
    else if (w === 'puluh') small += last * 9;
    else if (w === 'seratus') (small += 100), (any = true);
    else if (HUNDREDS.has(w)) small = (small || 1) * 100;
    else if (HALF.has(w)) (small += 0.5), (any = true);
    else if (POINT.has(w)) decimals = true;
    else if (w in SCALES) {
      const s = SCALES[w]!;
      const own = w.startsWith('se') ? 1 : small || 1;
      total += own * s.value;
      small = 0;
      any = true;
      if (!scale || s.value > scale.value) scale = s;
    }
  }
  if (!any) return undefined;
  return { value: total + small, ...(scale ? { scale } : {}) };
}

/** "600000000" as "600 juta" (or "600 million"), "250000" as "250 ribu": whole numbers of the largest scale that divides it. */
function written(value: number, scale: { family: 'id' | 'en' } | undefined): string {
  if (!scale) return String(value);
  const names = scale.family === 'id' ? { 1e6: 'juta', 1e3: 'ribu' } : { 1e6: 'million', 1e3: 'thousand' };
  if (value >= 1e6 && Number.isInteger(value / 1e6)) return `${value / 1e6} ${names[1e6]}`;
  if (value >= 1e3 && Number.isInteger(value / 1e3)) return `${value / 1e3} ${names[1e3]}`;
  return String(Math.round(value));
}

/** The text (folded) with every run of number words written in digits. */
export function spellNumbers(text: string): string {
  const f = fold(text);
  const tokens: Token[] = [];
  for (const m of f.matchAll(/[\p{L}]+/gu)) tokens.push({ word: m[0], start: m.index, end: m.index + m[0].length });
  let out = '';
  let at = 0;
  for (let i = 0; i < tokens.length; ) {
    if (!isNumberWord(tokens[i]!.word)) {
      i++;
      continue;
    }
    let j = i;
    // A run: number words, with "dan"/"and"/"a" allowed between them ("two hundred and fifty").
    while (j < tokens.length && (isNumberWord(tokens[j]!.word) || (JOINERS.has(tokens[j]!.word) && j + 1 < tokens.length && isNumberWord(tokens[j + 1]!.word) && j > i))) j++;
    const run = tokens.slice(i, j).map((t) => t.word).filter((w) => !JOINERS.has(w));
    const v = valueOf(run);
    // "400 juta" is already in digits: a scale word alone is rewritten only as "sejuta"/"seribu".
    const counted = run.some((w) => !(w in SCALES) || w.startsWith('se'));
    if (v && counted && (v.scale || run.some((w) => HUNDREDS.has(w) || w === 'puluh' || w === 'belas'))) {
      out += f.slice(at, tokens[i]!.start) + written(v.value, v.scale);
      at = tokens[j - 1]!.end;
    }
    i = j;
  }
  return out + f.slice(at);
}
