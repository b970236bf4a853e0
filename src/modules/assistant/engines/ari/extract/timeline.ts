// When the lead means to go: months, years, "next year", "as soon as possible", or not yet known.

import { findPhrase, fold, hasPhrase, phraseIndex, tidy } from '../text.ts';

export interface TimelineFact {
  timeline: string;
  timeline_year?: number;
  timeline_month?: number;
  timeline_vague?: boolean;
}

export const MONTHS: [string, number][] = [
  ['januari', 1], ['january', 1], ['enero', 1], ['jan', 1],
  ['februari', 2], ['pebruari', 2], ['february', 2], ['febrero', 2], ['feb', 2],
  ['maret', 3], ['march', 3], ['marzo', 3],
  ['april', 4], ['abril', 4],
  ['mei', 5], ['mayo', 5],
  ['juni', 6], ['june', 6], ['junio', 6],
  ['juli', 7], ['july', 7], ['julio', 7],
  ['agustus', 8], ['august', 8], ['agosto', 8], ['agt', 8],
  ['september', 9], ['septiembre', 9], ['setiembre', 9], ['sept', 9], ['sep', 9],
  ['oktober', 10], ['october', 10], ['octubre', 10], ['okt', 10], ['oct', 10],
  ['november', 11], ['noviembre', 11], ['nov', 11],
  ['desember', 12], ['december', 12], ['diciembre', 12], ['des', 12], ['dec', 12],
];

/** Abbreviations that are months only next to a year or when the timeline was asked. */
const SHORT_MONTHS = new Set(['jan', 'feb', 'agt', 'sept', 'sep', 'okt', 'oct', 'nov', 'des', 'dec']);

const NUMBER_WORDS: Record<string, number> = {
  satu: 1, se: 1, one: 1, a: 1, un: 1, uno: 1, dua: 2, two: 2, dos: 2, tiga: 3, three: 3, tres: 3, empat: 4, four: 4, cuatro: 4, lima: 5, five: 5, cinco: 5,
};

const VAGUE_ALWAYS = ['masih lama', 'beberapa tahun lagi', 'a few years', 'someday', 'some day', 'en unos anos', 'algun dia', 'dalam beberapa tahun'];
const VAGUE_WHEN_ASKED = ['nanti dulu', 'nanti aja', 'nanti saja', 'belum tahu', 'belum tau', 'blm tau', 'belum pasti', 'belum kepikiran', 'tidak tahu', 'gak tau', 'ga tau', 'nggak tau', 'not sure', 'dont know', "don't know", 'no idea', 'later', 'not yet', 'no se', 'todavia no se', 'mas adelante', 'no estoy seguro', 'no estoy segura'];
const ASAP = ['secepatnya', 'segera', 'asap', 'as soon as possible', 'lo antes posible', 'cuanto antes', 'lo mas pronto'];

const ZONED = new Map<string, Intl.DateTimeFormat>();
let lastZoned: { time: number; timeZone: string; value: ReturnType<typeof zoned> } | undefined;

