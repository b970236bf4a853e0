import { randomBytes } from 'node:crypto';
import type { Ctx } from '../../platform/context.ts';
import { newId } from '../../platform/ids.ts';
import type { SecretBox } from '../../platform/secrets.ts';

/**
 * Eagle Overseas's outbound webhook in the demo: a CRM endpoint that took one hot lead, then was
 * disabled, so a demo server sends nothing to example.com. Without a SecretBox its secret is not
 * kept (enabling it then fails every attempt until it is registered again). The owner's
 * notification preferences: payments by e-mail as well.
 */
export async function seedAriWebhooks(ctx: Ctx, workspaceId: string, secrets: SecretBox | undefined, at: (msAgo: number) => Date): Promise<void> {
  const { db } = ctx.tx;
  const ws = { workspace_id: workspaceId };
  const endpointId = newId();
  const deliveryId = newId();
  const secret = `whsec_${randomBytes(24).toString('base64')}`;
  await db.insertInto('webhook_endpoints').values({
    ...ws, id: endpointId, url: 'https://crm.example.com/hooks/frontdesk', description: 'CRM (demo)', event_types: ['lead.hot', 'booking.created', 'payment.received'],
    secret_sealed: secrets ? secrets.seal(secret) : 'demo-not-kept', enabled: false, disabled_at: at(3_600_000), disabled_reason: 'disabled by a person',
    last_success_at: at(2 * 3_600_000), created_at: at(3 * 86_400_000), updated_at: at(3_600_000),
  }).execute();
  const payload = { type: 'lead.hot', timestamp: at(2 * 3_600_000).toISOString(), data: { lead_score: 82, lead_temperature: 'hot', state: 'scheduling' } };
  await db.insertInto('webhook_deliveries').values({ ...ws, id: deliveryId, endpoint_id: endpointId, event_type: 'lead.hot', payload: JSON.stringify(payload), status: 'delivered', attempts: 1, next_attempt_at: at(2 * 3_600_000), created_at: at(2 * 3_600_000), delivered_at: at(2 * 3_600_000) }).execute();
  // The owner wants payments by e-mail too.
  const owner = await db.selectFrom('workspace_members').select('user_id').where('workspace_id', '=', workspaceId).where('role', '=', 'owner').executeTakeFirst();
  if (owner) {
    await db.insertInto('staff_notification_preferences').values([
      { ...ws, user_id: owner.user_id, event_type: 'payment.received', in_app: true, email: true },
      { ...ws, user_id: owner.user_id, event_type: 'payment.failed', in_app: true, email: true },
    ]).execute();
  }
  await db.insertInto('webhook_attempts').values({ ...ws, id: newId(), delivery_id: deliveryId, started_at: at(2 * 3_600_000), duration_ms: 182, response_status: 200, response_body: '{"ok":true}' }).execute();
}
