import { createHash } from 'node:crypto';
import { BlockList, isIP } from 'node:net';
import { createMiddleware } from 'hono/factory';
import { getConnInfo } from '@hono/node-server/conninfo';
import { AppError, type ErrorCode } from '../errors.ts';
import type { AppEnv } from './env.ts';

type Ctx = Parameters<Parameters<typeof createMiddleware<AppEnv>>[0]>[0];

export const DEFAULT_MAX_KEYS = 10_000;

interface Window {
  count: number;
  resetAt: number;
}

/**
 * Fixed-window counters kept in memory, one map per bucket. One process serves everything,
 * so memory is the right place; but the keys come from unauthenticated input (addresses,
 * guest tokens, emails), so memory is bounded three ways: keys are stored as a fixed-size
 * digest, each bucket holds at most `maxKeys` entries (the least recently used goes first:
 * an account under attack is touched all the time and stays counted), and ended windows are
 * swept. A bucket per name keeps a flood of web-chat tokens from evicting sign-in counters.
 */
export class RateLimits {
  private readonly buckets = new Map<string, { hits: Map<string, Window>; lastSweep: number }>();
  readonly maxKeys: number;

  constructor(options: { maxKeys?: number | undefined; now?: () => number } = {}) {
    this.maxKeys = Math.max(1, options.maxKeys ?? DEFAULT_MAX_KEYS);
    this.now = options.now ?? Date.now;
  }

  private readonly now: () => number;

  /** Counts one hit; returns the window after it. */
  hit(bucket: string, key: string, windowMs: number): Window {
    const hits = this.bucket(bucket, windowMs);
    const now = this.now();
    const k = digest(key);
    let entry = hits.get(k);
    if (entry) hits.delete(k); // re-inserted below: Map order is the LRU order
    if (!entry || entry.resetAt <= now) entry = { count: 0, resetAt: now + windowMs };
    entry.count++;
    hits.set(k, entry);
    while (hits.size > this.maxKeys) hits.delete(hits.keys().next().value!);
    return entry;
  }

  /** The live window of a key without counting a hit. */
  peek(bucket: string, key: string): Window | undefined {
    const entry = this.buckets.get(bucket)?.hits.get(digest(key));
    return entry && entry.resetAt > this.now() ? entry : undefined;
  }

  reset(bucket: string, key: string): void {
    this.buckets.get(bucket)?.hits.delete(digest(key));
  }

  /** Entries held across all buckets (tests and metrics). */
  get size(): number {
    let n = 0;
    for (const b of this.buckets.values()) n += b.hits.size;
    return n;
  }

  sizeOf(bucket: string): number {
    return this.buckets.get(bucket)?.hits.size ?? 0;
  }

  private bucket(name: string, windowMs: number) {
    let b = this.buckets.get(name);
    if (!b) this.buckets.set(name, (b = { hits: new Map(), lastSweep: this.now() }));
    const now = this.now();
    if (now - b.lastSweep > windowMs) {
      for (const [k, v] of b.hits) if (v.resetAt <= now) b.hits.delete(k);
      b.lastSweep = now;
    }
    return b.hits;
  }
}

const digest = (key: string) => createHash('sha256').update(key).digest('base64url').slice(0, 22);

// Routes built outside createHttpApp (none in the product) still get a bounded store.
const fallback = new RateLimits();

/** The application's limiter store (set by createHttpApp). */
export const limitsOf = (c: Ctx): RateLimits => (c.var as Partial<AppEnv['Variables']>).limits ?? fallback;

export function tooMany(resetAt: number, code: ErrorCode = 'rate_limited', message = 'too many requests'): AppError {
  const retryAfter = Math.max(1, Math.ceil((resetAt - Date.now()) / 1000));
  return new AppError(code, 'rate_limited', `${message}; try again in ${retryAfter} s`, { retry_after: retryAfter });
}

/** Limits requests per client address (or `key`) and bucket name. */
export function rateLimit(options: { bucket: string; limit: number; windowMs: number; key?: (c: Ctx) => string }) {
  return createMiddleware<AppEnv>(async (c, next) => {
    const entry = limitsOf(c).hit(options.bucket, options.key ? options.key(c) : clientAddress(c), options.windowMs);
    if (entry.count > options.limit) {
      const e = tooMany(entry.resetAt);
      c.header('Retry-After', String(e.details!.retry_after));
      throw e;
    }
    await next();
  });
}

/**
 * The client's address: set once per request by createHttpApp from the socket peer and, only
 * when that peer is a trusted proxy, X-Forwarded-For.
 */
export function clientAddress(c: Ctx): string {
  return (c.var as Partial<AppEnv['Variables']>).clientAddress ?? peerAddress(c);
}

/** The socket peer. */
export function peerAddress(c: Ctx): string {
  try {
    return normalize(getConnInfo(c).remote.address ?? 'unknown');
  } catch {
    // app.request() in tests has no socket.
    return c.req.header('x-test-client') ?? 'local';
  }
}

/** IPv4 peers of a dual-stack socket arrive as ::ffff:a.b.c.d; compare them as IPv4. */
function normalize(address: string): string {
  const m = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  return m ? m[1]! : address;
}

/**
 * The proxies whose X-Forwarded-For is believed (TRUSTED_PROXIES: addresses and CIDR blocks).
 * Without any, the header is ignored: anyone can send it.
 */
export class TrustedProxies {
  private readonly list = new BlockList();
  readonly empty: boolean;

  constructor(entries: string[]) {
    for (const entry of entries) {
      const [address, bits] = entry.split('/') as [string, string | undefined];
      const family = isIP(address) === 6 ? 'ipv6' : 'ipv4';
      if (bits === undefined) this.list.addAddress(address, family);
      else this.list.addSubnet(address, Number(bits), family);
    }
    this.empty = entries.length === 0;
  }

  trusts(address: string): boolean {
    const family = isIP(address);
    if (this.empty || family === 0) return false;
    return this.list.check(address, family === 6 ? 'ipv6' : 'ipv4');
  }

  /**
   * The client behind `peer`: X-Forwarded-For read right to left (each proxy appends the
   * address it received from), skipping trusted hops; the first untrusted one is the client.
   */
  resolve(peer: string, forwardedFor: string | undefined): string {
    if (!forwardedFor || !this.trusts(peer)) return peer;
    const hops = forwardedFor.split(',').map((h) => normalize(stripPort(h.trim()))).filter(Boolean);
    let client = peer;
    for (let i = hops.length - 1; i >= 0; i--) {
      const hop = hops[i]!;
      if (isIP(hop) === 0) break; // garbage from the client's own part of the header
      client = hop;
      if (!this.trusts(hop)) break;
    }
    return client;
  }

  /** "a.b.c.d", "a.b.c.d/n", "v6", "v6/n": what TRUSTED_PROXIES accepts. */
  static valid(entry: string): boolean {
    const [address, bits, extra] = entry.split('/');
    const family = isIP(address ?? '');
    if (family === 0 || extra !== undefined) return false;
    if (bits === undefined) return true;
    const n = Number(bits);
    return /^\d+$/.test(bits) && n <= (family === 6 ? 128 : 32);
  }
}

function stripPort(hop: string): string {
  const v6 = /^\[([^\]]+)\](:\d+)?$/.exec(hop);
  if (v6) return v6[1]!;
  const v4 = /^(\d+\.\d+\.\d+\.\d+):\d+$/.exec(hop);
  return v4 ? v4[1]! : hop;
}
