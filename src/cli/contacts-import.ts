import { SingleBar } from 'cli-progress';
import type { Command } from 'commander';
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { CONTACT_IMPORT_FIELDS, importContactsInBatches, type ContactImportResult } from '../modules/contacts/index.ts';
import { systemClock } from '../platform/clock.ts';
import type { Ctx } from '../platform/context.ts';
import type { Database } from '../platform/db/database.ts';
import { migrate } from '../platform/db/migrate.ts';
import { withTenant } from '../platform/db/tenant.ts';
import { AppError } from '../platform/errors.ts';
import { silentLogger } from '../platform/log.ts';
import { resolveWorkspace } from './workspace.ts';

export interface ContactsImportCommandDeps {
  withDatabase<T>(fn: (db: Database) => Promise<T>, command: string): Promise<T>;
  group(name: string, description: string): Command;
}

const FIELD = z.enum([...CONTACT_IMPORT_FIELDS, 'ignore']);

/** `--map "Nomor WA=phone"`, repeatable: a header of the file and the field it fills. */
const mapping = z
  .array(z.string())
  .default([])
  .transform((pairs, ctx) => {
    const out: Record<string, z.infer<typeof FIELD>> = {};
    for (const pair of pairs) {
      const at = pair.lastIndexOf('=');
      const field = FIELD.safeParse(pair.slice(at + 1).trim());
      if (at <= 0 || !field.success) {
        ctx.addIssue({ code: 'custom', message: `"${pair}" is not HEADER=FIELD with FIELD one of ${FIELD.options.join(', ')}` });
        return z.NEVER;
      }
      out[pair.slice(0, at).trim()] = field.data;
    }
    return Object.keys(out).length ? out : undefined;
  });

const options = z.object({
  workspace: z.string().trim().min(1),
  dryRun: z.boolean().default(false),
  json: z.boolean().default(false),
  map: mapping,
});

const MAX_FILE_BYTES = 512 * 1024 * 1024;

function readFile(path: string): string {
  let text: string;
  try {
    const bytes = readFileSync(path);
    if (bytes.length > MAX_FILE_BYTES) throw new AppError('file.too_large', 'too_large', `${path} is larger than ${MAX_FILE_BYTES / 1024 / 1024} MB; split it`);
    text = bytes.toString('utf8');
  } catch (e) {
    if (e instanceof AppError) throw e;
    throw new AppError('file.unreadable', 'invalid', `cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  if (!text.trim()) throw new AppError('contact.csv_empty', 'invalid', `${path} is empty`);
  return text;
}

const stored = (r: ContactImportResult) => (r.dry_run ? r.valid_rows : r.imported);

function summary(r: ContactImportResult): string {
  const lines = [
    `${r.dry_run ? 'dry run: would import' : 'imported'} ${stored(r)} of ${r.total_rows} rows` + (stored(r) < r.total_rows ? `; ${r.total_rows - stored(r)} refused` : ''),
    `columns: ${Object.entries(r.columns).map(([h, f]) => (h === f ? h : `${h} -> ${f}`)).join(', ')}` + (r.ignored_columns.length ? `; ignored: ${r.ignored_columns.join(', ')}` : ''),
  ];
  for (const e of r.errors.slice(0, 20)) lines.push(`  row ${e.row} (line ${e.line})${e.field ? ` ${e.field}` : ''}: ${e.message}${e.value ? ` (${e.value})` : ''} [${e.code}]`);
  if (r.errors.length > 20) lines.push(`  ... and ${r.errors.length - 20} more (--json lists them all)`);
  return lines.join('\n');
}

/**
 * `frontdesk contacts import FILE --workspace W [--map "Header=field"] [--dry-run] [--json]`:
 * the staff app's CSV import (the same columns, checks and errors), for files of any length,
 * stored a batch at a time with a progress bar on a terminal.
 */
export function registerContactsImportCommand(deps: ContactsImportCommandDeps): void {
  deps
    .group('contacts', 'contacts: export and import')
    .command('import')
    .description('import contacts from a CSV file (comma, semicolon or tab; headers in English, Indonesian or Spanish, or mapped with --map)')
    .argument('<file>', 'the CSV file')
    .requiredOption('--workspace <workspace>', 'workspace id or slug')
    .option('--map <header=field>', `a column the usual spellings do not cover: its header and the field (${FIELD.options.join(', ')}); repeatable`, (v: string, all: string[] = []) => [...all, v])
    .option('--dry-run', 'check every row and report, store nothing')
    .option('--json', 'JSON lines: progress objects, then the result')
    .action(async (file: string, raw: unknown) => {
      const o = options.parse(raw);
      const csv = readFile(file);
      const result = await deps.withDatabase(async (db) => {
        await migrate(db);
        const workspaceId = await resolveWorkspace(db, o.workspace);
        const actor = { kind: 'system' as const, workspaceId };
        const inTenant = <T>(fn: (ctx: Ctx) => Promise<T>) =>
          withTenant(db, actor, (tx) => fn({ tx, actor, clock: systemClock, log: silentLogger() }));
        const bar = !o.json && process.stderr.isTTY ? new SingleBar({ format: 'contacts [{bar}] {value}/{total} rows', stream: process.stderr, hideCursor: true }) : undefined;
        try {
          return await importContactsInBatches(inTenant, { csv, dry_run: o.dryRun, mapping: o.map }, (done, total) => {
            if (o.json) process.stdout.write(`${JSON.stringify({ progress: { done, total } })}\n`);
            else if (bar) done === 0 ? bar.start(total, 0) : bar.update(done);
          });
        } finally {
          bar?.stop();
        }
      }, 'contacts import');
      process.stdout.write(o.json ? `${JSON.stringify({ result: { ...result, contact_ids: undefined, preview: undefined } })}\n` : `${summary(result)}\n`);
      if (stored(result) === 0 && result.total_rows > 0) {
        throw new AppError('contact.import_nothing_valid', 'invalid', `no row of ${file} can be imported${o.json ? '' : ' (the reasons are above)'}`);
      }
    });
}
