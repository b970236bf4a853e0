import { expect, it } from 'vitest';
import { describeEachDatabase } from '../../../test/support/db.ts';
import { email, testApp } from '../../../test/support/http.ts';

const ISO = expect.stringMatching(/^\d{4}-\d\d-\d\dT/);
const ID = expect.stringMatching(/^[0-9a-f-]{36}$/);
const DAY = 86_400_000;
const inDays = (n: number) => new Date(Date.now() + n * DAY).toISOString();

describeEachDatabase('articles and webinars over HTTP', (db) => {
  const api = () => testApp(db());

  it('shows a published article to anyone, and a draft or another id to no one', async () => {
    const t = api();
    const o = await t.owner(email('public-articles'));
    const live = await t.call('POST', '/api/v1/articles', { ...o.as, body: { title: 'Kuliah di Jepang', slug: 'kuliah-jepang', excerpt: 'MEXT dan biaya hidup.', content: 'Mulai dari JLPT N3.', status: 'published' } });
    const draft = await t.call('POST', '/api/v1/articles', { ...o.as, body: { title: 'Belum siap', slug: 'belum-siap' } });
    const reader = { 'x-test-client': 'reader-1' };
    const page = await t.call('GET', `/api/v1/public/articles/${live.body.id}`, { headers: reader });
    expect(page.status).toBe(200);
    expect(page.body).toEqual({ id: live.body.id, title: 'Kuliah di Jepang', slug: 'kuliah-jepang', excerpt: 'MEXT dan biaya hidup.', content: 'Mulai dari JLPT N3.', cover_image_url: null, published_at: ISO });
    for (const id of [draft.body.id, '00000000-0000-4000-8000-000000000000']) {
      const res = await t.call('GET', `/api/v1/public/articles/${id}`, { headers: reader });
      expect([res.status, res.body.error.code]).toEqual([404, 'article.not_found']);
    }
    // Unpublished again, it is gone from the public.
    await t.call('PATCH', `/api/v1/articles/${live.body.id}`, { ...o.as, body: { status: 'draft' } });
    expect((await t.call('GET', `/api/v1/public/articles/${live.body.id}`, { headers: reader })).status).toBe(404);
  });

  it('writes, publishes, lists, changes and deletes articles; a slug is the workspace’s once', async () => {
    const t = api();
    const o = await t.owner(email('articles'));
    const draft = await t.call('POST', '/api/v1/articles', { ...o.as, body: { title: 'Panduan LPDP 2027', slug: 'panduan-lpdp-2027', excerpt: 'Syarat dan tips esai.' } });
    expect(draft.status).toBe(201);
    expect(draft.body).toEqual({ id: ID, title: 'Panduan LPDP 2027', slug: 'panduan-lpdp-2027', excerpt: 'Syarat dan tips esai.', content: null, cover_image_url: null, status: 'draft', published_at: null, created_at: ISO, updated_at: ISO });
    const live = await t.call('POST', '/api/v1/articles', { ...o.as, body: { title: 'Kuliah di Inggris', slug: 'kuliah-inggris', content: 'Mulai dari IELTS.', status: 'published', cover_image_url: 'https://cdn.example.com/uk.jpg' } });
    expect(live.body).toMatchObject({ status: 'published', published_at: ISO });

    const taken = await t.call('POST', '/api/v1/articles', { ...o.as, body: { title: 'Lagi', slug: 'kuliah-inggris' } });
    expect([taken.status, taken.body.error.code, taken.body.error.details]).toEqual([409, 'article.slug_taken', { field: 'slug' }]);
    const badSlug = await t.call('POST', '/api/v1/articles', { ...o.as, body: { title: 'X', slug: 'Not A Slug' } });
    expect(badSlug.status).toBe(400);

    expect((await t.call('GET', '/api/v1/articles', o.as)).body.data.map((a: { slug: string }) => a.slug)).toEqual(['kuliah-inggris', 'panduan-lpdp-2027']);
    expect((await t.call('GET', '/api/v1/articles?status=draft', o.as)).body.data.map((a: { slug: string }) => a.slug)).toEqual(['panduan-lpdp-2027']);
    const page1 = await t.call('GET', '/api/v1/articles?limit=1', o.as);
    expect((await t.call('GET', `/api/v1/articles?limit=1&cursor=${page1.body.next_cursor}`, o.as)).body.data[0].slug).toBe('panduan-lpdp-2027');

    const published = await t.call('PATCH', `/api/v1/articles/${draft.body.id}`, { ...o.as, body: { status: 'published', content: 'Esai: ceritakan kontribusimu.' } });
    expect(published.body).toMatchObject({ status: 'published', content: 'Esai: ceritakan kontribusimu.', published_at: ISO });
    // Back to draft keeps when it first went out.
    const unpublished = await t.call('PATCH', `/api/v1/articles/${draft.body.id}`, { ...o.as, body: { status: 'draft' } });
    expect(unpublished.body).toMatchObject({ status: 'draft', published_at: published.body.published_at });

    const member = await t.teammate(o.as, email('articles-member'), 'member');
    expect((await t.call('GET', `/api/v1/articles/${draft.body.id}`, member.as)).status).toBe(200);
    expect((await t.call('POST', '/api/v1/articles', { ...member.as, body: { title: 'Nope', slug: 'nope' } })).status).toBe(403);

    expect((await t.call('DELETE', `/api/v1/articles/${draft.body.id}`, o.as)).status).toBe(204);
    const gone = await t.call('GET', `/api/v1/articles/${draft.body.id}`, o.as);
    expect([gone.status, gone.body.error.code]).toEqual([404, 'article.not_found']);
    // Another workspace sees none of it.
    const other = await t.owner(email('articles-other'));
    expect((await t.call('GET', `/api/v1/articles/${live.body.id}`, other.as)).status).toBe(404);
    expect((await t.call('GET', '/api/v1/articles', other.as)).body.data).toEqual([]);
  });

  it('schedules webinars, and the public registers once per phone as a webinar lead, up to capacity', async () => {
    const t = api();
    const o = await t.owner(email('webinars'));
    const created = await t.call('POST', '/api/v1/webinars', {
      ...o.as,
      body: { title: 'Study in Australia', slug: 'study-in-australia', scheduled_at: inDays(10), meeting_url: 'https://meet.example.com/aus', max_registrations: 2 },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ id: ID, status: 'draft', duration_minutes: 60, max_registrations: 2, registrations: 0, published_at: null });
    const id = created.body.id as string;

    // A draft is nobody's to register for, and looks like no webinar at all.
    const visitor = (n: number) => ({ 'x-test-client': `visitor-${n}` });
    const register = (body: object, n = 1) => t.call('POST', `/api/v1/public/webinars/${id}/registrations`, { headers: visitor(n), body });
    const early = await register({ name: 'Ayu', phone: '0812 5555 0101' });
    expect([early.status, early.body.error.code]).toEqual([404, 'webinar.not_found']);

    expect((await t.call('PATCH', `/api/v1/webinars/${id}`, { ...o.as, body: { status: 'published' } })).body).toMatchObject({ status: 'published', published_at: ISO });
    const page = await t.call('GET', `/api/v1/public/webinars/${id}`, { headers: visitor(1) });
    expect(page.body).toEqual({ id, title: 'Study in Australia', description: null, cover_image_url: null, scheduled_at: ISO, duration_minutes: 60, seats_left: 2, open: true });
    expect(JSON.stringify(page.body)).not.toContain('meet.example.com');

    const ayu = await register({ name: 'Ayu Kartika', phone: '0812 5555 0101', email: 'ayu@example.id' });
    expect([ayu.status, ayu.body]).toEqual([201, { webinar_id: id, title: 'Study in Australia', scheduled_at: ISO, already_registered: false }]);
    // The same phone written another way: registered already, kindly, nothing new.
    const again = await register({ name: 'Ayu', phone: '+62 812-5555-0101' });
    expect([again.status, again.body.already_registered]).toEqual([200, true]);

    const contacts = await t.call('GET', '/api/v1/contacts?q=Ayu', o.as);
    expect(contacts.body.data).toEqual([expect.objectContaining({ name: 'Ayu Kartika', phone: '+6281255550101', email: 'ayu@example.id', source: 'webinar_registration', tags: ['webinar-lead'], lead_score: 50 })]);

    // An existing contact keeps what it has and gains the tag.
    const known = await t.call('POST', '/api/v1/contacts', { ...o.as, body: { name: 'Bayu Nugroho', phone: '+6281255550102', tags: ['ielts'] } });
    expect(known.status).toBe(201);
    expect((await register({ name: 'B', phone: '081255550102' }, 2)).status).toBe(201);
    const bayu = (await t.call('GET', `/api/v1/contacts/${known.body.id}`, o.as)).body;
    expect(bayu).toMatchObject({ name: 'Bayu Nugroho', tags: ['ielts', 'webinar-lead'] });

    // Full at two; someone already registered is still told so.
    const full = await register({ name: 'Citra', phone: '081255550103' }, 3);
    expect([full.status, full.body.error.code]).toEqual([409, 'webinar.full']);
    expect((await register({ name: 'Ayu', phone: '081255550101' }, 3)).body.already_registered).toBe(true);
    expect((await t.call('GET', `/api/v1/public/webinars/${id}`, { headers: visitor(4) })).body).toMatchObject({ seats_left: 0, open: false });
    // Nor can the capacity go below who registered.
    const shrink = await t.call('PATCH', `/api/v1/webinars/${id}`, { ...o.as, body: { max_registrations: 1 } });
    expect([shrink.status, shrink.body.error.code]).toEqual([409, 'webinar.capacity_below_registrations']);

    // Staff read the registrations and mark attendance.
    const regs = await t.call('GET', `/api/v1/webinars/${id}/registrations`, o.as);
    expect(regs.body.data.map((r: { name: string; attended: boolean }) => [r.name, r.attended])).toEqual([['Bayu Nugroho', false], ['Ayu Kartika', false]]);
    const marked = await t.call('PATCH', `/api/v1/webinars/${id}/registrations/${regs.body.data[1].id}`, { ...o.as, body: { attended: true } });
    expect(marked.body).toEqual({ id: regs.body.data[1].id, webinar_id: id, contact_id: ID, name: 'Ayu Kartika', phone: '+6281255550101', registered_at: ISO, attended: true });
    expect((await t.call('GET', `/api/v1/webinars/${id}`, o.as)).body.registrations).toBe(2);

    // Bad input, bots and a started webinar.
    expect((await register({ name: 'Dodi', phone: '12345' }, 5)).body.error.code).toBe('webinar.invalid_phone');
    expect((await register({ name: 'Bot', phone: '081255550109', website: 'http://spam.example' }, 5)).body.error.code).toBe('webinar.registration_refused');
    const past = await t.call('POST', '/api/v1/webinars', { ...o.as, body: { title: 'Yesterday', slug: 'yesterday', scheduled_at: inDays(-1), status: 'published' } });
    const late = await t.call('POST', `/api/v1/public/webinars/${past.body.id}/registrations`, { headers: visitor(6), body: { name: 'Eka', phone: '081255550104' } });
    expect([late.status, late.body.error.code]).toEqual([409, 'webinar.closed']);
    expect((await t.call('GET', '/api/v1/webinars?upcoming=true', o.as)).body.data.map((w: { slug: string }) => w.slug)).toEqual(['study-in-australia']);
    expect((await t.call('POST', '/api/v1/webinars', { ...o.as, body: { title: 'Dup', slug: 'yesterday', scheduled_at: inDays(3) } })).body.error.code).toBe('webinar.slug_taken');

    expect((await t.call('DELETE', `/api/v1/webinars/${id}`, o.as)).status).toBe(204);
    expect((await t.call('GET', `/api/v1/webinars/${id}/registrations`, o.as)).body.error.code).toBe('webinar.not_found');
  });

  it('limits the public form to 10 requests a minute from one address', async () => {
    const t = api();
    const o = await t.owner(email('webinar-limit'));
    const w = await t.call('POST', '/api/v1/webinars', { ...o.as, body: { title: 'Limit', slug: 'limit', scheduled_at: inDays(5), status: 'published' } });
    const statuses: number[] = [];
    for (let i = 0; i < 11; i++) {
      const res = await t.call('POST', `/api/v1/public/webinars/${w.body.id}/registrations`, { headers: { 'x-test-client': 'one-address' }, body: { name: `P${i}`, phone: `08125555${String(1000 + i)}` } });
      statuses.push(res.status);
      if (res.status === 429) expect(res.headers.get('retry-after')).toMatch(/^\d+$/);
    }
    expect(statuses).toEqual([...Array(10).fill(201), 429]);
    // Another address is not held back by it.
    expect((await t.call('POST', `/api/v1/public/webinars/${w.body.id}/registrations`, { headers: { 'x-test-client': 'another' }, body: { name: 'Q', phone: '081255552000' } })).status).toBe(201);
  });

  it('never lets concurrent registrations pass the capacity', async () => {
    const t = api();
    const o = await t.owner(email('webinar-race'));
    const w = await t.call('POST', '/api/v1/webinars', { ...o.as, body: { title: 'Race', slug: 'race', scheduled_at: inDays(5), status: 'published', max_registrations: 5 } });
    const results = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        t.call('POST', `/api/v1/public/webinars/${w.body.id}/registrations`, { headers: { 'x-test-client': `racer-${i}` }, body: { name: `R${i}`, phone: `08125556${String(1000 + i)}` } }),
      ),
    );
    expect(results.filter((r) => r.status === 201)).toHaveLength(5);
    expect(results.filter((r) => r.status === 409).every((r) => r.body.error.code === 'webinar.full')).toBe(true);
    expect((await t.call('GET', `/api/v1/webinars/${w.body.id}`, o.as)).body.registrations).toBe(5);
  });
});
