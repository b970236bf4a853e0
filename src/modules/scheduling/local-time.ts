import { Temporal } from 'temporal-polyfill';

/** Instants as people in a zone read them. */

const zoned = (at: Date, timeZone: string) => Temporal.Instant.fromEpochMilliseconds(at.getTime()).toZonedDateTimeISO(timeZone);

const pad = (n: number) => String(n).padStart(2, '0');

/** '2026-03-02T10:00:00+07:00': the local time with its offset. */
export const localIso = (at: Date, timeZone: string): string => zoned(at, timeZone).toString({ timeZoneName: 'never', smallestUnit: 'second' });

/** Seed 004's TEXT columns: appointment_date 'YYYY-MM-DD' and appointment_time 'hh:mm AM'. */
export function seedDateTime(at: Date, timeZone: string): { appointment_date: string; appointment_time: string } {
  const z = zoned(at, timeZone);
  const hour12 = z.hour % 12 === 0 ? 12 : z.hour % 12;
  return { appointment_date: z.toPlainDate().toString(), appointment_time: `${pad(hour12)}:${pad(z.minute)} ${z.hour < 12 ? 'AM' : 'PM'}` };
}

/** The UTC instant at which a local date starts in a zone (its first existing moment). */
export const startOfLocalDay = (date: string, timeZone: string): Date =>
  new Date(Temporal.PlainDate.from(date).toZonedDateTime({ timeZone }).epochMilliseconds);

/** The local date after `date`. */
export const nextDay = (date: string): string => Temporal.PlainDate.from(date).add({ days: 1 }).toString();

/** Whole days from one local date to another. */
export const daysBetween = (from: string, to: string): number =>
  Temporal.PlainDate.from(from).until(Temporal.PlainDate.from(to), { largestUnit: 'days' }).days;

export type Language = 'id' | 'es' | 'en';

/** The languages messages are written in; anything else reads English. */
export const languageOf = (locale: string): Language => {
  const lang = locale.slice(0, 2);
  return lang === 'id' || lang === 'es' ? lang : 'en';
};

// Spelled out here rather than by Intl so that every Node version writes the same words.
const DAYS: Record<Language, string[]> = {
  id: ['Minggu', 'Senin', 'Selasa', 'Rabu', 'Kamis', 'Jumat', 'Sabtu'],
  es: ['domingo', 'lunes', 'martes', 'miércoles', 'jueves', 'viernes', 'sábado'],
  en: ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'],
};
const MONTHS: Record<Language, string[]> = {
  id: ['Januari', 'Februari', 'Maret', 'April', 'Mei', 'Juni', 'Juli', 'Agustus', 'September', 'Oktober', 'November', 'Desember'],
  es: ['enero', 'febrero', 'marzo', 'abril', 'mayo', 'junio', 'julio', 'agosto', 'septiembre', 'octubre', 'noviembre', 'diciembre'],
  en: ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'],
};

/** The weekday's name, from its ISO number (1 Monday ... 7 Sunday). */
export const dayName = (isoDayOfWeek: number, language: Language): string => DAYS[language][isoDayOfWeek % 7]!;
/** The month's name, from its number (1 January ... 12 December). */
export const monthName = (month: number, language: Language): string => MONTHS[language][month - 1]!;

/** The zone's short name at that instant as the workspace's country writes it (WIB, EDT, COT), else its offset. */
function zoneName(at: Date, timeZone: string, language: Language, country: string): string {
  try {
    const parts = new Intl.DateTimeFormat(`${language}-${country}`, { timeZone, timeZoneName: 'short' }).formatToParts(at);
    const name = parts.find((p) => p.type === 'timeZoneName')?.value;
    if (name) return name;
  } catch {
    // An unusual locale or country: fall through to the offset.
  }
  return `UTC${zoned(at, timeZone).offset}`;
}

/** 'Senin, 2 Maret 2026 pukul 10.00 WIB', 'Monday, 2 March 2026 at 10:00 EST', 'lunes, 2 de marzo de 2026 a las 10:00 COT'. */
export function spokenDateTime(at: Date, timeZone: string, language: Language, country: string): string {
  const z = zoned(at, timeZone);
  const day = DAYS[language][z.dayOfWeek % 7]!;
  const month = MONTHS[language][z.month - 1]!;
  const zone = zoneName(at, timeZone, language, country);
  switch (language) {
    case 'id':
      return `${day}, ${z.day} ${month} ${z.year} pukul ${pad(z.hour)}.${pad(z.minute)} ${zone}`;
    case 'es':
      return `${day}, ${z.day} de ${month} de ${z.year} a las ${pad(z.hour)}:${pad(z.minute)} ${zone}`;
    case 'en':
      return `${day}, ${z.day} ${month} ${z.year} at ${pad(z.hour)}:${pad(z.minute)} ${zone}`;
  }
}
