import { createInterface } from 'node:readline';
import { Option, type Command } from 'commander';
import { z } from 'zod';
import { MAX_MESSAGE_CHARS, runTurn, type Channel, type TurnOutcome } from '../apps/ari/turn.ts';
import { loadAssistantSettings } from '../apps/ari/turn.store.ts';
import { normalizePhone } from '../modules/contacts/index.ts';
import { findWorkspaceBySlug, getWorkspace } from '../modules/tenancy/index.ts';
import { systemClock, type Clock } from '../platform/clock.ts';
import type { Ctx } from '../platform/context.ts';
import type { Database } from '../platform/db/database.ts';
import { migrate } from '../platform/db/migrate.ts';
import { withServiceRole, withTenant, type Actor } from '../platform/db/tenant.ts';
import { AppError } from '../platform/errors.ts';
import { silentLogger, type Logger } from '../platform/log.ts';

export interface ChatCommandDeps {
  /** Opens the configured database for the duration of `fn` (see withDatabase in main.ts). */
  withDatabase<T>(fn: (db: Database) => Promise<T>, command: string): Promise<T>;
  clock?: Clock;
  /** The customer's side: standard input unless given. */
  input?: NodeJS.ReadableStream;
  write?: (text: string) => void;
  log?: Logger;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const CHANNEL_OF: Record<string, Channel> = { whatsapp: 'whatsapp', sms: 'sms', web: 'webchat' };

const options = z.strictObject({
  workspace: z.string().trim().min(1),
  phone: z.string().trim().min(1),
  channel: z.enum(['whatsapp', 'sms', 'web']).default('whatsapp'),
  json: z.boolean().default(false),
});

const noWorkspace = (given: string) => new AppError('workspace.not_found', 'not_found', `no workspace "${given}"`);

/** The fields of a turn that --json prints, in this order. */
const printed = (r: TurnOutcome) => ({ reply: r.reply, state: r.state, lead_score: r.lead_score, lead_temperature: r.lead_temperature, handoff: r.handoff });

/** Why a line cannot be a customer message, if it cannot. */
function refusal(message: string): string | undefined {
  if (message.length > MAX_MESSAGE_CHARS) return `a message has at most ${MAX_MESSAGE_CHARS} characters`;
  if (message.includes('\u0000')) return 'a message must not contain NUL characters';
  return undefined;
}

/**
 * `frontdesk chat`: talk to a workspace's assistant as a customer, from the terminal. Each
 * line is one customer message, run as the workspace's own system actor (as a channel
 * would), each in its own transaction, so the inbox and the contact show the conversation
 * as it goes. With --json, one JSON object per message on standard output.
 */
export function registerChatCommand(program: Command, deps: ChatCommandDeps): void {
  const write = deps.write ?? ((text: string) => void process.stdout.write(text));
  const clock = deps.clock ?? systemClock;
  const log = deps.log ?? silentLogger();

  program
    .command('chat')
    .description("talk to a workspace's assistant as the customer with this phone number (one message per line; Ctrl-D ends)")
    .requiredOption('--workspace <workspace>', 'workspace id or slug')
    .requiredOption('--phone <phone>', "the customer's phone, international or in the workspace's country")
    .addOption(new Option('--channel <channel>', 'the channel the messages arrive on').choices(['whatsapp', 'sms', 'web']).default('whatsapp'))
    .option('--json', 'read one message per line and print one JSON object per turn')
    .action(async (raw: unknown) => {
      const opts = options.parse(raw);
      const input = deps.input ?? process.stdin;
      await deps.withDatabase(async (db) => {
        await migrate(db);
        const actor: Actor = { kind: 'system', workspaceId: await resolveWorkspace(db, opts.workspace) };
        const ctxOf = (tx: Ctx['tx']): Ctx => ({ tx, actor, clock, log });
        const { phone, botName, workspaceName } = await withTenant(db, actor, async (tx) => {
          const ctx = ctxOf(tx);
          const workspace = await getWorkspace(ctx).catch((e: unknown) => {
            throw e instanceof AppError && e.code === 'workspace.not_found' ? noWorkspace(opts.workspace) : e;
          });
          const phone = normalizePhone(opts.phone) ?? normalizePhone(opts.phone, workspace.country);
          if (!phone) throw new AppError('validation.failed', 'invalid', `--phone: "${opts.phone}" is not a phone number; write it with its country code, like +62 812 3456 7001`);
          return { phone, botName: (await loadAssistantSettings(tx, workspace.id)).persona.bot_name, workspaceName: workspace.name };
        });

        const interactive = !opts.json && (input as { isTTY?: boolean }).isTTY === true;
        const lines = createInterface({ input, ...(interactive ? { output: process.stdout, terminal: true } : { terminal: false }) });
        lines.on('SIGINT', () => lines.close());
        if (interactive) {
          write(`Chatting with ${botName} of ${workspaceName} as ${phone}. Ctrl-D ends.\n`);
          lines.setPrompt('you> ');
          lines.prompt();
        }
        for await (const line of lines) {
          const message = line.trim();
          if (message) {
            const refused = refusal(message);
            if (refused) {
              write(opts.json ? `${JSON.stringify({ error: { code: 'validation.failed', message: refused } })}\n` : `(${refused})\n`);
            } else {
              const result = await withTenant(db, actor, (tx) => runTurn(ctxOf(tx), { phone, channel: CHANNEL_OF[opts.channel]!, message }));
              if (opts.json) write(`${JSON.stringify(printed(result))}\n`);
              else if (result.reply !== null) write(`${botName}> ${result.reply.replace(/\n/g, `\n${' '.repeat(botName.length + 2)}`)}\n`);
              else write(result.handoff ? '(a person answers this conversation now)\n' : '(no reply)\n');
            }
          }
          if (interactive) lines.prompt();
        }
      }, 'chat');
    });
}

/** A slug, or else a workspace id (checked when the chat starts). */
async function resolveWorkspace(db: Database, given: string): Promise<string> {
  const bySlug = await withServiceRole(db, (tx) => findWorkspaceBySlug(tx, given));
  if (bySlug) return bySlug.id;
  if (UUID.test(given)) return given.toLowerCase();
  throw noWorkspace(given);
}
