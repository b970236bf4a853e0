import pg from 'pg';
import { v5 as uuidv5 } from 'uuid';
import { findContactIdByPhone, insertContact, normalizePhone } from '../../modules/contacts/index.ts';
import { openThread } from '../../modules/conversations/index.ts';
import { findWorkspace, findWorkspaceBySlug } from '../../modules/tenancy/index.ts';
import type { Database, Tx } from '../../platform/db/database.ts';
import { withServiceRole, withTenant } from '../../platform/db/tenant.ts';
import { AppError } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';

/**
 * `frontdesk import supabase`: brings the rows of the three original products' Supabase
 * databases (seed 000's ARI tables, keyed by their own workspace_id; seed 004's receptionist
 * tables, its FAQs and prompts keyed by client_id; seed 003's Amara tables) into one existing
 * Frontdesk workspace.
 *
 * Idempotent without a mapping table: every imported row gets a deterministic id, uuid v5 of
 * the source table and row id in a namespace of the target workspace, and is inserted with
 * ON CONFLICT DO NOTHING, so a second run finds every row already there. Contacts are the
 * exception: they are merged by E.164 phone (the contacts module's normalisation, with the
 * workspace's country for local numbers), so the same person written '0812…' in one table and
 * '+62 812…' in another becomes one contact, and an existing contact is kept as it is.
 *
 * Everything happens in one tenant transaction as the workspace's system actor, so row-level
 * security and the database's triggers (contact totals, lead history, inbox events) apply as
 * for any other writer; a dry run is the same transaction rolled back. Each row is written in
 * a savepoint: one the target's checks refuse is skipped and reported with the reason.
 */

export interface ImportOptions {
  /** The source database (the operator's Supabase), read with `pg`. */
  from: string;
  /** Frontdesk workspace id or slug. */
  workspace: string;
  dryRun?: boolean;
  /** Seed 000's workspace_id in the source; needed when it holds more than one. */
  sourceWorkspace?: string | undefined;
  /** Seed 004's client_id for FAQs and prompts; needed when the source holds more than one. */
  client?: string | undefined;
  progress?: (table: string, done: number, total: number) => void;
}

export interface TableReport {
  /** The source table (seed 000, 003 or 004). */
  source: string;
  /** Where its rows go in Frontdesk ('-' when nowhere). */
  target: string;
  read: number;
  imported: number;
  /** Already in the workspace: imported by an earlier run, or (contacts) the same phone. */
  existing: number;
  skipped: number;
  /** Why rows were skipped (or, for a table not imported at all, why), with counts. */
  reasons: Record<string, number>;
}

export interface ImportReport {
  workspace_id: string;
  dry_run: boolean;
  tables: TableReport[];
  totals: { read: number; imported: number; existing: number; skipped: number };
}

const NAMESPACE = 'a3f7c1e2-5b8d-4c9a-9e21-6d0f4b7a8c35';

class DryRun extends Error {
  constructor(readonly report: ImportReport) {
    super('dry run');
  }
}

type Row = Record<string, unknown>;

const str = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));

/** A target row refused by a check, a trigger or a key: which one, in a few words. */
function reasonOf(e: unknown): string {
  const err = e as { constraint?: string; message?: string };
  if (err.constraint) return `refused by ${err.constraint}`;
  return `refused: ${(err.message ?? String(e)).split('\n')[0]!.slice(0, 120)}`;
}

export async function importSupabase(db: Database, options: ImportOptions): Promise<ImportReport> {
  const source = new pg.Client({ connectionString: options.from });
  try {
    await source.connect();
  } catch (e) {
    throw new AppError('db.unreachable', 'unavailable', `cannot connect to the source database: ${(e as Error).message}`);
  }
  try {
    // Read-only: the operator's database is never written, even by mistake.
    await source.query('begin transaction isolation level repeatable read read only');
    const workspaceId = await resolveWorkspace(db, options.workspace);
    const importer = new Importer(source, workspaceId, options);
    await importer.pickKeys();
    try {
      return await withTenant(db, { kind: 'system', workspaceId }, async (tx) => {
        const report = await importer.run(tx);
        if (options.dryRun) throw new DryRun(report);
        return report;
      });
    } catch (e) {
      if (e instanceof DryRun) return e.report;
      throw e;
    }
  } finally {
    await source.end().catch(() => {});
  }
}

