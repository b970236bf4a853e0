// Issue #11, finding 8 (phone shape): a phone number that E.164 refuses (more than 15 digits,
// or fewer than 7) was read as "possible" by libphonenumber for some countries, stored, and then
// failed the contacts table's check: 400 db.check_violation after the work was done. The one
// normaliser (contacts' normalizePhone) now refuses what E.164 refuses, so every edge that
// takes a phone answers 400 validation.failed naming the field, and nothing is stored.
import { beforeAll, describe, expect, it } from 'vitest';
import { describeEachDatabase } from '../support/db.ts';
import { email, testApp } from '../support/http.ts';
import { E164, normalizePhone } from '../../src/modules/contacts/index.ts';

// libphonenumber calls these possible (German numbers of 16 digits, Austrian ones of 6).
const TOO_LONG = ['+49 1234 5678 901234', '+4912345678901234', '+49 12345678901234567'];
const TOO_SHORT = ['+43 1234'];
const EIGHTEEN = '+628123456789012345';

describe('normalizePhone', () => {
  it('refuses what E.164 refuses, whatever libphonenumber calls possible', () => {
    for (const p of [...TOO_LONG, ...TOO_SHORT, EIGHTEEN, `+62${'1'.repeat(100)}`]) expect(normalizePhone(p), p).toBeNull();
    expect(normalizePhone('01234 5678 901234', 'DE')).toBeNull();
  });

  it('still reads real numbers, local and international', () => {
    expect(normalizePhone('+49 30 123456')).toBe('+4930123456');
    expect(normalizePhone('0812-3456-7001', 'ID')).toBe('+6281234567001');
    expect(normalizePhone('+1 416 555 0101')).toBe('+14165550101');
    expect(normalizePhone('+49 1512 3456789')).toBe('+4915123456789');
  });

  it('returns only what the contacts table accepts (every country, long and short national numbers)', async () => {
    const { getCountries, getCountryCallingCode } = await import('libphonenumber-js');
    for (const country of getCountries()) {
      for (let n = 1; n <= 19; n++) {
        const national = '2345678901234567890'.slice(0, n);
        for (const input of [`+${getCountryCallingCode(country)}${national}`, `0${national}`]) {
          const phone = normalizePhone(input, country);
          if (phone !== null) expect(phone, `${country} ${input}`).toMatch(E164);
        }
      }
    }
  });
});

describeEachDatabase('phones are checked at the edge', (db) => {
  let t: ReturnType<typeof testApp>;
  let as: { cookie: string; workspace: string };
  const count = async () => (await t.call('GET', '/api/v1/contacts?limit=200', as)).body.data.length as number;

  beforeAll(async () => {
    t = testApp(db());
    as = (await t.owner(email('phones'), { country: 'DE', currency: 'EUR', time_zone: 'Europe/Berlin', locale: 'en' })).as;
  });

  const expectPhoneRefused = (res: { status: number; body: any }, path: string) => {
    expect(res.status, JSON.stringify(res.body)).toBe(400);
    expect(res.body.error.code).toBe('validation.failed');
    expect(res.body.error.details.issues).toEqual([expect.objectContaining({ path, message: expect.any(String) })]);
  };

  it('POST /api/v1/contacts answers 400 on the phone field and stores nothing', async () => {
    const before = await count();
    for (const phone of [...TOO_LONG, ...TOO_SHORT, EIGHTEEN, '01234 5678 901234']) {
      expectPhoneRefused(await t.call('POST', '/api/v1/contacts', { ...as, body: { name: 'Long', phone } }), 'body.phone');
    }
    expect(await count()).toBe(before);
  });

  it('PATCH /api/v1/contacts/{id} answers 400 on the phone field and keeps the stored one', async () => {
    const made = await t.call('POST', '/api/v1/contacts', { ...as, body: { name: 'Anna', phone: '+49 30 1234567' } });
    expect(made.status).toBe(201);
    for (const phone of [...TOO_LONG, EIGHTEEN]) {
      expectPhoneRefused(await t.call('PATCH', `/api/v1/contacts/${made.body.id}`, { ...as, body: { phone } }), 'body.phone');
    }
    expect((await t.call('GET', `/api/v1/contacts/${made.body.id}`, as)).body.phone).toBe('+49301234567');
  });

  it('POST /api/v1/bookings answers 400 on customer_phone, not a check violation', async () => {
    const res = await t.call('POST', '/api/v1/bookings', {
      ...as,
      body: { customer_name: 'Long', customer_phone: TOO_LONG[0], service_type: 'Visit', start: '2031-04-07T11:00:00+02:00', force: true },
    });
    expectPhoneRefused(res, 'body.customer_phone');
  });
});
