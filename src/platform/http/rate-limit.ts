import { createMiddleware } from 'hono/factory';
import { getConnInfo } from '@hono/node-server/conninfo';
import { AppError } from '../errors.ts';
import type { AppEnv } from './env.ts';

/**
 * A fixed-window limiter kept in memory, keyed by client address and bucket name. One
 * process serves everything, so memory is the right place; buckets are swept as they expire.
 */
export function rateLimit(options: { bucket: string; limit: number; windowMs: number; key?: (c: Parameters<Parameters<typeof createMiddleware<AppEnv>>[0]>[0]) => string }) {
  const hits = new Map<string, { count: number; resetAt: number }>();
  let lastSweep = Date.now();
  return createMiddleware<AppEnv>(async (c, next) => {
    const now = Date.now();
    if (now - lastSweep > options.windowMs) {
      for (const [k, v] of hits) if (v.resetAt <= now) hits.delete(k);
      lastSweep = now;
    }
    const key = `${options.bucket}:${options.key ? options.key(c) : clientAddress(c)}`;
    let entry = hits.get(key);
    if (!entry || entry.resetAt <= now) {
      entry = { count: 0, resetAt: now + options.windowMs };
      hits.set(key, entry);
    }
    entry.count++;
    if (entry.count > options.limit) {
      const retryAfter = Math.max(1, Math.ceil((entry.resetAt - now) / 1000));
      c.header('Retry-After', String(retryAfter));
      throw new AppError('rate_limited', 'rate_limited', `too many requests; try again in ${retryAfter} s`, { retry_after: retryAfter });
    }
    await next();
  });
}

export function clientAddress(c: Parameters<Parameters<typeof createMiddleware<AppEnv>>[0]>[0]): string {
  try {
    return getConnInfo(c).remote.address ?? 'unknown';
  } catch {
    // app.request() in tests has no socket.
    return c.req.header('x-test-client') ?? 'local';
  }
}
