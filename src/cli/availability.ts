import type { Command } from 'commander';
import { z } from 'zod';
import { getAvailability } from '../modules/scheduling/index.ts';
import { systemClock, type Clock } from '../platform/clock.ts';
import type { Database } from '../platform/db/database.ts';
import { migrate } from '../platform/db/migrate.ts';
import { withTenant } from '../platform/db/tenant.ts';
import { AppError, type FieldIssue } from '../platform/errors.ts';
import { silentLogger } from '../platform/log.ts';
import { noWorkspace, resolveWorkspace, UUID } from './workspace.ts';

export interface AvailabilityCommandDeps {
  /** Opens the configured database for the duration of `fn` (see withDatabase in main.ts). */
  withDatabase<T>(fn: (db: Database) => Promise<T>, command: string): Promise<T>;
  clock?: Clock;
  write?: (text: string) => void;
}

const LocalDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date like 2026-03-02');

const options = z.strictObject({
  workspace: z.string().trim().min(1),
  from: LocalDate,
  to: LocalDate,
  consultant: z.string().regex(UUID, 'a consultant user id').optional(),
  json: z.boolean().default(false),
});

interface Listed {
  workspace_id: string;
  time_zone: string;
  slots: { start: string; end: string; local_start: string; consultant_id: string | null; seats_left: number }[];
}

/**
 * `frontdesk availability`: the slots a workspace offers between two local dates, as the API
 * computes them (the workspace's own system actor reads them, so the same rules apply).
 */
export function registerAvailabilityCommand(program: Command, deps: AvailabilityCommandDeps): void {
  const write = deps.write ?? ((text: string) => void process.stdout.write(text));
  const clock = deps.clock ?? systemClock;

  program
    .command('availability')
    .description('list the bookable slots of a workspace between two dates (inclusive, in its time zone)')
    .requiredOption('--workspace <workspace>', 'workspace id or slug')
    .requiredOption('--from <date>', 'first day, YYYY-MM-DD')
    .requiredOption('--to <date>', 'last day, YYYY-MM-DD')
    .option('--consultant <id>', "only this consultant's slots")
    .option('--json', 'machine-readable output')
    .action(async (raw: unknown) => {
      const opts = options.parse(raw);
      const listed = await deps.withDatabase(async (db) => {
        await migrate(db);
        const workspaceId = await resolveWorkspace(db, opts.workspace);
        const actor = { kind: 'system' as const, workspaceId };
        return withTenant(db, actor, async (tx): Promise<Listed> => {
          const ctx = { tx, actor, clock, log: silentLogger() };
          try {
            const { time_zone, data } = await getAvailability(ctx, { from: opts.from, to: opts.to, consultant_id: opts.consultant?.toLowerCase() });
            return { workspace_id: workspaceId, time_zone, slots: data };
          } catch (e) {
            throw asCommandError(e, opts.workspace);
          }
        });
      }, 'availability');
      write(opts.json ? `${JSON.stringify(listed)}\n` : humanReadable(listed));
    });
}

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

/** One heading per local day, a line per slot: its local times, who, and the seats left. */
function humanReadable(listed: Listed): string {
  if (listed.slots.length === 0) return `no slots (${listed.time_zone})\n`;
  const lines = [`slots in ${listed.time_zone}`];
  let day = '';
  for (const s of listed.slots) {
    const date = s.local_start.slice(0, 10);
    if (date !== day) {
      day = date;
      lines.push(`${date} ${WEEKDAYS[new Date(`${date}T12:00:00Z`).getUTCDay()]}`);
    }
    const minutes = (Date.parse(s.end) - Date.parse(s.start)) / 60_000;
    const who = s.consultant_id ?? 'anyone';
    lines.push(`  ${s.local_start.slice(11, 16)}  ${minutes} min  ${who}  ${s.seats_left} seat${s.seats_left === 1 ? '' : 's'} left`);
  }
  return `${lines.join('\n')}\n`;
}

/** The API's errors in the command line's words: options instead of query fields. */
function asCommandError(e: unknown, workspace: string): unknown {
  if (!(e instanceof AppError)) return e;
  if (e.code === 'workspace.not_found') return noWorkspace(workspace);
  const issues = e.details?.issues as FieldIssue[] | undefined;
  if (e.code === 'validation.failed' && issues) {
    return new AppError(e.code, e.kind, issues.map((i) => `--${i.field}: ${i.message}`).join('; '), e.details);
  }
  return e;
}


