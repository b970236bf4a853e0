import type { Ctx } from '../../platform/context.ts';
import { newId } from '../../platform/ids.ts';

/** The voice and SMS booking receptionist (seed 004): its prompts and first FAQs. */
export async function applyVoiceTemplate(ctx: Ctx, workspaceId: string): Promise<void> {
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
        answer: 'Downtown Toronto (postal codes starting M4 and M5) and Mississauga (L5).',
        keywords: ['area', 'where', 'postal', 'pickup'],
        display_order: 2,
      },
    ])
    .execute();
}
