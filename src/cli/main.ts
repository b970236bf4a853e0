import { Command, CommanderError, Option } from 'commander';
import { writeFileSync } from 'node:fs';
import { seedDemo } from '../apps/demo.ts';
import { registerApiKeyCommands } from './api-keys.ts';
import { registerAvailabilityCommand } from './availability.ts';
import { registerChatCommand } from './chat.ts';
import { registerCitusPlanCommand } from './citus.ts';
import { registerDataCommands } from './data.ts';
import { registerExportCommands } from './export.ts';
import { registerConvexExportCommand } from './convex-export.ts';
import { registerContactsImportCommand } from './contacts-import.ts';
import { registerImportCommand } from './import.ts';
import { templates } from '../apps/templates.ts';
import { start, startWorker } from '../main.ts';
import { environmentModel } from '../modules/assistant/index.ts';
import { createWorkspace, ensureUser, setPassword, templateSchema } from '../modules/tenancy/index.ts';
import { systemClock } from '../platform/clock.ts';
import { ConfigError, loadConfig, type Config } from '../platform/config.ts';
import { SCHEMA_TYPES_FILE, generateSchemaTypes, readCommittedSchemaTypes } from '../platform/db/codegen.ts';
import type { Database } from '../platform/db/database.ts';
import { migrate } from '../platform/db/migrate.ts';
import { openDatabase } from '../platform/db/open.ts';
import { withTenant } from '../platform/db/tenant.ts';
import { AppError } from '../platform/errors.ts';
import { createLogger, silentLogger } from '../platform/log.ts';
import { configureOutbound } from '../platform/http/outbound.ts';
import { loadSecretBox } from '../platform/secrets.ts';
import { version } from '../platform/version.ts';

/** Exit codes: 0 done, 1 failed (with a one-line reason), 2 the command line was wrong. */
class UsageError extends Error {}

async function withDatabase<T>(config: Config, fn: (db: Database) => Promise<T>, command: string): Promise<T> {
  // `chat` calls the model (and Midtrans) as the server would: under the same outbound policy.
  configureOutbound({ allowedHosts: config.OUTBOUND_ALLOWED_HOSTS });
  const db = await openDatabase({
    databaseUrl: config.DATABASE_URL,
    dataDir: config.FRONTDESK_DATA_DIR,
    owner: `frontdesk ${command}`,
  });
  try {
    return await fn(db);
  } finally {
    await db.close();
  }
}

