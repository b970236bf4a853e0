// The ARI schema (migrations 0002 and 0003) against seeds 000-002: tables, seed 000's
// indexes, constraints, defaults, updated_at triggers, composite tenant keys and the
// row-level security split between data (members write) and configuration (admins write).
import { expect, it } from 'vitest';
import type { Tx } from '../../src/platform/db/database.ts';
import { withServiceRole } from '../../src/platform/db/tenant.ts';
import { describeEachDatabase } from '../support/db.ts';
import { addMember, asUser, createWorkspace, type WorkspaceFixture } from '../support/factories.ts';

const SEED_000_TABLES = [
  'ari_ai_comparison',
  'ari_appointments',
  'ari_config',
  'ari_conversations',
  'ari_destinations',
  'ari_messages',
  'ari_payments',
];
const SEED_001_TABLES = [
  'ari_flow_stages',
  'ari_knowledge_categories',
  'ari_knowledge_entries',
  'ari_scoring_config',
  'articles',
  'consultant_slots',
  'webinar_registrations',
  'webinars',
];

// Seed 000 "Task 2", name -> table and definition as pg_indexes prints it after USING.
const SEED_000_INDEXES: Record<string, [string, string]> = {
  idx_ari_config_workspace: ['ari_config', 'btree (workspace_id)'],
  idx_ari_destinations_workspace: ['ari_destinations', 'btree (workspace_id)'],
  idx_ari_destinations_country: ['ari_destinations', 'btree (workspace_id, country)'],
  idx_ari_destinations_promoted: ['ari_destinations', 'btree (workspace_id, is_promoted) WHERE (is_promoted = true)'],
  idx_ari_conversations_workspace: ['ari_conversations', 'btree (workspace_id)'],
  idx_ari_conversations_contact: ['ari_conversations', 'btree (contact_id)'],
  idx_ari_conversations_state: ['ari_conversations', 'btree (workspace_id, state)'],
  idx_ari_messages_conversation: ['ari_messages', 'btree (ari_conversation_id)'],
  idx_ari_messages_workspace: ['ari_messages', 'btree (workspace_id)'],
  idx_ari_messages_created: ['ari_messages', 'btree (created_at DESC)'],
  idx_ari_payments_conversation: ['ari_payments', 'btree (ari_conversation_id)'],
  idx_ari_payments_workspace: ['ari_payments', 'btree (workspace_id)'],
  idx_ari_payments_status: ['ari_payments', 'btree (workspace_id, status)'],
  idx_ari_payments_pending: [
    'ari_payments',
    "btree (workspace_id, status, expires_at) WHERE ((status)::text = 'pending'::text)",
  ],
  idx_ari_appointments_conversation: ['ari_appointments', 'btree (ari_conversation_id)'],
  idx_ari_appointments_workspace: ['ari_appointments', 'btree (workspace_id)'],
  idx_ari_appointments_scheduled: ['ari_appointments', 'btree (workspace_id, scheduled_at)'],
  idx_ari_appointments_consultant: ['ari_appointments', 'btree (consultant_id) WHERE (consultant_id IS NOT NULL)'],
  idx_ari_ai_comparison_workspace: ['ari_ai_comparison', 'btree (workspace_id)'],
  idx_ari_ai_comparison_model: ['ari_ai_comparison', 'btree (workspace_id, ai_model)'],
};

// The mirrors of seed 001's Convex indexes.
const SEED_001_INDEXES: Record<string, [string, string]> = {
  idx_ari_flow_stages_workspace: ['ari_flow_stages', 'btree (workspace_id)'],
  idx_ari_flow_stages_order: ['ari_flow_stages', 'btree (workspace_id, stage_order)'],
  idx_ari_knowledge_categories_workspace: ['ari_knowledge_categories', 'btree (workspace_id)'],
  idx_ari_knowledge_categories_order: ['ari_knowledge_categories', 'btree (workspace_id, display_order)'],
  idx_ari_knowledge_entries_workspace: ['ari_knowledge_entries', 'btree (workspace_id)'],
  idx_ari_knowledge_entries_category: ['ari_knowledge_entries', 'btree (category_id)'],
  idx_ari_scoring_config_workspace: ['ari_scoring_config', 'btree (workspace_id)'],
  idx_consultant_slots_workspace: ['consultant_slots', 'btree (workspace_id)'],
  idx_consultant_slots_day: ['consultant_slots', 'btree (workspace_id, day_of_week)'],
  idx_articles_workspace: ['articles', 'btree (workspace_id)'],
  articles_workspace_id_slug_key: ['articles', 'btree (workspace_id, slug)'],
  idx_articles_status: ['articles', 'btree (workspace_id, status)'],
  idx_webinars_workspace: ['webinars', 'btree (workspace_id)'],
  webinars_workspace_id_slug_key: ['webinars', 'btree (workspace_id, slug)'],
  idx_webinars_status: ['webinars', 'btree (workspace_id, status)'],
  idx_webinars_scheduled: ['webinars', 'btree (workspace_id, scheduled_at)'],
  idx_webinar_registrations_webinar: ['webinar_registrations', 'btree (webinar_id)'],
  idx_webinar_registrations_contact: ['webinar_registrations', 'btree (contact_id)'],
  idx_webinar_registrations_workspace: ['webinar_registrations', 'btree (workspace_id)'],
};

let phoneSeq = 0;
const nextPhone = () => `+628120${String(phoneSeq++).padStart(7, '0')}`;

