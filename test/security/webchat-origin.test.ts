// Issue #11, low findings on the web chat: its origin check could be satisfied by sending a
// matching Host header (the server's "own origin" was read from the request URL, which Node
// builds from Host), and its per-chat rate limits could be escaped by rotating guest tokens,
// which cost nothing to mint. The allowlist now compares the Origin alone (the server's own
// origin comes from PUBLIC_URL), and messages and polls are limited per client address at the
// workspace as well as per chat.
import { serve, type ServerType } from '@hono/node-server';
import { randomBytes } from 'node:crypto';
import { request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachDatabase } from '../support/db.ts';
import { email, testApp } from '../support/http.ts';
import { createServerApp } from '../../src/http.ts';
import { saveChannelSettings } from '../../src/modules/channels/settings/settings.service.ts';
import { systemClock } from '../../src/platform/clock.ts';
import type { Database } from '../../src/platform/db/database.ts';
import { withTenant } from '../../src/platform/db/tenant.ts';
import { RateLimits } from '../../src/platform/http/rate-limit.ts';
import { silentLogger } from '../../src/platform/log.ts';
import { createSecretBox } from '../../src/platform/secrets.ts';

const SHOP = 'https://shop.example';

/** A raw HTTP request, so that the Host header is the test's to choose. */
function post(port: number, path: string, headers: Record<string, string>, body: unknown): Promise<{ status: number; body: any }> {
  const data = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, path, method: 'POST', headers: { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(data)), ...headers } },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text ? JSON.parse(text) : null }));
      },
    );
    req.on('error', reject);
    req.end(data);
  });
}

async function listen(server: ServerType): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    if (server.listening) resolve();
    else server.once('listening', () => resolve());
  });
  return (server.address() as AddressInfo).port;
}

async function chatWorkspace(db: Database, t: ReturnType<typeof testApp>, origins: string[]) {
  const slug = `chat-${randomBytes(4).toString('hex')}`;
  const owner = await t.owner(email(slug), { template: 'ari', slug });
  const actor = { kind: 'system' as const, workspaceId: owner.workspaceId };
  await withTenant(db, actor, (tx) =>
    saveChannelSettings({ tx, actor, clock: systemClock, log: silentLogger() }, createSecretBox(randomBytes(32)), 'webchat', { allowed_origins: origins }),
  );
  return slug;
}

