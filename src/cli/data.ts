import type { Command } from 'commander';
import type { Config } from '../platform/config.ts';
import { backupDatabase, restoreDatabase } from '../platform/db/backup.ts';
import type { Database } from '../platform/db/database.ts';
import { migrate } from '../platform/db/migrate.ts';
import { exportWorkspace, importWorkspace, type TransferProgress } from '../platform/db/transfer.ts';

export interface DataCommandDeps {
  config(): Config;
  withDatabase<T>(fn: (db: Database) => Promise<T>, command: string): Promise<T>;
  write?: (text: string) => void;
  /** Where progress goes: standard error, and only on a terminal unless a test says otherwise. */
  progress?: (text: string) => void;
}

/**
 * Moving data as a whole: `backup` and `restore` an installation (either database), and
 * `workspaces export` / `workspaces import` one tenant between installations of either kind.
 */
export function registerDataCommands(program: Command, workspaces: Command, deps: DataCommandDeps): void {
  const write = deps.write ?? ((text: string) => void process.stdout.write(text));
  const progressLine = deps.progress ?? (process.stderr.isTTY ? (text: string) => void process.stderr.write(`\r${text}\u001b[K`) : undefined);
  const progress = (verb: string): TransferProgress | undefined =>
    progressLine ? (table, rows) => progressLine(`${verb} ${table}: ${rows.toLocaleString('en')} rows`) : undefined;
  const done = () => progressLine && deps.progress === undefined && process.stderr.write('\n');

  program
    .command('backup')
    .description('write the whole database to one file: the embedded database\'s dump, or pg_dump\'s custom format for DATABASE_URL')
    .requiredOption('--out <file>', 'the backup file to write')
    .option('--json', 'machine-readable output')
    .action(async (opts: { out: string; json?: boolean }) => {
      const c = deps.config();
      const result = await backupDatabase({ databaseUrl: c.DATABASE_URL, dataDir: c.FRONTDESK_DATA_DIR }, opts.out);
      write(opts.json ? `${JSON.stringify({ ...result, file: opts.out })}\n` : `backed up the ${result.kind === 'postgres' ? 'PostgreSQL' : 'embedded'} database to ${opts.out} (${result.bytes.toLocaleString('en')} bytes)\n`);
    });

  program
    .command('restore')
    .description('replace the database with a backup of the same kind (the server: in one transaction; embedded: into an empty data directory)')
    .requiredOption('--from <file>', 'a file written by frontdesk backup')
    .option('--force', 'embedded database: replace the one in the data directory (it is kept beside, renamed)')
    .option('--json', 'machine-readable output')
    .action(async (opts: { from: string; force?: boolean; json?: boolean }) => {
      const c = deps.config();
      const result = await restoreDatabase({ databaseUrl: c.DATABASE_URL, dataDir: c.FRONTDESK_DATA_DIR }, opts.from, { force: !!opts.force });
      write(opts.json
        ? `${JSON.stringify({ ...result, file: opts.from })}\n`
        : `restored ${opts.from} into the ${result.kind === 'postgres' ? 'PostgreSQL' : 'embedded'} database${result.replaced ? ` (the previous one is kept at ${result.replaced})` : ''}\n`);
    });

  workspaces
    .command('export')
    .description('write one workspace, every row of it and nothing of another, to a file (JSON Lines; gzipped when the name ends in .gz)')
    .argument('<workspace>', 'workspace id or slug')
    .requiredOption('--out <file>', 'the file to write')
    .option('--json', 'machine-readable output')
    .action(async (workspace: string, opts: { out: string; json?: boolean }) => {
      const report = await deps.withDatabase((db) => exportWorkspace(db, workspace, opts.out, progress('exporting')), 'workspaces export');
      done();
      const total = Object.values(report.rows).reduce((a, b) => a + b, 0);
      write(opts.json ? `${JSON.stringify({ ...report, file: opts.out })}\n` : `exported ${report.slug} (${report.workspace_id}): ${total.toLocaleString('en')} rows in ${Object.keys(report.rows).length} tables to ${opts.out}\n`);
    });

  workspaces
    .command('import')
    .description('load a workspace written by workspaces export into this installation, all of it or nothing')
    .requiredOption('--from <file>', 'the file to read')
    .option('--json', 'machine-readable output')
    .action(async (opts: { from: string; json?: boolean }) => {
      const report = await deps.withDatabase(async (db) => {
        await migrate(db);
        return importWorkspace(db, opts.from, progress('importing'));
      }, 'workspaces import');
      done();
      const total = Object.values(report.rows).reduce((a, b) => a + b, 0);
      write(opts.json ? `${JSON.stringify(report)}\n` : `imported ${report.slug} (${report.workspace_id}): ${total.toLocaleString('en')} rows${report.users_existing ? ` (${report.users_existing} accounts were already here)` : ''}\n`);
    });
}
