// Test support for the payments tests: the real application with this module's routes
// mounted the way src/http.ts mounts modules, a fake Midtrans, and consultation fixtures.
import { randomBytes } from 'node:crypto';
import { createMiddleware } from 'hono/factory';
import { one } from './actors.ts';
import { asUser } from './factories.ts';
import { testApp } from './http.ts';
import type { FakeMidtrans } from './fakes/midtrans.ts';
import type { Clock } from '../../src/platform/clock.ts';
import type { Database } from '../../src/platform/db/database.ts';
import { AppError } from '../../src/platform/errors.ts';
import type { AppEnv, RouteDeps } from '../../src/platform/http/env.ts';
import { createFairness } from '../../src/platform/fairness.ts';
import { anonymousPlace } from '../../src/platform/http/fairness.ts';
import { requireRank, tenantActor, tenantTransaction } from '../../src/platform/http/tenant.ts';
import { newId } from '../../src/platform/ids.ts';
import { silentLogger } from '../../src/platform/log.ts';
import { createSecretBox } from '../../src/platform/secrets.ts';
import { resolveActor } from '../../src/modules/tenancy/index.ts';
import { midtransWebhookRoutes, paymentsRoutes } from '../../src/modules/payments/index.ts';

export type PaymentsApp = ReturnType<typeof paymentsApp>;
export type Owner = Awaited<ReturnType<PaymentsApp['owner']>>;

/**
 * testApp plus the payments routes, built with the same deps as src/http.ts builds them
 * (until src/http.ts mounts them itself, when this mounts nothing). Every response body is
 * kept in `responses` so that tests can check no secret ever left the server.
 */
export function paymentsApp(db: Database, clock: Clock) {
  const t = testApp(db, clock);
  const log = silentLogger();
  const secrets = createSecretBox(randomBytes(32));
  const tenant = tenantTransaction({ db, log, clock, secrets }, resolveActor);
  const fairness = createFairness();
  const signedIn = createMiddleware<AppEnv>(async (c, next) => {
    if (c.var.principal.kind === 'anonymous') throw new AppError('auth.required', 'unauthenticated', 'sign in, or send an API key as a Bearer token');
    await next();
  });
  const deps: RouteDeps = {
    db, log, clock, secrets, publicUrl: 'https://frontdesk.test', signedIn,
    inWorkspace: (minRank) => [signedIn, tenant, requireRank(minRank)],
    asCaller: () => [tenant],
    inWorkspaceUnbound: (minRank) => [signedIn, tenantActor({ db, log, clock, secrets }, resolveActor), requireRank(minRank)],
    fairness,
    anonymousPlace: anonymousPlace(fairness.anonymous),
  };
  if (!t.app.routes.some((r) => r.path === '/api/v1/payments')) {
    t.app.route('/api/v1', paymentsRoutes({ ...deps, onPaymentChange: async () => null }));
    t.app.route('/', midtransWebhookRoutes({ ...deps, onPaymentChange: async () => null }));
  }
  const responses: string[] = [];
  const call: typeof t.call = async (method, path, o) => {
    const res = await t.call(method, path, o);
    responses.push(JSON.stringify(res.body));
    return res;
  };
  return { ...t, call, responses };
}

let serial = 0;
export const uniqueKey = (who: string) => `SB-Mid-server-${who}-${randomBytes(9).toString('base64url')}`;

/** Sets up Midtrans for the owner's workspace against the fake, with a key only it knows. */
export async function connectMidtrans(t: PaymentsApp, owner: Owner, fake: FakeMidtrans, extra: Record<string, unknown> = {}): Promise<string> {
  const serverKey = uniqueKey('ws');
  fake.acceptKey(serverKey);
  const res = await t.call('PUT', '/api/v1/integrations/midtrans', {
    ...owner.as,
    body: { server_key: serverKey, client_key: 'SB-Mid-client-abcdefgh', environment: 'sandbox', base_url: fake.url, ...extra },
  });
  if (res.status !== 200) throw new Error(`midtrans settings failed: ${res.status} ${JSON.stringify(res.body)}`);
  return serverKey;
}

export interface Consultation {
  contactId: string;
  ariConversationId: string;
  appointmentId: string;
}

/**
 * A contact who booked a consultation and was asked to pay, written as the workspace owner
 * (the scheduling routes are another module's).
 */
export async function bookConsultation(db: Database, owner: Owner, o: { state?: string } = {}): Promise<Consultation> {
  const n = String(serial++).padStart(4, '0');
  return asUser(db, owner.userId, owner.workspaceId, async (tx) => {
    const contact = await one<{ id: string }>(tx, `insert into contacts (id, name, phone, email) values ($1, $2, $3, $4) returning id`, [
      newId(), `Budi ${n}`, `+62812345${n}`, `budi${n}@example.com`,
    ]);
    const ari = await one<{ id: string }>(tx, `insert into ari_conversations (id, contact_id, state) values ($1, $2, $3) returning id`, [
      newId(), contact.id, o.state ?? 'payment',
    ]);
    const appointment = await one<{ id: string }>(
      tx,
      // Each at its own hour: a slot has one seat unless a pattern says otherwise.
      `insert into ari_appointments (id, ari_conversation_id, scheduled_at, status)
       values ($1, $2, date_trunc('hour', now()) + interval '30 days' + make_interval(hours => $3), 'scheduled') returning id`,
      [newId(), ari.id, serial],
    );
    return { contactId: contact.id, ariConversationId: ari.id, appointmentId: appointment.id };
  });
}

/** A service booking (seed 004), optionally for a contact. */
export async function bookService(db: Database, owner: Owner, o: { contactId?: string | null; amount?: string | null; currency?: string } = {}): Promise<string> {
  return asUser(db, owner.userId, owner.workspaceId, async (tx) => {
    const row = await one<{ id: string }>(
      tx,
      `insert into bookings (id, customer_name, customer_phone, customer_email, service_type, appointment_date, appointment_time,
                             status, source, payment_amount, payment_currency, contact_id)
       values ($1, 'Siti', '+6281299990000', 'siti@example.com', 'Cuci kering', '2026-03-05', '10:00', 'pending_payment', 'web', $2, $3, $4)
       returning id`,
      [newId(), o.amount === undefined ? '150000.00' : o.amount, o.currency ?? 'IDR', o.contactId ?? null],
    );
    return row.id;
  });
}

/** A contact of the owner's workspace. */
export async function createContact(db: Database, owner: Owner): Promise<string> {
  const n = String(serial++).padStart(4, '0');
  return asUser(db, owner.userId, owner.workspaceId, async (tx) =>
    (await one<{ id: string }>(tx, `insert into contacts (id, name, phone) values ($1, $2, $3) returning id`, [newId(), `Siti ${n}`, `+62813777${n}`])).id,
  );
}
