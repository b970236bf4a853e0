// Seed 004 (voice and SMS receptionist) in migration 0005: bookings, calls, sms_messages,
// analytics, faqs and system_prompts with the seed's columns, types, defaults, checks, indexes
// and triggers; the tenant keys that replace client_id; the seed's sample queries; seed 003's
// convert_guest_to_user; and the contact timeline of migration 0006.
import { beforeAll, expect, it } from 'vitest';
import type { Tx } from '../../src/platform/db/database.ts';
import { describeEachDatabase } from '../support/db.ts';
import { addMember, createUser, createWorkspace, type WorkspaceFixture } from '../support/factories.ts';
import {
  asAnon,
  asService,
  asSignedIn,
  type ColumnInfo,
  columnInfo as col,
  columnsOf,
  indexesOf,
  newGuestToken,
  one,
  policiesOf,
  rlsOf,
  rows,
  triggersOf,
  TSTZ,
} from '../support/actors.ts';

const TABLES = ['bookings', 'calls', 'sms_messages', 'analytics', 'faqs', 'system_prompts'];

const ID = col('uuid', false, 'gen_random_uuid()');
const WORKSPACE = col('uuid', false, 'app.current_workspace_id()');
const STAMP = col(TSTZ, true, 'now()');
const CLIENT_ID: ColumnInfo = { type: 'text', nullable: true, default: null, generated: '(workspace_id)::text' };
const text = col('text', true);
const uuid = col('uuid', true);
const int0 = col('integer', true, '0');
const money0 = col('numeric(10,2)', true, '0');

const COLUMNS: Record<string, Record<string, ColumnInfo>> = {
  bookings: {
    id: ID,
    workspace_id: WORKSPACE,
    created_at: STAMP,
    updated_at: STAMP,
    customer_name: col('text', false),
    customer_phone: col('text', false),
    customer_email: text,
    service_type: col('text', false),
    appointment_date: col('text', false),
    appointment_time: col('text', false),
    status: col('text', true, "'pending'::text"),
    source: text,
    notes: text,
    reminder_sent: col('boolean', true, 'false'),
    confirmation_sent: col('boolean', true, 'false'),
    title: text,
    scheduled_at: col(TSTZ, true),
    duration_minutes: col('integer', true),
    pickup_address: text,
    payment_amount: col('numeric(10,2)', true),
    payment_currency: col('text', true, "'USD'::text"),
    payment_status: text,
    number_of_loads: col('integer', true),
    guest_session_id: uuid,
    customer_id: uuid,
    contact_id: uuid,
    consultant_id: uuid,
    // 0022: a guest's hold lapses, and the system says why it cancelled.
    hold_expires_at: col(TSTZ, true),
    hold_client: text,
    cancel_reason: text,
  },
  calls: {
    id: ID,
    workspace_id: WORKSPACE,
    created_at: STAMP,
    updated_at: STAMP,
    phone_number: col('text', false),
    customer_name: text,
    duration: int0,
    status: text,
    call_type: text,
    recording_url: text,
    transcript: text,
    cost: money0,
    notes: text,
    sentiment: text,
    booking_id: uuid,
    contact_id: uuid,
    provider_call_id: text,
  },
  sms_messages: {
    id: ID,
    workspace_id: WORKSPACE,
    created_at: STAMP,
    phone_number: col('text', false),
    direction: text,
    message_body: col('text', false),
    status: text,
    booking_id: uuid,
    cost: money0,
    contact_id: uuid,
    provider_message_id: text,
    // 0017: what sending a reply through Twilio takes; the row is its own outbox entry.
    business_number: text,
    num_segments: col('integer', true),
    price_micros: col('bigint', true),
    price_unit: text,
    error_code: text,
    error: text,
    attempts: col('integer', false, '0'),
    next_attempt_at: col(TSTZ, true),
    claimed_until: col(TSTZ, true),
    sent_at: col(TSTZ, true),
    metadata: col('jsonb', false, "'{}'::jsonb"),
    updated_at: col(TSTZ, false, 'now()'),
    conversation_id: uuid,
    // 0028: the number as E.164 digits, for threading texts that carry only a number.
    phone_key: { type: 'text', nullable: true, default: null, generated: "('+'::text || regexp_replace(phone_number, '[^0-9]'::text, ''::text, 'g'::text))" },
  },
  analytics: {
    id: ID,
    workspace_id: WORKSPACE,
    date: col('text', false),
    total_calls: int0,
    total_bookings: int0,
    total_sms: int0,
    total_cost: money0,
    successful_calls: int0,
    failed_calls: int0,
    conversion_rate: col('numeric(5,2)', true, '0'),
  },
  faqs: {
    id: ID,
    workspace_id: WORKSPACE,
    client_id: CLIENT_ID,
    category: col('text', false),
    question: col('text', false),
    answer: col('text', false),
    keywords: col('text[]', true, "'{}'::text[]"),
    is_active: col('boolean', true, 'true'),
    display_order: int0,
    usage_count: int0,
    created_at: STAMP,
    updated_at: STAMP,
  },
  system_prompts: {
    id: ID,
    workspace_id: WORKSPACE,
    client_id: CLIENT_ID,
    prompt_type: col('text', false),
    system_prompt: col('text', false),
    prompt_version: col('text', true, "'v1.0.0'::text"),
    is_active: col('boolean', true, 'true'),
    created_at: STAMP,
    updated_at: STAMP,
  },
};

