import { pino } from 'pino';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { asService, one, rows } from '../../../test/support/actors.ts';
import { describeEachDatabase } from '../../../test/support/db.ts';
import { startFakeMidtrans, type FakeMidtrans } from '../../../test/support/fakes/midtrans.ts';
import { email } from '../../../test/support/http.ts';
import { fixedClock } from '../../platform/clock.ts';
import { newId } from '../../platform/ids.ts';
import { parseOrderId } from './order-id.ts';
import { bookConsultation, bookService, connectMidtrans, createContact, paymentsApp, type Owner, type PaymentsApp } from '../../../test/support/payments.ts';

// Every log line of the application in this file, to show that no secret reaches them.
const logLines = vi.hoisted(() => [] as string[]);
vi.mock(import('../../platform/log.ts'), async (original) => ({
  ...(await original()),
  silentLogger: () => pino({ level: 'debug' }, { write: (line: string) => void logLines.push(line) }),
}));

type Body = Record<string, any>;

/** The official Node client, as an oracle (it ships no types), with its Midtrans hosts pointed at the fake. */
async function officialClient(fakeUrl: string) {
  const { default: client } = await import('midtrans-client' as string);
  const { default: ApiConfig } = await import('midtrans-client/lib/apiConfig.js' as string);
  ApiConfig.SNAP_SANDBOX_BASE_URL = `${fakeUrl}/snap/v1`;
  ApiConfig.CORE_SANDBOX_BASE_URL = fakeUrl;
  return client as { Snap: new (o: object) => any; CoreApi: new (o: object) => any };
}
const paths = (body: Body) => body.error.details.issues.map((i: { path: string }) => i.path);

// 09:00 in Jakarta, tomorrow or the day after: invitations and sessions are checked against the
// database's own clock too, so the test clock stays near the real one.
const START = new Date(Math.ceil(Date.now() / 86_400_000) * 86_400_000 + 86_400_000 + 2 * 3_600_000).toISOString();
const at = (msFromStart: number) => new Date(Date.parse(START) + msFromStart).toISOString();

let fake: FakeMidtrans;
beforeAll(async () => {
  fake = await startFakeMidtrans();
});
afterAll(async () => {
  await fake.close();
});

