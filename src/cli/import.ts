import type { Command } from 'commander';
import { z } from 'zod';
import { importSupabase, type ImportReport } from '../apps/import/supabase.ts';
import type { Database } from '../platform/db/database.ts';
import { migrate } from '../platform/db/migrate.ts';

export interface ImportCommandDeps {
  withDatabase<T>(fn: (db: Database) => Promise<T>, command: string): Promise<T>;
  write?: (text: string) => void;
  /** Where the progress line goes: standard error, and only on a terminal unless a test says otherwise. */
  progress?: (text: string) => void;
}

const options = z.strictObject({
  from: z.string().regex(/^postgres(?:ql)?:\/\//, 'a postgres:// URL'),
  workspace: z.string().trim().min(1),
  sourceWorkspace: z.string().trim().min(1).optional(),
  client: z.string().trim().min(1).optional(),
  dryRun: z.boolean().default(false),
  json: z.boolean().default(false),
});

/** The report as a table a person reads: one line per source table, with why rows were skipped. */
export function formatImportReport(report: ImportReport): string {
  const lines = [`${report.dry_run ? 'dry run (nothing written): would import' : 'imported'} into workspace ${report.workspace_id}:`];
  const absent = report.tables.filter((t) => t.read === 0 && 'not in the source database' in t.reasons).map((t) => t.source);
  for (const t of report.tables) {
    if (absent.includes(t.source)) continue;
    const why = Object.entries(t.reasons).map(([reason, n]) => (n ? `${n} ${reason}` : reason)).join('; ');
    lines.push(`  ${t.source.padEnd(36)} -> ${t.target.padEnd(30)} read ${t.read}, imported ${t.imported}, already there ${t.existing}, skipped ${t.skipped}${why ? ` (${why})` : ''}`);
  }
  if (absent.length) lines.push(`  not in the source database: ${absent.join(', ')}`);
  const s = report.totals;
  lines.push(`  total: read ${s.read}, imported ${s.imported}, already there ${s.existing}, skipped ${s.skipped}`);
  return `${lines.join('\n')}\n`;
}

/**
 * `frontdesk import supabase`: the original products' Supabase database into a workspace
 * (apps/import/supabase.ts). With --json every table's report is one JSON line, then the totals.
 */
export function registerImportCommand(program: Command, deps: ImportCommandDeps): void {
  const write = deps.write ?? ((text: string) => void process.stdout.write(text));
  program
    .command('import')
    .description('bring data from elsewhere into a workspace')
    .command('supabase')
    .description("import an original product's database (seed 000's ARI, seed 004's receptionist, seed 003's Amara tables) into a workspace; running it again adds nothing")
    .requiredOption('--from <url>', 'the source database, postgres://…')
    .requiredOption('--workspace <workspace>', 'Frontdesk workspace id or slug')
    .option('--source-workspace <id>', "the source's ARI workspace_id, when it holds several")
    .option('--client <id>', "the source's client_id for FAQs and prompts, when it holds several")
    .option('--dry-run', 'read and check everything, write nothing')
    .option('--json', 'machine-readable output: JSON lines')
    .action(async (raw: unknown) => {
      const opts = options.parse(raw);
      const line = deps.progress ?? (process.stderr.isTTY && !opts.json ? (text: string) => void process.stderr.write(`\r${text}\u001b[K`) : undefined);
      const report = await deps.withDatabase(async (db) => {
        await migrate(db);
        return importSupabase(db, {
          from: opts.from,
          workspace: opts.workspace,
          dryRun: opts.dryRun,
          sourceWorkspace: opts.sourceWorkspace,
          client: opts.client,
          ...(line ? { progress: (table: string, done: number, total: number) => line(`importing ${table}: ${done.toLocaleString('en')}/${total.toLocaleString('en')}`) } : {}),
        });
      }, 'import supabase');
      if (line && !deps.progress) process.stderr.write('\n');
      if (opts.json) {
        for (const t of report.tables) write(`${JSON.stringify({ table: t.source, ...t })}\n`);
        write(`${JSON.stringify({ workspace_id: report.workspace_id, dry_run: report.dry_run, totals: report.totals })}\n`);
      } else {
        write(formatImportReport(report));
      }
    });
}
