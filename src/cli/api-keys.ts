import type { Command } from 'commander';
import { z } from 'zod';
import { createApiKey } from '../modules/tenancy/index.ts';
import { systemClock, type Clock } from '../platform/clock.ts';
import type { Database } from '../platform/db/database.ts';
import { fromDatabaseError } from '../platform/db/errors.ts';
import { migrate } from '../platform/db/migrate.ts';
import { withTenant } from '../platform/db/tenant.ts';
import { silentLogger } from '../platform/log.ts';
import { noWorkspace, resolveWorkspace } from './workspace.ts';

export interface ApiKeyCommandDeps {
  /** Opens the configured database for the duration of `fn` (see withDatabase in main.ts). */
  withDatabase<T>(fn: (db: Database) => Promise<T>, command: string): Promise<T>;
  clock?: Clock;
  write?: (text: string) => void;
}


const createOptions = z.strictObject({
  workspace: z.string().trim().min(1),
  name: z.string().trim().min(1).max(100),
  readOnly: z.boolean().default(false),
  json: z.boolean().default(false),
});

/**
 * `frontdesk api-keys create`: the operator's way to hand an integration its key, without
 * signing in. The key is made by the workspace itself (a system actor), as the HTTP route
 * would make it for an admin, and printed once.
 */
export function registerApiKeyCommands(program: Command, deps: ApiKeyCommandDeps): void {
  const write = deps.write ?? ((text: string) => void process.stdout.write(text));
  const clock = deps.clock ?? systemClock;
  const keys = program.command('api-keys').description('manage API keys');

  keys
    .command('create')
    .description('create an API key for a workspace and print it (it is shown only once)')
    .requiredOption('--workspace <workspace>', 'workspace id or slug')
    .option('--name <name>', 'what the key is for', 'command line')
    .option('--read-only', 'the key can read but not change anything')
    .option('--json', 'machine-readable output')
    .action(async (raw: unknown) => {
      const opts = createOptions.parse(raw);
      const created = await deps.withDatabase(async (db) => {
        await migrate(db);
        const workspaceId = await resolveWorkspace(db, opts.workspace);
        const actor = { kind: 'system' as const, workspaceId };
        try {
          const key = await withTenant(db, actor, (tx) =>
            createApiKey({ tx, actor, clock, log: silentLogger() }, { name: opts.name, read_only: opts.readOnly }),
          );
          return { key: key.key, id: key.id, workspace_id: workspaceId, read_only: key.read_only };
        } catch (e) {
          // An id that no workspace has: only the key's foreign key notices.
          if (fromDatabaseError(e)?.code === 'db.foreign_key_violation') throw noWorkspace(opts.workspace);
          throw e;
        }
      }, 'api-keys create');
      write(
        opts.json
          ? `${JSON.stringify(created)}\n`
          : `${created.key}\nThis key is shown only once: store it now. (key ${created.id}${created.read_only ? ', read-only' : ''}, workspace ${created.workspace_id})\n`,
      );
    });
}