async function resolveWorkspace(db: Database, given: string): Promise<string> {
  const found = await withServiceRole(db, async (tx) =>
    (await findWorkspaceBySlug(tx, given)) ?? (/^[0-9a-f-]{36}$/i.test(given) ? await findWorkspace(tx, given.toLowerCase()) : undefined));
  if (!found) throw new AppError('workspace.not_found', 'not_found', `no workspace ${given}`);
  return found.id;
}

class Importer {
  private readonly namespace: string;
  private readonly reports: TableReport[] = [];
  private country = 'ID';
  private sourceWorkspace: string | undefined;
  private client: string | undefined;
  /** E.164 phone -> contact id in the target. */
  private readonly contactsByPhone = new Map<string, string>();
  /** Contacts made for a phone met in bookings, calls or texts (not in a contacts table). */
  private readonly implied: TableReport = { source: '(phones in bookings, calls, texts)', target: 'contacts', read: 0, imported: 0, existing: 0, skipped: 0, reasons: {} };
  /** Source table:id -> target id, for rows that are in the target after this run. */
  private readonly mapped = new Map<string, string>();
  private sp = 0;
  /** Inbox thread id -> its newest imported message, for the inbox's order. */
  private readonly threadLatest = new Map<string, string>();

  private touched(thread: string, at: unknown): void {
    const when = typeof at === 'string' ? at : new Date().toISOString();
    const seen = this.threadLatest.get(thread);
    if (!seen || Date.parse(when) > Date.parse(seen)) this.threadLatest.set(thread, when);
  }

  constructor(
    private readonly source: pg.Client,
    private readonly workspaceId: string,
    private readonly options: ImportOptions,
  ) {
    this.namespace = uuidv5(workspaceId, NAMESPACE);
  }

  private idFor(table: string, id: unknown): string {
    return uuidv5(`${table}:${String(id)}`, this.namespace);
  }

  private async exists(table: string): Promise<boolean> {
    const { rows } = await this.source.query<{ t: string | null }>('select to_regclass($1)::text as t', [`public.${table}`]);
    return rows[0]!.t !== null;
  }

  private async hasColumn(table: string, column: string): Promise<boolean> {
    const { rows } = await this.source.query(
      `select 1 from information_schema.columns where table_schema = 'public' and table_name = $1 and column_name = $2`, [table, column]);
    return rows.length > 0;
  }

  /** Seed 000 and 004 kept several tenants in one database: take the one asked for, or the only one. */
  async pickKeys(): Promise<void> {
    this.sourceWorkspace = await this.pickKey(['ari_destinations', 'ari_conversations', 'ari_config', 'contacts'], 'workspace_id', this.options.sourceWorkspace, '--source-workspace');
    this.client = await this.pickKey(['faqs', 'system_prompts'], 'client_id', this.options.client, '--client');
  }

  private async pickKey(tables: string[], column: string, given: string | undefined, flag: string): Promise<string | undefined> {
    if (given !== undefined) return given;
    const keys = new Set<string>();
    for (const t of tables) {
      if (!(await this.exists(t)) || !(await this.hasColumn(t, column))) continue;
      const { rows } = await this.source.query<{ k: string }>(`select distinct ${column}::text as k from public.${t} where ${column} is not null`);
      for (const r of rows) keys.add(r.k);
    }
    if (keys.size > 1) {
      throw new AppError('validation.failed', 'invalid', `the source holds ${keys.size} tenants by ${column} (${[...keys].slice(0, 5).join(', ')}): pick one with ${flag}`);
    }
    return [...keys][0];
  }

