import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '..');
const SRC = join(ROOT, 'src');

function typescript(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? typescript(p) : p.endsWith('.ts') ? [p] : [];
  });
}

const isTest = (p: string) => p.endsWith('.test.ts') || p.startsWith('test/');
const sources = (dir: string) => typescript(dir).filter((p) => !isTest(relative(ROOT, p)));

/**
 * Every relative import of every file under src/ and test/ (tests and test support included),
 * as paths from the repository's root: `src/modules/contacts/index.ts`, `test/support/db.ts`.
 */
const allEdges = [...typescript(SRC), ...typescript(join(ROOT, 'test'))].flatMap((file) => {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/(?:import|export)[^'"]*?from\s+['"](\.[^'"]+)['"]|import\(\s*['"](\.[^'"]+)['"]\s*\)|import\s+['"](\.[^'"]+)['"]/g)].map((m) => ({
    from: relative(ROOT, file),
    to: relative(ROOT, resolve(dirname(file), m[1] ?? m[2] ?? m[3]!)),
  }));
});
/** What the product is made of: src/ without its tests. */
const edges = allEdges.filter((e) => e.from.startsWith('src/') && !isTest(e.from));
/** src/ with its tests: a test beside a module or an app is held to that module's or app's rules. */
const srcEdges = allEdges.filter((e) => e.from.startsWith('src/'));

/** Under src/: platform, modules, apps, cli, or the file's own name for the composition root's files. */
const layer = (p: string) => (p.startsWith('src/') ? p.split('/')[1] : undefined);
const moduleOf = (p: string) => (p.startsWith('src/modules/') ? p.split('/')[2] : undefined);
/** The files directly in src/ wire the modules and apps together; nothing below them imports them. */
const COMPOSITION_ROOT = readdirSync(SRC).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'));

// Known breaches of "one public face per module", each with why it is allowed and when it goes.
// Keep this list short (today it is empty) and remove an entry as soon as its cause is gone:
// the last test below fails on an entry that nothing needs any more.
const SECOND_FACES: { from: RegExp; to: string; why: string }[] = [];

// What an engine (modules/assistant/engines/*) may import besides platform/ and the other
// engines, each with why; the same stale check applies.
const ENGINE_REACH: { from: string; to: string; why: string }[] = [
  {
    from: 'src/modules/assistant/engines/amara/messages.ts',
    to: 'src/modules/scheduling/index.ts',
    why: "Amara says dates with scheduling's day and month names, spelled out once so every Node version writes the same words",
  },
];

it('keeps platform/ free of anything above it', () => {
  const bad = edges.filter((e) => layer(e.from) === 'platform' && layer(e.to) !== 'platform');
  expect(bad).toEqual([]);
});

it('keeps src/ free of test code: nothing under src/ imports test/ (or anything else outside src/)', () => {
  const bad = edges.filter((e) => !e.to.startsWith('src/'));
  expect(bad).toEqual([]);
});

it('keeps test-only files out of src/: every src/ file that tests import is also used by src/ itself', () => {
  const usedBySrc = new Set(edges.map((e) => e.to));
  const testOnly = [...new Set(allEdges.filter((e) => isTest(e.from) && e.to.startsWith('src/') && !isTest(e.to)).map((e) => e.to))].filter(
    (to) => !usedBySrc.has(to) && !['src/cli/main.ts'].includes(to),
  );
  expect(testOnly).toEqual([]);
});

it('keeps modules, their tests included, from importing apps/, cli/ or the composition root (such a test is a flow: test/flows/)', () => {
  const bad = srcEdges.filter((e) => moduleOf(e.from) && (['apps', 'cli'].includes(layer(e.to)!) || COMPOSITION_ROOT.includes(layer(e.to)!)));
  expect(bad).toEqual([]);
});

it("lets src/ reach a module only through its index.ts: from apps/, cli/, the composition root and other modules, tests included", () => {
  const bad = srcEdges.filter((e) => {
    const target = moduleOf(e.to);
    if (!target || moduleOf(e.from) === target || e.to === `src/modules/${target}/index.ts`) return false;
    return !SECOND_FACES.some((a) => a.from.test(e.from) && a.to === e.to);
  });
  expect(bad).toEqual([]);
});

