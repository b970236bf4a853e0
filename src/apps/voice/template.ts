import { formatPrice, personaLanguage, type Language } from '../../modules/assistant/index.ts';
import { getWorkspace } from '../../modules/tenancy/index.ts';
import type { Ctx } from '../../platform/context.ts';
import { newId } from '../../platform/ids.ts';
import { minorDigits } from '../../platform/money.ts';

/**
 * Where a pickup service in a city usually collects, as postal-code prefixes, found by the
 * workspace's time zone (which names its city) when its country matches. A workspace elsewhere
 * starts with no areas, which the receptionist reads as "we cover every address" until the
 * owner lists them.
 */
const METRO_AREAS: Record<string, { country: string; city: string; areas: [prefix: string, label: string][] }> = {
  'America/Toronto': { country: 'CA', city: 'Toronto', areas: [['M4', 'Toronto (East and Midtown)'], ['M5', 'Downtown Toronto'], ['M6', 'Toronto (West)'], ['L5', 'Mississauga']] },
  'America/Vancouver': { country: 'CA', city: 'Vancouver', areas: [['V5', 'Vancouver (East)'], ['V6', 'Vancouver (West and Downtown)'], ['V7', 'North Vancouver and Richmond']] },
  'America/New_York': { country: 'US', city: 'New York', areas: [['100', 'Manhattan'], ['112', 'Brooklyn'], ['113', 'Queens']] },
  'America/Bogota': { country: 'CO', city: 'Bogotá', areas: [['11', 'Bogotá']] },
  'Asia/Jakarta': { country: 'ID', city: 'Jakarta', areas: [['10', 'Jakarta Pusat'], ['11', 'Jakarta Barat'], ['12', 'Jakarta Selatan'], ['13', 'Jakarta Timur'], ['14', 'Jakarta Utara']] },
};

/** Regular, Express and Premium as base + per load in whole units of the currency (seed 004's $15 + $8, $20 + $12, $30 + $18 in dollars). */
const LAUNDRY_PRICES: Record<string, [base: number, perLoad: number][]> = {
  CAD: [[15, 8], [20, 12], [30, 18]],
  USD: [[15, 8], [20, 12], [30, 18]],
  EUR: [[14, 7], [18, 10], [27, 16]],
  GBP: [[12, 6], [16, 9], [24, 14]],
  MXN: [[200, 100], [280, 150], [400, 220]],
  COP: [[30_000, 15_000], [40_000, 20_000], [60_000, 30_000]],
  IDR: [[50_000, 25_000], [75_000, 35_000], [100_000, 50_000]],
};

const WORDS: Record<Language, {
  voicePrompt: string;
  smsPrompt: string;
  priceQuestion: string;
  price: (lines: string[]) => string;
  areaQuestion: string;
  areas: (labels: string[]) => string;
  anyArea: string;
  services: [name: string, description: string, turnaround: string][];
}> = {
  en: {
    voicePrompt:
      'You are the receptionist of a laundry pickup service. Greet the caller, find out the service ' +
      '(Regular, Express or Premium), the pickup address, the number of loads and a time, confirm the price, and book it.',
    smsPrompt:
      'You answer texts for a laundry pickup service. Replies under 160 characters. Ask one thing at a time. ' +
      'After three unanswered questions offer a callback from a person.',
    priceQuestion: 'How much does it cost?',
    price: (lines) => `${lines.join('. ')}.`,
    areaQuestion: 'Where do you pick up?',
    areas: (labels) => `We pick up in ${labels.join(', ')}. Tell us your postal code and we will confirm.`,
    anyArea: 'Tell us your postal code and we will confirm that we pick up there.',
    services: [
      ['Regular Wash & Fold', 'Washed, dried and folded, back in 48 hours.', '48 h'],
      ['Express Wash & Fold', 'Washed, dried and folded, back in 24 hours.', '24 h'],
      ['Premium Same-Day', 'Picked up and returned the same day, hand-finished.', 'same day'],
    ],
  },
  es: {
    voicePrompt:
      'Eres la recepcionista de un servicio de lavandería a domicilio. Saluda, averigua el servicio (Regular, Express o Premium), ' +
      'la dirección de recogida, el número de cargas y una hora, confirma el precio y reserva.',
    smsPrompt:
      'Respondes mensajes de un servicio de lavandería a domicilio. Respuestas de menos de 160 caracteres, una pregunta a la vez. ' +
      'Tras tres preguntas sin respuesta, ofrece que llame una persona.',
    priceQuestion: '¿Cuánto cuesta?',
    price: (lines) => `${lines.join('. ')}.`,
    areaQuestion: '¿Dónde recogen?',
    areas: (labels) => `Recogemos en ${labels.join(', ')}. Dinos tu código postal y te confirmamos.`,
    anyArea: 'Dinos tu código postal y te confirmamos si recogemos allí.',
    services: [
      ['Regular lavado y doblado', 'Lavado, secado y doblado, listo en 48 horas.', '48 h'],
      ['Express lavado y doblado', 'Lavado, secado y doblado, listo en 24 horas.', '24 h'],
      ['Premium el mismo día', 'Recogido y entregado el mismo día, terminado a mano.', 'mismo día'],
    ],
  },
  id: {
    voicePrompt:
      'Anda resepsionis layanan laundry antar-jemput. Sapa penelepon, tanyakan layanan (Regular, Express atau Premium), ' +
      'alamat penjemputan, jumlah muatan dan waktunya, konfirmasi harga, lalu pesan.',
    smsPrompt:
      'Anda membalas pesan untuk layanan laundry antar-jemput. Balasan di bawah 160 karakter, satu pertanyaan setiap kali. ' +
      'Setelah tiga pertanyaan tak terjawab, tawarkan telepon dari staf.',
    priceQuestion: 'Berapa biayanya?',
    price: (lines) => `${lines.join('. ')}.`,
    areaQuestion: 'Di mana saja penjemputannya?',
    areas: (labels) => `Kami menjemput di ${labels.join(', ')}. Sebutkan kode pos Anda dan kami pastikan.`,
    anyArea: 'Sebutkan kode pos Anda dan kami pastikan apakah kami menjemput di sana.',
    services: [
      ['Regular Cuci Lipat', 'Dicuci, dikeringkan dan dilipat, kembali dalam 48 jam.', '48 jam'],
      ['Express Cuci Lipat', 'Dicuci, dikeringkan dan dilipat, kembali dalam 24 jam.', '24 jam'],
      ['Premium Hari yang Sama', 'Dijemput dan diantar di hari yang sama, disetrika tangan.', 'hari yang sama'],
    ],
  },
};

