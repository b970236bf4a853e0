// The calendar grid's layout rules: overlapping entries share the width of their cluster, the
// hours shown widen to what falls outside business hours, and a drop lands on what is under it.
import { describe, expect, it } from 'vitest';
import { dropTarget, hoursShown, layoutDay } from '../web/src/pages/calendar-layout.ts';
import { minuteOfDay } from '../web/src/pages/calendar-time.ts';

const span = (name: string, from: number, to: number) => ({ name, from, to });
const lanes = (placed: ReturnType<typeof layoutDay<ReturnType<typeof span>>>) => Object.fromEntries(placed.map((p) => [p.entry.name, [p.lane, p.lanes]]));

describe('the calendar grid', () => {
  it('puts overlapping entries side by side and leaves the rest full width', () => {
    const placed = layoutDay([span('c', 600, 660), span('a', 540, 600), span('b', 570, 630), span('d', 720, 780)]);
    // a and b overlap, b and c overlap: one cluster of two lanes, c reusing a's lane.
    expect(lanes(placed)).toEqual({ a: [0, 2], b: [1, 2], c: [0, 2], d: [0, 1] });
    expect(lanes(layoutDay([span('x', 600, 660), span('y', 600, 660), span('z', 600, 630)]))).toEqual({ x: [0, 3], y: [1, 3], z: [2, 3] });
    expect(layoutDay([])).toEqual([]);
  });

  it('shows business hours at least, and whatever falls outside them', () => {
    expect(hoursShown([])).toEqual({ first: 8, last: 18 });
    expect(hoursShown([span('early', 7 * 60, 8 * 60), span('late', 19 * 60 + 30, 20 * 60 + 15)])).toEqual({ first: 7, last: 21 });
    expect(hoursShown([span('night', 23 * 60, 24 * 60 + 30)])).toEqual({ first: 8, last: 24 });
  });

  it('drops onto the preferred entry under the pointer, else onto the quarter hour', () => {
    const entries = [span('taken', 600, 660), span('free', 600, 660), span('later', 840, 900)];
    const prefer = (e: { name: string }) => (e.name === 'free' ? 0 : 1);
    expect(dropTarget(entries, 630, prefer)).toEqual({ entry: entries[1], minute: 600 });
    expect(dropTarget(entries, 850, prefer)).toEqual({ entry: entries[2], minute: 840 });
    expect(dropTarget(entries, 700, prefer)).toEqual({ entry: null, minute: 690 });
    expect(dropTarget(entries, 1439.9, prefer)).toEqual({ entry: null, minute: 1425 });
  });

  it('counts minutes of the day in the workspace zone, not the browser’s', () => {
    expect(minuteOfDay('2026-03-02T03:00:00Z', 'Asia/Jakarta')).toBe(10 * 60);
    expect(minuteOfDay('2026-03-02T03:00:00Z', 'America/Bogota')).toBe(22 * 60);
  });
});