describeEachDatabase('web chat origin and rate limits', (db) => {
  let t: ReturnType<typeof testApp>;
  let slug: string;
  let withPublicUrl: ServerType;
  let withoutPublicUrl: ServerType;
  let port = 0;
  let barePort = 0;

  beforeAll(async () => {
    // The limiter's windows stand still, so a slow machine cannot roll one over mid-test.
    const frozen = Date.now();
    t = testApp(db(), systemClock, { limits: new RateLimits({ now: () => frozen }) });
    slug = await chatWorkspace(db(), t, [SHOP]);
    const secrets = createSecretBox(randomBytes(32));
    withPublicUrl = serve({ fetch: createServerApp({ db: db(), log: silentLogger(), clock: systemClock, secrets, publicUrl: 'https://frontdesk.test' }).fetch, hostname: '127.0.0.1', port: 0 });
    withoutPublicUrl = serve({ fetch: createServerApp({ db: db(), log: silentLogger(), clock: systemClock, secrets }).fetch, hostname: '127.0.0.1', port: 0 });
    port = await listen(withPublicUrl);
    barePort = await listen(withoutPublicUrl);
  });

  afterAll(async () => {
    await Promise.all([withPublicUrl, withoutPublicUrl].map((s) => new Promise<void>((resolve) => (s ? s.close(() => resolve()) : resolve()))));
  });

  it('refuses a foreign Origin even when the Host header names the same site', async () => {
    const spoofed = await post(port, `/webchat/${slug}/sessions`, { host: 'evil.example', origin: 'http://evil.example' }, {});
    expect([spoofed.status, spoofed.body.error?.code]).toEqual([403, 'webchat.origin_not_allowed']);
    const withPort = await post(port, `/webchat/${slug}/sessions`, { host: 'evil.example:8443', origin: 'https://evil.example:8443' }, {});
    expect([withPort.status, withPort.body.error?.code]).toEqual([403, 'webchat.origin_not_allowed']);
    // Without PUBLIC_URL the server knows no origin of its own: the allowlist alone decides.
    const own = `http://127.0.0.1:${barePort}`;
    const bare = await post(barePort, `/webchat/${slug}/sessions`, { host: `127.0.0.1:${barePort}`, origin: own }, {});
    expect([bare.status, bare.body.error?.code]).toEqual([403, 'webchat.origin_not_allowed']);
  });

  it('lets in the allowlisted Origin whatever the Host, and the server\'s own pages by PUBLIC_URL', async () => {
    const shop = await post(port, `/webchat/${slug}/sessions`, { host: 'whatever.example', origin: SHOP }, {});
    expect(shop.status, JSON.stringify(shop.body)).toBe(201);
    const ownPage = await post(port, `/webchat/${slug}/sessions`, { origin: 'https://frontdesk.test' }, {});
    expect(ownPage.status, JSON.stringify(ownPage.body)).toBe(201);
  });

  // 65 assistant turns in a row: minutes on a busy two-core machine, not the default 30 s.
  it('limits messages per client address at the workspace, however many chat tokens the address rotates through', { timeout: 180_000 }, async () => {
    // Five chats, each opened from its own address (as an attacker gathers them)...
    const tokens: string[] = [];
    for (let i = 0; i < 5; i++) {
      const res = await t.call('POST', `/webchat/${slug}/sessions`, { body: {}, headers: { origin: SHOP, 'x-test-client': `collector-${i}` } });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      tokens.push(res.body.token);
    }
    // ...then used in turn from one address: each token stays under its own 20 a minute.
    const statuses: number[] = [];
    for (let i = 0; i < 65; i++) {
      const res = await t.call('POST', `/webchat/${slug}/messages`, {
        body: { body: `hello ${i}` },
        headers: { origin: SHOP, 'x-test-client': 'rotator', 'x-guest-token': tokens[i % tokens.length]! },
      });
      statuses.push(res.status);
      if (res.status === 429) expect(res.body.error.code).toBe('rate_limited');
    }
    expect(statuses.slice(0, 60).every((s) => s === 200)).toBe(true);
    expect(statuses.slice(60)).toEqual([429, 429, 429, 429, 429]);
    // Another address with the same tokens is not held back by the first one's limit.
    const elsewhere = await t.call('POST', `/webchat/${slug}/messages`, { body: { body: 'hi' }, headers: { origin: SHOP, 'x-test-client': 'other-visitor', 'x-guest-token': tokens[0]! } });
    expect(elsewhere.status).toBe(200);
  });

  it('limits polling per client address too', { timeout: 120_000 }, async () => {
    const chat = await t.call('POST', `/webchat/${slug}/sessions`, { body: {}, headers: { origin: SHOP, 'x-test-client': 'poller-start' } });
    const tokens = [chat.body.token as string];
    for (let i = 0; i < 5; i++) tokens.push((await t.call('POST', `/webchat/${slug}/sessions`, { body: {}, headers: { origin: SHOP, 'x-test-client': `poller-start-${i}` } })).body.token);
    let refusedAt = -1;
    for (let i = 0; i < 310 && refusedAt < 0; i++) {
      const res = await t.call('GET', `/webchat/${slug}/messages`, { headers: { origin: SHOP, 'x-test-client': 'poller', 'x-guest-token': tokens[i % tokens.length]! } });
      if (res.status === 429) refusedAt = i;
      else expect(res.status).toBe(200);
    }
    expect(refusedAt).toBe(300);
  });
});
