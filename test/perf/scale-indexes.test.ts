import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../../src/platform/clock.ts';
import type { Database } from '../../src/platform/db/database.ts';
import { expected, loadFixture, SCALE_QUERIES, type ScaleFixture } from '../../bench/scale-queries.ts';
import { seedScale } from '../../bench/scale-seed.ts';
import { databaseKinds, openTestDatabaseWith } from '../support/db.ts';
import { indexesOn, plansOf } from '../support/plans.ts';

/**
 * Every list, search and report of bench/scale.ts is served by an index: each is run as its
 * route runs it on a small seeded copy, the statements it sends are recorded and EXPLAINed
 * (FORMAT JSON), and each table it reads must be read through the expected index. A small copy
 * fits in a few pages, where reading a table whole is rightly cheaper, so the plans are made
 * with enable_seqscan off: the question is which index serves the query, and a query that no
 * index serves still shows its Seq Scan and fails. On PostgreSQL the statements inside the
 * SQL functions a route calls (the contact search, the availability inputs, the funnel and the
 * event counts) are checked too, through auto_explain; PGlite's EXPLAIN cannot see inside a
 * function, so there only the statements the code sends are checked.
 */
for (const kind of databaseKinds) {
  describe(`indexes at scale [${kind}]`, () => {
    let db: Database;
    let f: ScaleFixture;
    beforeAll(async () => {
      db = await openTestDatabaseWith(kind, { max: 1 });
      await seedScale(db, { scale: 0.003, consultants: 10, now: new Date('2026-11-30T03:00:00Z') });
      f = await loadFixture(db);
    }, 240_000);
    afterAll(async () => {
      await db?.close();
    });

    for (const q of SCALE_QUERIES) {
      it(`${q.name} reads ${q.expects.map((e) => `${e.relation} through ${[e.index].flat().join(' or ')}`).join(', ')}`, async () => {
        const { result, plans } = await plansOf(db, { actor: f.actor, clock: fixedClock(f.now.toISOString()), noSeqScan: true }, (ctx) => q.run(ctx, f));
        expect(result).toBeDefined();
        expect(plans.filter((p) => p.source === 'sent').length).toBeGreaterThan(0);
        for (const e of q.expects) {
          // PGlite's EXPLAIN cannot open a function; its nested plans are PostgreSQL's (auto_explain).
          if (e.inFunction && kind === 'pglite') continue;
          const on = indexesOn(plans.filter((p) => p.source === (e.inFunction ? 'nested' : 'sent')), e.relation);
          expect(on.indexes.length + Number(on.seqScan), `${e.relation} is read`).toBeGreaterThan(0);
          expect({ relation: e.relation, seqScan: on.seqScan, served: expected(e.index, on.indexes) }, `read through ${on.indexes.join(', ')}`).toEqual({
            relation: e.relation,
            seqScan: false,
            served: true,
          });
        }
      });
    }

    it('records what the product sends: a search finds the contact it was given', async () => {
      const q = SCALE_QUERIES.find((x) => x.name === 'contact search by email')!;
      const { result, plans } = await plansOf(db, { actor: f.actor }, (ctx) => q.run(ctx, f));
      expect((result as { data: { email: string | null }[] }).data.map((c) => c.email)).toContain(f.email);
      expect(plans.some((p) => p.source === 'sent' && /from "contacts"/.test(p.sql))).toBe(true);
    });
  });
}
