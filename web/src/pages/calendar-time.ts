// Dates on the calendar are the workspace's local dates ('YYYY-MM-DD' in its IANA zone), not
// the browser's: a receptionist in another zone still sees the business's day.

const PARTS = new Map<string, Intl.DateTimeFormat>();
function partsOf(t: number, timeZone: string) {
  let f = PARTS.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' });
    PARTS.set(timeZone, f);
  }
  const p = Object.fromEntries(f.formatToParts(new Date(t)).map((x) => [x.type, x.value]));
  return { y: Number(p.year), m: Number(p.month), d: Number(p.day), h: Number(p.hour) % 24, min: Number(p.minute), s: Number(p.second) };
}

const pad = (n: number) => String(n).padStart(2, '0');

/** The local date of an instant in the zone. */
export function localDate(at: Date | string, timeZone: string): string {
  const p = partsOf(new Date(at).getTime(), timeZone);
  return `${p.y}-${pad(p.m)}-${pad(p.d)}`;
}

/** The instant a local wall time of the zone names (the earlier one in a DST overlap). */
export function instantOf(date: string, timeZone: string, time = '00:00'): Date {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const [h, min] = time.split(':').map(Number) as [number, number];
  const wall = Date.UTC(y, m - 1, d, h, min);
  const offset = (t: number) => {
    const p = partsOf(t, timeZone);
    return Date.UTC(p.y, p.m - 1, p.d, p.h, p.min, p.s) - t;
  };
  let t = wall - offset(wall);
  t = wall - offset(t);
  return new Date(t);
}

export function addDays(date: string, days: number): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const t = new Date(Date.UTC(y, m - 1, d + days));
  return `${t.getUTCFullYear()}-${pad(t.getUTCMonth() + 1)}-${pad(t.getUTCDate())}`;
}

/** The Monday of the week a date is in. */
export function mondayOf(date: string): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const dow = new Date(Date.UTC(y, m - 1, d)).getUTCDay();
  return addDays(date, -((dow + 6) % 7));
}

/** 0 = Sunday ... 6 = Saturday, as consultant_slots.day_of_week counts. */
export function dayOfWeek(date: string): number {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d)).getUTCDay();
}

/** Minutes since the local midnight of the zone (0 to 1439). */
export function minuteOfDay(at: Date | string, timeZone: string): number {
  const p = partsOf(new Date(at).getTime(), timeZone);
  return p.h * 60 + p.min;
}

/** 'HH:MM' of a minute of the day. */
export const clockOf = (minute: number) => `${pad(Math.floor(minute / 60))}:${pad(minute % 60)}`;
