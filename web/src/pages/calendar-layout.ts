// Where things go on the calendar's hourly grid: side by side where they overlap (the way
// Google's and Cal.com's calendars lay out a busy hour), in minutes of the local day.

export interface Span {
  /** Minutes since local midnight. */
  from: number;
  to: number;
}

export interface Placed<T> {
  entry: T;
  /** Which column of its cluster (0-based) and how many columns that cluster has. */
  lane: number;
  lanes: number;
}

/**
 * Lays out one day's entries: overlapping entries form a cluster and share its width, each
 * in the first lane free at its start. Entries sharing no time keep the full width.
 */
export function layoutDay<T extends Span>(entries: readonly T[]): Placed<T>[] {
  const sorted = [...entries].sort((a, b) => a.from - b.from || b.to - a.to);
  const out: Placed<T>[] = [];
  let cluster: Placed<T>[] = [];
  let laneEnds: number[] = [];
  let clusterEnd = -Infinity;
  const flush = () => {
    for (const p of cluster) p.lanes = laneEnds.length;
    out.push(...cluster);
    cluster = [];
    laneEnds = [];
  };
  for (const entry of sorted) {
    if (cluster.length && entry.from >= clusterEnd) flush();
    const end = Math.max(entry.to, entry.from + 1);
    let lane = laneEnds.findIndex((e) => e <= entry.from);
    if (lane === -1) lane = laneEnds.push(0) - 1;
    laneEnds[lane] = end;
    clusterEnd = cluster.length ? Math.max(clusterEnd, end) : end;
    cluster.push({ entry, lane, lanes: 0 });
  }
  flush();
  return out;
}

/** The hours the grid shows: business hours at least, widened to whatever falls outside them. */
export function hoursShown(spans: readonly Span[], open = 8, close = 18): { first: number; last: number } {
  let first = open;
  let last = close;
  for (const s of spans) {
    first = Math.min(first, Math.floor(s.from / 60));
    last = Math.max(last, Math.ceil(Math.min(s.to, 24 * 60) / 60));
  }
  return { first: Math.max(0, first), last: Math.min(24, last) };
}

/** What a point dropped at `minute` lands on: the entry under it, else the quarter hour it is in. */
export function dropTarget<T extends Span>(entries: readonly T[], minute: number, prefer: (e: T) => number): { entry: T | null; minute: number } {
  const under = entries.filter((e) => e.from <= minute && minute < Math.max(e.to, e.from + 1)).sort((a, b) => prefer(a) - prefer(b));
  if (under[0]) return { entry: under[0], minute: under[0].from };
  return { entry: null, minute: Math.max(0, Math.min(24 * 60 - 15, Math.floor(minute / 15) * 15)) };
}
