import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { exportConvex } from '../../src/apps/convex-export.ts';
import { seedDemo } from '../../src/apps/demo.ts';
import { systemClock } from '../../src/platform/clock.ts';
import { silentLogger } from '../../src/platform/log.ts';
import { describeEachDatabase } from '../support/db.ts';

// Seed 001's twelve tables and their indexes, as the plan lists them (camelCase there, snake_case here).
const SEED_001: Record<string, string[]> = {
  ari_destinations: ['by_workspace', 'by_workspace_country'],
  ari_payments: ['by_workspace', 'by_conversation', 'by_status'],
  ari_appointments: ['by_workspace', 'by_conversation', 'by_consultant'],
  ari_ai_comparison: ['by_workspace_model'],
  ari_flow_stages: ['by_workspace', 'by_workspace_order'],
  ari_knowledge_categories: ['by_workspace', 'by_workspace_order'],
  ari_knowledge_entries: ['by_workspace', 'by_category'],
  ari_scoring_config: ['by_workspace'],
  consultant_slots: ['by_workspace', 'by_workspace_day'],
  articles: ['by_workspace', 'by_workspace_slug', 'by_status'],
  webinars: ['by_workspace', 'by_workspace_slug', 'by_status', 'by_scheduled'],
  webinar_registrations: ['by_webinar', 'by_contact', 'by_workspace'],
};

interface JsonField {
  type: string;
  optional: boolean;
  table?: string;
}
type JsonSchema = Record<string, { fields: Record<string, JsonField>; indexes: { name: string; fields: string[] }[] }>;