describeEachDatabase('payments over HTTP', (db) => {
  const clock = fixedClock(START);
  let t: PaymentsApp;
  let o: Owner;
  let serverKey: string;
  const keys: string[] = [];

  beforeAll(async () => {
    t = paymentsApp(db(), clock);
    o = await t.owner(email('pay'));
    serverKey = await connectMidtrans(t, o, fake);
    keys.push(serverKey);
  });
  beforeEach(() => clock.set(START));

  const pay = async (who: Owner, body: Body) => {
    const res = await t.call('POST', '/api/v1/payments', { ...who.as, body });
    if (res.status !== 201) throw new Error(`payment failed: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body as Body;
  };
  const lastSnapRequest = () => fake.requests.filter((r) => r.path === '/snap/v1/transactions').at(-1)!;

  describe('Midtrans settings', () => {
    it('stores the server key sealed and answers with its last four characters only', async () => {
      const owner = await t.owner(email('settings'));
      const key = 'SB-Mid-server-TOPSECRET-9f3k';
      keys.push(key);
      const res = await t.call('PUT', '/api/v1/integrations/midtrans', {
        ...owner.as,
        body: { server_key: key, client_key: 'SB-Mid-client-public1', environment: 'sandbox' },
      });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        provider: 'midtrans',
        environment: 'sandbox',
        client_key: 'SB-Mid-client-public1',
        server_key_set: true,
        server_key_last4: '9f3k',
        base_url: null,
        merchant_id: null,
        enabled_payments: ['other_qris', 'gopay', 'shopeepay', 'bca_va', 'bni_va', 'bri_va', 'permata_va', 'echannel', 'other_va', 'credit_card'],
        expiry_minutes: 1440,
        consultation_price: 500000,
        currency: 'IDR',
        snap_url: 'https://app.sandbox.midtrans.com/snap/v1',
        core_api_url: 'https://api.sandbox.midtrans.com',
        notification_url: 'https://frontdesk.test/webhooks/midtrans',
        webhook: { last_verified_at: null, last_refused_at: null, last_refused_reason: null },
        created_at: expect.any(String),
        updated_at: expect.any(String),
      });
      const member = await t.teammate(owner.as, email('settings-member'), 'member');
      const read = await t.call('GET', '/api/v1/integrations/midtrans', member.as);
      expect(read.status).toBe(200);
      expect(read.body).toEqual(res.body);

      const stored = await asService(db(), (tx) =>
        one<{ settings: Body; secrets: string }>(tx, `select settings, secrets from integrations where workspace_id = $1 and provider = 'midtrans'`, [owner.workspaceId]),
      );
      expect(stored.secrets).toMatch(/^v1\./);
      // The row members can select through row-level security holds nothing readable either.
      expect(JSON.stringify(stored)).not.toContain('TOPSECRET');
    });

    it('switches to production hosts, and keeps the stored key when none is given', async () => {
      const owner = await t.owner(email('prod'));
      await t.call('PUT', '/api/v1/integrations/midtrans', { ...owner.as, body: { server_key: 'Mid-server-prod-abcd1234', client_key: 'Mid-client-prod-1', environment: 'sandbox' } });
      const res = await t.call('PUT', '/api/v1/integrations/midtrans', {
        ...owner.as,
        body: { client_key: 'Mid-client-prod-1', environment: 'production', enabled_payments: ['gopay', 'other_qris', 'gopay'], expiry_minutes: 60, consultation_price: 750000, merchant_id: 'G123456789' },
      });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        environment: 'production',
        server_key_last4: '1234',
        snap_url: 'https://app.midtrans.com/snap/v1',
        core_api_url: 'https://api.midtrans.com',
        enabled_payments: ['gopay', 'other_qris'],
        expiry_minutes: 60,
        consultation_price: 750000,
        merchant_id: 'G123456789',
      });
      const row = await asService(db(), (tx) => one<{ provider_account_id: string }>(tx, `select provider_account_id from integrations where workspace_id = $1`, [owner.workspaceId]));
      expect(row.provider_account_id).toBe('G123456789');
    });

    it('refuses bad settings with the path of every bad field', async () => {
      const owner = await t.owner(email('bad-settings'));
      const first = await t.call('PUT', '/api/v1/integrations/midtrans', { ...owner.as, body: { client_key: 'SB-Mid-client-public1', environment: 'sandbox' } });
      expect(first.status).toBe(400);
      expect(paths(first.body)).toEqual(['body.server_key']);
      const res = await t.call('PUT', '/api/v1/integrations/midtrans', {
        ...owner.as,
        body: {
          server_key: 'short',
          client_key: 'SB-Mid-client-public1',
          environment: 'staging',
          base_url: 'http://midtrans.example.com',
          enabled_payments: ['qris'],
          expiry_minutes: 0,
          consultation_price: 500000.5,
          extra: true,
        },
      });
      expect(res.status).toBe(400);
      expect(paths(res.body).sort()).toEqual(
        ['body', 'body.base_url', 'body.consultation_price', 'body.enabled_payments.0', 'body.environment', 'body.expiry_minutes', 'body.server_key'].sort(),
      );
      expect((await t.call('GET', '/api/v1/integrations/midtrans', owner.as)).body.error.code).toBe('integration.not_found');
    });

    it('lets admins write the settings, members and read-only keys read them', async () => {
      const admin = await t.teammate(o.as, email('pay-admin'), 'admin');
      const member = await t.teammate(o.as, email('pay-member'), 'member');
      const reader = await t.apiKey(o.as, true);
      const body = { client_key: 'SB-Mid-client-abcdefgh', environment: 'sandbox', base_url: fake.url };
      expect((await t.call('PUT', '/api/v1/integrations/midtrans', { ...member.as, body })).status).toBe(403);
      expect((await t.call('PUT', '/api/v1/integrations/midtrans', { key: reader.key, body })).status).toBe(403);
      expect((await t.call('PUT', '/api/v1/integrations/midtrans', { ...admin.as, body })).status).toBe(200);
      expect((await t.call('GET', '/api/v1/integrations/midtrans', { key: reader.key })).status).toBe(200);
      expect((await t.call('GET', '/api/v1/integrations/midtrans', member.as)).status).toBe(200);
    });
  });

  describe('creating a payment', () => {
    it('opens a Snap transaction with an integer amount, the order id, methods, expiry and customer, authenticated as Midtrans expects', async () => {
      const c = await bookConsultation(db(), o);
      const p = await pay(o, { appointment_id: c.appointmentId });

      const req = lastSnapRequest();
      expect(req.method).toBe('POST');
      expect(req.headers.authorization).toBe(`Basic ${Buffer.from(`${serverKey}:`).toString('base64')}`);
      expect(req.headers['content-type']).toBe('application/json');
      expect(req.headers.accept).toBe('application/json');
      expect(req.body).toEqual({
        transaction_details: { order_id: p.order_id, gross_amount: 500000 },
        item_details: [{ id: 'consultation', price: 500000, quantity: 1, name: 'Consultation' }],
        customer_details: { first_name: expect.stringMatching(/^Budi /), email: expect.stringMatching(/@example\.com$/), phone: expect.stringMatching(/^\+62812345/) },
        enabled_payments: ['other_qris', 'gopay', 'shopeepay', 'bca_va', 'bni_va', 'bri_va', 'permata_va', 'echannel', 'other_va', 'credit_card'],
        expiry: { start_time: `${START.slice(0, 10)} 09:00:00 +0700`, unit: 'minute', duration: 1440 },
      });
      expect(Number.isInteger(req.body.transaction_details.gross_amount)).toBe(true);
      expect(p.order_id).toMatch(/^[A-Za-z0-9\-_~.]{1,50}$/);
      expect(parseOrderId(p.order_id)).toEqual({ workspaceId: o.workspaceId, paymentId: p.id });

      expect(p).toEqual({
        id: expect.any(String),
        order_id: expect.stringMatching(/^FD-/),
        status: 'pending',
        amount: 500000,
        currency: 'IDR',
        payment_method: null,
        gateway: 'midtrans',
        appointment_id: c.appointmentId,
        booking_id: null,
        ari_conversation_id: c.ariConversationId,
        description: null,
        snap_token: expect.stringMatching(/^[0-9a-f-]{36}$/),
        // Stripe's fields: a Midtrans link has none.
        client_secret: null,
        gateway_status: null,
        captured_at: null,
        released_at: null,
        redirect_url: `${fake.url}/snap/v4/redirection/${p.snap_token}`,
        held_at: null,
        expires_at: at(24 * 3_600_000),
        paid_at: null,
        gateway_response: { snap: { token: p.snap_token, redirect_url: p.redirect_url } },
        created_at: expect.any(String),
        updated_at: expect.any(String),
      });
      const linked = await asService(db(), (tx) => one<{ payment_id: string }>(tx, 'select payment_id from ari_appointments where id = $1', [c.appointmentId]));
      expect(linked.payment_id).toBe(p.id);
    });

    it('sends the same request the official midtrans-client does (same Basic auth, accepted alike)', async () => {
      const before = fake.requests.length;
      const midtrans = await officialClient(fake.url);
      const snap = new midtrans.Snap({ isProduction: false, serverKey, clientKey: 'SB-Mid-client-abcdefgh' });
      const answer = await snap.createTransaction({ transaction_details: { order_id: `oracle-${newId()}`, gross_amount: 500000 } });
      expect(answer).toEqual({ token: expect.any(String), redirect_url: expect.stringContaining('/snap/v4/redirection/') });
      const c = await bookConsultation(db(), o);
      await pay(o, { appointment_id: c.appointmentId });
      const [oracle, ours] = fake.requests.slice(before);
      expect(ours!.headers.authorization).toBe(oracle!.headers.authorization);
      expect(ours!.headers['content-type']).toBe(oracle!.headers['content-type']);
      expect(ours!.headers.accept).toBe(oracle!.headers.accept);
    });

    it('takes an amount and a description, and refuses a second open link or a paid consultation', async () => {
      const c = await bookConsultation(db(), o);
      const p = await pay(o, { appointment_id: c.appointmentId, amount: 350000, description: 'Konsultasi studi ke Inggris dengan konsultan senior (1 jam penuh)' });
      expect(p.amount).toBe(350000);
      expect(lastSnapRequest().body.item_details).toEqual([{ id: 'consultation', price: 350000, quantity: 1, name: 'Konsultasi studi ke Inggris dengan konsultan senio' }]);
      const again = await t.call('POST', '/api/v1/payments', { ...o.as, body: { appointment_id: c.appointmentId } });
      expect(again.status).toBe(409);
      expect(again.body.error).toMatchObject({ code: 'payment.already_pending', details: { payment_id: p.id } });

      fake.setStatus(p.order_id, 'settlement');
      await t.call('POST', '/webhooks/midtrans', { raw: JSON.stringify(fake.notification(p.order_id)), contentType: 'application/json' });
      const paid = await t.call('POST', '/api/v1/payments', { ...o.as, body: { appointment_id: c.appointmentId } });
      expect(paid.status).toBe(409);
      expect(paid.body.error).toMatchObject({ code: 'payment.already_paid', details: { payment_id: p.id } });
    });

    it('opens a new link once the old one has run out', async () => {
      const c = await bookConsultation(db(), o);
      const first = await pay(o, { appointment_id: c.appointmentId });
      clock.advance(24 * 3_600_000);
      const second = await pay(o, { appointment_id: c.appointmentId });
      expect(second.id).not.toBe(first.id);
      expect((await t.call('GET', `/api/v1/payments/${first.id}`, o.as)).body.status).toBe('expired');
    });

    it('pays for a booking: its IDR amount, an assistant record for its contact, the booking waiting for payment', async () => {
      const contactId = await createContact(db(), o);
      const bookingId = await bookService(db(), o, { contactId });
      const p = await pay(o, { booking_id: bookingId });
      expect(p).toMatchObject({ amount: 150000, booking_id: bookingId, appointment_id: null });
      expect(lastSnapRequest().body.item_details).toEqual([{ id: 'booking', price: 150000, quantity: 1, name: 'Cuci kering' }]);
      expect(lastSnapRequest().body.customer_details).toEqual({ first_name: 'Siti', email: 'siti@example.com', phone: '+6281299990000' });
      const state = await asService(db(), (tx) =>
        one(tx, `select b.payment_status, ac.id as ari_id, ac.contact_id from bookings b join ari_conversations ac on ac.workspace_id = b.workspace_id and ac.contact_id = b.contact_id where b.id = $1`, [bookingId]),
      );
      expect(state).toEqual({ payment_status: 'pending', ari_id: p.ari_conversation_id, contact_id: contactId });
    });

    it('refuses what it cannot charge, with a clear code', async () => {
      const noContact = await bookService(db(), o, { contactId: null });
      const r1 = await t.call('POST', '/api/v1/payments', { ...o.as, body: { booking_id: noContact } });
      expect([r1.status, r1.body.error.code]).toEqual([409, 'payment.booking_without_contact']);

      const usd = await bookService(db(), o, { contactId: await createContact(db(), o), currency: 'USD', amount: '25.00' });
      const r2 = await t.call('POST', '/api/v1/payments', { ...o.as, body: { booking_id: usd } });
      expect([r2.status, paths(r2.body)]).toEqual([400, ['body.amount']]);

      const r3 = await t.call('POST', '/api/v1/payments', { ...o.as, body: { appointment_id: newId() } });
      expect([r3.status, r3.body.error.code]).toEqual([404, 'appointment.not_found']);
      const r4 = await t.call('POST', '/api/v1/payments', { ...o.as, body: { booking_id: newId() } });
      expect([r4.status, r4.body.error.code]).toEqual([404, 'booking.not_found']);

      const c = await bookConsultation(db(), o);
      const r5 = await t.call('POST', '/api/v1/payments', { ...o.as, body: { appointment_id: c.appointmentId, amount: 1.5, description: '' } });
      expect([r5.status, paths(r5.body).sort()]).toEqual([400, ['body.amount', 'body.description']]);
      const both = await t.call('POST', '/api/v1/payments', { ...o.as, body: { appointment_id: c.appointmentId, booking_id: noContact } });
      expect([both.status, paths(both.body)]).toEqual([400, ['body.appointment_id']]);
      const r6 = await t.call('POST', '/api/v1/payments', { ...o.as, body: {} });
      expect(paths(r6.body)).toEqual(['body.appointment_id']);

      const unset = await t.owner(email('no-midtrans'));
      const c2 = await bookConsultation(db(), unset);
      const r7 = await t.call('POST', '/api/v1/payments', { ...unset.as, body: { appointment_id: c2.appointmentId } });
      expect([r7.status, r7.body.error.code]).toEqual([409, 'payment.midtrans_not_configured']);
    });

    it('stores nothing when Midtrans fails, refuses or does not know the key', async () => {
      const c = await bookConsultation(db(), o);
      const payments = () => asService(db(), (tx) => rows(tx, 'select id from ari_payments where appointment_id = $1', [c.appointmentId]));

      fake.fail({ status: 500 });
      const r1 = await t.call('POST', '/api/v1/payments', { ...o.as, body: { appointment_id: c.appointmentId } });
      expect([r1.status, r1.body.error.code]).toEqual([503, 'payment.gateway_unavailable']);

      fake.fail({ hangUp: true });
      const r2 = await t.call('POST', '/api/v1/payments', { ...o.as, body: { appointment_id: c.appointmentId } });
      expect([r2.status, r2.body.error.code]).toEqual([503, 'payment.gateway_unavailable']);

      fake.fail({ status: 400, body: { error_messages: ['transaction_details.gross_amount is not equal to the sum of item_details'] } });
      const r3 = await t.call('POST', '/api/v1/payments', { ...o.as, body: { appointment_id: c.appointmentId } });
      expect(r3.status).toBe(409);
      // Only the status class reaches the tenant; the gateway's own words stay in the server's log.
      expect(r3.body.error).toEqual({ code: 'payment.gateway_refused', message: expect.any(String), details: { gateway_status: '4xx' } });
      expect(JSON.stringify(r3.body)).not.toContain('gross_amount');

      const stranger = await t.owner(email('unknown-key'));
      await t.call('PUT', '/api/v1/integrations/midtrans', {
        ...stranger.as,
        body: { server_key: 'SB-Mid-server-nobody-knows', client_key: 'SB-Mid-client-x1234567', environment: 'sandbox', base_url: fake.url },
      });
      keys.push('SB-Mid-server-nobody-knows');
      const c2 = await bookConsultation(db(), stranger);
      const r4 = await t.call('POST', '/api/v1/payments', { ...stranger.as, body: { appointment_id: c2.appointmentId } });
      expect([r4.status, r4.body.error.code]).toEqual([409, 'payment.gateway_unauthorized']);

      expect(await payments()).toEqual([]);
    });
  });

  describe('reading, checking and refunding', () => {
    it('lists payments newest first with filters and pages, and reads one', async () => {
      const owner = await t.owner(email('lists'));
      await connectMidtrans(t, owner, fake);
      const made: Body[] = [];
      for (let i = 0; i < 3; i++) made.push(await pay(owner, { appointment_id: (await bookConsultation(db(), owner)).appointmentId }));
      fake.setStatus(made[1]!.order_id, 'settlement');
      await t.call('POST', '/webhooks/midtrans', { raw: JSON.stringify(fake.notification(made[1]!.order_id)), contentType: 'application/json' });

      const all = await t.call('GET', '/api/v1/payments?limit=2', owner.as);
      expect(all.body.data.map((p: Body) => p.id)).toEqual([made[2]!.id, made[1]!.id]);
      const next = await t.call('GET', `/api/v1/payments?limit=2&cursor=${all.body.next_cursor}`, owner.as);
      expect([next.body.data.map((p: Body) => p.id), next.body.next_cursor]).toEqual([[made[0]!.id], null]);
      const paid = await t.call('GET', '/api/v1/payments?status=success', owner.as);
      expect(paid.body.data.map((p: Body) => p.id)).toEqual([made[1]!.id]);
      const forOne = await t.call('GET', `/api/v1/payments?appointment_id=${made[0]!.appointment_id}`, owner.as);
      expect(forOne.body.data.map((p: Body) => p.id)).toEqual([made[0]!.id]);
      const byConversation = await t.call('GET', `/api/v1/payments?ari_conversation_id=${made[2]!.ari_conversation_id}`, owner.as);
      expect(byConversation.body.data.map((p: Body) => p.id)).toEqual([made[2]!.id]);
      const bad = await t.call('GET', '/api/v1/payments?status=paid&appointment_id=x', owner.as);
      expect(paths(bad.body).sort()).toEqual(['query.appointment_id', 'query.status']);

      const reader = await t.apiKey(owner.as, true);
      const one_ = await t.call('GET', `/api/v1/payments/${made[1]!.id}`, { key: reader.key });
      expect(one_.status).toBe(200);
      expect(one_.body).toMatchObject({ id: made[1]!.id, status: 'success', payment_method: 'qris' });
      expect((await t.call('POST', '/api/v1/payments', { key: reader.key, body: { appointment_id: made[0]!.appointment_id } })).status).toBe(403);
      expect((await t.call('POST', `/api/v1/payments/${made[0]!.id}/check`, { key: reader.key })).status).toBe(403);
    });

    it("checks a payment's status with Midtrans and applies it forward only", async () => {
      const c = await bookConsultation(db(), o);
      const p = await pay(o, { appointment_id: c.appointmentId });

      // No method chosen yet: Midtrans has no transaction, nothing changes.
      const before = await t.call('POST', `/api/v1/payments/${p.id}/check`, o.as);
      expect([before.status, before.body.status]).toEqual([200, 'pending']);
      const statusRequest = fake.requests.at(-1)!;
      expect([statusRequest.method, statusRequest.path]).toEqual(['GET', `/v2/${p.order_id}/status`]);
      expect(statusRequest.headers.authorization).toBe(`Basic ${Buffer.from(`${serverKey}:`).toString('base64')}`);

      fake.setStatus(p.order_id, 'pending', { paymentType: 'bank_transfer' });
      const pending = await t.call('POST', `/api/v1/payments/${p.id}/check`, o.as);
      expect(pending.body).toMatchObject({ status: 'pending', payment_method: 'bank_transfer' });

      fake.setStatus(p.order_id, 'settlement');
      const settled = await t.call('POST', `/api/v1/payments/${p.id}/check`, o.as);
      expect(settled.body).toMatchObject({ status: 'success', paid_at: START, payment_method: 'bank_transfer' });
      expect(settled.body.gateway_response.reports.map((r: Body) => [r.source, r.transaction_status, r.status_to ?? null])).toEqual([
        ['status_check', 'pending', null],
        ['status_check', 'settlement', 'success'],
      ]);
      expect(JSON.stringify(settled.body.gateway_response)).not.toContain('signature_key');

      fake.setStatus(p.order_id, 'expire');
      const late = await t.call('POST', `/api/v1/payments/${p.id}/check`, o.as);
      expect(late.body.status).toBe('success');
      expect(late.body.gateway_response.reports.at(-1)).toMatchObject({ transaction_status: 'expire', ignored: 'not_forward' });

      fake.fail({ status: 502 });
      const down = await t.call('POST', `/api/v1/payments/${p.id}/check`, o.as);
      expect([down.status, down.body.error.code]).toEqual([503, 'payment.gateway_unavailable']);
    });

    it('answers a status the official midtrans-client reads, and its report passes the webhook', async () => {
      const c = await bookConsultation(db(), o);
      const p = await pay(o, { appointment_id: c.appointmentId });
      fake.setStatus(p.order_id, 'settlement', { paymentType: 'gopay' });
      const midtrans = await officialClient(fake.url);
      const core = new midtrans.CoreApi({ isProduction: false, serverKey, clientKey: 'SB-Mid-client-abcdefgh' });
      const status: Body = await core.transaction.status(p.order_id);
      expect(status).toMatchObject({ order_id: p.order_id, transaction_status: 'settlement', status_code: '200', gross_amount: '500000.00' });
      const res = await t.call('POST', '/webhooks/midtrans', { raw: JSON.stringify(status), contentType: 'application/json' });
      expect([res.status, res.body]).toEqual([200, { result: 'applied' }]);
      expect((await t.call('GET', `/api/v1/payments/${p.id}`, o.as)).body).toMatchObject({ status: 'success', payment_method: 'gopay' });
    });

    it('records refunds of successful payments, by admins only', async () => {
      const member = await t.teammate(o.as, email('refund-member'), 'member');
      const c = await bookConsultation(db(), o);
      const p = await pay(o, { appointment_id: c.appointmentId });
      const early = await t.call('POST', `/api/v1/payments/${p.id}/refund`, { ...o.as, body: { reason: 'cancelled' } });
      expect(early.status).toBe(409);
      expect(early.body.error).toMatchObject({ code: 'payment.not_refundable', details: { status: 'pending' } });

      fake.setStatus(p.order_id, 'settlement');
      await t.call('POST', '/webhooks/midtrans', { raw: JSON.stringify(fake.notification(p.order_id)), contentType: 'application/json' });
      expect((await t.call('POST', `/api/v1/payments/${p.id}/refund`, { ...member.as, body: { reason: 'x' } })).status).toBe(403);
      const tooMuch = await t.call('POST', `/api/v1/payments/${p.id}/refund`, { ...o.as, body: { amount: 500001, reason: 'x' } });
      expect([tooMuch.status, paths(tooMuch.body)]).toEqual([400, ['body.amount']]);
      const noReason = await t.call('POST', `/api/v1/payments/${p.id}/refund`, { ...o.as, body: { amount: 100 } });
      expect(paths(noReason.body)).toEqual(['body.reason']);

      clock.advance(3_600_000);
      const res = await t.call('POST', `/api/v1/payments/${p.id}/refund`, { ...o.as, body: { amount: 200000, reason: 'consultant unavailable' } });
      expect(res.status).toBe(200);
      expect(res.body.status).toBe('refunded');
      expect(res.body.gateway_response.refunds).toEqual([
        { amount: 200000, reason: 'consultant unavailable', refunded_at: at(3_600_000), by_user_id: o.userId },
      ]);
      const twice = await t.call('POST', `/api/v1/payments/${p.id}/refund`, { ...o.as, body: { reason: 'again' } });
      expect([twice.status, twice.body.error.code]).toEqual([409, 'payment.not_refundable']);

      // Midtrans's own refund notification afterwards changes nothing.
      fake.setStatus(p.order_id, 'refund');
      const n = await t.call('POST', '/webhooks/midtrans', { raw: JSON.stringify(fake.notification(p.order_id)), contentType: 'application/json' });
      expect(n.status).toBe(200);
      expect((await t.call('GET', `/api/v1/payments/${p.id}`, o.as)).body.status).toBe('refunded');
    });
  });

  describe('isolation', () => {
    it("answers 404 for another workspace's payments, exactly as for missing ones", async () => {
      const c = await bookConsultation(db(), o);
      const p = await pay(o, { appointment_id: c.appointmentId });
      const other = await t.owner(email('other-ws'));
      await connectMidtrans(t, other, fake);
      const missing = newId();
      for (const id of [p.id, missing]) {
        const read = await t.call('GET', `/api/v1/payments/${id}`, other.as);
        const check = await t.call('POST', `/api/v1/payments/${id}/check`, other.as);
        const refund = await t.call('POST', `/api/v1/payments/${id}/refund`, { ...other.as, body: { reason: 'x' } });
        expect([read.status, check.status, refund.status]).toEqual([404, 404, 404]);
        expect([read.body.error.code, check.body.error.code, refund.body.error.code]).toEqual(['payment.not_found', 'payment.not_found', 'payment.not_found']);
      }
      expect((await t.call('GET', '/api/v1/payments', other.as)).body.data).toEqual([]);
      const steal = await t.call('POST', '/api/v1/payments', { ...other.as, body: { appointment_id: c.appointmentId } });
      expect([steal.status, steal.body.error.code]).toEqual([404, 'appointment.not_found']);
      expect((await t.call('GET', `/api/v1/payments/${p.id}`, o.as)).body.status).toBe('pending');
    });
  });

  it('never puts a server key in a response or a log line', () => {
    expect(keys.length).toBeGreaterThan(2);
    expect(logLines.length).toBeGreaterThan(0);
    for (const key of keys) {
      expect(t.responses.filter((r) => r.includes(key))).toEqual([]);
      expect(logLines.filter((l) => l.includes(key))).toEqual([]);
    }
  });
});
