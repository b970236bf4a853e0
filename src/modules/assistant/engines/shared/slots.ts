import { fold, type Language } from './language.ts';
import { countOf } from './numbers.ts';

/**
 * A time of day named in a message, to pick one of the times offered: "the 2pm one", "at 4",
 * "el de las 11", "a las dos de la tarde", "14:00". A bare hour from 1 to 7 means the
 * afternoon: nobody books a pickup or a visit at 3 in the morning.
 */

const HOUR_WORD = '(\\d{1,2}|[a-z]+)';
const PATTERNS: RegExp[] = [
  new RegExp(`\\b${HOUR_WORD}(?:[:.](\\d{2}))?\\s*(a\\.?\\s?m\\.?|p\\.?\\s?m\\.?)(?![a-z])`),
  /\b(\d{1,2})[:.](\d{2})\b()/,
  new RegExp(`\\b(?:at|a las|a la|las|la de las|el de las|around|about|tipo|sobre las|jam|pukul)\\s+${HOUR_WORD}(?:[:.](\\d{2}))?\\b()(?!\\s*(?:loads?|cargas?|horas?|hours?|bags?|bolsas?))`),
];

export interface TimeOfDay {
  hour: number;
  minute: number;
}

export function timeNamed(message: string): TimeOfDay | undefined {
  const f = fold(message);
  for (const re of PATTERNS) {
    const m = re.exec(f);
    if (!m) continue;
    let hour = /^\d+$/.test(m[1]!) ? Number(m[1]) : countOf(m[1]!);
    if (hour === undefined || hour > 23) continue;
    const minute = m[2] ? Number(m[2]) : 0;
    const meridiem = (m[3] ?? '').replace(/[.\s]/g, '');
    const after = f.slice(m.index + m[0].length);
    if (meridiem === 'pm' || /^\s*(?:de la tarde|de la noche|in the afternoon|in the evening|sore|malam)/.test(after)) {
      if (hour < 12) hour += 12;
    } else if (meridiem === 'am' || /^\s*(?:de la manana|in the morning|pagi)/.test(after)) {
      if (hour === 12) hour = 0;
    } else if (hour >= 1 && hour <= 7) hour += 12;
    if (minute > 59) continue;
    return { hour, minute };
  }
  return undefined;
}

export type DayPart = 'morning' | 'afternoon' | 'evening';

/** "por la mañana", "the afternoon one", "en la tarde", "pagi": the part of the day named, if any. */
export function dayPartNamed(message: string): DayPart | undefined {
  const f = fold(message);
  if (/\b(?:(?:por|en|de|la) (?:la )?manana|morning|am one|pagi)\b/.test(f)) return 'morning';
  if (/\b(?:tarde|afternoon|siang|sore)\b/.test(f)) return 'afternoon';
  if (/\b(?:noche|evening|malam)\b/.test(f)) return 'evening';
  return undefined;
}

/** Which part of the day an hour falls in. */
export const dayPartOf = (hour: number): DayPart => (hour < 12 ? 'morning' : hour < 18 ? 'afternoon' : 'evening');

/** The days customers name, as each language says them back. */
const DAYS: [RegExp, Record<Language, string>][] = [
  [/\b(?:today|hoy|hari ini)\b/, { en: 'today', es: 'hoy', id: 'hari ini' }],
  // "por la mañana" is a part of the day, not tomorrow.
  [/\b(?:tomorrow|besok)\b|(?<!\b(?:la|por la|de la|en la|esta) )\bmanana\b/, { en: 'tomorrow', es: 'mañana', id: 'besok' }],
  [/\b(?:monday|lunes|senin)\b/, { en: 'Monday', es: 'el lunes', id: 'Senin' }],
  [/\b(?:tuesday|martes|selasa)\b/, { en: 'Tuesday', es: 'el martes', id: 'Selasa' }],
  [/\b(?:wednesday|miercoles|rabu)\b/, { en: 'Wednesday', es: 'el miércoles', id: 'Rabu' }],
  [/\b(?:thursday|jueves|kamis)\b/, { en: 'Thursday', es: 'el jueves', id: 'Kamis' }],
  [/\b(?:friday|viernes|jumat)\b/, { en: 'Friday', es: 'el viernes', id: 'Jumat' }],
  [/\b(?:saturday|sabado|sabtu)\b/, { en: 'Saturday', es: 'el sábado', id: 'Sabtu' }],
  [/\b(?:sunday|domingo|minggu)\b(?! (?:depan|ini|lalu))/, { en: 'Sunday', es: 'el domingo', id: 'Minggu' }],
];
const PARTS: Record<DayPart, Record<Language, string>> = {
  morning: { en: 'morning', es: 'por la mañana', id: 'pagi' },
  afternoon: { en: 'afternoon', es: 'por la tarde', id: 'siang' },
  evening: { en: 'evening', es: 'por la noche', id: 'malam' },
};

/**
 * The day and time a message wishes for, said back short in the conversation's language:
 * "tomorrow afternoon", "el martes por la tarde", "Friday 14:00"; undefined when it names
 * none. A receipt shows this, never the customer's whole message.
 */
export function whenNamed(message: string, language: Language): string | undefined {
  const f = fold(message);
  const day = DAYS.find(([re]) => re.test(f))?.[1][language];
  const part = dayPartNamed(message);
  const at = timeNamed(message);
  const time = at ? `${String(at.hour).padStart(2, '0')}:${String(at.minute).padStart(2, '0')}` : undefined;
  const text = [day, time ? undefined : part && PARTS[part][language], time].filter(Boolean).join(' ');
  return text || undefined;
}
