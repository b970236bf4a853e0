// Whether each provider's last webhook arrived and verified, as the setup screens show it
// (integration_webhooks, 0030): recorded by the WhatsApp, Twilio, Vapi and Midtrans handlers,
// read back on the channel and payment settings, never across workspaces.
import { randomBytes } from 'node:crypto';
import twilio from 'twilio';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachDatabase } from '../../../../test/support/db.ts';
import { signHub, startFakeMeta, type FakeMeta } from '../../../../test/support/fakes/meta.ts';
import { startFakeMidtrans, type FakeMidtrans } from '../../../../test/support/fakes/midtrans.ts';
import { startFakeTwilio, twilioSid, type FakeTwilio } from '../../../../test/support/fakes/twilio.ts';
import { startFakeVapi, type FakeVapi } from '../../../../test/support/fakes/vapi.ts';
import { email } from '../../../../test/support/http.ts';
import { fixedClock } from '../../../platform/clock.ts';
import { bookConsultation, connectMidtrans, paymentsApp } from '../../../../test/support/payments.ts';
import { channelsApp, waId } from '../../../../test/support/channels.ts';

let meta: FakeMeta;
let tw: FakeTwilio;
let vapi: FakeVapi;
let midtrans: FakeMidtrans;
beforeAll(async () => {
  [meta, tw, vapi, midtrans] = await Promise.all([startFakeMeta(), startFakeTwilio(), startFakeVapi(), startFakeMidtrans()]);
});
afterAll(async () => {
  await Promise.all([meta?.close(), tw?.close(), vapi?.close(), midtrans?.close()]);
});

const NONE = { last_verified_at: null, last_refused_at: null, last_refused_reason: null };
const START = new Date(Math.floor(Date.now() / 1000) * 1000);

