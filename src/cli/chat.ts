import { createInterface } from 'node:readline';
import { Option, type Command } from 'commander';
import { z } from 'zod';
import { tellCustomerAboutPayment } from '../apps/ari/payment-events.ts';
import { answerInbound } from '../apps/answer.ts';
import { findAssistantRecord, loadAssistantSettings, MAX_MESSAGE_CHARS, type Channel, type TurnOutcome, type EnvironmentModel } from '../modules/assistant/index.ts';
import { findContactIdByPhone, normalizePhone } from '../modules/contacts/index.ts';
import { payNewestDemoPayment } from '../modules/payments/index.ts';
import { getWorkspace } from '../modules/tenancy/index.ts';
import { systemClock, type Clock } from '../platform/clock.ts';
import { workspaceIdOf, type Ctx } from '../platform/context.ts';
import type { Database } from '../platform/db/database.ts';
import { migrate } from '../platform/db/migrate.ts';
import { withTenant, type Actor } from '../platform/db/tenant.ts';
import { AppError } from '../platform/errors.ts';
import { silentLogger, type Logger } from '../platform/log.ts';
import { missingSecretBox, type SecretBox } from '../platform/secrets.ts';
import { noWorkspace, resolveWorkspace } from './workspace.ts';

export interface ChatCommandDeps {
  /** Opens the configured database for the duration of `fn` (see withDatabase in main.ts). */
  withDatabase<T>(fn: (db: Database) => Promise<T>, command: string): Promise<T>;
  clock?: Clock;
  /** The customer's side: standard input unless given. */
  input?: NodeJS.ReadableStream;
  write?: (text: string) => void;
  log?: Logger;
  /** Opens integration secrets (a workspace's Midtrans key); without it only the demo gateway can take payment. */
  secrets?: (db: Database) => Promise<SecretBox>;
  /** The model from the environment (LLM_BASE_URL...), for workspaces without their own; absent: the built-in engine. */
  llm?: () => EnvironmentModel | undefined;
}

/** The line that pays the customer's newest demo payment link, as if they had pressed Pay. */
export const PAY_COMMAND = '/pay';


const CHANNEL_OF: Record<string, Channel> = { whatsapp: 'whatsapp', sms: 'sms', web: 'webchat' };

const options = z.strictObject({
  workspace: z.string().trim().min(1),
  phone: z.string().trim().min(1),
  channel: z.enum(['whatsapp', 'sms', 'web']).default('whatsapp'),
  json: z.boolean().default(false),
});


/** The fields of a turn that --json prints, in this order. */
const printed = (r: Pick<TurnOutcome, 'reply' | 'state' | 'lead_score' | 'lead_temperature' | 'handoff'>) => ({
  reply: r.reply,
  state: r.state,
  lead_score: r.lead_score,
  lead_temperature: r.lead_temperature,
  handoff: r.handoff,
});

/** Why a line cannot be a customer message, if it cannot. */
function refusal(message: string): string | undefined {
  if (message.length > MAX_MESSAGE_CHARS) return `a message has at most ${MAX_MESSAGE_CHARS} characters`;
  if (message.includes('\u0000')) return 'a message must not contain NUL characters';
  return undefined;
}

/**
 * `/pay`: the customer pays their newest pending demo payment, through the same function as
 * the demo payment page's Pay button (the demo gateway of a demo workspace; no money moves).
 * Answers what the customer was told and where the conversation is now.
 */
async function payDemo(ctx: Ctx, phone: string) {
  const ws = workspaceIdOf(ctx);
  const contactId = await findContactIdByPhone(ctx.tx, ws, phone);
  if (!contactId) throw new AppError('payment.nothing_to_pay', 'conflict', 'this customer has no demo payment waiting');
  const { payment, notice } = await payNewestDemoPayment(ctx, contactId, tellCustomerAboutPayment);
  const ari = await findAssistantRecord(ctx.tx, ws, contactId);
  if (!ari) throw new Error('a paid demo payment without the assistant record it belongs to');
  const turn = {
    reply: notice,
    state: ari.state as TurnOutcome['state'],
    lead_score: ari.lead_score,
    lead_temperature: ari.lead_temperature as TurnOutcome['lead_temperature'],
    handoff: ari.state === 'handoff',
  };
  return { turn, payment: { order_id: payment.order_id, status: payment.status, amount: payment.amount, currency: payment.currency } };
}

const HELP = `
Each line is a message from the customer. After the assistant sends a payment link on a demo
workspace (the demo gateway: no money moves), the line ${PAY_COMMAND} pays the customer's newest
pending demo payment, as the Pay button of the link's page would, and prints what the customer
is told. A workspace with Midtrans keys is paid through Midtrans instead, and ${PAY_COMMAND} finds nothing to pay.
`;

/**
 * `frontdesk chat`: talk to a workspace's assistant as a customer, from the terminal. Each
 * line is one customer message, run as the workspace's own system actor (as a channel
 * would), each in its own transaction, so the inbox and the contact show the conversation
 * as it goes. With --json, one JSON object per message on standard output. `/pay` pays a
 * demo payment link.
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
    .addHelpText('after', HELP)
    .action(async (raw: unknown) => {
      const opts = options.parse(raw);
      const input = deps.input ?? process.stdin;
      await deps.withDatabase(async (db) => {
        await migrate(db);
        const secrets = deps.secrets ? await deps.secrets(db) : missingSecretBox;
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
          write(`Chatting with ${botName} of ${workspaceName} as ${phone}. ${PAY_COMMAND} pays a demo payment link; Ctrl-D ends.\n`);
          lines.setPrompt('you> ');
          lines.prompt();
        }
        const say = (result: Pick<TurnOutcome, 'reply' | 'handoff'>) => {
          if (result.reply !== null) write(`${botName}> ${result.reply.replace(/\n/g, `\n${' '.repeat(botName.length + 2)}`)}\n`);
          else write(result.handoff ? '(a person answers this conversation now)\n' : '(no reply)\n');
        };
        for await (const line of lines) {
          const message = line.trim();
          if (message === PAY_COMMAND) {
            try {
              const paid = await withTenant(db, actor, (tx) => payDemo(ctxOf(tx), phone));
              if (opts.json) write(`${JSON.stringify({ ...printed(paid.turn), payment: paid.payment })}\n`);
              else {
                write(`(demo payment ${paid.payment.order_id}: ${paid.payment.status}, ${paid.payment.amount} ${paid.payment.currency}; no money moved)\n`);
                say(paid.turn);
              }
            } catch (e) {
              if (!(e instanceof AppError) || e.kind === 'unavailable') throw e;
              write(opts.json ? `${JSON.stringify({ error: { code: e.code, message: e.message } })}\n` : `(${e.message})\n`);
            }
          } else if (message) {
            const refused = refusal(message);
            if (refused) {
              write(opts.json ? `${JSON.stringify({ error: { code: 'validation.failed', message: refused } })}\n` : `(${refused})\n`);
            } else {
              // In phases of its own (a TurnScope): no connection is held while a model words the reply.
              const result = await answerInbound({ db, actor, clock, log }, { phone, channel: CHANNEL_OF[opts.channel]!, message }, { secrets, llm: deps.llm?.() });
              if (opts.json) write(`${JSON.stringify(printed(result))}\n`);
              else say(result);
            }
          }
          if (interactive) lines.prompt();
        }
      }, 'chat');
    });
}