it('keeps the modules free of import cycles: a module whose index is loaded first must not need its own exports half-evaluated', () => {
  // Type-only imports vanish at run time, so only value imports count. A cycle through the
  // modules' indexes leaves one of them undefined while the other evaluates (a schema built
  // from another module's schema throws on load), and only when a file imports them in that order.
  const needs = new Map<string, Set<string>>();
  for (const file of sources(SRC)) {
    const from = moduleOf(relative(ROOT, file));
    if (!from) continue;
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/^(?:import|export)(?!\s+type\b)[^;]*?from\s+['"](\.[^'"]+)['"]/gm)) {
      const to = moduleOf(relative(ROOT, resolve(dirname(file), m[1]!)));
      if (to && to !== from) needs.set(from, (needs.get(from) ?? new Set()).add(to));
    }
  }
  const cycles: string[] = [];
  const visit = (m: string, path: string[]) => {
    if (path.includes(m)) return void cycles.push([...path.slice(path.indexOf(m)), m].join(' -> '));
    if (path.length > needs.size) return;
    for (const next of needs.get(m) ?? []) visit(next, [...path, m]);
  };
  for (const m of needs.keys()) visit(m, []);
  expect([...new Set(cycles)]).toEqual([]);
});

it('gives every module its index.ts', () => {
  const modules = readdirSync(join(SRC, 'modules')).filter((m) => statSync(join(SRC, 'modules', m)).isDirectory());
  expect(modules.filter((m) => !sources(join(SRC, 'modules', m)).includes(join(SRC, 'modules', m, 'index.ts')))).toEqual([]);
});

const ENGINES = 'src/modules/assistant/engines/';
const engineOf = (p: string) => (p.startsWith(ENGINES) ? p.split('/')[4] : undefined);

it('keeps the assistant engines pure: each imports only itself, platform/ and the others through their index.ts', () => {
  const bad = edges.filter((e) => {
    const engine = engineOf(e.from);
    if (!engine || engineOf(e.to) === engine || layer(e.to) === 'platform') return false;
    if (engineOf(e.to)) return e.to !== `${ENGINES}${engineOf(e.to)}/index.ts`;
    return !ENGINE_REACH.some((a) => a.from === e.from && a.to === e.to);
  });
  expect(bad).toEqual([]);
});

it('finds the imports it checks, in src/, its tests and test/', () => {
  expect(edges.length).toBeGreaterThan(20);
  expect(srcEdges.filter((e) => isTest(e.from) && moduleOf(e.from)).length).toBeGreaterThan(20);
  expect(allEdges.filter((e) => e.from.startsWith('test/flows/')).length).toBeGreaterThan(5);
  expect(COMPOSITION_ROOT).toEqual(expect.arrayContaining(['http.ts', 'jobs.ts', 'main.ts', 'notify.ts']));
});

it('keeps no allow-list entry that nothing needs', () => {
  const unused = [
    ...SECOND_FACES.filter((a) => !srcEdges.some((e) => a.from.test(e.from) && a.to === e.to)),
    ...ENGINE_REACH.filter((a) => !srcEdges.some((e) => a.from === e.from && a.to === e.to)),
  ];
  expect(unused.map((a) => a.why)).toEqual([]);
});

