import type { Command } from 'commander';
import { resolve } from 'node:path';
import { z } from 'zod';
import { exportConvex } from '../apps/convex-export.ts';
import { systemClock } from '../platform/clock.ts';
import type { Database } from '../platform/db/database.ts';
import { migrate } from '../platform/db/migrate.ts';
import { silentLogger } from '../platform/log.ts';
import { resolveWorkspace } from './workspace.ts';

export interface ConvexExportDeps {
  withDatabase<T>(fn: (db: Database) => Promise<T>, command: string): Promise<T>;
  group(name: string, description: string): Command;
}

const options = z.object({ workspace: z.string().trim().min(1), out: z.string().min(1) });

/** `frontdesk export convex --workspace W --out DIR`: see apps/convex-export.ts. */
export function registerConvexExportCommand(deps: ConvexExportDeps): void {
  deps
    .group('export', 'export: a workspace for another product')
    .command('convex')
    .description("write the workspace as a Convex deployment takes it: DIR/schema.ts (seed 001's tables), schema.json, and a <table>.jsonl per table for `npx convex import`")
    .requiredOption('--workspace <workspace>', 'workspace id or slug')
    .requiredOption('--out <dir>', 'directory to write (made if missing)')
    .action((raw: unknown) => {
      const o = options.parse(raw);
      return deps.withDatabase(async (db) => {
        await migrate(db);
        const workspaceId = await resolveWorkspace(db, o.workspace);
        const result = await exportConvex({ db, actor: { kind: 'system', workspaceId }, clock: systemClock, log: silentLogger() }, resolve(o.out));
        for (const [table, n] of Object.entries(result.tables)) process.stdout.write(`${table}\t${n}\n`);
      }, 'export convex');
    });
}
