import { callGreeting, findActiveSystemPrompt, personaLanguage } from '../../modules/assistant/index.ts';
import { findOrCreateContactByPhone } from '../../modules/contacts/index.ts';
import type { CallAssistant, Caller } from '../../modules/channels/index.ts';
import { normalizePhone } from '../../modules/contacts/index.ts';
import { getWorkspace } from '../../modules/tenancy/index.ts';
import { DEFAULT_VOICE_PROMPT } from './template.ts';
import { workspaceIdOf, type Ctx } from '../../platform/context.ts';
import { BookingArgs, bookFromDetails, receptionistTools, runTool, type ReceptionScope } from './tools.ts';

async function scopeFor(ctx: Ctx, caller: Caller): Promise<ReceptionScope> {
  const workspace = await getWorkspace(ctx);
  return { phone: caller.phone, contactId: caller.contactId, source: 'voice', language: personaLanguage(workspace.locale) };
}

/**
 * The receptionist on the phone: what the channels module's Vapi webhook asks of the
 * workspace's assistant during and after a call (the caller's contact, the tools, the booking
 * a finished call captured). Wired by src/http.ts.
 */
const LANGUAGE_NAMES: Record<string, string> = { en: 'English', es: 'Spanish', id: 'Indonesian' };

export const receptionistOnCalls: CallAssistant = {
  async setup(ctx, caller) {
    const workspace = await getWorkspace(ctx);
    const scope = await scopeFor(ctx, caller);
    const tools = receptionistTools(ctx, scope);
    const prompt = (await findActiveSystemPrompt(ctx, 'voice'))?.system_prompt ?? DEFAULT_VOICE_PROMPT;
    const now = new Intl.DateTimeFormat('en-CA', { timeZone: workspace.time_zone, dateStyle: 'full', timeStyle: 'short' }).format(ctx.clock.now());
    const rules = [
      `You answer the phone for ${workspace.name}. It is ${now} in ${workspace.time_zone}; give times in that zone.`,
      `Speak ${LANGUAGE_NAMES[scope.language] ?? 'English'} unless the caller speaks another language. Keep each answer to one or two short sentences: this is a phone call.`,
      'Prices, service areas, free times and answers come only from your tools: check_services, check_service_area, get_availability and answer_question. Never guess them.',
      'Call create_booking only after the caller has confirmed the service, the number of loads, the address and the time, with a pickup_time taken from get_availability.',
    ];
    const booking = tools.find((t) => t.name === 'create_booking')?.parameters.properties ?? {};
    return {
      name: workspace.name,
      firstMessage: callGreeting(workspace.name, scope.language),
      systemPrompt: `${prompt}\n\n${rules.join('\n')}`,
      language: scope.language,
      tools: tools.map((t) => ({ name: t.name, description: t.description, parameters: t.parameters })),
      // What `book` reads from the end-of-call report, when no tool call booked during the call.
      structuredData: {
        type: 'object',
        properties: {
          ...(booking as Record<string, unknown>),
          booking_confirmed: { type: 'boolean', description: 'true only if the caller confirmed the booking on the call' },
          sentiment: { type: 'string', enum: ['positive', 'neutral', 'negative'] },
        },
      },
    };
  },

  async caller(ctx, number) {
    const workspace = await getWorkspace(ctx);
    const phone = normalizePhone(number) ?? normalizePhone(number, workspace.country);
    if (!phone) return {};
    return { phone, contactId: await findOrCreateContactByPhone(ctx.tx, workspaceIdOf(ctx), phone, 'voice') };
  },

  async tools(ctx, caller) {
    return receptionistTools(ctx, await scopeFor(ctx, caller)).map((t) => ({ name: t.name, run: (args: unknown) => runTool(t, args) }));
  },

  async book(ctx, caller, details) {
    // The structured data the voice agent is set up to capture: a booking needs at least a service and a time the caller agreed to.
    if (details.service === undefined || details.pickup_time === undefined || details.booking_confirmed === false) return null;
    const args = BookingArgs.safeParse(details);
    if (!args.success || !(caller.phone ?? args.data.phone)) {
      return { not_made: `the call's details were incomplete (${args.success ? 'no caller number' : args.error.issues.map((i) => i.path.join('.')).join(', ')})` };
    }
    const booked = await bookFromDetails(ctx, await scopeFor(ctx, caller), args.data);
    return 'error' in booked ? { not_made: booked.error.message } : { booking_id: booked.booking_id };
  },
};
