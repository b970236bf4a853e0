import type { Command } from 'commander';
import { createWriteStream, renameSync, rmSync } from 'node:fs';
import { once } from 'node:events';
import { z } from 'zod';
import { EXPORT_FORMATS, ExportOptions, exportList, exportReport, LIST_EXPORTS, LIST_EXPORT_NAMES, REPORTS, type ExportRun, type ListExportName, type ReportName } from '../apps/exports.ts';
import { systemClock } from '../platform/clock.ts';
import type { Database } from '../platform/db/database.ts';
import { migrate } from '../platform/db/migrate.ts';
import { silentLogger } from '../platform/log.ts';
import { resolveWorkspace } from './workspace.ts';

export interface ExportCommandDeps {
  /** Opens the configured database for the duration of `fn` (see withDatabase in main.ts). */
  withDatabase<T>(fn: (db: Database) => Promise<T>, command: string): Promise<T>;
  /** The groups already on the program (a `contacts` group may hold `import` too). */
  group(name: string, description: string): Command;
}

const options = ExportOptions.and(
  z.object({
    workspace: z.string().trim().min(1),
    out: z.string().min(1).optional(),
  }),
);

/**
 * Writes an export to --out (through a temporary file renamed at the end, so a failed export
 * never leaves a half file under the name asked for) or to standard output.
 */
async function emit(chunks: AsyncIterable<string>, out: string | undefined): Promise<void> {
  if (!out) {
    for await (const chunk of chunks) {
      if (!process.stdout.write(chunk)) await once(process.stdout, 'drain');
    }
    return;
  }
  const partial = `${out}.partial`;
  const file = createWriteStream(partial);
  try {
    for await (const chunk of chunks) {
      if (!file.write(chunk)) await once(file, 'drain');
    }
    await new Promise<void>((resolve, reject) => file.end((e?: Error | null) => (e ? reject(e) : resolve())));
    renameSync(partial, out);
  } catch (e) {
    file.destroy();
    rmSync(partial, { force: true });
    throw e;
  }
}

async function run(deps: ExportCommandDeps, raw: unknown, command: string, chunks: (run: ExportRun, o: ExportOptions) => AsyncIterable<string>) {
  const o = options.parse(raw);
  await deps.withDatabase(async (db) => {
    await migrate(db);
    const workspaceId = await resolveWorkspace(db, o.workspace);
    const exportRun: ExportRun = { db, actor: { kind: 'system', workspaceId }, clock: systemClock, log: silentLogger() };
    await emit(chunks(exportRun, o), o.out);
  }, command);
}

const withCommonOptions = (c: Command) =>
  c
    .requiredOption('--workspace <workspace>', 'workspace id or slug')
    .option('--format <format>', `${EXPORT_FORMATS.join(' or ')} (JSON Lines)`, 'csv')
    .option('--from <day>', 'first day, YYYY-MM-DD in the workspace\'s time zone')
    .option('--to <day>', 'last day, included')
    .option('--out <file>', 'write to this file instead of standard output');

/**
 * `frontdesk <list> export` for every list a business keeps (contacts, conversations with their
 * messages, bookings, appointments, payments, calls) and `frontdesk reports export --report R`:
 * CSV or JSON Lines on standard output or into a file, read a page at a time.
 */
export function registerExportCommands(deps: ExportCommandDeps): void {
  for (const name of LIST_EXPORT_NAMES) {
    const source = LIST_EXPORTS[name as ListExportName] as { range?: string };
    const group = deps.group(name, `${name}: export${name === 'contacts' ? ' and import' : ''}`);
    withCommonOptions(
      group
        .command('export')
        .description(`write the workspace's ${name === 'conversations' ? 'conversations, a row per message,' : name} as CSV or JSON Lines${source.range ? ` (--from/--to: ${source.range})` : ' (--from/--to do not apply)'}`),
    ).action((raw: unknown) => run(deps, raw, `${name} export`, (r, o) => exportList(r, name, o)));
  }
  const reports = deps.group('reports', 'reports: export');
  withCommonOptions(
    reports
      .command('export')
      .description('write a report as CSV or JSON Lines, for the days given (default the last 30)')
      .requiredOption('--report <report>', REPORTS.join(', ')),
  ).action((raw: { report?: string }) => {
    const { report, ...rest } = z.object({ report: z.enum(REPORTS as [ReportName, ...ReportName[]]) }).passthrough().parse(raw);
    return run(deps, rest, 'reports export', (r, o) => exportReport(r, report, o));
  });
}