/** Calendar fields of an instant in a time zone (formatters are cached: building one is slow). */
function zoned(now: Date, timeZone: string): { year: number; month: number; day: number; hour: number; weekday: number } {
  if (lastZoned && lastZoned.time === now.getTime() && lastZoned.timeZone === timeZone) return lastZoned.value;
  let fmt = ZONED.get(timeZone);
  if (!fmt) {
    fmt = new Intl.DateTimeFormat('en-US', { timeZone, year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', hourCycle: 'h23', weekday: 'short' });
    ZONED.set(timeZone, fmt);
  }
  const parts = fmt.formatToParts(now);
  const get = (t: string) => parts.find((p) => p.type === t)?.value ?? '';
  const value = {
    year: Number(get('year')),
    month: Number(get('month')),
    day: Number(get('day')),
    hour: Number(get('hour')) % 24,
    weekday: ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'].indexOf(get('weekday')),
  };
  lastZoned = { time: now.getTime(), timeZone, value };
  return value;
}
export { zoned };

function addMonths(year: number, month: number, n: number): { year: number; month: number } {
  const total = year * 12 + (month - 1) + n;
  return { year: Math.floor(total / 12), month: (total % 12) + 1 };
}

/**
 * When the lead wants to start: a year ("2027", "intake 2027"), a month with or without a
 * year ("september" is the next September), relative phrases ("tahun depan", "next year",
 * "el próximo año", "2 tahun lagi", "in 6 months", "semester depan", "secepatnya"), or a
 * vague answer ("nanti dulu", "not sure", "más adelante": scored as far away; most count
 * only when the timeline was just asked). Years before this one are ignored ("lulus 2020").
 */
export function extractTimeline(message: string, opts: { now: Date; timeZone: string; asked?: boolean }): TimelineFact | undefined {
  const f = fold(message);
  const today = zoned(opts.now, opts.timeZone);
  const label = (phrase: string) => tidy(message.normalize('NFC').slice(phraseIndex(f, phrase), phraseIndex(f, phrase) + phrase.length)) || phrase;

  const relYear = /\b(\d|satu|dua|tiga|empat|lima|one|two|three|four|five|un|uno|dos|tres|cuatro|cinco|se)\s*(?:tahun|years?|anos?)\s*(?:lagi|ke depan|from now|mas)?\b/.exec(f);
  const inYears = relYear && (/(?:lagi|ke depan|from now|mas)\s*$/.test(relYear[0]) || /\b(?:dalam|in|en|dentro de)\s+$/.test(f.slice(0, relYear.index)));
  if (relYear && inYears) {
    const n = Number(relYear[1]) || NUMBER_WORDS[relYear[1]!] || 1;
    return { timeline: tidy(message.normalize('NFC').slice(relYear.index, relYear.index + relYear[0].length)), timeline_year: today.year + n };
  }
  const relMonths = /\b(\d{1,2}|satu|dua|tiga|empat|lima|enam|six|seis)\s*(?:bulan|months?|meses?)\s*(?:lagi|from now)?\b/.exec(f);
  if (relMonths && (/(?:lagi|from now)\s*$/.test(relMonths[0]) || /\b(?:dalam|in|en|dentro de)\s+$/.test(f.slice(0, relMonths.index)))) {
    const n = Number(relMonths[1]) || NUMBER_WORDS[relMonths[1]!] || (relMonths[1] === 'enam' || relMonths[1] === 'six' || relMonths[1] === 'seis' ? 6 : 1);
    const at = addMonths(today.year, today.month, n);
    return { timeline: tidy(message.normalize('NFC').slice(relMonths.index, relMonths.index + relMonths[0].length)), timeline_year: at.year, timeline_month: at.month };
  }
  const nextYear = findPhrase(f, ['tahun depan', 'taun depan', 'thn depan', 'tahun dpn', 'thn dpn', 'taun dpn', 'next year', 'nxt year', 'proximo ano', 'el ano que viene', 'ano que viene', 'el proximo ano', 'ano siguiente']);
  const thisYear = findPhrase(f, ['tahun ini', 'thn ini', 'this year', 'este ano']);
  const nextSemester = findPhrase(f, ['semester depan', 'next semester', 'proximo semestre', 'semestre que viene']);
  const nextMonth = findPhrase(f, ['bulan depan', 'next month', 'proximo mes', 'mes que viene']);
  const asap = findPhrase(f, ASAP);

  const year = /(?<!\d|\d[.,])(20[2-4]\d)(?!\d|[.,]\d)/.exec(f);
  const yearNum = year ? Number(year[1]) : undefined;
  const validYear = yearNum !== undefined && yearNum >= today.year ? yearNum : undefined;

  let month: number | undefined;
  let monthWord: string | undefined;
  for (const [word, n] of MONTHS) {
    if (hasPhrase(f, word)) {
      // "may" (English) and short forms are months only next to a year or when asked.
      month = n;
      monthWord = word;
      break;
    }
  }
  if (!month && /\bmay\b/.test(f) && (validYear || opts.asked)) {
    month = 5;
    monthWord = 'may';
  }
  if (month && monthWord && SHORT_MONTHS.has(monthWord) && !validYear && !opts.asked) {
    month = undefined;
    monthWord = undefined;
  }
  if (month && monthWord === 'mei' && !validYear && !opts.asked && !/\b(?:bulan|pada|di|in|en|de)\s+mei\b/.test(f)) {
    month = undefined;
    monthWord = undefined;
  }

  // "lulus Juni 2024": a month of a past year is not a plan.
  if (month && monthWord && yearNum !== undefined && yearNum < today.year) {
    month = undefined;
    monthWord = undefined;
  }
  if (month && monthWord) {
    const y = validYear ?? (nextYear ? today.year + 1 : month >= today.month ? today.year : today.year + 1);
    const text = validYear ? `${label(monthWord)} ${validYear}` : label(monthWord);
    return { timeline: nextYear && !validYear ? `${text} ${label(nextYear)}` : text, timeline_year: y, timeline_month: month };
  }
  if (validYear) return { timeline: String(validYear), timeline_year: validYear };
  if (nextYear) return { timeline: label(nextYear), timeline_year: today.year + 1 };
  if (thisYear) return { timeline: label(thisYear), timeline_year: today.year };
  if (nextSemester) {
    const at = addMonths(today.year, today.month, 6);
    return { timeline: label(nextSemester), timeline_year: at.year, timeline_month: at.month };
  }
  if (nextMonth) {
    const at = addMonths(today.year, today.month, 1);
    return { timeline: label(nextMonth), timeline_year: at.year, timeline_month: at.month };
  }
  if (asap) return { timeline: label(asap), timeline_year: today.year, timeline_month: today.month };
  const vague = findPhrase(f, VAGUE_ALWAYS) ?? (opts.asked ? findPhrase(f, VAGUE_WHEN_ASKED) : undefined);
  if (vague) return { timeline: label(vague), timeline_vague: true };
  return undefined;
}

/** Two years or more away, or vague: the original rubric's timeline penalty. */
export function isFarTimeline(ctx: { timeline?: string; timeline_year?: number; timeline_vague?: boolean }, now: Date, timeZone: string): boolean {
  if (ctx.timeline_vague) return true;
  if (ctx.timeline_year !== undefined) return ctx.timeline_year - zoned(now, timeZone).year >= 2;
  const f = fold(ctx.timeline ?? '');
  return [...VAGUE_ALWAYS, ...VAGUE_WHEN_ASKED, 'lama'].some((p) => hasPhrase(f, p));
}
