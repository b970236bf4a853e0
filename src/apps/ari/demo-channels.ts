import { recordRejection, saveChannelSettings } from '../../modules/channels/index.ts';
import type { Ctx } from '../../platform/context.ts';
import { newId } from '../../platform/ids.ts';
import type { SecretBox } from '../../platform/secrets.ts';

/**
 * Eagle Overseas's WhatsApp number in the demo. Public demo values: point WHATSAPP_GRAPH_URL
 * at a fake (test/support/fakes/meta.ts) to talk to it, and replace them with the workspace's own
 * (PUT /api/v1/channels/whatsapp) to reach real customers.
 */
export const DEMO_WHATSAPP = {
  phone_number_id: '100000000000001',
  display_phone_number: '+62 21 5000 1001',
  business_account_id: '100000000000000',
  access_token: 'demo-whatsapp-access-token',
  app_secret: 'demo-whatsapp-app-secret',
  verify_token: 'demo-whatsapp-verify-token',
  reminder_template: { name: 'appointment_reminder', language: 'id' },
} as const;

/**
 * The demo workspace's WhatsApp channel and the channel records of its demo conversations:
 * each inbound message as the webhook stored it, each reply as the outbox sent it, and each
 * lead's customer-service window. Runs as the workspace's system actor (the channel tables are
 * the server's to write). Without a SecretBox the number is connected without its tokens.
 */
export async function seedAriChannels(ctx: Ctx, workspaceId: string, secrets: SecretBox | undefined): Promise<void> {
  const { db } = ctx.tx;
  const ws = { workspace_id: workspaceId };
  if (secrets) {
    await saveChannelSettings(ctx, secrets, 'whatsapp', { ...DEMO_WHATSAPP, reminder_template: { ...DEMO_WHATSAPP.reminder_template } });
  } else {
    const { phone_number_id, display_phone_number, business_account_id, reminder_template } = DEMO_WHATSAPP;
    await db.insertInto('integrations').values({ ...ws, id: newId(), provider: 'whatsapp', provider_account_id: phone_number_id, settings: JSON.stringify({ phone_number_id, display_phone_number, business_account_id, reminder_template, secrets_set: [] }) }).execute();
    await db.insertInto('channel_accounts').values({ ...ws, provider: 'whatsapp', account_id: phone_number_id }).execute();
  }

  const messages = await db
    .selectFrom('messages as m')
    .innerJoin('conversations as c', (j) => j.onRef('c.workspace_id', '=', 'm.workspace_id').onRef('c.id', '=', 'm.conversation_id'))
    .innerJoin('contacts as p', (j) => j.onRef('p.workspace_id', '=', 'c.workspace_id').onRef('p.id', '=', 'c.contact_id'))
    .select(['m.id', 'm.direction', 'm.body', 'm.provider_message_id', 'm.created_at', 'c.contact_id', 'p.phone', 'p.name'])
    .where('m.workspace_id', '=', workspaceId)
    .where('m.channel', '=', 'whatsapp')
    .where('m.provider_message_id', 'is not', null)
    .execute();
  const inbound = messages.filter((m) => m.direction === 'inbound' && m.phone);
  const outbound = messages.filter((m) => m.direction === 'outbound');
  if (inbound.length) {
    await db
      .insertInto('channel_inbox')
      .values(inbound.map((m) => ({ ...ws, id: newId(), channel: 'whatsapp', provider_message_id: m.provider_message_id!, sender: m.phone!, sender_name: m.name, body: m.body, sent_at: m.created_at, status: 'done', attempts: 1, processed_at: m.created_at })))
      .execute();
    const lastInbound = new Map<string, Date>();
    for (const m of inbound) if ((lastInbound.get(m.contact_id)?.getTime() ?? 0) < m.created_at.getTime()) lastInbound.set(m.contact_id, m.created_at);
    await db
      .insertInto('contact_channel_windows')
      .values([...lastInbound].map(([contact_id, last_inbound_at]) => ({ ...ws, contact_id, channel: 'whatsapp', last_inbound_at })))
      .execute();
    // Those messages came through Meta's signed webhook: the setup screen shows when the last did.
    const last = Math.max(...inbound.map((m) => m.created_at.getTime()));
    await db.insertInto('integration_webhooks').values({ ...ws, provider: 'whatsapp', last_verified_at: new Date(last) }).execute();
  }
  if (outbound.length) {
    await db
      .insertInto('outbox')
      .values(outbound.map((m) => ({ ...ws, message_id: m.id, channel: 'whatsapp', status: 'sent', attempts: 1, provider_message_id: m.provider_message_id, sent_at: m.created_at, next_attempt_at: m.created_at })))
      .execute();
  }
  // A message Meta delivered that the edge refused (its sender is no phone number): staff can
  // see what never reached the inbox, and why.
  await recordRejection(
    ctx.tx,
    workspaceId,
    'whatsapp',
    { providerMessageId: 'wamid.demo-rejected-0001', reason: 'from: not an E.164 phone number' },
    ctx.clock.now(),
  );
}
