/**
 * Fills a migrated database with a realistic volume of front-desk data, set-based: every table
 * is filled by a few INSERT ... SELECT over generate_series, never row by row, into the real
 * tables with their constraints, foreign keys, row-level security (as service_role) and
 * triggers. At scale 1: 1,000 workspaces, 1,000,000 contacts, 100,000 conversations, about
 * 5,000,000 messages, 10,000,000 platform events and 200,000 bookings, half of each (and of
 * the events, nine tenths) in one very large tenant with 100 consultants. `scale` multiplies
 * every figure (0.001 is a copy for tests that seeds in seconds).
 *
 * Two triggers are set aside, each inside the transaction that fills its table (ALTER TABLE
 * ... DISABLE TRIGGER is transactional: no other session ever sees it off):
 * - messages_inbox_event and conversations_inbox_event: one pg_notify per row, for the staff
 *   app's live inbox. Nobody listens to a seed, and five million notifications in one
 *   transaction are kept in memory (to drop duplicates) and then pass through the notify queue.
 * - guard_slot_seats on bookings: two queries a row to refuse a full slot or a busy
 *   consultant. The seed places every future booking on a distinct free slot of its
 *   consultant itself (past ones hold no seat), so the guard would refuse nothing.
 * Every other trigger runs: the contact totals (bookings_contact_totals), the lead history of
 * ari_conversations, the outbox trigger (seeded messages are never queued, so it has nothing
 * to do), the pattern owner check on consultant_slots.
 *
 * Ids are deterministic (md5 of the row's place), so the seed can point rows at each other
 * without reading them back, and two seeds of the same scale are the same data.
 */
import type { Database, Tx } from '../src/platform/db/database.ts';
import { assume } from '../src/platform/db/tenant.ts';

export interface ScaleCounts {
  workspaces: number;
  contacts: number;
  conversations: number;
  /** Average messages per conversation; the total is about conversations × this. */
  messagesPerConversation: number;
  events: number;
  bookings: number;
  /** Consultants of the large tenant (others have two). */
  consultants: number;
}

export const FULL: ScaleCounts = {
  workspaces: 1000,
  contacts: 1_000_000,
  conversations: 100_000,
  messagesPerConversation: 50,
  events: 10_000_000,
  bookings: 200_000,
  consultants: 100,
};

/** The counts at a scale factor; never fewer than two workspaces, so there is always another tenant. */
export function countsAt(scale: number): ScaleCounts {
  const at = (n: number, min: number) => Math.max(min, Math.round(n * scale));
  return {
    workspaces: at(FULL.workspaces, 2),
    contacts: at(FULL.contacts, 20),
    conversations: at(FULL.conversations, 10),
    messagesPerConversation: FULL.messagesPerConversation,
    events: at(FULL.events, 100),
    bookings: at(FULL.bookings, 10),
    consultants: FULL.consultants,
  };
}

/** The large tenant's id and slug; the others are md5('ws:' || n). */
export const BIG_TENANT = { n: 0, slug: 'scale-big' };
export const wsId = (n: number | string) => `md5('ws:' || ${n})::uuid`;

/** The share of each kind of row that the large tenant holds. */
const BIG_SHARE = 0.5;
const BIG_EVENT_SHARE = 0.9;

export interface SeedReport {
  step: string;
  rows: number;
  seconds: number;
}

/** The instant every seeded time is counted back from (and availability forward from). */
export interface SeedOptions {
  scale: number;
  /** The large tenant's consultants (100); a test may want fewer. */
  consultants?: number;
  now: Date;
  log?: (line: string) => void;
}