const INDEXES: Record<string, [string, string]> = {
  // Seed 004's, under its names.
  idx_calls_phone: ['calls', 'btree (phone_number)'],
  idx_calls_status: ['calls', 'btree (status)'],
  idx_calls_created_at: ['calls', 'btree (created_at DESC)'],
  idx_calls_booking_id: ['calls', 'btree (booking_id)'],
  idx_bookings_phone: ['bookings', 'btree (customer_phone)'],
  idx_bookings_status: ['bookings', 'btree (status)'],
  idx_bookings_date: ['bookings', 'btree (appointment_date)'],
  idx_bookings_created_at: ['bookings', 'btree (created_at DESC)'],
  idx_sms_phone: ['sms_messages', 'btree (phone_number)'],
  idx_sms_created_at: ['sms_messages', 'btree (created_at DESC)'],
  idx_sms_booking_id: ['sms_messages', 'btree (booking_id)'],
  idx_analytics_date: ['analytics', 'btree (date DESC)'],
  idx_faqs_client: ['faqs', 'btree (client_id)'],
  idx_faqs_category: ['faqs', 'btree (category)'],
  idx_faqs_active: ['faqs', 'btree (is_active)'],
  // 0009: full-text search over FAQs in each language the product speaks.
  idx_faqs_search_english: ['faqs', "gin (app.faq_document('english'::regconfig, question, answer, keywords)) WHERE is_active"],
  idx_faqs_search_indonesian: ['faqs', "gin (app.faq_document('indonesian'::regconfig, question, answer, keywords)) WHERE is_active"],
  idx_faqs_search_spanish: ['faqs', "gin (app.faq_document('spanish'::regconfig, question, answer, keywords)) WHERE is_active"],
  idx_prompts_client: ['system_prompts', 'btree (client_id)'],
  idx_prompts_type: ['system_prompts', 'btree (prompt_type)'],
  idx_prompts_active: ['system_prompts', 'btree (is_active)'],
  // Tenant keys and the unique rules.
  bookings_pkey: ['bookings', 'btree (workspace_id, id)'],
  calls_pkey: ['calls', 'btree (workspace_id, id)'],
  sms_messages_pkey: ['sms_messages', 'btree (workspace_id, id)'],
  analytics_pkey: ['analytics', 'btree (workspace_id, id)'],
  faqs_pkey: ['faqs', 'btree (workspace_id, id)'],
  system_prompts_pkey: ['system_prompts', 'btree (workspace_id, id)'],
  analytics_workspace_date_key: ['analytics', 'btree (workspace_id, date)'],
  calls_workspace_provider_call_key: ['calls', 'btree (workspace_id, provider_call_id)'],
  sms_messages_workspace_provider_message_key: ['sms_messages', 'btree (workspace_id, provider_message_id)'],
  uq_system_prompts_active: ['system_prompts', 'btree (workspace_id, prompt_type) WHERE is_active'],
  // For the added foreign keys, the end-user policy, the scheduling engine and the timeline.
  idx_bookings_guest_session: ['bookings', 'btree (workspace_id, guest_session_id) WHERE (guest_session_id IS NOT NULL)'],
  idx_bookings_contact: ['bookings', 'btree (workspace_id, contact_id) WHERE (contact_id IS NOT NULL)'],
  idx_bookings_customer: ['bookings', 'btree (workspace_id, customer_id) WHERE (customer_id IS NOT NULL)'],
  idx_bookings_consultant: [
    'bookings',
    'btree (workspace_id, consultant_id, scheduled_at) WHERE (consultant_id IS NOT NULL)',
  ],
  // 0022: the expire-guest-holds job's scan.
  idx_bookings_live_holds: ['bookings', "btree (workspace_id, hold_expires_at) WHERE ((status = 'pending_payment'::text) AND (hold_expires_at IS NOT NULL))"],
  idx_calls_contact: ['calls', 'btree (workspace_id, contact_id, created_at) WHERE (contact_id IS NOT NULL)'],
  idx_sms_contact: ['sms_messages', 'btree (workspace_id, contact_id, created_at) WHERE (contact_id IS NOT NULL)'],
  // 0017: the SMS worker's queue and the inbox's per-workspace reads.
  idx_sms_due: ['sms_messages', "btree (next_attempt_at) WHERE ((direction = 'outbound'::text) AND (status = 'queued'::text))"],
  idx_sms_claimed: [
    'sms_messages',
    "btree (claimed_until) WHERE ((direction = 'outbound'::text) AND (status = 'sending'::text) AND (provider_message_id IS NULL))",
  ],
  idx_sms_workspace_created: ['sms_messages', 'btree (workspace_id, created_at)'],
  idx_sms_conversation: ['sms_messages', 'btree (workspace_id, conversation_id, created_at) WHERE (conversation_id IS NOT NULL)'],
  // 0028: texts that carry only a number, threaded into its contact's timeline; the call log.
  idx_sms_unlinked_phone: ['sms_messages', 'btree (workspace_id, phone_key) WHERE (contact_id IS NULL)'],
  idx_calls_workspace_log: ['calls', "btree (workspace_id, COALESCE(created_at, '1970-01-01 00:00:00+00'::timestamp with time zone), id)"],
  idx_calls_transcript_trgm: ['calls', 'gin (transcript gin_trgm_ops)'],
  // 0011: the scheduling engine's range scans and the reminder and confirmation jobs.
  idx_bookings_scheduled: ['bookings', 'btree (workspace_id, scheduled_at)'],
  idx_bookings_reminder_due: [
    'bookings',
    "btree (scheduled_at) WHERE ((reminder_sent IS NOT TRUE) AND (status = ANY (ARRAY['pending'::text, 'scheduled'::text, 'confirmed'::text])))",
  ],
  idx_bookings_confirmation_due: ['bookings', "btree (scheduled_at) WHERE ((confirmation_sent IS NOT TRUE) AND (status = 'confirmed'::text))"],
  // 0018: the daily analytics rollup reads one workspace's day.
  idx_calls_workspace_created: ['calls', 'btree (workspace_id, created_at)'],
  idx_bookings_workspace_created: ['bookings', 'btree (workspace_id, created_at)'],
};

const BOOKING = `insert into bookings (customer_name, customer_phone, service_type, appointment_date, appointment_time)
                 values ('Ana', '+14165550100', 'Laundry Pickup', '2026-12-01', '10:00 AM')`;

const count = async (tx: Tx, sql: string, params: unknown[] = []) =>
  (await one<{ n: number }>(tx, `select count(*)::int as n from (${sql}) q`, params)).n;

describeEachDatabase('seed 004 schema: tables, columns, indexes, triggers, policies', (db) => {
  it('creates the tables with every seed column, type, nullability and default', async () => {
    for (const table of TABLES) expect(await columnsOf(db(), table), table).toEqual(COLUMNS[table]);
  });

  it('creates every seed index under its name', async () => {
    expect(await indexesOf(db(), TABLES)).toEqual(INDEXES);
  });

  it("has the seed's updated_at triggers on update_updated_at_column()", async () => {
    const fn = 'update_updated_at_column()';
    // 0011 adds the seat guard beside the seed's trigger; 0018 the contact totals; 0041 the
    // outbound webhooks' events.
    expect(await triggersOf(db(), 'bookings')).toEqual({
      bookings_events: 'app.events_of_bookings()',
      update_bookings_updated_at: fn,
      guard_slot_seats: 'app.guard_slot_seats()',
      bookings_contact_totals: 'app.bookings_contact_totals()',
    });
    expect(await triggersOf(db(), 'calls')).toEqual({ update_calls_updated_at: fn, calls_contact_totals: 'app.calls_contact_totals()' });
    expect(await triggersOf(db(), 'faqs')).toEqual({ update_faqs_updated_at: fn });
    expect(await triggersOf(db(), 'system_prompts')).toEqual({ update_prompts_updated_at: fn });
    expect(await triggersOf(db(), 'contacts')).toEqual({ update_customers_updated_at: fn, contacts_events: 'app.events_of_contacts()' });
  });

  it('enables and forces row-level security on every table', async () => {
    for (const table of TABLES) expect(await rlsOf(db(), table), table).toEqual({ enabled: true, forced: true });
    expect(Object.keys(await policiesOf(db(), 'bookings')).sort()).toEqual([
      'bookings_customer_read',
      // 0011: a guest (seed 003) books and reads their own bookings by session token.
      'bookings_guest_insert',
      'bookings_guest_read',
      'service_all',
      'tenant_delete',
      'tenant_insert',
      'tenant_read',
      'tenant_update',
    ]);
  });
});