describeEachDatabase('the last webhook of each provider', (db) => {
  const clock = fixedClock(START);
  let t: ReturnType<typeof channelsApp>;
  let ws: Awaited<ReturnType<ReturnType<typeof channelsApp>['connectedWorkspace']>>;
  let other: Awaited<ReturnType<ReturnType<typeof channelsApp>['connectedWorkspace']>>;
  const webhookOf = async (provider: string, who = ws) => {
    const res = await t.call('GET', `/api/v1/channels/${provider}`, who.as);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body.webhook;
  };

  beforeAll(async () => {
    t = channelsApp(db(), meta, { clock, twilio: tw, vapi });
    ws = await t.connectedWorkspace();
    other = await t.connectedWorkspace();
  });

  it('WhatsApp: none yet, then verified, then refused with a wrong app secret (kept apart), on this workspace only', async () => {
    expect(await webhookOf('whatsapp')).toEqual(NONE);
    const signed = meta.inbound(ws.phoneNumberId, { from: waId(), text: 'Halo' });
    expect((await t.post(signed)).status).toBe(200);
    expect(await webhookOf('whatsapp')).toEqual({ ...NONE, last_verified_at: START.toISOString() });

    clock.advance(5 * 60_000);
    const forged = meta.inbound(ws.phoneNumberId, { from: waId(), text: 'forged' });
    expect((await t.post(forged, signHub(forged.body, 'not-the-app-secret'))).status).toBe(401);
    expect(await webhookOf('whatsapp')).toEqual({
      last_verified_at: START.toISOString(),
      last_refused_at: clock.now().toISOString(),
      last_refused_reason: 'X-Hub-Signature-256 does not match the app secret',
    });
    // The list says the same, and the other workspace saw nothing.
    const list = await t.call('GET', '/api/v1/channels', ws.as);
    expect(list.body.data.find((c: { provider: string }) => c.provider === 'whatsapp').webhook.last_refused_at).toBe(clock.now().toISOString());
    expect(await webhookOf('whatsapp', other)).toEqual(NONE);
  });

  it('WhatsApp: a stamp less than a minute old is not written again; a later one is', async () => {
    expect((await t.post(meta.inbound(ws.phoneNumberId, { from: waId(), text: 'first' }))).status).toBe(200);
    const before = await webhookOf('whatsapp');
    expect(before.last_verified_at).toBe(clock.now().toISOString());
    clock.advance(30_000);
    expect((await t.post(meta.inbound(ws.phoneNumberId, { from: waId(), text: 'again' }))).status).toBe(200);
    const soon = await webhookOf('whatsapp');
    clock.advance(31 * 60_000);
    expect((await t.post(meta.inbound(ws.phoneNumberId, { from: waId(), text: 'later' }))).status).toBe(200);
    const later = await webhookOf('whatsapp');
    expect(soon.last_verified_at).toBe(before.last_verified_at);
    expect(later.last_verified_at).toBe(clock.now().toISOString());
  });

  it('Twilio: a signed text verifies, a wrong auth token is refused; the incoming-SMS URL to paste is given', async () => {
    const accountSid = twilioSid('AC');
    const authToken = randomBytes(16).toString('hex');
    const number = `+1647556${String(Date.now()).slice(-4)}`;
    const base = 'https://desk.example.com';
    tw.addAccount(accountSid, authToken, [number]);
    const put = await t.call('PUT', '/api/v1/channels/twilio', { ...ws.as, body: { account_sid: accountSid, phone_numbers: [number], webhook_url: base, auth_token: authToken } });
    expect(put.status, JSON.stringify(put.body)).toBe(200);
    expect(put.body).toMatchObject({ webhook_url: base, incoming_sms_url: `${base}/webhooks/twilio/sms`, has_auth_token: true, webhook: NONE });
    expect(JSON.stringify(put.body)).not.toContain(authToken);

    const sid = twilioSid('SM');
    const params = { MessageSid: sid, SmsSid: sid, AccountSid: accountSid, From: '+14165550111', To: number, Body: 'hi', NumMedia: '0' };
    const post = (token: string) =>
      t.app.request('/webhooks/twilio/sms', {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': twilio.getExpectedTwilioSignature(token, `${base}/webhooks/twilio/sms`, params) },
        body: new URLSearchParams(params).toString(),
      });
    expect((await post(authToken)).status).toBe(200);
    expect(await webhookOf('twilio')).toEqual({ ...NONE, last_verified_at: clock.now().toISOString() });
    clock.advance(60_000);
    expect((await post('a-wrong-auth-token-000')).status).toBe(403);
    expect(await webhookOf('twilio')).toMatchObject({ last_refused_at: clock.now().toISOString(), last_refused_reason: expect.stringContaining('X-Twilio-Signature') });
  });

  it('Vapi: the right secret verifies, a wrong one is refused', async () => {
    const key = `vapi-key-${randomBytes(6).toString('hex')}`;
    const assistant = `asst-${randomBytes(6).toString('hex')}`;
    vapi.addOrg(key, { assistants: [assistant], phoneNumbers: [] });
    const put = await t.call('PUT', '/api/v1/channels/vapi', { ...ws.as, body: { assistant_ids: [assistant], secret: 'vapi-secret-123', api_key: key } });
    expect(put.status, JSON.stringify(put.body)).toBe(200);
    expect(put.body).toMatchObject({ webhook_url: 'https://frontdesk.test/webhooks/vapi', has_secret: true, webhook: NONE });
    const message = JSON.stringify({ message: { type: 'speech-update', call: { id: 'call-1', assistantId: assistant } } });
    const post = (secret: string) => t.call('POST', '/webhooks/vapi', { raw: message, headers: { 'x-vapi-secret': secret } });
    expect((await post('vapi-secret-123')).status).toBe(200);
    expect(await webhookOf('vapi')).toEqual({ ...NONE, last_verified_at: clock.now().toISOString() });
    clock.advance(60_000);
    expect((await post('wrong-secret-456')).status).toBe(401);
    expect(await webhookOf('vapi')).toMatchObject({ last_refused_at: clock.now().toISOString(), last_refused_reason: 'X-Vapi-Secret does not match the secret' });
  });
});

describeEachDatabase('the last Midtrans notification', (db) => {
  const clock = fixedClock(START);

  it('is verified with the server key, refused with another, and shown on the Midtrans settings', async () => {
    const t = paymentsApp(db(), clock);
    const o = await t.owner(email('midtrans-webhook'));
    await connectMidtrans(t, o, midtrans);
    const settings = async () => (await t.call('GET', '/api/v1/integrations/midtrans', o.as)).body;
    expect((await settings()).webhook).toEqual(NONE);

    const c = await bookConsultation(db(), o);
    const p = await t.call('POST', '/api/v1/payments', { ...o.as, body: { appointment_id: c.appointmentId } });
    expect(p.status, JSON.stringify(p.body)).toBe(201);
    midtrans.setStatus(p.body.order_id, 'pending');
    const notify = (body: unknown) => t.call('POST', '/webhooks/midtrans', { raw: JSON.stringify(body), contentType: 'application/json' });
    expect((await notify(midtrans.notification(p.body.order_id))).status).toBe(200);
    expect((await settings()).webhook).toEqual({ ...NONE, last_verified_at: START.toISOString() });

    clock.advance(120_000);
    expect((await notify(midtrans.notification(p.body.order_id, { signature_key: 'f'.repeat(128) }))).status).toBe(401);
    expect((await settings()).webhook).toEqual({ last_verified_at: START.toISOString(), last_refused_at: clock.now().toISOString(), last_refused_reason: 'signature_key does not match the server key' });
  });
});