const FIRST = ['Budi', 'Siti', 'Agus', 'Dewi', 'Andi', 'Putri', 'Rizky', 'Ayu', 'Eko', 'Indah', 'Olivia', 'Liam', 'Emma', 'Noah', 'Ava', 'Lucas', 'Sofia', 'Mateo', 'Valentina', 'Santiago', 'Camila', 'Diego', 'Lucia', 'Carlos', 'Maria', 'Juan', 'Ana', 'Wei', 'Mei', 'Hiro', 'Yuki', 'Arjun', 'Priya', 'Omar', 'Fatima', 'Chen', 'Nur', 'Hendra', 'Sari', 'Bayu'];
const LAST = ['Santoso', 'Wijaya', 'Halim', 'Pratama', 'Saputra', 'Hidayat', 'Kusuma', 'Lestari', 'Gunawan', 'Setiawan', 'Chen', 'Smith', 'Garcia', 'Martinez', 'Rodriguez', 'Lopez', 'Hernandez', 'Gonzalez', 'Perez', 'Sanchez', 'Tanaka', 'Kim', 'Nguyen', 'Patel', 'Singh', 'Khan', 'Brown', 'Wilson', 'Taylor', 'Anderson', 'Thomas', 'Moore', 'Martin', 'Jackson', 'White', 'Harris', 'Clark', 'Lewis', 'Walker', 'Young'];
const DOMAINS = ['gmail.com', 'yahoo.com', 'outlook.com', 'hotmail.com', 'icloud.com', 'mail.id', 'example.co.id', 'proton.me'];
const INBOUND = [
  'Hi, do you have any slots this week?', 'How much is the consultation?', 'Can I reschedule my appointment?',
  'What documents do I need for the visa?', 'Is the campus in Melbourne or Sydney?', 'Thanks!', 'Ok, see you then',
  'Do you pick up on Sundays?', 'Halo, apakah masih ada jadwal besok?', 'Berapa biaya konsultasinya?', 'Hola, ¿tienen citas el sábado?',
  'I want to study nursing in Australia', 'What is the IELTS requirement?', 'Can I pay by bank transfer?',
];
const OUTBOUND = [
  'Hello! How can I help you today?', 'We have slots on Tuesday at 10:00 and Thursday at 14:00.', 'The consultation is free for the first 30 minutes.',
  'Your appointment is confirmed.', 'You will need your passport, transcripts and an English test result.', 'Here is your payment link.',
  'Sure, I have moved it for you.', 'A member of our team will reply shortly.', 'Terima kasih! Sampai jumpa.', '¡Claro! Le esperamos.',
];
const QUESTIONS = [
  'Do you offer scholarships for medicine?', 'Can my spouse work while I study?', 'Is there a payment plan for tuition?',
  'Do you help with accommodation in Berlin?', 'What is the age limit for a student visa?', 'Can I transfer credits from my university?',
  'Do you have an office in Surabaya?', 'Is the TOEFL accepted instead of IELTS?',
];

const lit = (xs: string[]) => `array[${xs.map((x) => `'${x.replace(/'/g, "''")}'`).join(', ')}]::text[]`;
/** A deterministic pseudo-random integer in [0, mod) from a row's place. */
const h = (expr: string, mod: number) => `(abs(hashtext(${expr})::bigint) % ${mod})`;