async function readStdin(): Promise<string> {
  if (process.stdin.isTTY) {
    process.stderr.write('password: ');
  }
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function print(json: boolean, value: unknown, human: string) {
  process.stdout.write(json ? `${JSON.stringify(value)}\n` : `${human}\n`);
}

export function buildProgram(config: () => Config): Command {
  const program = new Command('frontdesk')
    .description('Frontdesk: an AI front desk for WhatsApp, SMS, voice and web chat')
    .version(version)
    .showHelpAfterError(false)
    .exitOverride()
    .configureOutput({ writeErr: () => {} });

  program
    .command('serve')
    .description('run the server: migrations, demo data on a fresh embedded database, API')
    .action(async () => {
      const running = await start(config());
      process.stdout.write(`Frontdesk ${version} is running at ${running.url} (database: ${running.db.location})\n`);
      await new Promise<void>((resolve) => {
        const stop = () => {
          process.stdout.write('shutting down\n');
          void running.close().then(resolve);
        };
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
    });

  program
    .command('worker')
    .description('run only the background workers (assistant turns, sends, webhooks, jobs) against DATABASE_URL; run several beside servers started with FRONTDESK_WORKERS=off')
    .action(async () => {
      const running = await startWorker(config());
      process.stdout.write(`Frontdesk ${version} worker is running (database: ${running.db.location})\n`);
      await new Promise<void>((resolve) => {
        const stop = () => {
          process.stdout.write('shutting down\n');
          void running.close().then(resolve);
        };
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
    });

  program
    .command('migrate')
    .description('apply pending migrations to DATABASE_URL or the embedded database')
    .option('--json', 'machine-readable output')
    .action(async (opts: { json?: boolean }) => {
      const report = await withDatabase(config(), migrate, 'migrate');
      print(!!opts.json, report, report.applied.length
        ? `applied ${report.applied.length} migration(s):\n${report.applied.map((m) => `  ${m}`).join('\n')}`
        : `nothing to apply (${report.alreadyApplied} already applied)`);
    });

  const workspaces = program.command('workspaces').description('manage workspaces');
  workspaces
    .command('create')
    .description('create a workspace and its owner (the owner user is created if needed)')
    .requiredOption('--name <name>', 'workspace name')
    .requiredOption('--owner-email <email>', "owner's email")
    .option('--slug <slug>', 'URL name (default: from the name)')
    .addOption(new Option('--template <template>', 'product template').choices(templateSchema.options))
    .option('--time-zone <zone>', 'IANA time zone', 'Asia/Jakarta')
    .option('--locale <locale>', 'language of the assistant', 'id')
    .option('--currency <code>', 'ISO currency code', 'IDR')
    .option('--country <code>', 'ISO country code (phone numbers)', 'ID')
    .option('--json', 'machine-readable output')
    .action(async (opts) => {
      const result = await withDatabase(config(), async (db) => {
        await migrate(db);
        const owner = await ensureUser(db, opts.ownerEmail);
        const actor = { kind: 'user' as const, userId: owner.id };
        const template = opts.template as keyof typeof templates | undefined;
        return withTenant(db, actor, async (tx) => {
          const ws = await createWorkspace(
            { tx, actor, clock: systemClock, log: silentLogger() },
            {
              name: opts.name,
              slug: opts.slug,
              timeZone: opts.timeZone,
              locale: opts.locale,
              currency: opts.currency,
              country: opts.country,
              template,
            },
            template ? templates[template] : undefined,
          );
          return { workspace_id: ws.workspaceId, slug: ws.slug, owner_user_id: owner.id };
        });
      }, 'workspaces create');
      print(!!opts.json, result, `created workspace ${result.slug} (${result.workspace_id}) owned by ${opts.ownerEmail}`);
    });

  const users = program.command('users').description('manage accounts');
  users
    .command('set-password')
    .description('set a password for an account, creating the account if needed (the password is read from standard input)')
    .requiredOption('--email <email>', 'the account')
    .action(async (opts: { email: string }) => {
      const password = (await readStdin()).replace(/\r?\n$/, '');
      if (password.length < 10) throw new UsageError('users set-password: give a password of at least 10 characters on standard input');
      await withDatabase(config(), async (db) => {
        await migrate(db);
        const user = await ensureUser(db, opts.email);
        await setPassword(db, user.id, password);
      }, 'users set-password');
      process.stdout.write(`password set for ${opts.email.toLowerCase()}\n`);
    });

  program
    .command('seed')
    .description('load data')
    .option('--demo', 'the three demo workspaces (idempotent)')
    .option('--json', 'machine-readable output')
    .action(async (opts: { demo?: boolean; json?: boolean }) => {
      if (!opts.demo) throw new UsageError('seed: say what to seed (--demo)');
      const seeded = await withDatabase(config(), async (db) => {
        await migrate(db);
        return seedDemo(db);
      }, 'seed');
      print(!!opts.json, seeded.map((w) => ({ slug: w.slug, workspace_id: w.workspaceId, created: w.created })), seeded.map((w) => `${w.created ? 'created' : 'exists '} ${w.slug} (${w.workspaceId})`).join('\n'));
    });

  program
    .command('db-types')
    .description('regenerate (--write) or verify (--check) the Kysely types of the migrated schema')
    .option('--write', `write ${SCHEMA_TYPES_FILE}`)
    .option('--check', 'exit 1 when the committed types differ from the schema')
    .action(async (opts: { write?: boolean; check?: boolean }) => {
      const { openPglite } = await import('../platform/db/pglite.ts');
      const db = await openPglite();
      try {
        await migrate(db);
        const generated = await generateSchemaTypes(db);
        if (opts.write) {
          writeFileSync(SCHEMA_TYPES_FILE, generated);
          process.stdout.write(`wrote ${SCHEMA_TYPES_FILE}\n`);
        } else if (opts.check) {
          if (generated !== readCommittedSchemaTypes()) {
            throw new AppError('db.types_drift', 'conflict', `${SCHEMA_TYPES_FILE} is out of date; run npm run db:types`);
          }
          process.stdout.write('schema types are up to date\n');
        } else {
          process.stdout.write(generated);
        }
      } finally {
        await db.close();
      }
    });

  registerDataCommands(program, workspaces, { config, withDatabase: (fn, command) => withDatabase(config(), fn, command) });
  registerApiKeyCommands(program, { withDatabase: (fn, command) => withDatabase(config(), fn, command) });
  registerAvailabilityCommand(program, { withDatabase: (fn, command) => withDatabase(config(), fn, command) });
  const dataCommands = {
    withDatabase: <T>(fn: (db: Database) => Promise<T>, command: string) => withDatabase(config(), fn, command),
    group: (name: string, description: string) => program.commands.find((c) => c.name() === name) ?? program.command(name).description(description),
  };
  registerExportCommands(dataCommands);
  registerConvexExportCommand(dataCommands);
  registerContactsImportCommand(dataCommands);
  registerCitusPlanCommand(program);
  registerImportCommand(program, { withDatabase: (fn, command) => withDatabase(config(), fn, command) });
  registerChatCommand(program, {
    withDatabase: (fn, command) => withDatabase(config(), fn, command),
    secrets: (db) => loadSecretBox({ key: config().FRONTDESK_SECRET_KEY, dataDir: db.kind === 'pglite' ? config().FRONTDESK_DATA_DIR : undefined }),
    llm: () => environmentModel(config()),
  });

  return program;
}

/** Runs the command line and returns the exit code. */
export async function main(argv: string[]): Promise<number> {
  let cached: Config | undefined;
  const config = () => (cached ??= loadConfig());
  const program = buildProgram(config);
  try {
    await program.parseAsync(argv);
    return 0;
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.exitCode === 0 || e.code === 'commander.helpDisplayed' || e.code === 'commander.version') return 0;
      if (e.code === 'commander.help') return 0;
      process.stderr.write(`frontdesk: ${e.message.replace(/^error: /, '')}\n`);
      return 2;
    }
    if (e instanceof UsageError) {
      process.stderr.write(`frontdesk: ${e.message}\n`);
      return 2;
    }
    if (e instanceof ConfigError) {
      process.stderr.write(`frontdesk: ${e.message}\n`);
      return 1;
    }
    if (e instanceof AppError) {
      process.stderr.write(`frontdesk: ${e.message}\n`);
      return 1;
    }
    if (e && typeof e === 'object' && 'issues' in e) {
      const issues = (e as { issues: { path: PropertyKey[]; message: string }[] }).issues;
      process.stderr.write(`frontdesk: ${issues.map((i) => `${i.path.join('.') || 'input'}: ${i.message}`).join('; ')}\n`);
      return 2;
    }
    createLogger('error').error({ err: e }, 'command failed');
    process.stderr.write(`frontdesk: ${(e as Error)?.message ?? String(e)}\n`);
    return 1;
  }
}
