import { parse } from 'csv-parse/sync';
import { z } from '@hono/zod-openapi';
import { workspaceIdOf as workspaceOf, type Ctx } from '../../platform/context.ts';
import { csvLines, csvRow } from '../../platform/csv.ts';
import { AppError } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import { workspaceCountry } from '../tenancy/index.ts';
import * as repo from './contacts.repo.ts';
import { ContactFilterQuery, LEAD_STATUSES, TEMPERATURES } from './contacts.schema.ts';
import { allContacts } from './contacts.service.ts';
import { normalizePhone } from './phone.ts';

/**
 * Contacts in and out as CSV. An import checks every row first (the same rules as the API:
 * phones to E.164 in the workspace's country, emails, statuses), then stores the valid rows
 * in one statement and reports the others by their line in the file; a row is stored whole
 * or not at all. A dry run (the preview) checks and stores nothing.
 */

export const IMPORT_MAX_ROWS = 10_000;
export const EXPORT_MAX_ROWS = 100_000;

/** The columns an import reads, and the names people give them in spreadsheets. */
const HEADERS: Record<string, ImportField> = {};
export const IMPORT_FIELDS = ['name', 'phone', 'email', 'tags', 'notes', 'address', 'lead_status', 'lead_temperature', 'source', 'locale'] as const;
type ImportField = (typeof IMPORT_FIELDS)[number];
const ALIASES: Record<ImportField, string[]> = {
  name: ['name', 'full name', 'full_name', 'nama', 'nombre', 'customer name', 'customer_name', 'contact name'],
  phone: ['phone', 'phone number', 'phone_number', 'mobile', 'mobile number', 'whatsapp', 'telephone', 'tel', 'telepon', 'no hp', 'nomor hp', 'hp', 'teléfono', 'telefono', 'celular', 'móvil'],
  email: ['email', 'e-mail', 'email address', 'correo', 'correo electrónico'],
  tags: ['tags', 'tag', 'labels', 'label', 'etiquetas', 'label/tag'],
  notes: ['notes', 'note', 'catatan', 'notas'],
  address: ['address', 'alamat', 'dirección', 'direccion'],
  lead_status: ['lead_status', 'lead status', 'status'],
  lead_temperature: ['lead_temperature', 'lead temperature', 'temperature'],
  source: ['source', 'sumber', 'fuente'],
  locale: ['locale', 'language', 'bahasa', 'idioma'],
};
for (const [field, names] of Object.entries(ALIASES)) for (const n of names) HEADERS[n] = field as ImportField;

export const ImportBody = z
  .strictObject({
    csv: z.string().min(1).max(1_000_000).openapi({
      description:
        'the file\'s text: a header row, then one contact per row. Columns (case-insensitive, common spellings in English, Indonesian and Spanish): ' +
        'name, phone, email, tags (separated by ; or |), notes, address, lead_status, lead_temperature, source, locale. Other columns are ignored and listed. ' +
        `Comma, semicolon or tab separated; at most ${IMPORT_MAX_ROWS} rows.`,
      example: 'name,phone,email,tags\nRina Wijaya,0812-3456-7001,rina@example.com,ielts;australia\n',
    }),
    dry_run: z.boolean().default(false).openapi({ description: 'true: check and preview only, store nothing' }),
    mapping: z
      .record(z.string().min(1).max(200), z.enum([...IMPORT_FIELDS, 'ignore']))
      .optional()
      .openapi({
        description: 'a header of the file -> the field it fills (or "ignore"), for columns the usual spellings do not cover; it overrides them',
        example: { 'Nomor WA': 'phone', Kota: 'ignore' },
      }),
  })
  .openapi('ContactImport');
export type ImportBody = z.infer<typeof ImportBody>;

const RowError = z
  .object({
    row: z.number().int().openapi({ description: 'the data row, 1 for the first row under the header' }),
    line: z.number().int().openapi({ description: 'the line of the file where the row starts (the header is line 1)' }),
    field: z.string().nullable(),
    code: z.string().openapi({ example: 'contact.phone_invalid' }),
    message: z.string(),
    value: z.string().nullable(),
  })
  .openapi('ContactImportRowError');
export type RowError = z.infer<typeof RowError>;

const PreviewRow = z
  .object({
    row: z.number().int(),
    name: z.string().nullable(),
    phone: z.string().nullable().openapi({ description: 'E.164' }),
    email: z.string().nullable(),
    tags: z.array(z.string()),
    lead_status: z.string().nullable(),
    lead_temperature: z.string().nullable(),
    valid: z.boolean(),
  })
  .openapi('ContactImportPreviewRow');