/** An independent reading of schema.ts: its tables, each field's validator text, its indexes. */
function parseSchemaTs(text: string) {
  const tables: Record<string, { fields: Record<string, string>; indexes: Record<string, string[]> }> = {};
  let current: string | undefined;
  for (const line of text.split('\n')) {
    let m: RegExpExecArray | null;
    if ((m = /^ {2}(\w+): defineTable\(\{$/.exec(line))) tables[(current = m[1]!)] = { fields: {}, indexes: {} };
    else if (current && (m = /^ {4}(\w+): (v\.[\w.()]+\)),(?: \/\/ -> (\w+)\.supabaseId)?$/.exec(line))) tables[current]!.fields[m[1]!] = m[2]! + (m[3] ? ` ref ${m[3]}` : '');
    else if (current && (m = /^ {4}\.index\('(\w+)', \[(.*)\]\),?$/.exec(line))) tables[current]!.indexes[m[1]!] = m[2]!.split(', ').map((f) => f.slice(1, -1));
  }
  return tables;
}

const TS_OF: Record<string, string> = { string: 'v.string()', ref: 'v.string()', number: 'v.number()', boolean: 'v.boolean()', any: 'v.any()', 'string[]': 'v.array(v.string())' };

function fits(type: string, value: unknown): boolean {
  switch (type) {
    case 'string':
    case 'ref':
      return typeof value === 'string';
    case 'number':
      return typeof value === 'number' && Number.isFinite(value);
    case 'boolean':
      return typeof value === 'boolean';
    case 'string[]':
      return Array.isArray(value) && value.every((x) => typeof x === 'string');
    case 'any':
      return value !== undefined;
    default:
      return false;
  }
}

describeEachDatabase('export convex: schema.ts, schema.json and a JSONL file per table', (db) => {
  const dir = mkdtempSync(join(tmpdir(), 'frontdesk-convex-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  let workspaceId: string;
  let counts: Record<string, number>;

  beforeAll(async () => {
    workspaceId = (await seedDemo(db(), systemClock, { publicUrl: 'https://frontdesk.test' })).find((w) => w.slug === 'eagle-overseas')!.workspaceId;
    // A small page, so the export walks several pages of the bigger tables.
    counts = (await exportConvex({ db: db(), actor: { kind: 'system', workspaceId }, clock: systemClock, log: silentLogger(), pageSize: 3 }, dir)).tables;
  }, 300_000);

  it("writes seed 001's tables with their indexes, and schema.ts says what schema.json says", () => {
    const json = JSON.parse(readFileSync(join(dir, 'schema.json'), 'utf8')) as JsonSchema;
    const ts = readFileSync(join(dir, 'schema.ts'), 'utf8');
    expect(ts).toMatch(/^import \{ defineSchema, defineTable \} from 'convex\/server';$/m);
    expect(ts).toMatch(/^import \{ v \} from 'convex\/values';$/m);
    expect(ts).toMatch(/^export default defineSchema\(\{$/m);
    const parsed = parseSchemaTs(ts);
    expect(Object.keys(parsed)).toEqual(Object.keys(json));
    for (const [name, t] of Object.entries(json)) {
      const want = Object.fromEntries(
        Object.entries(t.fields).map(([f, d]) => [f, (d.optional ? `v.optional(${TS_OF[d.type]})` : TS_OF[d.type]) + (d.table ? ` ref ${d.table}` : '')]),
      );
      expect(parsed[name]!.fields, name).toEqual(want);
      expect(parsed[name]!.indexes, name).toEqual(Object.fromEntries(t.indexes.map((i) => [i.name, i.fields])));
      for (const i of t.indexes) for (const f of i.fields) expect(Object.keys(t.fields), `${name}.${i.name}`).toContain(f);
      for (const d of Object.values(t.fields)) if (d.table) expect(Object.keys(json)).toContain(d.table);
    }
    for (const [name, indexes] of Object.entries(SEED_001)) {
      expect(Object.keys(json), name).toContain(name);
      for (const i of indexes) expect(parsed[name]!.indexes, `${name}.${i}`).toHaveProperty(i);
    }
    expect(json.ari_payments!.fields.ari_conversation_id).toEqual({ type: 'ref', optional: false, table: 'ari_conversations' });
    expect(json.ari_destinations!.fields.requirements).toEqual({ type: 'any', optional: true });
  });

  it('writes every row in its fields and types, with every reference found in the table it names', () => {
    const json = JSON.parse(readFileSync(join(dir, 'schema.json'), 'utf8')) as JsonSchema;
    expect(readdirSync(dir).sort()).toEqual([...Object.keys(json).map((t) => `${t}.jsonl`), 'schema.json', 'schema.ts'].sort());
    const rows: Record<string, Record<string, unknown>[]> = {};
    for (const name of Object.keys(json)) {
      const text = readFileSync(join(dir, `${name}.jsonl`), 'utf8');
      rows[name] = text.split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
      expect(rows[name]!.length, name).toBe(counts[name]);
      if (text) expect(text.endsWith('\n')).toBe(true);
    }
    const ids = Object.fromEntries(Object.entries(rows).map(([n, rs]) => [n, new Set(rs.map((r) => r.supabaseId))]));
    const problems: string[] = [];
    let references = 0;
    for (const [name, rs] of Object.entries(rows)) {
      const fields = json[name]!.fields;
      expect(ids[name]!.size, `${name}: one row per uuid`).toBe(rs.length);
      for (const r of rs) {
        for (const key of Object.keys(r)) if (!(key in fields)) problems.push(`${name}: unknown field ${key}`);
        for (const [f, d] of Object.entries(fields)) {
          if (!(f in r)) {
            if (!d.optional) problems.push(`${name}.${f}: required, missing`);
            continue;
          }
          if (!fits(d.type, r[f])) problems.push(`${name}.${f}: ${JSON.stringify(r[f])} is not ${d.type}`);
          if (d.table) {
            references++;
            if (!ids[d.table]!.has(r[f])) problems.push(`${name}.${f}: ${String(r[f])} not in ${d.table}`);
          }
        }
        if (name !== 'workspaces' && r.workspace_id !== workspaceId) problems.push(`${name}: a row of another workspace`);
      }
    }
    expect(problems).toEqual([]);
    expect(rows.ari_payments!.filter((p) => 'gateway_response' in p)).toEqual([]);
    expect(rows.workspaces).toEqual([expect.objectContaining({ supabaseId: workspaceId, slug: 'eagle-overseas' })]);
    // The demo's ARI workspace fills every one of seed 001's tables; the references were really checked.
    expect(Object.keys(SEED_001).filter((t) => !counts[t]), JSON.stringify(counts)).toEqual([]);
    expect(references).toBeGreaterThan(50);
  });
});
