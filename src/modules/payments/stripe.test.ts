import Stripe from 'stripe';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { asService, one } from '../../../test/support/actors.ts';
import { describeEachDatabase } from '../../../test/support/db.ts';
import { signStripe, startFakeStripe, type FakeIntent, type FakeStripe } from '../../../test/support/fakes/stripe.ts';
import { email } from '../../../test/support/http.ts';
import { bookService, createContact, paymentsApp, type Owner, type PaymentsApp } from '../../../test/support/payments.ts';
import { randomBytes } from 'node:crypto';
import { fixedClock } from '../../platform/clock.ts';
import { silentLogger } from '../../platform/log.ts';
import { createSecretBox } from '../../platform/secrets.ts';
import { testApp } from '../../../test/support/http.ts';
import { releaseCancelledHolds } from './payments.jobs.ts';
import { expireGuestHolds } from '../scheduling/index.ts';

type Body = Record<string, any>;

/** The stripe package's own verifier: the oracle our signature check must agree with. */
const oracle = new Stripe('sk_test_oracle_only');
const oracleAccepts = (payload: string, header: string, secret: string, tolerance = 300) => {
  try {
    oracle.webhooks.constructEvent(payload, header, secret, tolerance);
    return true;
  } catch {
    return false;
  }
};

let fake: FakeStripe;
beforeAll(async () => {
  fake = await startFakeStripe();
});
afterAll(async () => {
  await fake.close();
});

let serial = 0;
const secretKey = () => `sk_test_${'k'.repeat(10)}${serial++}${Math.random().toString(36).slice(2, 12)}`;
const signingSecret = () => `whsec_${Math.random().toString(36).slice(2)}${serial++}abcdefgh`;

