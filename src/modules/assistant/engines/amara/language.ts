import { Temporal } from 'temporal-polyfill';
import { asksForPerson, asksPrice, conversationLanguage, dayPartNamed, extractMoney, nearlyWord, type DayPart } from '../shared/index.ts';

/**
 * What Amara reads in a customer's message, in Spanish, English and Indonesian: no network,
 * no model, the same answer every time. Dates and times are local to the workspace.
 */

export type Locale = 'es' | 'en' | 'id';

/** The conversation's language after this message (engines/shared/'s rule, with the words of home-service bookings). */
export const amaraLanguage = (text: string, prior: Locale | undefined, fallback: Locale): Locale => conversationLanguage(text, prior, fallback, { services: true });

/** The language of a locale tag ('es-CO' → 'es'); anything else is English. */
export function localeOf(tag: string | null | undefined): Locale {
  const lang = (tag ?? '').slice(0, 2).toLowerCase();
  return lang === 'es' || lang === 'id' ? lang : 'en';
}

/** Lower case, without accents, one space between words: 'Sí, CONFIRMO' → 'si, confirmo'. */
export function normalize(text: string): string {
  return text.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase().replace(/\s+/g, ' ').trim();
}

export interface Understood {
  /** An explicit yes to the pending draft. */
  confirm: boolean;
  /** Drop the draft or the request being collected. */
  cancel: boolean;
  /** Asks when there is room, rather than stating a time. */
  asksAvailability: boolean;
  /** Sounds like wanting a service (needs, looks for, books). */
  wantsService: boolean;
  /** A question (for knowledge answers). */
  isQuestion: boolean;
  /** Asks what something costs ('¿cuánto cuesta la hora?'): answered with the price, not the calendar. */
  asksPrice: boolean;
  /** Asks for a person of the business instead of the assistant. */
  wantsPerson: boolean;
  /** Local date, YYYY-MM-DD. */
  date?: string;
  /** Local time, HH:MM. */
  time?: string;
  /** Whole hours asked for, as said (may be outside 1-8: the caller refuses those). */
  hours?: number;
  phone?: string;
  /** 1-based choice from the numbered slots last offered. */
  choice?: number;
  /** A sum the customer means to spend ("40 mil pesos", "$40k", "cuarenta mil"), in whole units. */
  budget?: number;
  /** The part of the day named ("en la tarde", "the morning one"). */
  dayPart?: DayPart;
  /** A greeting or thanks and nothing else: not a fact, but not a message to say "I did not understand" to either. */
  smallTalk: boolean;
}

const WEEKDAYS: Record<string, number> = {
  domingo: 7, lunes: 1, martes: 2, miercoles: 3, jueves: 4, viernes: 5, sabado: 6,
  sunday: 7, monday: 1, tuesday: 2, wednesday: 3, thursday: 4, friday: 5, saturday: 6,
  minggu: 7, senin: 1, selasa: 2, rabu: 3, kamis: 4, jumat: 5, sabtu: 6,
};

const MONTHS: Record<string, number> = {
  enero: 1, febrero: 2, marzo: 3, abril: 4, mayo: 5, junio: 6, julio: 7, agosto: 8, septiembre: 9, setiembre: 9, octubre: 10, noviembre: 11, diciembre: 12,
  january: 1, february: 2, march: 3, april: 4, may: 5, june: 6, july: 7, august: 8, september: 9, october: 10, november: 11, december: 12,
  januari: 1, februari: 2, maret: 3, mei: 5, juni: 6, juli: 7, agustus: 8, oktober: 10, desember: 12,
};

const NUMBER_WORDS: Record<string, number> = {
  un: 1, una: 1, uno: 1, dos: 2, tres: 3, cuatro: 4, cinco: 5, seis: 6, siete: 7, ocho: 8, nueve: 9, diez: 10,
  one: 1, an: 1, two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7, eight: 8, nine: 9, ten: 10,
  satu: 1, sejam: 1, dua: 2, tiga: 3, empat: 4, lima: 5, enam: 6, tujuh: 7, delapan: 8, sembilan: 9, sepuluh: 10,
};

const ORDINALS: Record<string, number> = {
  primera: 1, primero: 1, segunda: 2, segundo: 2, tercera: 3, tercero: 3, cuarta: 4, cuarto: 4, quinta: 5, quinto: 5,
  first: 1, second: 2, third: 3, fourth: 4, fifth: 5,
  pertama: 1, kedua: 2, ketiga: 3, keempat: 4, kelima: 5,
};

