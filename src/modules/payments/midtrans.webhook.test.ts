import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { asService, one, rows } from '../../../test/support/actors.ts';
import { describeEachDatabase } from '../../../test/support/db.ts';
import { midtransSignature, startFakeMidtrans, type FakeMidtrans } from '../../../test/support/fakes/midtrans.ts';
import { email } from '../../../test/support/http.ts';
import { fixedClock } from '../../platform/clock.ts';
import { withTenant } from '../../platform/db/tenant.ts';
import { newId } from '../../platform/ids.ts';
import { createJobs } from '../../platform/jobs/queue.ts';
import { silentLogger } from '../../platform/log.ts';
import { EXPIRE_PAYMENTS_JOB, paymentsJobs } from './index.ts';
import { orderIdFor } from './order-id.ts';
import { bookConsultation, bookService, connectMidtrans, createContact, paymentsApp, type Owner, type PaymentsApp } from '../../../test/support/payments.ts';

type Body = Record<string, any>;

// Near the real clock: invitations and sessions are also checked against the database's.
const START = new Date(Math.ceil(Date.now() / 86_400_000) * 86_400_000 + 86_400_000 + 2 * 3_600_000).toISOString();
const HOUR = 3_600_000;

let fake: FakeMidtrans;
beforeAll(async () => {
  fake = await startFakeMidtrans();
});
afterAll(async () => {
  await fake.close();
});

