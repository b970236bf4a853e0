import { beforeAll, expect, it } from 'vitest';
import { seedDemo } from '../../src/apps/demo.ts';
import type { Tx } from '../../src/platform/db/database.ts';
import { withServiceRole, withTenant } from '../../src/platform/db/tenant.ts';
import { newId } from '../../src/platform/ids.ts';
import { describeEachDatabase } from '../support/db.ts';
import { createWorkspace } from '../support/factories.ts';

/** Every table in public (and auth) that carries a workspace_id: the tenant tables. */
async function tenantTables(tx: Tx): Promise<string[]> {
  const { rows } = await tx.query<{ t: string }>(`
    select c.relname as t
      from pg_class c join pg_namespace n on n.oid = c.relnamespace
      join pg_attribute a on a.attrelid = c.oid and a.attname = 'workspace_id' and not a.attisdropped
     where n.nspname = 'public' and c.relkind = 'r'
     order by 1`);
  return rows.map((r) => r.t);
}

describeEachDatabase('tenancy of the schema', (db) => {
  let tables: string[] = [];
  beforeAll(async () => {
    tables = await db().transaction(tenantTables);
  });

  it('knows every table the seeds define', () => {
    const seedTables = [
      'ari_config', 'ari_destinations', 'ari_conversations', 'ari_messages', 'ari_payments', 'ari_appointments', 'ari_ai_comparison',
      'ari_flow_stages', 'ari_knowledge_categories', 'ari_knowledge_entries', 'ari_scoring_config', 'consultant_slots',
      'articles', 'webinars', 'webinar_registrations',
      'amara_conversations', 'amara_messages', 'guest_sessions', 'platform_events',
      'calls', 'bookings', 'sms_messages', 'analytics', 'faqs', 'system_prompts',
      'contacts', 'conversations', 'messages', 'workspace_members',
    ];
    expect(tables).toEqual(expect.arrayContaining(seedTables));
  });

  it('makes workspace_id not null, enables and forces row-level security on every tenant table', async () => {
    const { rows } = await db().transaction((tx) =>
      tx.query<{ t: string; rls: boolean; forced: boolean; notnull: boolean; policies: number }>(`
        select c.relname as t, c.relrowsecurity as rls, c.relforcerowsecurity as forced, a.attnotnull as notnull,
               (select count(*) from pg_policy p where p.polrelid = c.oid)::int8 as policies
          from pg_class c join pg_namespace n on n.oid = c.relnamespace
          join pg_attribute a on a.attrelid = c.oid and a.attname = 'workspace_id'
         where n.nspname = 'public' and c.relkind = 'r'`),
    );
    for (const r of rows) {
      expect({ table: r.t, rls: r.rls, forced: r.forced, notnull: r.notnull, hasPolicies: r.policies > 0 }).toEqual({
        table: r.t, rls: true, forced: true, notnull: true, hasPolicies: true,
      });
    }
  });

  it('puts workspace_id in every primary key and unique constraint of a tenant table', async () => {
    const { rows } = await db().transaction((tx) =>
      tx.query<{ t: string; name: string; kind: string; has_ws: boolean }>(`
        select c.relname as t, i.relname as name, case when x.indisprimary then 'primary' else 'unique' end as kind,
               exists (select 1 from unnest(x.indkey) k join pg_attribute a on a.attrelid = c.oid and a.attnum = k
                        where a.attname = 'workspace_id') as has_ws
          from pg_index x join pg_class c on c.oid = x.indrelid join pg_class i on i.oid = x.indexrelid
          join pg_namespace n on n.oid = c.relnamespace
         where n.nspname = 'public' and (x.indisunique or x.indisprimary)
           and exists (select 1 from pg_attribute a where a.attrelid = c.oid and a.attname = 'workspace_id')`),
    );
    expect(rows.length).toBeGreaterThan(30);
    expect(rows.filter((r) => !r.has_ws).map((r) => `${r.t}.${r.name}`)).toEqual([]);
    const primaries = new Set(rows.filter((r) => r.kind === 'primary').map((r) => r.t));
    expect(tables.filter((t) => !primaries.has(t))).toEqual([]);
  });

  it('includes workspace_id on both sides of every foreign key between tenant tables', async () => {
    const { rows } = await db().transaction((tx) =>
      tx.query<{ name: string; src: string; dst: string; cols: string[]; refcols: string[] }>(`
        select con.conname as name, src.relname as src, dst.relname as dst,
               array(select a.attname::text from unnest(con.conkey) k join pg_attribute a on a.attrelid = con.conrelid and a.attnum = k) as cols,
               array(select a.attname::text from unnest(con.confkey) k join pg_attribute a on a.attrelid = con.confrelid and a.attnum = k) as refcols
          from pg_constraint con join pg_class src on src.oid = con.conrelid join pg_class dst on dst.oid = con.confrelid
          join pg_namespace n on n.oid = src.relnamespace
         where con.contype = 'f' and n.nspname = 'public'
           and exists (select 1 from pg_attribute a where a.attrelid = dst.oid and a.attname = 'workspace_id')`),
    );
    expect(rows.length).toBeGreaterThan(15);
    const bad = rows.filter((r) => !r.cols.includes('workspace_id') || !r.refcols.includes('workspace_id'));
    expect(bad.map((r) => `${r.src}.${r.name} -> ${r.dst}`)).toEqual([]);
  });

  it('writes policies so that identity functions run once per statement', async () => {
    const { rows } = await db().transaction((tx) =>
      tx.query<{ t: string; name: string; expr: string }>(`
        select tablename as t, policyname as name, coalesce(qual, '') || ' ' || coalesce(with_check, '') as expr
          from pg_policies where schemaname in ('public', 'auth')`),
    );
    const fns = ['auth.uid()', 'auth.jwt()', 'auth.role()', 'app.current_workspace_id()', 'app.workspace_rank()', 'app.claimed_workspace_id()'];
    const bare = rows.flatMap((r) =>
      fns.filter((f) => r.expr.split(f).length - 1 > r.expr.split(new RegExp(`SELECT \\(*${f.replace(/[.()]/g, '\\$&')}`)).length - 1).map((f) => `${r.t}: ${r.name}: ${f}`),
    );
    expect(bare).toEqual([]);
  });

  it('has an index leading with workspace_id on every tenant table', async () => {
    const { rows } = await db().transaction((tx) =>
      tx.query<{ t: string }>(`
        select distinct c.relname as t
          from pg_index x join pg_class c on c.oid = x.indrelid join pg_namespace n on n.oid = c.relnamespace
          join pg_attribute a on a.attrelid = c.oid and a.attnum = x.indkey[0]
         where n.nspname = 'public' and a.attname = 'workspace_id'`),
    );
    const indexed = new Set(rows.map((r) => r.t));
    expect(tables.filter((t) => !indexed.has(t))).toEqual([]);
  });

  describeIsolation();

  function describeIsolation() {
    let victim = '';
    let counts = new Map<string, number>();
    let outsider: Awaited<ReturnType<typeof createWorkspace>>;

    beforeAll(async () => {
      const seeded = await seedDemo(db());
      outsider = await createWorkspace(db());
      counts = new Map();
      await withServiceRole(db(), async (tx) => {
        for (const t of tables) {
          const { rows } = await tx.query<{ ws: string; n: number }>(
            `select workspace_id as ws, count(*)::int8 as n from public.${t} group by 1 order by 2 desc limit 1`,
          );
          if (rows[0]) counts.set(t, rows[0].n);
        }
      });
      victim = seeded[0]!.workspaceId;
    });

    it('the demo data puts rows in every tenant table', () => {
      expect(tables.filter((t) => !counts.has(t))).toEqual([]);
    });

    it("a member of another workspace can neither read, change nor delete a workspace's rows", async () => {
      for (const t of tables) {
        const others = [outsider.workspaceId];
        // Each statement in its own transaction: "permission denied" is a refusal too.
        const attempt = (sql: string) =>
          outsider.asOwner((tx) => tx.query<{ n: number }>(sql, others)).then(
            (r) => (r.rows[0]?.n ?? r.rowCount),
            (e: { code?: string }) => (e.code === '42501' ? 0 : Promise.reject(e)),
          );
        const seen = {
          table: t,
          read: await attempt(`select count(*)::int8 as n from public.${t} where workspace_id <> $1`),
          updated: await attempt(`update public.${t} set workspace_id = workspace_id where workspace_id <> $1`),
          deleted: await attempt(`delete from public.${t} where workspace_id <> $1`),
        };
        expect(seen).toEqual({ table: t, read: 0, updated: 0, deleted: 0 });
      }
      // And nothing was lost.
      await withServiceRole(db(), async (tx) => {
        const { rows } = await tx.query<{ n: number }>('select count(*)::int8 as n from public.contacts where workspace_id = $1', [victim]);
        expect(rows[0]!.n).toBeGreaterThan(0);
      });
    });

    it("a member of another workspace cannot insert rows into a workspace that isn't theirs", async () => {
      for (const t of tables) {
        const row = await withServiceRole(db(), async (tx) => {
          const { rows } = await tx.query<{ r: Record<string, unknown> }>(`select to_jsonb(x) as r from public.${t} x limit 1`);
          return rows[0]!.r;
        });
        const columns = await db().transaction(async (tx) =>
          (await tx.query<{ c: string }>(
            `select column_name as c from information_schema.columns where table_schema = 'public' and table_name = $1 and is_generated = 'NEVER' order by ordinal_position`,
            [t],
          )).rows.map((r) => r.c),
        );
        const list = columns.map((c) => `"${c}"`).join(', ');
        const attempt = outsider.asOwner((tx) =>
          tx.query(`insert into public.${t} (${list}) select ${list} from jsonb_populate_record(null::public.${t}, $1::jsonb)`, [
            JSON.stringify({ ...row, ...('id' in row ? { id: newId() } : {}) }),
          ]),
        );
        await expect(attempt, t).rejects.toMatchObject({ code: '42501' });
      }
    });

    it('a system actor of one workspace sees only that workspace', async () => {
      const n = await withTenant(db(), { kind: 'system', workspaceId: outsider.workspaceId }, async (tx) => {
        const { rows } = await tx.query<{ n: number }>('select count(*)::int8 as n from contacts where workspace_id = $1', [victim]);
        return rows[0]!.n;
      });
      expect(n).toBe(0);
    });
  }
});
