// Issue #11, findings 8 and 9 and the channels' signatures, tried as an attacker (or a
// careless provider) would: one bad message in a provider's batch, another business's channel
// ids, and signed deliveries replayed or with one field swapped.
import { randomBytes } from 'node:crypto';
import twilio from 'twilio';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asService, one, rlsOf, rows } from '../support/actors.ts';
import { describeEachDatabase } from '../support/db.ts';
import { signHub, startFakeMeta, type FakeMeta } from '../support/fakes/meta.ts';
import { startFakeTwilio, twilioSid, type FakeTwilio } from '../support/fakes/twilio.ts';
import { startFakeVapi, type FakeVapi } from '../support/fakes/vapi.ts';
import { channelsApp, waId } from '../support/channels.ts';
import { unstorablePath } from '../../src/modules/channels/inbound/edge.ts';

let meta: FakeMeta;
let tw: FakeTwilio;
let vapi: FakeVapi;
beforeAll(async () => {
  [meta, tw, vapi] = await Promise.all([startFakeMeta(), startFakeTwilio(), startFakeVapi()]);
});
afterAll(async () => {
  await Promise.all([meta?.close(), tw?.close(), vapi?.close()]);
});

describe('what PostgreSQL can store', () => {
  it('finds a NUL or a lone surrogate anywhere in a message, keys included, and passes paired surrogates', () => {
    expect(unstorablePath({ text: { body: 'caf\u00e9 \ud83d\ude00' } })).toBeUndefined();
    expect(unstorablePath({ text: { body: 'a\u0000b' } })).toBe('text.body');
    expect(unstorablePath({ text: { body: 'x\ud800' } })).toBe('text.body');
    expect(unstorablePath({ list: ['ok', '\udc00y'] })).toBe('list[1]');
    expect(unstorablePath({ ['k\u0000']: 'v' })).toBe('k?');
  });
});

/** A WhatsApp delivery of several messages for one number, signed with its app secret. */
function batch(phoneNumberId: string, appSecret: string, messages: Record<string, unknown>[], contacts: Record<string, unknown>[] = []) {
  const body = JSON.stringify({
    object: 'whatsapp_business_account',
    entry: [{ id: '102290129340398', changes: [{ field: 'messages', value: { messaging_product: 'whatsapp', metadata: { display_phone_number: '15550783881', phone_number_id: phoneNumberId }, contacts, messages } }] }],
  });
  return { body, signature: signHub(body, appSecret) };
}
const wamid = () => `wamid.${randomBytes(18).toString('base64url')}`;
const textMessage = (from: string, text: string, id = wamid()) => ({ from, id, timestamp: String(Math.floor(Date.now() / 1000)), type: 'text', text: { body: text } });

