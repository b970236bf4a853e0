import { parseYesNo } from './extract.ts';
import { findPhrase, fold, hasPhrase } from './text.ts';
import type { Slot } from './types.ts';

/**
 * The slot dialogue: which of the offered slots the lead means. A choice is a number
 * ("2", "pilih 2", "nomor 2", "option 2", "opción 2", "#2"), an ordinal ("kedua", "the
 * second", "la segunda", "terakhir"), or a narrowing by day ("senin", "monday", "lunes",
 * "besok"), part of the day ("pagi", "afternoon", "por la tarde") or hour ("jam 10",
 * "14:00", "2pm", "a las 10").
 */

export type SlotChoice =
  | { kind: 'index'; index: number }
  | { kind: 'filter'; slots: Slot[]; by: string }
  | { kind: 'none' };

const ORDINALS: [string, number | 'last'][] = [
  ['pertama', 1], ['kesatu', 1], ['first', 1], ['1st', 1], ['primera', 1], ['primero', 1], ['primer', 1],
  ['kedua', 2], ['second', 2], ['2nd', 2], ['segunda', 2], ['segundo', 2],
  ['ketiga', 3], ['third', 3], ['3rd', 3], ['tercera', 3], ['tercero', 3], ['tercer', 3],
  ['keempat', 4], ['fourth', 4], ['4th', 4], ['cuarta', 4], ['cuarto', 4],
  ['kelima', 5], ['fifth', 5], ['5th', 5], ['quinta', 5], ['quinto', 5],
  ['terakhir', 'last'], ['last', 'last'], ['ultima', 'last'], ['ultimo', 'last'],
];

const WEEKDAYS: [string, number][] = [
  ['minggu', 0], ['ahad', 0], ['sunday', 0], ['domingo', 0],
  ['senin', 1], ['monday', 1], ['lunes', 1],
  ['selasa', 2], ['tuesday', 2], ['martes', 2],
  ['rabu', 3], ['wednesday', 3], ['miercoles', 3],
  ['kamis', 4], ['thursday', 4], ['jueves', 4],
  ['jumat', 5], ["jum'at", 5], ['friday', 5], ['viernes', 5],
  ['sabtu', 6], ['saturday', 6], ['sabado', 6],
];

/** Hours [from, to) of each part of the day, as the greeting splits them. */
const DAY_PARTS: [string, [number, number]][] = [
  ['pagi', [5, 11]], ['morning', [5, 12]], ['por la manana', [5, 12]], ['en la manana', [5, 12]], ['de la manana', [5, 12]],
  ['siang', [11, 15]], ['noon', [11, 14]], ['midday', [11, 14]], ['mediodia', [11, 14]],
  ['sore', [15, 18]], ['afternoon', [12, 18]], ['por la tarde', [12, 19]], ['en la tarde', [12, 19]], ['de la tarde', [12, 19]], ['tarde', [12, 19]],
  ['malam', [18, 24]], ['evening', [18, 24]], ['noche', [19, 24]],
];

const LOCAL = new Map<string, Intl.DateTimeFormat>();