describeEachDatabase('seed 004 data: defaults, checks, keys, triggers, tenancy', (db) => {
  let a: WorkspaceFixture;
  let b: WorkspaceFixture;
  let adminA: string;
  let memberA: string;
  const asMember = <T>(fn: (tx: Tx) => Promise<T>) => asSignedIn(db(), memberA, a.workspaceId, fn);
  const asAdmin = <T>(fn: (tx: Tx) => Promise<T>) => asSignedIn(db(), adminA, a.workspaceId, fn);

  beforeAll(async () => {
    a = await createWorkspace(db());
    b = await createWorkspace(db());
    adminA = await addMember(db(), a.workspaceId, 'admin');
    memberA = await addMember(db(), a.workspaceId, 'member');
  });

  it("fills the seed's defaults and the workspace", async () => {
    const booking = await asMember((tx) =>
      one(
        tx,
        `${BOOKING} returning workspace_id, status, reminder_sent, confirmation_sent, payment_currency, source,
                    created_at = now() as stamped, updated_at = now() as touched`,
      ),
    );
    expect(booking).toEqual({
      workspace_id: a.workspaceId,
      status: 'pending',
      reminder_sent: false,
      confirmation_sent: false,
      payment_currency: 'USD',
      source: null,
      stamped: true,
      touched: true,
    });
    const call = await asMember((tx) =>
      one(tx, `insert into calls (phone_number) values ('+14165550100') returning duration, cost, status`),
    );
    expect(call).toEqual({ duration: 0, cost: '0.00', status: null });
    const sms = await asMember((tx) =>
      one(tx, `insert into sms_messages (phone_number, message_body) values ('+14165550100', 'hi') returning cost`),
    );
    expect(sms).toEqual({ cost: '0.00' });
    const day = await asMember((tx) =>
      one(
        tx,
        `insert into analytics (date) values ('2026-11-01')
         returning total_calls, total_bookings, total_sms, total_cost, successful_calls, failed_calls, conversion_rate`,
      ),
    );
    expect(day).toEqual({
      total_calls: 0,
      total_bookings: 0,
      total_sms: 0,
      total_cost: '0.00',
      successful_calls: 0,
      failed_calls: 0,
      conversion_rate: '0.00',
    });
    const faq = await asAdmin((tx) =>
      one(
        tx,
        `insert into faqs (category, question, answer) values ('pricing', 'How much?', '$15 + $8 per load')
         returning client_id, keywords, is_active, display_order, usage_count`,
      ),
    );
    expect(faq).toEqual({ client_id: a.workspaceId, keywords: [], is_active: true, display_order: 0, usage_count: 0 });
    const prompt = await asAdmin((tx) =>
      one(
        tx,
        `insert into system_prompts (prompt_type, system_prompt) values ('sms', 'You are a receptionist.')
         returning client_id, prompt_version, is_active`,
      ),
    );
    expect(prompt).toEqual({ client_id: a.workspaceId, prompt_version: 'v1.0.0', is_active: true });
  });

  it('keeps DECIMAL(10,2) money exact', async () => {
    const r = await asMember((tx) =>
      one(
        tx,
        `insert into bookings (customer_name, customer_phone, service_type, appointment_date, appointment_time, payment_amount, payment_currency)
         values ('Ana', '+14165550100', 'Express', '2026-12-01', '2:00 PM', 44.1, 'CAD') returning payment_amount`,
      ),
    );
    expect(r).toEqual({ payment_amount: '44.10' });
    await expect(
      asMember((tx) => tx.query(`insert into calls (phone_number, cost) values ('+1', 123456789.00)`)),
    ).rejects.toMatchObject({ code: '22003' });
  });

  it("refuses values outside the seed's checks and accepts the extended ones", async () => {
    const refused: [string, string][] = [
      [`insert into bookings (customer_name, customer_phone, service_type, appointment_date, appointment_time, status) values ('A', '+1', 'S', '2026-12-01', '10:00 AM', 'lost')`, 'bookings_status_check'],
      [`insert into bookings (customer_name, customer_phone, service_type, appointment_date, appointment_time, source) values ('A', '+1', 'S', '2026-12-01', '10:00 AM', 'fax')`, 'bookings_source_check'],
      [`insert into bookings (customer_name, customer_phone, service_type, appointment_date, appointment_time, payment_status) values ('A', '+1', 'S', '2026-12-01', '10:00 AM', 'refunded')`, 'bookings_payment_status_check'],
      [`insert into calls (phone_number, status) values ('+1', 'ringing')`, 'calls_status_check'],
      [`insert into calls (phone_number, call_type) values ('+1', 'internal')`, 'calls_call_type_check'],
      [`insert into calls (phone_number, sentiment) values ('+1', 'angry')`, 'calls_sentiment_check'],
      [`insert into sms_messages (phone_number, message_body, direction) values ('+1', 'x', 'sideways')`, 'sms_messages_direction_check'],
      [`insert into sms_messages (phone_number, message_body, status) values ('+1', 'x', 'lost')`, 'sms_messages_status_check'],
      [`insert into analytics (date) values ('2026-13-01')`, 'analytics_date_format'],
      [`insert into analytics (date) values ('11/07/2026')`, 'analytics_date_format'],
      [`insert into analytics (date) values ('2026-11-7')`, 'analytics_date_format'],
    ];
    for (const [sql, constraint] of refused) {
      await expect(asMember((tx) => tx.query(sql)), constraint).rejects.toMatchObject({ code: '23514', constraint });
    }
    await expect(
      asAdmin((tx) => tx.query(`insert into system_prompts (prompt_type, system_prompt) values ('email', 'x')`)),
    ).rejects.toMatchObject({ code: '23514', constraint: 'system_prompts_prompt_type_check' });
    // Not-null columns of the seed.
    await expect(asMember((tx) => tx.query(`insert into calls (customer_name) values ('x')`))).rejects.toMatchObject({
      code: '23502',
    });
    // The extensions: guest checkout's pending_payment, web and WhatsApp sources, WhatsApp and web chat prompts.
    const accepted = await asMember(async (tx) => {
      const r = await tx.query(
        `insert into bookings (customer_name, customer_phone, service_type, appointment_date, appointment_time, status, source)
         values ('A', '+1', 'S', '2026-12-01', '10:00 AM', 'pending_payment', 'web'),
                ('A', '+1', 'S', '2026-12-01', '10:00 AM', 'no-show', 'whatsapp'),
                ('A', '+1', 'S', '2026-12-01', '10:00 AM', 'scheduled', 'voice')`,
      );
      return r.rowCount;
    });
    expect(accepted).toBe(3);
    const prompts = await asAdmin(async (tx) =>
      (
        await tx.query(
          `insert into system_prompts (prompt_type, system_prompt) values ('whatsapp', 'x'), ('webchat', 'y'), ('voice', 'z')`,
        )
      ).rowCount,
    );
    expect(prompts).toBe(3);
  });

  it('keeps client_id as a read-only copy of the workspace for the seed-style reads', async () => {
    await expect(
      asAdmin((tx) => tx.query(`insert into faqs (client_id, category, question, answer) values ('acme', 'c', 'q', 'a')`)),
    ).rejects.toMatchObject({ code: '428C9' });
    const seedRead = await asMember((tx) =>
      rows(tx, `select question from faqs where client_id = $1 and is_active = true order by display_order`, [a.workspaceId]),
    );
    expect(seedRead).toEqual([{ question: 'How much?' }]);
  });

  it('keeps one analytics row per workspace and day', async () => {
    await expect(asMember((tx) => tx.query(`insert into analytics (date) values ('2026-11-01')`))).rejects.toMatchObject({
      code: '23505',
      constraint: 'analytics_workspace_date_key',
    });
    await b.asOwner((tx) => tx.query(`insert into analytics (date) values ('2026-11-01')`));
  });

  it('dedupes calls and SMS by provider id within a workspace only', async () => {
    await asMember((tx) =>
      tx.query(`insert into sms_messages (phone_number, message_body, provider_message_id) values ('+1', 'x', 'SM1')`),
    );
    await asMember((tx) => tx.query(`insert into calls (phone_number, provider_call_id) values ('+1', 'call-1')`));
    await expect(
      asMember((tx) =>
        tx.query(`insert into sms_messages (phone_number, message_body, provider_message_id) values ('+1', 'y', 'SM1')`),
      ),
    ).rejects.toMatchObject({ code: '23505', constraint: 'sms_messages_workspace_provider_message_key' });
    await expect(
      asMember((tx) => tx.query(`insert into calls (phone_number, provider_call_id) values ('+1', 'call-1')`)),
    ).rejects.toMatchObject({ code: '23505', constraint: 'calls_workspace_provider_call_key' });
    // Without a provider id there is nothing to dedupe on; another workspace has its own ids.
    const n = await asMember(async (tx) => {
      await tx.query(`insert into calls (phone_number) values ('+1'), ('+1')`);
      return count(tx, `select 1 from calls where provider_call_id is null`);
    });
    expect(n).toBe(3);
    await b.asOwner((tx) => tx.query(`insert into calls (phone_number, provider_call_id) values ('+1', 'call-1')`));
  });

  it('allows one active system prompt per workspace and channel', async () => {
    // A already has an active sms prompt (defaults test) and active whatsapp/webchat/voice ones.
    await expect(
      asAdmin((tx) => tx.query(`insert into system_prompts (prompt_type, system_prompt) values ('sms', 'second')`)),
    ).rejects.toMatchObject({ code: '23505', constraint: 'uq_system_prompts_active' });
    const ok = await asAdmin(async (tx) => {
      await tx.query(
        `insert into system_prompts (prompt_type, system_prompt, prompt_version, is_active) values ('sms', 'old', 'v0.9.0', false)`,
      );
      await tx.query(
        `insert into system_prompts (prompt_type, system_prompt, prompt_version, is_active) values ('sms', 'older', 'v0.8.0', false)`,
      );
      return count(tx, `select 1 from system_prompts where prompt_type = 'sms'`);
    });
    expect(ok).toBe(3);
    await b.asOwner((tx) => tx.query(`insert into system_prompts (prompt_type, system_prompt) values ('sms', 'B')`));
    // Switching versions: deactivate, then activate another, in one transaction.
    const active = await asAdmin(async (tx) => {
      await tx.query(`update system_prompts set is_active = false where prompt_type = 'sms' and is_active`);
      await tx.query(`update system_prompts set is_active = true where prompt_type = 'sms' and prompt_version = 'v0.9.0'`);
      return rows(tx, `select system_prompt from system_prompts where prompt_type = 'sms' and is_active`);
    });
    expect(active).toEqual([{ system_prompt: 'old' }]);
  });

  it('bumps updated_at on every seed table that has it', async () => {
    // Inserted with an old updated_at (no trigger runs on insert), then updated in the same
    // transaction: the trigger must set it to the transaction's now().
    const OLD = `'2020-01-01T00:00:00Z'`;
    const moved = await asAdmin(async (tx) => {
      const ids = {
        bookings: (
          await one<{ id: string }>(
            tx,
            `insert into bookings (customer_name, customer_phone, service_type, appointment_date, appointment_time, updated_at)
             values ('Ana', '+1', 'Regular', '2026-12-01', '10:00 AM', ${OLD}) returning id`,
          )
        ).id,
        calls: (await one<{ id: string }>(tx, `insert into calls (phone_number, updated_at) values ('+1', ${OLD}) returning id`)).id,
        faqs: (
          await one<{ id: string }>(
            tx,
            `insert into faqs (category, question, answer, updated_at) values ('c', 'q', 'a', ${OLD}) returning id`,
          )
        ).id,
        system_prompts: (
          await one<{ id: string }>(
            tx,
            `insert into system_prompts (prompt_type, system_prompt, is_active, updated_at) values ('voice', 'p', false, ${OLD}) returning id`,
          )
        ).id,
      };
      await tx.query(`update bookings set notes = 'gate code 1234' where id = $1`, [ids.bookings]);
      await tx.query(`update calls set sentiment = 'positive' where id = $1`, [ids.calls]);
      await tx.query(`update faqs set usage_count = usage_count + 1 where id = $1`, [ids.faqs]);
      await tx.query(`update system_prompts set prompt_version = 'v1.0.1' where id = $1`, [ids.system_prompts]);
      const out: Record<string, boolean> = {};
      for (const [table, id] of Object.entries(ids)) {
        out[table] = (await one<{ ok: boolean }>(tx, `select updated_at = now() as ok from ${table} where id = $1`, [id])).ok;
      }
      return out;
    });
    expect(moved).toEqual({ bookings: true, calls: true, faqs: true, system_prompts: true });
  });

  it('lets members read configuration and only admins write it', async () => {
    expect(await asMember((tx) => count(tx, `select 1 from faqs`))).toBe(2);
    await expect(
      asMember((tx) => tx.query(`insert into faqs (category, question, answer) values ('c', 'q', 'a')`)),
    ).rejects.toMatchObject({ code: '42501' });
    await expect(
      asMember((tx) => tx.query(`insert into system_prompts (prompt_type, system_prompt, is_active) values ('voice', 'x', false)`)),
    ).rejects.toMatchObject({ code: '42501' });
    expect(await asMember(async (tx) => (await tx.query(`update faqs set answer = 'x'`)).rowCount)).toBe(0);
    expect(await asMember(async (tx) => (await tx.query(`delete from system_prompts`)).rowCount)).toBe(0);
  });

  it("shows a workspace none of another's rows, and visitors nothing", async () => {
    for (const table of TABLES) {
      const seen = await b.asOwner((tx) => count(tx, `select 1 from ${table} where workspace_id = $1`, [a.workspaceId]));
      expect(seen, table).toBe(0);
      // Visitors may read bookings (a guest's own, by token: see 0011), so there they see no rows.
      const visitor = asAnon(db(), a.workspaceId, (tx) => tx.query(`select * from ${table}`));
      if (table === 'bookings') expect((await visitor).rowCount, table).toBe(0);
      else await expect(visitor, table).rejects.toMatchObject({ code: '42501' });
    }
    // Writing into A while acting in B is refused.
    await expect(
      b.asOwner((tx) =>
        tx.query(
          `insert into bookings (workspace_id, customer_name, customer_phone, service_type, appointment_date, appointment_time)
           values ($1, 'A', '+1', 'S', '2026-12-01', '10:00 AM')`,
          [a.workspaceId],
        ),
      ),
    ).rejects.toMatchObject({ code: '42501' });
  });
});

