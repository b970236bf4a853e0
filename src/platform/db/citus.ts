import type { SqlConnection } from './connection.ts';

/**
 * How the migrated schema goes onto Citus, derived from the catalog so that a table added by
 * a later migration is placed without anyone remembering to: `frontdesk citus-plan` prints
 * it, docs/operations.md explains it, and test/schema/citus-plan.test.ts holds it to Citus's
 * rules (co-located foreign keys, keys that include the distribution column, order).
 *
 * - **Distributed**, by `workspace_id`, all in one co-location group: every table with a
 *   `workspace_id` column. A tenant's rows of every table then live on the same shard, so
 *   joins, foreign keys and triggers between them stay on one node.
 * - **Reference** (a copy on every node): the tables without `workspace_id` that distributed
 *   tables reference, and what those reference in turn. That is `workspaces` (keyed by `id`,
 *   which is the tenant) and `auth.users`. `workspaces` could instead be distributed by `id`
 *   co-located with the rest; as a reference table it keeps the lookups that name no workspace
 *   yet (a web chat's slug, a sign-in's list of workspaces) on one node, every foreign key to
 *   it works from any shard, and its writes (a new workspace, a settings change) are rare.
 * - **Coordinator-local in Citus's metadata** (`citus_add_local_table_to_metadata`): tables
 *   without `workspace_id` that nothing distributed references but that reference a reference
 *   table (`auth.sessions`, `auth.signup_confirmations`): a plain local table may not keep a
 *   foreign key to a reference table.
 * - **Local** to the coordinator, untouched: the rest (`schema_migrations`, the fairness
 *   places, and pg-boss's `pgboss` schema, which the queue creates at start-up).
 */
export interface CitusPlan {
  /** The last migration the plan was derived from. */
  migration: string | null;
  reference: string[];
  coordinatorLocal: string[];
  distributed: { table: string; colocateWith: string }[];
  local: string[];
  /** Product functions (schema.name(args)) to create on every node: defaults, policies and triggers call them there. */
  functions: string[];
  /** Foreign keys of a cycle: dropped before the tables are distributed, added again after. */
  deferredForeignKeys: { table: string; name: string; definition: string }[];
  /** Whatever Citus would refuse; empty for a schema that distributes. */
  problems: string[];
  /** What to check on the Citus version at hand (not refused by the rules this plan knows). */
  checks: string[];
}

export const DISTRIBUTION_COLUMN = 'workspace_id';

interface Table {
  name: string;
  tenant: boolean;
}
interface ForeignKey {
  name: string;
  from: string;
  to: string;
  /** Column pairs, referencing -> referenced, in key order. */
  columns: [string, string][];
  /** As pg_get_constraintdef gives it, to add the key again. */
  definition: string;
  /** ON DELETE SET NULL / SET DEFAULT, and the columns it sets (PostgreSQL 15 lists them; empty: all). */
  onDeleteSets: string[] | null;
}
interface UniqueKey {
  table: string;
  name: string;
  columns: string[];
}

const SYSTEM_SCHEMAS = `('pg_catalog', 'information_schema', 'pg_toast', 'pgboss')`;

