import type { Ctx } from '../../platform/context.ts';
import { newId } from '../../platform/ids.ts';

/** Amara, the in-app assistant of a home-services marketplace (seed 003). */
export async function applyAmaraTemplate(ctx: Ctx, workspaceId: string): Promise<void> {
  await ctx.tx.db
    .insertInto('system_prompts')
    .values({
      id: newId(),
      workspace_id: workspaceId,
      prompt_type: 'webchat',
      system_prompt:
        'Eres Amara, la asistente de reservas. Responde en 2-3 frases en el idioma del cliente, recomienda como máximo 3 ' +
        'profesionales, muestra los precios en COP y nunca reserves sin la confirmación explícita del cliente.',
    })
    .execute();
  await ctx.tx.db
    .insertInto('faqs')
    .values([
      {
        id: newId(),
        workspace_id: workspaceId,
        category: 'pagos',
        question: '¿Cuándo se cobra el servicio?',
        answer: 'Retenemos el pago al reservar y lo cobramos cuando el servicio se completa.',
        keywords: ['pago', 'cobro', 'tarjeta', 'payment'],
        display_order: 1,
      },
      {
        id: newId(),
        workspace_id: workspaceId,
        category: 'servicios',
        question: '¿Qué incluye la limpieza básica?',
        answer: 'Cocina, baños, habitaciones y zonas comunes: barrer, trapear, sacudir y sacar la basura.',
        keywords: ['limpieza', 'incluye', 'básica', 'cleaning'],
        display_order: 2,
      },
    ])
    .execute();
}