// node:net's address arithmetic opens no connection (rate limits match proxies with it).
const ADDRESS_HELPERS = /import \{\s*(?:(?:BlockList|isIP|isIPv4|isIPv6)\s*,?\s*)+\} from ['"]node:net['"];/g;

it('sends every outbound request through platform/http/outbound.ts (issue 11: tenants choose some of the addresses)', () => {
  const OUTBOUND = 'platform/http/outbound.ts';
  const bad = sources(SRC).flatMap((file) => {
    const rel = relative(SRC, file);
    if (rel === OUTBOUND) return [];
    const text = readFileSync(file, 'utf8');
    const found: string[] = [];
    // The global fetch, another HTTP client, or raw sockets would skip the address check.
    if (/(?<![.\w])fetch\(|globalThis\.fetch/.test(text)) found.push('fetch(');
    if (/from\s+['"](undici|node:https?|https?|node:net|node:tls|node:dgram)['"]/.test(text.replace(/import type [^;]+;/g, '').replace(ADDRESS_HELPERS, ''))) found.push('a network module');
    // The model SDK brings its own fetch unless it is handed ours.
    if (/new OpenAI\(/.test(text) && !/new OpenAI\(\{[^}]*fetch: outboundFetch/.test(text)) found.push('new OpenAI( without fetch: outboundFetch');
    return found.map((f) => `${rel}: ${f}`);
  });
  expect(bad).toEqual([]);
});

// ---------------------------------------------------------------------------------------------
// One owner per table (issue 13, deliverable 1). docs/architecture.md's table "Who owns which
// table" is the source: the test reads it, so the document cannot drift from what is enforced.

type Access = 'read' | 'write';
interface TableUse { file: string; table: string; access: Access }

const DOCS = readFileSync(join(ROOT, 'docs/architecture.md'), 'utf8');
const OWNERS = new Map(
  [...DOCS.slice(DOCS.indexOf('## Who owns which table')).matchAll(/^\| `([a-z_.]+)` \| ([a-z]+) \|/gm)].map((m) => [m[1]!, m[2]!]),
);

/** Every table and view the generated Kysely types know (src/platform/db/schema.ts's `DB`). */
const SCHEMA = readFileSync(join(SRC, 'platform/db/schema.ts'), 'utf8');
const TABLES = [...SCHEMA.slice(SCHEMA.indexOf('export interface DB')).matchAll(/^\s+"?([a-z_.]+)"?:/gm)].map((m) => m[1]!);

/** Who a file speaks for: a module's name, `platform`, `apps/<app>`, `cli`, or `root`. */
function ownerOf(file: string): string {
  const [, top, sub] = file.split('/');
  if (top === 'modules') return sub!;
  if (top === 'platform') return 'platform';
  if (top === 'apps') return sub!.endsWith('.ts') ? 'apps' : `apps/${sub}`;
  return top === 'cli' ? 'cli' : 'root';
}

/**
 * The tables a source file names: Kysely's builders, and SQL keywords followed by a table's
 * name in raw SQL. Comments are dropped first, so prose about a table does not count.
 */
function tableUses(file: string, text: string): TableUse[] {
  const code = text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|\s)\/\/.*$/gm, '$1');
  const name = TABLES.map((t) => t.replace('.', '\\.')).join('|');
  const patterns: [RegExp, Access][] = [
    [new RegExp(`\\.(?:selectFrom|innerJoin|leftJoin|rightJoin|fullJoin)\\(\\s*\\[?\\s*['"](?:public\\.)?(${name})(?: as \\w+)?['"]`, 'g'), 'read'],
    [new RegExp(`\\.(?:insertInto|updateTable|deleteFrom|mergeInto|replaceInto)\\(\\s*['"](?:public\\.)?(${name})(?: as \\w+)?['"]`, 'g'), 'write'],
    [new RegExp(`\\b(?:insert\\s+into|update|delete\\s+from|merge\\s+into|truncate)\\s+(?:public\\.)?(${name})\\b(?!\\()`, 'gi'), 'write'],
    [new RegExp(`\\b(?:from|join)\\s+(?:public\\.)?(${name})\\b(?!\\()`, 'gi'), 'read'],
  ];
  return patterns.flatMap(([re, access]) => [...code.matchAll(re)].map((m) => ({ file, table: m[1]!, access })));
}

const TABLE_USES = sources(SRC)
  .map((p) => relative(ROOT, p))
  .filter((f) => f !== 'src/platform/db/schema.ts')
  .flatMap((f) => tableUses(f, readFileSync(join(ROOT, f), 'utf8')));

/**
 * Reviewed exceptions: a file outside a table's owner that may still name it in SQL, and why.
 * A `write` entry allows reads too. The last tests below fail on an entry, or a table in one,
 * that nothing needs any more.
 */
const FOREIGN_TABLES: { from: RegExp; tables: string[]; access: Access; why: string }[] = [
  // Where modules meet on purpose ---------------------------------------------------------------
  {
    from: /^src\/apps\/(?:[a-z]+\/)?(?:demo[a-z-]*|template)\.ts$/,
    tables: [
      'amara_conversations', 'amara_messages', 'analytics', 'ari_ai_comparison', 'ari_appointments', 'ari_config', 'ari_conversations', 'ari_destinations',
      'ari_flow_stages', 'ari_knowledge_categories', 'ari_knowledge_entries', 'ari_messages', 'ari_payments', 'ari_scoring_config', 'articles', 'auth.users',
      'bookings', 'calls', 'channel_accounts', 'channel_inbox', 'closed_dates', 'consultant_slots', 'contact_channel_windows', 'contacts',
      'conversation_note_mentions', 'conversation_notes', 'conversations', 'faqs', 'guest_sessions', 'integration_webhooks', 'integrations', 'lead_history',
      'messages', 'outbox', 'platform_events', 'saved_replies', 'service_areas', 'services', 'sms_messages', 'staff_notification_preferences', 'staff_notifications', 'system_prompts', 'webhook_events',
      'webhook_attempts', 'webhook_deliveries', 'webhook_endpoints', 'webinar_registrations', 'webinars', 'workspace_members', 'workspaces',
    ],
    access: 'write',
    why: "a product's template and demo data insert a new workspace's starting rows (and the demo's history, dated in the past) as the system, once; they hold no rules",
  },
  {
    from: /^src\/modules\/analytics\/analytics\.repo\.ts$/,
    tables: ['amara_conversations', 'ari_ai_comparison', 'ari_conversations', 'ari_payments', 'bookings', 'calls', 'conversations', 'lead_history', 'sms_messages'],
    access: 'read',
    why: 'each report is one aggregate query over the rows it counts; reports write nothing',
  },
  {
    from: /^src\/modules\/(?:scheduling\/scheduling|payments\/payments)\.repo\.ts$/,
    tables: ['ari_conversations'],
    access: 'read',
    why: "seed 000 keys appointments and payments by the assistant's conversation, so their contact is read through it in the same statement",
  },
  {
    from: /^src\/modules\/scheduling\/scheduling\.repo\.ts$/,
    tables: ['workspaces'],
    access: 'read',
    why: "the reminders job finds the workspaces with notices due in one statement across tenants, reading each one's lead time from its settings",
  },
  {
    from: /^src\/platform\/db\/transfer\.ts$/,
    tables: ['auth.users'],
    access: 'write',
    why: "moving a workspace between installations copies every row of the tenant, found in the catalog, with the accounts its rows point at; as the database's owner, like a migration",
  },
  {
    from: /^src\/platform\/db\/transfer\.ts$/,
    tables: ['workspaces'],
    access: 'read',
    why: 'the export finds the workspace by id or slug and the import refuses one that is already there',
  },
  {
    from: /^src\/apps\/import\/supabase\.ts$/,
    tables: ['ari_appointments', 'ari_conversations', 'ari_destinations', 'ari_messages', 'ari_payments', 'bookings', 'calls', 'conversations', 'faqs', 'messages', 'sms_messages', 'system_prompts'],
    access: 'write',
    why: "importing a seed product's database copies its rows as they were (ids derived from the source's, so a second run adds nothing), as the system in one tenant transaction with each table's checks and triggers; the owners' services create new things with rules (slots, notices, sends) an old row must not go through. Contacts are found or made and threads opened through their modules; only the imported threads' last_message_at is set here",
  },
  {
    from: /^src\/modules\/assistant\/comparison\.ts$/,
    tables: ['workspaces', 'ari_payments'],
    access: 'read',
    why: "the model comparison is one aggregate statement across tenants: each workspace's time zone for its days, each conversation's first successful payment for its conversions",
  },
];

const foreignUses = TABLE_USES.filter((u) => OWNERS.get(u.table) !== ownerOf(u.file));
const excused = (u: TableUse) =>
  FOREIGN_TABLES.some((x) => x.from.test(u.file) && x.tables.includes(u.table) && (x.access === 'write' || u.access === 'read'));

it('names an owner in docs/architecture.md for every table and view, and only for real ones', () => {
  expect(TABLES.filter((t) => !OWNERS.has(t))).toEqual([]);
  expect([...OWNERS.keys()].filter((t) => !TABLES.includes(t))).toEqual([]);
});

it('keeps every table to its owner: no other module or app writes it, nor reads it outside the reviewed exceptions', () => {
  const bad = foreignUses.filter((u) => !excused(u)).map((u) => `${u.file} ${u.access}s ${u.table} (owner: ${OWNERS.get(u.table)})`);
  expect([...new Set(bad)]).toEqual([]);
});

it('finds the tables it checks, in Kysely calls and raw SQL alike', () => {
  expect(TABLES.length).toBeGreaterThan(50);
  expect(tableUses('x', "tx.db.insertInto('contacts').values(v); tx.db.selectFrom('messages as m')")).toEqual(expect.arrayContaining([
    { file: 'x', table: 'contacts', access: 'write' },
    { file: 'x', table: 'messages', access: 'read' },
  ]));
  expect(tableUses('x', "tx.query(`update public.outbox set x = 1 from conversations c`) // from calls")).toEqual(expect.arrayContaining([
    { file: 'x', table: 'outbox', access: 'write' },
    { file: 'x', table: 'conversations', access: 'read' },
  ]));
  expect(TABLE_USES.filter((u) => u.access === 'write').length).toBeGreaterThan(30);
});

it('keeps no table exception that nothing needs', () => {
  const unused = FOREIGN_TABLES.flatMap((x) =>
    x.tables.filter((t) => !foreignUses.some((u) => x.from.test(u.file) && u.table === t && (x.access === 'read' || u.access === 'write'))).map((t) => `${x.from} ${x.access} ${t}`),
  );
  expect(unused).toEqual([]);
});