async function one<R>(tx: Tx, sql: string, params: unknown[] = []): Promise<R> {
  const { rows } = await tx.query<R>(sql, params);
  if (rows.length !== 1) throw new Error(`expected one row, got ${rows.length}: ${sql}`);
  return rows[0]!;
}

const idOf = async (tx: Tx, sql: string, params: unknown[] = []) => (await one<{ id: string }>(tx, sql, params)).id;

async function createContact(ws: WorkspaceFixture): Promise<string> {
  return ws.asOwner((tx) =>
    idOf(tx, 'insert into contacts (name, phone) values ($1, $2) returning id', ['Siti', nextPhone()]),
  );
}

interface AriGraph {
  contactId: string;
  inboxId: string;
  ariConversationId: string;
  paymentId: string;
  appointmentId: string;
  categoryId: string;
  entryId: string;
  webinarId: string;
}

/** One row in every ARI table, as the owner, linked the way the product links them. */
async function createAriGraph(ws: WorkspaceFixture): Promise<AriGraph> {
  const contactId = await createContact(ws);
  return ws.asOwner(async (tx) => {
    const inboxId = await idOf(
      tx,
      `insert into conversations (contact_id, channel) values ($1, 'whatsapp') returning id`,
      [contactId],
    );
    const ariConversationId = await idOf(
      tx,
      `insert into ari_conversations (contact_id, conversation_id, state, lead_score, lead_temperature, ai_model)
       values ($1, $2, 'qualifying', 45, 'warm', 'grok') returning id`,
      [contactId, inboxId],
    );
    await tx.query(
      `insert into ari_messages (ari_conversation_id, role, content, ai_model, tokens_used, response_time_ms)
       values ($1, 'user', 'Halo, mau kuliah di Inggris', null, null, null),
              ($1, 'assistant', 'Halo! Boleh tahu namanya?', 'grok', 42, 850)`,
      [ariConversationId],
    );
    const paymentId = await idOf(
      tx,
      `insert into ari_payments (ari_conversation_id, amount, payment_method, expires_at)
       values ($1, 500000, 'qris', now() + interval '24 hours') returning id`,
      [ariConversationId],
    );
    const appointmentId = await idOf(
      tx,
      `insert into ari_appointments (ari_conversation_id, payment_id, consultant_id, scheduled_at)
       values ($1, $2, $3, '2026-03-02 10:00+07') returning id`,
      [ariConversationId, paymentId, ws.ownerId],
    );
    await tx.query(`insert into ari_config (community_link) values ('https://t.me/example')`);
    await tx.query(
      `insert into ari_destinations (country, city, university_name, requirements, programs, is_promoted, priority)
       values ('United Kingdom', 'Manchester', 'University of Manchester',
               '{"ielts_min": 6.5, "budget_max": 900000000}', '{"MSc Data Science"}', true, 1)`,
    );
    await tx.query(
      `insert into ari_ai_comparison (ai_model, conversation_count, avg_response_time_ms, satisfaction_score, period_start, period_end)
       values ('grok', 10, 900, 4.50, '2026-01-01', '2026-02-01')`,
    );
    await tx.query(`insert into ari_flow_stages (name, goal, stage_order) values ('Greeting', 'Say hello', 1)`);
    const categoryId = await idOf(tx, `insert into ari_knowledge_categories (name) values ('Visa') returning id`);
    const entryId = await idOf(
      tx,
      `insert into ari_knowledge_entries (category_id, title, content) values ($1, 'Student visa', 'Apply 3 months ahead') returning id`,
      [categoryId],
    );
    await tx.query(`insert into ari_scoring_config default values`);
    await tx.query(`insert into consultant_slots (day_of_week, start_time, end_time) values (1, '09:00', '12:00')`);
    await tx.query(`insert into articles (title, slug) values ('Study in the UK', 'study-in-the-uk')`);
    const webinarId = await idOf(
      tx,
      `insert into webinars (title, slug, scheduled_at) values ('UK intake', 'uk-intake', '2026-04-01 19:00+07') returning id`,
    );
    await tx.query(`insert into webinar_registrations (webinar_id, contact_id) values ($1, $2)`, [webinarId, contactId]);
    return { contactId, inboxId, ariConversationId, paymentId, appointmentId, categoryId, entryId, webinarId };
  });
}

