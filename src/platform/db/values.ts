/**
 * How database values become JavaScript values. PGlite and node-postgres disagree by
 * default (int8 as number vs string, date as UTC vs local midnight), so both drivers are
 * given these parsers and return identical values for identical rows.
 *
 * - int8 (counts, sums of minor units): number; a value beyond 2^53 throws instead of
 *   silently losing precision.
 * - numeric (seed 004's DECIMAL money): string, exact.
 * - date: 'YYYY-MM-DD' string, never shifted by the process time zone.
 * - timestamptz / timestamp: Date.
 * - json / jsonb: parsed.
 */
export const OID = {
  int8: 20,
  int8Array: 1016,
  numeric: 1700,
  numericArray: 1231,
  date: 1082,
  dateArray: 1182,
  timestamp: 1114,
  timestampArray: 1115,
  timestamptz: 1184,
  timestamptzArray: 1185,
  json: 114,
  jsonb: 3802,
} as const;

export function parseInt8(text: string): number {
  const n = Number(text);
  if (!Number.isSafeInteger(n)) throw new RangeError(`int8 value ${text} is beyond Number.MAX_SAFE_INTEGER`);
  return n;
}

const identity = (text: string): string => text;

export function parseTimestamptz(text: string): Date {
  if (text === 'infinity' || text === '-infinity') return new Date(text === 'infinity' ? 8.64e15 : -8.64e15);
  // PostgreSQL prints '2026-01-02 03:04:05.123456+07' (ISO DateStyle); make it ISO 8601.
  let iso = text.replace(' ', 'T');
  if (/[+-]\d\d$/.test(iso)) iso += ':00';
  return new Date(iso);
}

export function parseTimestamp(text: string): Date {
  return parseTimestamptz(text.includes('+') || /-\d\d$/.test(text.slice(10)) ? text : `${text}Z`);
}

export function parseJson(text: string): unknown {
  return JSON.parse(text);
}

/** Splits a one-dimensional PostgreSQL array literal of unquoted scalars. */
export function parseScalarArray<T>(text: string, item: (s: string) => T): (T | null)[] {
  if (text === '{}') return [];
  return text
    .slice(1, -1)
    .split(',')
    .map((s) => {
      const unquoted = s.startsWith('"') ? s.slice(1, -1) : s;
      return s === 'NULL' ? null : item(unquoted);
    });
}

/** Parsers keyed by type OID, shared by both drivers. */
export const valueParsers: Record<number, (text: string) => unknown> = {
  [OID.int8]: parseInt8,
  [OID.int8Array]: (t) => parseScalarArray(t, parseInt8),
  [OID.numeric]: identity,
  [OID.numericArray]: (t) => parseScalarArray(t, identity),
  [OID.date]: identity,
  [OID.dateArray]: (t) => parseScalarArray(t, identity),
  [OID.timestamptz]: parseTimestamptz,
  [OID.timestamptzArray]: (t) => parseScalarArray(t, parseTimestamptz),
  [OID.timestamp]: parseTimestamp,
  [OID.timestampArray]: (t) => parseScalarArray(t, parseTimestamp),
  [OID.json]: parseJson,
  [OID.jsonb]: parseJson,
};