describeEachDatabase('finding 8: one bad message does not fail a WhatsApp delivery', (db) => {
  let t: ReturnType<typeof channelsApp>;
  let ws: Awaited<ReturnType<ReturnType<typeof channelsApp>['connectedWorkspace']>>;
  beforeAll(async () => {
    t = channelsApp(db(), meta);
    ws = await t.connectedWorkspace();
  });

  const inbox = () => asService(db(), (tx) => rows<{ provider_message_id: string; sender: string; sender_name: string | null; status: string }>(tx, 'select provider_message_id, sender, sender_name, status from channel_inbox where workspace_id = $1', [ws.workspaceId]));
  const rejections = () => asService(db(), (tx) => rows<{ channel: string; provider_message_id: string | null; reason: string }>(tx, 'select channel, provider_message_id, reason from channel_rejections where workspace_id = $1 order by received_at, reason', [ws.workspaceId]));

  it('stores the valid messages, records the NUL, lone-surrogate and 18-digit ones as rejected, and acknowledges the delivery; a retry changes nothing', async () => {
    const good1 = textMessage(waId(), 'Halo, mau tanya');
    const good2 = textMessage(waId(), 'caf\u00e9 \ud83d\ude00 ok');
    const nul = textMessage(waId(), 'a\u0000b');
    const lone = textMessage(waId(), 'broken \ud800 text');
    const long = textMessage('628123456789012345', 'eighteen digits');
    const noFrom = { id: wamid(), timestamp: '1', type: 'text', text: { body: 'who?' } };
    const delivery = batch(ws.phoneNumberId, ws.appSecret, [good1, nul, lone, long, noFrom, good2], [{ wa_id: good2.from, profile: { name: 'Bad\u0000Name' } }]);

    const first = await t.post(delivery);
    expect(first).toEqual({ status: 200, body: { messages: 2, duplicates: 0, statuses: 0, rejected: 4 } });
    const stored = await inbox();
    expect(stored.map((m) => m.provider_message_id).sort()).toEqual([good1.id, good2.id].sort());
    // The profile name could not be stored; the message still is, without it.
    expect(stored.find((m) => m.provider_message_id === good2.id)!.sender_name).toBeNull();
    const refused = await rejections();
    expect(refused.map((r) => r.provider_message_id).sort()).toEqual([nul.id, lone.id, long.id, noFrom.id].sort());
    expect(refused.every((r) => r.channel === 'whatsapp')).toBe(true);
    expect(refused.find((r) => r.provider_message_id === nul.id)!.reason).toMatch(/text\.body.*NUL/);
    expect(refused.find((r) => r.provider_message_id === long.id)!.reason).toMatch(/from.*E\.164/);

    // Meta retries what it did not see acknowledged: the same delivery stores and records nothing new.
    const retry = await t.post(delivery);
    expect(retry).toEqual({ status: 200, body: { messages: 0, duplicates: 2, statuses: 0, rejected: 4 } });
    expect(await inbox()).toHaveLength(2);
    expect(await rejections()).toHaveLength(4);

    // The stored ones are answered; nothing fails a check constraint later.
    await t.worker.drain();
    expect((await inbox()).map((m) => m.status)).toEqual(['done', 'done']);
    const contacts = await asService(db(), (tx) => one<{ n: number }>(tx, 'select count(*)::int as n from contacts where workspace_id = $1 and phone = $2', [ws.workspaceId, '+628123456789012345']));
    expect(contacts.n).toBe(0);
  });

  it('a change whose phone_number_id is not an id is skipped, the rest of the delivery applies', async () => {
    const good = textMessage(waId(), 'still here');
    const body = JSON.stringify({
      object: 'whatsapp_business_account',
      entry: [
        { id: '1', changes: [{ field: 'messages', value: { metadata: { phone_number_id: '1\u00002' }, messages: [textMessage(waId(), 'x')] } }] },
        { id: '2', changes: [{ field: 'messages', value: { metadata: { phone_number_id: ws.phoneNumberId }, messages: [good] } }] },
      ],
    });
    const res = await t.post({ body, signature: signHub(body, ws.appSecret) });
    expect(res).toEqual({ status: 200, body: { messages: 1, duplicates: 0, statuses: 0, rejected: 0 } });
  });

  it('rejections are a tenant table: row-level security on, forced', async () => {
    expect(await rlsOf(db(), 'channel_rejections')).toEqual({ enabled: true, forced: true });
  });
});

