import { once } from 'node:events';
import { createWriteStream, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ASSISTANT_ROWS_TABLES, assistantRowsPage, type AssistantRowsTable } from '../modules/assistant/index.ts';
import { contactsRowsPage } from '../modules/contacts/index.ts';
import { KNOWLEDGE_ROWS_TABLES, knowledgeRowsPage, type KnowledgeRowsTable } from '../modules/knowledge/index.ts';
import { paymentsRowsPage } from '../modules/payments/index.ts';
import { SCHEDULING_ROWS_TABLES, schedulingRowsPage, type SchedulingRowsTable } from '../modules/scheduling/index.ts';
import { getWorkspace } from '../modules/tenancy/index.ts';
import type { Ctx } from '../platform/context.ts';
import { AppError } from '../platform/errors.ts';
import { withTenant } from '../platform/db/tenant.ts';
import { allPages, type Page } from '../platform/pages.ts';
import type { ExportRun } from './exports.ts';

/**
 * `frontdesk export convex`: a workspace as the Convex deployment of seeds 001–002 would hold it.
 * Writes schema.ts (seed 001's tables, fields and indexes, in snake_case), schema.json (the same
 * definitions, machine-readable; schema.ts is rendered from it) and one JSON Lines file per table
 * in the shape `npx convex import --table T FILE.jsonl` takes.
 *
 * Ids: Convex makes its own `_id` on import and cannot be given one, so every row carries its
 * Frontdesk uuid in `supabaseId` (the field seed 001 added for exactly this) and every reference
 * (`workspace_id`, `contact_id`, …) holds the referenced row's uuid. In schema.ts those fields are
 * therefore `v.string()`, not seed 001's `v.id(...)`: an import validated against `v.id` would
 * refuse a uuid. A migration after import can swap them for ids through the `by_supabase_id` indexes.
 */

type Scalar = 'string' | 'number' | 'boolean' | 'any' | 'string[]';
export interface ConvexField {
  type: Scalar | 'ref';
  optional: boolean;
  /** For a reference: the table whose `supabaseId` it holds. */
  table?: string;
}
export interface ConvexTable {
  fields: Record<string, ConvexField>;
  indexes: { name: string; fields: string[] }[];
}
export type ConvexSchema = Record<string, ConvexTable>;

/** Field lines as `name[?]: type` or `name[?]: ref table`; indexes as `name: field,field`. */
function table(fields: string[], indexes: string[]): ConvexTable {
  const out: ConvexTable = { fields: { supabaseId: { type: 'string', optional: false } }, indexes: [] };
  for (const line of fields) {
    const m = /^(\w+)(\?)?: (ref (\w+)|string\[\]|string|number|boolean|any)$/.exec(line);
    if (!m) throw new Error(`bad field line: ${line}`);
    out.fields[m[1]!] = m[4] ? { type: 'ref', optional: !!m[2], table: m[4] } : { type: m[3] as Scalar, optional: !!m[2] };
  }
  for (const line of [...indexes, 'by_supabase_id: supabaseId']) {
    const [name, list] = line.split(': ') as [string, string];
    out.indexes.push({ name, fields: list.split(',') });
  }
  return out;
}

const stamps = ['created_at: number', 'updated_at: number'];
const ws = 'workspace_id: ref workspaces';

/**
 * The tables, referenced ones first. workspaces, contacts and ari_conversations are the core
 * tables seed 001's references point at (defined before it, in phase 3); the other twelve are
 * seed 001's own, field for field.
 */