describeEachDatabase('seed 004 bookings across tenants and for end users', (db) => {
  let a: WorkspaceFixture;
  let b: WorkspaceFixture;
  let guestB: string;
  let contactB: string;
  let bookingB: string;

  beforeAll(async () => {
    a = await createWorkspace(db());
    b = await createWorkspace(db());
    ({ guestB, contactB, bookingB } = await b.asOwner(async (tx) => ({
      guestB: (
        await one<{ id: string }>(
          tx,
          `insert into guest_sessions (session_token, email, full_name) values ($1, 'g@example.com', 'G') returning id`,
          [newGuestToken()],
        )
      ).id,
      contactB: (await one<{ id: string }>(tx, `insert into customers (name, phone) values ('Bo', '+14165550199') returning id`))
        .id,
      bookingB: (await one<{ id: string }>(tx, `${BOOKING} returning id`)).id,
    })));
  });

  it("refuses a row of workspace A pointing at workspace B's guest session, contact or booking", async () => {
    const cases: [string, unknown[], string][] = [
      [
        `insert into bookings (customer_name, customer_phone, service_type, appointment_date, appointment_time, guest_session_id)
         values ('A', '+1', 'S', '2026-12-01', '10:00 AM', $1)`,
        [guestB],
        'bookings_workspace_id_guest_session_id_fkey',
      ],
      [
        `insert into bookings (customer_name, customer_phone, service_type, appointment_date, appointment_time, contact_id)
         values ('A', '+1', 'S', '2026-12-01', '10:00 AM', $1)`,
        [contactB],
        'bookings_workspace_id_contact_id_fkey',
      ],
      [`insert into calls (phone_number, booking_id) values ('+1', $1)`, [bookingB], 'calls_workspace_id_booking_id_fkey'],
      [`insert into calls (phone_number, contact_id) values ('+1', $1)`, [contactB], 'calls_workspace_id_contact_id_fkey'],
      [
        `insert into sms_messages (phone_number, message_body, booking_id) values ('+1', 'x', $1)`,
        [bookingB],
        'sms_messages_workspace_id_booking_id_fkey',
      ],
      [
        `insert into sms_messages (phone_number, message_body, contact_id) values ('+1', 'x', $1)`,
        [contactB],
        'sms_messages_workspace_id_contact_id_fkey',
      ],
    ];
    for (const [sql, params, constraint] of cases) {
      await expect(a.asOwner((tx) => tx.query(sql, params)), constraint).rejects.toMatchObject({ code: '23503', constraint });
    }
  });

  it('sets only the reference to null when the referenced row goes, keeping the workspace', async () => {
    const r = await b.asOwner(async (tx) => {
      const booking = (
        await one<{ id: string }>(
          tx,
          `insert into bookings (customer_name, customer_phone, service_type, appointment_date, appointment_time, guest_session_id, contact_id)
           values ('A', '+1', 'S', '2026-12-01', '10:00 AM', $1, $2) returning id`,
          [guestB, contactB],
        )
      ).id;
      const call = (await one<{ id: string }>(tx, `insert into calls (phone_number, booking_id) values ('+1', $1) returning id`, [booking]))
        .id;
      const sms = (
        await one<{ id: string }>(
          tx,
          `insert into sms_messages (phone_number, message_body, booking_id) values ('+1', 'x', $1) returning id`,
          [booking],
        )
      ).id;
      await tx.query(`delete from contacts where id = $1`, [contactB]);
      await tx.query(`delete from bookings where id = $1`, [booking]);
      return {
        call: await one(tx, `select workspace_id, booking_id from calls where id = $1`, [call]),
        sms: await one(tx, `select workspace_id, booking_id from sms_messages where id = $1`, [sms]),
        booking,
      };
    });
    expect(r.call).toEqual({ workspace_id: b.workspaceId, booking_id: null });
    expect(r.sms).toEqual({ workspace_id: b.workspaceId, booking_id: null });
    // A guest session's cleanup leaves its bookings, unlinked.
    const kept = await b.asOwner(async (tx) => {
      const id = (
        await one<{ id: string }>(
          tx,
          `insert into bookings (customer_name, customer_phone, service_type, appointment_date, appointment_time, guest_session_id)
           values ('A', '+1', 'S', '2026-12-01', '10:00 AM', $1) returning id`,
          [guestB],
        )
      ).id;
      return id;
    });
    await asService(db(), (tx) => tx.query(`delete from guest_sessions where id = $1`, [guestB]));
    expect(await b.asOwner((tx) => one(tx, `select workspace_id, guest_session_id from bookings where id = $1`, [kept]))).toEqual({
      workspace_id: b.workspaceId,
      guest_session_id: null,
    });
  });

  it('lets a signed-in customer read their own bookings, not write or see others', async () => {
    const customer = await createUser(db());
    const stranger = await createUser(db());
    await a.asOwner((tx) =>
      tx.query(
        `insert into bookings (customer_name, customer_phone, service_type, appointment_date, appointment_time, customer_id)
         values ('Ana', '+1', 'Regular', '2026-12-01', '9:00 AM', $1), ('Ana', '+1', 'Express', '2026-12-02', '11:00 AM', $1),
                ('Other', '+2', 'Regular', '2026-12-03', '2:00 PM', $2)`,
        [customer, stranger],
      ),
    );
    const mine = await asSignedIn(db(), customer, a.workspaceId, (tx) =>
      rows(tx, `select service_type from bookings order by appointment_date`),
    );
    expect(mine).toEqual([{ service_type: 'Regular' }, { service_type: 'Express' }]);
    expect(await asSignedIn(db(), customer, b.workspaceId, (tx) => count(tx, `select 1 from bookings`))).toBe(0);
    await expect(asSignedIn(db(), customer, a.workspaceId, (tx) => tx.query(BOOKING))).rejects.toMatchObject({ code: '42501' });
    expect(
      await asSignedIn(db(), customer, a.workspaceId, async (tx) => (await tx.query(`update bookings set notes = 'x'`)).rowCount),
    ).toBe(0);
  });
});

