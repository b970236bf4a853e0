import { workspaceIdOf, type Ctx } from '../../../platform/context.ts';
import { findIntegration } from '../../../platform/db/integrations.ts';
import { StoredWhatsAppSettings } from '../settings/settings.schema.ts';
import { WINDOW_MS } from './whatsapp.protocol.ts';

/**
 * Whether WhatsApp takes a free-form message now: only within 24 hours of the customer's last
 * message (Meta's customer-service window). The sender decides with this same rule.
 */
export const whatsappWindowOpen = (lastInboundAt: Date | null, now: Date): boolean =>
  lastInboundAt !== null && now.getTime() - lastInboundAt.getTime() < WINDOW_MS;

/** What staff need to know before they write on WhatsApp. */
export interface ReplyWindow {
  /** A free-form reply can go now. */
  free_form: boolean;
  /** The customer's last message on WhatsApp (the provider's time), if they ever wrote. */
  last_customer_message_at: Date | null;
  /** When free-form replies stop (last_customer_message_at + 24 h); null if they never wrote. */
  closes_at: Date | null;
  /** The workspace's approved template, which is what can go outside the window; null when none is configured. */
  template: { name: string; language: string } | null;
}

/**
 * The contact's WhatsApp window as the sender will judge it (contact_channel_windows, kept by
 * the channel worker) and the template configured for the workspace's number.
 */
export async function whatsappReplyWindow(ctx: Ctx, contactId: string): Promise<ReplyWindow> {
  const ws = workspaceIdOf(ctx);
  const row = await ctx.tx.db
    .selectFrom('contact_channel_windows')
    .select('last_inbound_at')
    .where('workspace_id', '=', ws)
    .where('contact_id', '=', contactId)
    .where('channel', '=', 'whatsapp')
    .executeTakeFirst();
  const integration = await findIntegration(ctx.tx, ws, 'whatsapp');
  const settings = integration ? StoredWhatsAppSettings.safeParse(integration.settings) : undefined;
  const last = row?.last_inbound_at ?? null;
  return {
    free_form: whatsappWindowOpen(last, ctx.clock.now()),
    last_customer_message_at: last,
    closes_at: last ? new Date(last.getTime() + WINDOW_MS) : null,
    template: settings?.success ? settings.data.reminder_template : null,
  };
}
