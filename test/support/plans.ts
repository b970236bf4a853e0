/**
 * What the planner does with the statements a product code path sends: run the path in a
 * tenant transaction, record every statement (text and parameters) it sends, and EXPLAIN
 * (FORMAT JSON) each one. Statements inside the SQL functions a path calls (the funnel, the
 * availability inputs, the contact search) do not show in the caller's plan; on a PostgreSQL
 * server they are captured too, through auto_explain (JSON plans sent back to the client as
 * notices), which needs a superuser connection (the tests' and benchmarks' own server).
 */
import type pg from 'pg';
import { fixedClock, type Clock } from '../../src/platform/clock.ts';
import type { Ctx } from '../../src/platform/context.ts';
import type { Database, Tx } from '../../src/platform/db/database.ts';
import { kyselyOn } from '../../src/platform/db/kysely.ts';
import type { DB } from '../../src/platform/db/schema.ts';
import { withTenant, type Actor } from '../../src/platform/db/tenant.ts';
import { silentLogger } from '../../src/platform/log.ts';

/** One relation a plan reads, how, and through which index. */
export interface Scan {
  node: string;
  relation: string | undefined;
  index: string | undefined;
  /** Whether the index is searched by a condition (not only read whole, in its order). */
  cond: boolean;
}

export interface StatementPlan {
  /** Where the plan comes from: the statement the code sent, or a statement inside a function it called. */
  source: 'sent' | 'nested';
  sql: string;
  scans: Scan[];
}

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Name'?: string;
  'Index Cond'?: string;
  'Recheck Cond'?: string;
  Plans?: PlanNode[];
}

export function scansOf(node: PlanNode, out: Scan[] = [], parent?: string): Scan[] {
  // A Bitmap Index Scan names its index only; the Bitmap Heap Scan above it names the table.
  const relation = node['Relation Name'] ?? (node['Node Type'] === 'Bitmap Index Scan' ? parent : undefined);
  if (relation !== undefined || node['Index Name'] !== undefined) {
    out.push({
      node: node['Node Type'],
      relation,
      index: node['Index Name'],
      cond: node['Index Cond'] !== undefined || node['Node Type'] === 'Bitmap Index Scan',
    });
  }
  const inherited = node['Node Type'] === 'Bitmap Heap Scan' ? node['Relation Name'] : node['Node Type'].startsWith('Bitmap') ? parent : undefined;
  for (const child of node.Plans ?? []) scansOf(child, out, inherited);
  return out;
}

/** A connection that records what passes through it, as a Tx the product's code takes. */
function recording(tx: Tx, sent: { sql: string; params: readonly unknown[] }[]): Tx {
  const conn = {
    async query<R>(sql: string, params?: readonly unknown[]) {
      sent.push({ sql, params: params ?? [] });
      return tx.query<R>(sql, params);
    },
    exec: (sql: string) => tx.exec(sql),
  };
  return { ...conn, db: kyselyOn<DB>(conn) };
}

/** Notices from the pool's connections, as they come. */
function noticesOf(pool: pg.Pool): { take(): string[]; stop(): void } {
  let got: string[] = [];
  const seen = new WeakSet<pg.PoolClient>();
  const onNotice = (n: { message?: string }) => {
    if (n.message) got.push(n.message);
  };
  const onAcquire = (client: pg.PoolClient) => {
    if (seen.has(client)) return;
    seen.add(client);
    client.on('notice', onNotice);
  };
  pool.on('acquire', onAcquire);
  return {
    take() {
      const out = got;
      got = [];
      return out;
    },
    stop() {
      pool.off('acquire', onAcquire);
    },
  };
}

export interface PlanOptions {
  actor: Actor;
  clock?: Clock;
  /**
   * Plan as if a full scan were out of the question (enable_seqscan off): on a small copy the
   * planner rightly prefers reading a few pages whole, so this asks which index would serve
   * the statement. A statement no index serves still shows its Seq Scan.
   */
  noSeqScan?: boolean;
}

/**
 * Runs `path` as `actor` and returns its result and the plan of every statement it sent (and,
 * on PostgreSQL, of every statement run inside the functions it called). The database must be
 * a pool of one connection, so that the session settings land where the path runs.
 */
export async function plansOf<T>(db: Database, o: PlanOptions, path: (ctx: Ctx) => Promise<T>): Promise<{ result: T; plans: StatementPlan[] }> {
  const pool = db.kind === 'postgres' ? (db as Database & { pool: pg.Pool }).pool : undefined;
  if (pool && pool.options.max !== 1) throw new Error('plansOf needs a pool of one connection');
  const notices = pool ? noticesOf(pool) : undefined;
  try {
    if (pool) {
      // Session settings, as the superuser: auto_explain's settings are the superuser's to change.
      await db.transaction((tx) =>
        tx.exec(`load 'auto_explain';
          set auto_explain.log_min_duration = 0; set auto_explain.log_nested_statements = on;
          set auto_explain.log_format = 'json'; set auto_explain.log_level = 'notice';`),
      );
      notices!.take();
    }
    const sent: { sql: string; params: readonly unknown[] }[] = [];
    const clock = o.clock ?? fixedClock(new Date().toISOString());
    const result = await withTenant(db, o.actor, async (tx) => {
      if (o.noSeqScan) await tx.query('set local enable_seqscan = off');
      const mark = sent.length;
      const out = await path({ tx: recording(tx, sent), actor: o.actor, clock, log: silentLogger() });
      sent.splice(0, mark);
      return out;
    });
    const nested: StatementPlan[] = [];
    if (pool) {
      await db.transaction((tx) => tx.exec('set auto_explain.log_min_duration = -1'));
      const sentText = new Set(sent.map((s) => s.sql.trim()));
      for (const message of notices!.take()) {
        const json = message.slice(message.indexOf('{'));
        const entry = JSON.parse(json) as { 'Query Text': string; Plan: PlanNode };
        const text = entry['Query Text'].trim();
        if (sentText.has(text) || /^(select set_config|set local)/i.test(text)) continue;
        nested.push({ source: 'nested', sql: text, scans: scansOf(entry.Plan) });
      }
    }
    const plans = await withTenant(db, o.actor, async (tx) => {
      if (o.noSeqScan) await tx.query('set local enable_seqscan = off');
      const out: StatementPlan[] = [];
      for (const s of sent) {
        const { rows } = await tx.query<{ 'QUERY PLAN': [{ Plan: PlanNode }] | string }>(`explain (format json) ${s.sql}`, s.params);
        const raw = rows[0]!['QUERY PLAN'];
        const doc = (typeof raw === 'string' ? JSON.parse(raw) : raw) as [{ Plan: PlanNode }];
        out.push({ source: 'sent', sql: s.sql, scans: scansOf(doc[0].Plan) });
      }
      return out;
    });
    return { result, plans: [...plans, ...nested] };
  } finally {
    notices?.stop();
  }
}

/** The plans that read `relation`, and every index they read it through. */
export function indexesOn(plans: StatementPlan[], relation: string): { seqScan: boolean; indexes: string[] } {
  const scans = plans.flatMap((p) => p.scans).filter((s) => s.relation === relation);
  return {
    seqScan: scans.some((s) => s.node === 'Seq Scan'),
    indexes: [...new Set(scans.filter((s) => s.index !== undefined && s.cond).map((s) => s.index!))],
  };
}
