// Acting as the callers that row-level security tells apart, and reading the catalogue, for
// schema tests.
import { randomBytes } from 'node:crypto';
import type { Database, Tx } from '../../src/platform/db/database.ts';
import { withServiceRole, withTenant } from '../../src/platform/db/tenant.ts';

/** A visitor with no account, in `workspaceId`, optionally holding a guest token or an analytics session id. */
export const asAnon = <T>(
  db: Database,
  workspaceId: string | undefined,
  fn: (tx: Tx) => Promise<T>,
  extra: { guestToken?: string; sessionId?: string } = {},
) => withTenant(db, { kind: 'anon', workspaceId, ...extra }, fn);

/** A signed-in user, member of the workspace or not (a marketplace customer is not). */
export const asSignedIn = <T>(
  db: Database,
  userId: string,
  workspaceId: string | undefined,
  fn: (tx: Tx) => Promise<T>,
) => withTenant(db, { kind: 'user', userId, workspaceId }, fn);

export const asService = withServiceRole;

/** A guest checkout token as the product makes it: 32 random bytes, lowercase hex. */
export const newGuestToken = (): string => randomBytes(32).toString('hex');

/** Runs one query and returns its rows. */
export async function rows<R = Record<string, unknown>>(tx: Tx, sql: string, params: unknown[] = []): Promise<R[]> {
  return (await tx.query<R>(sql, params)).rows;
}

/** Runs one query and returns its only row (throws when there is not exactly one). */
export async function one<R = Record<string, unknown>>(tx: Tx, sql: string, params: unknown[] = []): Promise<R> {
  const r = await rows<R>(tx, sql, params);
  if (r.length !== 1) throw new Error(`expected one row, got ${r.length}: ${sql}`);
  return r[0]!;
}

export const TSTZ = 'timestamp with time zone';

/** A plain (not generated) column as columnsOf reports it. */
export const columnInfo = (type: string, nullable: boolean, def: string | null = null): ColumnInfo => ({
  type,
  nullable,
  default: def,
  generated: null,
});

export interface ColumnInfo {
  type: string;
  nullable: boolean;
  default: string | null;
  generated: string | null;
}

/** Columns of public.`table` with their formatted type (e.g. numeric(10,2)), as the catalogue has them. */
export async function columnsOf(db: Database, table: string, schema = 'public'): Promise<Record<string, ColumnInfo>> {
  const r = await db.transaction((tx) =>
    rows<{ name: string; type: string; nullable: boolean; def: string | null; generated: string | null }>(
      tx,
      `select a.attname as name,
              format_type(a.atttypid, a.atttypmod) as type,
              not a.attnotnull as nullable,
              case when a.attgenerated = '' then pg_get_expr(d.adbin, d.adrelid) end as def,
              case when a.attgenerated <> '' then pg_get_expr(d.adbin, d.adrelid) end as generated
         from pg_attribute a
         left join pg_attrdef d on d.adrelid = a.attrelid and d.adnum = a.attnum
        where a.attrelid = format('%I.%I', $1::text, $2::text)::regclass and a.attnum > 0 and not a.attisdropped
        order by a.attnum`,
      [schema, table],
    ),
  );
  return Object.fromEntries(
    r.map((c) => [c.name, { type: c.type, nullable: c.nullable, default: c.def, generated: c.generated }]),
  );
}

/** Index name -> [table, definition after "USING "] for public indexes of `tables`. */
export async function indexesOf(db: Database, tables: string[]): Promise<Record<string, [string, string]>> {
  const r = await db.transaction((tx) =>
    rows<{ indexname: string; tablename: string; indexdef: string }>(
      tx,
      `select indexname, tablename, indexdef from pg_indexes where schemaname = 'public' and tablename = any($1)`,
      [tables],
    ),
  );
  return Object.fromEntries(r.map((i) => [i.indexname, [i.tablename, i.indexdef.replace(/^.* USING /, '')]]));
}

/** Trigger name -> function it runs, for the user triggers on public.`table`. */
export async function triggersOf(db: Database, table: string): Promise<Record<string, string>> {
  const r = await db.transaction((tx) =>
    rows<{ name: string; fn: string }>(
      tx,
      `select t.tgname as name, p.oid::regprocedure::text as fn
         from pg_trigger t join pg_proc p on p.oid = t.tgfoid
        where t.tgrelid = format('public.%I', $1::text)::regclass and not t.tgisinternal`,
      [table],
    ),
  );
  return Object.fromEntries(r.map((t) => [t.name, t.fn]));
}

/** Whether row-level security is enabled and forced on public.`table`. */
export async function rlsOf(db: Database, table: string): Promise<{ enabled: boolean; forced: boolean }> {
  return db.transaction((tx) =>
    one<{ enabled: boolean; forced: boolean }>(
      tx,
      `select relrowsecurity as enabled, relforcerowsecurity as forced from pg_class
        where oid = format('public.%I', $1::text)::regclass`,
      [table],
    ),
  );
}

/** Policy names on public.`table`, each with its command and roles. */
export async function policiesOf(db: Database, table: string): Promise<Record<string, { cmd: string; roles: string[] }>> {
  const r = await db.transaction((tx) =>
    rows<{ policyname: string; cmd: string; roles: string[] | string }>(
      tx,
      `select policyname, cmd, roles::text[] as roles from pg_policies where schemaname = 'public' and tablename = $1`,
      [table],
    ),
  );
  return Object.fromEntries(
    r.map((p) => [
      p.policyname,
      { cmd: p.cmd, roles: (Array.isArray(p.roles) ? p.roles : p.roles.slice(1, -1).split(',')).sort() },
    ]),
  );
}
