import { seedAriWebhooks } from './ari/demo-webhooks.ts';
import { markConversationRead } from '../modules/conversations/index.ts';
import { createApiKey, createInvitation, createWorkspace, ensureUser, findWorkspaceBySlug, setPassword, type CreateWorkspaceInput, type Template } from '../modules/tenancy/index.ts';
import { systemClock, type Clock } from '../platform/clock.ts';
import type { Ctx } from '../platform/context.ts';
import type { Database } from '../platform/db/database.ts';
import { withServiceRole, withTenant } from '../platform/db/tenant.ts';
import { silentLogger } from '../platform/log.ts';
import type { SecretBox } from '../platform/secrets.ts';
import { seedAmaraDemo } from './amara/demo.ts';
import { seedAriChannels } from './ari/demo-channels.ts';
import { seedAriDemo, seedAriLeadHistory } from './ari/demo.ts';
import { templates } from './templates.ts';
import { seedVoiceDemo } from './voice/demo.ts';

/** Every demo owner signs in with their email and this password. */
export const DEMO_PASSWORD = 'frontdesk-demo';

export interface SeededWorkspace {
  slug: string;
  workspaceId: string;
  created: boolean;
}

interface DemoWorkspace {
  input: CreateWorkspaceInput & { slug: string; template: Template };
  ownerEmail: string;
  ownerName: string;
}

export const demoWorkspaces: DemoWorkspace[] = [
  {
    input: { name: 'Eagle Overseas Education', slug: 'eagle-overseas', template: 'ari', timeZone: 'Asia/Jakarta', locale: 'id', currency: 'IDR', country: 'ID' },
    ownerEmail: 'owner@eagle-overseas.demo',
    ownerName: 'Rina Kusuma',
  },
  {
    input: { name: 'Casa Limpia Bogotá', slug: 'casa-limpia', template: 'amara', timeZone: 'America/Bogota', locale: 'es', currency: 'COP', country: 'CO' },
    ownerEmail: 'owner@casa-limpia.demo',
    ownerName: 'Laura Martínez',
  },
  {
    input: { name: '1StopLaundry Toronto', slug: '1stoplaundry', template: 'voice', timeZone: 'America/Toronto', locale: 'en', currency: 'CAD', country: 'CA' },
    ownerEmail: 'owner@1stoplaundry.demo',
    ownerName: 'Daniel Wright',
  },
];

/**
 * The three demo businesses, each on its product's template with a little history.
 * Idempotent: a workspace whose slug exists is left as it is. `publicUrl` is where the server
 * is reached, for the demo payment page's links.
 */
export async function seedDemo(db: Database, clock: Clock = systemClock, options: { publicUrl?: string | undefined; secrets?: SecretBox | undefined } = {}): Promise<SeededWorkspace[]> {
  const seeded: SeededWorkspace[] = [];
  for (const demo of demoWorkspaces) {
    const existing = await withServiceRole(db, (tx) => findWorkspaceBySlug(tx, demo.input.slug));
    if (existing) {
      seeded.push({ slug: existing.slug, workspaceId: existing.id, created: false });
      continue;
    }
    const owner = await ensureUser(db, demo.ownerEmail, demo.ownerName);
    if (owner.created) await setPassword(db, owner.id, DEMO_PASSWORD);
    const extra =
      demo.input.template === 'ari'
        ? await ensureUser(db, 'consultant@eagle-overseas.demo', 'Hendra Gunawan')
        : demo.input.template === 'amara'
          ? await ensureUser(db, 'maria.gonzalez@example.co', 'María González')
          : undefined;
    const actor = { kind: 'user' as const, userId: owner.id };
    const { workspaceId } = await withTenant(db, actor, (tx) =>
      createWorkspace({ tx, actor, clock, log: silentLogger() }, demo.input, async (ctx: Ctx, id: string) => {
        await templates[demo.input.template](ctx, id);
        if (demo.input.template === 'ari') {
          await ctx.tx.db.insertInto('workspace_members').values({ workspace_id: id, user_id: extra!.id, role: 'member' }).execute();
          await seedAriDemo(ctx, id, extra!.id, { publicUrl: options.publicUrl });
        }
        if (demo.input.template === 'voice') {
          await seedVoiceDemo(ctx, id, { publicUrl: options.publicUrl });
          // The receptionist's voice agent and SMS provider would call in with this key.
          await createApiKey(ctx, { name: 'Voice agent (demo)', read_only: false });
          await createInvitation(ctx, { email: 'dispatcher@1stoplaundry.demo', role: 'member' });
        }
      }),
    );
    if (demo.input.template === 'amara') await seedAmaraDemo(db, clock, workspaceId, owner.id, extra!.id, { publicUrl: options.publicUrl });
    if (demo.input.template === 'ari') {
      // The WhatsApp number (with its tokens when a SecretBox is given) and the channel records of the demo conversations.
      await withTenant(db, { kind: 'system', workspaceId }, async (tx) => {
        const ctx = { tx, actor: { kind: 'system' as const, workspaceId }, clock, log: silentLogger() };
        await seedAriChannels(ctx, workspaceId, options.secrets);
        await seedAriLeadHistory(ctx, workspaceId);
        await seedAriWebhooks(ctx, workspaceId, options.secrets, (ago) => new Date(clock.now().getTime() - ago));
      });
      // The owner has read the oldest thread, so the inbox shows read and unread ones.
      const reader = { ...actor, workspaceId };
      await withTenant(db, reader, async (tx) => {
        const ctx = { tx, actor: reader, clock, log: silentLogger() };
        const oldest = await tx.db.selectFrom('conversations').select('id').where('workspace_id', '=', workspaceId).orderBy('created_at').limit(1).executeTakeFirst();
        if (oldest) await markConversationRead(ctx, oldest.id);
      });
      // The settlement notification that paid the demo consultation, as the webhook records it.
      await withTenant(db, { kind: 'system', workspaceId }, (tx) =>
        tx.db
          .insertInto('webhook_events')
          .values({ workspace_id: workspaceId, provider: 'midtrans', event_key: 'demo-eagle-0001:settlement:200', payload: JSON.stringify({ order_id: 'demo-eagle-0001', transaction_status: 'settlement', status_code: '200', gross_amount: '500000.00' }) })
          .execute(),
      );
    }
    seeded.push({ slug: demo.input.slug, workspaceId, created: true });
  }
  return seeded;
}