function local(iso: string, timeZone: string): { y: number; m: number; d: number; hour: number; minute: number; weekday: number } {
  let fmt = LOCAL.get(timeZone);
  if (!fmt) {
    fmt = new Intl.DateTimeFormat('en-US', { timeZone, year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', hourCycle: 'h23', weekday: 'short' });
    LOCAL.set(timeZone, fmt);
  }
  const parts = fmt.formatToParts(new Date(iso));
  const get = (t: string) => parts.find((p) => p.type === t)?.value ?? '';
  return {
    y: Number(get('year')),
    m: Number(get('month')),
    d: Number(get('day')),
    hour: Number(get('hour')) % 24,
    minute: Number(get('minute')),
    weekday: ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'].indexOf(get('weekday')),
  };
}

export function weekdayOf(iso: string, timeZone: string): number {
  return local(iso, timeZone).weekday;
}

/** "1. Senin, 6 Apr 10:00 WIB" lines. */
export function slotList(slots: Slot[]): string {
  return slots.map((s, i) => `${i + 1}. ${s.local_label}`).join('\n');
}

function hourFilter(f: string): { hour: number; minute?: number } | undefined {
  const m =
    /\b(?:jam|pukul|pk|at|a las|las)\s*(\d{1,2})(?:[:.](\d{2}))?\s*(am|pm|pagi|siang|sore|malam)?\b/.exec(f) ??
    /\b(\d{1,2})[:.](\d{2})\b/.exec(f) ??
    /\b(\d{1,2})\s*(am|pm)\b/.exec(f);
  if (!m) return undefined;
  let hour = Number(m[1]);
  const minute = m[2] && /^\d{2}$/.test(m[2]) ? Number(m[2]) : undefined;
  const suffix = m[3] ?? (m[2] && !/^\d/.test(m[2]) ? m[2] : undefined);
  if ((suffix === 'pm' || suffix === 'sore' || suffix === 'malam' || (suffix === 'siang' && hour < 11)) && hour < 12) hour += 12;
  if (suffix === 'am' && hour === 12) hour = 0;
  if (hour > 23) return undefined;
  return minute === undefined ? { hour } : { hour, minute };
}

/** Which slot the message chooses, or how it narrows them. */
export function parseSlotChoice(message: string, slots: Slot[], opts: { now: Date; timeZone: string }): SlotChoice {
  const f = fold(message).trim();
  const n = slots.length;
  const ordinal = ORDINALS.find(([w]) => hasPhrase(f, w));
  if (ordinal) {
    const index = ordinal[1] === 'last' ? n : ordinal[1];
    if (index >= 1 && index <= n) return { kind: 'index', index };
  }
  const explicit = /(?:^|\b)(?:pilih|pilihan|nomor|nomer|no\.?|opsi|option|opcion|number|numero|slot|yang|ke-?|la|el|the|#)\s*(?:no\.?\s*|nomor\s*|ke-?\s*)?#?(\d{1,2})(?![\d:.])/.exec(f);
  const bare = /^#?(\d{1,2})\s*[.)!]?\s*(?:aja|saja|ya|please|por favor|dong)?\s*[.!]?$/.exec(f);
  const number = explicit ? Number(explicit[1]) : bare ? Number(bare[1]) : undefined;
  if (number !== undefined && number >= 1 && number <= n) return { kind: 'index', index: number };
  if (explicit && !bare) return { kind: 'none' };

  let filtered = slots;
  const by: string[] = [];
  const today = local(opts.now.toISOString(), opts.timeZone);
  const weekday = WEEKDAYS.find(([w]) => hasPhrase(f, w) && !(w === 'minggu' && /\bminggu\s+(?:depan|ini|lalu|ke|lagi)|\d\s*minggu/.test(f)));
  if (weekday) {
    filtered = filtered.filter((s) => weekdayOf(s.start, opts.timeZone) === weekday[1]);
    by.push(weekday[0]);
  } else {
    const tomorrowWord = findPhrase(f, ['besok', 'tomorrow', 'manana']);
    const dayAfter = findPhrase(f, ['lusa', 'day after tomorrow', 'pasado manana']);
    const isMorningPhrase = /\b(?:por|en|de) la manana\b/.test(f);
    if (dayAfter || (tomorrowWord && !(tomorrowWord === 'manana' && isMorningPhrase))) {
      const offset = dayAfter ? 2 : 1;
      const target = new Date(Date.UTC(today.y, today.m - 1, today.d + offset));
      filtered = filtered.filter((s) => {
        const l = local(s.start, opts.timeZone);
        return l.y === target.getUTCFullYear() && l.m === target.getUTCMonth() + 1 && l.d === target.getUTCDate();
      });
      by.push(dayAfter ?? tomorrowWord!);
    }
  }
  // A number beyond the list is an hour ("10" when five slots are offered).
  const hour = hourFilter(f) ?? (number !== undefined && number > n && number <= 23 ? { hour: number } : undefined);
  if (hour) {
    filtered = filtered.filter((s) => {
      const l = local(s.start, opts.timeZone);
      return l.hour === hour.hour && (hour.minute === undefined || l.minute === hour.minute);
    });
    by.push(`${hour.hour}:${String(hour.minute ?? 0).padStart(2, '0')}`);
  } else {
    const part = DAY_PARTS.find(([w]) => hasPhrase(f, w));
    if (part && !(part[0] === 'tarde' && /\bbuenas tardes\b/.test(f)) && !(['pagi', 'siang', 'sore', 'malam'].includes(part[0]) && /\bselamat\s+(?:pagi|siang|sore|malam)\b/.test(f))) {
      filtered = filtered.filter((s) => {
        const h = local(s.start, opts.timeZone).hour;
        return h >= part[1][0] && h < part[1][1];
      });
      by.push(part[0]);
    }
  }
  if (by.length) return { kind: 'filter', slots: filtered, by: by.join(' ') };
  return { kind: 'none' };
}

const CONFIRM_PHRASES = ['sip', 'mantap', 'cocok', 'oke', 'de acuerdo', "that's right", 'thats right', 'sounds good', 'go ahead', 'oke deh', 'boleh', 'gas', 'lanjut', 'jadi', 'perfecto', 'perfect'];
const REFUSE_PHRASES = ['ganti', 'ubah', 'change', 'another', 'other time', 'otro', 'otra', 'cambiar', 'gak jadi', 'ga jadi', 'nggak jadi', 'batal', 'cancel'];

/** The answer to "is that right?": true, false, or undefined when unclear. */
export function parseConfirm(message: string): boolean | undefined {
  const f = fold(message);
  if (REFUSE_PHRASES.some((p) => hasPhrase(f, p))) return false;
  const yn = parseYesNo(message);
  if (yn !== undefined) return yn;
  if (CONFIRM_PHRASES.some((p) => hasPhrase(f, p))) return true;
  return undefined;
}

const NONE_FIT = ['gak ada yang cocok', 'ga ada yang cocok', 'nggak ada yang cocok', 'tidak ada yang cocok', 'tidak bisa semua', 'gak bisa semua', 'none', 'none of them', 'no one works', "doesn't work", 'ninguno', 'ninguna', 'no me sirve', 'no puedo'];

/** "None of these work": the lead turns down every offered slot. */
export function refusesAll(message: string): boolean {
  const f = fold(message);
  return NONE_FIT.some((p) => hasPhrase(f, p)) || parseYesNo(message) === false;
}
