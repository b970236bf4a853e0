import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { asService, one, rows } from '../support/actors.ts';
import { describeEachDatabase } from '../support/db.ts';
import { startFakeMidtrans, type FakeMidtrans } from '../support/fakes/midtrans.ts';
import { email } from '../support/http.ts';
import { DEMO_PASSWORD, seedDemo } from '../../src/apps/demo.ts';
import { fixedClock } from '../../src/platform/clock.ts';
import { withTenant } from '../../src/platform/db/tenant.ts';
import { newId } from '../../src/platform/ids.ts';
import { silentLogger } from '../../src/platform/log.ts';
import { createSecretBox } from '../../src/platform/secrets.ts';
import { consultationCharge, DEMO_PAYMENTS } from '../../src/modules/payments/index.ts';
import { orderIdFor } from '../../src/modules/payments/order-id.ts';
import { bookConsultation, connectMidtrans, paymentsApp, type Owner, type PaymentsApp } from '../support/payments.ts';

type Body = Record<string, any>;

// Sessions are checked against the real clock.
const NOW = new Date(Math.floor(Date.now() / 1000) * 1000);

let fake: FakeMidtrans;
beforeAll(async () => {
  fake = await startFakeMidtrans();
});
afterAll(async () => {
  await fake.close();
});