  /** The source table's rows as JSON (so a column the seed lacks is simply absent), oldest first. */
  private async read(table: string, key?: { column: string; value: string | undefined }): Promise<Row[] | undefined> {
    if (!(await this.exists(table))) return undefined;
    const order = (await this.hasColumn(table, 'created_at')) ? 'order by t.created_at nulls first, t.id' : 'order by t.id';
    if (key && key.value !== undefined && (await this.hasColumn(table, key.column))) {
      const { rows } = await this.source.query<{ r: Row }>(`select to_jsonb(t) as r from public.${table} t where t.${key.column}::text = $1 ${order}`, [key.value]);
      return rows.map((x) => x.r);
    }
    const { rows } = await this.source.query<{ r: Row }>(`select to_jsonb(t) as r from public.${table} t ${order}`);
    return rows.map((x) => x.r);
  }

  private report(source: string, target: string): TableReport {
    const r: TableReport = { source, target, read: 0, imported: 0, existing: 0, skipped: 0, reasons: {} };
    this.reports.push(r);
    return r;
  }

  private skip(r: TableReport, reason: string): void {
    r.skipped++;
    r.reasons[reason] = (r.reasons[reason] ?? 0) + 1;
  }

  /**
   * Runs one INSERT … ON CONFLICT DO NOTHING RETURNING id in a savepoint: 'imported' with the
   * id, 'existing' when a key already holds the row, or skipped with the database's reason.
   */
  private async put(tx: Tx, r: TableReport, sql: string, params: unknown[]): Promise<string | null | undefined> {
    const name = `import_${++this.sp}`;
    await tx.query(`savepoint ${name}`);
    try {
      const { rows } = await tx.query<{ id: string }>(sql, params);
      await tx.query(`release savepoint ${name}`);
      if (rows[0]) {
        r.imported++;
        return rows[0].id;
      }
      r.existing++;
      return null;
    } catch (e) {
      await tx.query(`rollback to savepoint ${name}`);
      this.skip(r, reasonOf(e));
      return undefined;
    }
  }

  /** A table read for its rows, each handed to `each`, with progress. */
  private async table(tx: Tx, source: string, target: string, key: { column: string; value: string | undefined } | undefined,
    each: (tx: Tx, row: Row, r: TableReport) => Promise<void>): Promise<void> {
    const rows = await this.read(source, key);
    const r = this.report(source, target);
    if (!rows) {
      r.reasons['not in the source database'] = 0;
      return;
    }
    r.read = rows.length;
    let done = 0;
    for (const row of rows) {
      await each(tx, row, r);
      done++;
      if (done % 100 === 0 || done === rows.length) this.options.progress?.(source, done, rows.length);
    }
  }

  /** Counted but not imported, with the reason. */
  private async notImported(source: string, reason: string): Promise<void> {
    if (!(await this.exists(source))) return;
    const { rows } = await this.source.query<{ n: string }>(`select count(*)::text as n from public.${source}`);
    const r = this.report(source, '-');
    r.read = Number(rows[0]!.n);
    r.skipped = r.read;
    r.reasons[reason] = r.read;
  }

  /**
   * The contact for a phone as the source wrote it: the workspace's contact with the same
   * E.164 number, or a new one with what the row knows. Null when it is not a phone number.
   */
  private async contactFor(tx: Tx, raw: unknown, fields: { name?: unknown; email?: unknown; notes?: unknown; tags?: unknown; address?: unknown; created_at?: unknown }, r: TableReport): Promise<string | null> {
    const phone = typeof raw === 'string' ? normalizePhone(raw, this.country) : null;
    if (!phone) return null;
    const known = this.contactsByPhone.get(phone);
    if (known) {
      r.existing++; // the same person written another way earlier in this run: merged
      return known;
    }
    const created = await insertContact(tx, {
      id: newId(),
      workspace_id: this.workspaceId,
      phone,
      name: str(fields.name),
      email: typeof fields.email === 'string' && fields.email.includes('@') ? fields.email.trim().toLowerCase() : null,
      notes: str(fields.notes),
      address: str(fields.address),
      tags: Array.isArray(fields.tags) ? fields.tags.map(String) : [],
      source: 'import',
      ...(typeof fields.created_at === 'string' ? { created_at: new Date(fields.created_at) } : {}),
    });
    const id = created?.id ?? (await findContactIdByPhone(tx, this.workspaceId, phone))!;
    if (created) r.imported++;
    else r.existing++;
    this.contactsByPhone.set(phone, id);
    return id;
  }

