import fc from 'fast-check';
import { expect, it } from 'vitest';
import { describeEachDatabase } from '../../../test/support/db.ts';
import { email, testApp } from '../../../test/support/http.ts';
import { quote } from './catalog.service.ts';

const regular = { id: 'svc', name: 'Regular Wash & Fold', currency: 'CAD', unit_name: 'load', base_price_minor: 1500, unit_price_minor: 800 };

it('prices a service as its base plus the unit price times the units, in integer minor units', () => {
  expect(quote(regular, 3)).toMatchObject({ total_minor: 3900, currency: 'CAD', units: 3, base_minor: 1500, unit_minor: 800 });
  fc.assert(
    fc.property(fc.nat(1_000_000), fc.nat(1_000_000), fc.nat(10_000), (base, unit, units) => {
      const q = quote({ ...regular, base_price_minor: base, unit_price_minor: unit }, units);
      expect(Number.isSafeInteger(q.total_minor)).toBe(true);
      expect(q.total_minor).toBe(base + unit * units);
      // One more unit costs exactly one unit price more.
      expect(quote({ ...regular, base_price_minor: base, unit_price_minor: unit }, units + 1).total_minor - q.total_minor).toBe(unit);
    }),
  );
});

it('refuses fractional or negative units', () => {
  expect(() => quote(regular, 1.5)).toThrow(/whole number/);
  expect(() => quote(regular, -1)).toThrow(/whole number/);
});

describeEachDatabase('service catalogue over HTTP', (db) => {
  const api = () => testApp(db());

  it('gives a voice workspace the laundry services and finds one from a customer sentence', async () => {
    const t = api();
    const o = await t.owner(email('laundry'), { template: 'voice', currency: 'CAD', time_zone: 'America/Toronto', locale: 'en' });
    const all = await t.call('GET', '/api/v1/services', o.as);
    expect(all.status).toBe(200);
    expect(all.body.data.map((s: { name: string; base_price_minor: number; unit_price_minor: number }) => [s.name, s.base_price_minor, s.unit_price_minor])).toEqual([
      ['Regular Wash & Fold', 1500, 800],
      ['Express Wash & Fold', 2000, 1200],
      ['Premium Same-Day', 3000, 1800],
    ]);
    const express = await t.call('GET', `/api/v1/services?q=${encodeURIComponent('can you do it express please')}`, o.as);
    expect(express.body.data[0].name).toBe('Express Wash & Fold');
    // Stemmed in the workspace's language: 'folding' finds the descriptions saying 'folded'.
    const folding = await t.call('GET', '/api/v1/services?q=folding', o.as);
    expect(folding.body.data.map((s: { name: string }) => s.name).sort()).toEqual(['Express Wash & Fold', 'Regular Wash & Fold']);
    const none = await t.call('GET', '/api/v1/services?q=haircut', o.as);
    expect(none.body.data).toEqual([]);
  });

  it('checks postal codes against the area prefixes, ignoring case and spaces', async () => {
    const t = api();
    const o = await t.owner(email('areas'), { template: 'voice', time_zone: 'America/Toronto', currency: 'CAD', country: 'CA', locale: 'en' });
    const check = async (code: string) => (await t.call('GET', `/api/v1/service-areas/check?postal_code=${encodeURIComponent(code)}`, o.as)).body;
    expect(await check('m5v 2t6')).toMatchObject({ postal_code: 'M5V2T6', covered: true, area: { postal_prefix: 'M5', label: 'Downtown Toronto' } });
    expect(await check('K1A 0B1')).toEqual({ postal_code: 'K1A0B1', covered: false, area: null });

    const put = await t.call('PUT', '/api/v1/service-areas', { ...o.as, body: { areas: [{ postal_prefix: 'k1 a', label: 'Ottawa centre' }, { postal_prefix: 'm5' }] } });
    expect(put.status).toBe(200);
    expect(put.body.data).toEqual([{ postal_prefix: 'K1A', label: 'Ottawa centre' }, { postal_prefix: 'M5', label: null }]);
    expect((await check('K1A 0B1')).covered).toBe(true);
    expect((await check('L5B 3C1')).covered).toBe(false);
    const dup = await t.call('PUT', '/api/v1/service-areas', { ...o.as, body: { areas: [{ postal_prefix: 'M5' }, { postal_prefix: 'm 5' }] } });
    expect(dup.status).toBe(400);

    // No areas at all: the business has not limited where it serves.
    await t.call('PUT', '/api/v1/service-areas', { ...o.as, body: { areas: [] } });
    expect((await check('X0A 1H0')).covered).toBe(true);
  });

  it('lets admins add and change services, members only read, and other workspaces see none', async () => {
    const t = api();
    const o = await t.owner(email('cleaning'), { currency: 'COP' });
    const created = await t.call('POST', '/api/v1/services', { ...o.as, body: { name: 'Limpieza básica', unit_name: 'hour', unit_price_minor: 30000, keywords: ['aseo'] } });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: 'Limpieza básica', currency: 'COP', base_price_minor: 0, unit_price_minor: 30000, unit_name: 'hour', active: true, duration_minutes: 30 });
    const taken = await t.call('POST', '/api/v1/services', { ...o.as, body: { name: 'Limpieza básica' } });
    expect(taken.status).toBe(409);
    expect(taken.body.error.code).toBe('service.name_taken');
    const bad = await t.call('POST', '/api/v1/services', { ...o.as, body: { name: 'x', base_price_minor: 1.5, currency: 'pesos' } });
    expect(bad.status).toBe(400);

    const changed = await t.call('PATCH', `/api/v1/services/${created.body.id}`, { ...o.as, body: { unit_price_minor: 32000, active: false } });
    expect(changed.body).toMatchObject({ unit_price_minor: 32000, active: false });
    expect((await t.call('GET', '/api/v1/services?q=aseo', o.as)).body.data).toEqual([]);
    expect((await t.call('GET', '/api/v1/services?active=false', o.as)).body.data.map((s: { id: string }) => s.id)).toEqual([created.body.id]);

    const member = await t.teammate(o.as, email('member'), 'member');
    expect((await t.call('GET', `/api/v1/services/${created.body.id}`, member.as)).status).toBe(200);
    expect((await t.call('PATCH', `/api/v1/services/${created.body.id}`, { ...member.as, body: { active: true } })).status).toBe(403);
    expect((await t.call('PUT', '/api/v1/service-areas', { ...member.as, body: { areas: [] } })).status).toBe(403);

    const stranger = await t.owner(email('stranger'));
    const hidden = await t.call('GET', `/api/v1/services/${created.body.id}`, stranger.as);
    expect(hidden.status).toBe(404);
    expect(hidden.body.error.code).toBe('service.not_found');
    expect((await t.call('GET', '/api/v1/services', stranger.as)).body.data).toEqual([]);
  });
});
