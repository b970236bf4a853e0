import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { newId } from '../../platform/ids.ts';
import { orderIdFor, parseOrderId } from './order-id.ts';
import { isValidMidtransSignature, midtransSignature } from './signature.ts';
import { nextStatus, outcomeOf, PAYMENT_STATUSES, type PaymentStatus } from './status.ts';

describe('Midtrans signature', () => {
  it('matches the reference test vector', () => {
    expect(midtransSignature('1111', '200', '100000.00', 'askvnoibnosifnboseofinbofinfgbiufglnbfg')).toBe(
      'edc076b21793ebe3e17926350f5b8ae67d902fe657b3d0aa31b932d5c127e2375d308a2bc94f3265ac2d80a1f181a79b997ac178a236fcff35af263fc4d4c231',
    );
  });

  const vector = {
    order_id: '1111',
    status_code: '200',
    gross_amount: '100000.00',
    signature_key: 'edc076b21793ebe3e17926350f5b8ae67d902fe657b3d0aa31b932d5c127e2375d308a2bc94f3265ac2d80a1f181a79b997ac178a236fcff35af263fc4d4c231',
  };

  it('accepts the vector and refuses it under any other key or field', () => {
    const key = 'askvnoibnosifnboseofinbofinfgbiufglnbfg';
    expect(isValidMidtransSignature(vector, key)).toBe(true);
    expect(isValidMidtransSignature(vector, `${key}x`)).toBe(false);
    // The raw string counts: the same amount written without its decimals is another message.
    expect(isValidMidtransSignature({ ...vector, gross_amount: '100000' }, key)).toBe(false);
    expect(isValidMidtransSignature({ ...vector, status_code: '201' }, key)).toBe(false);
    expect(isValidMidtransSignature({ ...vector, order_id: '1112' }, key)).toBe(false);
    expect(isValidMidtransSignature({ ...vector, signature_key: vector.signature_key.slice(0, -2) }, key)).toBe(false);
    expect(isValidMidtransSignature({ ...vector, signature_key: '' }, key)).toBe(false);
  });

  it('refuses every single-character change of a valid signature', () => {
    fc.assert(
      fc.property(fc.nat({ max: 127 }), fc.constantFrom(...'0123456789abcdef'), (at, ch) => {
        fc.pre(vector.signature_key[at] !== ch);
        const tampered = vector.signature_key.slice(0, at) + ch + vector.signature_key.slice(at + 1);
        return !isValidMidtransSignature({ ...vector, signature_key: tampered }, 'askvnoibnosifnboseofinbofinfgbiufglnbfg');
      }),
    );
  });
});

describe('order ids', () => {
  it('name the workspace and the payment in 48 characters Midtrans allows, and read back', () => {
    fc.assert(
      fc.property(fc.uuid(), fc.uuid(), (ws, pay) => {
        const id = orderIdFor(ws, pay);
        expect(id).toMatch(/^FD-[0-9A-Za-z]{22}-[0-9A-Za-z]{22}$/);
        expect(id.length).toBeLessThanOrEqual(50);
        expect(parseOrderId(id)).toEqual({ workspaceId: ws.toLowerCase(), paymentId: pay.toLowerCase() });
      }),
    );
    // Checked by hand in Python: 2^128 - 1 in base 62 with the alphabet 0-9A-Za-z.
    expect(orderIdFor('00000000-0000-0000-0000-000000000000', 'ffffffff-ffff-ffff-ffff-ffffffffffff')).toBe('FD-0000000000000000000000-7n42DGM5Tflk9n8mt7Fhc7');
  });

  it('are not made up: anything else reads as nothing', () => {
    const good = orderIdFor(newId(), newId());
    for (const bad of ['ORDER-101', good.replace('FD-', 'XX-'), `${good}0`, good.slice(0, -1), 'FD-zzzzzzzzzzzzzzzzzzzzzz-0000000000000000000000', '']) {
      expect(parseOrderId(bad), bad).toBeUndefined();
    }
  });
});

describe('payment status', () => {
  // Every pair: what a report of `incoming` does to a payment in `current`.
  const moves: Record<PaymentStatus, Record<PaymentStatus, PaymentStatus | undefined>> = {
    pending: { pending: undefined, success: 'success', failed: 'failed', expired: 'expired', refunded: undefined },
    success: { pending: undefined, success: undefined, failed: undefined, expired: undefined, refunded: 'refunded' },
    failed: { pending: undefined, success: undefined, failed: undefined, expired: undefined, refunded: undefined },
    expired: { pending: undefined, success: 'success', failed: undefined, expired: undefined, refunded: undefined },
    refunded: { pending: undefined, success: undefined, failed: undefined, expired: undefined, refunded: undefined },
  };
  for (const current of PAYMENT_STATUSES) {
    for (const incoming of PAYMENT_STATUSES) {
      it(`${current} + ${incoming} -> ${moves[current][incoming] ?? 'unchanged'}`, () => {
        expect(nextStatus(current, incoming)).toBe(moves[current][incoming]);
      });
    }
  }

  it('maps Midtrans statuses as the reference does; a challenged capture is a hold, not a payment', () => {
    const cases: [string, string | undefined, ReturnType<typeof outcomeOf>][] = [
      ['settlement', undefined, { status: 'success', held: false }],
      ['settlement', 'challenge', { status: 'success', held: false }],
      ['capture', 'accept', { status: 'success', held: false }],
      ['capture', 'challenge', { status: 'pending', held: true }],
      ['capture', undefined, { status: 'pending', held: true }],
      ['capture', 'deny', { status: 'failed', held: false }],
      ['pending', undefined, { status: 'pending', held: false }],
      ['authorize', 'accept', { status: 'pending', held: false }],
      ['deny', undefined, { status: 'failed', held: false }],
      ['cancel', undefined, { status: 'failed', held: false }],
      ['failure', undefined, { status: 'failed', held: false }],
      ['expire', undefined, { status: 'expired', held: false }],
      ['refund', undefined, { status: 'refunded', held: false }],
      ['partial_refund', undefined, { status: 'refunded', held: false }],
      ['chargeback', undefined, { status: 'refunded', held: false }],
      ['something_new', undefined, undefined],
    ];
    for (const [ts, fraud, expected] of cases) expect(outcomeOf(ts, fraud), `${ts}/${fraud}`).toEqual(expected);
  });

  it('never lets any sequence of reports leave a paid payment unpaid, except by a refund', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...PAYMENT_STATUSES), { maxLength: 20 }), (reports) => {
        let s: PaymentStatus = 'success';
        for (const r of reports) s = nextStatus(s, r) ?? s;
        return s === 'success' || s === 'refunded';
      }),
    );
  });
});