export const CONVEX_SCHEMA: ConvexSchema = {
  workspaces: table(['name: string', 'slug: string', 'time_zone: string', 'locale: string', 'currency: string', 'country: string', ...stamps], ['by_slug: slug']),
  contacts: table(
    [ws, 'name?: string', 'phone?: string', 'email?: string', 'lead_score: number', 'lead_status: string', 'lead_temperature?: string', 'tags: string[]', 'source?: string', 'notes?: string', 'created_at?: number', 'updated_at?: number'],
    ['by_workspace: workspace_id', 'by_workspace_phone: workspace_id,phone'],
  ),
  ari_conversations: table(
    [ws, 'contact_id: ref contacts', 'state: string', 'lead_score: number', 'lead_temperature?: string', 'ai_model?: string', 'context?: any', 'handoff_at?: number', 'handoff_reason?: string', ...stamps],
    ['by_workspace: workspace_id', 'by_contact: contact_id'],
  ),
  ari_destinations: table(
    [ws, 'country: string', 'city?: string', 'university_name: string', 'requirements?: any', 'programs?: string[]', 'is_promoted: boolean', 'priority: number', 'notes?: string', ...stamps],
    ['by_workspace: workspace_id', 'by_workspace_country: workspace_id,country'],
  ),
  ari_payments: table(
    ['ari_conversation_id: ref ari_conversations', ws, 'amount: number', 'currency: string', 'payment_method?: string', 'gateway: string', 'gateway_transaction_id?: string', 'gateway_response?: any', 'status: string', 'expires_at?: number', 'paid_at?: number', ...stamps],
    ['by_workspace: workspace_id', 'by_conversation: ari_conversation_id', 'by_status: status'],
  ),
  ari_appointments: table(
    ['ari_conversation_id: ref ari_conversations', ws, 'payment_id?: ref ari_payments', 'consultant_id?: string', 'scheduled_at: number', 'duration_minutes: number', 'meeting_link?: string', 'status: string', 'reminder_sent_at?: number', 'notes?: string', ...stamps],
    ['by_workspace: workspace_id', 'by_conversation: ari_conversation_id', 'by_consultant: consultant_id'],
  ),
  ari_ai_comparison: table(
    [ws, 'ai_model: string', 'conversation_count: number', 'avg_response_time_ms?: number', 'total_tokens_used: number', 'conversion_count: number', 'satisfaction_score?: number', 'period_start?: number', 'period_end?: number', ...stamps],
    ['by_workspace_model: workspace_id,ai_model'],
  ),
  ari_flow_stages: table(
    [ws, 'name: string', 'goal: string', 'sample_script?: string', 'exit_criteria?: string', 'stage_order: number', 'is_active: boolean', ...stamps],
    ['by_workspace: workspace_id', 'by_workspace_order: workspace_id,stage_order'],
  ),
  ari_knowledge_categories: table(
    [ws, 'name: string', 'description?: string', 'display_order: number', ...stamps],
    ['by_workspace: workspace_id', 'by_workspace_order: workspace_id,display_order'],
  ),
  ari_knowledge_entries: table(
    [ws, 'category_id?: ref ari_knowledge_categories', 'title: string', 'content: string', 'is_active: boolean', ...stamps],
    ['by_workspace: workspace_id', 'by_category: category_id'],
  ),
  ari_scoring_config: table(
    [ws, 'hot_threshold: number', 'warm_threshold: number', 'weight_basic: number', 'weight_qualification: number', 'weight_document: number', 'weight_engagement: number', ...stamps],
    ['by_workspace: workspace_id'],
  ),
  consultant_slots: table(
    [ws, 'consultant_id?: string', 'day_of_week: number', 'start_time: string', 'end_time: string', 'duration_minutes: number', 'booking_window_days: number', 'max_bookings_per_slot: number', 'is_active: boolean', ...stamps],
    ['by_workspace: workspace_id', 'by_workspace_day: workspace_id,day_of_week'],
  ),
  articles: table(
    [ws, 'title: string', 'slug: string', 'excerpt?: string', 'content?: string', 'cover_image_url?: string', 'status: string', 'published_at?: number', ...stamps],
    ['by_workspace: workspace_id', 'by_workspace_slug: workspace_id,slug', 'by_status: status'],
  ),
  webinars: table(
    [ws, 'title: string', 'slug: string', 'description?: string', 'cover_image_url?: string', 'scheduled_at: number', 'duration_minutes: number', 'meeting_url?: string', 'max_registrations?: number', 'status: string', 'published_at?: number', ...stamps],
    ['by_workspace: workspace_id', 'by_workspace_slug: workspace_id,slug', 'by_status: status', 'by_scheduled: scheduled_at'],
  ),
  webinar_registrations: table(
    ['webinar_id: ref webinars', 'contact_id: ref contacts', ws, 'registered_at: number', 'attended: boolean'],
    ['by_webinar: webinar_id', 'by_contact: contact_id', 'by_workspace: workspace_id'],
  ),
};
export const CONVEX_TABLES = Object.keys(CONVEX_SCHEMA);

const validator = (f: ConvexField): string => {
  const base = f.type === 'ref' || f.type === 'string' ? 'v.string()' : f.type === 'string[]' ? 'v.array(v.string())' : `v.${f.type}()`;
  return f.optional ? `v.optional(${base})` : base;
};

