// Issue #11 (low): read-only API keys were refused GET /channels and GET /integrations/midtrans,
// against the role table of docs/api.md ("read the workspace, ... configuration": read-only
// keys too). They read them now, and no secret ever leaves the server.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachDatabase } from '../support/db.ts';
import { startFakeMeta, type FakeMeta } from '../support/fakes/meta.ts';
import { channelsApp } from '../support/channels.ts';

let meta: FakeMeta;
beforeAll(async () => {
  meta = await startFakeMeta();
});
afterAll(async () => {
  await meta?.close();
});

describeEachDatabase('read-only keys read the channel and payment settings', (db) => {
  let t: ReturnType<typeof channelsApp>;
  let ws: Awaited<ReturnType<ReturnType<typeof channelsApp>['connectedWorkspace']>>;
  let reader: string;
  const serverKey = 'SB-Mid-server-secret-0123456789';

  beforeAll(async () => {
    t = channelsApp(db(), meta);
    ws = await t.connectedWorkspace();
    const key = await t.call('POST', '/api/v1/api-keys', { ...ws.as, body: { name: 'dashboard', read_only: true } });
    expect(key.status).toBe(201);
    reader = key.body.key;
    const midtrans = await t.call('PUT', '/api/v1/integrations/midtrans', { ...ws.as, body: { server_key: serverKey, client_key: 'SB-Mid-client-abcdefgh', environment: 'sandbox' } });
    expect(midtrans.status).toBe(200);
  });

  const asReader = (method: string, path: string, body?: unknown) => t.call(method, path, { headers: { authorization: `Bearer ${reader}` }, ...(body !== undefined ? { body } : {}) });
  const secrets = () => [ws.accessToken, ws.appSecret, ws.verifyToken, serverKey];

  it('GET /api/v1/channels and /channels/{provider} answer 200 with has_* flags and no secret', async () => {
    const list = await asReader('GET', '/api/v1/channels');
    expect(list.status, JSON.stringify(list.body)).toBe(200);
    expect(list.body.data).toEqual(expect.arrayContaining([expect.objectContaining({ provider: 'whatsapp', phone_number_id: ws.phoneNumberId, has_access_token: true, has_app_secret: true })]));
    const one = await asReader('GET', '/api/v1/channels/whatsapp');
    expect(one.status, JSON.stringify(one.body)).toBe(200);
    for (const s of secrets()) {
      expect(JSON.stringify(list.body)).not.toContain(s);
      expect(JSON.stringify(one.body)).not.toContain(s);
    }
  });

  it('GET /api/v1/integrations/midtrans answers 200 without the server key', async () => {
    const res = await asReader('GET', '/api/v1/integrations/midtrans');
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toEqual(expect.objectContaining({ client_key: 'SB-Mid-client-abcdefgh', environment: 'sandbox' }));
    expect(JSON.stringify(res.body)).not.toContain(serverKey);
    expect(JSON.stringify(res.body)).not.toContain(serverKey.slice(0, -4));
  });

  it('still may not change them', async () => {
    expect((await asReader('PUT', '/api/v1/channels/webchat', { allowed_origins: ['https://example.com'] })).status).toBe(403);
    expect((await asReader('PUT', '/api/v1/integrations/midtrans', { client_key: 'SB-Mid-client-zzzzzzzz', environment: 'sandbox' })).status).toBe(403);
  });
});
