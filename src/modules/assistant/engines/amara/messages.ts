import { Temporal } from 'temporal-polyfill';
import { formatMoney, fromMinor } from '../../../../platform/money.ts';
import type { Locale } from './language.ts';
import { dayName, monthName } from '../../../scheduling/index.ts';

/** What Amara says, in the conversation's language: two or three sentences, prices in the workspace's currency. */

/** An amount in minor units as the workspace's country writes it: '$ 160.000 COP' in es-CO. */
export function priceText(minor: number, currency: string, locale: Locale, country: string): string {
  return formatMoney(fromMinor(minor, currency), currency, { locale: `${locale}-${country}`, fraction: 'minor', plainSpaces: true, nameCurrency: true });
}

/** 'sábado 28 de noviembre', 'Saturday 28 November', 'Sabtu, 28 November'. */
export function spokenDate(date: string, locale: Locale): string {
  const d = Temporal.PlainDate.from(date);
  const day = dayName(d.dayOfWeek, locale);
  const month = monthName(d.month, locale);
  if (locale === 'es') return `${day} ${d.day} de ${month}`;
  if (locale === 'id') return `${day}, ${d.day} ${month}`;
  return `${day} ${d.day} ${month}`;
}

/** '10:00' (Indonesian writes '10.00'). */
export const spokenTime = (time: string, locale: Locale): string => (locale === 'id' ? time.replace(':', '.') : time);

export interface ServiceLine {
  name: string;
  /** Already formatted: '$ 40.000 COP'. */
  rate: string;
}

export interface SlotLine {
  date: string;
  time: string;
}

export interface DraftLine {
  service: string;
  date: string;
  time: string;
  hours: number;
  rate: string;
  total: string;
}

const list = (items: string[]) => items.map((s, i) => `${i + 1}) ${s}`).join(', ');

/** Slots as a numbered list: times only when they share a day. */
function slotList(slots: SlotLine[], locale: Locale): string {
  const oneDay = slots.every((s) => s.date === slots[0]!.date);
  return list(slots.map((s) => (oneDay ? spokenTime(s.time, locale) : `${spokenDate(s.date, locale)} ${spokenTime(s.time, locale)}`)));
}

const perHour: Record<Locale, string> = { es: 'la hora', en: 'an hour', id: 'per jam' };
const serviceList = (services: ServiceLine[], locale: Locale) => list(services.map((s) => `${s.name} (${s.rate} ${perHour[locale]})`));

