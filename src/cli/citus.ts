import type { Command } from 'commander';
import { citusStatements, planCitus, readCitusCatalog } from '../platform/db/citus.ts';
import { migrate } from '../platform/db/migrate.ts';

/**
 * `frontdesk citus-plan`: the SQL that puts this version's schema onto Citus, derived from a
 * freshly migrated in-memory database (as db-types is), so it needs no DATABASE_URL and
 * never reads production's catalog. docs/operations.md explains each step.
 */
export function registerCitusPlanCommand(program: Command): void {
  program
    .command('citus-plan')
    .description('print the Citus statements (reference tables, distributed tables by workspace_id, in dependency order) for this schema')
    .option('--json', 'the plan as JSON instead of SQL')
    .action(async (opts: { json?: boolean }) => {
      const { openPglite } = await import('../platform/db/pglite.ts');
      const db = await openPglite();
      try {
        await migrate(db);
        const plan = await db.transaction(async (tx) => planCitus(await readCitusCatalog(tx)));
        process.stdout.write(opts.json ? `${JSON.stringify(plan, null, 2)}\n` : `${citusStatements(plan).join('\n')}\n`);
        if (plan.problems.length) process.exitCode = 1;
      } finally {
        await db.close();
      }
    });
}