/** Seeds the database (which must be migrated and hold no earlier seed of the same scale). */
export async function seedScale(db: Database, o: SeedOptions): Promise<{ counts: ScaleCounts; steps: SeedReport[] }> {
  const c = { ...countsAt(o.scale), ...(o.consultants !== undefined ? { consultants: o.consultants } : {}) };
  const log = o.log ?? (() => {});
  const now = `'${o.now.toISOString()}'::timestamptz`;
  const steps: SeedReport[] = [];
  const others = c.workspaces - 1;
  const share = (total: number, big: number) => ({ big: Math.round(total * big), other: Math.max(1, Math.floor((total - Math.round(total * big)) / others)) });
  const contacts = share(c.contacts, BIG_SHARE);
  const conversations = share(c.conversations, BIG_SHARE);
  const events = share(c.events, BIG_EVENT_SHARE);
  const bookings = share(c.bookings, BIG_SHARE);

  async function step(name: string, fn: (tx: Tx) => Promise<number>) {
    const t0 = performance.now();
    const rows = await db.transaction(async (tx) => {
      if (db.kind === 'postgres') {
        await tx.query(`set local synchronous_commit = off`);
        await tx.query(`set local gin_pending_list_limit = '64MB'`);
      }
      const n = await fn(tx);
      return n;
    });
    const seconds = (performance.now() - t0) / 1000;
    steps.push({ step: name, rows, seconds });
    log(`  ${name.padEnd(28)} ${String(rows).padStart(11)} rows  ${seconds.toFixed(1)} s`);
  }
  const run = async (tx: Tx, sql: string) => (await tx.query(sql)).rowCount;
  const asService = (tx: Tx) => assume(tx, 'service_role', { role: 'service_role' });
  /** Runs `fn` as service_role with the table's `trigger` off; the owner turns it off and on, in the same transaction. */
  async function withoutTrigger(tx: Tx, table: string, trigger: string, fn: () => Promise<number>): Promise<number> {
    await tx.query(`alter table ${table} disable trigger ${trigger}`);
    await asService(tx);
    const n = await fn();
    await tx.query('reset role');
    await tx.query(`alter table ${table} enable trigger ${trigger}`);
    return n;
  }

  // The workspaces and their sizes: n = 0 is the large tenant.
  const wsSizes = `(select n, ${wsId('n')} as id,
      case when n = 0 then ${contacts.big} else ${contacts.other} end as contacts,
      case when n = 0 then ${conversations.big} else ${conversations.other} end as conversations,
      case when n = 0 then ${events.big} else ${events.other} end as events,
      case when n = 0 then ${bookings.big} else ${bookings.other} end as bookings,
      case when n = 0 then ${c.consultants} else 2 end as consultants
    from generate_series(0, ${c.workspaces - 1}) n) w`;

  await step('workspaces', async (tx) => {
    await asService(tx);
    return run(tx, `
      insert into workspaces (id, name, slug, time_zone, locale, currency, country, template, created_at, updated_at)
      select id, case when n = 0 then 'Scale: the large tenant' else 'Scale tenant ' || n end,
             case when n = 0 then '${BIG_TENANT.slug}' else 'scale-' || n end,
             (array['Asia/Jakarta', 'America/Toronto', 'America/Bogota', 'Europe/Madrid'])[1 + n % 4],
             (array['id', 'en', 'es', 'es'])[1 + n % 4], (array['IDR', 'CAD', 'COP', 'EUR'])[1 + n % 4],
             (array['ID', 'CA', 'CO', 'ES'])[1 + n % 4], (array['ari', 'ari', 'voice', 'amara'])[1 + n % 4],
             ${now}, ${now}
        from ${wsSizes}`);
  });

  // Staff: an owner per workspace and its consultants (members), who own the weekly patterns.
  const userId = (n: string, k: string) => `md5('user:' || ${n} || ':' || ${k})::uuid`;
  await step('users and members', async (tx) => {
    await asService(tx);
    await run(tx, `
      insert into auth.users (id, email, full_name)
      select ${userId('w.n', 'k')}, 'staff' || k || '.ws' || w.n || '@scale.test', 'Staff ' || k || ' of ' || w.n
        from ${wsSizes}, generate_series(0, w.consultants) k`);
    return run(tx, `
      insert into workspace_members (workspace_id, user_id, role)
      select w.id, ${userId('w.n', 'k')}, case when k = 0 then 'owner' else 'member' end
        from ${wsSizes}, generate_series(0, w.consultants) k`);
  });

  await step('consultant_slots', async (tx) => {
    await asService(tx);
    // Monday to Friday, 09:00-17:00 in one-hour slots, for every consultant.
    return run(tx, `
      insert into consultant_slots (workspace_id, consultant_id, day_of_week, start_time, end_time, duration_minutes, booking_window_days)
      select w.id, ${userId('w.n', 'k')}, d, '09:00', '17:00', 60, 60
        from ${wsSizes}, generate_series(1, w.consultants) k, generate_series(1, 5) d`);
  });

  const contactId = (n: string, k: string) => `md5('contact:' || ${n} || ':' || ${k})::uuid`;
  await step('contacts', async (tx) => {
    await asService(tx);
    const first = `(${lit(FIRST)})[1 + ${h(`'f' || w.n || ':' || k`, FIRST.length)}]`;
    const last = `(${lit(LAST)})[1 + ${h(`'l' || w.n || ':' || k`, LAST.length)}]`;
    return run(tx, `
      insert into contacts (id, workspace_id, name, phone, email, tags, lead_status, lead_score, lead_temperature, source, created_at, updated_at, last_contact)
      select ${contactId('w.n', 'k')}, w.id, x.name,
             '+628' || lpad((k::bigint * 7919 % 1000000000)::text, 9, '0'),
             case when k % 10 < 7 then lower(replace(x.name, ' ', '.')) || k || '@' || (${lit(DOMAINS)})[1 + k % ${DOMAINS.length}] end,
             case k % 5 when 0 then array['vip'] when 1 then array['webinar', 'australia'] else '{}'::text[] end,
             (array['new', 'prospect', 'hot_lead', 'warm_lead', 'cold_lead', 'customer', 'lost'])[1 + k % 7],
             k % 101, (array['hot', 'warm', 'cold'])[1 + k % 3],
             (array['whatsapp', 'sms', 'webchat', 'voice', 'manual'])[1 + k % 5],
             ${now} - (k % 365) * interval '1 day', ${now} - (k % 365) * interval '1 day', ${now} - (k % 360) * interval '1 day' + interval '1 hour'
        from ${wsSizes}, generate_series(0, w.contacts - 1) k,
             lateral (select ${first} || ' ' || ${last} as name) x`);
  });

  // A conversation per contact (contact k of its workspace), about 50 messages each (1 to 99),
  // the last one minutes before last_message_at. Most are resolved; the open ones are the
  // recent ones, as in a real inbox.
  const convId = (n: string, k: string) => `md5('conversation:' || ${n} || ':' || ${k})::uuid`;
  const msgCount = (k: string) => `(1 + (${k} * 37) % 99)`;
  const convStart = (k: string) => `(${now} - ((${k}::bigint * 104729) % 525600) * interval '1 minute' - interval '2 hours')`;
  await step('conversations', async (tx) => {
    return withoutTrigger(tx, 'conversations', 'conversations_inbox_event', () => run(tx, `
      insert into conversations (id, workspace_id, contact_id, channel, status, owner, assignee_id, snoozed_until, last_message_at, last_inbound_at, unread_count, created_at, updated_at)
      select ${convId('w.n', 'k')}, w.id, ${contactId('w.n', 'k % w.contacts')},
             (array['whatsapp', 'whatsapp', 'sms', 'webchat', 'whatsapp'])[1 + k % 5],
             x.status, case when k % 6 = 0 then 'human' else 'ai' end,
             case when k % 6 = 0 then ${userId('w.n', '1 + k % w.consultants')} end,
             case when x.status = 'snoozed' then ${now} + interval '1 day' end,
             -- Odd messages are the customer's: a thread of an odd count ends with them.
             x.start + ${msgCount('k')} * interval '1 minute', x.start + (${msgCount('k')} - (1 - ${msgCount('k')} % 2)) * interval '1 minute',
             case when x.status = 'open' then k % 4 else 0 end, x.start, x.start
        from ${wsSizes}, generate_series(0, w.conversations - 1) k,
             lateral (select ${convStart('k')} as start,
                             case when k % 20 < 13 then 'resolved' when k % 20 < 17 then 'open' when k % 20 < 19 then 'pending' else 'snoozed' end as status) x`));
  });

  await step('messages', async (tx) => {
    return withoutTrigger(tx, 'messages', 'messages_inbox_event', () => run(tx, `
      insert into messages (id, workspace_id, conversation_id, channel, direction, sender_kind, body, delivery_status, created_at, updated_at)
      select md5('message:' || w.n || ':' || k || ':' || j)::uuid, w.id, ${convId('w.n', 'k')},
             (array['whatsapp', 'whatsapp', 'sms', 'webchat', 'whatsapp'])[1 + k % 5],
             case when j % 2 = 1 then 'inbound' else 'outbound' end,
             case when j % 2 = 1 then 'contact' else 'assistant' end,
             case when j % 2 = 1 then (${lit(INBOUND)})[1 + (k + j) % ${INBOUND.length}] else (${lit(OUTBOUND)})[1 + (k + j) % ${OUTBOUND.length}] end,
             case when j % 2 = 1 then 'received' else 'read' end,
             ${convStart('k')} + j * interval '1 minute', ${convStart('k')} + j * interval '1 minute'
        from ${wsSizes}, generate_series(0, w.conversations - 1) k, generate_series(1, ${msgCount('k')}) j`));
  });

  // The assistant's record of each conversation (its lead history written by the trigger), and
  // in one conversation of twenty a question it could not answer.
  const ariId = (n: string, k: string) => `md5('ari:' || ${n} || ':' || ${k})::uuid`;
  await step('ari_conversations', async (tx) => {
    await asService(tx);
    return run(tx, `
      insert into ari_conversations (id, workspace_id, contact_id, conversation_id, state, lead_score, lead_temperature, created_at, updated_at)
      select ${ariId('w.n', 'k')}, w.id, ${contactId('w.n', 'k % w.contacts')}, ${convId('w.n', 'k')},
             (array['greeting', 'qualifying', 'scoring', 'booking', 'completed'])[1 + k % 5], k % 101, (array['hot', 'warm', 'cold'])[1 + k % 3],
             ${convStart('k')}, ${convStart('k')}
        from ${wsSizes}, generate_series(0, least(w.conversations, w.contacts) - 1) k`);
  });
  await step('ari_messages (unanswered)', async (tx) => {
    await asService(tx);
    const base = `from ${wsSizes}, generate_series(0, least(w.conversations, w.contacts) - 1) k where k % 20 = 3`;
    await run(tx, `
      insert into ari_messages (id, workspace_id, ari_conversation_id, role, content, metadata, created_at)
      select md5('ari-q:' || w.n || ':' || k)::uuid, w.id, ${ariId('w.n', 'k')}, 'user',
             (${lit(QUESTIONS)})[1 + k % ${QUESTIONS.length}], '{}'::jsonb, ${now} - (k % 60) * interval '1 day'
        ${base}`);
    return 2 * (await run(tx, `
      insert into ari_messages (id, workspace_id, ari_conversation_id, role, content, ai_model, metadata, created_at)
      select md5('ari-a:' || w.n || ':' || k)::uuid, w.id, ${ariId('w.n', 'k')}, 'assistant',
             'I am not sure about that; let me ask a person from our team.', 'rule-engine',
             jsonb_build_object('unanswered', true, 'reply_to', md5('ari-q:' || w.n || ':' || k)::uuid, 'channel', 'whatsapp'),
             ${now} - (k % 60) * interval '1 day' + interval '2 seconds'
        ${base}`));
  });

  // Seed 003's events over the 90 days the cleanup keeps: visitors of 8 events each, going as
  // far down the funnel as their luck says (search 100%, profile 55%, checkout 25%, booking 12%),
  // with the other event types in between.
  await step('platform_events', async (tx) => {
    await asService(tx);
    const other = lit(['PaymentAttempted', 'ReviewSubmitted', 'LeadReceived', 'LeadAccepted', 'LeadDeclined', 'JobStatusChanged', 'PayoutInitiated', 'Cancellation', 'DisputeOpened', 'DisputeResolved']);
    return run(tx, `
      insert into platform_events (id, workspace_id, event_type, session_id, properties, created_at)
      select md5('event:' || w.n || ':' || k)::uuid, w.id,
             case when p < 3 then 'SearchStarted'
                  when p < 5 and luck < 55 then 'ProfessionalViewed'
                  when p = 5 and luck < 25 then 'CheckoutStarted'
                  when p = 6 and luck < 12 then 'BookingConfirmed'
                  else (${other})[1 + (k / 8) % 10] end,
             'visitor-' || w.n || '-' || (k / 8),
             case when p = 0 then jsonb_build_object('service', (array['laundry', 'cleaning', 'plumbing', 'visa'])[1 + (k / 8) % 4]) else '{}'::jsonb end,
             ${now} - ((k / 8) * 7776000.0 / greatest(1, w.events / 8)) * interval '1 second' + p * interval '1 minute' - interval '10 minutes'
        from ${wsSizes}, generate_series(0, w.events - 1) k,
             lateral (select k % 8 as p, ${h(`'luck:' || w.n || ':' || (k / 8)`, 100)} as luck) x`);
  });

  // Bookings: the past ones hold no seat; the coming month's are placed on distinct free slots
  // of each consultant (40% of a weekday's eight hours), as the seat guard would have them.
  await step('bookings', async (tx) => {
    return withoutTrigger(tx, 'bookings', 'guard_slot_seats', async () => {
    const past = await run(tx, `
      insert into bookings (id, workspace_id, contact_id, customer_name, customer_phone, service_type, appointment_date, appointment_time,
                            status, source, title, scheduled_at, duration_minutes, payment_amount, payment_currency, payment_status, created_at, updated_at)
      select md5('booking:' || w.n || ':' || k)::uuid, w.id, ${contactId('w.n', 'k % w.contacts')}, 'Customer ' || k, '+628' || lpad((k::bigint * 7919 % 1000000000)::text, 9, '0'),
             (array['Regular Wash & Fold', 'Deep Cleaning', 'Visa consultation', 'Dry Cleaning'])[1 + k % 4],
             to_char(x.at, 'YYYY-MM-DD'), to_char(x.at, 'HH12:MI AM'),
             (array['completed', 'completed', 'confirmed', 'cancelled', 'no-show'])[1 + k % 5],
             (array['voice', 'sms', 'manual', 'web', 'whatsapp'])[1 + k % 5], 'Booking ' || k, x.at, 60,
             (10 + k % 90)::numeric(10, 2), 'USD', (array['paid', 'paid', 'pending', 'failed'])[1 + k % 4], x.at - interval '3 days', x.at - interval '3 days'
        from ${wsSizes}, generate_series(0, w.bookings - 1) k,
             lateral (select date_trunc('hour', ${now}) - (1 + (k * 7) % 8760) * interval '1 hour' as at) x`);
    const future = await run(tx, `
      insert into bookings (id, workspace_id, contact_id, consultant_id, customer_name, customer_phone, service_type, appointment_date, appointment_time,
                            status, source, title, scheduled_at, duration_minutes, created_at, updated_at)
      select md5('slot:' || w.n || ':' || c || ':' || d || ':' || hr)::uuid, w.id, ${contactId('w.n', '(c * 1000 + d * 10 + hr) % w.contacts')},
             ${userId('w.n', 'c')}, 'Customer ' || c || '-' || d, '+628' || lpad(((c * 1000 + d * 10 + hr) * 7919 % 1000000000)::text, 9, '0'),
             'Visa consultation', to_char(x.at at time zone ws.time_zone, 'YYYY-MM-DD'), to_char(x.at at time zone ws.time_zone, 'HH12:MI AM'),
             'confirmed', 'whatsapp', 'Consultation', x.at, 60, ${now}, ${now}
        from ${wsSizes} join workspaces ws on ws.id = w.id,
             generate_series(1, w.consultants) c, generate_series(1, 30) d, generate_series(9, 16) hr,
             lateral (select ((date_trunc('day', ${now} at time zone ws.time_zone) + d * interval '1 day' + hr * interval '1 hour') at time zone ws.time_zone) as at) x
       where extract(isodow from x.at at time zone ws.time_zone) between 1 and 5
         and ${h(`'seat:' || w.n || ':' || c || ':' || d || ':' || hr`, 10)} < 4`);
    return past + future;
    });
  });

  // Seed 004's daily rollup: a year of days per workspace.
  await step('analytics (daily)', async (tx) => {
    await asService(tx);
    return run(tx, `
      insert into analytics (workspace_id, date, total_calls, successful_calls, failed_calls, total_bookings, total_sms, total_cost, conversion_rate)
      select w.id, to_char((${now} at time zone 'UTC')::date - d, 'YYYY-MM-DD'), 10 + (d + w.n) % 30, 8 + (d + w.n) % 20, 2, (d + w.n) % 12, (d * 3 + w.n) % 40,
             ((d + w.n) % 50)::numeric(10, 2), ((d + w.n) % 100)::numeric(5, 2)
        from ${wsSizes}, generate_series(0, 364) d`);
  });

  const t0 = performance.now();
  await db.exec('analyze');
  steps.push({ step: 'analyze', rows: 0, seconds: (performance.now() - t0) / 1000 });
  log(`  ${'analyze'.padEnd(28)} ${''.padStart(11)}       ${steps.at(-1)!.seconds.toFixed(1)} s`);
  return { counts: c, steps };
}