export const reply = {
  askService(locale: Locale, services: ServiceLine[]): string {
    const offer = services.length ? serviceList(services, locale) : '';
    switch (locale) {
      case 'es':
        return `Soy Amara: busco servicios, veo horarios y preparo tu reserva.${offer ? ` Tenemos ${offer}.` : ''} ¿Qué servicio necesitas y para qué día?`;
      case 'id':
        return `Saya Amara: saya bisa mencarikan layanan, melihat jadwal, dan menyiapkan pesanan Anda.${offer ? ` Kami punya ${offer}.` : ''} Layanan apa yang Anda perlukan, dan untuk hari apa?`;
      default:
        return `I'm Amara: I can find a service, check times and prepare your booking.${offer ? ` We offer ${offer}.` : ''} Which service do you need, and for which day?`;
    }
  },

  slots(locale: Locale, service: string | undefined, date: string | undefined, slots: SlotLine[], needHours: boolean): string {
    const when = date ? spokenDate(date, locale) : undefined;
    const times = slotList(slots, locale);
    switch (locale) {
      case 'es':
        return `${service ? `Para ${service.toLowerCase()}, ` : ''}${when ? `el ${when} tengo estos horarios` : 'estos son los próximos horarios'}: ${times}. ¿Cuál prefieres${needHours ? ' y por cuántas horas (de 1 a 8)' : ''}?`;
      case 'id':
        return `${service ? `Untuk ${service}, ` : ''}${when ? `jadwal yang tersedia hari ${when}` : 'jadwal terdekat yang tersedia'}: ${times}. Mau yang mana${needHours ? ', dan berapa jam (1 sampai 8)' : ''}?`;
      default:
        return `${service ? `For ${service.toLowerCase()}, ` : ''}${when ? `these times are free on ${when}` : 'these are the next free times'}: ${times}. Which one suits you${needHours ? ', and for how many hours (1 to 8)' : ''}?`;
    }
  },

  noSlots(locale: Locale, date: string | undefined): string {
    const when = date ? spokenDate(date, locale) : undefined;
    switch (locale) {
      case 'es':
        return `No hay horarios libres ${when ? `el ${when}` : 'en los próximos 7 días'}. ¿Te sirve otro día?`;
      case 'id':
        return `Tidak ada jadwal kosong ${when ? `hari ${when}` : 'dalam 7 hari ke depan'}. Bagaimana kalau hari lain?`;
      default:
        return `There are no free times ${when ? `on ${when}` : 'in the next 7 days'}. Would another day work?`;
    }
  },

  notOffered(locale: Locale, date: string, time: string, slots: SlotLine[]): string {
    const at = `${spokenDate(date, locale)} ${spokenTime(time, locale)}`;
    const others = slots.length ? slotList(slots, locale) : '';
    switch (locale) {
      case 'es':
        return `El ${at} no está disponible.${others ? ` Puedo ofrecerte: ${others}. ¿Cuál prefieres?` : ' ¿Te sirve otro día?'}`;
      case 'id':
        return `${at} tidak tersedia.${others ? ` Yang tersedia: ${others}. Mau yang mana?` : ' Bagaimana kalau hari lain?'}`;
      default:
        return `${at} is not available.${others ? ` I can offer ${others}. Which one suits you?` : ' Would another day work?'}`;
    }
  },

  askHours(locale: Locale, outOfRange: boolean): string {
    switch (locale) {
      case 'es':
        return outOfRange ? 'Reservamos de 1 a 8 horas por visita. ¿Cuántas horas necesitas?' : '¿Por cuántas horas lo necesitas? Puede ser de 1 a 8 horas.';
      case 'id':
        return outOfRange ? 'Pemesanan bisa 1 sampai 8 jam per kunjungan. Perlu berapa jam?' : 'Perlu berapa jam? Bisa 1 sampai 8 jam.';
      default:
        return outOfRange ? 'Bookings are 1 to 8 hours per visit. How many hours do you need?' : 'For how many hours? It can be 1 to 8 hours.';
    }
  },

  askPhone(locale: Locale): string {
    switch (locale) {
      case 'es':
        return '¿A qué número de teléfono te puede contactar la profesional?';
      case 'id':
        return 'Nomor telepon berapa yang bisa dihubungi oleh petugas kami?';
      default:
        return 'Which phone number can the professional reach you on?';
    }
  },

  draft(locale: Locale, d: DraftLine, reminder: boolean): string {
    const at = `${spokenDate(d.date, locale)} ${locale === 'es' ? 'a las' : locale === 'id' ? 'pukul' : 'at'} ${spokenTime(d.time, locale)}`;
    switch (locale) {
      case 'es':
        return `${reminder ? 'Tienes este borrador pendiente' : 'Te preparé este borrador'}: ${d.service}, ${at}, ${d.hours} ${d.hours === 1 ? 'hora' : 'horas'}. Total: ${d.total} (${d.rate} × ${d.hours} h). Todavía no está reservado: ¿lo confirmas? Responde «sí, confirmo» o «cancelar».`;
      case 'id':
        return `${reminder ? 'Draf ini masih menunggu' : 'Ini draf pesanan Anda'}: ${d.service}, ${at}, ${d.hours} jam. Total: ${d.total} (${d.rate} × ${d.hours} jam). Belum dipesan: konfirmasi? Balas «ya» atau «batal».`;
      default:
        return `${reminder ? 'This draft is waiting for you' : "Here's your draft"}: ${d.service}, ${at}, ${d.hours} ${d.hours === 1 ? 'hour' : 'hours'}. Total: ${d.total} (${d.rate} × ${d.hours} h). It is not booked yet: shall I confirm it? Reply "yes, confirm" or "cancel".`;
    }
  },

  booked(locale: Locale, d: DraftLine): string {
    const at = `${spokenDate(d.date, locale)} ${locale === 'es' ? 'a las' : locale === 'id' ? 'pukul' : 'at'} ${spokenTime(d.time, locale)}`;
    switch (locale) {
      case 'es':
        return `¡Listo! Reservé ${d.service.toLowerCase()} para el ${at} (${d.hours} h) por ${d.total}. Retenemos el pago y solo lo cobramos cuando el servicio se complete.`;
      case 'id':
        return `Beres! ${d.service} sudah dipesan untuk ${at} (${d.hours} jam), total ${d.total}. Pembayaran ditahan dan baru ditagih setelah layanan selesai.`;
      default:
        return `Done! I booked ${d.service.toLowerCase()} for ${at} (${d.hours} h) at ${d.total}. We hold the payment and only charge it once the service is completed.`;
    }
  },

  bookingFailed(locale: Locale, slots: SlotLine[]): string {
    const others = slots.length ? slotList(slots, locale) : '';
    switch (locale) {
      case 'es':
        return `Ese horario se acaba de ocupar, así que no reservé nada.${others ? ` Aún hay: ${others}. ¿Cuál prefieres?` : ' ¿Te sirve otro día?'}`;
      case 'id':
        return `Jadwal itu baru saja terisi, jadi belum ada yang dipesan.${others ? ` Masih ada: ${others}. Mau yang mana?` : ' Bagaimana kalau hari lain?'}`;
      default:
        return `That time was just taken, so nothing was booked.${others ? ` Still free: ${others}. Which one suits you?` : ' Would another day work?'}`;
    }
  },

  cancelled(locale: Locale, hadDraft: boolean): string {
    switch (locale) {
      case 'es':
        return hadDraft ? 'Listo, descarté el borrador: no se reservó nada. ¿Te ayudo con algo más?' : 'No tienes ninguna reserva pendiente de confirmar. ¿Te ayudo con algo más?';
      case 'id':
        return hadDraft ? 'Baik, draf dibatalkan: tidak ada yang dipesan. Ada lagi yang bisa saya bantu?' : 'Tidak ada pesanan yang menunggu konfirmasi. Ada lagi yang bisa saya bantu?';
      default:
        return hadDraft ? 'Done, I dropped the draft: nothing was booked. Anything else I can help with?' : 'There is no booking waiting for confirmation. Anything else I can help with?';
    }
  },

  price(locale: Locale, s: ServiceLine, askDay: boolean): string {
    switch (locale) {
      case 'es':
        return `${s.name} cuesta ${s.rate} la hora, de 1 a 8 horas por visita.${askDay ? ' ¿Para qué día la necesitas?' : ' ¿Por cuántas horas la necesitas?'}`;
      case 'id':
        return `${s.name} ${s.rate} per jam, 1 sampai 8 jam per kunjungan.${askDay ? ' Untuk hari apa?' : ' Perlu berapa jam?'}`;
      default:
        return `${s.name} costs ${s.rate} an hour, for 1 to 8 hours per visit.${askDay ? ' Which day would you like?' : ' For how many hours?'}`;
    }
  },

  prices(locale: Locale, services: ServiceLine[]): string {
    const offer = serviceList(services, locale);
    switch (locale) {
      case 'es':
        return `Cobramos por hora: ${offer}. El total es la tarifa por las horas (de 1 a 8). ¿Qué servicio te interesa?`;
      case 'id':
        return `Tarif kami per jam: ${offer}. Totalnya tarif dikali jumlah jam (1 sampai 8). Layanan mana yang Anda minati?`;
      default:
        return `We charge by the hour: ${offer}. The total is the rate times the hours (1 to 8). Which service are you interested in?`;
    }
  },

  handoff(locale: Locale): string {
    switch (locale) {
      case 'es':
        return 'Claro: le paso tu conversación a una persona del equipo, que te responderá por aquí en breve.';
      case 'id':
        return 'Baik: percakapan Anda saya teruskan ke tim kami, yang akan segera membalas di sini.';
      default:
        return 'Of course: I am passing your conversation to a person on our team, who will answer you here shortly.';
    }
  },

  notUnderstood(locale: Locale): string {
    return locale === 'es' ? 'Perdona, no te entendí.' : locale === 'id' ? 'Maaf, saya belum menangkap maksud Anda.' : "Sorry, I didn't get that.";
  },

  stuckHandoff(locale: Locale): string {
    switch (locale) {
      case 'es':
        return 'Perdona, no logro entenderte. Le paso tu conversación a una persona del equipo, que te responderá por aquí en breve.';
      case 'id':
        return 'Maaf, saya belum bisa memahami. Percakapan Anda saya teruskan ke tim kami, yang akan segera membalas di sini.';
      default:
        return "Sorry, I'm not getting it. I am passing your conversation to a person on our team, who will answer you here shortly.";
    }
  },

  /** '4 horas', '1 hour', '3 jam': for a receipt. */
  hoursText(locale: Locale, hours: number): string {
    if (locale === 'es') return `${hours} ${hours === 1 ? 'hora' : 'horas'}`;
    if (locale === 'id') return `${hours} jam`;
    return `${hours} ${hours === 1 ? 'hour' : 'hours'}`;
  },

  /** 'presupuesto $ 120.000 COP (4 horas)': a budget, and the hours it pays for when they were set from it. */
  budgetText(locale: Locale, sum: string, hours: number | undefined): string {
    const label = locale === 'es' ? 'presupuesto' : locale === 'id' ? 'anggaran' : 'budget';
    return `${label} ${sum}${hours !== undefined ? ` (${reply.hoursText(locale, hours)})` : ''}`;
  },

  answer(locale: Locale, snippet: string): string {
    switch (locale) {
      case 'es':
        return `${snippet} ¿Quieres que busque un horario para ti?`;
      case 'id':
        return `${snippet} Mau saya carikan jadwal?`;
      default:
        return `${snippet} Shall I look for a time for you?`;
    }
  },
};
