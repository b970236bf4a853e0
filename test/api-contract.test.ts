import { Validator } from '@seriousme/openapi-schema-validator';
import fc from 'fast-check';
import { beforeAll, expect, it } from 'vitest';
import { describeEachDatabase } from './support/db.ts';
import { contractOf } from './support/contract.ts';
import { email, testApp } from './support/http.ts';

type Doc = { paths: Record<string, Record<string, { parameters?: { name: string; in: string }[]; requestBody?: unknown }>> };

/** Every route the app serves, from Hono's own route table (not from the document). */
function servedRoutes(app: ReturnType<typeof testApp>['app']): string[] {
  return [
    ...new Set(
      app.routes
        .filter((r) => r.method !== 'ALL' && r.path.startsWith('/api/'))
        .map((r) => `${r.method.toLowerCase()} ${r.path.replace(/:([A-Za-z_]+)/g, '{$1}')}`),
    ),
  ].sort();
}

describeEachDatabase('the API contract', (db, kind) => {
  let t: ReturnType<typeof testApp>;
  let doc: Doc;
  let owner: Awaited<ReturnType<ReturnType<typeof testApp>['owner']>>;

  beforeAll(async () => {
    t = testApp(db());
    doc = (await t.call('GET', '/openapi.json')).body;
    owner = await t.owner(email('contract'), { template: 'ari' });
  });

  it('publishes a valid OpenAPI 3.1 document', async () => {
    const result = await new Validator().validate(doc as never);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
  });

  it('documents every route the app serves, and nothing it does not', () => {
    const documented = Object.entries(doc.paths)
      .flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m} ${path}`))
      .filter((r) => r.split(' ')[1]!.startsWith('/api/'))
      .sort();
    expect(documented).toEqual(servedRoutes(t.app));
    expect(documented.length).toBeGreaterThan(15);
  });

  it('renders the documentation page', async () => {
    const res = await t.call('GET', '/docs');
    expect(res.status).toBe(200);
    expect(res.body).toContain('<h1>Frontdesk API');
    expect(res.body).toContain('/api/v1/auth/signin');
  });

  it('answers arbitrary bodies, queries and ids on every route with a well-formed error or success, never a 500', { timeout: 300_000 }, async () => {
    const json = fc.jsonValue({ maxDepth: 3 });
    const segment = fc.oneof(fc.uuid(), fc.string({ maxLength: 40 }), fc.constantFrom('', '..', '%00', '1', 'null'));
    const operations = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.entries(ops)
        // Ending the session or giving the workspace away would end the run itself; the event
        // stream never ends by itself (test/inbox-events.test.ts covers it).
        .filter(([method]) => path.startsWith('/api/') && !path.includes('signout') && path !== '/api/v1/events/stream' && !path.includes('transfer-ownership') && !(path.endsWith('/workspace') && method === 'delete'))
        .map(([method]) => ({ method: method.toUpperCase(), path })),
    );
    const contract = contractOf(doc);
    const runs = kind === 'pglite' ? 12 : 6;
    for (const op of operations) {
      await fc.assert(
        fc.asyncProperty(json, fc.dictionary(fc.string({ maxLength: 12 }), fc.string({ maxLength: 30 }), { maxKeys: 4 }), segment, async (body, query, id) => {
          const path = op.path.replace(/\{[^}]+\}/g, encodeURIComponent(id) || 'x');
          const qs = new URLSearchParams(query).toString();
          const res = await t.call(op.method, `${path}${qs ? `?${qs}` : ''}`, {
            ...owner.as,
            ...(op.method === 'GET' || op.method === 'DELETE' ? {} : { body }),
            headers: { 'x-test-client': `fuzz-${Math.random()}` },
          });
          expect(res.status, `${op.method} ${path} -> ${JSON.stringify(res.body)}`).toBeLessThan(500);
          // Whatever came in, the answer is one the document describes (status and body).
          if (encodeURIComponent(id) === id && id !== '' && id !== '..' && id !== '.') contract.check({ method: op.method, path: op.path }, res);
          if (res.status >= 400) {
            expect(res.body).toEqual({ error: expect.objectContaining({ code: expect.any(String), message: expect.any(String) }) });
          }
        }),
        { numRuns: runs },
      );
    }
  });
});