export const ImportResult = z
  .object({
    dry_run: z.boolean(),
    total_rows: z.number().int(),
    valid_rows: z.number().int(),
    imported: z.number().int().openapi({ description: 'rows stored (0 in a dry run)' }),
    columns: z.record(z.string(), z.string()).openapi({ description: 'each recognised header and the field it fills' }),
    ignored_columns: z.array(z.string()),
    errors: z.array(RowError).openapi({ description: 'one entry per problem, in row order; a row with any error is not stored' }),
    preview: z.array(PreviewRow).openapi({ description: 'the first 50 rows as they would be stored' }),
    contact_ids: z.array(z.uuid()).openapi({ description: 'the contacts created, in row order' }),
  })
  .openapi('ContactImportResult');
export type ImportResult = z.infer<typeof ImportResult>;

const EmailCheck = z.email().max(254);
const LocaleCheck = /^[a-z]{2}(-[A-Z]{2})?$/;
const LIMITS: Partial<Record<ImportField, number>> = { name: 200, notes: 10_000, address: 1_000, source: 100 };

/** Reads the file, or refuses it whole when it is not CSV at all. */
function readCsv(text: string): { header: string[]; records: { values: string[]; line: number }[] } {
  const firstLine = text.slice(0, text.search(/\r?\n|$/));
  const delimiter = [',', ';', '\t'].map((d) => [d, firstLine.split(d).length] as const).sort((a, b) => b[1] - a[1])[0]![0];
  let rows: { record: string[]; info: { lines: number } }[];
  try {
    rows = parse(text.replace(/^\uFEFF/, ''), {
      delimiter,
      bom: true,
      relax_column_count: true,
      skip_empty_lines: true,
      trim: true,
      info: true,
    }) as unknown as { record: string[]; info: { lines: number } }[];
  } catch (e) {
    const err = e as { message?: string; lines?: number };
    throw new AppError('contact.csv_invalid', 'invalid', `the file is not readable as CSV${err.lines ? ` (line ${err.lines})` : ''}: ${err.message ?? 'parse error'}`, {
      issues: [{ field: 'csv', message: err.message ?? 'not CSV' }],
      ...(err.lines ? { line: err.lines } : {}),
    });
  }
  if (rows.length === 0) {
    throw new AppError('contact.csv_empty', 'invalid', 'the file has no header row', { issues: [{ field: 'csv', message: 'empty' }] });
  }
  const [head, ...body] = rows;
  return { header: head!.record, records: body.map((r) => ({ values: r.record, line: r.info.lines })) };
}

interface Candidate {
  row: number;
  line: number;
  values: {
    name: string | null;
    phone: string | null;
    email: string | null;
    tags: string[];
    notes: string | null;
    address: string | null;
    lead_status: string | null;
    lead_temperature: string | null;
    source: string | null;
    locale: string | null;
  };
  errors: RowError[];
}

/** What a file holds, read and checked row by row before anything is stored. */
interface ImportPlan {
  columns: Record<string, string>;
  ignored: string[];
  candidates: Candidate[];
}

