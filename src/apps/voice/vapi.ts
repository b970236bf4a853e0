import { personaLanguage } from '../../modules/assistant/index.ts';
import { findOrCreateContactByPhone } from '../../modules/contacts/index.ts';
import type { CallAssistant, Caller } from '../../modules/channels/index.ts';
import { normalizePhone } from '../../modules/contacts/index.ts';
import { getWorkspace } from '../../modules/tenancy/index.ts';
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
export const receptionistOnCalls: CallAssistant = {
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