const CANCEL = /\b(cancela\w*|anula\w*|olvida\w*|mejor no|no quiero|ya no|no gracias|cancel\w*|never ?mind|forget it|no thanks|batal\w*|(?:tidak|gak|nggak|enggak|ga) jadi|tidak usah|gak usah)\b/;
const BARE_NO = /^(no|nope|tidak|nggak|gak|enggak)[.!]*$/;
const CONFIRM_START = /^(si+|yes|yep|yeah|ya|iya|y|ok|okay|oke|dale|claro|de una|listo|correcto|betul|setuju|boleh|jadi|confirm\w*|sure|go ahead)\b/;
const CONFIRM_ANYWHERE = /\b(confirmo|lo confirmo|confirmar|confirmada|confirmado|i confirm|confirmed|book it|go ahead|reservalo|agendalo|saya setuju|konfirmasi|pesan sekarang)\b/;
const NEGATION = /\b(no|not|don'?t|tidak|gak|nggak|jangan)\b/;
const AVAILABILITY = /\b(disponib\w*|horarios?|que horas?|a que hora|cuando (?:hay|puede\w*|tiene\w*)|hay cupos?|cupos?|available|availability|free (?:slots?|times?)|what times?|which times?|when (?:can|are|is)|openings?|jadwal|kosong|tersedia|kapan|slot)\b/;
const WANTS = /\b(necesito|necesita\w*|ne[cs]e[cs]ito|busco|buscando|quiero|[kq]iero|quisiera|reserv\w*|agend\w*|limpieza|servicio|need|looking for|want|book\w*|cleaning|clean|service|butuh|perlu|cari|mau|pesan|bersih\w*|layanan)\b/;
const PERSON = /\b(hablar con (?:una persona|un humano|alguien|un asesor|una asesora|un agente|el equipo)|(?:una persona|un humano|un asesor) real|atencion humana|talk to (?:a person|a human|someone|an agent|a real person|your team)|speak (?:to|with) (?:a person|a human|someone|an agent)|human agent|real person|bicara dengan (?:orang|manusia|admin|cs)|minta (?:admin|cs|orang))\b/;
const SMALL_TALK = /^(?:hola|buenas(?: tardes| noches| dias)?|buenos dias|hi|hello|hey|good (?:morning|afternoon|evening)|halo|hai|gracias|muchas gracias|thanks|thank you|terima kasih|makasih|ok|okay|vale|listo|perfecto|great)[\s!.,]*$/;
const QUESTION_START = /^(que|como|cuando|cuanto|cuanta|donde|por que|cual|puedo|what|how|when|where|why|which|can|do|does|is|are|apa|bagaimana|berapa|kapan|dimana|kenapa|bisakah|apakah)\b/;

/** Reads one message. `today` is the workspace's local date (YYYY-MM-DD). */
export function understand(text: string, today: string): Understood {
  let n = normalize(text);
  const out: Understood = {
    confirm: false,
    cancel: CANCEL.test(n) || BARE_NO.test(n),
    asksAvailability: AVAILABILITY.test(n),
    wantsService: WANTS.test(n),
    isQuestion: (/[?¿]/.test(text) && /\p{L}{2,}/u.test(text)) || QUESTION_START.test(n),
    asksPrice: asksPrice(text),
    wantsPerson: PERSON.test(n) || asksForPerson(text),
    smallTalk: SMALL_TALK.test(n),
  };
  out.confirm = !out.cancel && (CONFIRM_START.test(n) || (CONFIRM_ANYWHERE.test(n) && !NEGATION.test(n)));

  // Dates written with digits first, so their digits are not read as a phone or a time.
  const base = Temporal.PlainDate.from(today);
  const iso = /\b(\d{4})-(\d{2})-(\d{2})\b/.exec(n);
  if (iso) {
    out.date = validDate(+iso[1]!, +iso[2]!, +iso[3]!);
    n = n.replace(iso[0], ' ');
  }
  const slashed = /\b(\d{1,2})\/(\d{1,2})(?:\/(\d{2,4}))?\b/.exec(n);
  if (!out.date && slashed) {
    out.date = upcoming(base, +slashed[2]!, +slashed[1]!, slashed[3] ? +slashed[3].padStart(4, '20') : undefined);
    n = n.replace(slashed[0], ' ');
  }
  const named = new RegExp(`\\b(\\d{1,2}) (?:de )?(${Object.keys(MONTHS).join('|')})\\b|\\b(${Object.keys(MONTHS).join('|')}) (\\d{1,2})\\b`).exec(n);
  if (!out.date && named) {
    const day = +(named[1] ?? named[4])!;
    out.date = upcoming(base, MONTHS[(named[2] ?? named[3])!]!, day);
    n = n.replace(named[0], ' ');
  }

  // Money before the phone and the hours: "40 mil pesos", "$40k", "cuarenta mil".
  const money = /[$€]|\b(?:mil|k|pesos?|dolares|dollars?|usd|cop|presupuesto|budget|millones?|lucas?)\b/.test(n) ? extractMoney(n) : undefined;
  if (money !== undefined && money >= 1000) out.budget = money;

  const phone = /\+?\d[\d ().-]{7,}\d/.exec(n);
  if (phone && phone[0].replace(/\D/g, '').length >= 9) {
    out.phone = phone[0].replace(/[^\d+]/g, '');
    n = n.replace(phone[0], ' ');
  }

  if (!out.date) out.date = relativeDate(n, base);

  // "40 mil pesos" is money, not 40 of anything.
  if (out.budget !== undefined) n = n.replace(/(?:[$€]\s*)?\d[\d.,]*\s*(?:k|mil|millones?)?\s*(?:pesos?|cop|usd|dolares|dollars?)?/, ' ');
  for (const hours of n.matchAll(/\b(\d{1,2}|[a-z]+) (?:horas?|hours?|hrs?|jam)\b|\b(\d{1,2}) ?h\b|\b(sejam|an hour|una hora)\b/g)) {
    const word = (hours[1] ?? hours[2] ?? hours[3])!;
    const value = /^\d+$/.test(word) ? +word : word === 'an hour' || word === 'una hora' ? 1 : NUMBER_WORDS[word];
    if (value !== undefined) {
      out.hours = value;
      n = n.replace(hours[0], ' ');
      break;
    }
  }

  out.time = timeOf(n);

  const choice =
    /^(?:(?:la|el|opcion|option|nomor|no\.?|numero|number|#) ?)?(\d)[.!)]*$/.exec(n) ??
    /\b(?:opcion|option|nomor|numero|number) ?(\d)\b/.exec(n) ??
    new RegExp(`\\b(${Object.keys(ORDINALS).join('|')})\\b`).exec(n);
  if (choice && !out.time) out.choice = /^\d$/.test(choice[1]!) ? +choice[1]! : ORDINALS[choice[1]!];
  const part = dayPartNamed(text);
  if (part) out.dayPart = part;
  return out;
}

/** The local date named relative to today: a weekday (its next occurrence, today included), today, tomorrow. */
function relativeDate(n: string, today: Temporal.PlainDate): string | undefined {
  if (/\b(pasado manana|day after tomorrow|lusa)\b/.test(n)) return today.add({ days: 2 }).toString();
  // 'por la mañana' is a time of day, not tomorrow.
  if (/\b(tomorrow|besok)\b/.test(n) || /(?<!\b(?:la|por la|de la|en la|esta) )\bmanana\b/.test(n)) return today.add({ days: 1 }).toString();
  if (/\b(hoy|today|hari ini)\b/.test(n)) return today.toString();
  for (const [word, weekday] of Object.entries(WEEKDAYS)) {
    // 'minggu depan' is next week, not Sunday.
    if (new RegExp(`\\b${word}\\b(?! (?:depan|ini|lalu))`).test(n)) {
      const ahead = (weekday - today.dayOfWeek + 7) % 7;
      return today.add({ days: ahead }).toString();
    }
  }
  return undefined;
}

function validDate(year: number, month: number, day: number): string | undefined {
  try {
    return Temporal.PlainDate.from({ year, month, day }, { overflow: 'reject' }).toString();
  } catch {
    return undefined;
  }
}

/** A day and month without a year: this year's, or next year's once it has passed. */
function upcoming(today: Temporal.PlainDate, month: number, day: number, year?: number): string | undefined {
  const date = validDate(year ?? today.year, month, day);
  if (!date || year !== undefined) return date;
  return Temporal.PlainDate.compare(Temporal.PlainDate.from(date), today) < 0 ? validDate(today.year + 1, month, day) : date;
}

const PM = /^(pm|p\.m\.|p\. m\.|de la tarde|de la noche|in the afternoon|in the evening|sore|malam)/;
const AM = /^(am|a\.m\.|a\. m\.|de la manana|in the morning|pagi)/;

/** 'a las 10', '10:30', '3 pm', 'jam 2 siang' → 'HH:MM'. A bare 1-6 means the afternoon: nobody books a cleaning at 3 am. */
function timeOf(n: string): string | undefined {
  const m =
    /\b(\d{1,2})[:.](\d{2})\b ?(.*)$/.exec(n) ??
    /\b(?:a las|a la|las|at|jam|pukul|sobre las|tipo|around|make it|change it to|cambialo a|mejor a las) (\d{1,2})\b()(?! ?(?:horas?|hours?|jam|h)\b) ?(.*)$/.exec(n) ??
    /\b(\d{1,2}) ?()((?:am|pm|a\.m\.|p\.m\.)\b.*)$/.exec(n);
  if (!m) return undefined;
  let hour = +m[1]!;
  const minute = m[2] ? +m[2] : 0;
  const rest = m[3] ?? '';
  if (hour > 23 || minute > 59) return undefined;
  if (PM.test(rest) && hour < 12) hour += 12;
  else if (AM.test(rest) && hour === 12) hour = 0;
  else if (/^siang/.test(rest) && hour < 6) hour += 12;
  else if (!AM.test(rest) && hour >= 1 && hour <= 6) hour += 12;
  return `${String(hour).padStart(2, '0')}:${String(minute).padStart(2, '0')}`;
}

/** An explicit yes: what confirmBooking insists on in the customer's own words, whoever asks for it. */
export const isExplicitConfirmation = (text: string): boolean => understand(text, '2000-01-01').confirm;
