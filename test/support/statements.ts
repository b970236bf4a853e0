// Recording every statement the product sends, and deciding from PostgreSQL's own plans
// whether each one is routable to one Citus shard: every tenant table it reads or writes
// has `workspace_id` pinned to a single value. The plan is the judge, not the text: the
// planner has already expanded views, pushed join equalities through (`m.workspace_id =
// t.workspace_id and t.workspace_id = $1` pins both) and put the insert's values in column
// order, which a text or AST reading would have to redo.
import type { Database, Tx } from '../../src/platform/db/database.ts';
import { kyselyOn } from '../../src/platform/db/kysely.ts';
import type { SqlConnection } from '../../src/platform/db/connection.ts';
import type { DB } from '../../src/platform/db/schema.ts';

export interface Recorded {
  sql: string;
  params: readonly unknown[] | undefined;
}

/**
 * `db` with every statement recorded: the transactions' raw and Kysely statements, and the
 * infrastructure's `execute` (the job queue). The tests' own reads use the unwrapped `db`.
 */
export function recording(db: Database): { db: Database; statements: Recorded[]; pause<T>(fn: () => Promise<T>): Promise<T> } {
  const statements: Recorded[] = [];
  let paused = 0;
  const record = (sql: string, params?: readonly unknown[]) => {
    if (!paused) statements.push({ sql, params });
  };
  const wrapConn = (tx: Tx): SqlConnection => ({
    query(sql, params) {
      record(sql, params);
      return tx.query(sql, params);
    },
    exec(sql) {
      record(sql, undefined);
      return tx.exec(sql);
    },
  });
  const wrapped: Database = {
    kind: db.kind,
    location: db.location,
    transaction: (fn) =>
      db.transaction((tx) => {
        const conn = wrapConn(tx);
        return fn({ ...conn, db: kyselyOn<DB>(conn) });
      }),
    exec(sql) {
      record(sql, undefined);
      return db.exec(sql);
    },
    execute(sql, params) {
      record(sql, params);
      return db.execute(sql, params);
    },
    listen: (channel, onPayload) => db.listen(channel, onPayload),
    close: () => db.close(),
  };
  return {
    db: wrapped,
    statements,
    /** Runs fixture work through the product (a helper that takes a Database) without recording it. */
    async pause(fn) {
      paused++;
      try {
        return await fn();
      } finally {
        paused--;
      }
    },
  };
}

export type Verdict =
  /** Transaction control, settings, locks, LISTEN: no table. */
  | 'utility'
  /** Reads or writes only tables without workspace_id (reference or coordinator-local on Citus). */
  | 'global'
  /** Every tenant table it touches has workspace_id = one value. */
  | 'pinned'
  /** Pinned, but an insert's workspace_id comes from its column default (app.current_workspace_id()). */
  | 'pinned-by-default'
  /** Touches a tenant table without pinning workspace_id. */
  | 'unpinned'
  /** Calls a database function that reads or writes tenant tables (reviewed with the functions). */
  | 'function'
  /** EXPLAIN refused it (reported, never silently counted as pinned). */
  | 'unexplained';

export interface Judged {
  sql: string;
  count: number;
  verdict: Verdict;
  /** Tenant tables touched, and those not pinned. */
  tenantTables: string[];
  unpinnedTables: string[];
  note?: string;
}

export interface Catalog {
  /** schema.table -> attnum of workspace_id, for every table that has the column. */
  tenantTables: Map<string, number>;
  /** Functions (schema.name) whose body names a tenant table, outside the tenancy helpers. */
  tenantFunctions: Set<string>;
}