describeEachDatabase('finding 8: Twilio posts that cannot be stored are recorded and acknowledged', (db) => {
  let t: ReturnType<typeof channelsApp>;
  let ws: Awaited<ReturnType<ReturnType<typeof channelsApp>['connectedWorkspace']>>;
  const accountSid = twilioSid('AC');
  const authToken = randomBytes(16).toString('hex');
  const number = `+1647555${String(Date.now()).slice(-4)}`;
  const PUBLIC = 'https://desk.example.com';

  beforeAll(async () => {
    t = channelsApp(db(), meta, { twilio: tw });
    ws = await t.connectedWorkspace();
    tw.addAccount(accountSid, authToken, [number]);
    const put = await t.call('PUT', '/api/v1/channels/twilio', { ...ws.as, body: { account_sid: accountSid, phone_numbers: [number], webhook_url: PUBLIC, auth_token: authToken } });
    expect(put.status).toBe(200);
  });

  async function post(path: string, params: Record<string, string>) {
    const url = `${PUBLIC}${path}`;
    const res = await t.app.request(path, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': twilio.getExpectedTwilioSignature(authToken, url, params) },
      body: new URLSearchParams(params).toString(),
    });
    return { status: res.status, text: await res.text() };
  }
  const sms = (from: string, body: string, sid = twilioSid('SM')) => ({ MessageSid: sid, SmsSid: sid, AccountSid: accountSid, From: from, To: number, Body: body, NumMedia: '0', ApiVersion: '2010-04-01' });
  const stored = (sid: string) => asService(db(), (tx) => one<{ n: number }>(tx, 'select count(*)::int as n from channel_inbox where workspace_id = $1 and provider_message_id = $2', [ws.workspaceId, sid]));
  const rejected = (sid: string) => asService(db(), (tx) => rows<{ channel: string; reason: string }>(tx, 'select channel, reason from channel_rejections where workspace_id = $1 and provider_message_id = $2', [ws.workspaceId, sid]));

  it('an 18-digit From is refused at the edge, recorded, and answered 200 so Twilio does not retry', async () => {
    const m = sms('+628123456789012345', 'eighteen digits');
    const res = await post('/webhooks/twilio/sms', m);
    expect(res.status).toBe(200);
    expect(res.text).toContain('<Response/>');
    expect((await stored(m.MessageSid)).n).toBe(0);
    expect(await rejected(m.MessageSid)).toEqual([{ channel: 'sms', reason: expect.stringMatching(/E\.164/) }]);
    // Twilio's retry records it once.
    expect((await post('/webhooks/twilio/sms', m)).status).toBe(200);
    expect(await rejected(m.MessageSid)).toHaveLength(1);
  });

  it('a signed post of the wrong shape is recorded and acknowledged, a valid one beside it is stored', async () => {
    const bad = { ...sms('+14165550142', 'hi'), MessageSid: 'not-a-sid' };
    expect((await post('/webhooks/twilio/sms', bad)).status).toBe(200);
    expect(await rejected('not-a-sid')).toEqual([{ channel: 'sms', reason: expect.stringMatching(/^MessageSid/) }]);
    const good = sms('+14165550142', 'hello');
    expect((await post('/webhooks/twilio/sms', good)).status).toBe(200);
    expect((await stored(good.MessageSid)).n).toBe(1);
  });
});