export async function readCitusCatalog(db: SqlConnection): Promise<{ tables: Table[]; foreignKeys: ForeignKey[]; uniqueKeys: UniqueKey[]; functions: string[]; migration: string | null }> {
  const tables = await db.query<Table>(
    `select n.nspname || '.' || c.relname as name,
            exists (select 1 from pg_attribute a where a.attrelid = c.oid and a.attname = '${DISTRIBUTION_COLUMN}' and not a.attisdropped) as tenant
       from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where c.relkind in ('r', 'p') and n.nspname not in ${SYSTEM_SCHEMAS} and not c.relispartition
      order by 1`,
  );
  const fks = await db.query<{ name: string; from: string; to: string; from_cols: string[]; to_cols: string[]; definition: string; sets: string[] | null }>(
    `select k.conname as name, pg_get_constraintdef(k.oid) as definition,
            case when k.confdeltype in ('n', 'd') then array(select a.attname::text from unnest(coalesce(k.confdelsetcols, '{}')) u(n) join pg_attribute a on a.attrelid = k.conrelid and a.attnum = u.n) end as sets, fn.nspname || '.' || f.relname as from, tn.nspname || '.' || t.relname as to,
            array(select a.attname::text from unnest(k.conkey) with ordinality u(n, i) join pg_attribute a on a.attrelid = k.conrelid and a.attnum = u.n order by u.i) as from_cols,
            array(select a.attname::text from unnest(k.confkey) with ordinality u(n, i) join pg_attribute a on a.attrelid = k.confrelid and a.attnum = u.n order by u.i) as to_cols
       from pg_constraint k
       join pg_class f on f.oid = k.conrelid join pg_namespace fn on fn.oid = f.relnamespace
       join pg_class t on t.oid = k.confrelid join pg_namespace tn on tn.oid = t.relnamespace
      where k.contype = 'f' and fn.nspname not in ${SYSTEM_SCHEMAS}
      order by 2, 1`,
  );
  // Unique indexes cover primary keys, unique constraints and bare unique indexes alike.
  const uniques = await db.query<{ table: string; name: string; columns: string[] }>(
    `select n.nspname || '.' || c.relname as table, i.relname as name,
            array(select coalesce(a.attname::text, '(expression)') from unnest(x.indkey) with ordinality u(n, o)
                   left join pg_attribute a on a.attrelid = x.indrelid and a.attnum = u.n order by u.o) as columns
       from pg_index x join pg_class i on i.oid = x.indexrelid
       join pg_class c on c.oid = x.indrelid join pg_namespace n on n.oid = c.relnamespace
      where x.indisunique and c.relkind in ('r', 'p') and n.nspname not in ${SYSTEM_SCHEMAS}
      order by 1, 2`,
  );
  // The product's own functions (not an extension's, such as pg_trgm's).
  const functions = await db.query<{ signature: string }>(
    `select p.oid::regprocedure::text as signature
       from pg_proc p join pg_namespace n on n.oid = p.pronamespace
      where n.nspname in ('app', 'auth', 'public') and p.prokind = 'f'
        and not exists (select 1 from pg_depend d where d.classid = 'pg_proc'::regclass and d.objid = p.oid and d.deptype = 'e')
      order by 1`,
  );
  let migration: string | null = null;
  try {
    const m = await db.query<{ name: string }>(`select name from public.schema_migrations order by name desc limit 1`);
    migration = m.rows[0]?.name ?? null;
  } catch {
    // An unmigrated database: no name to give.
  }
  return {
    tables: tables.rows,
    foreignKeys: fks.rows.map((r) => ({ name: r.name, from: r.from, to: r.to, columns: r.from_cols.map((c, i) => [c, r.to_cols[i]!] as [string, string]), definition: r.definition, onDeleteSets: r.sets })),
    uniqueKeys: uniques.rows,
    functions: functions.rows.map((r) => r.signature),
    migration,
  };
}

/**
 * Tables in an order where every table comes after the tables it references (ties by name).
 * A cycle of foreign keys (ari_appointments.payment_id <-> ari_payments.appointment_id) has
 * no such order: the first table of it by name is taken anyway, and its keys to the tables
 * not yet placed are deferred: dropped before distribution and added again after.
 */
function dependencyOrder(names: string[], fks: ForeignKey[]): { order: string[]; deferred: ForeignKey[] } {
  const set = new Set(names);
  const order: string[] = [];
  const deferred: ForeignKey[] = [];
  const done = new Set<string>();
  const unmet = (n: string) => fks.filter((f) => f.from === n && f.to !== n && set.has(f.to) && !done.has(f.to) && !deferred.includes(f));
  while (order.length < names.length) {
    const remaining = names.filter((n) => !done.has(n)).sort();
    // One at a time, the first by name: a stable order whatever the catalog's.
    let next = remaining.find((n) => unmet(n).length === 0);
    if (!next) {
      next = remaining[0]!;
      deferred.push(...unmet(next));
    }
    order.push(next);
    done.add(next);
  }
  return { order, deferred };
}

