import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { AppError, type ErrorKind } from '../errors.ts';
import { dbUnavailable, fromDatabaseError, isConnectionUnavailable } from '../db/errors.ts';

const STATUS: Record<ErrorKind, ContentfulStatusCode> = {
  invalid: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  too_large: 413,
  unsupported: 415,
  rate_limited: 429,
  unavailable: 503,
  internal: 500,
};

/** The Retry-After header (seconds) an error asks for: busy, db.unavailable, rate_limited. */
export function retryAfterOf(body: ErrorBody): string | undefined {
  const s = body.error.details?.retry_after;
  return typeof s === 'number' && s > 0 ? String(Math.ceil(s)) : undefined;
}

export interface ErrorBody {
  error: { code: string; message: string; details?: Record<string, unknown> };
}

/** The one place where error codes become HTTP statuses. */
export function toHttpError(e: unknown): { status: ContentfulStatusCode; body: ErrorBody; expected: boolean } {
  // A pool that has no connection to give (or a database that went away) is a 503 the caller may retry, never a 500.
  const app = e instanceof AppError ? e : (fromDatabaseError(e) ?? (isConnectionUnavailable(e) ? dbUnavailable(e) : undefined));
  if (!app) {
    return { status: 500, body: { error: { code: 'internal', message: 'something went wrong on our side' } }, expected: false };
  }
  const body: ErrorBody = { error: { code: app.code, message: app.message } };
  if (app.details) body.error.details = app.details;
  return { status: STATUS[app.kind], body, expected: app.kind !== 'internal' };
}

/**
 * A service's issues name fields (`{ field: 'phone' }`); the API answers with paths that say
 * where each came from. A field the URL's query carries, or any field of a request without a
 * body, is `query.`; the rest came in the body. Issues with a path already (zod's) stay.
 */
export function locateIssues(body: ErrorBody, request: { method: string; query: ReadonlySet<string> }): ErrorBody {
  const issues = body.error.details?.issues;
  if (!Array.isArray(issues)) return body;
  const bodiless = request.method === 'GET' || request.method === 'HEAD' || request.method === 'DELETE';
  const located = issues.map((i: { field?: unknown; path?: unknown; message?: unknown }) => {
    if (typeof i.field !== 'string' || i.path !== undefined) return i;
    const { field, ...rest } = i;
    return { path: `${bodiless || request.query.has(field) ? 'query' : 'body'}.${field}`, ...rest };
  });
  return { error: { ...body.error, details: { ...body.error.details, issues: located } } };
}
