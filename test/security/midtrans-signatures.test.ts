// Finding 4 of issue 11: Midtrans signs order_id + status_code + gross_amount, not
// transaction_status. A signed notification replayed with another status must change nothing:
// the status must go with its signed status_code, and a status that changes the payment must be
// confirmed by Midtrans's status API with the workspace's server key.
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import { asService, one, rows } from '../support/actors.ts';
import { describeEachDatabase } from '../support/db.ts';
import { midtransSignature, startFakeMidtrans, type FakeMidtrans } from '../support/fakes/midtrans.ts';
import { email } from '../support/http.ts';
import { fixedClock } from '../../src/platform/clock.ts';
import { bookConsultation, connectMidtrans, paymentsApp, type Owner, type PaymentsApp } from '../support/payments.ts';

type Body = Record<string, any>;

const START = new Date(Math.ceil(Date.now() / 86_400_000) * 86_400_000 + 86_400_000 + 2 * 3_600_000).toISOString();

let fake: FakeMidtrans;
beforeAll(async () => {
  fake = await startFakeMidtrans();
});
afterAll(async () => {
  await fake.close();
});

describeEachDatabase('Midtrans notifications: what the signature does not cover', (db) => {
  const clock = fixedClock(START);
  let t: PaymentsApp;
  let o: Owner;
  let serverKey: string;

  beforeAll(async () => {
    t = paymentsApp(db(), clock);
    o = await t.owner(email('midtrans-sig'));
    serverKey = await connectMidtrans(t, o, fake);
  });
  beforeEach(() => clock.set(START));

  const notify = (body: unknown) => t.call('POST', '/webhooks/midtrans', { raw: JSON.stringify(body), contentType: 'application/json' });
  const payment = async (id: string) => (await t.call('GET', `/api/v1/payments/${id}`, o.as)).body as Body;
  const open = async () => {
    const c = await bookConsultation(db(), o);
    const res = await t.call('POST', '/api/v1/payments', { ...o.as, body: { appointment_id: c.appointmentId } });
    if (res.status !== 201) throw new Error(`payment failed: ${res.status} ${JSON.stringify(res.body)}`);
    return { p: res.body as Body, c };
  };
  const appointment = (id: string) => asService(db(), (tx) => one<{ status: string }>(tx, 'select status from ari_appointments where id = $1', [id]));
  const events = (orderId: string) => asService(db(), (tx) => rows<{ event_key: string }>(tx, `select event_key from webhook_events where event_key like $1 || ':%' order by event_key`, [orderId]));
  const statusChecks = (orderId: string) => fake.requests.filter((r) => r.method === 'GET' && r.path === `/v2/${orderId}/status`);

  it('refuses a signed 201 "pending" resent as "settlement" (the reported attack): 401, nothing paid, nothing recorded', async () => {
    const { p, c } = await open();
    fake.setStatus(p.order_id, 'pending');
    const pending = fake.notification(p.order_id);
    expect(pending.status_code).toBe('201');
    const swapped = { ...pending, transaction_status: 'settlement' };
    const res = await notify(swapped);
    expect([res.status, res.body.error?.code]).toEqual([401, 'webhook.signature_invalid']);
    expect((await payment(p.id)).status).toBe('pending');
    expect(await appointment(c.appointmentId)).toEqual({ status: 'scheduled' });
    expect(await events(p.order_id)).toEqual([]);
    // And "capture" with fraud accepted, the other status that releases a service.
    expect((await notify({ ...pending, transaction_status: 'capture', fraud_status: 'accept' })).status).toBe(401);
    expect((await payment(p.id)).status).toBe('pending');
  });

  it('ties every status to its status_code: a signed code with another status is refused', async () => {
    const { p } = await open();
    fake.setStatus(p.order_id, 'deny');
    const deny = fake.notification(p.order_id); // 202
    fake.setStatus(p.order_id, 'pending');
    const pending = fake.notification(p.order_id); // 201
    for (const swapped of [
      { ...deny, transaction_status: 'settlement' },
      { ...deny, transaction_status: 'pending' },
      { ...pending, transaction_status: 'deny' },
      { ...pending, transaction_status: 'expire' },
      { ...pending, transaction_status: 'refund' },
    ]) {
      const res = await notify(swapped);
      expect([res.status, res.body.error?.code], swapped.transaction_status).toEqual([401, 'webhook.signature_invalid']);
    }
    expect((await payment(p.id)).status).toBe('pending');
    expect(await events(p.order_id)).toEqual([]);
  });

  it("confirms a settlement with Midtrans's status API before the service is released; an unconfirmed one changes nothing", async () => {
    const { p, c } = await open();
    // A genuine 200 notification of the transaction, whose status Midtrans has not (yet) settled:
    // the status API says pending. Signed with the real key, so only the status check can tell.
    fake.setStatus(p.order_id, 'settlement');
    const settlement = fake.notification(p.order_id);
    fake.setStatus(p.order_id, 'pending');
    const before = statusChecks(p.order_id).length;
    const res = await notify(settlement);
    expect([res.status, res.body.error?.code]).toEqual([409, 'webhook.unconfirmed']);
    expect(statusChecks(p.order_id).length).toBe(before + 1);
    // Asked with the workspace's own server key.
    expect(statusChecks(p.order_id).at(-1)!.headers.authorization).toBe(`Basic ${Buffer.from(`${serverKey}:`).toString('base64')}`);
    expect((await payment(p.id)).status).toBe('pending');
    expect(await appointment(c.appointmentId)).toEqual({ status: 'scheduled' });
    expect(await events(p.order_id)).toEqual([]);

    // Midtrans settles it and redelivers: confirmed, applied.
    fake.setStatus(p.order_id, 'settlement');
    const again = await notify(settlement);
    expect([again.status, again.body]).toEqual([200, { result: 'applied' }]);
    expect((await payment(p.id)).status).toBe('success');
    expect(await appointment(c.appointmentId)).toEqual({ status: 'confirmed' });
  });

  it('swaps a signed 200 settlement for a refund or a cancel: the status API says settlement, so nothing changes', async () => {
    const { p } = await open();
    fake.setStatus(p.order_id, 'settlement');
    const settlement = fake.notification(p.order_id);
    expect((await notify(settlement)).body).toEqual({ result: 'applied' });
    for (const status of ['refund', 'partial_refund', 'chargeback']) {
      const res = await notify({ ...settlement, transaction_status: status });
      expect([res.status, res.body.error?.code], status).toEqual([409, 'webhook.unconfirmed']);
    }
    // A cancel cannot move a paid payment at all: recorded, ignored.
    expect((await notify({ ...settlement, transaction_status: 'cancel' })).status).toBe(200);
    expect((await payment(p.id)).status).toBe('success');
    expect(await events(p.order_id)).toEqual([{ event_key: `${p.order_id}:cancel:200` }, { event_key: `${p.order_id}:settlement:200` }]);
  });

  it('a capture under fraud review cannot be sent as accepted', async () => {
    const { p } = await open();
    fake.setStatus(p.order_id, 'capture', { fraudStatus: 'challenge', paymentType: 'credit_card' });
    const challenge = fake.notification(p.order_id);
    // fraud_status is not signed either: Midtrans says challenge, so it is not paid.
    const res = await notify({ ...challenge, fraud_status: 'accept' });
    expect([res.status, res.body.error?.code]).toEqual([409, 'webhook.unconfirmed']);
    expect((await payment(p.id)).status).toBe('pending');
    expect(await events(p.order_id)).toEqual([]);
  });

  it('a replayed notification is a duplicate and does not ask Midtrans again', async () => {
    const { p } = await open();
    fake.setStatus(p.order_id, 'settlement');
    const n = fake.notification(p.order_id);
    expect((await notify(n)).body).toEqual({ result: 'applied' });
    const asked = statusChecks(p.order_id).length;
    for (let i = 0; i < 3; i++) expect((await notify(n)).body).toEqual({ result: 'duplicate' });
    expect(statusChecks(p.order_id).length).toBe(asked);
  });

  it('a pending notification, which changes nothing, needs no status check', async () => {
    const { p } = await open();
    fake.setStatus(p.order_id, 'pending');
    const asked = statusChecks(p.order_id).length;
    expect((await notify(fake.notification(p.order_id))).body).toEqual({ result: 'applied' });
    expect(statusChecks(p.order_id).length).toBe(asked);
  });

  it('answers 503 when the status API cannot be reached, so that Midtrans retries; nothing changes', async () => {
    const { p } = await open();
    fake.setStatus(p.order_id, 'settlement');
    const n = fake.notification(p.order_id);
    fake.fail({ status: 500 });
    const res = await notify(n);
    expect([res.status, res.body.error?.code]).toEqual([503, 'payment.gateway_unavailable']);
    expect((await payment(p.id)).status).toBe('pending');
    expect(await events(p.order_id)).toEqual([]);
    expect((await notify(n)).body).toEqual({ result: 'applied' });
  });

  it('still refuses a bad signature before asking Midtrans anything', async () => {
    const { p } = await open();
    fake.setStatus(p.order_id, 'settlement');
    const n = fake.notification(p.order_id);
    const asked = statusChecks(p.order_id).length;
    const forged = { ...n, signature_key: midtransSignature(n.order_id, n.status_code, n.gross_amount, 'SB-Mid-server-guess') };
    expect((await notify(forged)).status).toBe(401);
    expect(statusChecks(p.order_id).length).toBe(asked);
  });
});
