import fc from 'fast-check';
import { expect, it } from 'vitest';
import { lineDiff } from '../web/src/pages/line-diff.ts';

it('shows the lines removed and added between two prompt versions, keeping the rest', () => {
  const d = lineDiff('You are ARI.\nBe formal.\nAnswer in Indonesian.', 'You are ARI.\nBe warm.\nAnswer in Indonesian.\nKeep it short.');
  expect(d.map((l) => `${l.kind[0]}${l.text}`)).toEqual(['sYou are ARI.', 'rBe formal.', 'aBe warm.', 'sAnswer in Indonesian.', 'aKeep it short.']);
  expect(d[1]).toMatchObject({ oldNo: 2, newNo: null });
  expect(d[2]).toMatchObject({ oldNo: null, newNo: 2 });
  expect(d[4]).toMatchObject({ oldNo: null, newNo: 4 });
});

it('rebuilds both texts from any diff, and finds no change between equal texts', () => {
  const text = fc.array(fc.constantFrom('a', 'b', 'c', 'd', ''), { maxLength: 12 }).map((l) => l.join('\n'));
  fc.assert(
    fc.property(text, text, (x, y) => {
      const d = lineDiff(x, y);
      expect(d.filter((l) => l.kind !== 'added').map((l) => l.text).join('\n')).toBe(x);
      expect(d.filter((l) => l.kind !== 'removed').map((l) => l.text).join('\n')).toBe(y);
      if (x === y) expect(d.every((l) => l.kind === 'same')).toBe(true);
    }),
  );
});