const PER_LOAD: Record<Language, string> = { en: 'per load', es: 'por carga', id: 'per muatan' };
/** The tiers as the price FAQ names them, short enough for a text message. */
const TIERS = ['Regular', 'Express', 'Premium'];
const KEYWORDS: string[][] = [
  ['regular', 'standard', 'normal', 'wash and fold', 'lavado'],
  ['express', 'fast', 'next day', 'rápido', 'cepat'],
  ['premium', 'same day', 'same-day', 'urgent', 'mismo día', 'hari ini'],
];

/** The metro area a workspace's time zone and country name, if this template knows it. */
export function metroAreaOf(timeZone: string, country: string) {
  const metro = METRO_AREAS[timeZone];
  return metro && metro.country === country ? metro : undefined;
}

/** The voice prompt of a workspace that has none active. */
export const DEFAULT_VOICE_PROMPT = WORDS.en.voicePrompt;

/**
 * The voice and SMS booking receptionist (seed 004): its prompts, first FAQs, priced services,
 * service areas and pickup windows, in the workspace's language, currency and city.
 */
export async function applyVoiceTemplate(ctx: Ctx, workspaceId: string): Promise<void> {
  const workspace = await getWorkspace(ctx);
  const language = personaLanguage(workspace.locale);
  const words = WORDS[language];
  const currency = workspace.currency.toUpperCase();
  const metro = metroAreaOf(workspace.time_zone, workspace.country);
  await ctx.tx.db
    .insertInto('ari_config')
    .values({ id: newId(), workspace_id: workspaceId, bot_name: 'Front desk', language })
    .onConflict((oc) => oc.column('workspace_id').doNothing())
    .execute();
  await ctx.tx.db
    .insertInto('system_prompts')
    .values([
      { id: newId(), workspace_id: workspaceId, prompt_type: 'voice', system_prompt: words.voicePrompt },
      { id: newId(), workspace_id: workspaceId, prompt_type: 'sms', system_prompt: words.smsPrompt },
    ])
    .execute();
  const minor = 10 ** minorDigits(currency);
  const prices = (LAUNDRY_PRICES[currency] ?? LAUNDRY_PRICES.USD!).map(([base, perLoad]) => ({ base: base * minor, perLoad: perLoad * minor }));
  const services = words.services.map(([name, description, turnaround], i) => ({
    id: newId(),
    workspace_id: workspaceId,
    unit_name: 'load',
    currency,
    duration_minutes: 30,
    name,
    description,
    base_price_minor: prices[i]!.base,
    unit_price_minor: prices[i]!.perLoad,
    turnaround,
    keywords: KEYWORDS[i]!,
    display_order: i + 1,
  }));
  const priceLines = services.map(
    (s, i) => `${TIERS[i]}: ${formatPrice(s.base_price_minor, currency, language)} + ${formatPrice(s.unit_price_minor, currency, language)} ${PER_LOAD[language]} (${s.turnaround})`,
  );
  await ctx.tx.db
    .insertInto('faqs')
    .values([
      { id: newId(), workspace_id: workspaceId, category: 'pricing', question: words.priceQuestion, answer: words.price(priceLines), keywords: ['price', 'cost', 'how much', 'rate', 'precio', 'cuánto', 'harga', 'berapa'], display_order: 1 },
      {
        id: newId(),
        workspace_id: workspaceId,
        category: 'service_area',
        question: words.areaQuestion,
        answer: metro ? words.areas(metro.areas.map(([prefix, label]) => `${label} (${prefix})`)) : words.anyArea,
        keywords: ['area', 'where', 'postal', 'pickup', 'dónde', 'zona', 'di mana', 'kode pos'],
        display_order: 2,
      },
    ])
    .execute();
  await ctx.tx.db.insertInto('services').values(services).execute();
  if (metro) {
    await ctx.tx.db
      .insertInto('service_areas')
      .values(metro.areas.map(([postal_prefix, label]) => ({ workspace_id: workspaceId, postal_prefix, label })))
      .execute();
  }
  // Pickup windows Monday to Saturday at 9, 11, 14 and 16 (seed 004's default slots), two
  // hours each, with room for three pickups in each.
  await ctx.tx.db
    .insertInto('consultant_slots')
    .values(
      [1, 2, 3, 4, 5, 6].flatMap((day) =>
        ['09:00', '11:00', '14:00', '16:00'].map((start) => ({
          id: newId(),
          workspace_id: workspaceId,
          day_of_week: day,
          start_time: start,
          end_time: `${String(Number(start.slice(0, 2)) + 2).padStart(2, '0')}:00`,
          duration_minutes: 120,
          max_bookings_per_slot: 3,
        })),
      ),
    )
    .execute();
}