describeEachDatabase('finding 9: a channel id is bound only once its owner proves it, and a conflict reveals nothing', (db) => {
  let t: ReturnType<typeof channelsApp>;
  let victim: Awaited<ReturnType<ReturnType<typeof channelsApp>['connectedWorkspace']>>;
  let attacker: Awaited<ReturnType<ReturnType<typeof channelsApp>['connectedWorkspace']>>;
  beforeAll(async () => {
    t = channelsApp(db(), meta, { twilio: tw, vapi });
    [victim, attacker] = [await t.connectedWorkspace(), await t.connectedWorkspace()];
  });

  /** The error with the ids it was asked about taken out: what is left must not differ. */
  const shape = (res: { status: number; body: any }, ids: string[]) => ({
    status: res.status,
    code: res.body.error.code,
    message: ids.reduce((m: string, id) => m.replaceAll(id, '<id>'), res.body.error.message),
    details: ids.reduce((d: string, id) => d.replaceAll(id, '<id>'), JSON.stringify(res.body.error.details ?? null)),
  });

  it("WhatsApp: another business's phone_number_id is refused with the attacker's own token, the same way as an id that exists nowhere", async () => {
    const theirs = { phone_number_id: victim.phoneNumberId, access_token: attacker.accessToken, app_secret: attacker.appSecret, verify_token: attacker.verifyToken };
    const taken = await t.call('PUT', '/api/v1/channels/whatsapp', { ...attacker.as, body: theirs });
    const nowhere = await t.call('PUT', '/api/v1/channels/whatsapp', { ...attacker.as, body: { ...theirs, phone_number_id: '190000000000001' } });
    expect(taken.status).toBe(403);
    expect(taken.body.error.code).toBe('channel.ownership_unproven');
    expect(shape(taken, [victim.phoneNumberId])).toEqual(shape(nowhere, ['190000000000001']));
    // The attacker's own number stays theirs; the victim's stays the victim's.
    const own = await t.call('GET', '/api/v1/channels/whatsapp', attacker.as);
    expect(own.body.phone_number_id).toBe(attacker.phoneNumberId);
  });

  it('WhatsApp: a number claimed first by someone without its token is not bound, so its owner can still connect it', async () => {
    const number = `17${Date.now()}`.slice(0, 15);
    const owner = { accessToken: `EAAG${randomBytes(12).toString('hex')}`, appSecret: randomBytes(16).toString('hex') };
    const squat = await t.call('PUT', '/api/v1/channels/whatsapp', { ...attacker.as, body: { phone_number_id: number } });
    expect(squat.status).toBe(403);
    meta.connect({ phoneNumberId: number, ...owner });
    // Even knowing the number is now real, the attacker's token does not prove it.
    expect((await t.call('PUT', '/api/v1/channels/whatsapp', { ...attacker.as, body: { phone_number_id: number } })).status).toBe(403);
    const other = await t.connectedWorkspace();
    const claim = await t.call('PUT', '/api/v1/channels/whatsapp', { ...other.as, body: { phone_number_id: number, access_token: owner.accessToken, app_secret: owner.appSecret } });
    expect(claim.status).toBe(200);
    expect(claim.body.phone_number_id).toBe(number);
    // And it is the owner, not the first claimant, whose webhook it is, once Meta verified it with the owner's verify token.
    expect(await t.verifyWebhook(other.verifyToken)).toBe(true);
    const delivery = meta.inbound(number, { from: waId(), text: 'halo' });
    expect((await t.post(delivery)).body.messages).toBe(1);
    const at = await asService(db(), (tx) => one<{ workspace_id: string }>(tx, 'select workspace_id from channel_inbox where provider_message_id = $1', [delivery.wamid]));
    expect(at.workspace_id).toBe(other.workspaceId);
  });

  it("WhatsApp: a number is bound only after Meta's verification GET arrives with the workspace's own verify token", async () => {
    const ws = await t.connectedWorkspace();
    const number = `18${Date.now()}`.slice(0, 15);
    const account = { accessToken: `EAAG${randomBytes(12).toString('hex')}`, appSecret: randomBytes(16).toString('hex'), verifyToken: randomBytes(12).toString('hex') };
    meta.connect({ phoneNumberId: number, ...account });
    const put = await t.call('PUT', '/api/v1/channels/whatsapp', { ...ws.as, body: { phone_number_id: number, access_token: account.accessToken, app_secret: account.appSecret, verify_token: account.verifyToken } });
    expect(put.status).toBe(200);
    // The Graph call proved the token; the number still waits for Meta's verification GET.
    expect(put.body.phone_number_status).toBe('pending_verification');
    expect((await t.call('GET', '/api/v1/channels/whatsapp', ws.as)).body.phone_number_status).toBe('pending_verification');
    const early = meta.inbound(number, { from: waId(), text: 'halo' });
    expect((await t.post(early)).body.messages).toBe(0);
    // Another token, or another mode, verifies nothing.
    expect(await t.verifyWebhook(randomBytes(12).toString('hex'))).toBe(false);
    expect((await t.call('GET', `/webhooks/whatsapp?hub.mode=unsubscribe&hub.verify_token=${account.verifyToken}&hub.challenge=1`)).status).toBe(403);
    expect((await t.post(early)).body.messages).toBe(0);

    expect(await t.verifyWebhook(account.verifyToken)).toBe(true);
    expect((await t.call('GET', '/api/v1/channels/whatsapp', ws.as)).body.phone_number_status).toBe('verified');
    const later = meta.inbound(number, { from: waId(), text: 'halo lagi' });
    expect((await t.post(later)).body.messages).toBe(1);
    const at = await asService(db(), (tx) => rows<{ workspace_id: string; provider_message_id: string }>(tx, 'select workspace_id, provider_message_id from channel_inbox where provider_message_id = any($1)', [[early.wamid, later.wamid]]));
    expect(at).toEqual([{ workspace_id: ws.workspaceId, provider_message_id: later.wamid }]);
    // Saving again (a new display number, say) keeps the binding.
    const again = await t.call('PUT', '/api/v1/channels/whatsapp', { ...ws.as, body: { phone_number_id: number, display_phone_number: '+1 555 0100' } });
    expect(again.body.phone_number_status).toBe('verified');
  });

  it('WhatsApp: a pending claim blocks nobody; the first verified binding wins, and the other hears nothing about it', async () => {
    // A token that reads the number is in two hands (a former agency, say): both pass the Graph call.
    const number = `19${Date.now()}`.slice(0, 15);
    const owner = { accessToken: `EAAG${randomBytes(12).toString('hex')}`, appSecret: randomBytes(16).toString('hex') };
    meta.connect({ phoneNumberId: number, ...owner });
    const [first, second] = [await t.connectedWorkspace(), await t.connectedWorkspace()];
    const tokens = [randomBytes(12).toString('hex'), randomBytes(12).toString('hex')];
    const body = (verify_token: string) => ({ phone_number_id: number, access_token: owner.accessToken, app_secret: owner.appSecret, verify_token });
    expect((await t.call('PUT', '/api/v1/channels/whatsapp', { ...first.as, body: body(tokens[0]!) })).status).toBe(200);
    // The first claim is only pending, so the second workspace can claim and verify the number.
    const claim = await t.call('PUT', '/api/v1/channels/whatsapp', { ...second.as, body: body(tokens[1]!) });
    expect(claim.status).toBe(200);
    expect(claim.body.phone_number_status).toBe('pending_verification');
    expect(await t.verifyWebhook(tokens[1]!)).toBe(true);
    // The first workspace's verification GET is answered exactly as any (Meta sees nothing odd), but binds nothing.
    expect(await t.verifyWebhook(tokens[0]!)).toBe(true);
    expect((await t.call('GET', '/api/v1/channels/whatsapp', first.as)).body.phone_number_status).toBe('pending_verification');
    expect((await t.call('GET', '/api/v1/channels/whatsapp', second.as)).body.phone_number_status).toBe('verified');
    const delivery = meta.inbound(number, { from: waId(), text: 'halo' });
    expect((await t.post(delivery)).body.messages).toBe(1);
    const at = await asService(db(), (tx) => one<{ workspace_id: string }>(tx, 'select workspace_id from channel_inbox where provider_message_id = $1', [delivery.wamid]));
    expect(at.workspace_id).toBe(second.workspaceId);
    // Saving again, the first workspace hears what an unproven id answers: nothing names the other workspace.
    const retry = await t.call('PUT', '/api/v1/channels/whatsapp', { ...first.as, body: { phone_number_id: number, display_phone_number: '+1 555 0101' } });
    const unknown = await t.call('PUT', '/api/v1/channels/whatsapp', { ...first.as, body: { phone_number_id: '190000000000002' } });
    expect(retry.status).toBe(403);
    expect(shape(retry, [number])).toEqual(shape(unknown, ['190000000000002']));
    expect(JSON.stringify(retry.body)).not.toContain(second.workspaceId);
  });

  it("Twilio: a number is bound only when it is among the account's IncomingPhoneNumbers, asked with the workspace's credentials", async () => {
    const victimAccount = { sid: twilioSid('AC'), token: randomBytes(16).toString('hex'), number: `+1416555${String(Date.now()).slice(-4)}` };
    const attackerAccount = { sid: twilioSid('AC'), token: randomBytes(16).toString('hex') };
    tw.addAccount(victimAccount.sid, victimAccount.token, [victimAccount.number]);
    tw.addAccount(attackerAccount.sid, attackerAccount.token, ['+14165550000']);
    const settings = (sid: string, token: string) => ({ account_sid: sid, phone_numbers: [victimAccount.number], webhook_url: 'https://desk.example.com', auth_token: token });
    const before = tw.requests.length;
    const claim = await t.call('PUT', '/api/v1/channels/twilio', { ...attacker.as, body: settings(attackerAccount.sid, attackerAccount.token) });
    expect(claim.status).toBe(403);
    expect(claim.body.error.code).toBe('channel.ownership_unproven');
    // Asked with the attacker's own credentials, for that number.
    expect(tw.requests.slice(before)).toEqual([{ path: `/2010-04-01/Accounts/${attackerAccount.sid}/IncomingPhoneNumbers.json?PhoneNumber=${encodeURIComponent(victimAccount.number)}`, authorized: true, form: {} }]);
    // The victim's SID with a wrong token proves nothing either.
    expect((await t.call('PUT', '/api/v1/channels/twilio', { ...attacker.as, body: settings(victimAccount.sid, attackerAccount.token) })).status).toBe(403);
    const real = await t.call('PUT', '/api/v1/channels/twilio', { ...victim.as, body: settings(victimAccount.sid, victimAccount.token) });
    expect(real.status).toBe(200);
    // Now bound: an attacker who has the token too still cannot take it, and hears the same answer.
    const again = await t.call('PUT', '/api/v1/channels/twilio', { ...attacker.as, body: settings(victimAccount.sid, victimAccount.token) });
    expect(shape(again, [victimAccount.sid, victimAccount.number])).toEqual(shape(claim, [attackerAccount.sid, victimAccount.number]));
  });

  it("Vapi: an assistant id is bound only when GET /assistant/{id} answers to the workspace's key; an unreachable Vapi binds nothing", async () => {
    const asst = `asst-${randomBytes(6).toString('hex')}`;
    vapi.addOrg('victim-vapi-key', { assistants: [asst] });
    vapi.addOrg('attacker-vapi-key', { assistants: ['asst-attacker'] });
    const claim = await t.call('PUT', '/api/v1/channels/vapi', { ...attacker.as, body: { assistant_ids: [asst], secret: 'attacker-secret', api_key: 'attacker-vapi-key' } });
    expect(claim.status).toBe(403);
    expect(claim.body.error.code).toBe('channel.ownership_unproven');
    expect(vapi.requests.at(-1)).toEqual({ path: `/assistant/${asst}`, authorized: true });
    // An id that is not one path segment is refused at the edge, before any call.
    expect((await t.call('PUT', '/api/v1/channels/vapi', { ...attacker.as, body: { assistant_ids: ['../phone-number/x'], secret: 'attacker-secret', api_key: 'attacker-vapi-key' } })).status).toBe(400);
    expect((await t.call('PUT', '/api/v1/channels/vapi', { ...victim.as, body: { assistant_ids: [asst], secret: 'victim-secret', api_key: 'victim-vapi-key' } })).status).toBe(200);

    const down = channelsApp(db(), meta, { vapi: { url: 'http://127.0.0.1:1' } as FakeVapi });
    const someone = await down.connectedWorkspace();
    const unreachable = await down.call('PUT', '/api/v1/channels/vapi', { ...someone.as, body: { assistant_ids: ['asst-x'], secret: 'some-secret', api_key: 'some-vapi-key' } });
    expect(unreachable.status).toBe(503);
    expect(unreachable.body.error.code).toBe('channel.provider_unavailable');
    expect(JSON.stringify(unreachable.body)).not.toContain('127.0.0.1');
  });
});

