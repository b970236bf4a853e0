import { beforeAll, expect, it } from 'vitest';
import { loadCorpus, type CorpusEntry } from '../../eval/corpus.ts';
import { replyLanguage } from '../../eval/language.ts';
import { startParrot } from '../../eval/parrot.ts';
import { factsOf, formatReport, runCorpus, type EvalReport } from '../../eval/runner.ts';
import { describeEachDatabase } from '../support/db.ts';

const corpus = loadCorpus();

it('reads the language a reply is written in, and calls a reply with no clear language unclear', () => {
  expect(replyLanguage('Boleh tahu nama lengkap kamu?')).toBe('id');
  expect(replyLanguage('Which of these times suits you? Reply with the number.')).toBe('en');
  expect(replyLanguage('¿Qué día te queda mejor para la cita?')).toBe('es');
  expect(replyLanguage('OK 👍')).toBeUndefined();
});

it("reads Amara's facts from its working memory: the request over the draft over the last booking", () => {
  const service = { id: 's', name: 'Limpieza básica', unit_name: 'hour', base_price_minor: 0, unit_price_minor: 3_000_000, currency: 'COP' };
  expect(factsOf('amara', { language: 'es', amara: { booked: [{ service: 'Limpieza básica', hours: 3 }] } })).toMatchObject({ language: 'es', service: 'Limpieza básica', hours: 3 });
  expect(factsOf('amara', { amara: { draft: { service, hours: 4, customer_phone: '+573001234567' }, request: { hours: 5 } } })).toMatchObject({ service: 'Limpieza básica', hours: 5, phone: '+573001234567' });
  expect(factsOf('receptionist', { units: 3 })).toEqual({ units: 3 });
});

describeEachDatabase('the evaluation corpus with the built-in engine', (db) => {
  let report: EvalReport;

  beforeAll(async () => {
    report = await runCorpus(db(), corpus);
  }, 600_000);

  it.each(corpus.map((c) => [c.id, c] as [string, CorpusEntry]))('%s goes as scripted', (id) => {
    const result = report.results.find((r) => r.id === id);
    expect(result, `${id} did not run`).toBeDefined();
    expect(result!.passed, formatReport({ ...report, failures: result!.failures })).toBe(true);
  });

  it('passes every conversation of the corpus (100 %)', () => {
    expect(report.total).toBe(corpus.length);
    expect(report.passed, formatReport(report)).toBe(report.total);
  });

  it('runs the model path with a fake model that repeats the draft, and scores the same (one happy path per app)', async () => {
    const parrot = await startParrot();
    try {
      const some = corpus.filter((c) => ['ari-id-docs-after-slots', 'rx-en-sms-happy', 'am-es-happy'].includes(c.id));
      expect(some).toHaveLength(3);
      const r = await runCorpus(db(), some, { turnOptions: { llm: { baseUrl: parrot.url, model: 'eval-parrot', timeoutMs: 10_000 } } });
      expect(r.passed, formatReport(r)).toBe(3);
      expect(parrot.worded).toBeGreaterThan(10);
    } finally {
      await parrot.close();
    }
  });

  it('fails a conversation whose expectation the assistant does not meet, and says where and why', async () => {
    const wrong: CorpusEntry = {
      id: 'eval-self-check',
      app: 'ari',
      file: 'inline',
      category: 'self check',
      channel: 'whatsapp',
      turns: [{ customer: 'Halo, saya mau kuliah S2 di UK', expect: { language: 'en', includes: ['zebra crossing'], state: 'payment' } }],
      outcome: { booked: true, facts: { destination: 'Japan' } },
    };
    const r = await runCorpus(db(), [wrong]);
    expect(r.passed).toBe(0);
    expect(r.failures.map((f) => `${f.at}:${f.what}`).sort()).toEqual(['1:includes', '1:language', '1:state', 'outcome:booked', 'outcome:facts.destination']);
    expect(formatReport(r)).toContain('eval-self-check [ari / self check] turn 1: language expected "en", got "id"');
  });
});
