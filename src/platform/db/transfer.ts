import { createReadStream, createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { pipeline } from 'node:stream/promises';
import { PassThrough, type Readable, type Writable } from 'node:stream';
import { createGunzip, createGzip } from 'node:zlib';
import { AppError } from '../errors.ts';
import type { Database, Tx } from './database.ts';

/**
 * One workspace out of an installation and into another, embedded or server, with every row
 * of that tenant and nothing of another's. The tables are found in the catalog (every base
 * table with a `workspace_id` column, the workspace itself, and the accounts its rows point
 * at), so a table added by a later migration moves without a change here.
 *
 * The file is JSON Lines, gzipped when its name ends in .gz: a header, then one line per row
 * in PostgreSQL's own JSON form of the row (`to_jsonb`), then a trailer with the counts, so
 * a cut-off file is refused rather than half imported. Rows are read back with
 * `jsonb_populate_recordset`, which gives every value its column's type exactly.
 *
 * This is infrastructure across tenants, like migrations: it runs as the database's owner,
 * outside row-level security, and only from the command line.
 */

export const TRANSFER_FORMAT = 'frontdesk-workspace';
export const TRANSFER_VERSION = 1;

interface Header {
  format: typeof TRANSFER_FORMAT;
  version: number;
  /** The last migration applied where the file was written; the importing side must be the same. */
  schema: string;
  workspace_id: string;
  slug: string;
  exported_at: string;
}

interface TableRef {
  /** schema.table, quoted when used. */
  name: string;
  /** The columns an insert may set (generated columns are derived again). */
  columns: string[];
}

const quote = (ident: string) => `"${ident.replace(/"/g, '""')}"`;
const qualified = (name: string) => name.split('.').map(quote).join('.');

/** Every base table keyed by workspace_id, in a stable order, and the columns an insert may set. */
async function tenantTables(tx: Tx): Promise<TableRef[]> {
  const { rows } = await tx.query<{ name: string; columns: string[] }>(
    `select n.nspname || '.' || c.relname as name,
            array_agg(a.attname::text order by a.attnum) filter (where a.attgenerated = '') as columns
       from pg_class c
       join pg_namespace n on n.oid = c.relnamespace
       join pg_attribute a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
      where c.relkind in ('r', 'p')
        and n.nspname not in ('pg_catalog', 'information_schema')
        and exists (select 1 from pg_attribute w where w.attrelid = c.oid and w.attname = 'workspace_id' and not w.attisdropped)
      group by 1
      order by 1`,
  );
  return rows;
}

async function tableRef(tx: Tx, name: string): Promise<TableRef> {
  const { rows } = await tx.query<{ columns: string[] }>(
    `select array_agg(attname::text order by attnum) as columns from pg_attribute
      where attrelid = $1::regclass and attnum > 0 and not attisdropped and attgenerated = ''`,
    [name],
  );
  return { name, columns: rows[0]!.columns };
}

/** The columns of tenant tables that point at auth.users: the accounts a workspace's rows need. */
async function userReferences(tx: Tx, tables: TableRef[]): Promise<{ table: string; column: string }[]> {
  const { rows } = await tx.query<{ table: string; column: string }>(
    `select n.nspname || '.' || c.relname as table, a.attname::text as column
       from pg_constraint k
       join pg_class c on c.oid = k.conrelid
       join pg_namespace n on n.oid = c.relnamespace
       join pg_attribute a on a.attrelid = k.conrelid and a.attnum = k.conkey[1]
      where k.contype = 'f' and k.confrelid = 'auth.users'::regclass and cardinality(k.conkey) = 1
      order by 1, 2`,
  );
  const names = new Set(tables.map((t) => t.name));
  return rows.filter((r) => names.has(r.table));
}

async function lastMigration(tx: Tx): Promise<string> {
  const { rows } = await tx.query<{ name: string }>(`select name from public.schema_migrations order by name desc limit 1`);
  return rows[0]?.name ?? '';
}

export interface ExportReport {
  workspace_id: string;
  slug: string;
  rows: Record<string, number>;
}

export interface TransferProgress {
  (table: string, rows: number): void;
}

/** Writes one workspace (by id or slug) to `out` (a path; `-` for a stream the caller gives). */
export async function exportWorkspace(db: Database, workspace: string, out: string | Writable, progress?: TransferProgress): Promise<ExportReport> {
  const target = typeof out === 'string' ? createWriteStream(out) : out;
  const gzip = typeof out === 'string' && out.endsWith('.gz');
  const lines = new PassThrough();
  const written = gzip ? pipeline(lines, createGzip(), target) : pipeline(lines, target);
  const write = async (value: unknown) => {
    if (!lines.write(`${JSON.stringify(value)}\n`)) await once(lines, 'drain');
  };
  try {
    const report = await db.transaction(async (tx) => {
      // One snapshot for the whole file: rows written meanwhile are either all in or all out.
      await tx.exec(`set transaction isolation level repeatable read, read only`);
      const ws = await findWorkspace(tx, workspace);
      const tables = (await tenantTables(tx)).filter((t) => t.name !== 'public.workspaces');
      const header: Header = { format: TRANSFER_FORMAT, version: TRANSFER_VERSION, schema: await lastMigration(tx), workspace_id: ws.id, slug: ws.slug, exported_at: new Date().toISOString() };
      await write(header);
      const counts: Record<string, number> = {};
      const refs = await userReferences(tx, tables);
      const users = refs.map((r) => `select ${quote(r.column)} as id from ${qualified(r.table)} where workspace_id = $1 and ${quote(r.column)} is not null`).join(' union ');
      const sources: { table: string; sql: string }[] = [
        ...(users ? [{ table: 'auth.users', sql: `select to_jsonb(u) as row from auth.users u where u.id in (${users}) order by u.id` }] : []),
        { table: 'public.workspaces', sql: `select to_jsonb(w) as row from public.workspaces w where w.id = $1` },
        ...tables.map((t) => ({ table: t.name, sql: `select to_jsonb(r) as row from ${qualified(t.name)} r where r.workspace_id = $1` })),
      ];
      for (const source of sources) {
        counts[source.table] = 0;
        // A cursor keeps memory flat for a tenant of any size.
        await tx.query(`declare rows_out no scroll cursor for ${source.sql}`, source.sql.includes('$1') ? [ws.id] : []);
        for (;;) {
          const batch = await tx.query<{ row: Record<string, unknown> }>(`fetch 1000 from rows_out`);
          for (const r of batch.rows) await write({ table: source.table, row: r.row });
          counts[source.table] = (counts[source.table] ?? 0) + batch.rows.length;
          if (batch.rows.length > 0) progress?.(source.table, counts[source.table]!);
          if (batch.rows.length < 1000) break;
        }
        await tx.exec(`close rows_out`);
      }
      await write({ end: true, rows: counts });
      return { workspace_id: ws.id, slug: ws.slug, rows: counts };
    });
    lines.end();
    await written;
    return report;
  } catch (e) {
    lines.destroy(e as Error);
    await written.catch(() => {});
    throw e;
  }
}

async function findWorkspace(tx: Tx, workspace: string): Promise<{ id: string; slug: string }> {
  const byId = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(workspace);
  const { rows } = await tx.query<{ id: string; slug: string }>(`select id, slug from public.workspaces where ${byId ? 'id = $1::uuid' : 'slug = $1'}`, [workspace]);
  if (!rows[0]) throw new AppError('workspace.not_found', 'not_found', `no workspace ${workspace}`);
  return rows[0];
}

export interface ImportReport {
  workspace_id: string;
  slug: string;
  rows: Record<string, number>;
  /** Accounts that were already here (same id and email), so not created again. */
  users_existing: number;
}

/** Reads a file that exportWorkspace wrote into this installation, in one transaction: all of it or nothing. */
export async function importWorkspace(db: Database, from: string | Readable, progress?: TransferProgress): Promise<ImportReport> {
  const input = typeof from === 'string' ? createReadStream(from) : from;
  const text = await gunzipIfNeeded(input);
  const reader = createInterface({ input: text, crlfDelay: Infinity })[Symbol.asyncIterator]();
  const next = async (): Promise<Record<string, unknown> | undefined> => {
    const r = await reader.next();
    if (r.done) return undefined;
    try {
      return JSON.parse(r.value) as Record<string, unknown>;
    } catch {
      throw new AppError('transfer.unreadable', 'invalid', 'the file is not a workspace export (a line is not JSON)');
    }
  };
  const header = (await next()) as Partial<Header> | undefined;
  if (!header || header.format !== TRANSFER_FORMAT) throw new AppError('transfer.unreadable', 'invalid', 'the file is not a Frontdesk workspace export');
  if (header.version !== TRANSFER_VERSION) throw new AppError('transfer.unreadable', 'invalid', `the file's format version ${String(header.version)} is not ${TRANSFER_VERSION}`);

  return db.transaction(async (tx) => {
    const schema = await lastMigration(tx);
    if (header.schema !== schema) {
      throw new AppError('transfer.schema_mismatch', 'conflict', `the file was written at migration ${header.schema} and this installation is at ${schema}: run the same Frontdesk version on both sides`);
    }
    const clash = await tx.query<{ id: string; slug: string }>(`select id, slug from public.workspaces where id = $1 or slug = $2`, [header.workspace_id, header.slug]);
    if (clash.rows[0]) {
      throw new AppError('transfer.workspace_exists', 'conflict', clash.rows[0].id === header.workspace_id
        ? `workspace ${header.workspace_id} is already in this installation`
        : `the slug ${header.slug} is taken here by another workspace`);
    }
    // The rows keep their ids and their derived rows (rollups, events) as they were: no trigger
    // runs twice, and the foreign keys are checked once every row is in (below).
    try {
      await tx.exec(`set local session_replication_role = replica`);
    } catch (e) {
      throw new AppError('transfer.needs_superuser', 'forbidden', 'importing a workspace needs a connection as a superuser (it loads rows without running triggers)', undefined, { cause: e });
    }
    const tables = new Map((await tenantTables(tx)).map((t) => [t.name, t]));
    tables.set('auth.users', await tableRef(tx, 'auth.users'));
    tables.set('public.workspaces', await tableRef(tx, 'public.workspaces'));
    const counts: Record<string, number> = {};
    let usersExisting = 0;
    let batch: { table: string; rows: Record<string, unknown>[] } | undefined;
    const flush = async () => {
      if (!batch || batch.rows.length === 0) return;
      const t = tables.get(batch.table)!;
      const cols = t.columns.map(quote).join(', ');
      if (t.name === 'auth.users') {
        usersExisting += await insertUsers(tx, t, batch.rows);
      } else {
        await tx.query(`insert into ${qualified(t.name)} (${cols}) select ${cols} from jsonb_populate_recordset(null::${qualified(t.name)}, $1::jsonb)`, [JSON.stringify(batch.rows)]);
      }
      counts[t.name] = (counts[t.name] ?? 0) + batch.rows.length;
      progress?.(t.name, counts[t.name]!);
      batch = undefined;
    };
    let trailer: { rows: Record<string, number> } | undefined;
    for (let line = await next(); line; line = await next()) {
      if (line.end) {
        trailer = line as unknown as { rows: Record<string, number> };
        break;
      }
      const table = String(line.table);
      const row = line.row as Record<string, unknown>;
      if (!tables.has(table)) throw new AppError('transfer.unknown_table', 'invalid', `the file has rows of ${table}, which this installation does not keep per workspace`);
      if (table !== 'auth.users' && (table === 'public.workspaces' ? row.id : row.workspace_id) !== header.workspace_id) {
        throw new AppError('transfer.foreign_row', 'invalid', `the file has a row of ${table} that belongs to another workspace`);
      }
      if (batch && (batch.table !== table || batch.rows.length >= 500)) await flush();
      (batch ??= { table, rows: [] }).rows.push(row);
    }
    await flush();
    if (!trailer) throw new AppError('transfer.truncated', 'invalid', 'the file ends before its last line: it was cut off; nothing was imported');
    for (const [table, n] of Object.entries(trailer.rows)) {
      if ((counts[table] ?? 0) !== n) throw new AppError('transfer.truncated', 'invalid', `the file says ${n} rows of ${table} and has ${counts[table] ?? 0}; nothing was imported`);
    }
    await tx.exec(`set local session_replication_role = origin`);
    await checkReferences(tx, [...tables.values()].filter((t) => t.name !== 'auth.users' && t.name !== 'public.workspaces'), header.workspace_id!);
    return { workspace_id: header.workspace_id!, slug: header.slug!, rows: { ...trailer.rows, ...counts }, users_existing: usersExisting };
  });
}

/** Accounts: one already here with the same id and email is kept; the same email under another id refuses the import. */
async function insertUsers(tx: Tx, t: TableRef, rows: Record<string, unknown>[]): Promise<number> {
  const cols = t.columns.map(quote).join(', ');
  const conflict = await tx.query<{ email: string }>(
    `select u.email from auth.users u join jsonb_populate_recordset(null::auth.users, $1::jsonb) f on f.email = u.email and f.id <> u.id`,
    [JSON.stringify(rows)],
  );
  if (conflict.rows.length > 0) {
    throw new AppError('transfer.user_conflict', 'conflict', `accounts with these emails already exist here under other ids: ${conflict.rows.map((r) => r.email).join(', ')}`);
  }
  const inserted = await tx.query(
    `insert into auth.users (${cols}) select ${cols} from jsonb_populate_recordset(null::auth.users, $1::jsonb) on conflict (id) do nothing`,
    [JSON.stringify(rows)],
  );
  return rows.length - inserted.rowCount;
}

/**
 * With triggers off, foreign keys were not checked while loading: check each one now for the
 * imported workspace's rows, so a damaged file cannot leave a dangling reference behind.
 */
async function checkReferences(tx: Tx, tables: TableRef[], workspaceId: string): Promise<void> {
  const { rows } = await tx.query<{ table: string; check: string }>(
    `select n.nspname || '.' || c.relname as table,
            format('select 1 from %s r where %s and not exists (select 1 from %s p where %s) limit 1',
              k.conrelid::regclass,
              (select string_agg(format('r.%I is not null', a.attname), ' and ') from unnest(k.conkey) as x(n) join pg_attribute a on a.attrelid = k.conrelid and a.attnum = x.n),
              k.confrelid::regclass,
              (select string_agg(format('p.%I = r.%I', pa.attname, ra.attname), ' and ')
                 from unnest(k.conkey, k.confkey) as x(rn, pn)
                 join pg_attribute ra on ra.attrelid = k.conrelid and ra.attnum = x.rn
                 join pg_attribute pa on pa.attrelid = k.confrelid and pa.attnum = x.pn)) as check
       from pg_constraint k
       join pg_class c on c.oid = k.conrelid
       join pg_namespace n on n.oid = c.relnamespace
      where k.contype = 'f'`,
  );
  const names = new Set(tables.map((t) => t.name));
  for (const r of rows.filter((r) => names.has(r.table))) {
    const dangling = await tx.query(`${r.check.replace(' where ', ' where r.workspace_id = $1 and ')}`, [workspaceId]);
    if (dangling.rows.length > 0) throw new AppError('transfer.dangling_reference', 'invalid', `a row of ${r.table} points at a row that is not in the file; nothing was imported`);
  }
}

async function gunzipIfNeeded(input: Readable): Promise<Readable> {
  const first = await new Promise<Buffer | null>((resolve, reject) => {
    const onReadable = () => {
      cleanup();
      resolve(input.read() as Buffer | null);
    };
    const onEnd = () => {
      cleanup();
      resolve(null);
    };
    const onError = (e: Error) => {
      cleanup();
      reject(e.message.includes('ENOENT') ? new AppError('transfer.not_found', 'not_found', `no file at ${(e as NodeJS.ErrnoException).path ?? ''}`) : e);
    };
    const cleanup = () => {
      input.off('readable', onReadable);
      input.off('end', onEnd);
      input.off('error', onError);
    };
    input.once('readable', onReadable);
    input.once('end', onEnd);
    input.once('error', onError);
  });
  if (!first) throw new AppError('transfer.unreadable', 'invalid', 'the file is empty');
  input.unshift(first);
  return first[0] === 0x1f && first[1] === 0x8b ? input.pipe(createGunzip()) : input;
}
