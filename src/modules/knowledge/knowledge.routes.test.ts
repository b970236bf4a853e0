import { expect, it } from 'vitest';
import { describeEachDatabase } from '../../../test/support/db.ts';
import { email, testApp } from '../../../test/support/http.ts';

const ISO = expect.stringMatching(/^\d{4}-\d\d-\d\dT/);
const ID = expect.stringMatching(/^[0-9a-f-]{36}$/);
const paths = (res: { body: { error: { details: { issues: { path: string }[] } } } }) => res.body.error.details.issues.map((i) => i.path);

describeEachDatabase('knowledge over HTTP', (db) => {
  const api = () => testApp(db());

  it('creates, reads, changes and deletes categories, listed by display order', async () => {
    const t = api();
    const o = await t.owner(email('owner'));
    const visa = await t.call('POST', '/api/v1/knowledge/categories', { ...o.as, body: { name: 'Visa & Dokumen', description: 'Syarat visa pelajar' } });
    expect(visa.status).toBe(201);
    expect(visa.body).toEqual({ id: ID, name: 'Visa & Dokumen', description: 'Syarat visa pelajar', display_order: 1, created_at: ISO, updated_at: ISO });
    const fees = await t.call('POST', '/api/v1/knowledge/categories', { ...o.as, body: { name: '  Biaya  ' } });
    expect(fees.body).toMatchObject({ name: 'Biaya', description: null, display_order: 2 });
    const first = await t.call('POST', '/api/v1/knowledge/categories', { ...o.as, body: { name: 'Layanan', display_order: 0 } });
    expect(first.body.display_order).toBe(0);

    const list = await t.call('GET', '/api/v1/knowledge/categories', o.as);
    expect(list.body.data.map((c: { name: string }) => c.name)).toEqual(['Layanan', 'Visa & Dokumen', 'Biaya']);
    expect(list.body.next_cursor).toBeNull();
    const page1 = await t.call('GET', '/api/v1/knowledge/categories?limit=2', o.as);
    expect(page1.body.data.map((c: { name: string }) => c.name)).toEqual(['Layanan', 'Visa & Dokumen']);
    const page2 = await t.call('GET', `/api/v1/knowledge/categories?limit=2&cursor=${page1.body.next_cursor}`, o.as);
    expect(page2.body).toEqual({ data: [expect.objectContaining({ name: 'Biaya' })], next_cursor: null });

    expect((await t.call('GET', `/api/v1/knowledge/categories/${visa.body.id}`, o.as)).body).toEqual(visa.body);
    const renamed = await t.call('PATCH', `/api/v1/knowledge/categories/${visa.body.id}`, { ...o.as, body: { name: 'Visa', description: null } });
    expect(renamed.status).toBe(200);
    expect(renamed.body).toMatchObject({ id: visa.body.id, name: 'Visa', description: null, display_order: 1 });

    const taken = await t.call('POST', '/api/v1/knowledge/categories', { ...o.as, body: { name: 'Biaya' } });
    expect(taken.status).toBe(409);
    expect(taken.body.error).toMatchObject({ code: 'category.name_taken', details: { field: 'name' } });
    const takenByRename = await t.call('PATCH', `/api/v1/knowledge/categories/${visa.body.id}`, { ...o.as, body: { name: 'Layanan' } });
    expect(takenByRename.body.error.code).toBe('category.name_taken');

    expect((await t.call('DELETE', `/api/v1/knowledge/categories/${visa.body.id}`, o.as)).status).toBe(204);
    const gone = await t.call('GET', `/api/v1/knowledge/categories/${visa.body.id}`, o.as);
    expect(gone.status).toBe(404);
    expect(gone.body.error.code).toBe('category.not_found');
    expect((await t.call('DELETE', `/api/v1/knowledge/categories/${visa.body.id}`, o.as)).status).toBe(404);
  });

  it('keeps the entries of a deleted category, uncategorised', async () => {
    const t = api();
    const o = await t.owner(email('owner'));
    const cat = await t.call('POST', '/api/v1/knowledge/categories', { ...o.as, body: { name: 'Biaya & Beasiswa' } });
    const entry = await t.call('POST', '/api/v1/knowledge/entries', { ...o.as, body: { category_id: cat.body.id, title: 'Beasiswa LPDP', content: 'LPDP membiayai kuliah S2/S3.' } });
    expect(entry.body.category_id).toBe(cat.body.id);
    await t.call('DELETE', `/api/v1/knowledge/categories/${cat.body.id}`, o.as);
    const after = await t.call('GET', `/api/v1/knowledge/entries/${entry.body.id}`, o.as);
    expect(after.status).toBe(200);
    expect(after.body).toMatchObject({ id: entry.body.id, category_id: null, title: 'Beasiswa LPDP' });
  });

  it('reorders categories 1..n, and only with every category exactly once', async () => {
    const t = api();
    const o = await t.owner(email('owner'));
    const ids: string[] = [];
    for (const name of ['A', 'B', 'C']) ids.push((await t.call('POST', '/api/v1/knowledge/categories', { ...o.as, body: { name } })).body.id);
    const [a, b, c] = ids as [string, string, string];

    const res = await t.call('POST', '/api/v1/knowledge/categories/reorder', { ...o.as, body: { ids: [c, a, b] } });
    expect(res.status).toBe(200);
    expect(res.body.data.map((x: { id: string; display_order: number }) => [x.id, x.display_order])).toEqual([[c, 1], [a, 2], [b, 3]]);
    const listed = await t.call('GET', '/api/v1/knowledge/categories', o.as);
    expect(listed.body.data.map((x: { name: string }) => x.name)).toEqual(['C', 'A', 'B']);

    const other = await t.owner(email('other'));
    const foreign = (await t.call('POST', '/api/v1/knowledge/categories', { ...other.as, body: { name: 'X' } })).body.id;
    const incomplete = await t.call('POST', '/api/v1/knowledge/categories/reorder', { ...o.as, body: { ids: [a, b] } });
    expect(incomplete.status).toBe(400);
    expect(incomplete.body.error).toMatchObject({ code: 'category.reorder_incomplete', details: { missing: [c], unknown: [] } });
    const stranger = await t.call('POST', '/api/v1/knowledge/categories/reorder', { ...o.as, body: { ids: [a, b, c, foreign] } });
    expect(stranger.body.error).toMatchObject({ code: 'category.reorder_incomplete', details: { missing: [], unknown: [foreign] } });
    const twice = await t.call('POST', '/api/v1/knowledge/categories/reorder', { ...o.as, body: { ids: [a, a, b, c] } });
    expect(twice.status).toBe(400);
    expect(paths(twice)).toEqual(['body.ids']);
    const notIds = await t.call('POST', '/api/v1/knowledge/categories/reorder', { ...o.as, body: { ids: ['x'] } });
    expect(paths(notIds)).toEqual(['body.ids.0']);
    // Nothing changed by the refused attempts.
    expect((await t.call('GET', '/api/v1/knowledge/categories', o.as)).body.data.map((x: { name: string }) => x.name)).toEqual(['C', 'A', 'B']);
  });

  it('creates, filters, changes and deletes knowledge entries', async () => {
    const t = api();
    const o = await t.owner(email('owner'));
    const cat = (await t.call('POST', '/api/v1/knowledge/categories', { ...o.as, body: { name: 'Biaya' } })).body.id;
    const lpdp = await t.call('POST', '/api/v1/knowledge/entries', { ...o.as, body: { category_id: cat, title: 'Beasiswa LPDP', content: 'IPK minimal 3.0 dan IELTS 6.5.' } });
    expect(lpdp.status).toBe(201);
    expect(lpdp.body).toEqual({ id: ID, category_id: cat, title: 'Beasiswa LPDP', content: 'IPK minimal 3.0 dan IELTS 6.5.', is_active: true, created_at: ISO, updated_at: ISO });
    const hours = await t.call('POST', '/api/v1/knowledge/entries', { ...o.as, body: { title: 'Jam layanan', content: 'Senin-Jumat 09.00-17.00 WIB, 100% online juga bisa.', is_active: false } });
    expect(hours.body).toMatchObject({ category_id: null, is_active: false });

    const titles = async (query: string) =>
      (await t.call('GET', `/api/v1/knowledge/entries${query}`, o.as)).body.data.map((e: { title: string }) => e.title);
    expect(await titles('')).toEqual(['Jam layanan', 'Beasiswa LPDP']);
    expect(await titles(`?category_id=${cat}`)).toEqual(['Beasiswa LPDP']);
    expect(await titles('?is_active=false')).toEqual(['Jam layanan']);
    expect(await titles('?q=ielts')).toEqual(['Beasiswa LPDP']);
    expect(await titles('?q=100%25')).toEqual(['Jam layanan']);
    expect(await titles('?q=_')).toEqual([]);
    const p1 = await t.call('GET', '/api/v1/knowledge/entries?limit=1', o.as);
    expect(p1.body.data.map((e: { title: string }) => e.title)).toEqual(['Jam layanan']);
    expect((await t.call('GET', `/api/v1/knowledge/entries?limit=1&cursor=${p1.body.next_cursor}`, o.as)).body).toEqual({ data: [lpdp.body], next_cursor: null });

    const changed = await t.call('PATCH', `/api/v1/knowledge/entries/${lpdp.body.id}`, { ...o.as, body: { content: 'IPK minimal 3.0.', category_id: null } });
    expect(changed.body).toMatchObject({ id: lpdp.body.id, title: 'Beasiswa LPDP', content: 'IPK minimal 3.0.', category_id: null });
    expect((await t.call('PATCH', `/api/v1/knowledge/entries/${lpdp.body.id}`, { ...o.as, body: {} })).body).toEqual(changed.body);

    const other = await t.owner(email('other'));
    const foreignCat = (await t.call('POST', '/api/v1/knowledge/categories', { ...other.as, body: { name: 'Biaya' } })).body.id;
    const wrongCat = await t.call('POST', '/api/v1/knowledge/entries', { ...o.as, body: { category_id: foreignCat, title: 'T', content: 'C' } });
    expect(wrongCat.status).toBe(400);
    expect(wrongCat.body.error).toMatchObject({ code: 'entry.category_not_found', details: { field: 'category_id' } });
    const wrongPatch = await t.call('PATCH', `/api/v1/knowledge/entries/${lpdp.body.id}`, { ...o.as, body: { category_id: foreignCat } });
    expect(wrongPatch.body.error.code).toBe('entry.category_not_found');

    const invalid = await t.call('POST', '/api/v1/knowledge/entries', { ...o.as, body: { title: '', content: 5, extra: true } });
    expect(invalid.status).toBe(400);
    expect(paths(invalid)).toEqual(expect.arrayContaining(['body.title', 'body.content', 'body']));
    expect(paths(await t.call('GET', '/api/v1/knowledge/entries?is_active=yes', o.as))).toEqual(['query.is_active']);

    expect((await t.call('DELETE', `/api/v1/knowledge/entries/${lpdp.body.id}`, o.as)).status).toBe(204);
    expect((await t.call('GET', `/api/v1/knowledge/entries/${lpdp.body.id}`, o.as)).body.error.code).toBe('entry.not_found');
  });

  it('manages FAQs with keywords; usage_count is read-only', async () => {
    const t = api();
    const o = await t.owner(email('owner'));
    const price = await t.call('POST', '/api/v1/faqs', {
      ...o.as,
      body: { category: 'Harga', question: 'Berapa biaya konsultasi?', answer: 'Rp 500.000 untuk 60 menit.', keywords: ['harga', 'biaya'], display_order: 2 },
    });
    expect(price.status).toBe(201);
    expect(price.body).toEqual({
      id: ID, category: 'Harga', question: 'Berapa biaya konsultasi?', answer: 'Rp 500.000 untuk 60 menit.', keywords: ['harga', 'biaya'],
      is_active: true, display_order: 2, usage_count: 0, created_at: ISO, updated_at: ISO,
    });
    const hours = await t.call('POST', '/api/v1/faqs', { ...o.as, body: { category: 'Layanan', question: 'Jam buka?', answer: 'Senin-Jumat.', display_order: 1 } });
    expect(hours.body).toMatchObject({ keywords: [], display_order: 1 });
    await t.call('POST', '/api/v1/faqs', { ...o.as, body: { category: 'Layanan', question: 'Ada cabang?', answer: 'Belum.', is_active: false, display_order: 3 } });

    const questions = async (query: string) => (await t.call('GET', `/api/v1/faqs${query}`, o.as)).body.data.map((f: { question: string }) => f.question);
    expect(await questions('')).toEqual(['Jam buka?', 'Berapa biaya konsultasi?', 'Ada cabang?']);
    expect(await questions('?category=Layanan')).toEqual(['Jam buka?', 'Ada cabang?']);
    expect(await questions('?is_active=false')).toEqual(['Ada cabang?']);
    expect(await questions('?is_active=true&category=Layanan')).toEqual(['Jam buka?']);
    expect(await questions('?q=HARGA')).toEqual(['Berapa biaya konsultasi?']);
    expect(await questions('?q=senin')).toEqual(['Jam buka?']);
    const p1 = await t.call('GET', '/api/v1/faqs?limit=2', o.as);
    expect((await t.call('GET', `/api/v1/faqs?limit=2&cursor=${p1.body.next_cursor}`, o.as)).body.data.map((f: { question: string }) => f.question)).toEqual(['Ada cabang?']);

    const patched = await t.call('PATCH', `/api/v1/faqs/${price.body.id}`, { ...o.as, body: { answer: 'Rp 450.000.', keywords: ['tarif'], is_active: false } });
    expect(patched.body).toMatchObject({ id: price.body.id, question: 'Berapa biaya konsultasi?', answer: 'Rp 450.000.', keywords: ['tarif'], is_active: false, usage_count: 0 });
    const counted = await t.call('PATCH', `/api/v1/faqs/${price.body.id}`, { ...o.as, body: { usage_count: 99 } });
    expect(counted.status).toBe(400);
    expect(paths(counted)).toEqual(['body']);
    const bad = await t.call('POST', '/api/v1/faqs', { ...o.as, body: { category: 'X', question: 'Q?', answer: 'A', keywords: ['ok', ''] } });
    expect(paths(bad)).toEqual(['body.keywords.1']);

    expect((await t.call('GET', `/api/v1/faqs/${price.body.id}`, o.as)).body).toEqual(patched.body);
    expect((await t.call('DELETE', `/api/v1/faqs/${price.body.id}`, o.as)).status).toBe(204);
    expect((await t.call('GET', `/api/v1/faqs/${price.body.id}`, o.as)).body.error.code).toBe('faq.not_found');
  });

  it('manages destinations: validated requirements, promoted first then by priority, one per country, city and university', async () => {
    const t = api();
    const o = await t.owner(email('owner'));
    const manchester = await t.call('POST', '/api/v1/destinations', {
      ...o.as,
      body: {
        country: 'United Kingdom', city: 'Manchester', university_name: 'University of Manchester',
        requirements: { ielts_min: 6.5, gpa_min: 3, budget_min: 450_000_000, budget_max: 700_000_000, deadline: '2027-06-30' },
        programs: ['Business', 'Computer Science'], is_promoted: true, priority: 10, notes: 'Intake September',
      },
    });
    expect(manchester.status).toBe(201);
    expect(manchester.body).toEqual({
      id: ID, country: 'United Kingdom', city: 'Manchester', university_name: 'University of Manchester',
      requirements: { ielts_min: 6.5, gpa_min: 3, budget_min: 450_000_000, budget_max: 700_000_000, deadline: '2027-06-30' },
      programs: ['Business', 'Computer Science'], is_promoted: true, priority: 10, notes: 'Intake September', created_at: ISO, updated_at: ISO,
    });
    const waseda = await t.call('POST', '/api/v1/destinations', { ...o.as, body: { country: 'Japan', university_name: 'Waseda University', priority: 6 } });
    expect(waseda.body).toMatchObject({ city: null, requirements: {}, programs: [], is_promoted: false, priority: 6, notes: null });
    await t.call('POST', '/api/v1/destinations', { ...o.as, body: { country: 'United Kingdom', city: 'London', university_name: "King's College London", priority: 8 } });
    await t.call('POST', '/api/v1/destinations', { ...o.as, body: { country: 'Australia', city: 'Melbourne', university_name: 'Monash University', is_promoted: true, priority: 9 } });

    const names = async (query: string) => (await t.call('GET', `/api/v1/destinations${query}`, o.as)).body.data.map((d: { university_name: string }) => d.university_name);
    expect(await names('')).toEqual(['University of Manchester', 'Monash University', "King's College London", 'Waseda University']);
    expect(await names('?country=united%20kingdom')).toEqual(['University of Manchester', "King's College London"]);
    expect(await names('?promoted=true')).toEqual(['University of Manchester', 'Monash University']);
    expect(await names('?promoted=false&country=Japan')).toEqual(['Waseda University']);
    const p1 = await t.call('GET', '/api/v1/destinations?limit=3', o.as);
    expect((await t.call('GET', `/api/v1/destinations?limit=3&cursor=${p1.body.next_cursor}`, o.as)).body.data.map((d: { university_name: string }) => d.university_name)).toEqual(['Waseda University']);

    const dup = await t.call('POST', '/api/v1/destinations', { ...o.as, body: { country: 'United Kingdom', city: 'Manchester', university_name: 'University of Manchester' } });
    expect(dup.status).toBe(409);
    expect(dup.body.error).toMatchObject({ code: 'destination.duplicate', details: { fields: ['country', 'city', 'university_name'] } });
    // Without a city, the same university still cannot be added twice.
    const dupNoCity = await t.call('POST', '/api/v1/destinations', { ...o.as, body: { country: 'Japan', university_name: 'Waseda University' } });
    expect(dupNoCity.body.error.code).toBe('destination.duplicate');
    const dupByPatch = await t.call('PATCH', `/api/v1/destinations/${waseda.body.id}`, { ...o.as, body: { country: 'United Kingdom', city: 'Manchester', university_name: 'University of Manchester' } });
    expect(dupByPatch.status).toBe(409);

    const invalid = await t.call('POST', '/api/v1/destinations', {
      ...o.as,
      body: { country: 'Canada', university_name: 'Toronto', requirements: { ielts_min: 6.3, gpa_min: 5, budget_min: 10, budget_max: 5, deadline: '30/06/2027', toefl: 90 } },
    });
    expect(invalid.status).toBe(400);
    expect(paths(invalid).sort()).toEqual(['body.requirements', 'body.requirements.budget_max', 'body.requirements.deadline', 'body.requirements.gpa_min', 'body.requirements.ielts_min']);
    const budget = await t.call('POST', '/api/v1/destinations', { ...o.as, body: { country: 'Canada', university_name: 'Toronto', requirements: { budget_min: 10, budget_max: 5 } } });
    expect(paths(budget)).toEqual(['body.requirements.budget_max']);

    const patched = await t.call('PATCH', `/api/v1/destinations/${waseda.body.id}`, { ...o.as, body: { requirements: { ielts_min: 6 }, programs: ['Economics'], is_promoted: true } });
    expect(patched.body).toMatchObject({ university_name: 'Waseda University', requirements: { ielts_min: 6 }, programs: ['Economics'], is_promoted: true, priority: 6 });
    expect((await t.call('GET', `/api/v1/destinations/${waseda.body.id}`, o.as)).body).toEqual(patched.body);
    expect((await t.call('DELETE', `/api/v1/destinations/${waseda.body.id}`, o.as)).status).toBe(204);
    expect((await t.call('GET', `/api/v1/destinations/${waseda.body.id}`, o.as)).body.error.code).toBe('destination.not_found');
  });

  it('lets members and read-only keys read, and only admins (and full keys) write', async () => {
    const t = api();
    const o = await t.owner(email('owner'));
    const admin = await t.teammate(o.as, email('admin'), 'admin');
    const member = await t.teammate(o.as, email('member'), 'member');
    const reader = { key: (await t.apiKey(o.as, true)).key };
    const integration = { key: (await t.apiKey(o.as, false)).key };
    const cat = (await t.call('POST', '/api/v1/knowledge/categories', { ...o.as, body: { name: 'Existing' } })).body.id;
    const entry = (await t.call('POST', '/api/v1/knowledge/entries', { ...o.as, body: { title: 'T', content: 'C' } })).body.id;
    const faq = (await t.call('POST', '/api/v1/faqs', { ...o.as, body: { category: 'C', question: 'Q?', answer: 'A' } })).body.id;
    const dest = (await t.call('POST', '/api/v1/destinations', { ...o.as, body: { country: 'Japan', university_name: 'Keio' } })).body.id;

    const reads = [
      '/api/v1/knowledge/categories', `/api/v1/knowledge/categories/${cat}`, '/api/v1/knowledge/entries', `/api/v1/knowledge/entries/${entry}`,
      '/api/v1/faqs', `/api/v1/faqs/${faq}`, '/api/v1/destinations', `/api/v1/destinations/${dest}`, '/api/v1/knowledge/search?q=keio',
    ];
    for (const who of [member.as, reader]) {
      for (const path of reads) expect([path, (await t.call('GET', path, who)).status]).toEqual([path, 200]);
    }

    let n = 0;
    const writes = (): [string, string, unknown][] => [
      ['POST', '/api/v1/knowledge/categories', { name: `New ${++n}` }],
      ['PATCH', `/api/v1/knowledge/categories/${cat}`, { description: `d${++n}` }],
      ['POST', '/api/v1/knowledge/categories/reorder', { ids: [] }],
      ['POST', '/api/v1/knowledge/entries', { title: 'T', content: 'C' }],
      ['PATCH', `/api/v1/knowledge/entries/${entry}`, { title: 'T2' }],
      ['POST', '/api/v1/faqs', { category: 'C', question: 'Q?', answer: 'A' }],
      ['PATCH', `/api/v1/faqs/${faq}`, { answer: 'B' }],
      ['POST', '/api/v1/destinations', { country: 'Japan', university_name: `U${++n}` }],
      ['PATCH', `/api/v1/destinations/${dest}`, { priority: 3 }],
    ];
    for (const who of [member.as, reader]) {
      for (const [method, path, body] of writes()) {
        const res = await t.call(method, path, { ...who, body });
        expect([method, path, res.status, res.body.error.code]).toEqual([method, path, 403, 'auth.forbidden']);
      }
      for (const path of [`/api/v1/knowledge/categories/${cat}`, `/api/v1/knowledge/entries/${entry}`, `/api/v1/faqs/${faq}`, `/api/v1/destinations/${dest}`]) {
        expect([path, (await t.call('DELETE', path, who)).status]).toEqual([path, 403]);
      }
    }
    for (const who of [admin.as, integration]) {
      for (const [method, path, body] of writes()) {
        const res = await t.call(method, path, { ...who, body });
        // The reorder with no ids is refused for what it says, not for who says it.
        const expected = path.endsWith('/reorder') ? 400 : method === 'POST' ? 201 : 200;
        expect([method, path, res.status]).toEqual([method, path, expected]);
      }
    }
    for (const path of [`/api/v1/knowledge/categories/${cat}`, `/api/v1/knowledge/entries/${entry}`, `/api/v1/faqs/${faq}`, `/api/v1/destinations/${dest}`]) {
      expect([path, (await t.call('DELETE', path, admin.as)).status]).toEqual([path, 204]);
    }
  });

  it("answers 404 for another workspace's categories, entries, FAQs and destinations, exactly as for missing ones", async () => {
    const t = api();
    const a = await t.owner(email('a'));
    const b = await t.owner(email('b'));
    const ids = {
      'knowledge/categories': (await t.call('POST', '/api/v1/knowledge/categories', { ...a.as, body: { name: 'Mine' } })).body.id,
      'knowledge/entries': (await t.call('POST', '/api/v1/knowledge/entries', { ...a.as, body: { title: 'Secret', content: 'Only for A' } })).body.id,
      faqs: (await t.call('POST', '/api/v1/faqs', { ...a.as, body: { category: 'C', question: 'Secret?', answer: 'A' } })).body.id,
      destinations: (await t.call('POST', '/api/v1/destinations', { ...a.as, body: { country: 'Japan', university_name: 'Secret U' } })).body.id,
    };
    const patches: Record<string, unknown> = {
      'knowledge/categories': { name: 'Taken over' },
      'knowledge/entries': { title: 'Taken over' },
      faqs: { answer: 'Taken over' },
      destinations: { notes: 'Taken over' },
    };
    const missing = '00000000-0000-7000-8000-000000000000';
    for (const [resource, id] of Object.entries(ids)) {
      for (const [method, body] of [['GET', undefined], ['PATCH', patches[resource]], ['DELETE', undefined]] as const) {
        const foreign = await t.call(method, `/api/v1/${resource}/${id}`, { ...b.as, body });
        const absent = await t.call(method, `/api/v1/${resource}/${missing}`, { ...b.as, body });
        expect([resource, method, foreign.status]).toEqual([resource, method, 404]);
        expect(foreign.body).toEqual(absent.body);
      }
      expect((await t.call('GET', `/api/v1/${resource}`, b.as)).body.data).toEqual([]);
      // Still there, unchanged, for its owner.
      expect((await t.call('GET', `/api/v1/${resource}/${id}`, a.as)).status).toBe(200);
    }
    expect((await t.call('GET', '/api/v1/knowledge/search?q=secret', b.as)).body.data).toEqual([]);
    expect((await t.call('GET', '/api/v1/knowledge/search?q=secret', a.as)).body.data).toHaveLength(3);
  });
});