export async function readCatalog(tx: Tx): Promise<Catalog> {
  const tables = await tx.query<{ name: string; attnum: number }>(
    `select n.nspname || '.' || c.relname as name, a.attnum::int as attnum
       from pg_class c join pg_namespace n on n.oid = c.relnamespace
       join pg_attribute a on a.attrelid = c.oid and a.attname = 'workspace_id' and not a.attisdropped
      where c.relkind in ('r', 'p') and n.nspname not in ('pg_catalog', 'information_schema')`,
  );
  const tenantTables = new Map(tables.rows.map((r) => [r.name, r.attnum]));
  const fns = await tx.query<{ name: string; src: string }>(
    `select n.nspname || '.' || p.proname as name, p.prosrc as src
       from pg_proc p join pg_namespace n on n.oid = p.pronamespace
      where n.nspname in ('public', 'app', 'auth') and p.prokind = 'f'`,
  );
  const bare = [...tenantTables.keys()].map((t) => t.split('.')[1]!);
  const tenantFunctions = new Set(
    fns.rows
      .filter((f) => bare.some((t) => new RegExp(`\\b(from|join|into|update)\\s+(public\\.)?${t}\\b`, 'i').test(f.src)))
      .map((f) => f.name),
  );
  return { tenantTables, tenantFunctions };
}

/** One statement's shape: whitespace collapsed, so the same statement from two call sites counts once. */
export const normalize = (sql: string) => sql.replace(/\s+/g, ' ').trim();

const EXPLAINABLE = /^\s*(\(?\s*select|insert|update|delete|with|values|merge|table)\b/i;

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  Schema?: string;
  Alias?: string;
  Operation?: string;
  Output?: string[];
  Plans?: PlanNode[];
  [k: string]: unknown;
}

const CONDITIONS = ['Index Cond', 'Recheck Cond', 'Filter', 'TID Cond', 'Join Filter', 'Hash Cond', 'Merge Cond'];

function* nodes(node: PlanNode): Generator<PlanNode> {
  yield node;
  for (const child of node.Plans ?? []) yield* nodes(child);
}

const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\"]/g, '\\$&');
/** `alias.workspace_id = <constant or parameter>` either way round. */
const pinnedBy = (alias: string, cond: string) => {
  const col = `(?:"?${esc(alias)}"?\\.)?workspace_id`;
  const value = `(?:'[^']*'::uuid|\\$\\d+|\\(\\$\\d+\\)::uuid)`;
  return new RegExp(`(?:^|[(\\s])${col} = ${value}`).test(cond) || new RegExp(`${value} = ${col}(?:$|[)\\s])`).test(cond);
};

/** The conditions that constrain one scan: its own, and for a bitmap heap scan its index scans'. */
function conditionsOf(scan: PlanNode): string[] {
  const out: string[] = [];
  for (const n of nodes(scan)) {
    if (n !== scan && n['Relation Name']) continue;
    if (n !== scan && !n['Node Type'].startsWith('Bitmap')) continue;
    for (const k of CONDITIONS) if (typeof n[k] === 'string') out.push(n[k] as string);
  }
  return out;
}

