import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseKinds, describeEachDatabase } from '../../../test/support/db.ts';
import { urlFor, withDatabase } from '../../../test/support/postgres-admin.ts';
import type { Database } from './database.ts';
import { checksum, loadMigrations, migrate, type Migration } from './migrate.ts';
import { openPglite } from './pglite.ts';
import { openPostgres } from './postgres.ts';

const m = (name: string, sql: string): Migration => ({ name, sql, checksum: checksum(sql) });

describeEachDatabase('migrations on the migrated schema', (db) => {
  it('migrating twice changes nothing', async () => {
    const all = loadMigrations();
    const report = await migrate(db());
    expect(report).toEqual({ applied: [], alreadyApplied: all.length });
    const { rows } = await db().transaction((tx) => tx.query<{ n: number }>('select count(*)::int8 as n from schema_migrations'));
    expect(rows[0]!.n).toBe(all.length);
  });

  it('records every file with its checksum', async () => {
    const { rows } = await db().transaction((tx) =>
      tx.query<{ name: string; checksum: string }>('select name, checksum from schema_migrations order by name'),
    );
    expect(rows).toEqual(loadMigrations().map(({ name, checksum }) => ({ name, checksum })));
  });
});

/** An empty database of each kind, for the runner's own behaviour. */
async function emptyDatabase(kind: 'pglite' | 'postgres'): Promise<{ open(): Promise<Database>; dispose(): Promise<void> }> {
  if (kind === 'pglite') {
    const db = await openPglite();
    return { open: async () => ({ ...db, close: async () => {} }), dispose: () => db.close() };
  }
  const url = process.env.TEST_DATABASE_URL!;
  const name = `frontdesk_m_${randomBytes(5).toString('hex')}`;
  await withDatabase(url, (c) => c.query(`create database ${name}`));
  const opened: Database[] = [];
  return {
    async open() {
      const db = await openPostgres(urlFor(url, name), { max: 2 });
      opened.push(db);
      return db;
    },
    async dispose() {
      await Promise.all(opened.map((d) => d.close().catch(() => {})));
      await withDatabase(url, (c) => c.query(`drop database if exists ${name} with (force)`));
    },
  };
}

for (const kind of databaseKinds) {
  describe(`migration runner [${kind}]`, () => {
    let empty: Awaited<ReturnType<typeof emptyDatabase>>;
    let db: Database;
    let n = 0;
    const table = () => `t_${kind}_${n++}`;

    beforeAll(async () => {
      empty = await emptyDatabase(kind);
      db = await empty.open();
    });
    afterAll(async () => {
      await empty?.dispose();
    });
    const reset = () => db.exec('drop table if exists public.schema_migrations');

    it('applies pending files in order, each once', async () => {
      await reset();
      const [a, b] = [table(), table()];
      const list = [m('0001_a.sql', `create table ${a} (id int primary key)`), m("0002_b.sql", `create table ${b} (id int references ${a})`)];
      expect(await migrate(db, list)).toEqual({ applied: ['0001_a.sql', '0002_b.sql'], alreadyApplied: 0 });
      expect(await migrate(db, list)).toEqual({ applied: [], alreadyApplied: 2 });
      const third = [...list, m('0003_c.sql', `insert into ${a} values (1)`)];
      expect(await migrate(db, third)).toEqual({ applied: ['0003_c.sql'], alreadyApplied: 2 });
    });

    it('stops on an edited migration, naming the file', async () => {
      await reset();
      const t = table();
      await migrate(db, [m('0001_edit.sql', `create table ${t} (id int)`)]);
      const edited = [m('0001_edit.sql', `create table ${t} (id bigint)`)];
      await expect(migrate(db, edited)).rejects.toMatchObject({
        code: 'db.migration_changed',
        message: expect.stringContaining('0001_edit.sql'),
      });
    });

    it('refuses a database that has a migration this version does not know', async () => {
      await reset();
      const t = table();
      await migrate(db, [m('0001_x.sql', `create table ${t} (id int)`), m('0002_y.sql', 'select 1')]);
      await expect(migrate(db, [m('0001_x.sql', `create table ${t} (id int)`)])).rejects.toMatchObject({
        code: 'db.migration_unknown',
      });
    });

    it('applies each file in its own transaction: a failure keeps earlier files and rolls back its own', async () => {
      await reset();
      const [a, b] = [table(), table()];
      const list = [
        m('0001_ok.sql', `create table ${a} (id int)`),
        m('0002_bad.sql', `create table ${b} (id int); select * from no_such_table`),
      ];
      await expect(migrate(db, list)).rejects.toMatchObject({ code: 'db.migration_failed', message: expect.stringContaining('0002_bad.sql') });
      const { rows } = await db.transaction((tx) =>
        tx.query<{ name: string }>('select name from schema_migrations'),
      );
      expect(rows.map((r) => r.name)).toEqual(['0001_ok.sql']);
      const exists = await db.transaction((tx) => tx.query<{ b: string | null }>('select to_regclass($1)::text as b', [b]));
      expect(exists.rows[0]!.b).toBeNull();
    });

    it('two processes migrating at once apply nothing twice', async () => {
      await reset();
      const t = table();
      // Not idempotent on purpose: a second application would fail.
      const list = Array.from({ length: 6 }, (_, i) => m(`000${i + 1}_c.sql`, `create table ${t}_${i} (id int)`));
      const other = kind === 'postgres' ? await empty.open() : db;
      const [r1, r2] = await Promise.all([migrate(db, list), migrate(other, list)]);
      expect([...r1.applied, ...r2.applied].sort()).toEqual(list.map((x) => x.name));
      expect(r1.applied.length + r2.applied.length).toBe(6);
    });
  });
}
