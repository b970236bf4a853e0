import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { expect, it } from 'vitest';
import { createWorkspace } from '../../../test/support/factories.ts';
import { describeEachDatabase } from '../../../test/support/db.ts';
import { phasedTenant } from './phased.ts';

const currentTransaction = 'select txid_current()::text as id';

describeEachDatabase('phased tenant work', (db, kind) => {
  it('refuses a statement outside its phases instead of opening a connection', async () => {
    const w = await createWorkspace(db());
    const phased = phasedTenant(db(), { kind: 'system', workspaceId: w.workspaceId });
    await expect(phased.tx.query('select 1')).rejects.toThrow(/no transaction is open in this phase/);
    await phased.run(() => phased.tx.query('select 1'));
    await expect(phased.tx.query('select 1')).rejects.toThrow(/no transaction is open in this phase/);
  });

  it("gives each phase its own transaction, and two works' phases never each other's", async () => {
    const w = await createWorkspace(db());
    const a = phasedTenant(db(), { kind: 'system', workspaceId: w.workspaceId });
    const b = phasedTenant(db(), { kind: 'system', workspaceId: w.workspaceId });
    const txid = async (p: typeof a) => (await p.tx.query<{ id: string }>(currentTransaction)).rows[0]!.id;
    const first = await a.run(() => txid(a));
    const second = await a.run(() => txid(a));
    expect(second).not.toBe(first);
    // Inside a's phase, b has none of its own open: b's statements are refused, not run in a's transaction.
    await a.run(async () => {
      await expect(b.tx.query('select 1')).rejects.toThrow(/no transaction is open/);
    });
  });

  // PGlite runs one transaction at a time: the inner phase would wait for the outer one.
  it.skipIf(kind === 'pglite')("keeps an outer work's transaction reachable inside another work's phase", async () => {
    const w = await createWorkspace(db());
    const outer = phasedTenant(db(), { kind: 'system', workspaceId: w.workspaceId });
    const inner = phasedTenant(db(), { kind: 'system', workspaceId: w.workspaceId });
    const ids = await outer.run(async () => {
      const o = (await outer.tx.query<{ id: string }>(currentTransaction)).rows[0]!.id;
      return inner.run(async () => ({ o, again: (await outer.tx.query<{ id: string }>(currentTransaction)).rows[0]!.id, i: (await inner.tx.query<{ id: string }>(currentTransaction)).rows[0]!.id }));
    });
    expect(ids.again).toBe(ids.o);
    expect(ids.i).not.toBe(ids.o);
  });
});

// On Node 20 an AsyncLocalStorage that has run stays registered for the life of the process and
// is consulted whenever any promise is made: one made per call (once per assistant turn, as
// phased.ts did) made every promise of the process slower with each turn served (the channels
// benchmark's replies took three times as long). Storages are made once, at module level.
it('makes AsyncLocalStorage instances only at module level, never per call', () => {
  const SRC = resolve(import.meta.dirname, '../..');
  const files = (dir: string): string[] =>
    readdirSync(dir).flatMap((f) => {
      const p = join(dir, f);
      return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') && !p.endsWith('.test.ts') ? [p] : [];
    });
  const made = files(SRC).flatMap((file) =>
    readFileSync(file, 'utf8')
      .split('\n')
      .flatMap((line, i) => (line.includes('new AsyncLocalStorage') ? [{ at: `${relative(SRC, file)}:${i + 1}`, topLevel: /^(export )?const \w+ = new AsyncLocalStorage\b/.test(line) }] : [])),
  );
  expect(made.length).toBeGreaterThan(0);
  expect(made.filter((m) => !m.topLevel)).toEqual([]);
});
