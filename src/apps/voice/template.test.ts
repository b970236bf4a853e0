import { beforeAll, expect, it } from 'vitest';
import { asService, rows } from '../../../test/support/actors.ts';
import { describeEachDatabase } from '../../../test/support/db.ts';
import { email, testApp } from '../../../test/support/http.ts';
import { metroAreaOf } from './template.ts';

it('knows a city by its time zone only in the country that time zone belongs to', () => {
  expect(metroAreaOf('America/Toronto', 'CA')?.city).toBe('Toronto');
  expect(metroAreaOf('America/Vancouver', 'CA')?.areas.map(([p]) => p)).toEqual(['V5', 'V6', 'V7']);
  expect(metroAreaOf('America/Toronto', 'US')).toBeUndefined();
  expect(metroAreaOf('Europe/Berlin', 'DE')).toBeUndefined();
});

describeEachDatabase('the receptionist template', (db) => {
  let t: ReturnType<typeof testApp>;
  beforeAll(() => {
    t = testApp(db());
  });

  const starting = async (workspaceId: string) =>
    asService(db(), async (tx) => ({
      areas: await rows<{ postal_prefix: string; label: string }>(tx, 'select postal_prefix, label from service_areas where workspace_id = $1 order by postal_prefix', [workspaceId]),
      faqs: await rows<{ category: string; question: string; answer: string }>(tx, 'select category, question, answer from faqs where workspace_id = $1 order by display_order', [workspaceId]),
      services: await rows<{ name: string; currency: string; base_price_minor: number; unit_price_minor: number }>(
        tx,
        'select name, currency, base_price_minor, unit_price_minor from services where workspace_id = $1 order by display_order',
        [workspaceId],
      ),
      prompts: await rows<{ prompt_type: string; system_prompt: string }>(tx, 'select prompt_type, system_prompt from system_prompts where workspace_id = $1 order by prompt_type', [workspaceId]),
    }));

  it('serves a Toronto business in Toronto, priced in Canadian dollars, and says so in its FAQs', async () => {
    const o = await t.owner(email('toronto'), { name: 'Laundry TO', template: 'voice', time_zone: 'America/Toronto', currency: 'CAD', country: 'CA', locale: 'en' });
    const { areas, faqs, services } = await starting(o.workspaceId);
    expect(areas.map((a) => a.postal_prefix)).toEqual(['L5', 'M4', 'M5', 'M6']);
    expect(services.map((s) => [s.name, s.currency, s.base_price_minor, s.unit_price_minor])).toEqual([
      ['Regular Wash & Fold', 'CAD', 1500, 800],
      ['Express Wash & Fold', 'CAD', 2000, 1200],
      ['Premium Same-Day', 'CAD', 3000, 1800],
    ]);
    const area = faqs.find((f) => f.category === 'service_area')!;
    expect(area.answer).toContain('Mississauga (L5)');
    expect(area.answer).not.toMatch(/Vancouver|V6/);
    expect(faqs.find((f) => f.category === 'pricing')!.answer).toBe('Regular: $15 + $8 per load (48 h). Express: $20 + $12 per load (24 h). Premium: $30 + $18 per load (same day).');
  });

  it('serves a Bogotá business in Bogotá, in Spanish and pesos', async () => {
    const o = await t.owner(email('bogota'), { name: 'Lavandería Chapinero', template: 'voice', time_zone: 'America/Bogota', currency: 'COP', country: 'CO', locale: 'es' });
    const { areas, faqs, services, prompts } = await starting(o.workspaceId);
    expect(areas).toEqual([{ postal_prefix: '11', label: 'Bogotá' }]);
    expect(services.map((s) => [s.currency, s.base_price_minor, s.unit_price_minor])).toEqual([
      ['COP', 30_000, 15_000],
      ['COP', 40_000, 20_000],
      ['COP', 60_000, 30_000],
    ]);
    expect(faqs.map((f) => f.question)).toEqual(['¿Cuánto cuesta?', '¿Dónde recogen?']);
    expect(faqs[0]!.answer).toMatch(/^Regular: \$\s?30\.000 \+ \$\s?15\.000 por carga/);
    expect(prompts.find((p) => p.prompt_type === 'voice')!.system_prompt).toMatch(/^Eres la recepcionista/);
  });

  it('claims no area for a city it does not know, so every postal code is taken until the owner lists them', async () => {
    const o = await t.owner(email('berlin'), { name: 'Wäscherei', template: 'voice', time_zone: 'Europe/Berlin', currency: 'EUR', country: 'DE', locale: 'en' });
    const { areas, faqs, services } = await starting(o.workspaceId);
    expect(areas).toEqual([]);
    expect(faqs.find((f) => f.category === 'service_area')!.answer).toBe('Tell us your postal code and we will confirm that we pick up there.');
    expect(services[0]).toMatchObject({ currency: 'EUR', base_price_minor: 1400, unit_price_minor: 700 });
    const covered = await t.call('GET', '/api/v1/service-areas/check?postal_code=10115', { ...o.as });
    expect(covered.status, JSON.stringify(covered.body)).toBe(200);
    expect(covered.body).toMatchObject({ covered: true });
  });
});