  /** A row's phone as a contact, made if need be (and counted under `implied`). */
  private async impliedContact(tx: Tx, raw: unknown, name: unknown, email?: unknown): Promise<{ id: string; phone: string } | null> {
    const phone = typeof raw === 'string' ? normalizePhone(raw, this.country) : null;
    if (!phone) return null;
    const known = this.contactsByPhone.get(phone);
    if (known) return { id: known, phone };
    this.implied.read++;
    const id = (await this.contactFor(tx, phone, { name, email }, this.implied))!;
    return { id, phone };
  }

  private ref(table: string, id: unknown): string | null {
    return id === null || id === undefined ? null : (this.mapped.get(`${table}:${String(id)}`) ?? null);
  }

  async run(tx: Tx): Promise<ImportReport> {
    this.country = (await findWorkspace(tx, this.workspaceId))?.country ?? 'ID';
    const ws = this.workspaceId;
    const ari = { column: 'workspace_id', value: this.sourceWorkspace };
    const client = { column: 'client_id', value: this.client };

    // Contacts first: everything else points at them. -----------------------------------------
    await this.table(tx, 'customers', 'contacts', undefined, async (tx, row, r) => {
      const id = await this.contactFor(tx, row.phone, row, r);
      if (!id) this.skip(r, 'phone is not a phone number');
    });
    // Seed 000's ARI kept its own contacts table (the original product's), keyed by workspace.
    const ariContacts = new Map<string, string>();
    /** Source ari_conversations id -> the contact's WhatsApp thread. */
    const threads = new Map<string, string>();
    await this.table(tx, 'contacts', 'contacts', ari, async (tx, row, r) => {
      const id = await this.contactFor(tx, row.phone ?? row.phone_number, row, r);
      if (!id) return this.skip(r, 'phone is not a phone number');
      ariContacts.set(String(row.id), id);
    });

    // Knowledge: FAQs, destinations, prompts. ------------------------------------------------
    await this.table(tx, 'faqs', 'faqs', client, async (tx, row, r) => {
      await this.put(tx, r,
        `insert into public.faqs (id, workspace_id, category, question, answer, keywords, is_active, display_order, usage_count, created_at)
         values ($1, $2, $3, $4, $5, coalesce($6::text[], '{}'), coalesce($7, true), coalesce($8, 0), coalesce($9, 0), coalesce($10::timestamptz, now()))
         on conflict do nothing returning id`,
        [this.idFor('faqs', row.id), ws, row.category, row.question, row.answer, row.keywords ?? null, row.is_active ?? null, row.display_order ?? null, row.usage_count ?? null, row.created_at ?? null]);
    });
    await this.table(tx, 'ari_destinations', 'ari_destinations', ari, async (tx, row, r) => {
      await this.put(tx, r,
        `insert into public.ari_destinations (id, workspace_id, country, city, university_name, requirements, programs, is_promoted, priority, notes, created_at)
         values ($1, $2, $3, $4, $5, coalesce($6::jsonb, '{}'), coalesce($7::text[], '{}'), coalesce($8, false), coalesce($9, 0), $10, coalesce($11::timestamptz, now()))
         on conflict do nothing returning id`,
        [this.idFor('ari_destinations', row.id), ws, row.country, row.city ?? null, row.university_name, row.requirements == null ? null : JSON.stringify(row.requirements),
          row.programs ?? null, row.is_promoted ?? null, row.priority ?? null, row.notes ?? null, row.created_at ?? null]);
    });
    await this.table(tx, 'system_prompts', 'system_prompts', client, async (tx, row, r) => {
      // One active prompt per purpose: the workspace's own stays active, an imported one is kept inactive beside it.
      await this.put(tx, r,
        `insert into public.system_prompts (id, workspace_id, prompt_type, system_prompt, prompt_version, is_active, created_at)
         select $1, $2, $3, $4, coalesce($5, 'v1.0.0'), coalesce($6, true) and not exists (
                  select 1 from public.system_prompts p where p.workspace_id = $2 and p.prompt_type = $3 and p.is_active),
                coalesce($7::timestamptz, now())
         on conflict do nothing returning id`,
        [this.idFor('system_prompts', row.id), ws, row.prompt_type, row.system_prompt, row.prompt_version ?? null, row.is_active ?? null, row.created_at ?? null]);
    });

    // Seed 004: bookings, calls, texts. -------------------------------------------------------
    await this.table(tx, 'bookings', 'bookings', undefined, async (tx, row, r) => {
      const contact = await this.impliedContact(tx, row.customer_phone, row.customer_name, row.customer_email);
      if (!contact) return this.skip(r, 'customer_phone is not a phone number');
      const id = this.idFor('bookings', row.id);
      const got = await this.put(tx, r,
        `insert into public.bookings (id, workspace_id, contact_id, customer_name, customer_phone, customer_email, service_type, appointment_date, appointment_time,
                                      status, source, notes, reminder_sent, confirmation_sent, title, scheduled_at, duration_minutes, pickup_address,
                                      payment_amount, payment_currency, payment_status, number_of_loads, created_at)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, coalesce($10, 'pending'), $11, $12, coalesce($13, false), coalesce($14, false), $15, $16, $17, $18,
                 $19, coalesce($20, 'USD'), $21, $22, coalesce($23::timestamptz, now()))
         on conflict do nothing returning id`,
        [id, ws, contact.id, row.customer_name, contact.phone, row.customer_email ?? null, row.service_type, row.appointment_date, row.appointment_time,
          row.status ?? null, row.source ?? null, row.notes ?? null, row.reminder_sent ?? null, row.confirmation_sent ?? null, row.title ?? null,
          row.scheduled_at ?? null, row.duration_minutes ?? null, row.pickup_address ?? null, row.payment_amount ?? null, row.payment_currency ?? null,
          row.payment_status ?? null, row.number_of_loads ?? null, row.created_at ?? null]);
      if (got !== undefined) this.mapped.set(`bookings:${String(row.id)}`, id);
    });
    await this.table(tx, 'calls', 'calls', undefined, async (tx, row, r) => {
      const contact = await this.impliedContact(tx, row.phone_number, row.customer_name);
      if (!contact) return this.skip(r, 'phone_number is not a phone number');
      await this.put(tx, r,
        `insert into public.calls (id, workspace_id, contact_id, phone_number, customer_name, duration, status, call_type, recording_url, transcript, cost, notes, sentiment, booking_id, created_at)
         values ($1, $2, $3, $4, $5, coalesce($6, 0), $7, $8, $9, $10, coalesce($11::numeric, 0), $12, $13, $14, coalesce($15::timestamptz, now()))
         on conflict do nothing returning id`,
        [this.idFor('calls', row.id), ws, contact.id, contact.phone, row.customer_name ?? null, row.duration ?? null, row.status ?? null, row.call_type ?? null,
          row.recording_url ?? null, row.transcript ?? null, row.cost ?? null, row.notes ?? null, row.sentiment ?? null, this.ref('bookings', row.booking_id), row.created_at ?? null]);
    });
    // Texts live in the contact's SMS thread of the inbox, one thread per contact, as new ones do.
    await this.table(tx, 'sms_messages', 'sms_messages (in SMS threads)', undefined, async (tx, row, r) => {
      const contact = await this.impliedContact(tx, row.phone_number, null);
      if (!contact) return this.skip(r, 'phone_number is not a phone number');
      if (typeof row.message_body !== 'string' || row.message_body.trim() === '') return this.skip(r, 'empty message');
      const thread = await openThread(tx, ws, contact.id, 'sms');
      this.touched(thread.id, row.created_at);
      await this.put(tx, r,
        `insert into public.sms_messages (id, workspace_id, contact_id, conversation_id, phone_number, direction, message_body, status, booking_id, cost, created_at)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, coalesce($10::numeric, 0), coalesce($11::timestamptz, now()))
         on conflict do nothing returning id`,
        [this.idFor('sms_messages', row.id), ws, contact.id, thread.id, contact.phone, row.direction ?? null, row.message_body, row.status ?? null,
          this.ref('bookings', row.booking_id), row.cost ?? null, row.created_at ?? null]);
    });

    // Seed 000: the assistant's conversations, transcripts, payments, consultations. ----------
    await this.table(tx, 'ari_conversations', 'ari_conversations', ari, async (tx, row, r) => {
      const contact = ariContacts.get(String(row.contact_id));
      if (!contact) return this.skip(r, 'its contact was not imported');
      const id = this.idFor('ari_conversations', row.id);
      // ARI answered on WhatsApp: its transcript is also the contact's WhatsApp thread in the inbox.
      const thread = await openThread(tx, ws, contact, 'whatsapp');
      const got = await this.put(tx, r,
        `insert into public.ari_conversations (id, workspace_id, contact_id, conversation_id, state, lead_score, lead_temperature, context, ai_model, last_ai_message_at, handoff_at, handoff_reason, created_at)
         values ($1, $2, $3, $13, coalesce($4, 'greeting'), coalesce($5, 0), $6, coalesce($7::jsonb, '{}'), $8, $9, $10, $11, coalesce($12::timestamptz, now()))
         on conflict do nothing returning id`,
        [id, ws, contact, row.state ?? null, row.lead_score ?? null, row.lead_temperature ?? null, row.context == null ? null : JSON.stringify(row.context),
          row.ai_model ?? null, row.last_ai_message_at ?? null, row.handoff_at ?? null, row.handoff_reason ?? null, row.created_at ?? null, thread.id]);
      if (got === undefined) return;
      threads.set(String(row.id), thread.id);
      // The contact may already have the assistant's state (one per contact): its transcript joins that one.
      const { rows } = await tx.query<{ id: string }>('select id from public.ari_conversations where workspace_id = $1 and contact_id = $2', [ws, contact]);
      this.mapped.set(`ari_conversations:${String(row.id)}`, rows[0]!.id);
    });
    const inbox = this.report('ari_messages (the inbox copy)', 'messages (WhatsApp threads)');
    await this.table(tx, 'ari_messages', 'ari_messages', ari, async (tx, row, r) => {
      const conversation = this.ref('ari_conversations', row.ari_conversation_id);
      if (!conversation) return this.skip(r, 'its conversation was not imported');
      const thread = threads.get(String(row.ari_conversation_id));
      if (thread && (row.role === 'user' || row.role === 'assistant') && typeof row.content === 'string') {
        // What the customer and the assistant said, as staff read it in the thread (a turn writes both too).
        inbox.read++;
        const inbound = row.role === 'user';
        this.touched(thread, row.created_at);
        await this.put(tx, inbox,
          `insert into public.messages (id, workspace_id, conversation_id, channel, direction, sender_kind, body, delivery_status, metadata, created_at)
           values ($1, $2, $3, 'whatsapp', $4, $5, $6, $7, $8::jsonb, coalesce($9::timestamptz, now()))
           on conflict do nothing returning id`,
          [this.idFor('ari_messages:inbox', row.id), ws, thread, inbound ? 'inbound' : 'outbound', inbound ? 'contact' : 'assistant', row.content,
            inbound ? 'received' : 'sent', JSON.stringify({ imported_from: 'ari_messages', ari_message_id: this.idFor('ari_messages', row.id) }), row.created_at ?? null]);
      }
      await this.put(tx, r,
        `insert into public.ari_messages (id, workspace_id, ari_conversation_id, role, content, ai_model, tokens_used, response_time_ms, metadata, created_at)
         values ($1, $2, $3, $4, $5, $6, $7, $8, coalesce($9::jsonb, '{}'), coalesce($10::timestamptz, now()))
         on conflict do nothing returning id`,
        [this.idFor('ari_messages', row.id), ws, conversation, row.role, row.content, row.ai_model ?? null, row.tokens_used ?? null, row.response_time_ms ?? null,
          row.metadata == null ? null : JSON.stringify(row.metadata), row.created_at ?? null]);
    });
    await this.table(tx, 'ari_payments', 'ari_payments', ari, async (tx, row, r) => {
      const conversation = this.ref('ari_conversations', row.ari_conversation_id);
      if (!conversation) return this.skip(r, 'its conversation was not imported');
      const id = this.idFor('ari_payments', row.id);
      const got = await this.put(tx, r,
        `insert into public.ari_payments (id, workspace_id, ari_conversation_id, amount, currency, payment_method, gateway, gateway_transaction_id, gateway_response, status, expires_at, paid_at, created_at)
         values ($1, $2, $3, $4, coalesce($5, 'IDR'), $6, coalesce($7, 'midtrans'), $8, $9::jsonb, coalesce($10, 'pending'), $11, $12, coalesce($13::timestamptz, now()))
         on conflict do nothing returning id`,
        [id, ws, conversation, row.amount, row.currency ?? null, row.payment_method ?? null, row.gateway ?? null, row.gateway_transaction_id ?? null,
          row.gateway_response == null ? null : JSON.stringify(row.gateway_response), row.status ?? null, row.expires_at ?? null, row.paid_at ?? null, row.created_at ?? null]);
      if (got !== undefined) this.mapped.set(`ari_payments:${String(row.id)}`, id);
    });
    await this.table(tx, 'ari_appointments', 'ari_appointments', ari, async (tx, row, r) => {
      const conversation = this.ref('ari_conversations', row.ari_conversation_id);
      if (!conversation) return this.skip(r, 'its conversation was not imported');
      // The source's consultants are accounts of the old product, not members here: the
      // consultation comes in unassigned (into the pool), to be assigned in the dashboard.
      await this.put(tx, r,
        `insert into public.ari_appointments (id, workspace_id, ari_conversation_id, payment_id, scheduled_at, duration_minutes, meeting_link, status, reminder_sent_at, notes, created_at)
         values ($1, $2, $3, $4, $5, coalesce($6, 60), $7, coalesce($8, 'scheduled'), $9, $10, coalesce($11::timestamptz, now()))
         on conflict do nothing returning id`,
        [this.idFor('ari_appointments', row.id), ws, conversation, this.ref('ari_payments', row.payment_id), row.scheduled_at, row.duration_minutes ?? null,
          row.meeting_link ?? null, row.status ?? null, row.reminder_sent_at ?? null, row.notes ?? null, row.created_at ?? null]);
    });

    this.reports.splice(2, 0, this.implied);

    // Imported threads sort in the inbox by their newest message, as live ones do.
    for (const [thread, at] of this.threadLatest) {
      await tx.query(
        `update public.conversations set last_message_at = greatest(last_message_at, $3::timestamptz) where workspace_id = $1 and id = $2`,
        [ws, thread, at]);
    }

    // Counted, not imported. ------------------------------------------------------------------
    await this.notImported('ari_config', "the workspace's template made its assistant settings; set them in the dashboard");
    await this.notImported('ari_ai_comparison', 'recomputed from the imported transcripts and payments by the comparison job');
    await this.notImported('analytics', 'recomputed from the imported calls, bookings and texts by the daily rollup');
    await this.notImported('amara_conversations', "Amara's conversations belong to the marketplace's signed-in users, whose accounts are not imported");
    await this.notImported('amara_messages', "Amara's conversations belong to the marketplace's signed-in users, whose accounts are not imported");
    await this.notImported('guest_sessions', 'guest checkout sessions expire within a day');
    await this.notImported('platform_events', 'funnel events of the old product are not carried over');

    const totals = { read: 0, imported: 0, existing: 0, skipped: 0 };
    for (const r of this.reports) {
      totals.read += r.read;
      totals.imported += r.imported;
      totals.existing += r.existing;
      totals.skipped += r.skipped;
    }
    return { workspace_id: ws, dry_run: !!this.options.dryRun, tables: this.reports, totals };
  }
}