/** Judges one statement from its plan. */
export function judgePlan(plan: PlanNode, catalog: Catalog): Omit<Judged, 'sql' | 'count'> {
  const all = [...nodes(plan)];
  const tenantTables = new Set<string>();
  const unpinned = new Set<string>();
  let byDefault = false;
  const pinnedAliases = new Set<string>();
  const scans = all.filter((n) => n['Relation Name'] && n['Node Type'] !== 'ModifyTable');
  // Scans pinned by their own conditions first; then those joined on workspace_id to a pinned one.
  const open: PlanNode[] = [];
  for (const s of scans) {
    const name = `${s.Schema}.${s['Relation Name']}`;
    if (!catalog.tenantTables.has(name)) continue;
    tenantTables.add(name);
    if (conditionsOf(s).some((c) => pinnedBy(s.Alias ?? s['Relation Name']!, c))) pinnedAliases.add(s.Alias ?? s['Relation Name']!);
    else open.push(s);
  }
  const joinConds = all.flatMap((n) => CONDITIONS.map((k) => n[k]).filter((v): v is string => typeof v === 'string'));
  let progress = true;
  while (progress && open.length) {
    progress = false;
    for (let i = open.length - 1; i >= 0; i--) {
      const a = open[i]!.Alias ?? open[i]!['Relation Name']!;
      const joined = [...pinnedAliases].some((p) =>
        joinConds.some((c) => c.includes(`${a}.workspace_id = ${p}.workspace_id`) || c.includes(`${p}.workspace_id = ${a}.workspace_id`)),
      );
      if (joined) {
        pinnedAliases.add(a);
        open.splice(i, 1);
        progress = true;
      }
    }
  }
  for (const s of open) unpinned.add(`${s.Schema}.${s['Relation Name']}`);
  // Inserts: the workspace_id the new rows get, from the planned target list (in attribute order).
  for (const m of all.filter((n) => n['Node Type'] === 'ModifyTable')) {
    const name = `${m.Schema}.${m['Relation Name']}`;
    const attnum = catalog.tenantTables.get(name);
    if (attnum === undefined) continue;
    tenantTables.add(name);
    if (m.Operation !== 'Insert') continue; // an update's or delete's own scan was judged above
    const source = m.Plans?.find((p) => p['Parent Relationship'] === 'Outer' || !p['Parent Relationship']) ?? m.Plans?.[0];
    const value = source?.Output?.[attnum - 1] ?? '';
    if (/^'[^']*'::uuid$|^\$\d+$|^\(\$\d+\)::uuid$/.test(value)) continue;
    if (/(current|claimed)_workspace_id\(\)/.test(value)) {
      byDefault = true;
      continue;
    }
    if (/^"\*VALUES\*"\.column\d+$/.test(value)) continue; // several rows, each routed by its own value
    // INSERT ... SELECT: the value comes from a scan, pinned (or not) above.
    if (/^[\w"]+\.workspace_id$/.test(value) && scans.length) continue;
    unpinned.add(`${name} (inserted workspace_id: ${value || 'unknown'})`);
  }
  const verdict: Verdict = unpinned.size ? 'unpinned' : !tenantTables.size ? 'global' : byDefault ? 'pinned-by-default' : 'pinned';
  return { verdict, tenantTables: [...tenantTables].sort(), unpinnedTables: [...unpinned].sort() };
}

/** Judges every distinct recorded statement with EXPLAIN (VERBOSE) on `db`, as its owner (no row-level security). */
export async function judgeStatements(db: Database, recorded: Recorded[]): Promise<Judged[]> {
  const catalog = await db.transaction(readCatalog);
  const distinct = new Map<string, { first: Recorded; count: number }>();
  for (const r of recorded) {
    const key = normalize(r.sql);
    const seen = distinct.get(key);
    if (seen) seen.count++;
    else distinct.set(key, { first: r, count: 1 });
  }
  const out: Judged[] = [];
  for (const [sql, { first, count }] of distinct) {
    const calls = [...sql.matchAll(/\b(public|app|auth)\.(\w+)\s*\(/g)].map((m) => `${m[1]}.${m[2]}`).filter((f) => catalog.tenantFunctions.has(f));
    if (!EXPLAINABLE.test(sql)) {
      out.push({ sql, count, verdict: 'utility', tenantTables: [], unpinnedTables: [] });
      continue;
    }
    try {
      const plan = await db.transaction(async (tx) => {
        const r = await tx.query<{ 'QUERY PLAN': [{ Plan: PlanNode }] }>(`explain (verbose, format json) ${first.sql}`, first.params);
        return r.rows[0]!['QUERY PLAN'][0].Plan;
      });
      const judged = judgePlan(plan, catalog);
      if (calls.length && judged.verdict !== 'unpinned') out.push({ sql, count, ...judged, verdict: 'function', note: `calls ${[...new Set(calls)].join(', ')}` });
      else out.push({ sql, count, ...judged });
    } catch (e) {
      out.push({ sql, count, verdict: 'unexplained', tenantTables: [], unpinnedTables: [], note: (e as Error).message });
    }
  }
  return out;
}
