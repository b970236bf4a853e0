import { lookup as dnsLookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { Agent, buildConnector, fetch as undiciFetch, type Dispatcher } from 'undici';
import { AppError } from '../errors.ts';
import type { Logger } from '../log.ts';

/**
 * The one way the server calls out (payment gateways, messaging providers, model endpoints).
 * Several of those addresses are chosen by tenants, so every connection is checked where it
 * is made: the name is resolved here, every address it resolves to must be public, and the
 * socket goes to the address that was checked (a DNS answer that changes between the check
 * and the connect cannot swap it). Redirects are followed by hand so that each hop is checked
 * the same way. Only hosts the operator lists in OUTBOUND_ALLOWED_HOSTS skip the check (a
 * local model server, test fakes).
 */

export type Resolver = (hostname: string) => Promise<{ address: string; family: number }[]>;

export interface OutboundPolicy {
  /** `host` (any port) or `host:port` (`[::1]:8080` for IPv6), as OUTBOUND_ALLOWED_HOSTS lists them. */
  allowedHosts?: readonly string[];
  /** How names become addresses; the system resolver unless a test injects one. */
  resolve?: Resolver;
  /** Where refusals are logged with their detail (tenants only see that the call failed). */
  log?: Logger | undefined;
  maxRedirects?: number;
}

/** Why a target was refused; the cause of the TypeError the client throws, as fetch's network errors are. */
export class OutboundRefusedError extends Error {
  override readonly name = 'OutboundRefusedError';
  readonly code = 'EOUTBOUND_REFUSED';
  constructor(
    readonly target: string,
    readonly reason: string,
  ) {
    super(`outbound request to ${target} refused: ${reason}`);
  }
}

/** True when `e` (or the network error wrapping it) is a refusal of this client. */
export function isOutboundRefused(e: unknown): boolean {
  const err = e as { cause?: unknown } | null;
  return e instanceof OutboundRefusedError || err?.cause instanceof OutboundRefusedError;
}

// Addresses -----------------------------------------------------------------------------------

function ipv4ToInt(ip: string): number {
  return ip.split('.').reduce((n, part) => n * 256 + Number(part), 0);
}

const V4_BLOCKS: [string, number, string][] = [
  ['0.0.0.0', 8, 'unspecified'],
  ['10.0.0.0', 8, 'private'],
  ['100.64.0.0', 10, 'shared (CGNAT)'],
  ['127.0.0.0', 8, 'loopback'],
  ['169.254.0.0', 16, 'link-local'],
  ['172.16.0.0', 12, 'private'],
  ['192.0.0.0', 24, 'reserved'],
  ['192.168.0.0', 16, 'private'],
  ['198.18.0.0', 15, 'reserved'],
  ['224.0.0.0', 4, 'multicast'],
  ['240.0.0.0', 4, 'reserved'],
].map(([base, bits, why]) => [base as string, bits as number, why as string]);

function classifyV4(ip: string): string | null {
  const n = ipv4ToInt(ip);
  for (const [base, bits, why] of V4_BLOCKS) {
    const size = 2 ** (32 - bits);
    const start = ipv4ToInt(base);
    if (n >= start && n < start + size) return why;
  }
  return null;
}

/** Eight 16-bit groups; an embedded dotted IPv4 tail becomes the last two. */
function ipv6Groups(ip: string): number[] {
  let text = ip.replace(/%.*$/, '');
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted) {
    const n = ipv4ToInt(dotted[1]!);
    text = `${text.slice(0, dotted.index)}${(n >>> 16).toString(16)}:${(n & 0xffff).toString(16)}`;
  }
  const [head, tail] = text.split('::') as [string, string | undefined];
  const parse = (s: string) => (s ? s.split(':').map((g) => parseInt(g, 16)) : []);
  const left = parse(head);
  const right = tail === undefined ? [] : parse(tail);
  const fill = tail === undefined ? [] : new Array(8 - left.length - right.length).fill(0);
  return [...left, ...fill, ...right];
}

