// Issue #11, low: cookie-authenticated state changes (with or without a body: take over, hand
// back, sign out, delete) were accepted from any Origin; only SameSite=Lax protected them.
import { beforeAll, expect, it } from 'vitest';
import { describeEachDatabase } from '../support/db.ts';
import { email, testApp } from '../support/http.ts';

const EVIL = 'https://evil.example';

describeEachDatabase('origin of cookie-authenticated changes', (db) => {
  let t: ReturnType<typeof testApp>;
  let owner: Awaited<ReturnType<ReturnType<typeof testApp>['owner']>>;
  beforeAll(async () => {
    t = testApp(db(), undefined, { corsOrigins: ['https://app.partner.example'] });
    owner = await t.owner(email('origin'));
  });

  const refused = (res: { status: number; body: any }) => {
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('auth.origin_forbidden');
  };

  it('refuses changes with a body from another origin', async () => {
    refused(await t.call('POST', '/api/v1/contacts', { ...owner.as, body: { name: 'Forged' }, headers: { origin: EVIL } }));
    refused(await t.call('PATCH', '/api/v1/workspace', { ...owner.as, body: { name: 'Forged' }, headers: { origin: EVIL } }));
    refused(await t.call('POST', '/api/v1/workspaces', { cookie: owner.cookie, body: { name: 'Forged' }, headers: { origin: 'null' } }));
    const ws = await t.call('GET', '/api/v1/workspace', owner.as);
    expect(ws.body.name).not.toBe('Forged');
  });

  it('refuses changes without a body from another origin: sign-out, delete', async () => {
    const contact = await t.call('POST', '/api/v1/contacts', { ...owner.as, body: { name: 'Real' } });
    expect(contact.status).toBe(201);
    refused(await t.call('DELETE', `/api/v1/contacts/${contact.body.id}`, { ...owner.as, headers: { origin: EVIL } }));
    refused(await t.call('POST', '/api/v1/auth/signout', { cookie: owner.cookie, headers: { origin: EVIL } }));
    refused(await t.call('DELETE', '/api/v1/workspace', { ...owner.as, headers: { referer: `${EVIL}/page` } }));
    refused(await t.call('POST', '/api/v1/auth/signout', { cookie: owner.cookie, headers: { 'sec-fetch-site': 'cross-site' } }));
    // Nothing happened: the session and the contact are still there.
    expect((await t.call('GET', `/api/v1/contacts/${contact.body.id}`, owner.as)).status).toBe(200);
    expect((await t.call('GET', '/api/v1/auth/me', { cookie: owner.cookie })).status).toBe(200);
  });

  it('accepts the public URL, the server itself, CORS_ORIGINS, and same-origin fetches', async () => {
    const ok = async (headers: Record<string, string>) => {
      const res = await t.call('POST', '/api/v1/contacts', { ...owner.as, body: { name: 'Fine' }, headers });
      expect(res.status, JSON.stringify(headers)).toBe(201);
    };
    await ok({ origin: 'https://frontdesk.test' });
    await ok({ origin: 'http://localhost' }); // app.request's own host
    await ok({ origin: 'https://app.partner.example' });
    await ok({ 'sec-fetch-site': 'same-origin' });
    await ok({ referer: 'https://frontdesk.test/inbox' });
    await ok({}); // not a browser: no Origin, Sec-Fetch-Site or Referer
  });

  it('does not apply to API keys or to callers without a session', async () => {
    const key = await t.apiKey(owner.as);
    const res = await t.call('POST', '/api/v1/contacts', { key: key.key, body: { name: 'Integration' }, headers: { origin: EVIL } });
    expect(res.status).toBe(201);
    const anon = await t.call('POST', '/api/v1/events', { body: { event_type: 'SearchStarted', session_id: 'o1' }, headers: { origin: EVIL, 'x-workspace-id': owner.workspaceId } });
    expect(anon.status).toBe(202);
  });

  it('lets reads through from anywhere (they change nothing)', async () => {
    expect((await t.call('GET', '/api/v1/contacts', { ...owner.as, headers: { origin: EVIL } })).status).toBe(200);
  });
});