describeEachDatabase("seed 004's customers and sample queries", (db) => {
  let a: WorkspaceFixture;
  let b: WorkspaceFixture;
  let memberA: string;
  let customerId: string;

  beforeAll(async () => {
    a = await createWorkspace(db());
    b = await createWorkspace(db());
    memberA = await addMember(db(), a.workspaceId, 'member');
    // B has the same phone number, with more history, which must not leak into A's counts.
    await b.asOwner(async (tx) => {
      await tx.query(`insert into customers (name, phone) values ('Ana in B', '+14165550100')`);
      for (let i = 0; i < 4; i++) await tx.query(BOOKING);
      for (let i = 0; i < 5; i++) await tx.query(`insert into calls (phone_number) values ('+14165550100')`);
    });
  });

  it('inserts a customer with only name and phone as a workspace member', async () => {
    const row = await asSignedIn(db(), memberA, a.workspaceId, (tx) =>
      one<{ id: string; workspace_id: string; total_bookings: number; total_spent: string; tags: string[] }>(
        tx,
        `insert into customers (name, phone) values ('Ana', '+14165550100') returning id, workspace_id, total_bookings, total_spent, tags`,
      ),
    );
    customerId = row.id;
    expect(row).toMatchObject({ workspace_id: a.workspaceId, total_bookings: 0, total_spent: '0.00', tags: [] });
    expect(
      await asSignedIn(db(), memberA, a.workspaceId, (tx) => one(tx, `select name, phone from contacts where id = $1`, [customerId])),
    ).toEqual({ name: 'Ana', phone: '+14165550100' });
  });

  it('answers "customer with booking history" with exact counts', async () => {
    await asSignedIn(db(), memberA, a.workspaceId, async (tx) => {
      await tx.query(`insert into customers (name, phone) values ('Ben', '+14165550101')`);
      for (let i = 0; i < 3; i++) await tx.query(BOOKING);
      await tx.query(
        `insert into bookings (customer_name, customer_phone, service_type, appointment_date, appointment_time)
         values ('Ben', '+14165550101', 'Regular', '2026-12-05', '4:00 PM')`,
      );
      await tx.query(`insert into calls (phone_number) values ('+14165550100'), ('+14165550100'), ('+14165550101')`);
    });
    const seedQuery = (groupBy: string) => `SELECT c.*, 
  COUNT(DISTINCT b.id) as booking_count,
  COUNT(DISTINCT ca.id) as call_count
FROM customers c
LEFT JOIN bookings b ON c.phone = b.customer_phone
LEFT JOIN calls ca ON c.phone = ca.phone_number
WHERE c.id = '${customerId}'
GROUP BY ${groupBy};`;
    // Unchanged, the seed's GROUP BY c.id relies on c.id being the table's whole primary key;
    // through a view (and with a (workspace_id, id) key) PostgreSQL cannot see that, so the
    // grouping must name the columns. See docs/data-model.md.
    await expect(asSignedIn(db(), memberA, a.workspaceId, (tx) => tx.query(seedQuery('c.id')))).rejects.toMatchObject({
      code: '42803',
    });
    const all =
      'c.id, c.workspace_id, c.created_at, c.updated_at, c.name, c.phone, c.email, c.total_bookings, c.total_calls, c.last_contact, c.notes, c.tags, c.address, c.total_spent';
    const r = await asSignedIn(db(), memberA, a.workspaceId, (tx) => rows(tx, seedQuery(all)));
    expect(r).toHaveLength(1);
    expect(r[0]).toMatchObject({
      id: customerId,
      workspace_id: a.workspaceId,
      name: 'Ana',
      phone: '+14165550100',
      booking_count: 3,
      call_count: 2,
    });
  });

  it('answers "recent conversations" unchanged', async () => {
    await asSignedIn(db(), memberA, a.workspaceId, (tx) =>
      tx.query(
        `insert into sms_messages (phone_number, direction, message_body, status, created_at) values
           ('+14165550100', 'inbound', 'Hi', 'received', '2026-11-20T10:00:00Z'),
           ('+14165550100', 'outbound', 'Hello! Pickup when?', 'sent', '2026-11-20T10:00:05Z'),
           ('+14165550100', 'inbound', 'Tomorrow 9', 'received', '2026-11-20T10:01:00Z'),
           ('+14165550101', 'inbound', 'PRICE', 'received', '2026-11-21T08:00:00Z')`,
      ),
    );
    await b.asOwner((tx) => tx.query(`insert into sms_messages (phone_number, message_body) values ('+14165550100', 'B only')`));
    const r = await asSignedIn(db(), memberA, a.workspaceId, (tx) =>
      rows(
        tx,
        `SELECT 
  phone_number,
  COUNT(*) as message_count,
  MAX(created_at) as last_message_at,
  STRING_AGG(message_body, ' | ' ORDER BY created_at) as conversation
FROM sms_messages
GROUP BY phone_number
ORDER BY last_message_at DESC
LIMIT 20;`,
      ),
    );
    expect(r).toEqual([
      {
        phone_number: '+14165550101',
        message_count: 1,
        last_message_at: new Date('2026-11-21T08:00:00Z'),
        conversation: 'PRICE',
      },
      {
        phone_number: '+14165550100',
        message_count: 3,
        last_message_at: new Date('2026-11-20T10:01:00Z'),
        conversation: 'Hi | Hello! Pickup when? | Tomorrow 9',
      },
    ]);
  });

  it('answers "daily analytics" once its TEXT date is compared as text', async () => {
    await asSignedIn(db(), memberA, a.workspaceId, (tx) =>
      tx.query(
        `insert into analytics (date, total_calls, total_bookings, total_sms, total_cost, successful_calls, failed_calls) values
           (to_char(current_date - 1, 'YYYY-MM-DD'), 10, 4, 12, 7.25, 8, 2),
           (to_char(current_date - 2, 'YYYY-MM-DD'), 0, 0, 3, 0.30, 0, 0),
           (to_char(current_date - 40, 'YYYY-MM-DD'), 5, 1, 1, 1.00, 5, 0)`,
      ),
    );
    const query = (since: string) => `SELECT 
  date,
  total_calls,
  total_bookings,
  total_sms,
  total_cost,
  ROUND((successful_calls::DECIMAL / NULLIF(total_calls, 0) * 100), 2) as success_rate
FROM analytics
WHERE date >= ${since}
ORDER BY date DESC;`;
    // The seed compares its TEXT column with a timestamp, which PostgreSQL has no operator for
    // (on the seed's own schema too).
    await expect(
      asSignedIn(db(), memberA, a.workspaceId, (tx) => tx.query(query(`CURRENT_DATE - INTERVAL '30 days'`))),
    ).rejects.toMatchObject({ code: '42883' });
    const r = await asSignedIn(db(), memberA, a.workspaceId, (tx) =>
      rows<{ success_rate: string | null; total_calls: number; total_cost: string }>(
        tx,
        query(`to_char(CURRENT_DATE - INTERVAL '30 days', 'YYYY-MM-DD')`),
      ),
    );
    expect(r.map(({ total_calls, total_cost, success_rate }) => ({ total_calls, total_cost, success_rate }))).toEqual([
      { total_calls: 10, total_cost: '7.25', success_rate: '80.00' },
      { total_calls: 0, total_cost: '0.30', success_rate: null },
    ]);
  });
});

