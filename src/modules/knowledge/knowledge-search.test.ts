import fc from 'fast-check';
import { expect, it } from 'vitest';
import { describeEachDatabase } from '../../../test/support/db.ts';
import { email, testApp } from '../../../test/support/http.ts';
import type { SqlConnection } from '../../platform/db/connection.ts';
import type { Tx } from '../../platform/db/database.ts';
import { kyselyOn } from '../../platform/db/kysely.ts';
import type { DB } from '../../platform/db/schema.ts';
import { withTenant } from '../../platform/db/tenant.ts';
import { systemClock } from '../../platform/clock.ts';
import { silentLogger } from '../../platform/log.ts';
import { recordFaqUse, searchKnowledge } from './index.ts';

class Rollback extends Error {}

type Hit = { source: string; id: string; title: string; snippet: string; score: number };

describeEachDatabase('knowledge search', (db) => {
  const api = () => testApp(db());

  /** A workspace in `locale` with the given entries, FAQs and destinations; returns their ids by title. */
  async function workspaceWith(
    locale: string,
    content: { entries?: object[]; faqs?: object[]; destinations?: object[] },
  ) {
    const t = api();
    const o = await t.owner(email(locale), { locale });
    const ids: Record<string, string> = {};
    const add = async (path: string, body: object, title: string) => {
      const res = await t.call('POST', `/api/v1/${path}`, { ...o.as, body });
      if (res.status !== 201) throw new Error(`${path}: ${JSON.stringify(res.body)}`);
      ids[title] = res.body.id;
    };
    for (const e of content.entries ?? []) await add('knowledge/entries', e, (e as { title: string }).title);
    for (const f of content.faqs ?? []) await add('faqs', f, (f as { question: string }).question);
    for (const d of content.destinations ?? []) await add('destinations', d, (d as { university_name: string }).university_name);
    const search = async (q: string, extra = ''): Promise<Hit[]> => {
      const res = await t.call('GET', `/api/v1/knowledge/search?q=${encodeURIComponent(q)}${extra}`, o.as);
      if (res.status !== 200) throw new Error(`search ${q}: ${res.status} ${JSON.stringify(res.body)}`);
      return res.body.data;
    };
    const titles = async (q: string) => (await search(q)).map((h) => h.title);
    return { t, o, ids, search, titles };
  }

  const eagle = {
    entries: [
      { title: 'Biaya konsultasi 1-on-1', content: 'Konsultasi 1-on-1 selama 60 menit dengan konsultan senior: Rp 500.000, dibayar lewat QRIS, GoPay, OVO, transfer bank atau kartu.' },
      { title: 'Beasiswa LPDP', content: 'LPDP membiayai kuliah S2/S3 penuh termasuk tunjangan hidup. Syarat umum: IPK minimal 3.0, IELTS 6.5, dan surat rekomendasi.' },
      { title: 'Visa pelajar Inggris', content: 'Student visa UK membutuhkan CAS dari universitas, bukti dana, dan tes TB. Proses biasanya 3 minggu.' },
      { title: 'Jam layanan', content: 'Kantor kami buka Senin-Jumat 09.00-17.00 WIB di Jakarta Selatan.' },
      { title: 'Biaya hidup di Melbourne', content: 'Perkiraan biaya hidup pelajar di Melbourne sekitar AUD 2.000-2.500 per bulan termasuk sewa kamar.' },
      { title: 'Beasiswa Chevening (arsip)', content: 'Beasiswa Chevening tahun lalu.', is_active: false },
    ],
    faqs: [
      { category: 'Harga', question: 'Berapa tarif paket pendampingan?', answer: 'Paket pendampingan lengkap Rp 15 juta.', keywords: ['harga', 'paket'] },
      { category: 'Harga', question: 'Ada diskon beasiswa?', answer: 'Tidak ada.', keywords: ['diskon'], is_active: false },
    ],
    destinations: [
      { country: 'Australia', city: 'Melbourne', university_name: 'Monash University', programs: ['Accounting', 'Nursing'], is_promoted: true, priority: 9 },
      { country: 'United Kingdom', city: 'Manchester', university_name: 'University of Manchester', programs: ['Business', 'Computer Science'], notes: 'Intake September' },
    ],
  };

  it('finds active entries, FAQs and destinations in an Indonesian workspace, best first', async () => {
    const { ids, search, titles } = await workspaceWith('id', eagle);

    const scholarship = await search('beasiswa');
    expect(scholarship).toEqual([
      {
        source: 'entry',
        id: ids['Beasiswa LPDP'],
        title: 'Beasiswa LPDP',
        snippet: 'LPDP membiayai kuliah S2/S3 penuh termasuk tunjangan hidup. Syarat umum: IPK minimal 3.0, IELTS 6.5, dan surat rekomendasi.',
        score: expect.any(Number),
      },
    ]);
    expect(scholarship[0]!.score).toBeGreaterThan(0);

    // Both words in the title and the text beat one word in the text.
    expect(await titles('biaya hidup')).toEqual(['Biaya hidup di Melbourne', 'Biaya konsultasi 1-on-1', 'Beasiswa LPDP']);
    // A customer's whole question: its filler words ("berapa", "di") match nothing on their own.
    expect(await titles('Berapa biaya hidup di Melbourne?')).toEqual(['Biaya hidup di Melbourne', 'Monash University', 'Biaya konsultasi 1-on-1', 'Beasiswa LPDP']);
    // An FAQ is found by its keywords as well as its words.
    expect(await search('harga')).toEqual([
      { source: 'faq', id: ids['Berapa tarif paket pendampingan?'], title: 'Berapa tarif paket pendampingan?', snippet: 'Paket pendampingan lengkap Rp 15 juta.', score: expect.any(Number) },
    ]);
    expect(await search('manchester')).toEqual([
      {
        source: 'destination',
        id: ids['University of Manchester'],
        title: 'University of Manchester',
        snippet: 'Manchester, United Kingdom. Business, Computer Science. Intake September',
        score: expect.any(Number),
      },
    ]);
    expect(await titles('computer science')).toEqual(['University of Manchester']);
    expect((await search('biaya hidup', '&limit=1')).map((h) => h.title)).toEqual(['Biaya hidup di Melbourne']);
    expect(await search('?! ...')).toEqual([]);
    expect(await search('kamu dan saya')).toEqual([]);
    expect(await search('quantum')).toEqual([]);
  });

  it('stems Indonesian: "universitasnya" finds "universitas"', async () => {
    const { titles } = await workspaceWith('id', eagle);
    expect(await titles('universitas')).toEqual(['Visa pelajar Inggris']);
    expect(await titles('universitasnya')).toEqual(['Visa pelajar Inggris']);
    expect(await titles('membutuhkan')).toEqual(['Visa pelajar Inggris']);
    expect(await titles('butuh')).toEqual(['Visa pelajar Inggris']);
  });

  it('searches a Spanish workspace in Spanish', async () => {
    const { ids, search, titles } = await workspaceWith('es-CO', {
      entries: [
        { title: 'Política de cancelación', content: 'Puedes cancelar gratis hasta 24 horas antes del servicio.' },
        { title: 'Zonas de cobertura', content: 'Atendemos Bogotá, Medellín y Cali.' },
      ],
      faqs: [
        { category: 'pagos', question: '¿Cuándo se cobra el servicio?', answer: 'Retenemos el pago al reservar y lo cobramos cuando el servicio se completa.', keywords: ['pago', 'tarjeta'] },
        { category: 'servicios', question: '¿Qué incluye la limpieza básica?', answer: 'Cocina, baños, habitaciones y zonas comunes: barrer, trapear y sacar la basura.', keywords: ['limpieza', 'aseo'] },
      ],
    });
    expect(await search('limpieza')).toEqual([
      {
        source: 'faq',
        id: ids['¿Qué incluye la limpieza básica?'],
        title: '¿Qué incluye la limpieza básica?',
        snippet: 'Cocina, baños, habitaciones y zonas comunes: barrer, trapear y sacar la basura.',
        score: expect.any(Number),
      },
    ]);
    expect(await titles('limpiezas')).toEqual(['¿Qué incluye la limpieza básica?']);
    // "cancelo" and "cancelación" share a stem, as do "reserva" and "reservar"; "de", "la",
    // "el" are Spanish stop words.
    expect(await titles('¿Cómo cancelo la reserva?')).toEqual(['Política de cancelación', '¿Cuándo se cobra el servicio?']);
    expect(await titles('el de la')).toEqual([]);
    expect(await titles('pagar con tarjeta')).toEqual(['¿Cuándo se cobra el servicio?']);
  });

  it('searches an English workspace in English, and follows a change of locale', async () => {
    const { t, o, titles } = await workspaceWith('en', {
      entries: [
        { title: 'Scholarship advice', content: 'We help with scholarship essays for universities in the UK.' },
        { title: 'Jam layanan', content: 'Dokumen untuk universitas.' },
      ],
    });
    expect(await titles('scholarships')).toEqual(['Scholarship advice']);
    expect(await titles('university')).toEqual(['Scholarship advice']);
    // The English stemmer does not know Indonesian suffixes.
    expect(await titles('universitasnya')).toEqual([]);
    expect((await t.call('PATCH', '/api/v1/workspace', { ...o.as, body: { locale: 'id' } })).status).toBe(200);
    expect(await titles('universitasnya')).toEqual(['Jam layanan']);
  });

  it('validates the query', async () => {
    const { t, o } = await workspaceWith('id', {});
    const missing = await t.call('GET', '/api/v1/knowledge/search', o.as);
    expect(missing.status).toBe(400);
    expect(missing.body.error.details.issues.map((i: { path: string }) => i.path)).toEqual(['query.q']);
    const bad = await t.call('GET', `/api/v1/knowledge/search?q=x&limit=51`, o.as);
    expect(bad.body.error.details.issues.map((i: { path: string }) => i.path)).toEqual(['query.limit']);
    const long = await t.call('GET', `/api/v1/knowledge/search?q=${'a'.repeat(501)}`, o.as);
    expect(long.status).toBe(400);
  });

  it('answers any text, in any script, with results or a validation error, never a 500', async () => {
    const { search, t, o } = await workspaceWith('id', { entries: eagle.entries.slice(0, 2) });
    await fc.assert(
      fc.asyncProperty(fc.string({ unit: 'binary', minLength: 1, maxLength: 60 }), async (q) => {
        const res = await t.call('GET', `/api/v1/knowledge/search?q=${encodeURIComponent(q)}`, o.as);
        expect([200, 400], q).toContain(res.status);
      }),
      { numRuns: 150 },
    );
    expect((await search('beasiswa ☕ 日本 ١٢ Ώ')).map((h) => h.title)).toEqual(['Beasiswa LPDP']);
    // 150 requests: room for a loaded machine, where PGlite answers them one at a time.
  }, 120_000);

  it("uses the GIN indexes of the workspace's configuration", async () => {
    const { o } = await workspaceWith('id', eagle);
    const ws = o.workspaceId;
    const ctxOn = (tx: Tx) => ({ tx, actor: { kind: 'system' as const, workspaceId: ws }, clock: systemClock, log: silentLogger() });
    // Records the statement the search runs, to ask the planner how it runs it.
    const statements: { sql: string; params: readonly unknown[] }[] = [];
    await withTenant(db(), { kind: 'system', workspaceId: ws }, async (tx) => {
      const recording: SqlConnection = {
        query: (sql, params) => {
          statements.push({ sql, params: params ?? [] });
          return tx.query(sql, params);
        },
        exec: (sql) => tx.exec(sql),
      };
      await searchKnowledge(ctxOn({ ...recording, db: kyselyOn<DB>(recording) }), { q: 'beasiswa' });
    });
    const search = statements.at(-1)!;
    // Enough rows that reading the whole workspace costs more than looking the word up.
    await db().transaction(async (owner) => {
      await owner.exec(`
        insert into ari_knowledge_entries (id, workspace_id, title, content)
          select gen_random_uuid(), '${ws}', 'Entri ' || n, 'Teks nomor ' || n from generate_series(1, 3000) n;
        insert into faqs (id, workspace_id, category, question, answer)
          select gen_random_uuid(), '${ws}', 'Umum', 'Pertanyaan ' || n, 'Jawaban ' || n from generate_series(1, 3000) n;
        insert into ari_destinations (id, workspace_id, country, university_name)
          select gen_random_uuid(), '${ws}', 'Negara ' || n, 'Kampus ' || n from generate_series(1, 3000) n;
        analyze ari_knowledge_entries; analyze faqs; analyze ari_destinations;`);
      const plan = await owner.query<{ 'QUERY PLAN': string }>(`explain ${search.sql}`, search.params);
      const text = plan.rows.map((r) => r['QUERY PLAN']).join('\n');
      expect(text).toContain('Bitmap Index Scan on idx_ari_knowledge_entries_search_indonesian');
      expect(text).toContain('Bitmap Index Scan on idx_faqs_search_indonesian');
      expect(text).toContain('Bitmap Index Scan on idx_ari_destinations_search_indonesian');
      throw new Rollback();
    }).catch((e) => {
      if (!(e instanceof Rollback)) throw e;
    });
  });

  it('is a service the assistant can call, and counts the FAQs it answers with', async () => {
    const { ids, o, t } = await workspaceWith('id', eagle);
    const other = await t.owner(email('other'));
    const faqId = ids['Berapa tarif paket pendampingan?']!;
    const asSystem = <T>(workspaceId: string, fn: (ctx: Parameters<typeof searchKnowledge>[0]) => Promise<T>) =>
      withTenant(db(), { kind: 'system', workspaceId }, (tx) => fn({ tx, actor: { kind: 'system', workspaceId }, clock: systemClock, log: silentLogger() }));

    const hits = await asSystem(o.workspaceId, (ctx) => searchKnowledge(ctx, { q: 'harga paket', limit: 3 }));
    expect(hits.map((h) => [h.source, h.id])).toEqual([['faq', faqId]]);
    expect(await asSystem(o.workspaceId, (ctx) => recordFaqUse(ctx, faqId))).toBe(1);
    expect(await asSystem(o.workspaceId, (ctx) => recordFaqUse(ctx, faqId))).toBe(2);
    expect((await t.call('GET', `/api/v1/faqs/${faqId}`, o.as)).body.usage_count).toBe(2);

    await expect(asSystem(other.workspaceId, (ctx) => recordFaqUse(ctx, faqId))).rejects.toMatchObject({ code: 'faq.not_found' });
    expect(await asSystem(other.workspaceId, (ctx) => searchKnowledge(ctx, { q: 'harga paket' }))).toEqual([]);
  });
});
