import { expect, it } from 'vitest';
import { normalizePhone } from './phone.ts';

it('reads the ways Indonesians write one mobile number as the same E.164 number', () => {
  const written = ['0812-3456-7001', '081234567001', '(0812) 3456 7001', '+62 812 3456 7001', '+62-812-3456-7001', '62812 3456 7001', '6281234567001'];
  expect(written.map((p) => normalizePhone(p, 'ID'))).toEqual(Array(written.length).fill('+6281234567001'));
});

it('reads local numbers in the default country and international ones in their own', () => {
  expect(normalizePhone('(415) 555-2671', 'US')).toBe('+14155552671');
  expect(normalizePhone('+62 21 1234 5678', 'US')).toBe('+622112345678');
  expect(normalizePhone('+44 20 7946 0958', 'ID')).toBe('+442079460958');
  expect(normalizePhone('+44 20 7946 0958', 'not a country')).toBe('+442079460958');
});

it('gives null for what cannot be a phone number', () => {
  expect(['', 'abc', '12', '0812', 'rina@example.com', '0812 3456 7001 0000 1111'].map((p) => normalizePhone(p, 'ID'))).toEqual(Array(6).fill(null));
  expect(normalizePhone('0812 3456 7001', 'not a country')).toBeNull();
  expect(normalizePhone('0812 3456 7001')).toBeNull();
  expect(normalizePhone('+62 812 3456 7001')).toBe('+6281234567001');
});