/** schema.ts's text, rendered from the definitions (the same ones written to schema.json). */
export function renderSchemaTs(schema: ConvexSchema): string {
  const lines = [
    '// Written by `frontdesk export convex` from schema.json beside it (seed 001\'s tables, snake_case).',
    '// References hold the referenced row\'s Frontdesk uuid (its `supabaseId`), not a Convex id: see docs/operations.md.',
    "import { defineSchema, defineTable } from 'convex/server';",
    "import { v } from 'convex/values';",
    '',
    'export default defineSchema({',
  ];
  for (const [name, t] of Object.entries(schema)) {
    lines.push(`  ${name}: defineTable({`);
    for (const [field, f] of Object.entries(t.fields)) lines.push(`    ${field}: ${validator(f)},${f.table ? ` // -> ${f.table}.supabaseId` : ''}`);
    lines.push('  })');
    for (const i of t.indexes) lines.push(`    .index('${i.name}', [${i.fields.map((x) => `'${x}'`).join(', ')}])`);
    lines[lines.length - 1] += ',';
  }
  lines.push('});', '');
  return lines.join('\n');
}

type Row = Record<string, unknown>;

/** A Frontdesk value as the Convex field holds it: instants as epoch milliseconds, numerics as numbers. */
function convexValue(table: string, field: string, f: ConvexField, value: unknown): unknown {
  if (value === null || value === undefined) return undefined;
  const bad = () => new AppError('convex_export.value', 'invalid', `${table}.${field} holds a value Convex's ${f.type} cannot take`, { table, field });
  switch (f.type) {
    case 'number': {
      // A numeric column arrives as a string ("4.5"); an instant as a Date (or its text, from some drivers).
      const n = value instanceof Date ? value.getTime() : typeof value === 'string' && !/^-?\d+(\.\d+)?$/.test(value) ? Date.parse(value) : Number(value);
      if (!Number.isFinite(n)) throw bad();
      return n;
    }
    case 'boolean':
      if (typeof value !== 'boolean') throw bad();
      return value;
    case 'string':
    case 'ref':
      return value instanceof Date ? value.toISOString() : String(value);
    case 'string[]':
      if (!Array.isArray(value)) throw bad();
      return value.map(String);
    case 'any':
      return value;
  }
}

/**
 * Optional fields of seed 001 left empty: the gateway's raw response may carry its tokens, and
 * an export leaves the product (the CSV exports leave it out for the same reason).
 */
const WITHHELD: Record<string, string[]> = { ari_payments: ['gateway_response'] };

/** A row in the table's fields only (never a column seed 001 does not have: tokens, secrets). */
export function toConvexRow(tableName: string, row: Row): Row {
  const t = CONVEX_SCHEMA[tableName]!;
  const out: Row = {};
  for (const [field, f] of Object.entries(t.fields)) {
    if (WITHHELD[tableName]?.includes(field)) continue;
    const value = convexValue(tableName, field, f, field === 'supabaseId' ? row.id : row[field]);
    if (value === undefined) {
      if (!f.optional) throw new AppError('convex_export.missing', 'invalid', `${tableName}.${field} is required in Convex but empty`, { table: tableName, field, id: row.id });
      continue;
    }
    out[field] = value;
  }
  return out;
}

type Query = { cursor?: string | undefined; limit: number };
function pageOf(ctx: Ctx, name: string, q: Query): Promise<Page<Row>> {
  if (name === 'contacts') return contactsRowsPage(ctx, 'contacts', q);
  if (name === 'ari_payments') return paymentsRowsPage(ctx, 'ari_payments', q);
  if ((KNOWLEDGE_ROWS_TABLES as string[]).includes(name)) return knowledgeRowsPage(ctx, name as KnowledgeRowsTable, q);
  if ((ASSISTANT_ROWS_TABLES as string[]).includes(name)) return assistantRowsPage(ctx, name as AssistantRowsTable, q);
  if ((SCHEDULING_ROWS_TABLES as string[]).includes(name)) return schedulingRowsPage(ctx, name as SchedulingRowsTable, q);
  throw new Error(`no reader for ${name}`);
}

export interface ConvexExportResult {
  dir: string;
  tables: Record<string, number>;
}

/** Writes the export into `dir` (made if missing); each file goes through a `.partial` renamed when whole. */
export async function exportConvex(run: ExportRun, dir: string): Promise<ConvexExportResult> {
  mkdirSync(dir, { recursive: true });
  const inTenant = <T>(fn: (ctx: Ctx) => Promise<T>) => withTenant(run.db, run.actor, (tx) => fn({ tx, actor: run.actor, clock: run.clock, log: run.log }));
  const limit = run.pageSize ?? 500;
  const counts: Record<string, number> = {};
  for (const name of CONVEX_TABLES) {
    const pages: AsyncIterable<Row[]> =
      name === 'workspaces'
        ? (async function* () {
            yield [await inTenant((ctx) => getWorkspace(ctx)) as Row];
          })()
        : allPages((cursor) => inTenant((ctx) => pageOf(ctx, name, { cursor, limit })));
    const path = join(dir, `${name}.jsonl`);
    const file = createWriteStream(`${path}.partial`);
    let n = 0;
    try {
      for await (const rows of pages) {
        const text = rows.map((r) => `${JSON.stringify(toConvexRow(name, r))}\n`).join('');
        n += rows.length;
        if (!file.write(text)) await once(file, 'drain');
      }
      await new Promise<void>((resolve, reject) => file.end((e?: Error | null) => (e ? reject(e) : resolve())));
      renameSync(`${path}.partial`, path);
    } catch (e) {
      file.destroy();
      rmSync(`${path}.partial`, { force: true });
      throw e;
    }
    counts[name] = n;
  }
  writeFileSync(join(dir, 'schema.json'), `${JSON.stringify(CONVEX_SCHEMA, null, 2)}\n`);
  writeFileSync(join(dir, 'schema.ts'), renderSchemaTs(CONVEX_SCHEMA));
  return { dir, tables: counts };
}