describeEachDatabase('signatures cover every field that changes state; replays change nothing', (db) => {
  let t: ReturnType<typeof channelsApp>;
  let ws: Awaited<ReturnType<ReturnType<typeof channelsApp>['connectedWorkspace']>>;
  const accountSid = twilioSid('AC');
  const authToken = randomBytes(16).toString('hex');
  const number = `+1647556${String(Date.now()).slice(-4)}`;
  const PUBLIC = 'https://desk.example.com';
  beforeAll(async () => {
    t = channelsApp(db(), meta, { twilio: tw });
    ws = await t.connectedWorkspace();
    tw.addAccount(accountSid, authToken, [number]);
    expect((await t.call('PUT', '/api/v1/channels/twilio', { ...ws.as, body: { account_sid: accountSid, phone_numbers: [number], webhook_url: PUBLIC, auth_token: authToken } })).status).toBe(200);
  });
  const inboxCount = (id: string) => asService(db(), (tx) => one<{ n: number }>(tx, 'select count(*)::int as n from channel_inbox where provider_message_id = $1', [id]));

  it('WhatsApp: a signed delivery with any one field swapped is refused whole and stores nothing', async () => {
    const from = waId();
    const signed = meta.inbound(ws.phoneNumberId, { from, text: 'book me for Monday' });
    const parsed = JSON.parse(signed.body);
    const swaps: ((b: any) => void)[] = [
      (b) => (b.entry[0].changes[0].value.messages[0].text.body = 'book me for Tuesday'),
      (b) => (b.entry[0].changes[0].value.messages[0].from = waId()),
      (b) => (b.entry[0].changes[0].value.messages[0].id = wamid()),
      (b) => (b.entry[0].changes[0].value.messages[0].timestamp = '1'),
      (b) => (b.entry[0].changes[0].value.contacts[0].profile.name = 'Someone else'),
    ];
    for (const swap of swaps) {
      const body = structuredClone(parsed);
      swap(body);
      const res = await t.post({ body: JSON.stringify(body), signature: signed.signature });
      expect(res.status).toBe(401);
      expect(res.body.error.code).toBe('webhook.signature_invalid');
    }
    // Moving the delivery to another workspace's number changes which secret must sign it: refused too.
    const moved = signed.body.replace(ws.phoneNumberId, victimNumber());
    expect((await t.post({ body: moved, signature: signed.signature })).status).toBe(401);
    // Byte-level: whitespace added to the signed JSON is a different body.
    expect((await t.post({ body: `${signed.body} `, signature: signed.signature })).status).toBe(401);
    expect((await inboxCount(signed.wamid)).n).toBe(0);
    expect((await t.post(signed)).status).toBe(200);
    expect((await inboxCount(signed.wamid)).n).toBe(1);
  });

  /** Another workspace's connected number, whose app secret is not this delivery's signer. */
  let other: string | undefined;
  const victimNumber = () => other!;
  beforeAll(async () => {
    other = (await t.connectedWorkspace()).phoneNumberId;
  });

  it('WhatsApp: a replayed delivery stores its message once, and a replayed older status never moves a delivery status back', async () => {
    const from = waId();
    const inbound = meta.inbound(ws.phoneNumberId, { from, text: 'Halo kak' });
    expect((await t.post(inbound)).body).toMatchObject({ messages: 1 });
    expect((await t.post(inbound)).body).toMatchObject({ messages: 0, duplicates: 1 });
    expect((await inboxCount(inbound.wamid)).n).toBe(1);
    await t.worker.drain();
    const sent = meta.sent.filter((s) => s.body.to === `+${from}`);
    expect(sent).toHaveLength(1);
    const id = sent[0]!.wamid;
    const status = async () => (await t.messages(ws.workspaceId)).find((m) => m.provider_message_id === id)!.delivery_status;

    const sentReport = meta.statuses(ws.phoneNumberId, [{ id, status: 'sent' }]);
    const readReport = meta.statuses(ws.phoneNumberId, [{ id, status: 'read' }]);
    expect((await t.post(readReport)).status).toBe(200);
    expect(await status()).toBe('read');
    // Both are genuinely signed; replaying the older one (or the newer one again) changes nothing.
    expect((await t.post(sentReport)).status).toBe(200);
    expect((await t.post(readReport)).status).toBe(200);
    expect(await status()).toBe('read');
    // A status swapped into the signed report ("failed" instead of "read") is refused.
    const swapped = readReport.body.replace('"status":"read"', '"status":"failed"');
    expect(swapped).not.toBe(readReport.body);
    expect((await t.post({ body: swapped, signature: readReport.signature })).status).toBe(401);
    expect(await status()).toBe('read');
  });

  async function twilioPost(path: string, params: Record<string, string>, signedAs: { path?: string; params?: Record<string, string> } = {}) {
    const signature = twilio.getExpectedTwilioSignature(authToken, `${PUBLIC}${signedAs.path ?? path}`, signedAs.params ?? params);
    const res = await t.app.request(path, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signature }, body: new URLSearchParams(params).toString() });
    return res.status;
  }

  it('Twilio: a signed SMS with any one parameter or the query swapped is refused, and a replay is stored once', async () => {
    const sid = twilioSid('SM');
    const params = { MessageSid: sid, SmsSid: sid, AccountSid: accountSid, From: '+14165550177', To: number, Body: 'pickup at 9', NumMedia: '0', ApiVersion: '2010-04-01' };
    for (const [key, value] of [['Body', 'pickup at 5'], ['From', '+14165550178'], ['MessageSid', twilioSid('SM')], ['NumMedia', '3'], ['Extra', 'added']] as const) {
      expect(await twilioPost('/webhooks/twilio/sms', { ...params, [key]: value }, { params })).toBe(403);
    }
    // The query string is part of what Twilio signs: adding one is a different request.
    expect(await twilioPost('/webhooks/twilio/sms?sms=00000000-0000-0000-0000-000000000000', params, { path: '/webhooks/twilio/sms' })).toBe(403);
    expect((await inboxCount(sid)).n).toBe(0);
    expect(await twilioPost('/webhooks/twilio/sms', params)).toBe(200);
    expect(await twilioPost('/webhooks/twilio/sms', params)).toBe(200);
    expect((await inboxCount(sid)).n).toBe(1);
  });

  it("Twilio: a status callback's status, error code, price and target message are all signed", async () => {
    const sid = twilioSid('SM');
    const path = '/webhooks/twilio/status?message=00000000-0000-4000-8000-000000000000';
    const params = { MessageSid: sid, SmsSid: sid, AccountSid: accountSid, From: number, To: '+14165550177', MessageStatus: 'sent', SmsStatus: 'sent', ApiVersion: '2010-04-01' };
    expect(await twilioPost(path, { ...params, MessageStatus: 'delivered' }, { params })).toBe(403);
    expect(await twilioPost(path, { ...params, ErrorCode: '30007' }, { params })).toBe(403);
    expect(await twilioPost(path, { ...params, Price: '-0.0079', PriceUnit: 'USD' }, { params })).toBe(403);
    expect(await twilioPost('/webhooks/twilio/status?message=11111111-1111-4111-8111-111111111111', params, { path, params })).toBe(403);
    // Signed as is, it is accepted (for a message this workspace does not have, it changes nothing).
    expect(await twilioPost(path, params)).toBe(200);
  });
});