describeEachDatabase('the demo payment gateway', (db) => {
  const clock = fixedClock(NOW);
  let t: PaymentsApp;
  let eagle: Owner;

  const pay = async (who: Owner, appointmentId: string) => {
    const res = await t.call('POST', '/api/v1/payments', { ...who.as, body: { appointment_id: appointmentId } });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body as Body;
  };
  /** What the payment did: the appointment, the assistant's state and what the customer was sent. */
  const effects = (c: { appointmentId: string; contactId: string }) =>
    asService(db(), (tx) =>
      one<{ appointment: string; state: string; notices: string[] }>(
        tx,
        `select a.status as appointment, ac.state,
                array(select m.body from messages m join conversations v on v.workspace_id = m.workspace_id and v.id = m.conversation_id
                       where v.contact_id = ac.contact_id and m.sender_kind = 'system' order by m.created_at) as notices
           from ari_appointments a join ari_conversations ac on ac.workspace_id = a.workspace_id and ac.id = a.ari_conversation_id
          where a.id = $1`,
        [c.appointmentId],
      ),
    );
  const pathOf = (url: string) => new URL(url).pathname;
  /** What the assistant would charge for a consultation (null: it offers no payment link). */
  const chargeOf = (workspaceId: string) => {
    const actor = { kind: 'system' as const, workspaceId };
    return withTenant(db(), actor, (tx) => consultationCharge({ tx, actor, clock, log: silentLogger() }, createSecretBox(randomBytes(32))));
  };

  beforeAll(async () => {
    t = paymentsApp(db(), clock);
    const id = (await seedDemo(db(), clock, { publicUrl: 'https://frontdesk.test' })).find((w) => w.slug === 'eagle-overseas')!.workspaceId;
    const signin = await t.call('POST', '/api/v1/auth/signin', { body: { email: 'owner@eagle-overseas.demo', password: DEMO_PASSWORD } });
    const cookie = (signin.headers.get('set-cookie') ?? '').split(';')[0]!;
    eagle = { cookie, userId: signin.body.user.id, email: 'owner@eagle-overseas.demo', workspaceId: id, as: { cookie, workspace: id } };
  });

  it('opens a link to our own page on a demo workspace without Midtrans, and Pay settles it like a Midtrans settlement', async () => {
    const consultation = await bookConsultation(db(), eagle);
    const payment = await pay(eagle, consultation.appointmentId);
    expect(payment).toMatchObject({ gateway: 'demo', status: 'pending', amount: 500000, currency: 'IDR', snap_token: null, redirect_url: `https://frontdesk.test/pay/demo/${payment.order_id}` });

    const page = await t.call('GET', pathOf(payment.redirect_url));
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(page.body).toContain('<h1>Demo payment — no money moves</h1>');
    expect(page.body).toContain('Eagle Overseas Education');
    expect(page.body).toMatch(/<form method="post" action="\/pay\/demo\/FD-[^"]+"><button type="submit">Pay Rp\s?500\.000<\/button><\/form>/);

    const paid = await t.call('POST', pathOf(payment.redirect_url));
    expect(paid.status).toBe(200);
    expect(paid.body).toContain('Paid.');
    expect(paid.body).not.toContain('<form');
    const after = (await t.call('GET', `/api/v1/payments/${payment.id}`, eagle.as)).body;
    expect(after).toMatchObject({ status: 'success', payment_method: 'demo', paid_at: NOW.toISOString() });
    expect(after.gateway_response.reports).toEqual([expect.objectContaining({ source: 'demo', transaction_status: 'settlement', status_to: 'success' })]);
    expect(await effects(consultation)).toEqual({ appointment: 'confirmed', state: 'scheduling', notices: [expect.stringMatching(/^Pembayaran diterima\./)] });

    // Pressing Pay again changes nothing and tells the customer nothing more.
    expect((await t.call('POST', pathOf(payment.redirect_url))).status).toBe(200);
    expect((await effects(consultation)).notices).toHaveLength(1);
  });

  it('tells the customer the same when Midtrans settles a payment', async () => {
    const shop = await t.owner(email('midtrans-shop'));
    await connectMidtrans(t, shop, fake);
    const consultation = await bookConsultation(db(), shop);
    const payment = await pay(shop, consultation.appointmentId);
    expect(payment.gateway).toBe('midtrans');
    fake.setStatus(payment.order_id, 'settlement', { paymentType: 'qris' });
    expect((await t.call('POST', '/webhooks/midtrans', { body: fake.notification(payment.order_id) })).status).toBe(200);
    expect(await effects(consultation)).toEqual({ appointment: 'confirmed', state: 'scheduling', notices: [expect.stringMatching(/^Pembayaran diterima\./)] });
    // Its order id is not a demo payment.
    expect((await t.call('POST', `/pay/demo/${payment.order_id}`)).status).toBe(404);
  });

  it('uses Midtrans in a demo workspace once it has keys', async () => {
    await connectMidtrans(t, eagle, fake);
    try {
      const payment = await pay(eagle, (await bookConsultation(db(), eagle)).appointmentId);
      expect(payment.gateway).toBe('midtrans');
      expect((await t.call('GET', `/pay/demo/${payment.order_id}`)).status).toBe(404);
    } finally {
      await asService(db(), (tx) => tx.query(`update integrations set secrets = null where workspace_id = $1 and provider = 'midtrans'`, [eagle.workspaceId]));
    }
  });

  it('is never there for a workspace that is not a demo one: no link without Midtrans, and no price for the assistant to charge', async () => {
    const real = await t.owner(email('real'), { template: 'ari' });
    const consultation = await bookConsultation(db(), real);
    const res = await t.call('POST', '/api/v1/payments', { ...real.as, body: { appointment_id: consultation.appointmentId } });
    expect([res.status, res.body.error.code]).toEqual([409, 'payment.midtrans_not_configured']);
    const integrations = await asService(db(), (tx) => rows(tx, `select provider from integrations where workspace_id = $1 and provider = $2`, [real.workspaceId, DEMO_PAYMENTS]));
    expect(integrations).toEqual([]);
    expect(await chargeOf(real.workspaceId)).toBeNull();
    expect(await chargeOf(eagle.workspaceId)).toEqual({ price: 500000, currency: 'IDR' });
  });

  it('answers 404 for order ids it did not make or that name no payment', async () => {
    for (const orderId of ['nope', 'demo-eagle-0001', orderIdFor(eagle.workspaceId, newId()), orderIdFor(newId(), newId())]) {
      const res = await t.call('GET', `/pay/demo/${orderId}`);
      expect([res.status, res.body.error?.code], orderId).toEqual([404, 'payment.not_found']);
      expect((await t.call('POST', `/pay/demo/${orderId}`)).status).toBe(404);
    }
  });
});
