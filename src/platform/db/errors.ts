import { AppError } from '../errors.ts';

interface PgError {
  code?: string;
  constraint?: string;
  table?: string;
  column?: string;
  detail?: string;
  message: string;
}

/** Seconds a caller is told to wait when the database has no connection for it. */
export const DB_RETRY_AFTER_SECONDS = 5;

/** The database cannot take the request now (no free connection, server unreachable): 503 with Retry-After. */
export function dbUnavailable(cause?: unknown): AppError {
  return new AppError('db.unavailable', 'unavailable', `the database is busy or unreachable; try again in ${DB_RETRY_AFTER_SECONDS} s`, { retry_after: DB_RETRY_AFTER_SECONDS }, { cause });
}

/**
 * Errors of the drivers themselves that mean "no connection now" rather than a fault in the
 * request: node-postgres's pool acquire timeout, a refused or reset connection.
 */
export function isConnectionUnavailable(e: unknown): boolean {
  if (!(e instanceof Error)) return false;
  // node-postgres: no connection in time, a connection that died; PGlite: the embedded database closed under us.
  if (/timeout exceeded when trying to connect|Connection terminated|Client has encountered a connection error|Client was closed and is not queryable|Cannot use a pool after calling end|PGlite is closed/i.test(e.message)) return true;
  // Node's connect to several addresses reports an AggregateError of the refusals.
  if (e instanceof AggregateError) return e.errors.some(isConnectionUnavailable);
  const code = (e as NodeJS.ErrnoException).code;
  return code === 'ECONNREFUSED' || code === 'ECONNRESET' || code === 'ETIMEDOUT' || code === 'EPIPE';
}

const isPgError = (e: unknown): e is PgError =>
  typeof e === 'object' && e !== null && typeof (e as PgError).code === 'string' && /^[0-9A-Z]{5}$/.test((e as PgError).code!);

/**
 * Turns a database error into a typed AppError naming the constraint, or returns undefined
 * for errors that are not the caller's fault (those stay 500s, logged once).
 */
export function fromDatabaseError(e: unknown): AppError | undefined {
  if (e instanceof AppError) return e;
  if (!isPgError(e)) return undefined;
  const details: Record<string, unknown> = {};
  if (e.constraint) details.constraint = e.constraint;
  if (e.table) details.table = e.table;
  if (e.column) details.column = e.column;
  const what = e.constraint ? ` (${e.constraint})` : '';
  switch (e.code) {
    case '23505':
      return new AppError('db.unique_violation', 'conflict', `already exists${what}${e.detail ? `: ${e.detail}` : ''}`, details, { cause: e });
    case '23503':
      return new AppError('db.foreign_key_violation', 'invalid', `refers to something that does not exist${what}`, details, { cause: e });
    case '23514':
    case '23P01':
      return new AppError('db.check_violation', 'invalid', `${e.message}${what}`, details, { cause: e });
    case '23502':
      return new AppError('db.not_null_violation', 'invalid', `${e.column ?? 'a required value'} is missing`, details, { cause: e });
    case '22P02':
    case '22007':
    case '22008':
    case '22003':
    case '22001':
    case '22021':
    case '22P05':
      return new AppError('db.invalid_value', 'invalid', e.message, details, { cause: e });
    case '42501':
      return new AppError('db.permission_denied', 'forbidden', 'not allowed in this workspace', details, { cause: e });
    case '53300':
    case '57P01':
    case '57P02':
    case '57P03':
    case '08000':
    case '08001':
    case '08003':
    case '08004':
    case '08006':
    case '3D000': // the database does not exist (dropped): as lost as a closed port
    case '57P04': // database dropped
      // Too many connections, a server shutting down or a lost connection: not the caller's fault, and it passes.
      return dbUnavailable(e);
    case '40001':
    case '40P01':
      return new AppError('db.conflict_retry', 'conflict', 'a concurrent change got there first; try again', details, { cause: e });
    default:
      return undefined;
  }
}
