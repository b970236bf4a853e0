import { AppError } from '../errors.ts';

interface PgError {
  code?: string;
  constraint?: string;
  table?: string;
  column?: string;
  detail?: string;
  message: string;
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
    case '40001':
    case '40P01':
      return new AppError('db.conflict_retry', 'conflict', 'a concurrent change got there first; try again', details, { cause: e });
    default:
      return undefined;
  }
}