describeEachDatabase('ARI schema (seeds 000-002)', (db) => {
  it('has the seven seed-000 ari_ tables and the seed-001/002 tables', async () => {
    const names = await db().transaction(async (tx) => {
      const { rows } = await tx.query<{ table_name: string }>(
        `select table_name from information_schema.tables
          where table_schema = 'public' and table_type = 'BASE TABLE'
            and table_name = any($1::text[])
          order by table_name`,
        [[...SEED_000_TABLES, ...SEED_001_TABLES]],
      );
      return rows.map((r) => r.table_name);
    });
    expect(names).toEqual([...SEED_000_TABLES, ...SEED_001_TABLES].sort());
    // Seed 000's own check counts `ari_%`: its seven plus the four ari_ tables of seed 001.
    const ari = await db().transaction((tx) =>
      one<{ n: number }>(
        tx,
        `select count(*)::int as n from information_schema.tables where table_schema = 'public' and table_name like 'ari\\_%'`,
      ),
    );
    expect(ari.n).toBe(11);
  });

  it("has seed 000's indexes under their names, columns and predicates", async () => {
    const rows = await db().transaction(async (tx) => {
      const { rows } = await tx.query<{ indexname: string; tablename: string; def: string }>(
        `select indexname, tablename, regexp_replace(indexdef, '^.* USING ', '') as def
           from pg_indexes where schemaname = 'public' and indexname = any($1::text[])`,
        [Object.keys(SEED_000_INDEXES)],
      );
      return rows;
    });
    const found = Object.fromEntries(rows.map((r) => [r.indexname, [r.tablename, r.def]]));
    expect(found).toEqual(SEED_000_INDEXES);
    expect(rows).toHaveLength(20);
  });

  it('backs the primary keys and unique constraints with indexes that lead with workspace_id', async () => {
    const rows = await db().transaction(async (tx) => {
      const { rows } = await tx.query<{ conname: string; def: string }>(
        `select c.conname, pg_get_constraintdef(c.oid) as def
           from pg_constraint c join pg_class t on t.oid = c.conrelid
          where t.relnamespace = 'public'::regnamespace and t.relname = any($1::text[]) and c.contype in ('p', 'u')
          order by c.conname`,
        [[...SEED_000_TABLES, ...SEED_001_TABLES]],
      );
      return rows;
    });
    expect(Object.fromEntries(rows.map((r) => [r.conname, r.def]))).toEqual({
      ari_ai_comparison_pkey: 'PRIMARY KEY (workspace_id, id)',
      ari_ai_comparison_workspace_id_ai_model_period_start_key:
        'UNIQUE NULLS NOT DISTINCT (workspace_id, ai_model, period_start)',
      ari_appointments_pkey: 'PRIMARY KEY (workspace_id, id)',
      ari_config_pkey: 'PRIMARY KEY (workspace_id, id)',
      ari_config_workspace_id_key: 'UNIQUE (workspace_id)',
      ari_conversations_pkey: 'PRIMARY KEY (workspace_id, id)',
      ari_conversations_workspace_id_contact_id_key: 'UNIQUE (workspace_id, contact_id)',
      ari_destinations_pkey: 'PRIMARY KEY (workspace_id, id)',
      ari_destinations_workspace_id_country_city_university_name_key:
        'UNIQUE NULLS NOT DISTINCT (workspace_id, country, city, university_name)',
      ari_flow_stages_pkey: 'PRIMARY KEY (workspace_id, id)',
      ari_knowledge_categories_pkey: 'PRIMARY KEY (workspace_id, id)',
      ari_knowledge_categories_workspace_id_name_key: 'UNIQUE (workspace_id, name)',
      ari_knowledge_entries_pkey: 'PRIMARY KEY (workspace_id, id)',
      ari_messages_pkey: 'PRIMARY KEY (workspace_id, id)',
      ari_payments_pkey: 'PRIMARY KEY (workspace_id, id)',
      ari_scoring_config_pkey: 'PRIMARY KEY (workspace_id, id)',
      ari_scoring_config_workspace_id_key: 'UNIQUE (workspace_id)',
      articles_pkey: 'PRIMARY KEY (workspace_id, id)',
      articles_workspace_id_slug_key: 'UNIQUE (workspace_id, slug)',
      consultant_slots_pattern_key: 'UNIQUE NULLS NOT DISTINCT (workspace_id, consultant_id, day_of_week, start_time)',
      consultant_slots_pkey: 'PRIMARY KEY (workspace_id, id)',
      webinar_registrations_pkey: 'PRIMARY KEY (workspace_id, id)',
      webinar_registrations_workspace_id_webinar_id_contact_id_key: 'UNIQUE (workspace_id, webinar_id, contact_id)',
      webinars_pkey: 'PRIMARY KEY (workspace_id, id)',
      webinars_workspace_id_slug_key: 'UNIQUE (workspace_id, slug)',
    });
  });

  it("mirrors seed 001's Convex indexes", async () => {
    const rows = await db().transaction(async (tx) => {
      const { rows } = await tx.query<{ indexname: string; tablename: string; def: string }>(
        `select indexname, tablename, regexp_replace(indexdef, '^.* USING ', '') as def
           from pg_indexes where schemaname = 'public' and indexname = any($1::text[])`,
        [Object.keys(SEED_001_INDEXES)],
      );
      return rows;
    });
    expect(Object.fromEntries(rows.map((r) => [r.indexname, [r.tablename, r.def]]))).toEqual(SEED_001_INDEXES);
  });

  it('makes every foreign key between tenant tables carry workspace_id', async () => {
    const rows = await db().transaction(async (tx) => {
      const { rows } = await tx.query<{ tbl: string; def: string }>(
        `select t.relname as tbl, pg_get_constraintdef(c.oid) as def
           from pg_constraint c join pg_class t on t.oid = c.conrelid
          where t.relnamespace = 'public'::regnamespace and t.relname = any($1::text[]) and c.contype = 'f'
            and c.confrelid <> 'public.workspaces'::regclass and c.confrelid <> 'auth.users'::regclass
          order by 1, 2`,
        [[...SEED_000_TABLES, ...SEED_001_TABLES]],
      );
      return rows.map((r) => `${r.tbl}: ${r.def}`);
    });
    expect(rows).toEqual([
      'ari_appointments: FOREIGN KEY (workspace_id, ari_conversation_id) REFERENCES ari_conversations(workspace_id, id) ON DELETE CASCADE',
      'ari_appointments: FOREIGN KEY (workspace_id, payment_id) REFERENCES ari_payments(workspace_id, id) ON DELETE SET NULL (payment_id)',
      'ari_conversations: FOREIGN KEY (workspace_id, contact_id) REFERENCES contacts(workspace_id, id) ON DELETE CASCADE',
      'ari_conversations: FOREIGN KEY (workspace_id, conversation_id) REFERENCES conversations(workspace_id, id) ON DELETE SET NULL (conversation_id)',
      'ari_knowledge_entries: FOREIGN KEY (workspace_id, category_id) REFERENCES ari_knowledge_categories(workspace_id, id) ON DELETE SET NULL (category_id)',
      'ari_messages: FOREIGN KEY (workspace_id, ari_conversation_id) REFERENCES ari_conversations(workspace_id, id) ON DELETE CASCADE',
      // 0012: a payment is for an appointment or a booking.
      'ari_payments: FOREIGN KEY (workspace_id, appointment_id) REFERENCES ari_appointments(workspace_id, id) ON DELETE SET NULL (appointment_id)',
      'ari_payments: FOREIGN KEY (workspace_id, ari_conversation_id) REFERENCES ari_conversations(workspace_id, id) ON DELETE CASCADE',
      'ari_payments: FOREIGN KEY (workspace_id, booking_id) REFERENCES bookings(workspace_id, id) ON DELETE SET NULL (booking_id)',
      'webinar_registrations: FOREIGN KEY (workspace_id, contact_id) REFERENCES contacts(workspace_id, id) ON DELETE CASCADE',
      'webinar_registrations: FOREIGN KEY (workspace_id, webinar_id) REFERENCES webinars(workspace_id, id) ON DELETE CASCADE',
    ]);
  });

  it('accepts a valid row in every table from the workspace owner', async () => {
    const ws = await createWorkspace(db());
    const g = await createAriGraph(ws);
    const counts = await ws.asOwner((tx) =>
      one<Record<string, number>>(
        tx,
        `select ${[...SEED_000_TABLES, ...SEED_001_TABLES]
          .map((t) => `(select count(*)::int from ${t}) as ${t}`)
          .join(', ')}`,
      ),
    );
    expect(counts).toEqual({
      ari_ai_comparison: 1,
      ari_appointments: 1,
      ari_config: 1,
      ari_conversations: 1,
      ari_destinations: 1,
      ari_messages: 2,
      ari_payments: 1,
      ari_flow_stages: 1,
      ari_knowledge_categories: 1,
      ari_knowledge_entries: 1,
      ari_scoring_config: 1,
      articles: 1,
      consultant_slots: 1,
      webinar_registrations: 1,
      webinars: 1,
    });
    const conv = await ws.asOwner((tx) =>
      one(tx, 'select workspace_id, contact_id, conversation_id, state, lead_score, lead_temperature from ari_conversations'),
    );
    expect(conv).toEqual({
      workspace_id: ws.workspaceId,
      contact_id: g.contactId,
      conversation_id: g.inboxId,
      state: 'qualifying',
      lead_score: 45,
      lead_temperature: 'warm',
    });
    const dest = await ws.asOwner((tx) => one(tx, 'select requirements, programs from ari_destinations'));
    expect(dest).toEqual({ requirements: { ielts_min: 6.5, budget_max: 900000000 }, programs: ['MSc Data Science'] });
    const cmp = await ws.asOwner((tx) => one(tx, 'select satisfaction_score from ari_ai_comparison'));
    expect(cmp).toEqual({ satisfaction_score: '4.50' });
  });

  it('refuses a second ARI conversation for the same contact', async () => {
    const ws = await createWorkspace(db());
    const contactId = await createContact(ws);
    await ws.asOwner((tx) => tx.query('insert into ari_conversations (contact_id) values ($1)', [contactId]));
    await expect(
      ws.asOwner((tx) => tx.query('insert into ari_conversations (contact_id) values ($1)', [contactId])),
    ).rejects.toMatchObject({ code: '23505', constraint: 'ari_conversations_workspace_id_contact_id_key' });
  });

  it('refuses a second config and a second scoring config per workspace', async () => {
    const ws = await createWorkspace(db());
    await ws.asOwner((tx) => tx.exec('insert into ari_config default values; insert into ari_scoring_config default values;'));
    await expect(ws.asOwner((tx) => tx.query('insert into ari_config default values'))).rejects.toMatchObject({
      code: '23505',
      constraint: 'ari_config_workspace_id_key',
    });
    await expect(ws.asOwner((tx) => tx.query('insert into ari_scoring_config default values'))).rejects.toMatchObject({
      code: '23505',
      constraint: 'ari_scoring_config_workspace_id_key',
    });
  });

  it('refuses the same university twice, also when it has no city', async () => {
    const ws = await createWorkspace(db());
    const insert = `insert into ari_destinations (country, city, university_name) values ('Japan', null, 'Waseda University')`;
    await ws.asOwner((tx) => tx.query(insert));
    await expect(ws.asOwner((tx) => tx.query(insert))).rejects.toMatchObject({
      code: '23505',
      constraint: 'ari_destinations_workspace_id_country_city_university_name_key',
    });
  });

  const checkCases: [string, string, string][] = [
    ['an unknown state', `update ari_conversations set state = 'ended'`, 'ari_conversations_state_check'],
    ['an unknown lead temperature', `update ari_conversations set lead_temperature = 'lukewarm'`, 'ari_conversations_lead_temperature_check'],
    ['a lead score above 100', `update ari_conversations set lead_score = 101`, 'ari_conversations_lead_score_check'],
    [
      'an unknown message role',
      `insert into ari_messages (ari_conversation_id, role, content) select id, 'bot', 'hi' from ari_conversations`,
      'ari_messages_role_check',
    ],
    ['an unknown payment status', `update ari_payments set status = 'paid'`, 'ari_payments_status_check'],
    ['a zero payment amount', `update ari_payments set amount = 0`, 'ari_payments_amount_check'],
    ['an unknown appointment status', `update ari_appointments set status = 'rescheduled'`, 'ari_appointments_status_check'],
    ['a satisfaction score of 5.01', `update ari_ai_comparison set satisfaction_score = 5.01`, 'ari_ai_comparison_satisfaction_score_check'],
    ['a negative satisfaction score', `update ari_ai_comparison set satisfaction_score = -0.01`, 'ari_ai_comparison_satisfaction_score_check'],
    ['an unknown greeting style', `update ari_config set greeting_style = 'friendly'`, 'ari_config_greeting_style_check'],
    ['weights that sum to 99', `update ari_scoring_config set weight_engagement = 9`, 'ari_scoring_config_weights_sum_to_100'],
    ['weights that sum to 101', `update ari_scoring_config set weight_basic = 26`, 'ari_scoring_config_weights_sum_to_100'],
    ['hot equal to warm', `update ari_scoring_config set hot_threshold = 40`, 'ari_scoring_config_hot_above_warm'],
    ['hot below warm', `update ari_scoring_config set hot_threshold = 30`, 'ari_scoring_config_hot_above_warm'],
    ['hot above 100', `update ari_scoring_config set hot_threshold = 101`, 'ari_scoring_config_valid_hot_threshold'],
    ['a negative warm threshold', `update ari_scoring_config set warm_threshold = -1`, 'ari_scoring_config_valid_warm_threshold'],
    ['day_of_week 7', `update consultant_slots set day_of_week = 7`, 'consultant_slots_day_of_week_check'],
    ['day_of_week -1', `update consultant_slots set day_of_week = -1`, 'consultant_slots_day_of_week_check'],
    ["start_time '9:00'", `update consultant_slots set start_time = '9:00'`, 'consultant_slots_start_time_check'],
    ["start_time '25:00'", `update consultant_slots set start_time = '25:00'`, 'consultant_slots_start_time_check'],
    ["end_time '12:60'", `update consultant_slots set end_time = '12:60'`, 'consultant_slots_end_time_check'],
    ['an end before the start', `update consultant_slots set end_time = '08:30'`, 'consultant_slots_valid_time_range'],
    ['an end equal to the start', `update consultant_slots set end_time = '09:00'`, 'consultant_slots_valid_time_range'],
    ['max_bookings_per_slot 0', `update consultant_slots set max_bookings_per_slot = 0`, 'consultant_slots_max_bookings_per_slot_check'],
    ['a slot duration of 0', `update consultant_slots set duration_minutes = 0`, 'consultant_slots_duration_minutes_check'],
    ['a booking window of 0', `update consultant_slots set booking_window_days = 0`, 'consultant_slots_booking_window_days_check'],
    ['an unknown article status', `update articles set status = 'archived'`, 'articles_status_check'],
    ['an article slug with spaces', `update articles set slug = 'Study in UK'`, 'articles_slug_check'],
    ['an unknown webinar status', `update webinars set status = 'live'`, 'webinars_status_check'],
    ['a webinar capacity of 0', `update webinars set max_registrations = 0`, 'webinars_max_registrations_check'],
    ['a webinar slug ending in a dash', `update webinars set slug = 'uk-intake-'`, 'webinars_slug_check'],
  ];

  it.each(checkCases)('refuses %s', async (_name, sql, constraint) => {
    const ws = await createWorkspace(db());
    await createAriGraph(ws);
    await expect(ws.asOwner((tx) => tx.query(sql))).rejects.toMatchObject({ code: '23514', constraint });
  });

  it('accepts the boundary values the checks allow', async () => {
    const ws = await createWorkspace(db());
    await createAriGraph(ws);
    const row = await ws.asOwner(async (tx) => {
      await tx.query(`update ari_ai_comparison set satisfaction_score = 5.00`);
      await tx.query(
        `update ari_scoring_config set hot_threshold = 100, warm_threshold = 0,
                weight_basic = 100, weight_qualification = 0, weight_document = 0, weight_engagement = 0`,
      );
      await tx.query(`update consultant_slots set day_of_week = 6, start_time = '00:00', end_time = '23:59'`);
      await tx.query(`update webinars set max_registrations = null`);
      return one(tx, 'select satisfaction_score from ari_ai_comparison');
    });
    expect(row).toEqual({ satisfaction_score: '5.00' });
  });

  it('keeps slugs unique per workspace, not across workspaces', async () => {
    const a = await createWorkspace(db());
    const b = await createWorkspace(db());
    const article = `insert into articles (title, slug) values ('Visa tips', 'visa-tips')`;
    const webinar = `insert into webinars (title, slug, scheduled_at) values ('Visa Q&A', 'visa-qa', now())`;
    await a.asOwner((tx) => tx.exec(`${article}; ${webinar};`));
    await b.asOwner((tx) => tx.exec(`${article}; ${webinar};`));
    await expect(a.asOwner((tx) => tx.query(article))).rejects.toMatchObject({
      code: '23505',
      constraint: 'articles_workspace_id_slug_key',
    });
    await expect(a.asOwner((tx) => tx.query(webinar))).rejects.toMatchObject({
      code: '23505',
      constraint: 'webinars_workspace_id_slug_key',
    });
  });

  it('registers a contact for a webinar once', async () => {
    const ws = await createWorkspace(db());
    const g = await createAriGraph(ws);
    await expect(
      ws.asOwner((tx) =>
        tx.query('insert into webinar_registrations (webinar_id, contact_id) values ($1, $2)', [g.webinarId, g.contactId]),
      ),
    ).rejects.toMatchObject({
      code: '23505',
      constraint: 'webinar_registrations_workspace_id_webinar_id_contact_id_key',
    });
  });

  it("fills in the seeds' defaults", async () => {
    const ws = await createWorkspace(db());
    const contactId = await createContact(ws);
    const rows = await ws.asOwner(async (tx) => {
      const config = await one(
        tx,
        `insert into ari_config default values
         returning workspace_id, enabled, bot_name, greeting_style, language, tone, community_link`,
      );
      const conv = await one<{ id: string }>(
        tx,
        `insert into ari_conversations (contact_id) values ($1)
         returning id, state, lead_score, lead_temperature, context, conversation_id`,
        [contactId],
      );
      const payment = await one(
        tx,
        `insert into ari_payments (ari_conversation_id, amount) values ($1, 500000)
         returning amount, currency, gateway, status, payment_method, paid_at`,
        [conv.id],
      );
      const appointment = await one(
        tx,
        `insert into ari_appointments (ari_conversation_id, scheduled_at) values ($1, now())
         returning duration_minutes, status, payment_id, consultant_id, reminder_sent_at`,
        [conv.id],
      );
      const message = await one(
        tx,
        `insert into ari_messages (ari_conversation_id, role, content) values ($1, 'user', 'halo')
         returning metadata, ai_model`,
        [conv.id],
      );
      const destination = await one(
        tx,
        `insert into ari_destinations (country, university_name) values ('Australia', 'Monash University')
         returning requirements, programs, is_promoted, priority`,
      );
      const comparison = await one(
        tx,
        `insert into ari_ai_comparison (ai_model) values ('sea-lion')
         returning conversation_count, total_tokens_used, conversion_count, avg_response_time_ms, satisfaction_score`,
      );
      const scoring = await one(
        tx,
        `insert into ari_scoring_config default values
         returning hot_threshold, warm_threshold, weight_basic, weight_qualification, weight_document, weight_engagement`,
      );
      const slot = await one(
        tx,
        `insert into consultant_slots (day_of_week, start_time, end_time) values (2, '13:00', '17:00')
         returning consultant_id, duration_minutes, booking_window_days, max_bookings_per_slot, is_active`,
      );
      const stage = await one(
        tx,
        `insert into ari_flow_stages (name, goal) values ('Qualify', 'Learn budget') returning stage_order, is_active`,
      );
      const category = await one<{ id: string }>(
        tx,
        `insert into ari_knowledge_categories (name) values ('Costs') returning id, display_order`,
      );
      const entry = await one(
        tx,
        `insert into ari_knowledge_entries (title, content) values ('Fees', 'Rp 500.000') returning category_id, is_active`,
      );
      const article = await one(
        tx,
        `insert into articles (title, slug) values ('A', 'a') returning status, published_at`,
      );
      const webinar = await one<{ id: string }>(
        tx,
        `insert into webinars (title, slug, scheduled_at) values ('W', 'w', now())
         returning id, status, duration_minutes, max_registrations`,
      );
      const registration = await one<{ registered_at: Date }>(
        tx,
        `insert into webinar_registrations (webinar_id, contact_id) values ($1, $2)
         returning attended, registered_at, registered_at = now() as registered_now`,
        [webinar.id, contactId],
      );
      return { config, conv, payment, appointment, message, destination, comparison, scoring, slot, stage, category, entry, article, webinar, registration };
    });
    expect(rows.config).toEqual({
      workspace_id: ws.workspaceId,
      enabled: true,
      bot_name: 'ARI',
      greeting_style: 'professional',
      language: 'id',
      tone: { supportive: true, clear: true, encouraging: true },
      community_link: null,
    });
    expect(rows.conv).toMatchObject({ state: 'greeting', lead_score: 0, lead_temperature: null, context: {}, conversation_id: null });
    expect(rows.payment).toEqual({
      amount: 500000,
      currency: 'IDR',
      gateway: 'midtrans',
      status: 'pending',
      payment_method: null,
      paid_at: null,
    });
    expect(rows.appointment).toEqual({
      duration_minutes: 60,
      status: 'scheduled',
      payment_id: null,
      consultant_id: null,
      reminder_sent_at: null,
    });
    expect(rows.message).toEqual({ metadata: {}, ai_model: null });
    expect(rows.destination).toEqual({ requirements: {}, programs: [], is_promoted: false, priority: 0 });
    expect(rows.comparison).toEqual({
      conversation_count: 0,
      total_tokens_used: 0,
      conversion_count: 0,
      avg_response_time_ms: null,
      satisfaction_score: null,
    });
    expect(rows.scoring).toEqual({
      hot_threshold: 70,
      warm_threshold: 40,
      weight_basic: 25,
      weight_qualification: 35,
      weight_document: 30,
      weight_engagement: 10,
    });
    expect(rows.slot).toEqual({
      consultant_id: null,
      duration_minutes: 60,
      booking_window_days: 14,
      max_bookings_per_slot: 1,
      is_active: true,
    });
    expect(rows.stage).toEqual({ stage_order: 0, is_active: true });
    expect(rows.category).toMatchObject({ display_order: 0 });
    expect(rows.entry).toEqual({ category_id: null, is_active: true });
    expect(rows.article).toEqual({ status: 'draft', published_at: null });
    expect(rows.webinar).toMatchObject({ status: 'draft', duration_minutes: 60, max_registrations: null });
    expect(rows.registration).toMatchObject({ attended: false, registered_now: true });
    expect(rows.registration.registered_at).toBeInstanceOf(Date);
  });

  // Which tables bump updated_at: seed 000 exempts ari_messages and ari_ai_comparison.
  const TRIGGERED = [
    'ari_appointments',
    'ari_config',
    'ari_conversations',
    'ari_destinations',
    'ari_flow_stages',
    'ari_knowledge_categories',
    'ari_knowledge_entries',
    'ari_payments',
    'ari_scoring_config',
    'articles',
    'consultant_slots',
    'webinars',
  ];

  it('has an updated_at trigger on exactly the tables that should have one', async () => {
    const rows = await db().transaction(async (tx) => {
      const { rows } = await tx.query<{ tbl: string; tgname: string; fn: string }>(
        `select c.relname as tbl, t.tgname, p.proname as fn
           from pg_trigger t join pg_class c on c.oid = t.tgrelid join pg_proc p on p.oid = t.tgfoid
          where not t.tgisinternal and c.relnamespace = 'public'::regnamespace and c.relname = any($1::text[])
            and p.proname = 'handle_updated_at'
          order by 1`,
        [[...SEED_000_TABLES, ...SEED_001_TABLES]],
      );
      return rows;
    });
    // Later migrations add guard triggers (seats, payment status); this is about updated_at.
    expect(rows).toEqual(TRIGGERED.map((t) => ({ tbl: t, tgname: `set_${t}_updated_at`, fn: 'handle_updated_at' })));
  });

  it('bumps updated_at on update, except on ari_ai_comparison', async () => {
    const ws = await createWorkspace(db());
    await createAriGraph(ws);
    // A later transaction, so now() has moved on from the insert's created_at.
    const bumped = await ws.asOwner(async (tx) => {
      const out: Record<string, boolean> = {};
      for (const t of [...TRIGGERED, 'ari_ai_comparison']) {
        const { rows } = await tx.query<{ bumped: boolean }>(
          `update ${t} set created_at = created_at returning updated_at > created_at as bumped`,
        );
        expect(rows, t).toHaveLength(1);
        out[t] = rows[0]!.bumped;
      }
      return out;
    });
    expect(bumped).toEqual({ ...Object.fromEntries(TRIGGERED.map((t) => [t, true])), ari_ai_comparison: false });
  });

  it('gives ari_messages and webinar_registrations no updated_at at all', async () => {
    const cols = await db().transaction(async (tx) => {
      const { rows } = await tx.query<{ table_name: string }>(
        `select table_name from information_schema.columns
          where table_schema = 'public' and column_name = 'updated_at' and table_name = any($1::text[])`,
        [['ari_messages', 'webinar_registrations']],
      );
      return rows;
    });
    expect(cols).toEqual([]);
  });

  it("refuses to point at another workspace's rows, even for the service role", async () => {
    const a = await createWorkspace(db());
    const b = await createWorkspace(db());
    const ga = await createAriGraph(a);
    const gb = await createAriGraph(b);
    const otherContact = await createContact(a);
    const attempts: [string, unknown[]][] = [
      ['insert into ari_conversations (workspace_id, contact_id) values ($1, $2)', [a.workspaceId, gb.contactId]],
      [
        'insert into ari_conversations (workspace_id, contact_id, conversation_id) values ($1, $2, $3)',
        [a.workspaceId, otherContact, gb.inboxId],
      ],
      [
        `insert into ari_messages (workspace_id, ari_conversation_id, role, content) values ($1, $2, 'user', 'x')`,
        [a.workspaceId, gb.ariConversationId],
      ],
      ['insert into ari_payments (workspace_id, ari_conversation_id, amount) values ($1, $2, 1)', [a.workspaceId, gb.ariConversationId]],
      [
        'insert into ari_appointments (workspace_id, ari_conversation_id, scheduled_at) values ($1, $2, now())',
        [a.workspaceId, gb.ariConversationId],
      ],
      ['update ari_appointments set payment_id = $2 where workspace_id = $1', [a.workspaceId, gb.paymentId]],
      [
        `insert into ari_knowledge_entries (workspace_id, category_id, title, content) values ($1, $2, 't', 'c')`,
        [a.workspaceId, gb.categoryId],
      ],
      [
        'insert into webinar_registrations (workspace_id, webinar_id, contact_id) values ($1, $2, $3)',
        [a.workspaceId, gb.webinarId, otherContact],
      ],
      [
        'insert into webinar_registrations (workspace_id, webinar_id, contact_id) values ($1, $2, $3)',
        [a.workspaceId, ga.webinarId, gb.contactId],
      ],
    ];
    for (const [sql, params] of attempts) {
      await expect(withServiceRole(db(), (tx) => tx.query(sql, params)), sql).rejects.toMatchObject({ code: '23503' });
    }
  });

  it('clears only the reference column when a nullable reference goes away', async () => {
    const ws = await createWorkspace(db());
    const g = await createAriGraph(ws);
    const after = await ws.asOwner(async (tx) => {
      await tx.query('delete from ari_payments where id = $1', [g.paymentId]);
      await tx.query('delete from conversations where id = $1', [g.inboxId]);
      await tx.query('delete from ari_knowledge_categories where id = $1', [g.categoryId]);
      return one(
        tx,
        `select (select row(workspace_id, payment_id)::text from ari_appointments where id = $1) as appointment,
                (select row(workspace_id, conversation_id)::text from ari_conversations where id = $2) as conversation,
                (select row(workspace_id, category_id)::text from ari_knowledge_entries where id = $3) as entry`,
        [g.appointmentId, g.ariConversationId, g.entryId],
      );
    });
    expect(after).toEqual({
      appointment: `(${ws.workspaceId},)`,
      conversation: `(${ws.workspaceId},)`,
      entry: `(${ws.workspaceId},)`,
    });
  });

  it('cascades from the contact to its ARI conversation, messages, payments, appointments and registrations', async () => {
    const ws = await createWorkspace(db());
    const g = await createAriGraph(ws);
    const counts = await ws.asOwner(async (tx) => {
      await tx.query('delete from contacts where id = $1', [g.contactId]);
      return one(
        tx,
        `select (select count(*)::int from ari_conversations) as c, (select count(*)::int from ari_messages) as m,
                (select count(*)::int from ari_payments) as p, (select count(*)::int from ari_appointments) as a,
                (select count(*)::int from webinar_registrations) as r`,
      );
    });
    expect(counts).toEqual({ c: 0, m: 0, p: 0, a: 0, r: 0 });
  });

  it('lets a member write conversation data but not configuration or knowledge; an admin writes both', async () => {
    const ws = await createWorkspace(db());
    const g = await createAriGraph(ws);
    const member = await addMember(db(), ws.workspaceId, 'member');
    const admin = await addMember(db(), ws.workspaceId, 'admin');
    const asMember = <T>(fn: (tx: Tx) => Promise<T>) => asUser(db(), member, ws.workspaceId, fn);
    const asAdmin = <T>(fn: (tx: Tx) => Promise<T>) => asUser(db(), admin, ws.workspaceId, fn);

    // Data: members write.
    const contactId = await createContact(ws);
    const memberConv = await asMember((tx) =>
      idOf(tx, 'insert into ari_conversations (contact_id) values ($1) returning id', [contactId]),
    );
    await asMember(async (tx) => {
      await tx.query(`insert into ari_messages (ari_conversation_id, role, content) values ($1, 'user', 'hi')`, [memberConv]);
      await tx.query('insert into ari_payments (ari_conversation_id, amount) values ($1, 1000)', [memberConv]);
      await tx.query('insert into ari_appointments (ari_conversation_id, scheduled_at) values ($1, now())', [memberConv]);
      await tx.query('insert into webinar_registrations (webinar_id, contact_id) values ($1, $2)', [g.webinarId, contactId]);
    });

    // Configuration and knowledge: members read but cannot write.
    const seen = await asMember((tx) =>
      one<{ config: number; entries: number }>(
        tx,
        'select (select count(*)::int from ari_config) as config, (select count(*)::int from ari_knowledge_entries) as entries',
      ),
    );
    expect(seen).toEqual({ config: 1, entries: 1 });
    // The policy check comes before the unique index, so the existing config does not mask it.
    await expect(asMember((tx) => tx.query('insert into ari_config default values'))).rejects.toMatchObject({
      code: '42501',
      message: expect.stringContaining('row-level security'),
    });
    await expect(
      asMember((tx) => tx.query(`insert into ari_knowledge_entries (title, content) values ('t', 'c')`)),
    ).rejects.toMatchObject({ code: '42501' });
    await expect(
      asMember((tx) => tx.query(`insert into ari_scoring_config default values`)),
    ).rejects.toMatchObject({ code: '42501' });
    const memberUpdates = await asMember(async (tx) => ({
      config: (await tx.query(`update ari_config set bot_name = 'Sarah'`)).rowCount,
      entries: (await tx.query(`update ari_knowledge_entries set content = 'changed'`)).rowCount,
      slots: (await tx.query(`update consultant_slots set is_active = false`)).rowCount,
    }));
    expect(memberUpdates).toEqual({ config: 0, entries: 0, slots: 0 });
    expect(await ws.asOwner((tx) => one(tx, 'select bot_name from ari_config'))).toEqual({ bot_name: 'ARI' });

    // Admins write configuration and knowledge.
    const adminUpdates = await asAdmin(async (tx) => {
      await tx.query(`insert into ari_knowledge_entries (title, content) values ('Intake', 'September and January')`);
      return {
        config: (await tx.query(`update ari_config set bot_name = 'Sarah'`)).rowCount,
        entries: (await tx.query(`update ari_knowledge_entries set is_active = false`)).rowCount,
      };
    });
    expect(adminUpdates).toEqual({ config: 1, entries: 2 });
    await asAdmin((tx) => tx.query('delete from ari_config'));
    await asAdmin((tx) => tx.query(`insert into ari_config (bot_name) values ('Sarah')`));
    const config = await ws.asOwner((tx) => one(tx, 'select bot_name from ari_config'));
    expect(config).toEqual({ bot_name: 'Sarah' });
  });

  it("hides one workspace's ARI rows from another", async () => {
    const a = await createWorkspace(db());
    const b = await createWorkspace(db());
    await createAriGraph(a);
    const seen = await b.asOwner((tx) =>
      one<Record<string, number>>(
        tx,
        `select ${[...SEED_000_TABLES, ...SEED_001_TABLES]
          .map((t) => `(select count(*)::int from ${t}) as ${t}`)
          .join(', ')}`,
      ),
    );
    expect(Object.values(seen).every((n) => n === 0)).toBe(true);
    const updated = await b.asOwner(
      async (tx) => (await tx.query(`update ari_conversations set state = 'handoff' where workspace_id = $1`, [a.workspaceId])).rowCount,
    );
    expect(updated).toBe(0);
  });
});