/** Reads the file, maps its columns and checks every row; nothing is stored. */
function planImport(text: string, mapping: ImportBody['mapping'], country: string): ImportPlan {
  const { header, records } = readCsv(text);
  const columns: Record<string, string> = {};
  const ignored: string[] = [];
  const fieldAt = new Map<number, ImportField>();
  const unknown = Object.keys(mapping ?? {}).filter((m) => !header.some((h) => h.trim() === m.trim()));
  if (unknown.length) {
    throw new AppError('contact.mapping_unknown_column', 'invalid', `the file has no column ${unknown.map((u) => `"${u}"`).join(', ')}`, {
      issues: unknown.map((u) => ({ field: `mapping.${u}`, message: `not a header of the file (${header.map((h) => `"${h}"`).join(', ')})` })),
    });
  }
  header.forEach((h, i) => {
    const mapped = mapping ? Object.entries(mapping).find(([m]) => m.trim() === h.trim())?.[1] : undefined;
    const field = mapped === 'ignore' ? undefined : (mapped ?? HEADERS[h.trim().toLowerCase()]);
    if (field && ![...fieldAt.values()].includes(field)) {
      fieldAt.set(i, field);
      columns[h] = field;
    } else if (h.trim()) ignored.push(h);
  });
  if (![...fieldAt.values()].some((f) => f === 'name' || f === 'phone' || f === 'email')) {
    throw new AppError('contact.csv_no_columns', 'invalid', 'the header names no name, phone or email column', {
      issues: [{ field: 'csv', message: `found ${header.map((h) => `"${h}"`).join(', ')}; expected name, phone or email` }],
    });
  }
  const seenPhones = new Map<string, number>();
  const candidates: Candidate[] = records.map(({ values, line }, i) => {
    const row = i + 1;
    const errors: RowError[] = [];
    const fail = (field: string | null, code: string, message: string, value: string | null) => errors.push({ row, line, field, code, message, value });
    const raw = (f: ImportField): string | null => {
      for (const [idx, field] of fieldAt) if (field === f) return values[idx]?.trim() || null;
      return null;
    };
    const text = (f: ImportField): string | null => {
      const v = raw(f);
      const max = LIMITS[f];
      if (v !== null && max !== undefined && v.length > max) {
        fail(f, 'contact.field_too_long', `longer than ${max} characters`, v.slice(0, 100));
        return null;
      }
      return v;
    };
    const name = text('name');
    const phoneRaw = raw('phone');
    let phone: string | null = null;
    if (phoneRaw !== null) {
      phone = normalizePhone(phoneRaw) ?? normalizePhone(phoneRaw, country);
      if (!phone) fail('phone', 'contact.phone_invalid', `not a phone number in ${country} or with a country code`, phoneRaw);
      else if (seenPhones.has(phone)) fail('phone', 'contact.phone_repeated', `the same number as row ${seenPhones.get(phone)}`, phoneRaw);
      else seenPhones.set(phone, row);
    }
    const emailRaw = raw('email');
    let email: string | null = null;
    if (emailRaw !== null) {
      email = emailRaw.toLowerCase();
      if (!EmailCheck.safeParse(email).success) fail('email', 'contact.email_invalid', 'not an email address', emailRaw);
    }
    const tagsRaw = raw('tags');
    const tags = tagsRaw ? [...new Set(tagsRaw.split(/[;|]/).map((t) => t.trim()).filter(Boolean))] : [];
    if (tags.some((t) => t.length > 50) || tags.length > 50) fail('tags', 'contact.tags_invalid', 'at most 50 tags of 50 characters each', tagsRaw);
    const status = raw('lead_status')?.toLowerCase() ?? null;
    if (status !== null && !(LEAD_STATUSES as readonly string[]).includes(status)) fail('lead_status', 'contact.lead_status_invalid', `one of ${LEAD_STATUSES.join(', ')}`, status);
    const temperature = raw('lead_temperature')?.toLowerCase() ?? null;
    if (temperature !== null && !(TEMPERATURES as readonly string[]).includes(temperature)) fail('lead_temperature', 'contact.temperature_invalid', `one of ${TEMPERATURES.join(', ')}`, temperature);
    const locale = raw('locale');
    if (locale !== null && !LocaleCheck.test(locale)) fail('locale', 'contact.locale_invalid', 'a language like "id" or "en-US"', locale);
    if (!name && !phoneRaw && !emailRaw) fail(null, 'contact.row_empty', 'give at least a name, a phone or an email', null);
    return {
      row,
      line,
      values: { name, phone, email, tags, notes: text('notes'), address: text('address'), lead_status: status, lead_temperature: temperature, source: text('source'), locale },
      errors,
    };
  });

  return { columns, ignored, candidates };
}

/**
 * Stores the valid candidates (none in a dry run) after checking their numbers against the
 * workspace's contacts; a row whose number is taken gets that error instead.
 */
async function storeCandidates(ctx: Ctx, candidates: Candidate[], dryRun: boolean): Promise<string[]> {
  const ws = workspaceOf(ctx);
  // Numbers another contact of the workspace already has.
  const phones = candidates.filter((c) => c.errors.length === 0 && c.values.phone).map((c) => c.values.phone!);
  const taken = new Set(await repo.existingPhones(ctx.tx, ws, phones));
  for (const c of candidates) {
    if (c.errors.length === 0 && c.values.phone && taken.has(c.values.phone)) {
      c.errors.push({ row: c.row, line: c.line, field: 'phone', code: 'contact.phone_taken', message: 'another contact already has this number (merge or edit that one)', value: c.values.phone });
    }
  }

  const valid = candidates.filter((c) => c.errors.length === 0);
  let contactIds: string[] = [];
  if (!dryRun && valid.length > 0) {
    const ids = valid.map(() => newId());
    const inserted = new Set(
      await repo.insertContacts(
        ctx.tx,
        valid.map((c, i) => ({
          id: ids[i]!,
          workspace_id: ws,
          name: c.values.name,
          phone: c.values.phone,
          email: c.values.email,
          tags: c.values.tags,
          notes: c.values.notes,
          address: c.values.address,
          ...(c.values.lead_status ? { lead_status: c.values.lead_status } : {}),
          lead_temperature: c.values.lead_temperature,
          source: c.values.source ?? 'import',
          locale: c.values.locale,
        })),
      ),
    );
    // A number taken between the check and the insert (another import at the same moment).
    valid.forEach((c, i) => {
      if (!inserted.has(ids[i]!)) c.errors.push({ row: c.row, line: c.line, field: 'phone', code: 'contact.phone_taken', message: 'another contact already has this number (merge or edit that one)', value: c.values.phone });
    });
    contactIds = ids.filter((id) => inserted.has(id));
  }

  return contactIds;
}

