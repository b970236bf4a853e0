import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { asService, one } from '../../../../test/support/actors.ts';
import { describeEachDatabase } from '../../../../test/support/db.ts';
import { startFakeMeta, type FakeMeta } from '../../../../test/support/fakes/meta.ts';
import { startFakeVapi, type FakeVapi } from '../../../../test/support/fakes/vapi.ts';
import { email, testApp } from '../../../../test/support/http.ts';
import { findChannelByAccount } from '../index.ts';
import { createSecretBox } from '../../../platform/secrets.ts';
import { withTenant } from '../../../platform/db/tenant.ts';
import { saveChannelSettings } from './settings.service.ts';
import { silentLogger } from '../../../platform/log.ts';
import { systemClock } from '../../../platform/clock.ts';

const whatsapp = { phone_number_id: '106540352242922', display_phone_number: '+62 811 0000 001', access_token: 'EAAG-access-token-1', app_secret: 'app-secret-1234', verify_token: 'verify-me-please' };

let meta: FakeMeta;
let vapi: FakeVapi;
beforeAll(async () => {
  [meta, vapi] = await Promise.all([startFakeMeta(), startFakeVapi()]);
});
afterAll(async () => {
  await Promise.all([meta?.close(), vapi?.close()]);
});

/** The number is the business's at the fake Meta, so its token proves it. */
const owned = (phone: string) => meta.connect({ phoneNumberId: phone, accessToken: whatsapp.access_token, appSecret: whatsapp.app_secret });

describeEachDatabase('channel settings', (db) => {
  let t: ReturnType<typeof testApp>;
  let o: Awaited<ReturnType<ReturnType<typeof testApp>['owner']>>;

  beforeAll(async () => {
    t = testApp(db(), undefined, { providers: { whatsappGraphUrl: meta.graphUrl, vapiApiUrl: vapi.url } });
    o = await t.owner(email('channels'));
  });

  it('stores WhatsApp settings with sealed secrets and never returns a secret', async () => {
    const phone = `1065${Date.now()}`.slice(0, 15);
    owned(phone);
    const put = await t.call('PUT', '/api/v1/channels/whatsapp', { ...o.as, body: { ...whatsapp, phone_number_id: phone } });
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({ provider: 'whatsapp', phone_number_id: phone, has_access_token: true, has_app_secret: true, has_verify_token: true, webhook_url: 'https://frontdesk.test/webhooks/whatsapp' });
    const got = await t.call('GET', '/api/v1/channels/whatsapp', o.as);
    const list = await t.call('GET', '/api/v1/channels', o.as);
    for (const text of [JSON.stringify(put.body), JSON.stringify(got.body), JSON.stringify(list.body)]) {
      for (const s of [whatsapp.access_token, whatsapp.app_secret, whatsapp.verify_token]) expect(text).not.toContain(s);
    }
    expect(list.body.data.map((c: { provider: string }) => c.provider)).toEqual(['whatsapp']);
    const row = await asService(db(), (tx) => one<{ secrets: string; settings: Record<string, unknown> }>(tx, `select secrets, settings from integrations where workspace_id = $1 and provider = 'whatsapp'`, [o.workspaceId]));
    expect(row.secrets).toMatch(/^v1\./);
    expect(row.secrets).not.toContain(whatsapp.access_token);
    expect(JSON.stringify(row.settings)).not.toContain(whatsapp.verify_token);
  });

  it('keeps stored secrets when a later save omits them, and requires them on the first save', async () => {
    const other = await t.owner(email('channels-first'));
    const first = await t.call('PUT', '/api/v1/channels/vapi', { ...other.as, body: { assistant_ids: ['asst-1'] } });
    expect(first.status).toBe(400);
    expect(first.body.error.details.issues[0].path).toBe('body.secret');
    const key = `vapi-key-${other.workspaceId}`;
    vapi.addOrg(key, { assistants: [`asst-${other.workspaceId}`], phoneNumbers: [`ph-${other.workspaceId}`] });
    expect((await t.call('PUT', '/api/v1/channels/vapi', { ...other.as, body: { assistant_ids: [`asst-${other.workspaceId}`], secret: 'vapi-secret-1', api_key: key } })).status).toBe(200);
    const again = await t.call('PUT', '/api/v1/channels/vapi', { ...other.as, body: { assistant_ids: [`asst-${other.workspaceId}`], phone_number_ids: [`ph-${other.workspaceId}`] } });
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ has_secret: true, has_api_key: true, phone_number_ids: [`ph-${other.workspaceId}`] });
  });

  it('refuses an account id another workspace has connected, as it refuses any id it cannot prove', async () => {
    const phone = `2065${Date.now()}`.slice(0, 15);
    owned(phone);
    const verifyToken = randomBytes(12).toString('hex');
    expect((await t.call('PUT', '/api/v1/channels/whatsapp', { ...o.as, body: { ...whatsapp, phone_number_id: phone, verify_token: verifyToken } })).status).toBe(200);
    // Bound once Meta's verification GET brings this workspace's verify token (until then a claim blocks nobody).
    expect(await meta.verifyCallback((url) => t.app.request(url), 'https://frontdesk.test/webhooks/whatsapp', verifyToken)).toBe(true);
    const other = await t.owner(email('channels-thief'));
    const res = await t.call('PUT', '/api/v1/channels/whatsapp', { ...other.as, body: { ...whatsapp, phone_number_id: phone } });
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('channel.ownership_unproven');
  });

  it('lets only admins change settings, and rejects unknown providers and fields', async () => {
    const member = await t.teammate(o.as, email('channels-member'), 'member');
    expect((await t.call('PUT', '/api/v1/channels/webchat', { ...member.as, body: { allowed_origins: ['https://example.com'] } })).status).toBe(403);
    expect((await t.call('GET', '/api/v1/channels/telegram', o.as)).status).toBe(400);
    expect((await t.call('PUT', '/api/v1/channels/webchat', { ...o.as, body: { allowed_origins: ['https://example.com/path'] } })).status).toBe(400);
    expect((await t.call('PUT', '/api/v1/channels/webchat', { ...o.as, body: { allowed_origins: ['https://example.com'], extra: 1 } })).status).toBe(400);
  });

  it('finds a webhook\'s workspace and opened secrets from the id the webhook carries', async () => {
    const box = createSecretBox(randomBytes(32));
    const twilio = { account_sid: `AC${randomBytes(16).toString('hex')}`, phone_numbers: ['+14155550100', '+14155550101'], webhook_url: 'https://desk.example.com', auth_token: 'twilio-auth-token-123' };
    await withTenant(db(), { kind: 'system', workspaceId: o.workspaceId }, (tx) =>
      saveChannelSettings({ tx, actor: { kind: 'system', workspaceId: o.workspaceId }, clock: systemClock, log: silentLogger() }, box, 'twilio', twilio),
    );
    for (const id of [twilio.account_sid, '+14155550101']) {
      const found = await findChannelByAccount(db(), box, 'twilio', id);
      expect(found).toMatchObject({ workspaceId: o.workspaceId, settings: { account_sid: twilio.account_sid }, secrets: { auth_token: twilio.auth_token } });
    }
    expect(await findChannelByAccount(db(), box, 'twilio', '+19999999999')).toBeUndefined();
    expect(await findChannelByAccount(db(), box, 'whatsapp', twilio.account_sid)).toBeUndefined();
  });
});
