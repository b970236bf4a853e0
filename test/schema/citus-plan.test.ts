// The Citus plan (src/platform/db/citus.ts, `frontdesk citus-plan`) held to Citus's rules,
// read again from the catalog here rather than from the plan: co-located foreign keys, keys
// that include the distribution column, and an order in which every statement can run.
import { expect, it } from 'vitest';
import { rows } from '../support/actors.ts';
import { describeEachDatabase } from '../support/db.ts';
import { citusStatements, planCitus, readCitusCatalog, type CitusPlan } from '../../src/platform/db/citus.ts';

describeEachDatabase('the Citus plan', (db) => {
  let plan: CitusPlan;
  const catalog = () =>
    db().transaction(async (tx) => ({
      tenant: new Set(
        (await rows<{ name: string }>(tx, `select table_schema || '.' || table_name as name from information_schema.columns c
                                             join information_schema.tables t using (table_schema, table_name)
                                            where c.column_name = 'workspace_id' and t.table_type = 'BASE TABLE'`)).map((r) => r.name),
      ),
      fks: await rows<{ name: string; from: string; to: string; pairs: string[] }>(
        tx,
        `select k.conname as name, k.conrelid::regclass::text as from, k.confrelid::regclass::text as to,
                array(select a.attname || '=' || b.attname from unnest(k.conkey, k.confkey) u(x, y)
                        join pg_attribute a on a.attrelid = k.conrelid and a.attnum = u.x
                        join pg_attribute b on b.attrelid = k.confrelid and b.attnum = u.y) as pairs
           from pg_constraint k where k.contype = 'f'`,
      ),
      uniques: await rows<{ table: string; index: string; columns: string[] }>(
        tx,
        `select x.indrelid::regclass::text as table, x.indexrelid::regclass::text as index,
                array(select coalesce(a.attname::text, '?') from unnest(x.indkey) u(n) left join pg_attribute a on a.attrelid = x.indrelid and a.attnum = u.n) as columns
           from pg_index x where x.indisunique`,
      ),
    }));
  // regclass text drops the schema of tables on the search path.
  const qualified = (name: string) => (name.includes('.') ? name : `public.${name}`);

  it('derives a plan Citus accepts: no problems, every table placed once', async () => {
    plan = await db().transaction(async (tx) => planCitus(await readCitusCatalog(tx)));
    expect(plan.problems).toEqual([]);
    const { tenant } = await catalog();
    expect(new Set(plan.distributed.map((d) => d.table))).toEqual(tenant);
    expect(plan.reference).toEqual(['auth.users', 'public.workspaces']);
    expect(plan.local).toContain('public.schema_migrations');
    const placed = [...plan.reference, ...plan.coordinatorLocal, ...plan.distributed.map((d) => d.table), ...plan.local];
    expect(placed.length).toBe(new Set(placed).size);
    // One co-location group: the first table starts it, every other joins it.
    const [anchor, ...rest] = plan.distributed;
    expect(anchor!.colocateWith).toBe('none');
    expect(new Set(rest.map((d) => d.colocateWith))).toEqual(new Set([anchor!.table]));
  });

  it('every foreign key between distributed tables pairs workspace_id with workspace_id, and none points from a reference or local table into them', async () => {
    const { tenant, fks } = await catalog();
    const intoDistributed = fks.filter((f) => tenant.has(qualified(f.to)));
    expect(intoDistributed.length).toBeGreaterThan(30);
    expect(intoDistributed.filter((f) => !tenant.has(qualified(f.from))).map((f) => f.name)).toEqual([]);
    expect(intoDistributed.filter((f) => !f.pairs.includes('workspace_id=workspace_id')).map((f) => `${f.from}.${f.name}`)).toEqual([]);
  });

  it('every unique or primary key of a distributed table includes workspace_id', async () => {
    const { tenant, uniques } = await catalog();
    const offenders = uniques.filter((u) => tenant.has(qualified(u.table)) && !u.columns.includes('workspace_id'));
    expect(offenders.map((u) => `${u.table}: ${u.index} (${u.columns.join(', ')})`)).toEqual([]);
  });

  it('runs in dependency order: each table after what it references, except the cycle keys dropped first and added last', async () => {
    const { fks } = await catalog();
    const lines = citusStatements(plan);
    const at = (table: string) => lines.findIndex((l) => /^select (create_reference_table|citus_add_local_table_to_metadata|create_distributed_table)\('([^']+)'/.exec(l)?.[2] === table);
    const deferred = new Set(plan.deferredForeignKeys.map((f) => f.name));
    for (const f of fks) {
      const from = at(qualified(f.from));
      const to = at(qualified(f.to));
      if (from < 0 || qualified(f.from) === qualified(f.to)) continue; // a local table, or a key to itself
      if (deferred.has(f.name)) {
        const dropped = lines.findIndex((l) => l.includes(`drop constraint ${f.name};`));
        const added = lines.findIndex((l) => l.includes(`add constraint ${f.name} `));
        expect(dropped, f.name).toBeLessThan(Math.min(...lines.map((l, i) => (l.startsWith('select create_') ? i : Infinity))));
        expect(added, f.name).toBeGreaterThan(Math.max(from, to));
        continue;
      }
      expect(to, `${f.from} -> ${f.to} (${f.name})`).toBeGreaterThanOrEqual(0);
      expect(to, `${f.from} -> ${f.to} (${f.name})`).toBeLessThan(from);
    }
    expect(plan.deferredForeignKeys.map((f) => f.name)).toEqual(['ari_appointments_workspace_id_payment_id_fkey']);
    // The unsafe-triggers setting comes before the first table that has triggers is distributed.
    expect(lines.indexOf('set citus.enable_unsafe_triggers to on;')).toBeLessThan(lines.findIndex((l) => l.startsWith('select create_')));
  });
});