function resultOf(plan: ImportPlan, dryRun: boolean, contactIds: string[]): ImportResult {
  const { candidates } = plan;
  return {
    dry_run: dryRun,
    total_rows: candidates.length,
    valid_rows: candidates.filter((c) => c.errors.length === 0).length,
    imported: contactIds.length,
    columns: plan.columns,
    ignored_columns: plan.ignored,
    errors: candidates.flatMap((c) => c.errors),
    preview: candidates.slice(0, 50).map((c) => ({
      row: c.row,
      name: c.values.name,
      phone: c.values.phone,
      email: c.values.email,
      tags: c.values.tags,
      lead_status: c.values.lead_status,
      lead_temperature: c.values.lead_temperature,
      valid: c.errors.length === 0,
    })),
    contact_ids: contactIds,
  };
}

/** The staff app's import: the whole file in the request's one transaction, at most IMPORT_MAX_ROWS rows. */
export async function importContacts(ctx: Ctx, body: ImportBody): Promise<ImportResult> {
  const plan = planImport(body.csv, body.mapping, await workspaceCountry(ctx));
  if (plan.candidates.length > IMPORT_MAX_ROWS) {
    throw new AppError('contact.import_too_large', 'too_large', `the file has ${plan.candidates.length} rows; import at most ${IMPORT_MAX_ROWS} at a time`, { max: IMPORT_MAX_ROWS, rows: plan.candidates.length });
  }
  return resultOf(plan, body.dry_run, await storeCandidates(ctx, plan.candidates, body.dry_run));
}

/** Rows stored per transaction by importContactsInBatches. */
export const IMPORT_BATCH_ROWS = 1_000;

/**
 * The command line's import, for files of any length: the file is read and checked whole (so a
 * number repeated anywhere in it is caught, in a dry run too), then stored a batch at a time,
 * each in its own transaction from `inTenant`, reporting after each. A batch that fails stops
 * the import with the batches before it stored; running the same file again skips those rows,
 * whose numbers are then taken.
 */
export async function importContactsInBatches(
  inTenant: <T>(fn: (ctx: Ctx) => Promise<T>) => Promise<T>,
  body: Omit<ImportBody, 'csv'> & { csv: string },
  onProgress: (done: number, total: number) => void = () => {},
): Promise<ImportResult> {
  const plan = planImport(body.csv, body.mapping, await inTenant((ctx) => workspaceCountry(ctx)));
  const ids: string[] = [];
  const total = plan.candidates.length;
  onProgress(0, total);
  for (let at = 0; at < total; at += IMPORT_BATCH_ROWS) {
    const batch = plan.candidates.slice(at, at + IMPORT_BATCH_ROWS);
    ids.push(...(await inTenant((ctx) => storeCandidates(ctx, batch, body.dry_run))));
    onProgress(Math.min(at + IMPORT_BATCH_ROWS, total), total);
  }
  return resultOf(plan, body.dry_run, ids);
}

export const EXPORT_COLUMNS = ['id', 'name', 'phone', 'email', 'tags', 'lead_status', 'lead_score', 'lead_temperature', 'source', 'locale', 'address', 'notes', 'total_bookings', 'total_calls', 'total_spent', 'last_contact', 'created_at'] as const;

/** The filtered list as CSV (tags joined with ";", instants in ISO 8601 UTC), the import's own columns first. */
export async function exportContacts(ctx: Ctx, query: ContactFilterQuery): Promise<string> {
  const contacts = await allContacts(ctx, query, EXPORT_MAX_ROWS);
  return csvLines([[...EXPORT_COLUMNS], ...contacts.map((c) => csvRow(EXPORT_COLUMNS, c))]);
}

export { ContactFilterQuery };
