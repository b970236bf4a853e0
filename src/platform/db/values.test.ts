import { expect, it } from 'vitest';
import { databaseKinds, describeEachDatabase, openTestDatabase } from '../../../test/support/db.ts';
import { parseTimestamptz } from './values.ts';

const probe = `
  select 9007199254740991::int8 as big, 42::int8 as count, 12.50::numeric(10,2) as money,
         '2026-03-08'::date as day, '2026-03-08 02:30:00+00'::timestamptz as at,
         '{"a":[1,"x"]}'::jsonb as doc, array['a','b']::text[] as tags, array[1,2]::int8[] as ids,
         array[1.5]::numeric[] as amounts, array['2026-01-01']::date[] as days, null::int8 as nothing,
         true as yes, 7::int4 as small, gen_random_uuid() is not null as has_uuid`;

const expected = {
  big: 9007199254740991,
  count: 42,
  money: '12.50',
  day: '2026-03-08',
  at: new Date('2026-03-08T02:30:00Z'),
  doc: { a: [1, 'x'] },
  tags: ['a', 'b'],
  ids: [1, 2],
  amounts: ['1.5'],
  days: ['2026-01-01'],
  nothing: null,
  yes: true,
  small: 7,
  has_uuid: true,
};

describeEachDatabase('driver values', (db) => {
  it('returns the agreed JavaScript values', async () => {
    const { rows } = await db().transaction((tx) => tx.query(probe));
    expect(rows[0]).toEqual(expected);
  });

  it('refuses an int8 beyond the safe integer range rather than rounding it', async () => {
    await expect(db().transaction((tx) => tx.query('select 9007199254740993::int8 as x'))).rejects.toThrow(RangeError);
  });

  it('round-trips parameters of every kind', async () => {
    const at = new Date('2026-11-22T10:15:30.123Z');
    const { rows } = await db().transaction((tx) =>
      tx.query('select $1::timestamptz as at, $2::jsonb as doc, $3::text[] as tags, $4::numeric as n', [at, JSON.stringify({ k: 1 }), ['x', 'y'], '10.25']),
    );
    expect(rows[0]).toEqual({ at, doc: { k: 1 }, tags: ['x', 'y'], n: '10.25' });
  });
});

it.runIf(databaseKinds.length === 2)('both drivers return identical values for the same rows', async () => {
  const [a, b] = await Promise.all(databaseKinds.map(openTestDatabase));
  try {
    const [ra, rb] = await Promise.all([a!, b!].map((d) => d.transaction((tx) => tx.query(probe))));
    const strip = (r: Record<string, unknown>) => ({ ...r });
    expect(strip(ra!.rows[0]!)).toEqual(strip(rb!.rows[0]!));
  } finally {
    await Promise.all([a!.close(), b!.close()]);
  }
});

it('parses PostgreSQL timestamp text with short offsets', () => {
  expect(parseTimestamptz('2026-01-02 03:04:05.123+07').toISOString()).toBe('2026-01-01T20:04:05.123Z');
  expect(parseTimestamptz('2026-01-02 03:04:05+05:30').toISOString()).toBe('2026-01-01T21:34:05.000Z');
});
