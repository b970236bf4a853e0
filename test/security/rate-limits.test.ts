// Issue #11, finding 5 and 10: rate limits keyed on the socket address alone (behind a proxy
// everyone shares one limit; ten failed sign-ins lock everyone out), no per-account throttle,
// and limiter memory that grows with whatever keys unauthenticated callers invent.
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { afterEach, expect, it } from 'vitest';
import { describeEachDatabase } from '../support/db.ts';
import { email, testApp } from '../support/http.ts';
import { RateLimits, TrustedProxies } from '../../src/platform/http/rate-limit.ts';
import { loadConfig } from '../../src/platform/config.ts';

let server: ServerType | undefined;
afterEach(async () => {
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
});

/** The app behind a real socket on 127.0.0.1, so the peer address is real. */
async function listening(app: { fetch: (r: Request) => Response | Promise<Response> }) {
  server = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 });
  await new Promise<void>((resolve) => server!.once('listening', () => resolve()));
  const { port } = server.address() as AddressInfo;
  return async (forwardedFor?: string) => {
    const res = await fetch(`http://127.0.0.1:${port}/api/v1/auth/signin`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(forwardedFor ? { 'x-forwarded-for': forwardedFor } : {}) },
      body: JSON.stringify({ email: email('nobody'), password: 'wrong password' }),
    });
    return { status: res.status, code: ((await res.json()) as { error?: { code: string } }).error?.code };
  };
}

describeEachDatabase('rate limits', (db) => {
  it('ignores X-Forwarded-For unless the socket peer is a trusted proxy', async () => {
    const signIn = await listening(testApp(db()).app);
    for (let i = 0; i < 10; i++) expect((await signIn(`203.0.113.${i}`)).status).toBe(401);
    // Anyone can write the header: without TRUSTED_PROXIES it changes nothing.
    expect(await signIn('203.0.113.200')).toEqual({ status: 429, code: 'rate_limited' });
  });

  it('ignores X-Forwarded-For from a peer outside TRUSTED_PROXIES', async () => {
    const signIn = await listening(testApp(db(), undefined, { trustedProxies: ['10.0.0.0/8', '::1'] }).app);
    for (let i = 0; i < 10; i++) expect((await signIn(`203.0.113.${i}`)).status).toBe(401);
    expect((await signIn('203.0.113.200')).status).toBe(429);
  });

  it('limits each client behind a trusted proxy on its own', async () => {
    const signIn = await listening(testApp(db(), undefined, { trustedProxies: ['127.0.0.0/8'] }).app);
    for (let i = 0; i < 10; i++) expect((await signIn('203.0.113.7')).status).toBe(401);
    expect(await signIn('203.0.113.7')).toEqual({ status: 429, code: 'rate_limited' });
    // Another user behind the same proxy is not locked out by the first.
    expect((await signIn('203.0.113.8')).status).toBe(401);
    // The client's own part of the header is not believed: the rightmost untrusted hop counts.
    expect((await signIn('198.51.100.1, 203.0.113.7')).status).toBe(429);
    expect((await signIn('198.51.100.2, 203.0.113.7, 127.0.0.5')).status).toBe(429);
  });

  it('locks an account after repeated failures from many addresses, and only that account', async () => {
    const t = testApp(db());
    const victim = await t.signUp(email('victim'), 'the right password');
    const bystander = await t.signUp(email('bystander'), 'the right password');
    const attempt = (who: string, password: string, from: string) =>
      t.call('POST', '/api/v1/auth/signin', { body: { email: who, password }, headers: { 'x-test-client': from } });
    for (let i = 0; i < 10; i++) expect((await attempt(victim.email, `guess ${i}`, `attacker-${i}`)).status).toBe(401);
    const locked = await attempt(victim.email, 'guess 10', 'attacker-10');
    expect(locked.status).toBe(429);
    expect(locked.body.error.code).toBe('auth.too_many_attempts');
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(60);
    // While locked, even the right password is refused: guessing cannot continue.
    expect((await attempt(victim.email, 'the right password', 'attacker-11')).status).toBe(429);
    // Other accounts, from the attackers' addresses too, are not affected.
    expect((await attempt(bystander.email, 'the right password', 'attacker-0')).status).toBe(200);
  });

  it('clears the count of failures on a successful sign-in', async () => {
    const t = testApp(db());
    const person = await t.signUp(email('forgetful'), 'the right password');
    const attempt = (password: string, i: number) =>
      t.call('POST', '/api/v1/auth/signin', { body: { email: person.email, password }, headers: { 'x-test-client': `addr-${i}` } });
    for (let i = 0; i < 9; i++) expect((await attempt('typo', i)).status).toBe(401);
    expect((await attempt('the right password', 9)).status).toBe(200);
    for (let i = 0; i < 9; i++) expect((await attempt('typo', 10 + i)).status).toBe(401);
    expect((await attempt('the right password', 20)).status).toBe(200);
  });

  it('keeps at most RATE_LIMIT_MAX_KEYS entries per bucket for random guest tokens', async () => {
    const t = testApp(db(), undefined, { rateLimitMaxKeys: 200 });
    const owner = await t.owner(email('site'));
    expect((await t.call('PUT', '/api/v1/channels/webchat', { ...owner.as, body: { allowed_origins: ['https://shop.example'] } })).status).toBe(200);
    const slug = (await t.call('GET', '/api/v1/workspace', owner.as)).body.slug as string;
    // From 600 addresses, so that the per-address limit (300 a minute) does not stop them first.
    for (let i = 0; i < 600; i++) {
      const res = await t.call('GET', `/webchat/${slug}/messages`, { headers: { 'x-guest-token': randomBytes(4096).toString('hex'), 'x-test-client': `visitor-${i}` } });
      expect(res.status).toBe(401);
    }
    expect(t.limits.sizeOf('webchat-poll')).toBeLessThanOrEqual(200);
    expect(t.limits.sizeOf('webchat-poll-address')).toBeLessThanOrEqual(200);
  });
});

