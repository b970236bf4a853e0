import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemo } from '../../src/apps/demo.ts';
import type { Database } from '../../src/platform/db/database.ts';
import { exportWorkspace, importWorkspace } from '../../src/platform/db/transfer.ts';
import { databaseKinds, openTestDatabase, type TestDatabaseKind } from '../support/db.ts';

/**
 * Issue 17, deliverable 3: one tenant moves between installations, embedded to server and
 * back, with every row of it and nothing of another's.
 */

const dir = mkdtempSync(join(tmpdir(), 'frontdesk-transfer-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Every row of every table keyed by workspace_id, as PostgreSQL writes it in JSON, in a stable order. */
async function tenantRows(db: Database, workspaceId: string): Promise<Record<string, string[]>> {
  return db.transaction(async (tx) => {
    const { rows: tables } = await tx.query<{ name: string }>(
      `select table_schema || '.' || table_name as name from information_schema.columns
        where column_name = 'workspace_id' and table_schema not in ('pg_catalog', 'information_schema')
          and (table_schema, table_name) in (select table_schema, table_name from information_schema.tables where table_type = 'BASE TABLE')
        order by 1`,
    );
    const out: Record<string, string[]> = {};
    for (const t of [...tables.map((r) => r.name), 'public.workspaces']) {
      const key = t === 'public.workspaces' ? 'id' : 'workspace_id';
      const { rows } = await tx.query<{ row: string }>(`select to_jsonb(r)::text as row from ${t} r where ${key} = $1 order by 1`, [workspaceId]);
      out[t] = rows.map((r) => r.row);
    }
    return out;
  });
}

async function count(db: Database, sql: string, params: unknown[] = []): Promise<number> {
  return db.transaction(async (tx) => Number((await tx.query<{ n: string }>(sql, params)).rows[0]!.n));
}

const pairs: [TestDatabaseKind, TestDatabaseKind][] = databaseKinds.flatMap((from) => databaseKinds.map((to) => [from, to] as [TestDatabaseKind, TestDatabaseKind]));

describe('a workspace moves between installations', { timeout: 300_000 }, () => {
  const sources = new Map<TestDatabaseKind, { db: Database; workspaceId: string; otherIds: string[] }>();

  beforeAll(async () => {
    for (const kind of databaseKinds) {
      const db = await openTestDatabase(kind);
      const seeded = await seedDemo(db);
      const casa = seeded.find((w) => w.slug === 'casa-limpia')!;
      sources.set(kind, { db, workspaceId: casa.workspaceId, otherIds: seeded.filter((w) => w !== casa).map((w) => w.workspaceId) });
    }
  });
  afterAll(async () => {
    for (const s of sources.values()) await s.db.close();
  });

  for (const [from, to] of pairs) {
    it(`from ${from} to an empty ${to}: every row of the workspace equal, nothing of another`, async () => {
      const source = sources.get(from)!;
      const file = join(dir, `casa-${from}-${to}.jsonl.gz`);
      const exported = await exportWorkspace(source.db, 'casa-limpia', file);
      expect(exported.workspace_id).toBe(source.workspaceId);
      // The demo fills many of the workspace's tables; all of them travel.
      expect(Object.values(exported.rows).filter((n) => n > 0).length).toBeGreaterThan(15);

      const target = await openTestDatabase(to);
      try {
        const imported = await importWorkspace(target, file);
        expect(imported.rows).toEqual(exported.rows);
        const before = await tenantRows(source.db, source.workspaceId);
        const after = await tenantRows(target, source.workspaceId);
        expect(Object.keys(after)).toEqual(Object.keys(before));
        for (const table of Object.keys(before)) expect({ table, rows: after[table] }).toEqual({ table, rows: before[table] });
        expect(await count(target, `select count(*) as n from public.workspaces`)).toBe(1);
        expect(await count(target, `select count(*) as n from public.contacts where workspace_id <> $1`, [source.workspaceId])).toBe(0);
        // The accounts come along, so the owner signs in on the new installation with the same password.
        expect(await count(target, `select count(*) as n from auth.users where email = 'owner@casa-limpia.demo' and encrypted_password is not null`)).toBe(1);
        expect(await count(target, `select count(*) as n from auth.users where email = 'owner@eagle-overseas.demo'`)).toBe(0);

        // Twice is refused whole, and changes nothing.
        await expect(importWorkspace(target, file)).rejects.toMatchObject({ code: 'transfer.workspace_exists' });
        expect(await tenantRows(target, source.workspaceId)).toEqual(after);
      } finally {
        await target.close();
      }
    });
  }

  it('refuses a cut-off file, a row of another workspace and a file that is not an export, importing nothing', async () => {
    const source = sources.get('pglite')!;
    const file = join(dir, 'casa-plain.jsonl');
    await exportWorkspace(source.db, source.workspaceId, file);
    const lines = readFileSync(file, 'utf8').trimEnd().split('\n');
    expect(JSON.parse(lines[0]!)).toMatchObject({ format: 'frontdesk-workspace', workspace_id: source.workspaceId, slug: 'casa-limpia' });

    const target = await openTestDatabase('pglite');
    try {
      const cut = join(dir, 'cut.jsonl.gz');
      writeFileSync(cut, gzipSync(lines.slice(0, -5).join('\n') + '\n'));
      await expect(importWorkspace(target, cut)).rejects.toMatchObject({ code: 'transfer.truncated' });

      const foreign = join(dir, 'foreign.jsonl');
      const contact = lines.findIndex((l) => l.includes('"table":"public.contacts"'));
      const row = JSON.parse(lines[contact]!) as { table: string; row: Record<string, unknown> };
      row.row.workspace_id = source.otherIds[0];
      writeFileSync(foreign, [...lines.slice(0, contact), JSON.stringify(row), ...lines.slice(contact + 1)].join('\n') + '\n');
      await expect(importWorkspace(target, foreign)).rejects.toMatchObject({ code: 'transfer.foreign_row' });

      const junk = join(dir, 'junk.jsonl');
      writeFileSync(junk, 'name,phone\nRina,+62812\n');
      await expect(importWorkspace(target, junk)).rejects.toMatchObject({ code: 'transfer.unreadable' });
      await expect(importWorkspace(target, join(dir, 'missing.jsonl'))).rejects.toMatchObject({ code: 'transfer.not_found' });

      expect(await count(target, `select count(*) as n from public.workspaces`)).toBe(0);
      expect(await count(target, `select count(*) as n from public.contacts`)).toBe(0);
      expect(await count(target, `select count(*) as n from auth.users`)).toBe(0);

      // And the good file still goes in after all that.
      await importWorkspace(target, file);
      expect(await count(target, `select count(*) as n from public.workspaces`)).toBe(1);
    } finally {
      await target.close();
    }
  });

  it('refuses an account whose email is here under another id', async () => {
    const source = sources.get('pglite')!;
    const file = join(dir, 'casa-users.jsonl.gz');
    await exportWorkspace(source.db, 'casa-limpia', file);
    const target = await openTestDatabase('pglite');
    try {
      await target.transaction((tx) => tx.query(`insert into auth.users (id, email) values (gen_random_uuid(), 'owner@casa-limpia.demo')`));
      await expect(importWorkspace(target, file)).rejects.toMatchObject({ code: 'transfer.user_conflict', message: expect.stringContaining('owner@casa-limpia.demo') });
      expect(await count(target, `select count(*) as n from public.workspaces`)).toBe(0);
    } finally {
      await target.close();
    }
  });

  it('writes gzip when the name says so, plain JSON Lines otherwise', () => {
    const gz = readFileSync(join(dir, 'casa-pglite-pglite.jsonl.gz'));
    expect([gz[0], gz[1]]).toEqual([0x1f, 0x8b]);
    expect(gunzipSync(gz).toString('utf8').split('\n')[0]).toContain('"format":"frontdesk-workspace"');
    expect(readFileSync(join(dir, 'casa-plain.jsonl'), 'utf8').startsWith('{"format":"frontdesk-workspace"')).toBe(true);
  });
});