function classifyV6(ip: string): string | null {
  const g = ipv6Groups(ip);
  const v4 = () => `${g[6]! >> 8}.${g[6]! & 0xff}.${g[7]! >> 8}.${g[7]! & 0xff}`;
  const zeroUntil = (i: number) => g.slice(0, i).every((x) => x === 0);
  if (g.every((x) => x === 0)) return 'unspecified';
  if (zeroUntil(7) && g[7] === 1) return 'loopback';
  // ::ffff:a.b.c.d (mapped), ::a.b.c.d (compatible), 64:ff9b::a.b.c.d (NAT64): the IPv4 inside decides.
  if (zeroUntil(5) && g[5] === 0xffff) return classifyV4(v4());
  if (zeroUntil(6)) return classifyV4(v4());
  if (g[0] === 0x64 && g[1] === 0xff9b && g.slice(2, 6).every((x) => x === 0)) return classifyV4(v4());
  // 6to4 carries an IPv4 address in groups 1 and 2.
  if (g[0] === 0x2002) return classifyV4(`${g[1]! >> 8}.${g[1]! & 0xff}.${g[2]! >> 8}.${g[2]! & 0xff}`);
  if ((g[0]! & 0xffc0) === 0xfe80) return 'link-local';
  if ((g[0]! & 0xffc0) === 0xfec0) return 'site-local';
  if ((g[0]! & 0xfe00) === 0xfc00) return 'unique local (private)';
  if ((g[0]! & 0xff00) === 0xff00) return 'multicast';
  return null;
}

/**
 * Why an address may not be called (loopback, private, link-local, ...), or null for a public
 * one. IPv6 forms that carry an IPv4 address are judged by that address. Anything that is
 * not an IP address at all is refused too.
 */
export function classifyAddress(address: string): string | null {
  const ip = address.replace(/^\[|\]$/g, '');
  const family = isIP(ip.replace(/%.*$/, ''));
  if (family === 4) return classifyV4(ip);
  if (family === 6) return classifyV6(ip);
  return 'not an IP address';
}

// Allowed hosts -------------------------------------------------------------------------------

const bare = (host: string) => host.trim().toLowerCase().replace(/^\[|\]$/g, '');

function parseAllowed(entries: readonly string[]): { host: string; port: string | null }[] {
  return entries
    .map((e) => e.trim())
    .filter(Boolean)
    .map((e) => {
      const v6 = /^\[([^\]]+)\](?::(\d+))?$/.exec(e);
      if (v6) return { host: bare(v6[1]!), port: v6[2] ?? null };
      const m = /^([^:]+)(?::(\d+))?$/.exec(e);
      // A bare IPv6 address (several colons) names the host without a port.
      return m ? { host: bare(m[1]!), port: m[2] ?? null } : { host: bare(e), port: null };
    });
}

/** OUTBOUND_ALLOWED_HOSTS as a list (comma-separated `host` or `host:port`). */
export const parseAllowedHosts = (value: string | undefined): string[] =>
  (value ?? '').split(',').map((s) => s.trim()).filter(Boolean);

const defaultPort = (protocol: string) => (protocol === 'https:' ? '443' : '80');

// The client ------------------------------------------------------------------------------------

export type OutboundFetch = (input: string | URL, init?: RequestInit) => Promise<Response>;

