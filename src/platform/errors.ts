/**
 * One error type for the whole application. Services throw `AppError` with a code such as
 * `booking.slot_taken`; the HTTP edge and the CLI map codes to statuses and exit codes once.
 */
export type ErrorKind =
  | 'invalid'
  | 'unauthenticated'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'too_large'
  | 'unsupported'
  | 'rate_limited'
  | 'unavailable'
  | 'internal';

/**
 * The codes platform/ throws itself. A misspelled code fails the typecheck: every code is a
 * member of `ErrorCode`, the union of this list and each module's (see `ErrorCodes`).
 */
export const PLATFORM_ERRORS = [
  'auth.forbidden',
  'auth.origin_forbidden',
  'backup.no_database',
  'backup.not_found',
  'backup.pg_dump_failed',
  'backup.pg_dump_missing',
  'backup.pg_restore_failed',
  'backup.pg_restore_missing',
  'backup.target_not_empty',
  'backup.unreadable',
  'backup.wrong_kind',
  'busy',
  'config.secret_key_invalid',
  'config.secret_key_missing',
  'db.check_violation',
  'db.conflict_retry',
  'db.embedded_in_use',
  'db.embedded_lock_stuck',
  'db.foreign_key_violation',
  'db.invalid_value',
  'db.migration_changed',
  'db.migration_failed',
  'db.migration_name',
  'db.migration_unknown',
  'db.not_null_violation',
  'db.permission_denied',
  'db.unavailable',
  'db.unique_violation',
  'db.unreachable',
  'file.too_large',
  'file.unreadable',
  'outbound.target_not_allowed',
  'page.cursor_repeated',
  'rate_limited',
  'request.too_deep',
  'request.too_large',
  'request.unsupported_media_type',
  'secret.unreadable',
  'transfer.dangling_reference',
  'transfer.foreign_row',
  'transfer.needs_superuser',
  'transfer.not_found',
  'transfer.schema_mismatch',
  'transfer.truncated',
  'transfer.unknown_table',
  'transfer.unreadable',
  'transfer.user_conflict',
  'transfer.workspace_exists',
  'validation.failed',
  'workspace.invalid_id',
  'workspace.not_found',
  'workspace.required',
] as const;
export type PlatformErrorCode = (typeof PLATFORM_ERRORS)[number];

/**
 * Every error code there is, as the keys of this interface. platform/ imports nothing above
 * it, so each module and app adds its own list here from its `*.errors.ts` by declaration
 * merging:
 *
 *     export const CONTACT_ERRORS = ['contact.not_found', ...] as const;
 *     declare module '../../platform/errors.ts' {
 *       interface ErrorCodes extends Record<(typeof CONTACT_ERRORS)[number], true> {}
 *     }
 */
export interface ErrorCodes extends Record<PlatformErrorCode, true> {}
export type ErrorCode = keyof ErrorCodes;

export class AppError extends Error {
  override readonly name = 'AppError';
  constructor(
    readonly code: ErrorCode,
    readonly kind: ErrorKind,
    message: string,
    readonly details?: Record<string, unknown>,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export const isAppError = (e: unknown): e is AppError => e instanceof AppError;

/**
 * What a service found wrong with one field of its input. The service names the field as its
 * input calls it; the HTTP edge adds where it came from (`body.phone`, `query.cursor`), and the
 * command line shows it as the option it was given as.
 */
export interface FieldIssue {
  field: string;
  message: string;
}

export function invalidInput(...issues: FieldIssue[]): AppError {
  return new AppError('validation.failed', 'invalid', 'the request is not valid', { issues });
}

export const invalidField = (field: string, message: string): AppError => invalidInput({ field, message });