it('20,000 random 8 KB keys leave the limiter at its cap, storing digests, not the keys', () => {
  const limits = new RateLimits(); // the default cap: 10,000 per bucket
  const before = process.memoryUsage().heapUsed;
  for (let i = 0; i < 20_000; i++) limits.hit('webchat-poll', randomBytes(4096).toString('hex'), 60_000);
  expect(limits.size).toBe(10_000);
  // 10,000 8 KB keys kept as they are would be 80 MB (160 MB as UTF-16).
  expect(process.memoryUsage().heapUsed - before).toBeLessThan(30 * 1024 * 1024);
});

it('evicts the least recently used key first, and forgets ended windows', () => {
  let now = 0;
  const limits = new RateLimits({ maxKeys: 3, now: () => now });
  limits.hit('b', 'busy', 1000);
  limits.hit('b', 'idle', 1000);
  limits.hit('b', 'busy', 1000);
  limits.hit('b', 'x', 1000);
  limits.hit('b', 'y', 1000); // over the cap: "idle" goes, "busy" stays
  expect(limits.peek('b', 'idle')).toBeUndefined();
  expect(limits.peek('b', 'busy')?.count).toBe(2);
  now = 5000;
  limits.hit('b', 'z', 1000); // the sweep drops the ended windows
  expect(limits.sizeOf('b')).toBe(1);
});

it('reads TRUSTED_PROXIES and refuses what is not an address or block', () => {
  expect(loadConfig({ TRUSTED_PROXIES: '10.0.0.0/8, 192.168.1.1,::1' }).TRUSTED_PROXIES).toEqual(['10.0.0.0/8', '192.168.1.1', '::1']);
  expect(() => loadConfig({ TRUSTED_PROXIES: 'proxy.internal' })).toThrow(/TRUSTED_PROXIES/);
  expect(() => loadConfig({ TRUSTED_PROXIES: '10.0.0.0/33' })).toThrow(/TRUSTED_PROXIES/);
  const proxies = new TrustedProxies(['10.0.0.0/8']);
  expect(proxies.resolve('::ffff:10.1.2.3'.replace('::ffff:', ''), '203.0.113.9, 10.9.9.9')).toBe('203.0.113.9');
  expect(proxies.resolve('192.0.2.1', '203.0.113.9')).toBe('192.0.2.1');
});
