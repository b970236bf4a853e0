import type { Ctx } from '../../platform/context.ts';
import { newId } from '../../platform/ids.ts';

/** Amara, the in-app assistant of a home-services marketplace (seed 003). */
export async function applyAmaraTemplate(ctx: Ctx, workspaceId: string): Promise<void> {
  // The assistant's persona on the channels (web chat, WhatsApp, SMS): Amara, in Spanish unless the customer writes otherwise.
  await ctx.tx.db
    .insertInto('ari_config')
    .values({ id: newId(), workspace_id: workspaceId, bot_name: 'Amara', greeting_style: 'casual', language: 'es' })
    .onConflict((oc) => oc.column('workspace_id').doNothing())
    .execute();
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
  // Priced per hour in whole pesos (COP has no minor unit in practice); one unit is one hour.
  const hourly = { workspace_id: workspaceId, unit_name: 'hour', currency: 'COP', base_price_minor: 0, duration_minutes: 60 };
  await ctx.tx.db
    .insertInto('services')
    .values([
      { ...hourly, id: newId(), name: 'Limpieza básica', description: 'Cocina, baños, habitaciones y zonas comunes.', unit_price_minor: 30000, keywords: ['limpieza', 'aseo', 'cleaning', 'básica', 'empleada'], display_order: 1 },
      { ...hourly, id: newId(), name: 'Limpieza profunda', description: 'Todo lo de la básica más nevera, horno, ventanas y closets.', unit_price_minor: 40000, keywords: ['profunda', 'deep cleaning', 'mudanza', 'limpieza'], display_order: 2 },
      { ...hourly, id: newId(), name: 'Planchado', description: 'Planchado y doblado de ropa en casa.', unit_price_minor: 20000, keywords: ['planchado', 'ropa', 'ironing'], display_order: 3 },
    ])
    .execute();
  // Visits start every two hours from 8:00 to 14:00, Monday to Saturday; three teams work at once.
  await ctx.tx.db
    .insertInto('consultant_slots')
    .values(
      [1, 2, 3, 4, 5, 6].map((day) => ({
        id: newId(),
        workspace_id: workspaceId,
        day_of_week: day,
        start_time: '08:00',
        end_time: '16:00',
        duration_minutes: 120,
        booking_window_days: 14,
        max_bookings_per_slot: 3,
      })),
    )
    .execute();
  await ctx.tx.db
    .insertInto('service_areas')
    .values([{ workspace_id: workspaceId, postal_prefix: '11', label: 'Bogotá D.C.' }])
    .execute();
}
