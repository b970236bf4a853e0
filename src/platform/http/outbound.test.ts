import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { classifyAddress, createOutboundClient, isOutboundRefused, parseAllowedHosts, type Resolver } from './outbound.ts';

describe('the address classifier', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['127.255.255.254', 'loopback'],
    ['0.0.0.0', 'unspecified'],
    ['10.1.2.3', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.1.1', 'private'],
    ['100.64.0.1', 'shared (CGNAT)'],
    ['100.127.255.255', 'shared (CGNAT)'],
    ['169.254.169.254', 'link-local'],
    ['224.0.0.1', 'multicast'],
    ['239.255.255.250', 'multicast'],
    ['255.255.255.255', 'reserved'],
  ])('refuses IPv4 %s (%s)', (ip, why) => {
    expect(classifyAddress(ip)).toBe(why);
  });

  it.each(['8.8.8.8', '1.1.1.1', '172.15.255.255', '172.32.0.0', '100.63.255.255', '100.128.0.0', '11.0.0.1', '192.169.0.1', '223.255.255.255'])('lets public IPv4 %s through', (ip) => {
    expect(classifyAddress(ip)).toBeNull();
  });

  it.each([
    ['::', 'unspecified'],
    ['::1', 'loopback'],
    ['[::1]', 'loopback'],
    ['0:0:0:0:0:0:0:1', 'loopback'],
    ['fe80::1', 'link-local'],
    ['fe80::1%eth0', 'link-local'],
    ['febf::1', 'link-local'],
    ['fc00::1', 'unique local (private)'],
    ['fd12:3456:789a::1', 'unique local (private)'],
    ['ff02::1', 'multicast'],
    ['fec0::1', 'site-local'],
  ])('refuses IPv6 %s (%s)', (ip, why) => {
    expect(classifyAddress(ip)).toBe(why);
  });

  it.each([
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:7f00:1', 'loopback'],
    ['::ffff:10.0.0.1', 'private'],
    ['::ffff:169.254.169.254', 'link-local'],
    ['::ffff:100.64.1.1', 'shared (CGNAT)'],
    ['::127.0.0.1', 'loopback'],
    ['64:ff9b::192.168.0.1', 'private'],
    ['2002:7f00:1::', 'loopback'],
  ])('judges IPv6 forms carrying IPv4 by the IPv4 inside: %s (%s)', (ip, why) => {
    expect(classifyAddress(ip)).toBe(why);
  });

  it.each(['2606:4700:4700::1111', '2001:4860:4860::8888', '::ffff:8.8.8.8', '64:ff9b::8.8.8.8'])('lets public IPv6 %s through', (ip) => {
    expect(classifyAddress(ip)).toBeNull();
  });

  it('refuses what is not an address', () => {
    expect(classifyAddress('localhost')).toBe('not an IP address');
    expect(classifyAddress('')).toBe('not an IP address');
  });

  it('reads OUTBOUND_ALLOWED_HOSTS as a comma-separated list', () => {
    expect(parseAllowedHosts(' localhost:11434, 10.0.0.5 ,,[::1]:8080')).toEqual(['localhost:11434', '10.0.0.5', '[::1]:8080']);
    expect(parseAllowedHosts(undefined)).toEqual([]);
  });
});