describeEachDatabase('convert_guest_to_user', (db) => {
  let a: WorkspaceFixture;
  let b: WorkspaceFixture;
  let adminA: string;
  let memberA: string;
  let newUser: string;
  const token = newGuestToken();
  let session: string;
  let otherSession: string;

  const bookingsOf = (tx: Tx, ws: string) =>
    rows<{ notes: string; customer_id: string | null }>(
      tx,
      `select notes, customer_id from bookings where workspace_id = $1 order by notes`,
      [ws],
    );

  beforeAll(async () => {
    a = await createWorkspace(db());
    b = await createWorkspace(db());
    adminA = await addMember(db(), a.workspaceId, 'admin');
    memberA = await addMember(db(), a.workspaceId, 'member');
    newUser = await createUser(db(), `maria-${Date.now()}@example.com`);
    // Guest checkout in A: a session and its bookings in pending_payment, plus another guest's.
    await asService(db(), async (tx) => {
      session = (
        await one<{ id: string }>(
          tx,
          `insert into guest_sessions (workspace_id, session_token, email, full_name, metadata)
           values ($1, $2, 'maria@example.com', 'María González', '{"source": "checkout"}') returning id`,
          [a.workspaceId, token],
        )
      ).id;
      otherSession = (
        await one<{ id: string }>(
          tx,
          `insert into guest_sessions (workspace_id, session_token, email, full_name) values ($1, $2, 'o@example.com', 'O') returning id`,
          [a.workspaceId, newGuestToken()],
        )
      ).id;
      // Workspace B holds a session with the very same id (ids are unique per workspace only).
      await tx.query(
        `insert into guest_sessions (workspace_id, id, session_token, email, full_name) values ($1, $2, $3, 'maria@example.com', 'M')`,
        [b.workspaceId, session, newGuestToken()],
      );
      const insert = `insert into bookings (workspace_id, customer_name, customer_phone, service_type, appointment_date,
                        appointment_time, status, source, guest_session_id, notes)
                      values ($1, 'María', '+573001234567', 'cleaning', '2026-12-01', '9:00 AM', 'pending_payment', 'web', $2, $3)`;
      await tx.query(insert, [a.workspaceId, session, 'a-1']);
      await tx.query(insert, [a.workspaceId, session, 'a-2']);
      await tx.query(insert, [a.workspaceId, otherSession, 'a-other']);
      await tx.query(insert, [a.workspaceId, null, 'a-none']);
      await tx.query(insert, [b.workspaceId, session, 'b-1']);
    });
  });

  const convert = (tx: Tx, guestSession: string, user: string) =>
    one<{ n: number }>(tx, `select convert_guest_to_user($1, $2) as n`, [guestSession, user]);

  it('is refused to anyone but the converted user, an admin or the service role', async () => {
    const stranger = await createUser(db());
    await expect(asSignedIn(db(), stranger, a.workspaceId, (tx) => convert(tx, session, newUser))).rejects.toMatchObject({
      code: '42501',
    });
    await expect(asSignedIn(db(), memberA, a.workspaceId, (tx) => convert(tx, session, newUser))).rejects.toMatchObject({
      code: '42501',
    });
    await expect(asAnon(db(), a.workspaceId, (tx) => convert(tx, session, newUser), { guestToken: token })).rejects.toMatchObject(
      { code: '42501' },
    );
    // Converting to oneself still needs proof that the session is one's own.
    await expect(asSignedIn(db(), newUser, a.workspaceId, (tx) => convert(tx, session, newUser))).rejects.toMatchObject({
      code: '42501',
    });
    const untouched = await asService(db(), (tx) => bookingsOf(tx, a.workspaceId));
    expect(untouched.every((r) => r.customer_id === null)).toBe(true);
  });

  it("relinks exactly that session's bookings in the caller's workspace and marks the session", async () => {
    const n = await asSignedIn(db(), adminA, a.workspaceId, (tx) => convert(tx, session, newUser));
    expect(n.n).toBe(2);
    const state = await asService(db(), async (tx) => ({
      a: await bookingsOf(tx, a.workspaceId),
      b: await bookingsOf(tx, b.workspaceId),
      sessions: await rows<{ workspace_id: string; metadata: Record<string, unknown>; converted_now: boolean | null }>(
        tx,
        `select workspace_id, metadata, (metadata ->> 'converted_at')::timestamptz <= now() as converted_now
           from guest_sessions where id = $1 order by workspace_id = $2 desc`,
        [session, a.workspaceId],
      ),
      other: await one(tx, `select metadata from guest_sessions where id = $1`, [otherSession]),
    }));
    expect(state.a).toEqual([
      { notes: 'a-1', customer_id: newUser },
      { notes: 'a-2', customer_id: newUser },
      { notes: 'a-none', customer_id: null },
      { notes: 'a-other', customer_id: null },
    ]);
    expect(state.b).toEqual([{ notes: 'b-1', customer_id: null }]);
    expect(state.sessions[0]).toMatchObject({
      workspace_id: a.workspaceId,
      metadata: { source: 'checkout', converted_to_user_id: newUser, converted_at: expect.any(String) },
      converted_now: true,
    });
    expect(state.sessions[1]!.metadata).toEqual({});
    expect(state.other).toEqual({ metadata: {} });
    // The new account now sees its bookings through the customer policy.
    const seen = await asSignedIn(db(), newUser, a.workspaceId, (tx) => rows(tx, `select notes from bookings order by notes`));
    expect(seen).toEqual([{ notes: 'a-1' }, { notes: 'a-2' }]);
  });

  it('lets the converted user do it with the guest token, or with their confirmed email', async () => {
    const viaToken = await db().transaction(async (tx) => {
      await tx.query(`select set_config('request.jwt.claims', $1, true), set_config('role', 'authenticated', true)`, [
        JSON.stringify({ role: 'authenticated', actor: 'user', sub: newUser, workspace_id: a.workspaceId, guest_token: token }),
      ]);
      return convert(tx, session, newUser);
    });
    expect(viaToken.n).toBe(2);
    // Another guest (o@example.com) signs up and confirms that address.
    const other = await createUser(db(), `o-${Date.now()}@example.com`);
    await asService(db(), (tx) =>
      tx.query(`update guest_sessions set email = $2 where id = $1`, [otherSession, `O-${other}@Example.com`]),
    );
    await asService(db(), (tx) =>
      tx.query(`update auth.users set email = $2, email_confirmed_at = now() where id = $1`, [other, `o-${other}@example.com`]),
    );
    const viaEmail = await asSignedIn(db(), other, a.workspaceId, (tx) => convert(tx, otherSession, other));
    expect(viaEmail.n).toBe(1);
  });

  it('runs for the service role wherever the session is, and returns 0 for an unknown session', async () => {
    const n = await asService(db(), (tx) => convert(tx, session, newUser));
    // Both the A session's two bookings and B's one: the service role spans tenants.
    expect(n.n).toBe(3);
    expect(await asSignedIn(db(), adminA, a.workspaceId, (tx) => convert(tx, '00000000-0000-4000-8000-000000000000', newUser))).toEqual({
      n: 0,
    });
  });
});