export function planCitus(catalog: Awaited<ReturnType<typeof readCitusCatalog>>): CitusPlan {
  const { tables, foreignKeys: fks, uniqueKeys } = catalog;
  const tenant = new Set(tables.filter((t) => t.tenant).map((t) => t.name));
  const problems: string[] = [];

  // Reference: what distributed tables reference, closed over what those reference.
  const reference = new Set<string>();
  const pending = fks.filter((f) => tenant.has(f.from) && !tenant.has(f.to)).map((f) => f.to);
  while (pending.length) {
    const t = pending.pop()!;
    if (reference.has(t)) continue;
    reference.add(t);
    for (const f of fks) if (f.from === t && !tenant.has(f.to)) pending.push(f.to);
  }
  const others = tables.map((t) => t.name).filter((n) => !tenant.has(n) && !reference.has(n));
  const coordinatorLocal = others.filter((n) => fks.some((f) => f.from === n && reference.has(f.to)));
  const local = others.filter((n) => !coordinatorLocal.includes(n));

  // What Citus refuses.
  for (const f of fks) {
    if (!tenant.has(f.to)) continue; // to a reference table: allowed from anywhere
    if (!tenant.has(f.from)) {
      problems.push(`${f.from}.${f.name} references the distributed ${f.to}: a reference or local table cannot`);
    } else if (!f.columns.some(([a, b]) => a === DISTRIBUTION_COLUMN && b === DISTRIBUTION_COLUMN)) {
      problems.push(`${f.from}.${f.name} -> ${f.to} does not pair ${DISTRIBUTION_COLUMN} with ${DISTRIBUTION_COLUMN}: not co-located`);
    }
  }
  for (const u of uniqueKeys) {
    if (tenant.has(u.table) && !u.columns.includes(DISTRIBUTION_COLUMN)) {
      problems.push(`${u.table}: unique index ${u.name} (${u.columns.join(', ')}) lacks ${DISTRIBUTION_COLUMN}: Citus enforces uniqueness per shard only`);
    }
  }

  const checks = fks
    .filter((f) => tenant.has(f.from) && f.onDeleteSets && f.columns.some(([a]) => a === DISTRIBUTION_COLUMN))
    .map((f) =>
      f.onDeleteSets!.length && !f.onDeleteSets!.includes(DISTRIBUTION_COLUMN)
        ? `${f.from}.${f.name}: ON DELETE SET NULL (${f.onDeleteSets!.join(', ')})`
        : `${f.from}.${f.name}: ON DELETE SET NULL of every column, ${DISTRIBUTION_COLUMN} included`,
    );
  const refOrder = dependencyOrder([...reference].sort(), fks);
  const distOrder = dependencyOrder([...tenant].sort(), fks);
  for (const f of refOrder.deferred) problems.push(`reference tables ${f.from} and ${f.to} reference each other (${f.name})`);
  const anchor = distOrder.order[0];
  return {
    migration: catalog.migration,
    reference: refOrder.order,
    coordinatorLocal: dependencyOrder(coordinatorLocal, fks).order,
    distributed: distOrder.order.map((table) => ({ table, colocateWith: table === anchor ? 'none' : anchor! })),
    local,
    functions: catalog.functions,
    deferredForeignKeys: distOrder.deferred.map((f) => ({ table: f.from, name: f.name, definition: f.definition })),
    problems,
    checks,
  };
}

const lit = (s: string) => `'${s.replace(/'/g, "''")}'`;

/** The plan as the SQL a platform team runs on the coordinator, in order, with why in comments. */
export function citusStatements(plan: CitusPlan): string[] {
  return [
    `-- Frontdesk on Citus, derived by \`frontdesk citus-plan\` from the schema at ${plan.migration ?? '(no migration)'}.`,
    '-- Run on the coordinator as a superuser, after `frontdesk migrate` and before any traffic.',
    "-- Triggers on distributed tables (rollups, webhook events, timelines) need this; each product trigger touches only its own workspace's rows or reference tables (test/schema/citus-triggers.test.ts).",
    'set citus.enable_unsafe_triggers to on;',
    '',
    ...(plan.deferredForeignKeys.length ? ['-- 0. Foreign keys that form a cycle: dropped here, added again in step 4 (then checked against the rows).'] : []),
    ...plan.deferredForeignKeys.map((f) => `alter table ${f.table} drop constraint ${f.name};`),
    ...(plan.deferredForeignKeys.length ? [''] : []),
    '-- 1. Reference tables: a copy on every node; every distributed table may reference them.',
    ...plan.reference.map((t) => `select create_reference_table(${lit(t)});`),
    '',
    '-- 2. Coordinator-local tables that keep foreign keys to reference tables.',
    ...plan.coordinatorLocal.map((t) => `select citus_add_local_table_to_metadata(${lit(t)});`),
    '',
    `-- 3. Distributed by ${DISTRIBUTION_COLUMN}, one co-location group, referenced tables first.`,
    ...plan.distributed.map((d) => `select create_distributed_table(${lit(d.table)}, ${lit(DISTRIBUTION_COLUMN)}, colocate_with => ${lit(d.colocateWith)});`),
    '',
    ...(plan.deferredForeignKeys.length ? ['-- 4. The cycle\'s foreign keys again, now between co-located shards.'] : []),
    ...plan.deferredForeignKeys.map((f) => `alter table ${f.table} add constraint ${f.name} ${f.definition};`),
    ...(plan.deferredForeignKeys.length ? [''] : []),
    '-- 5. The product functions on every node (column defaults, policies and triggers run them on the shards).',
    ...plan.functions.map((f) => `select create_distributed_function(${lit(f)});`),
    '',
    `-- Left local on the coordinator: ${[...plan.local, 'pgboss.* (the job queue)'].join(', ')}.`,
    ...(plan.checks.length ? ['', `-- CHECK on your Citus version: these keys include ${DISTRIBUTION_COLUMN} and set only their other column to null on delete`,
      '-- (PostgreSQL 15 column lists). A Citus that refuses SET NULL on a key with the distribution column whatever the list',
      '-- stops at create_distributed_table; then make the key NO ACTION and clear the column in the product.', ...plan.checks.map((c) => `--   ${c}`)] : []),
    ...(plan.problems.length ? ['', '-- PROBLEMS (Citus would refuse these; fix the schema first):', ...plan.problems.map((p) => `--   ${p}`)] : []),
  ];
}