describeEachDatabase('Stripe payment holds', (db, kind) => {
  // Signatures are checked against this clock; Stripe's own helper signs with the real time.
  const clock = fixedClock(new Date());
  let t: PaymentsApp;

  beforeAll(() => {
    t = paymentsApp(db(), clock);
  });
  beforeEach(() => clock.set(new Date()));

  /** A workspace with Stripe set up against the fake and chosen as its gateway. */
  async function stripeWorkspace(currency = 'COP', place: Record<string, string> = {}) {
    const owner = await t.owner(email('stripe'), { currency, ...place });
    const key = secretKey();
    const whsec = signingSecret();
    fake.acceptKey(key);
    const res = await t.call('PUT', '/api/v1/integrations/stripe', { ...owner.as, body: { secret_key: key, webhook_secret: whsec, publishable_key: 'pk_test_abcdefghij', api_base_url: fake.url } });
    if (res.status !== 200) throw new Error(`stripe settings failed: ${res.status} ${JSON.stringify(res.body)}`);
    const choice = await t.call('PUT', '/api/v1/integrations/payment-gateway', { ...owner.as, body: { gateway: 'stripe' } });
    if (choice.status !== 200) throw new Error(`gateway choice failed: ${choice.status} ${JSON.stringify(choice.body)}`);
    return { owner, key, whsec };
  }

  async function booking(owner: Owner, amount: string, currency: string) {
    const contactId = await createContact(db(), owner);
    return bookService(db(), owner, { contactId, amount, currency });
  }

  async function hold(owner: Owner, bookingId: string) {
    const res = await t.call('POST', '/api/v1/payments', { ...owner.as, body: { booking_id: bookingId } });
    if (res.status !== 201) throw new Error(`hold failed: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body as Body;
  }

  const deliver = (payload: string, header: string | undefined) =>
    t.call('POST', '/webhooks/stripe', { raw: payload, contentType: 'application/json; charset=utf-8', headers: header === undefined ? {} : { 'stripe-signature': header } });

  /** Stripe's event about the intent, signed as Stripe signs it (the stripe package's helper). */
  function signedEvent(type: string, intent: FakeIntent, whsec: string, o: { id?: string; timestamp?: number } = {}) {
    const event = fake.event(type, intent, o);
    const header = signStripe(event.payload, whsec, { timestamp: o.timestamp ?? Math.floor(clock.now().getTime() / 1000) });
    return { ...event, header };
  }

  const payment = async (owner: Owner, id: string) => (await t.call('GET', `/api/v1/payments/${id}`, owner.as)).body as Body;

  describe('settings', () => {
    it('seals the secret key and the signing secret and never answers with either', async () => {
      const owner = await t.owner(email('stripe-settings'), { currency: 'USD' });
      const key = 'sk_test_TOPSECRETstripe4242';
      const whsec = 'whsec_SIGNINGsecretXYZ12345';
      const first = await t.call('PUT', '/api/v1/integrations/stripe', { ...owner.as, body: { secret_key: key } });
      expect(first.status).toBe(400);
      expect(first.body.error.details.issues.map((i: { path: string }) => i.path)).toEqual(['body.webhook_secret']);

      const res = await t.call('PUT', '/api/v1/integrations/stripe', { ...owner.as, body: { secret_key: key, webhook_secret: whsec } });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        provider: 'stripe',
        mode: 'test',
        secret_key_set: true,
        secret_key_last4: '4242',
        webhook_secret_set: true,
        webhook_url: 'https://frontdesk.test/webhooks/stripe',
        api_base_url: null,
      });
      // Kept when omitted.
      const again = await t.call('PUT', '/api/v1/integrations/stripe', { ...owner.as, body: { publishable_key: 'pk_test_publicKEY123' } });
      expect(again.status).toBe(200);
      expect(again.body.secret_key_last4).toBe('4242');
      const live = await t.call('PUT', '/api/v1/integrations/stripe', { ...owner.as, body: { publishable_key: 'pk_live_publicKEY123' } });
      expect(live.status).toBe(400);

      const stored = await asService(db(), (tx) => one<{ settings: unknown; secrets: string }>(tx, `select settings, secrets from integrations where workspace_id = $1 and provider = 'stripe'`, [owner.workspaceId]));
      for (const text of [JSON.stringify(stored), ...t.responses]) {
        expect(text).not.toContain(key);
        expect(text).not.toContain(whsec);
      }
      const read = await t.call('GET', '/api/v1/integrations/stripe', owner.as);
      expect(read.status).toBe(200);
      expect(JSON.stringify(read.body)).not.toContain('TOPSECRET');
    });

    it('lets a workspace pick Stripe only once it is set up, and keeps Midtrans the default', async () => {
      const owner = await t.owner(email('stripe-choice'));
      const early = await t.call('PUT', '/api/v1/integrations/payment-gateway', { ...owner.as, body: { gateway: 'stripe' } });
      expect(early.status).toBe(409);
      expect(early.body.error.code).toBe('payment.stripe_not_configured');
      expect((await t.call('GET', '/api/v1/integrations/payment-gateway', owner.as)).body).toEqual({ gateway: null, effective: null, configured: [] });
      const key = secretKey();
      await t.call('PUT', '/api/v1/integrations/stripe', { ...owner.as, body: { secret_key: key, webhook_secret: signingSecret() } });
      expect((await t.call('GET', '/api/v1/integrations/payment-gateway', owner.as)).body).toEqual({ gateway: null, effective: 'stripe', configured: ['stripe'] });
      const chosen = await t.call('PUT', '/api/v1/integrations/payment-gateway', { ...owner.as, body: { gateway: 'stripe' } });
      expect(chosen.body).toEqual({ gateway: 'stripe', effective: 'stripe', configured: ['stripe'] });
    });
  });

  describe('holds', () => {
    it.each([
      ['COP', '150000.00', 150000, 15000000],
      ['USD', '49.99', 4999, 4999],
      ['CAD', '120.50', 12050, 12050],
      ['IDR', '250000', 250000, 25000000],
    ])('holds a %s booking of %s with a manual-capture PaymentIntent in minor units', async (currency, decimal, amount, stripeAmount) => {
      const { owner, key } = await stripeWorkspace(currency);
      const bookingId = await booking(owner, decimal, currency);
      const p = await hold(owner, bookingId);
      expect(p).toMatchObject({ gateway: 'stripe', status: 'pending', amount, currency, booking_id: bookingId, held_at: null, gateway_status: 'requires_payment_method' });
      expect(p.order_id).toMatch(/^pi_/);
      expect(p.client_secret).toBe(fake.intents.get(p.order_id)!.client_secret);

      const req = fake.requests.filter((r) => r.path === '/v1/payment_intents' && r.headers.authorization === `Bearer ${key}`).at(-1)!;
      expect(req.headers['content-type']).toMatch(/^application\/x-www-form-urlencoded/);
      expect(req.form).toMatchObject({
        amount: String(stripeAmount),
        currency: currency.toLowerCase(),
        capture_method: 'manual',
        [`metadata[frontdesk_workspace_id]`]: owner.workspaceId,
        [`metadata[frontdesk_booking_id]`]: bookingId,
      });
      expect(req.headers['idempotency-key']).toBe(`frontdesk-hold-${owner.workspaceId}-booking-${bookingId}-0`);
    });

    it('answers a repeated request with the same hold, and refuses an amount Stripe cannot take', async () => {
      const { owner } = await stripeWorkspace('COP');
      const bookingId = await booking(owner, '90000', 'COP');
      const first = await hold(owner, bookingId);
      const created = fake.intents.size;
      const second = await hold(owner, bookingId);
      expect(second.id).toBe(first.id);
      expect(fake.intents.size).toBe(created);

      const cents = await booking(owner, '90000.50', 'COP');
      const res = await t.call('POST', '/api/v1/payments', { ...owner.as, body: { booking_id: cents } });
      expect(res.status).toBe(400);
      expect(res.body.error.details.issues[0].path).toBe('body.amount');
    });
  });

  describe('webhook', () => {
    it('holds, then succeeds, on signed events; a replayed event id changes nothing; statuses only move forward', async () => {
      const { owner, whsec } = await stripeWorkspace('COP');
      const p = await hold(owner, await booking(owner, '150000', 'COP'));

      const held = signedEvent('payment_intent.amount_capturable_updated', fake.authorise(p.order_id), whsec);
      expect(oracleAccepts(held.payload, held.header, whsec)).toBe(true);
      const res = await deliver(held.payload, held.header);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ result: 'applied' });
      const afterHold = await payment(owner, p.id);
      expect(afterHold).toMatchObject({ status: 'pending', gateway_status: 'requires_capture' });
      expect(afterHold.held_at).not.toBeNull();

      const replay = await deliver(held.payload, signStripe(held.payload, whsec, { timestamp: Math.floor(clock.now().getTime() / 1000) }));
      expect(replay.body).toEqual({ result: 'duplicate' });

      const pi = fake.intents.get(p.order_id)!;
      const succeeded = signedEvent('payment_intent.succeeded', { ...pi, status: 'succeeded', amount_received: pi.amount, amount_capturable: 0 }, whsec);
      expect((await deliver(succeeded.payload, succeeded.header)).body).toEqual({ result: 'applied' });
      const paid = await payment(owner, p.id);
      expect(paid).toMatchObject({ status: 'success', gateway_status: 'succeeded' });
      expect(paid.paid_at).not.toBeNull();

      // A late requires_capture (a new event id, delivered out of order) changes nothing.
      const late = signedEvent('payment_intent.amount_capturable_updated', { ...pi, status: 'requires_capture' }, whsec);
      expect((await deliver(late.payload, late.header)).status).toBe(200);
      const still = await payment(owner, p.id);
      expect(still).toMatchObject({ status: 'success', gateway_status: 'succeeded', paid_at: paid.paid_at });
      expect(still.gateway_response.reports.at(-1)).toMatchObject({ source: 'webhook', status: 'requires_capture', ignored: 'not_forward' });
      const booking_ = (await t.call('GET', `/api/v1/bookings/${p.booking_id}`, owner.as)).body;
      expect(booking_.payment_status).toBe('paid');
    });

    it('refuses a tampered body, a wrong secret, a stale timestamp and a missing header, as the stripe package does', async () => {
      const { owner, whsec } = await stripeWorkspace('USD');
      const p = await hold(owner, await booking(owner, '80.00', 'USD'));
      const intent = fake.authorise(p.order_id);
      const now = Math.floor(clock.now().getTime() / 1000);
      const good = signedEvent('payment_intent.amount_capturable_updated', intent, whsec);

      const tampered = good.payload.replace('"requires_capture"', '"succeeded"');
      const stale = signStripe(good.payload, whsec, { timestamp: now - 301 });
      const wrongSecret = signStripe(good.payload, `${whsec}x`, { timestamp: now });
      const cases: [string, string, string | undefined][] = [
        ['tampered body', tampered, good.header],
        ['stale timestamp', good.payload, stale],
        ['wrong secret', good.payload, wrongSecret],
        ['no header', good.payload, undefined],
      ];
      for (const [why, payload, header] of cases) {
        if (header) expect(oracleAccepts(payload, header, whsec), why).toBe(false);
        const res = await deliver(payload, header);
        expect(res.status, why).toBe(401);
        expect(res.body.error.code, why).toBe('webhook.signature_invalid');
      }
      expect((await payment(owner, p.id)).held_at).toBeNull();
      const settings = (await t.call('GET', '/api/v1/integrations/stripe', owner.as)).body;
      expect(settings.webhook.last_refused_at).not.toBeNull();

      // Several v1 signatures (a secret being rolled): one that matches is enough.
      const rolled = `t=${now},v1=${'0'.repeat(64)},${good.header.split(',').find((p) => p.startsWith('v1='))}`;
      expect(oracleAccepts(good.payload, rolled, whsec)).toBe(true);
      expect((await deliver(good.payload, rolled)).body).toEqual({ result: 'applied' });
      expect((await payment(owner, p.id)).held_at).not.toBeNull();
    });

    it("cannot be routed to another workspace: the named workspace's own secret must verify it", async () => {
      const a = await stripeWorkspace('COP');
      const b = await stripeWorkspace('COP');
      const p = await hold(b.owner, await booking(b.owner, '70000', 'COP'));
      const intent = fake.authorise(p.order_id);
      // Signed with A's secret but naming B's workspace (B's PaymentIntent).
      const forged = signedEvent('payment_intent.succeeded', { ...intent, status: 'succeeded' }, a.whsec);
      expect((await deliver(forged.payload, forged.header)).status).toBe(401);
      const elsewhere = signedEvent('payment_intent.succeeded', { ...intent, status: 'succeeded', metadata: { ...intent.metadata, frontdesk_workspace_id: '0190f3c0-0000-7000-8000-000000000000' } }, b.whsec);
      expect((await deliver(elsewhere.payload, elsewhere.header)).status).toBe(404);
      expect((await payment(b.owner, p.id)).status).toBe('pending');
    });

    it("stores a hold whose webhook came before the create call's own answer was stored", async () => {
      const { owner, whsec } = await stripeWorkspace('COP');
      const bookingId = await booking(owner, '120000', 'COP');
      // Stripe creates the PaymentIntent, then the connection drops: nothing is stored here.
      fake.fail({ hangUpAfter: true });
      const lost = await t.call('POST', '/api/v1/payments', { ...owner.as, body: { booking_id: bookingId } });
      expect(lost.status).toBe(503);
      const created = [...fake.intents.values()].find((i) => i.metadata.frontdesk_booking_id === bookingId)!;
      expect((await t.call('GET', `/api/v1/payments?booking_id=${bookingId}`, owner.as)).body.data).toEqual([]);

      // The customer authorises meanwhile, and Stripe's webhook arrives first.
      const early = signedEvent('payment_intent.amount_capturable_updated', fake.authorise(created.id), whsec);
      expect((await deliver(early.payload, early.header)).body).toEqual({ result: 'applied' });
      const stored = (await t.call('GET', `/api/v1/payments?booking_id=${bookingId}`, owner.as)).body.data;
      expect(stored).toHaveLength(1);
      expect(stored[0]).toMatchObject({ order_id: created.id, amount: 120000, currency: 'COP', gateway_status: 'requires_capture' });

      // The retried request finds that hold: no second PaymentIntent.
      const count = fake.intents.size;
      const retried = await hold(owner, bookingId);
      expect(retried.id).toBe(stored[0].id);
      expect(fake.intents.size).toBe(count);
    });

    it.runIf(kind === 'postgres')('merges a webhook delivered while the create call is still waiting on Stripe', async () => {
      const { owner, whsec } = await stripeWorkspace('COP');
      const bookingId = await booking(owner, '130000', 'COP');
      let delivered: Body | undefined;
      fake.onCreate(async (intent) => {
        const ev = signedEvent('payment_intent.created', intent, whsec);
        delivered = (await deliver(ev.payload, ev.header)).body;
      });
      try {
        const p = await hold(owner, bookingId);
        expect(delivered).toEqual({ result: 'applied' });
        const all = (await t.call('GET', `/api/v1/payments?booking_id=${bookingId}`, owner.as)).body.data;
        expect(all.map((x: Body) => x.id)).toEqual([p.id]);
        expect(p.gateway_response.reports.map((r: Body) => r.source)).toEqual(['webhook', 'create']);
      } finally {
        fake.onCreate(undefined);
      }
    });
  });

  describe('capture and release', () => {
    it('captures the held amount when the service is completed', async () => {
      const { owner, key, whsec } = await stripeWorkspace('COP');
      const bookingId = await booking(owner, '150000', 'COP');
      const p = await hold(owner, bookingId);
      expect((await t.call('GET', `/api/v1/bookings/${bookingId}`, owner.as)).body.status).toBe('pending_payment');
      await authoriseByWebhook(whsec, p);
      // Held: the booking waiting for payment is confirmed, and stays unpaid until the capture.
      expect((await t.call('GET', `/api/v1/bookings/${bookingId}`, owner.as)).body).toMatchObject({ status: 'confirmed', payment_status: 'pending' });
      expect(fake.requests.some((r) => r.path === `/v1/payment_intents/${p.order_id}/capture`)).toBe(false);
      const done = await t.call('POST', `/api/v1/bookings/${bookingId}/status`, { ...owner.as, body: { status: 'completed' } });
      expect(done.status).toBe(200);
      const capture = fake.requests.filter((r) => r.path === `/v1/payment_intents/${p.order_id}/capture`);
      expect(capture).toHaveLength(1);
      expect(capture[0]!.headers.authorization).toBe(`Bearer ${key}`);
      expect(capture[0]!.headers['idempotency-key']).toBe(`frontdesk-capture-${p.order_id}`);
      expect(fake.intents.get(p.order_id)!.status).toBe('succeeded');
      const after = await payment(owner, p.id);
      expect(after).toMatchObject({ status: 'success', gateway_status: 'succeeded' });
      expect(after.captured_at).not.toBeNull();
      expect((await t.call('GET', `/api/v1/bookings/${bookingId}`, owner.as)).body).toMatchObject({ status: 'completed', payment_status: 'paid' });
    });

    it('releases the hold when the booking is cancelled, and a Stripe outage keeps the booking as it was', async () => {
      const { owner, whsec } = await stripeWorkspace('COP');
      const bookingId = await booking(owner, '150000', 'COP');
      const p = await hold(owner, bookingId);
      await authoriseByWebhook(whsec, p);

      fake.fail({ status: 500 });
      const outage = await t.call('POST', `/api/v1/bookings/${bookingId}/status`, { ...owner.as, body: { status: 'cancelled' } });
      expect(outage.status).toBe(503);
      expect((await t.call('GET', `/api/v1/bookings/${bookingId}`, owner.as)).body.status).toBe('confirmed');

      const res = await t.call('POST', `/api/v1/bookings/${bookingId}/status`, { ...owner.as, body: { status: 'cancelled' } });
      expect(res.status).toBe(200);
      expect(fake.intents.get(p.order_id)!.status).toBe('canceled');
      const after = await payment(owner, p.id);
      expect(after).toMatchObject({ status: 'failed', gateway_status: 'canceled' });
      expect(after.released_at).not.toBeNull();
      // Stripe's own canceled event, arriving after, changes nothing.
      const ev = signedEvent('payment_intent.canceled', fake.intents.get(p.order_id)!, whsec);
      expect((await deliver(ev.payload, ev.header)).status).toBe(200);
      expect((await payment(owner, p.id)).released_at).toBe(after.released_at);
    });
  });

  describe('holds of bookings cancelled without a status change', () => {
    it('releases the hold of a guest booking whose hold lapsed, on the next run of the job', async () => {
      const secrets = createSecretBox(randomBytes(32));
      const app = testApp(db(), clock, { secrets });
      const owner = await app.owner(email('stripe-lapse'), { currency: 'COP' });
      const key = secretKey();
      fake.acceptKey(key);
      expect((await app.call('PUT', '/api/v1/integrations/stripe', { ...owner.as, body: { secret_key: key, webhook_secret: signingSecret(), api_base_url: fake.url } })).status).toBe(200);
      const bookingId = await booking(owner, '90000', 'COP');
      const lapsing = await booking(owner, '90000', 'COP');
      const kept = (await app.call('POST', '/api/v1/payments', { ...owner.as, body: { booking_id: bookingId } })).body as Body;
      const lapsed = (await app.call('POST', '/api/v1/payments', { ...owner.as, body: { booking_id: lapsing } })).body as Body;
      await asService(db(), (tx) => tx.query(`update bookings set hold_expires_at = now() - interval '1 minute' where id = $1`, [lapsing]));
      expect(await expireGuestHolds({ db: db(), clock: { now: () => new Date() }, log: silentLogger() })).toBeGreaterThanOrEqual(1);

      const deps = { db: db(), clock, log: silentLogger(), secrets };
      expect(await releaseCancelledHolds(deps)).toBe(1);
      expect(fake.intents.get(lapsed.order_id)!.status).toBe('canceled');
      expect(fake.intents.get(kept.order_id)!.status).toBe('requires_payment_method');
      const after = (await app.call('GET', `/api/v1/payments/${lapsed.id}`, owner.as)).body;
      expect(after).toMatchObject({ status: 'failed', gateway_status: 'canceled', released_at: null });
      expect(await releaseCancelledHolds(deps)).toBe(0);
    });
  });

  describe('guest checkout (seed 003)', () => {
    it("holds a guest's own booking in the workspace's currency and confirms it once the card is authorised", async () => {
      const { owner, whsec } = await stripeWorkspace('COP', { time_zone: 'America/Bogota', locale: 'es', country: 'CO' });
      const as = owner.as;
      for (let day = 0; day < 7; day++) {
        await t.call('POST', '/api/v1/consultant-slots', { ...as, body: { day_of_week: day, start_time: '09:00', end_time: '17:00', booking_window_days: 30 } });
      }
      expect((await t.call('PATCH', '/api/v1/workspace', { ...as, body: { settings: { scheduling: { guest_checkout: true } } } })).status).toBe(200);
      expect((await t.call('POST', '/api/v1/services', { ...as, body: { name: 'Limpieza básica', unit_name: 'hour', unit_price_minor: 30000, currency: 'COP', duration_minutes: 60 } })).status).toBe(201);
      const guestSession = async (mail: string, phone: string) =>
        (await t.call('POST', '/api/v1/guest-sessions', { workspace: owner.workspaceId, body: { email: mail, full_name: 'María López', phone } })).body as Body;
      const maria = await guestSession('maria@example.co', '300 123 4567');
      const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
      const booked = await t.call('POST', '/api/v1/guest/bookings', {
        workspace: owner.workspaceId,
        headers: { 'x-guest-token': maria.token },
        body: { start: `${tomorrow}T10:00:00-05:00`, service_type: 'Limpieza básica', units: 4 },
      });
      expect(booked.status).toBe(201);
      expect(booked.body).toMatchObject({ status: 'pending_payment', payment_amount: '120000.00', payment_currency: 'COP' });

      const pay = (token: string) => t.call('POST', `/api/v1/guest/bookings/${booked.body.id}/payment`, { headers: { 'x-workspace-id': owner.workspaceId, 'x-guest-token': token } });
      const res = await pay(maria.token);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ booking_id: booked.body.id, status: 'pending', held: false, amount: 120000, currency: 'COP', publishable_key: 'pk_test_abcdefghij' });
      const intent = [...fake.intents.values()].find((i) => i.metadata.frontdesk_booking_id === booked.body.id)!;
      expect(intent).toMatchObject({ amount: 12000000, currency: 'cop', capture_method: 'manual', receipt_email: 'maria@example.co' });
      expect(res.body.client_secret).toBe(intent.client_secret);
      expect((await pay(maria.token)).body.payment_id).toBe(res.body.payment_id);

      // Another guest's token, and no token, reach nothing.
      const other = await guestSession('otro@example.co', '300 765 4321');
      expect((await pay(other.token)).status).toBe(404);
      expect((await t.call('POST', `/api/v1/guest/bookings/${booked.body.id}/payment`, { headers: { 'x-workspace-id': owner.workspaceId } })).status).toBe(401);

      await authoriseByWebhook(whsec, { order_id: intent.id });
      expect((await pay(maria.token)).body).toMatchObject({ held: true });
      const booking = (await t.call('GET', `/api/v1/bookings/${booked.body.id}`, as)).body;
      expect(booking).toMatchObject({ status: 'confirmed', payment_status: 'pending' });
    });
  });

  /** The customer authorises the card and Stripe says so. */
  async function authoriseByWebhook(whsec: string, p: Body) {
    const ev = signedEvent('payment_intent.amount_capturable_updated', fake.authorise(p.order_id), whsec);
    const res = await deliver(ev.payload, ev.header);
    if (res.status !== 200) throw new Error(`authorise failed: ${res.status} ${JSON.stringify(res.body)}`);
  }
});
