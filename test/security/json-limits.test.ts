// Issue #11, finding 7: deeply nested JSON (5,000 levels) in the anonymous POST /events,
// contacts' metadata and workspace settings answered 500 from a stack overflow.
import { beforeAll, expect, it } from 'vitest';
import { describeEachDatabase } from '../support/db.ts';
import { email, testApp } from '../support/http.ts';

const nested = (levels: number) => `${'['.repeat(levels)}${']'.repeat(levels)}`;
const deep = nested(5000);

describeEachDatabase('JSON limits', (db) => {
  let t: ReturnType<typeof testApp>;
  let owner: Awaited<ReturnType<ReturnType<typeof testApp>['owner']>>;
  beforeAll(async () => {
    t = testApp(db());
    owner = await t.owner(email('deep'));
  });

  const expectTooDeep = (res: { status: number; body: any }) => {
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'request.too_deep', details: { max_depth: 64 } });
  };

  it('refuses 5,000 levels in the properties of an anonymous event', async () => {
    expectTooDeep(
      await t.call('POST', '/api/v1/events', {
        raw: `{"event_type":"SearchStarted","session_id":"s1","properties":{"a":${deep}}}`,
        contentType: 'application/json',
        headers: { 'x-workspace-id': owner.workspaceId },
      }),
    );
  });

  it("refuses 5,000 levels in a contact's metadata", async () => {
    expectTooDeep(await t.call('POST', '/api/v1/contacts', { ...owner.as, raw: `{"name":"Deep","metadata":{"a":${deep}}}`, contentType: 'application/json' }));
  });

  it("refuses 5,000 levels in the workspace's settings", async () => {
    expectTooDeep(await t.call('PATCH', '/api/v1/workspace', { ...owner.as, raw: `{"settings":{"a":${deep}}}`, contentType: 'application/json' }));
  });

  it('refuses deep bodies on webhooks and without a content type too', async () => {
    expectTooDeep(await t.call('POST', '/webhooks/whatsapp', { raw: `{"entry":${deep}}`, contentType: 'application/json' }));
    expectTooDeep(await t.call('POST', '/webhooks/midtrans', { raw: `{"order_id":${deep}}` }));
  });

  it('still answers afterwards, and accepts ordinary nesting and brackets inside strings', async () => {
    expect((await t.call('GET', '/health')).status).toBe(200);
    const fine = await t.call('POST', '/api/v1/events', {
      raw: `{"event_type":"SearchStarted","session_id":"s2","properties":{"a":${nested(60)},"b":"${'['.repeat(5000)}\\"{{"}}`,
      contentType: 'application/json',
      headers: { 'x-workspace-id': owner.workspaceId },
    });
    expect(fine.status).toBe(202);
    const patched = await t.call('PATCH', '/api/v1/workspace', { ...owner.as, body: { settings: { a: { b: { c: [1, [2, [3]]] } } } } });
    expect(patched.status).toBe(200);
    expect(patched.body.settings).toEqual({ a: { b: { c: [1, [2, [3]]] } } });
  });

  it('refuses a body over HTTP_MAX_BODY_BYTES with 413, and a lower HTTP_MAX_JSON_DEPTH', async () => {
    const small = testApp(db(), undefined, { maxBodyBytes: 2048, maxJsonDepth: 3 });
    const big = await small.call('POST', '/api/v1/events', {
      body: { event_type: 'SearchStarted', session_id: 's3', properties: { pad: 'x'.repeat(3000) } },
      headers: { 'x-workspace-id': owner.workspaceId },
    });
    expect(big.status).toBe(413);
    expect(big.body.error.code).toBe('request.too_large');
    const four = await small.call('POST', '/api/v1/events', {
      body: { event_type: 'SearchStarted', session_id: 's3', properties: { a: [[1]] } },
      headers: { 'x-workspace-id': owner.workspaceId },
    });
    expect(four.status).toBe(400);
    expect(four.body.error).toMatchObject({ code: 'request.too_deep', details: { max_depth: 3 } });
  });
});
