import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import type { Clock } from '../../platform/clock.ts';
import type { Database } from '../../platform/db/database.ts';
import { withServiceRole, withTenant } from '../../platform/db/tenant.ts';
import { newId } from '../../platform/ids.ts';

const HOUR = 3_600_000;

/**
 * Casa Limpia, a cleaning marketplace in Bogotá: a signed-in customer talking to Amara, a
 * guest who booked without an account, and a week of funnel events. Each row is written by
 * the actor who would write it in production, so the seed 003 policies are exercised.
 */
export async function seedAmaraDemo(db: Database, clock: Clock, workspaceId: string, ownerId: string, customerId: string, options: { publicUrl?: string | undefined } = {}) {
  const now = clock.now().getTime();
  const at = (ms: number) => new Date(now + ms);

  // María's profile: Spanish, with the phone Amara books her visits under.
  await withServiceRole(db, (tx) =>
    tx.db.updateTable('auth.users').set({ locale: 'es', raw_user_meta_data: JSON.stringify({ phone: '+573001112233' }) }).where('id', '=', customerId).execute(),
  );

  await withTenant(db, { kind: 'user', userId: customerId, workspaceId }, async ({ db: q }) => {
    const conversationId = newId();
    await q.insertInto('amara_conversations').values({ id: conversationId, workspace_id: workspaceId, user_id: customerId, locale: 'es', last_message_at: at(-HOUR) }).execute();
    await q.insertInto('amara_messages').values([
      { id: newId(), workspace_id: workspaceId, conversation_id: conversationId, role: 'user', content: '¿Cómo puedo reservar una empleada doméstica para el sábado?', created_at: at(-HOUR - 60_000) },
      { id: newId(), workspace_id: workspaceId, conversation_id: conversationId, role: 'assistant', content: 'Te puedo ayudar a encontrar y reservar una profesional. ¿En qué barrio de Bogotá y por cuántas horas?', tool_calls: JSON.stringify([{ name: 'searchProfessionals', args: { serviceType: 'cleaning', city: 'Bogotá' } }]), metadata: JSON.stringify({ status: 'completed', model: 'amara-built-in', usage: { input_tokens: 0, output_tokens: 0, total_tokens: 0, tool_calls: 1 } }), created_at: at(-HOUR) },
    ]).execute();
    await q.insertInto('platform_events').values(
      ['SearchStarted', 'ProfessionalViewed', 'CheckoutStarted'].map((event_type, i) => ({ id: newId(), workspace_id: workspaceId, event_type, user_id: customerId, session_id: 'sess-maria', properties: JSON.stringify({ city: 'Bogotá', service: 'cleaning' }), created_at: at(-3 * HOUR + i * 600_000) })),
    ).execute();
  });

  // Web chat answers as Amara on the server's own pages (GET /webchat/demo/casa-limpia) and a local site.
  const site = new URL(options.publicUrl ?? 'http://127.0.0.1:3000').origin;
  await withTenant(db, { kind: 'system', workspaceId }, (tx) =>
    tx.db.insertInto('integrations').values({ id: newId(), workspace_id: workspaceId, provider: 'webchat', settings: JSON.stringify({ allowed_origins: [site, 'http://localhost:8080'], secrets_set: [] }) }).execute(),
  );

  const token = randomBytes(32).toString('hex');
  const guestId = newId();
  await withTenant(db, { kind: 'anon', workspaceId, guestToken: token }, async ({ db: q }) => {
    await q.insertInto('guest_sessions').values({ id: guestId, workspace_id: workspaceId, session_token: token, email: 'carlos.gomez@example.co', full_name: 'Carlos Gómez', phone: '+573001234567', expires_at: at(20 * HOUR) }).execute();
    const funnel: [string, string][] = [
      ['sess-a', 'SearchStarted'], ['sess-a', 'ProfessionalViewed'], ['sess-a', 'CheckoutStarted'], ['sess-a', 'BookingConfirmed'],
      ['sess-b', 'SearchStarted'], ['sess-b', 'ProfessionalViewed'],
      ['sess-c', 'SearchStarted'],
    ];
    await q.insertInto('platform_events').values(funnel.map(([session_id, event_type], i) => ({ id: newId(), workspace_id: workspaceId, event_type, session_id, properties: JSON.stringify({ device: 'mobile' }), created_at: at(-2 * HOUR + i * 60_000) }))).execute();
  });

  await withTenant(db, { kind: 'user', userId: ownerId, workspaceId }, async ({ db: q }) => {
    // The marketplace takes guests: guest checkout is off unless a workspace turns it on.
    await q
      .updateTable('workspaces')
      .set({ settings: sql`coalesce(settings, '{}'::jsonb) || jsonb_build_object('scheduling', coalesce(settings -> 'scheduling', '{}'::jsonb) || '{"guest_checkout": true}'::jsonb)` })
      .where('id', '=', workspaceId)
      .execute();
    const contactId = newId();
    await q.insertInto('contacts').values({ id: contactId, workspace_id: workspaceId, name: 'Carlos Gómez', phone: '+573001234567', email: 'carlos.gomez@example.co', source: 'guest_checkout', locale: 'es' }).execute();
    const saturday = new Date(now + 5 * 24 * HOUR);
    await q.insertInto('bookings').values({
      id: newId(), workspace_id: workspaceId, guest_session_id: guestId, contact_id: contactId,
      customer_name: 'Carlos Gómez', customer_phone: '+573001234567', customer_email: 'carlos.gomez@example.co',
      service_type: 'Limpieza básica (4 horas)', appointment_date: saturday.toISOString().slice(0, 10), appointment_time: '09:00 AM',
      scheduled_at: saturday, duration_minutes: 240, status: 'pending_payment', source: 'web',
      payment_amount: '120000.00', payment_currency: 'COP', payment_status: 'pending', notes: 'Apartamento en Chapinero, 2 habitaciones',
      // Unpaid, it lapses with its guest session, as a hold does.
      hold_expires_at: at(20 * HOUR),
    }).execute();
  });
}
