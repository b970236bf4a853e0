import type { Ctx } from '../../platform/context.ts';
import { newId } from '../../platform/ids.ts';

/** The voice and SMS booking receptionist (seed 004): its prompts, first FAQs, priced services, service areas and pickup windows. */
export async function applyVoiceTemplate(ctx: Ctx, workspaceId: string): Promise<void> {
  // The receptionist speaks as the front desk, in the workspace's language.
  const { locale } = await ctx.tx.db.selectFrom('workspaces').select('locale').where('id', '=', workspaceId).executeTakeFirstOrThrow();
  await ctx.tx.db
    .insertInto('ari_config')
    .values({ id: newId(), workspace_id: workspaceId, bot_name: 'Front desk', language: locale.slice(0, 2) })
    .onConflict((oc) => oc.column('workspace_id').doNothing())
    .execute();
  await ctx.tx.db
    .insertInto('system_prompts')
    .values([
      {
        id: newId(),
        workspace_id: workspaceId,
        prompt_type: 'voice',
        system_prompt:
          'You are the receptionist of a laundry pickup service. Greet the caller, find out the service ' +
          '(Regular, Express or Premium), the pickup address, the number of loads and a time, confirm the price, and book it.',
      },
      {
        id: newId(),
        workspace_id: workspaceId,
        prompt_type: 'sms',
        system_prompt:
          'You answer texts for a laundry pickup service. Replies under 160 characters. Ask one thing at a time. ' +
          'After three unanswered questions offer a callback from a person.',
      },
    ])
    .execute();
  await ctx.tx.db
    .insertInto('faqs')
    .values([
      {
        id: newId(),
        workspace_id: workspaceId,
        category: 'pricing',
        question: 'How much does it cost?',
        answer: 'Regular: $15 + $8 per load (48 h). Express: $20 + $12 per load (24 h). Premium: $30 + $18 per load (same day).',
        keywords: ['price', 'cost', 'how much', 'rate'],
        display_order: 1,
      },
      {
        id: newId(),
        workspace_id: workspaceId,
        category: 'service_area',
        question: 'Where do you pick up?',
        answer: 'Toronto (postal codes starting M4 and M5), Mississauga (L5) and Vancouver (V6).',
        keywords: ['area', 'where', 'postal', 'pickup'],
        display_order: 2,
      },
    ])
    .execute();
  // Priced in CAD cents: base + per load (seed 004's laundry pricing).
  const laundry = { workspace_id: workspaceId, unit_name: 'load', currency: 'CAD', duration_minutes: 30 };
  await ctx.tx.db
    .insertInto('services')
    .values([
      { ...laundry, id: newId(), name: 'Regular Wash & Fold', description: 'Washed, dried and folded, back in 48 hours.', base_price_minor: 1500, unit_price_minor: 800, turnaround: '48 h', keywords: ['regular', 'standard', 'normal', 'wash and fold'], display_order: 1 },
      { ...laundry, id: newId(), name: 'Express Wash & Fold', description: 'Washed, dried and folded, back in 24 hours.', base_price_minor: 2000, unit_price_minor: 1200, turnaround: '24 h', keywords: ['express', 'fast', 'next day', 'rápido'], display_order: 2 },
      { ...laundry, id: newId(), name: 'Premium Same-Day', description: 'Picked up and returned the same day, hand-finished.', base_price_minor: 3000, unit_price_minor: 1800, turnaround: 'same day', keywords: ['premium', 'same day', 'same-day', 'urgent', 'mismo día'], display_order: 3 },
    ])
    .execute();
  await ctx.tx.db
    .insertInto('service_areas')
    .values([
      { workspace_id: workspaceId, postal_prefix: 'M4', label: 'Toronto (East and Midtown)' },
      { workspace_id: workspaceId, postal_prefix: 'M5', label: 'Downtown Toronto' },
      { workspace_id: workspaceId, postal_prefix: 'L5', label: 'Mississauga' },
      { workspace_id: workspaceId, postal_prefix: 'V6', label: 'Vancouver' },
    ])
    .execute();
  // Pickup windows Monday to Saturday at 9, 11, 14 and 16 (seed 004's default slots), two
  // hours each, with room for three pickups in each.
  await ctx.tx.db
    .insertInto('consultant_slots')
    .values(
      [1, 2, 3, 4, 5, 6].flatMap((day) =>
        ['09:00', '11:00', '14:00', '16:00'].map((start) => ({
          id: newId(),
          workspace_id: workspaceId,
          day_of_week: day,
          start_time: start,
          end_time: `${String(Number(start.slice(0, 2)) + 2).padStart(2, '0')}:00`,
          duration_minutes: 120,
          max_bookings_per_slot: 3,
        })),
      ),
    )
    .execute();
}