export interface OutboundClient {
  fetch: OutboundFetch;
  /** Whether the operator allows `url`'s host (and port) without the address check. */
  allows(url: URL): boolean;
  /** The reason a URL may not be saved as a target (a literal private address that is not allowed, a scheme other than http(s)), or null. */
  refusalAtSave(url: string): string | null;
  close(): Promise<void>;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

const systemResolver: Resolver = async (hostname) => dnsLookup(hostname, { all: true, verbatim: true });

export function createOutboundClient(policy: OutboundPolicy = {}): OutboundClient {
  const allowed = parseAllowed(policy.allowedHosts ?? []);
  const resolve = policy.resolve ?? systemResolver;
  const maxRedirects = policy.maxRedirects ?? 5;
  const isAllowed = (host: string, port: string) => {
    const h = bare(host);
    return allowed.some((a) => a.host === h && (a.port === null || a.port === port));
  };

  const direct = buildConnector({});
  // Every connection of this client passes here: allowed hosts as they are, the rest only to
  // an address that was resolved and checked now, with TLS still verified against the name.
  const connect: buildConnector.connector = (opts, callback) => {
    const hostname = bare(opts.hostname);
    const port = opts.port || defaultPort(opts.protocol);
    if (isAllowed(hostname, port)) return direct(opts, callback);
    const refuse = (reason: string) => {
      const err = new OutboundRefusedError(`${hostname}:${port}`, reason);
      policy.log?.warn({ target: `${opts.protocol}//${hostname}:${port}`, reason }, 'outbound request refused');
      callback(err, null);
    };
    const literal = isIP(hostname) !== 0;
    (literal ? Promise.resolve([{ address: hostname, family: isIP(hostname) }]) : resolve(hostname)).then(
      (addresses) => {
        if (addresses.length === 0) return refuse('the name resolves to no address');
        for (const a of addresses) {
          const why = classifyAddress(a.address);
          if (why) return refuse(`${literal ? '' : `${hostname} resolves to `}${a.address}, a ${why} address`);
        }
        const chosen = addresses[0]!;
        direct({ ...opts, hostname: chosen.address, ...(literal ? {} : { servername: opts.servername || hostname }) }, callback);
      },
      (err: Error) => callback(err, null),
    );
  };
  const agent: Dispatcher = new Agent({ connect });

  const allows = (url: URL) => isAllowed(url.hostname, url.port || defaultPort(url.protocol));

  const outboundFetch: OutboundFetch = async (input, init = {}) => {
    let url = new URL(String(input));
    let method = (init.method ?? 'GET').toUpperCase();
    let body = init.body;
    const headers = new Headers(init.headers);
    for (let hop = 0; ; hop++) {
      if (url.protocol !== 'http:' && url.protocol !== 'https:') {
        throw new TypeError('fetch failed', { cause: new OutboundRefusedError(url.origin, `the scheme ${url.protocol} is not allowed`) });
      }
      const res = (await undiciFetch(url, {
        ...(init as object),
        method,
        headers,
        body: body as never,
        redirect: 'manual',
        dispatcher: agent,
      } as never)) as unknown as Response;
      const location = res.headers.get('location');
      if (!REDIRECTS.has(res.status) || location === null || init.redirect === 'manual') return res;
      await res.body?.cancel().catch(() => {});
      if (init.redirect === 'error' || hop >= maxRedirects) {
        throw new TypeError('fetch failed', { cause: new OutboundRefusedError(url.origin, hop >= maxRedirects ? `more than ${maxRedirects} redirects` : 'unexpected redirect') });
      }
      const next = new URL(location, url);
      // As fetch does: 303 (and 301/302 after a POST) continue as a GET without the body;
      // credentials do not follow to another origin.
      if (res.status === 303 || ((res.status === 301 || res.status === 302) && method === 'POST')) {
        method = method === 'HEAD' ? 'HEAD' : 'GET';
        body = undefined;
        for (const h of ['content-type', 'content-length', 'content-encoding', 'content-language', 'content-location']) headers.delete(h);
      }
      if (next.origin !== url.origin) {
        headers.delete('authorization');
        headers.delete('cookie');
        headers.delete('proxy-authorization');
      }
      url = next;
    }
  };

  return {
    fetch: outboundFetch,
    allows,
    refusalAtSave(raw) {
      let url: URL;
      try {
        url = new URL(raw);
      } catch {
        return 'not a URL';
      }
      if (url.protocol !== 'http:' && url.protocol !== 'https:') return 'use http or https';
      if (allows(url)) return null;
      const host = bare(url.hostname);
      if (host === 'localhost' || host.endsWith('.localhost')) return 'localhost is not allowed as a target';
      if (isIP(host)) {
        const why = classifyAddress(host);
        if (why) return `${host} is a ${why} address`;
      }
      return null;
    },
    close: () => agent.close(),
  };
}

// The process's client ---------------------------------------------------------------------------

let current: OutboundClient = createOutboundClient();
let currentPolicy: OutboundPolicy = {};

/** Sets the process's policy (the server and CLI at start, from OUTBOUND_ALLOWED_HOSTS). */
export function configureOutbound(policy: OutboundPolicy): void {
  const old = current;
  currentPolicy = policy;
  current = createOutboundClient(policy);
  void old.close().catch(() => {});
}

/**
 * Adds hosts to the process's allowed list. Tests' fakes on 127.0.0.1 allow exactly their
 * own host:port this way, so that any other local port stays refused.
 */
export function allowOutboundHosts(...entries: string[]): void {
  configureOutbound({ ...currentPolicy, allowedHosts: [...(currentPolicy.allowedHosts ?? []), ...entries] });
}

/** fetch, through the process's outbound policy. Every provider and model call goes through it. */
export const outboundFetch: OutboundFetch = (input, init) => current.fetch(input, init);

/** The logger of the process's policy, for callers that log what they keep from tenants. */
export const outboundLog = (): Logger | undefined => currentPolicy.log;

/** Whether the process's policy allows `url`'s host (and port) without the address check. */
export const outboundAllows = (url: URL): boolean => current.allows(url);

/** Why `url` may not be saved as a tenant's target under the process's policy, or null. */
export const outboundRefusalAtSave = (url: string): string | null => current.refusalAtSave(url);

/**
 * Refuses, when a tenant saves it, a target the client would refuse anyway: a scheme other
 * than http(s), or a literal loopback/private/link-local address (or localhost) that the
 * operator has not allowed. Names are judged again at every call, after resolution.
 */
export function assertOutboundTarget(url: string, field: string): void {
  const why = outboundRefusalAtSave(url);
  if (why) {
    throw new AppError('outbound.target_not_allowed', 'invalid', `${field}: this address may not be called from the server (${why}); the operator can allow it with OUTBOUND_ALLOWED_HOSTS`, {
      field,
    });
  }
}
