import { beforeAll, expect, it } from 'vitest';
import { describeEachDatabase } from '../../../test/support/db.ts';
import { email, testApp } from '../../../test/support/http.ts';

describeEachDatabase('the questions the assistant could not answer', (db) => {
  let t: ReturnType<typeof testApp>;
  let owner: Awaited<ReturnType<ReturnType<typeof testApp>['owner']>>;

  const say = async (phone: string, message: string) => {
    const res = await t.call('POST', '/api/v1/assistant/turns', { ...owner.as, body: { phone, channel: 'whatsapp', message } });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body as { reply: string };
  };

  beforeAll(async () => {
    t = testApp(db());
    owner = await t.owner(email('gaps'), { template: 'ari' });
    const faq = await t.call('POST', '/api/v1/faqs', {
      ...owner.as,
      body: { category: 'biaya', question: 'Berapa biaya konsultasi?', answer: 'Konsultasi 1-on-1 Rp 500.000 untuk 60 menit.', keywords: ['biaya', 'konsultasi', 'harga'] },
    });
    expect(faq.status, JSON.stringify(faq.body)).toBe(201);
  });

  it('lists what customers asked and got no answer to, most asked first, and leaves out what was answered', async () => {
    await say('081234560001', 'Halo');
    await say('081234560001', 'Nama saya Sari');
    const honest = await say('081234560001', 'Apakah asramanya boleh bawa kucing?');
    expect(honest.reply).toMatch(/konsultan|tim kami|belum/i);
    await say('081234560002', 'Halo');
    await say('081234560002', 'Nama saya Dewi');
    await say('081234560002', 'apakah  asramanya boleh bawa KUCING?');
    await say('081234560002', 'Apakah ada beasiswa untuk atlet panahan?');
    const answered = await say('081234560002', 'Berapa biaya konsultasi?');
    expect(answered.reply).toContain('500.000');

    const res = await t.call('GET', '/api/v1/assistant/unanswered', owner.as);
    expect(res.status).toBe(200);
    expect(res.body.data).toEqual([
      expect.objectContaining({ question: 'apakah  asramanya boleh bawa KUCING?', times_asked: 2, contacts: 2, channels: ['whatsapp'] }),
      expect.objectContaining({ question: 'Apakah ada beasiswa untuk atlet panahan?', times_asked: 1, contacts: 1 }),
    ]);
    const [cat] = res.body.data;
    expect(Date.parse(cat.first_asked_at)).toBeLessThanOrEqual(Date.parse(cat.last_asked_at));

    expect((await t.call('GET', '/api/v1/assistant/unanswered?limit=1', owner.as)).body.data).toHaveLength(1);
    expect((await t.call('GET', '/api/v1/assistant/unanswered?days=0', owner.as)).status).toBe(400);
  });

  it("lists the receptionist's unanswered texts too", async () => {
    const laundry = await t.owner(email('laundry'), { template: 'voice', time_zone: 'America/Toronto', currency: 'CAD', country: 'CA', locale: 'en' });
    const text = (message: string) => t.call('POST', '/api/v1/assistant/turns', { ...laundry.as, body: { phone: '+14165550142', channel: 'sms', message } });
    expect((await text('Do you wash dog beds?')).status).toBe(200);
    expect((await text('How much does it cost?')).status).toBe(200);
    const res = await t.call('GET', '/api/v1/assistant/unanswered', laundry.as);
    expect(res.body.data).toEqual([expect.objectContaining({ question: 'Do you wash dog beds?', times_asked: 1, channels: ['sms'] })]);
  });

  it("shows a workspace only its own customers' questions, and read-only keys may look", async () => {
    const other = await t.owner(email('other'), { template: 'ari' });
    expect((await t.call('GET', '/api/v1/assistant/unanswered', other.as)).body.data).toEqual([]);
    const key = await t.apiKey(owner.as, true);
    const viaKey = await t.call('GET', '/api/v1/assistant/unanswered', { key: key.key });
    expect(viaKey.status).toBe(200);
    expect(viaKey.body.data.length).toBeGreaterThan(0);
  });
});