describeEachDatabase('contact timeline (0006, 0028)', (db) => {
  it('unions inbox messages, SMS and calls per contact, in time order, within the workspace', async () => {
    const a = await createWorkspace(db());
    const b = await createWorkspace(db());
    const ids = await a.asOwner(async (tx) => {
      const contact = (await one<{ id: string }>(tx, `insert into contacts (name, phone) values ('Ana', '+14165550100') returning id`)).id;
      const other = (await one<{ id: string }>(tx, `insert into contacts (name, phone) values ('Ben', '+14165550101') returning id`)).id;
      const conv = (
        await one<{ id: string }>(tx, `insert into conversations (contact_id, channel) values ($1, 'whatsapp') returning id`, [contact])
      ).id;
      const m1 = (
        await one<{ id: string }>(
          tx,
          `insert into messages (conversation_id, channel, direction, sender_kind, body, created_at)
           values ($1, 'whatsapp', 'inbound', 'contact', 'Halo', '2026-11-20T10:00:00Z') returning id`,
          [conv],
        )
      ).id;
      await tx.query(
        `insert into messages (conversation_id, channel, direction, sender_kind, body, created_at)
         values ($1, 'whatsapp', 'outbound', 'assistant', 'Hi Ana!', '2026-11-20T10:00:02Z')`,
        [conv],
      );
      await tx.query(
        `insert into sms_messages (phone_number, direction, message_body, contact_id, created_at) values
           ('+14165550100', 'inbound', 'BOOK', $1, '2026-11-20T11:00:00Z'),
           ('+14165550101', 'inbound', 'not Ana', $2, '2026-11-20T11:30:00Z'),
           ('+14165550100', 'inbound', 'no contact yet', null, '2026-11-20T11:45:00Z')`,
        [contact, other],
      );
      const call = (
        await one<{ id: string }>(
          tx,
          `insert into calls (phone_number, call_type, status, duration, transcript, contact_id, created_at)
           values ('+14165550100', 'inbound', 'completed', 95, 'I need a pickup tomorrow.', $1, '2026-11-20T12:00:00Z') returning id`,
          [contact],
        )
      ).id;
      await tx.query(
        `insert into calls (phone_number, call_type, status, contact_id, created_at)
         values ('+14165550100', 'outbound', 'no-answer', $1, '2026-11-20T13:00:00Z')`,
        [contact],
      );
      return { contact, m1, call };
    });
    const timeline = await a.asOwner((tx) =>
      rows<Record<string, unknown>>(
        tx,
        `select workspace_id, contact_id, kind, channel, direction, body, source_table
           from contact_timeline where contact_id = $1 order by occurred_at`,
        [ids.contact],
      ),
    );
    const base = { workspace_id: a.workspaceId, contact_id: ids.contact };
    expect(timeline).toEqual([
      { ...base, kind: 'message', channel: 'whatsapp', direction: 'inbound', body: 'Halo', source_table: 'messages' },
      { ...base, kind: 'message', channel: 'whatsapp', direction: 'outbound', body: 'Hi Ana!', source_table: 'messages' },
      { ...base, kind: 'sms', channel: 'sms', direction: 'inbound', body: 'BOOK', source_table: 'sms_messages' },
      // 0028: a text with no contact yet is threaded in by the contact's number.
      { ...base, kind: 'sms', channel: 'sms', direction: 'inbound', body: 'no contact yet', source_table: 'sms_messages' },
      { ...base, kind: 'call', channel: 'voice', direction: 'inbound', body: 'I need a pickup tomorrow.', source_table: 'calls' },
      { ...base, kind: 'call', channel: 'voice', direction: 'outbound', body: 'outbound call, no-answer, 0 s', source_table: 'calls' },
    ]);
    const sources = await a.asOwner((tx) =>
      rows(tx, `select source_id, occurred_at from contact_timeline where source_table in ('messages', 'calls') and body in ('Halo', 'I need a pickup tomorrow.') order by occurred_at`),
    );
    expect(sources).toEqual([
      { source_id: ids.m1, occurred_at: new Date('2026-11-20T10:00:00Z') },
      { source_id: ids.call, occurred_at: new Date('2026-11-20T12:00:00Z') },
    ]);
    // Another workspace, and a visitor, see none of it.
    expect(await b.asOwner((tx) => count(tx, `select 1 from contact_timeline`))).toBe(0);
    await expect(asAnon(db(), a.workspaceId, (tx) => tx.query(`select * from contact_timeline`))).rejects.toMatchObject({
      code: '42501',
    });
  });
});