describe('the outbound client', () => {
  let target: Server;
  let redirector: Server;
  let targetPort = 0;
  let redirectorPort = 0;
  const received: IncomingMessage[] = [];
  let redirectTo = '';
  let redirectStatus = 307;

  const listen = async (s: Server) => {
    await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
    return (s.address() as AddressInfo).port;
  };

  beforeAll(async () => {
    target = createServer((req, res) => {
      received.push(req);
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end('internal secret');
    });
    redirector = createServer((req, res) => {
      req.resume();
      res.writeHead(redirectStatus, { location: redirectTo });
      res.end();
    });
    targetPort = await listen(target);
    redirectorPort = await listen(redirector);
  });
  afterAll(async () => {
    await new Promise((r) => target.close(r));
    await new Promise((r) => redirector.close(r));
  });
  beforeEach(() => {
    received.length = 0;
    redirectStatus = 307;
  });

  const refusal = async (p: Promise<unknown>) => {
    const e = await p.then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(e, 'the call should have been refused').toBeDefined();
    expect(isOutboundRefused(e)).toBe(true);
    return (e as { cause: Error }).cause.message;
  };

  it('refuses a loopback address that is not allowed, without connecting', async () => {
    const client = createOutboundClient();
    expect(await refusal(client.fetch(`http://127.0.0.1:${targetPort}/`))).toMatch(/loopback/);
    expect(await refusal(client.fetch(`http://[::ffff:127.0.0.1]:${targetPort}/`))).toMatch(/loopback/);
    expect(await refusal(client.fetch(`http://[::1]:${targetPort}/`))).toMatch(/loopback/);
    expect(received).toHaveLength(0);
    await client.close();
  });

  it('calls a host the operator allows, by host:port or by host', async () => {
    for (const allowed of [`127.0.0.1:${targetPort}`, '127.0.0.1']) {
      const client = createOutboundClient({ allowedHosts: [allowed] });
      const res = await client.fetch(`http://127.0.0.1:${targetPort}/x`);
      expect([res.status, await res.text()]).toEqual([200, 'internal secret']);
      await client.close();
    }
    // Another port of an allowed host:port is not allowed.
    const client = createOutboundClient({ allowedHosts: [`127.0.0.1:${redirectorPort}`] });
    await refusal(client.fetch(`http://127.0.0.1:${targetPort}/`));
    await client.close();
    expect(received).toHaveLength(2);
  });

  it('refuses a public-looking name that resolves to a private address (checked after resolution)', async () => {
    const resolve: Resolver = async (name) => (name === 'api.example.com' ? [{ address: '127.0.0.1', family: 4 }] : [{ address: '10.0.0.9', family: 4 }]);
    const client = createOutboundClient({ resolve });
    expect(await refusal(client.fetch(`http://api.example.com:${targetPort}/`))).toMatch(/api\.example\.com resolves to 127\.0\.0\.1, a loopback address/);
    expect(await refusal(client.fetch(`https://other.example.com:${targetPort}/`))).toMatch(/private/);
    expect(received).toHaveLength(0);
    await client.close();
  });

  it('refuses a name when any of its addresses is private', async () => {
    const client = createOutboundClient({ resolve: async () => [{ address: '93.184.216.34', family: 4 }, { address: '::1', family: 6 }] });
    expect(await refusal(client.fetch(`http://mixed.example:${targetPort}/`))).toMatch(/::1, a loopback/);
    await client.close();
  });

  it('connects to the address it checked: a name resolving to an allowed-looking host still goes through the check', async () => {
    // The resolver is asked once per connection and its answer is what is dialled: a name that
    // resolves to the target's loopback address is refused even though 127.0.0.1:port is allowed.
    let asked = 0;
    const client = createOutboundClient({ allowedHosts: [`127.0.0.1:${targetPort}`], resolve: async () => (asked++, [{ address: '127.0.0.1', family: 4 }]) });
    await refusal(client.fetch(`http://rebind.example:${targetPort}/`));
    expect(asked).toBe(1);
    expect(received).toHaveLength(0);
    await client.close();
  });

  it('refuses a redirect from an allowed host to a private address, and to a name that resolves to one', async () => {
    const client = createOutboundClient({ allowedHosts: [`127.0.0.1:${redirectorPort}`], resolve: async () => [{ address: '127.0.0.1', family: 4 }] });
    for (const status of [301, 302, 303, 307, 308]) {
      redirectStatus = status;
      redirectTo = `http://127.0.0.1:${targetPort}/internal`;
      expect(await refusal(client.fetch(`http://127.0.0.1:${redirectorPort}/start`, { method: 'POST', body: '{}' }))).toMatch(/loopback/);
    }
    redirectTo = `http://internal.example:${targetPort}/internal`;
    expect(await refusal(client.fetch(`http://127.0.0.1:${redirectorPort}/start`))).toMatch(/internal\.example resolves to 127\.0\.0\.1/);
    redirectTo = 'file:///etc/passwd';
    expect(await refusal(client.fetch(`http://127.0.0.1:${redirectorPort}/start`))).toMatch(/scheme file:/);
    expect(received).toHaveLength(0);
    await client.close();
  });

  it('follows a redirect to an allowed host, dropping credentials across origins, and stops at the limit', async () => {
    const client = createOutboundClient({ allowedHosts: ['127.0.0.1'], maxRedirects: 3 });
    redirectTo = `http://127.0.0.1:${targetPort}/landed`;
    const res = await client.fetch(`http://127.0.0.1:${redirectorPort}/start`, { headers: { authorization: 'Bearer secret' } });
    expect([res.status, await res.text()]).toEqual([200, 'internal secret']);
    expect(received.map((r) => [r.url, r.headers.authorization])).toEqual([['/landed', undefined]]);

    redirectTo = `http://127.0.0.1:${redirectorPort}/again`;
    expect(await refusal(client.fetch(`http://127.0.0.1:${redirectorPort}/start`))).toMatch(/more than 3 redirects/);
    await client.close();
  });

  it('judges targets at save time: schemes, literal private addresses and localhost, unless allowed', () => {
    const client = createOutboundClient({ allowedHosts: ['localhost:11434', '10.0.0.5'] });
    expect(client.refusalAtSave('ftp://example.com/')).toMatch(/http or https/);
    expect(client.refusalAtSave('http://127.0.0.1:4010')).toMatch(/loopback/);
    expect(client.refusalAtSave('http://[::ffff:192.168.0.1]/v1')).toMatch(/private/);
    expect(client.refusalAtSave('http://localhost:8080/v1')).toMatch(/localhost/);
    expect(client.refusalAtSave('http://localhost:11434/v1')).toBeNull();
    expect(client.refusalAtSave('http://10.0.0.5:8000/v1')).toBeNull();
    expect(client.refusalAtSave('https://api.x.ai/v1')).toBeNull();
  });
});