describeEachDatabase('Midtrans notifications', (db) => {
  const clock = fixedClock(START);
  let t: PaymentsApp;
  let o: Owner;
  let serverKey: string;

  beforeAll(async () => {
    t = paymentsApp(db(), clock);
    o = await t.owner(email('webhook'));
    serverKey = await connectMidtrans(t, o, fake);
  });
  beforeEach(() => clock.set(START));

  const notify = (body: unknown) => t.call('POST', '/webhooks/midtrans', { raw: typeof body === 'string' ? body : JSON.stringify(body), contentType: 'application/json' });
  const payment = async (id: string) => (await t.call('GET', `/api/v1/payments/${id}`, o.as)).body as Body;
  const pay = async (who: Owner, body: Body) => {
    const res = await t.call('POST', '/api/v1/payments', { ...who.as, body });
    if (res.status !== 201) throw new Error(`payment failed: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body as Body;
  };
  /** The appointment and assistant conversation behind a consultation, as the database has them. */
  const scheduling = (appointmentId: string) =>
    asService(db(), (tx) =>
      one<{ appointment: string; conversation: string }>(
        tx,
        `select a.status as appointment, c.state as conversation from ari_appointments a
           join ari_conversations c on c.workspace_id = a.workspace_id and c.id = a.ari_conversation_id where a.id = $1`,
        [appointmentId],
      ),
    );
  const events = (orderId: string) => asService(db(), (tx) => rows<{ event_key: string }>(tx, `select event_key from webhook_events where event_key like $1 || ':%' order by received_at, event_key`, [orderId]));

  it('book -> pay -> settlement: the payment succeeds, the appointment is confirmed, the assistant moves to scheduling', async () => {
    const c = await bookConsultation(db(), o, { state: 'payment' });
    expect(await scheduling(c.appointmentId)).toEqual({ appointment: 'scheduled', conversation: 'payment' });
    const p = await pay(o, { appointment_id: c.appointmentId });

    // The customer pays by QRIS; Midtrans first says pending, then settlement.
    fake.setStatus(p.order_id, 'pending');
    expect(await notify(fake.notification(p.order_id))).toMatchObject({ status: 200, body: { result: 'applied' } });
    expect((await payment(p.id)).status).toBe('pending');

    clock.advance(2 * 60_000);
    fake.setStatus(p.order_id, 'settlement');
    const n = fake.notification(p.order_id);
    expect(n).toMatchObject({ status_code: '200', gross_amount: '500000.00', transaction_status: 'settlement' });
    const res = await notify(n);
    expect([res.status, res.body]).toEqual([200, { result: 'applied' }]);

    const paid = await payment(p.id);
    expect(paid).toMatchObject({ status: 'success', payment_method: 'qris', paid_at: new Date(Date.parse(START) + 2 * 60_000).toISOString(), held_at: null });
    expect(paid.gateway_response.reports.map((r: Body) => [r.source, r.transaction_status, r.status_code, r.status_to ?? null])).toEqual([
      ['notification', 'pending', '201', null],
      ['notification', 'settlement', '200', 'success'],
    ]);
    expect(JSON.stringify(paid.gateway_response)).not.toContain(n.signature_key);
    expect(await scheduling(c.appointmentId)).toEqual({ appointment: 'confirmed', conversation: 'scheduling' });
    expect(await events(p.order_id)).toEqual([{ event_key: `${p.order_id}:pending:201` }, { event_key: `${p.order_id}:settlement:200` }]);
  });

  it('moves only a conversation that is booking or paying to scheduling', async () => {
    const c = await bookConsultation(db(), o, { state: 'handoff' });
    const p = await pay(o, { appointment_id: c.appointmentId });
    fake.setStatus(p.order_id, 'settlement');
    await notify(fake.notification(p.order_id));
    expect(await scheduling(c.appointmentId)).toEqual({ appointment: 'confirmed', conversation: 'handoff' });
  });

  it('pays a booking: payment_status paid, a guest booking waiting for payment confirmed', async () => {
    const bookingId = await bookService(db(), o, { contactId: await createContact(db(), o) });
    const p = await pay(o, { booking_id: bookingId });
    fake.setStatus(p.order_id, 'settlement', { paymentType: 'gopay' });
    await notify(fake.notification(p.order_id));
    const b = await asService(db(), (tx) => one(tx, 'select status, payment_status from bookings where id = $1', [bookingId]));
    expect(b).toEqual({ status: 'confirmed', payment_status: 'paid' });
  });

  it("counts every paid payment in the contact's total_spent once: consultations, bookings, less refunds", async () => {
    const spent = (contactId: string) => asService(db(), async (tx) => (await one<{ total_spent: string }>(tx, 'select total_spent::text from contacts where id = $1', [contactId])).total_spent);
    const settle = async (orderId: string) => {
      fake.setStatus(orderId, 'settlement');
      expect((await notify(fake.notification(orderId))).body).toEqual({ result: 'applied' });
    };
    const c = await bookConsultation(db(), o);
    const first = await pay(o, { appointment_id: c.appointmentId });
    expect(await spent(c.contactId)).toBe('0.00');
    await settle(first.order_id);
    expect(await spent(c.contactId)).toBe('500000.00');
    // A repeated settlement does not count twice.
    expect((await notify(fake.notification(first.order_id))).body).toEqual({ result: 'duplicate' });
    expect(await spent(c.contactId)).toBe('500000.00');

    // A booking of the same contact: counted once, at its own amount, or at the payment's when it had none.
    const priced = await bookService(db(), o, { contactId: c.contactId });
    await settle((await pay(o, { booking_id: priced })).order_id);
    expect(await spent(c.contactId)).toBe('650000.00');
    const unpriced = await bookService(db(), o, { contactId: c.contactId, amount: null });
    await settle((await pay(o, { booking_id: unpriced, amount: 75000 })).order_id);
    expect(await spent(c.contactId)).toBe('725000.00');
    expect(await asService(db(), (tx) => one(tx, 'select payment_amount::text, payment_currency, payment_status from bookings where id = $1', [unpriced]))).toEqual({ payment_amount: '75000.00', payment_currency: 'IDR', payment_status: 'paid' });

    // A refund of part of the consultation takes off what went back.
    const refund = await t.call('POST', `/api/v1/payments/${first.id}/refund`, { ...o.as, body: { amount: 200000, reason: 'shorter session' } });
    expect(refund.status).toBe(200);
    expect(await spent(c.contactId)).toBe('525000.00');
    // A failed payment adds nothing.
    const other = await bookConsultation(db(), o);
    const failed = await pay(o, { appointment_id: other.appointmentId });
    fake.setStatus(failed.order_id, 'deny');
    await notify(fake.notification(failed.order_id));
    expect(await spent(other.contactId)).toBe('0.00');
  });

  it('answers a repeated notification with 200 and changes nothing', async () => {
    const c = await bookConsultation(db(), o);
    const p = await pay(o, { appointment_id: c.appointmentId });
    fake.setStatus(p.order_id, 'settlement');
    const n = fake.notification(p.order_id);
    expect((await notify(n)).body).toEqual({ result: 'applied' });
    const after = await payment(p.id);
    clock.advance(HOUR);
    for (let i = 0; i < 3; i++) {
      const again = await notify(n);
      expect([again.status, again.body]).toEqual([200, { result: 'duplicate' }]);
    }
    expect(await payment(p.id)).toEqual(after);
    expect(await events(p.order_id)).toHaveLength(1);
  });

  it('ignores what arrives out of order: a late pending or expire never undoes a settlement', async () => {
    const c = await bookConsultation(db(), o);
    const p = await pay(o, { appointment_id: c.appointmentId });
    fake.setStatus(p.order_id, 'pending', { paymentType: 'bank_transfer' });
    const pending = fake.notification(p.order_id);
    fake.setStatus(p.order_id, 'settlement');
    const settlement = fake.notification(p.order_id);
    fake.setStatus(p.order_id, 'expire');
    const expire = fake.notification(p.order_id);
    // Midtrans's status API, which confirms the settlement, says what really happened.
    fake.setStatus(p.order_id, 'settlement');

    for (const n of [settlement, pending, expire]) expect((await notify(n)).status).toBe(200);
    const after = await payment(p.id);
    expect(after).toMatchObject({ status: 'success', payment_method: 'bank_transfer' });
    expect(after.gateway_response.reports.map((r: Body) => [r.transaction_status, r.status_to ?? r.ignored ?? null])).toEqual([
      ['settlement', 'success'],
      ['pending', 'not_forward'],
      ['expire', 'not_forward'],
    ]);
    expect(await scheduling(c.appointmentId)).toEqual({ appointment: 'confirmed', conversation: 'scheduling' });
  });

  it('keeps a failed payment failed', async () => {
    const c = await bookConsultation(db(), o);
    const p = await pay(o, { appointment_id: c.appointmentId });
    fake.setStatus(p.order_id, 'deny', { paymentType: 'credit_card' });
    await notify(fake.notification(p.order_id));
    fake.setStatus(p.order_id, 'settlement');
    await notify(fake.notification(p.order_id));
    expect((await payment(p.id)).status).toBe('failed');
    expect(await scheduling(c.appointmentId)).toEqual({ appointment: 'scheduled', conversation: 'payment' });
  });

  it('holds a card capture under fraud review: pending, not paid, until Midtrans accepts it', async () => {
    const c = await bookConsultation(db(), o);
    const p = await pay(o, { appointment_id: c.appointmentId });
    fake.setStatus(p.order_id, 'capture', { fraudStatus: 'challenge', paymentType: 'credit_card' });
    expect((await notify(fake.notification(p.order_id))).status).toBe(200);
    const held = await payment(p.id);
    expect(held).toMatchObject({ status: 'pending', held_at: START, paid_at: null, payment_method: 'credit_card' });
    expect(held.gateway_response.reports.at(-1)).toMatchObject({ transaction_status: 'capture', fraud_status: 'challenge', held: true });
    expect(await scheduling(c.appointmentId)).toEqual({ appointment: 'scheduled', conversation: 'payment' });

    // The expiry job leaves a held payment to the review.
    clock.advance(25 * HOUR);
    await paymentsJobs({ db: db(), clock, log: silentLogger() })[0]!.handler(undefined, { id: 'x', retryCount: 0 });
    expect((await payment(p.id)).status).toBe('pending');

    fake.setStatus(p.order_id, 'settlement', { paymentType: 'credit_card' });
    await notify(fake.notification(p.order_id));
    expect(await payment(p.id)).toMatchObject({ status: 'success', held_at: START });
    expect(await scheduling(c.appointmentId)).toEqual({ appointment: 'confirmed', conversation: 'scheduling' });
  });

  it('refuses a tampered notification with 401 and changes nothing', async () => {
    const c = await bookConsultation(db(), o);
    const p = await pay(o, { appointment_id: c.appointmentId });
    fake.setStatus(p.order_id, 'settlement');
    const n = fake.notification(p.order_id);
    const before = await payment(p.id);
    const tampered = [
      { ...n, gross_amount: '5000.00' },
      { ...n, status_code: '201' },
      { ...n, signature_key: n.signature_key.replace(/^./, (ch) => (ch === 'a' ? 'b' : 'a')) },
      { ...n, signature_key: '' },
      // The right fields signed with a made-up key.
      { ...n, signature_key: midtransSignature(n.order_id, n.status_code, n.gross_amount, 'SB-Mid-server-guess') },
      // Signed as if the amount had no decimals: the raw string counts.
      { ...n, gross_amount: '500000', signature_key: midtransSignature(n.order_id, n.status_code, '500000.00', serverKey) },
    ];
    for (const bad of tampered) {
      const res = await notify(bad);
      expect([res.status, res.body.error.code]).toEqual([401, 'webhook.signature_invalid']);
    }
    expect(await payment(p.id)).toEqual(before);
    expect(await events(p.order_id)).toEqual([]);
    expect(await scheduling(c.appointmentId)).toEqual({ appointment: 'scheduled', conversation: 'payment' });
  });

  it("refuses a notification signed with another workspace's server key", async () => {
    const other = await t.owner(email('other-merchant'));
    const otherKey = await connectMidtrans(t, other, fake);
    const c = await bookConsultation(db(), o);
    const p = await pay(o, { appointment_id: c.appointmentId });
    fake.setStatus(p.order_id, 'settlement');
    const n = fake.notification(p.order_id);
    const forged = { ...n, signature_key: midtransSignature(n.order_id, n.status_code, n.gross_amount, otherKey) };
    expect((await notify(forged)).status).toBe(401);
    expect((await payment(p.id)).status).toBe('pending');

    // And a payment of the other workspace is not found through this one's order id space.
    const theirs = await pay(other, { appointment_id: (await bookConsultation(db(), other)).appointmentId });
    const crossed = orderIdFor(o.workspaceId, theirs.id);
    const res = await notify({ ...n, order_id: crossed, signature_key: midtransSignature(crossed, n.status_code, n.gross_amount, serverKey) });
    expect([res.status, res.body.error.code]).toEqual([404, 'payment.not_found']);
  });

  it('answers 404 alike for every unknown order, and 400 for what is not a notification', async () => {
    const unconfigured = await t.owner(email('no-keys'));
    const sign = (orderId: string) => ({
      order_id: orderId, status_code: '200', gross_amount: '500000.00', transaction_status: 'settlement',
      signature_key: midtransSignature(orderId, '200', '500000.00', serverKey),
    });
    const unknown = [sign('ORDER-101'), sign(orderIdFor(o.workspaceId, newId())), sign(orderIdFor(newId(), newId())), sign(orderIdFor(unconfigured.workspaceId, newId()))];
    const answers = await Promise.all(unknown.map((n) => notify(n)));
    for (const a of answers) expect([a.status, a.body]).toEqual([404, { error: { code: 'payment.not_found', message: 'no such payment' } }]);

    for (const bad of ['{', '[]', '"x"', JSON.stringify({ order_id: 1, status_code: '200', gross_amount: '1.00', signature_key: 'x' }), JSON.stringify({ order_id: 'x' })]) {
      const res = await notify(bad);
      expect([res.status, res.body.error.code], bad).toEqual([400, 'webhook.malformed']);
    }
    // Signed, but without a transaction_status.
    const c = await bookConsultation(db(), o);
    const p = await pay(o, { appointment_id: c.appointmentId });
    const { transaction_status: _omitted, ...noStatus } = sign(p.order_id);
    expect((await notify(noStatus)).body.error.code).toBe('webhook.malformed');
  });

  it('records but does not apply a settlement for another amount', async () => {
    const c = await bookConsultation(db(), o);
    const p = await pay(o, { appointment_id: c.appointmentId });
    fake.setStatus(p.order_id, 'settlement');
    const n = fake.notification(p.order_id);
    const signed = { ...n, gross_amount: '5000.00', signature_key: midtransSignature(n.order_id, n.status_code, '5000.00', serverKey) };
    expect((await notify(signed)).status).toBe(200);
    const after = await payment(p.id);
    expect(after.status).toBe('pending');
    expect(after.gateway_response.reports.at(-1)).toMatchObject({ gross_amount: '5000.00', ignored: 'amount_mismatch' });
  });

  describe('expiry', () => {
    it('expires unpaid links at expires_at, with a new job instance after a restart, forward only', async () => {
      const c = await bookConsultation(db(), o);
      const p = await pay(o, { appointment_id: c.appointmentId });
      const bookingId = await bookService(db(), o, { contactId: await createContact(db(), o) });
      const b = await pay(o, { booking_id: bookingId });
      const paidFirst = await pay(o, { appointment_id: (await bookConsultation(db(), o)).appointmentId });
      fake.setStatus(paidFirst.order_id, 'settlement');
      await notify(fake.notification(paidFirst.order_id));

      // The job is queued in one instance of the queue, which then stops.
      const first = createJobs({ db: db(), log: silentLogger(), definitions: paymentsJobs({ db: db(), clock, log: silentLogger() }), work: false });
      await first.start();
      await db().transaction((tx) => first.send(tx, EXPIRE_PAYMENTS_JOB, {}));
      await first.stop();

      // A minute before the deadline nothing expires.
      clock.set(new Date(Date.parse(START) + 24 * HOUR - 60_000));
      const early = paymentsJobs({ db: db(), clock, log: silentLogger() });
      await early[0]!.handler(undefined, { id: 'early', retryCount: 0 });
      expect((await payment(p.id)).status).toBe('pending');

      // After a restart, another instance runs the queued job past the deadline.
      clock.set(new Date(Date.parse(START) + 24 * HOUR));
      const second = createJobs({ db: db(), log: silentLogger(), definitions: paymentsJobs({ db: db(), clock, log: silentLogger() }), work: false });
      expect(await second.drain()).toBe(1);
      await second.stop();

      expect((await payment(p.id)).status).toBe('expired');
      expect((await payment(b.id)).status).toBe('expired');
      expect((await payment(paidFirst.id)).status).toBe('success');
      expect(await scheduling(c.appointmentId)).toEqual({ appointment: 'scheduled', conversation: 'payment' });
      const booking = await asService(db(), (tx) => one(tx, 'select payment_status from bookings where id = $1', [bookingId]));
      expect(booking).toEqual({ payment_status: 'failed' });

      // A late expire notification changes nothing more; a settlement Midtrans made at the
      // last moment still counts: the money arrived.
      fake.setStatus(p.order_id, 'expire');
      expect((await notify(fake.notification(p.order_id))).status).toBe(200);
      expect((await payment(p.id)).status).toBe('expired');
      fake.setStatus(p.order_id, 'settlement');
      await notify(fake.notification(p.order_id));
      expect((await payment(p.id)).status).toBe('success');
      expect(await scheduling(c.appointmentId)).toEqual({ appointment: 'confirmed', conversation: 'scheduling' });
    });

    it('is guarded in the database too: no writer can move a payment backwards', async () => {
      const c = await bookConsultation(db(), o);
      const p = await pay(o, { appointment_id: c.appointmentId });
      fake.setStatus(p.order_id, 'settlement');
      await notify(fake.notification(p.order_id));
      const attempt = withTenant(db(), { kind: 'system', workspaceId: o.workspaceId }, (tx) =>
        tx.query(`update ari_payments set status = 'pending' where id = $1`, [p.id]),
      );
      await expect(attempt).rejects.toMatchObject({ code: '23514', constraint: 'ari_payments_status_forward_only' });
      // Staff cannot forge provider events either.
      const forge = withTenant(db(), { kind: 'user', userId: o.userId, workspaceId: o.workspaceId }, (tx) =>
        tx.query(`insert into webhook_events (provider, event_key, payload) values ('midtrans', 'x:settlement:200', '{}')`),
      );
      await expect(forge).rejects.toMatchObject({ code: '42501' });
    });
  });
});
