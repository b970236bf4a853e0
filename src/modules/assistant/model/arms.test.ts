import { describe, expect, it } from 'vitest';
import { newId } from '../../../platform/ids.ts';
import { assignArm, contactBucket, stickyArm } from './arms.ts';

const contacts = Array.from({ length: 1000 }, () => newId());

describe('the A/B split', () => {
  it('puts a contact in the same bucket every time', () => {
    const id = '0193a0b2-7c1e-7d40-9a51-3f0c2f1d8e77';
    expect(contactBucket(id)).toBe(contactBucket(id));
    expect(contactBucket(id)).toBeGreaterThanOrEqual(0);
    expect(contactBucket(id)).toBeLessThan(1);
  });

  it('splits 1000 contacts 50/50 and 20/80 within a few percent', () => {
    const count = (arms: { name: string; weight: number }[]) => {
      const n: Record<string, number> = {};
      for (const c of contacts) n[assignArm(arms, c).name] = (n[assignArm(arms, c).name] ?? 0) + 1;
      return n;
    };
    const even = count([{ name: 'grok', weight: 50 }, { name: 'sea-lion', weight: 50 }]);
    expect(Math.abs(even.grok! - 500)).toBeLessThan(60);
    expect(even.grok! + even['sea-lion']!).toBe(1000);
    const skewed = count([{ name: 'grok', weight: 1 }, { name: 'rule-engine', weight: 4 }]);
    expect(Math.abs(skewed.grok! - 200)).toBeLessThan(50);
  });

  it('never assigns an arm of weight 0', () => {
    const arms = [{ name: 'old', weight: 0 }, { name: 'new', weight: 3 }];
    expect(contacts.every((c) => assignArm(arms, c).name === 'new')).toBe(true);
  });

  it('keeps a contact on its arm when the weights change, and reassigns only when its arm is gone', () => {
    const before = [{ name: 'grok', weight: 50 }, { name: 'sea-lion', weight: 50 }];
    const after = [{ name: 'grok', weight: 0 }, { name: 'sea-lion', weight: 100 }];
    const assigned = contacts.map((c) => assignArm(before, c).name);
    expect(contacts.every((c, i) => stickyArm(after, assigned[i], c).name === assigned[i])).toBe(true);
    expect(contacts.every((c, i) => stickyArm([{ name: 'sea-lion', weight: 1 }], assigned[i], c).name === 'sea-lion')).toBe(true);
    expect(contacts.map((c) => stickyArm(before, null, c).name)).toEqual(assigned);
  });
});
