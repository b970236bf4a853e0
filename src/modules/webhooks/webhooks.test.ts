import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachDatabase } from '../../../test/support/db.ts';
import { email, testApp } from '../../../test/support/http.ts';
import { fixedClock } from '../../platform/clock.ts';
import { allowOutboundHosts } from '../../platform/http/outbound.ts';
import { silentLogger } from '../../platform/log.ts';
import { createSecretBox } from '../../platform/secrets.ts';
import { createWebhookWorker } from './index.ts';

/** A receiver on 127.0.0.1 that answers with the statuses it is given (200 once they run out) and keeps every request. */
interface Received {
  headers: Record<string, string>;
  body: string;
  status: number;
}
async function fakeReceiver() {
  const received: Received[] = [];
  const answers: number[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const status = answers.shift() ?? 200;
      received.push({ headers: req.headers as Record<string, string>, body: Buffer.concat(chunks).toString('utf8'), status });
      res.writeHead(status, { 'content-type': 'text/plain' }).end(status === 200 ? 'thanks' : 'down for maintenance');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return { url: `http://127.0.0.1:${port}/hooks`, host: `127.0.0.1:${port}`, received, answers, close: () => new Promise<void>((r) => server.close(() => r())) };
}

/**
 * The receiver's side of Standard Webhooks, written from the specification with node:crypto
 * alone: the key is the base64 after whsec_, the signed content `${id}.${timestamp}.${body}`,
 * the header a space-separated list of `v1,<base64>`.
 */
function verify(secret: string, r: Received, now: number): boolean {
  const id = r.headers['webhook-id'];
  const ts = r.headers['webhook-timestamp'];
  const sigs = r.headers['webhook-signature'];
  if (!id || !ts || !sigs) return false;
  if (Math.abs(now / 1000 - Number(ts)) > 5 * 60) return false;
  const expected = createHmac('sha256', Buffer.from(secret.replace(/^whsec_/, ''), 'base64')).update(`${id}.${ts}.${r.body}`).digest();
  return sigs.split(' ').some((s) => {
    const [v, b64] = s.split(',');
    const got = Buffer.from(b64 ?? '', 'base64');
    return v === 'v1' && got.length === expected.length && timingSafeEqual(got, expected);
  });
}

describeEachDatabase('outbound webhooks', (db) => {
  let receiver: Awaited<ReturnType<typeof fakeReceiver>>;
  const secrets = createSecretBox(randomBytes(32));
  // A minute ahead of the database's now(), which stamps the deliveries its triggers raise: they are due at once.
  const clock = fixedClock(new Date(Date.now() + 60_000));
  const api = () => testApp(db(), clock, { secrets });
  const worker = (o: { maxAttempts?: number } = {}) => createWebhookWorker({ db: db(), clock, log: silentLogger(), secrets, backoffMs: 30_000, ...o });

  beforeAll(async () => {
    clock.set(new Date(Date.now() + 60_000));
    receiver = await fakeReceiver();
    allowOutboundHosts(receiver.host);
  });
  afterAll(() => receiver.close());

  async function setUp(events = ['contact.created']) {
    const t = api();
    const o = await t.owner(email('hooks'));
    const created = await t.call('POST', '/api/v1/webhooks', { ...o.as, body: { url: receiver.url, event_types: events, description: 'CRM' } });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    return { t, o, endpoint: created.body as { id: string; secret: string } };
  }

  it('signs each delivery so that an independent Standard Webhooks check accepts it, and shows the attempt', async () => {
    const { t, o, endpoint } = await setUp(['contact.created', 'contact.updated']);
    expect(endpoint.secret).toMatch(/^whsec_[A-Za-z0-9+/]{32}$/);
    // The secret is shown once.
    const listed = await t.call('GET', '/api/v1/webhooks', o.as);
    expect(listed.body.data).toHaveLength(1);
    expect(JSON.stringify(listed.body)).not.toContain(endpoint.secret.slice(6));

    const before = receiver.received.length;
    const contact = await t.call('POST', '/api/v1/contacts', { ...o.as, body: { name: 'Budi Santoso', phone: '+6281234567890' } });
    expect(contact.status).toBe(201);
    expect(await worker().drain()).toBe(1);
    const got = receiver.received.slice(before);
    expect(got).toHaveLength(1);
    expect(verify(endpoint.secret, got[0]!, clock.now().getTime())).toBe(true);
    // A body changed on the way, or another endpoint's secret, does not verify.
    expect(verify(endpoint.secret, { ...got[0]!, body: got[0]!.body.replace('Budi', 'Bodi') }, clock.now().getTime())).toBe(false);
    expect(verify(`whsec_${randomBytes(24).toString('base64')}`, got[0]!, clock.now().getTime())).toBe(false);
    // Nor does a delivery replayed by a third party an hour later.
    expect(verify(endpoint.secret, got[0]!, clock.now().getTime() + 3_600_000)).toBe(false);
    const payload = JSON.parse(got[0]!.body);
    expect(payload).toMatchObject({ type: 'contact.created', data: { id: contact.body.id, name: 'Budi Santoso', phone: '+6281234567890' } });

    const deliveries = await t.call('GET', `/api/v1/webhooks/${endpoint.id}/deliveries`, o.as);
    expect(deliveries.body.data).toHaveLength(1);
    const delivery = deliveries.body.data[0];
    expect(delivery).toMatchObject({ event_type: 'contact.created', status: 'delivered', attempts: 1, id: got[0]!.headers['webhook-id'] });
    const one = await t.call('GET', `/api/v1/webhook-deliveries/${delivery.id}`, o.as);
    expect(one.body.attempt_log).toEqual([expect.objectContaining({ response_status: 200, response_body: 'thanks', error: null })]);

    // An update the person made is an event; the counters other rows keep are not.
    await t.call('PATCH', `/api/v1/contacts/${contact.body.id}`, { ...o.as, body: { name: 'Budi S.' } });
    expect(await worker().drain()).toBe(1);
    expect(JSON.parse(receiver.received.at(-1)!.body)).toMatchObject({ type: 'contact.updated', data: { name: 'Budi S.' } });
  });

  it('retries a failed delivery with backoff and, after a restart, delivers it exactly once', async () => {
    const { t, o, endpoint } = await setUp();
    const before = receiver.received.length;
    receiver.answers.push(500);
    await t.call('POST', '/api/v1/contacts', { ...o.as, body: { name: 'Retry Me' } });
    const first = worker();
    expect(await first.pass()).toBe(1);
    // Not due again until the backoff has passed: the same worker finds nothing now.
    expect(await first.pass()).toBe(0);
    await first.stop();
    const page = await t.call('GET', `/api/v1/webhooks/${endpoint.id}/deliveries`, o.as);
    expect(page.body.data[0]).toMatchObject({ status: 'pending', attempts: 1, last_error: 'the endpoint answered 500' });

    // A new worker (the server restarted) picks it up from the database once it is due.
    clock.advance(31_000);
    const second = worker();
    expect(await second.drain()).toBe(1);
    expect(await second.drain()).toBe(0);
    const third = worker();
    clock.advance(3_600_000);
    expect(await third.drain()).toBe(0);
    const got = receiver.received.slice(before);
    expect(got.map((r) => r.status)).toEqual([500, 200]);
    expect(got[0]!.headers['webhook-id']).toBe(got[1]!.headers['webhook-id']);
    expect(got.every((r) => verify(endpoint.secret, r, clock.now().getTime() - 3_600_000))).toBe(true);
    const delivery = await t.call('GET', `/api/v1/webhook-deliveries/${page.body.data[0].id}`, o.as);
    expect(delivery.body).toMatchObject({ status: 'delivered' });
    expect(delivery.body.attempt_log.map((a: { response_status: number }) => a.response_status)).toEqual([500, 200]);
  });

  it('disables an endpoint that keeps failing and tells the owners; enabled again it sends, and a failed delivery replays by hand', async () => {
    const { t, o, endpoint } = await setUp();
    const before = receiver.received.length;
    receiver.answers.push(503, 503, 503);
    await t.call('POST', '/api/v1/contacts', { ...o.as, body: { name: 'Never Arrives' } });
    const w = worker({ maxAttempts: 3 });
    for (let i = 0; i < 3; i++) {
      expect(await w.pass()).toBe(1);
      clock.advance(3_600_000);
    }
    expect(receiver.received.slice(before).map((r) => r.status)).toEqual([503, 503, 503]);
    const ep = await t.call('GET', `/api/v1/webhooks/${endpoint.id}`, o.as);
    expect(ep.body).toMatchObject({ enabled: false, disabled_reason: expect.stringContaining('3 tries') });
    const told = await t.call('GET', '/api/v1/notifications', o.as);
    expect(told.body.data).toEqual([expect.objectContaining({ kind: 'webhook.disabled', body: expect.stringContaining(receiver.url) })]);

    // A disabled endpoint is sent nothing, and raises no new deliveries.
    await t.call('POST', '/api/v1/contacts', { ...o.as, body: { name: 'Not While Disabled' } });
    expect(await w.drain()).toBe(0);
    expect((await t.call('GET', `/api/v1/webhooks/${endpoint.id}/deliveries`, o.as)).body.data).toHaveLength(1);
    const failed = (await t.call('GET', `/api/v1/webhooks/${endpoint.id}/deliveries?status=failed`, o.as)).body.data;
    expect(failed).toHaveLength(1);
    expect((await t.call('POST', `/api/v1/webhook-deliveries/${failed[0].id}/replay`, o.as)).body.error.code).toBe('webhook.endpoint_disabled');

    const enabled = await t.call('PATCH', `/api/v1/webhooks/${endpoint.id}`, { ...o.as, body: { enabled: true } });
    expect(enabled.body).toMatchObject({ enabled: true, disabled_at: null });
    await t.call('POST', '/api/v1/contacts', { ...o.as, body: { name: 'After Enabling' } });
    expect(await w.drain()).toBe(1);
    expect(JSON.parse(receiver.received.at(-1)!.body).data.name).toBe('After Enabling');

    // The failed one, replayed by hand: same webhook-id, a new attempt, delivered.
    const replay = await t.call('POST', `/api/v1/webhook-deliveries/${failed[0].id}/replay`, o.as);
    expect(replay.status).toBe(202);
    expect(await w.drain()).toBe(1);
    expect(receiver.received.at(-1)!.headers['webhook-id']).toBe(failed[0].id);
    const after = await t.call('GET', `/api/v1/webhook-deliveries/${failed[0].id}`, o.as);
    expect(after.body).toMatchObject({ status: 'delivered' });
    expect(after.body.attempt_log.map((a: { response_status: number }) => a.response_status)).toEqual([503, 503, 503, 200]);
  });

  it('is for owners and admins, refuses private or plain-http targets, and keeps each workspace to its own', async () => {
    const { t, o, endpoint } = await setUp();
    const member = await t.teammate(o.as, email('member'), 'member');
    expect((await t.call('GET', '/api/v1/webhooks', member.as)).status).toBe(403);
    const admin = await t.teammate(o.as, email('admin'), 'admin');
    expect((await t.call('GET', '/api/v1/webhooks', admin.as)).status).toBe(200);

    const refused = async (url: string) => (await t.call('POST', '/api/v1/webhooks', { ...o.as, body: { url, event_types: ['lead.hot'] } })).body.error.code;
    expect(await refused('https://10.0.0.5/hook')).toBe('outbound.target_not_allowed');
    expect(await refused('https://localhost/hook')).toBe('outbound.target_not_allowed');
    expect(await refused('http://crm.example.com/hook')).toBe('webhook.https_required');
    expect((await t.call('POST', '/api/v1/webhooks', { ...o.as, body: { url: 'https://crm.example.com/hook', event_types: ['no.such'] } })).body.error.code).toBe('validation.failed');

    const other = await t.owner(email('other'));
    expect((await t.call('GET', `/api/v1/webhooks/${endpoint.id}`, other.as)).status).toBe(404);
    expect((await t.call('GET', '/api/v1/webhooks', other.as)).body.data).toEqual([]);
    // Another workspace's contacts raise nothing for this endpoint.
    const before = receiver.received.length;
    await t.call('POST', '/api/v1/contacts', { ...other.as, body: { name: 'Not Yours' } });
    expect(await worker().drain()).toBe(0);
    expect(receiver.received.length).toBe(before);
  });

  it('sends a test event on request', async () => {
    const { t, o, endpoint } = await setUp();
    const queued = await t.call('POST', `/api/v1/webhooks/${endpoint.id}/test`, o.as);
    expect(queued.status).toBe(202);
    expect(await worker().drain()).toBe(1);
    const got = receiver.received.at(-1)!;
    expect(verify(endpoint.secret, got, clock.now().getTime())).toBe(true);
    expect(JSON.parse(got.body)).toMatchObject({ type: 'webhook.test', data: { endpoint_id: endpoint.id } });
  });
});
