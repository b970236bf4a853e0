import { fold } from './language.ts';

/**
 * Typos in the words that name things ("expres", "premiun", "reguler", "limpiesa"): the
 * optimal string alignment distance, so a swapped pair of letters costs one.
 */
export function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i]![j] = Math.min(d[i]![j]!, d[i - 2]![j - 2]! + 1);
    }
  }
  return d[a.length]![b.length]!;
}

/** Whether a word is the target misspelt: one slip in five letters or more, two in eight or more. */
export function nearlyWord(word: string, target: string): boolean {
  const w = fold(word);
  const t = fold(target);
  if (w === t) return true;
  if (t.length < 5 || w.length < 4 || Math.abs(w.length - t.length) > 2) return false;
  return editDistance(w, t) <= (t.length >= 8 ? 2 : 1);
}
