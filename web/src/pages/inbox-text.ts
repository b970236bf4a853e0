// The reply box's text work, pure so that it is tested without a browser
// (test/inbox-text.test.ts): the token being typed at the cursor (/shortcut or @name),
// inserting at the cursor, saved replies' variables, and the contact's next appointment.

/** The `/word` or `@word` that ends at the cursor, when one is being typed. */
export interface Trigger {
  kind: '/' | '@';
  /** What follows the sign, lower case. */
  query: string;
  /** Where the sign is. */
  start: number;
  /** The cursor. */
  end: number;
}

/**
 * A trigger starts at the beginning of the text or after a space or a line break, so that
 * "and/or" or an email address does not open the menu; it ends at the cursor.
 */
export function triggerAt(text: string, cursor: number, signs: ('/' | '@')[] = ['/', '@']): Trigger | null {
  const before = text.slice(0, cursor);
  const m = /(^|\s)([/@])([\p{L}\p{N}_-]{0,40})$/u.exec(before);
  if (!m) return null;
  const kind = m[2] as '/' | '@';
  if (!signs.includes(kind)) return null;
  const start = cursor - m[3]!.length - 1;
  return { kind, query: m[3]!.toLowerCase(), start, end: cursor };
}

/** Replaces text[start, end) with `insert`; returns the new text and where the cursor goes. */
export function replaceRange(text: string, start: number, end: number, insert: string): { text: string; cursor: number } {
  return { text: text.slice(0, start) + insert + text.slice(end), cursor: start + insert.length };
}

export type Variables = Record<string, string | null | undefined>;

/**
 * Fills `{{name}}` with its value. A variable the app does not know, or knows no value for,
 * stays as it was written, so the person sees it before sending rather than a hole.
 */
export function fillVariables(body: string, vars: Variables): string {
  return body.replace(/\{\{\s*([a-z_]+(?:\.[a-z_]+)*)\s*\}\}/gi, (whole, name: string) => {
    const value = vars[name.toLowerCase()];
    return value === undefined || value === null || value === '' ? whole : value;
  });
}

export const firstName = (name: string | null | undefined): string | null => {
  const first = (name ?? '').trim().split(/\s+/)[0];
  return first ? first : null;
};

export interface Upcoming {
  scheduled_at: string | null;
  status: string | null;
}

const OVER = new Set(['cancelled', 'canceled', 'completed', 'no_show', 'expired']);

/** The earliest appointment or booking still ahead (not cancelled, completed or missed). */
export function nextUpcoming<T extends Upcoming>(items: T[], now: Date): T | null {
  let best: T | null = null;
  for (const item of items) {
    if (!item.scheduled_at || OVER.has(item.status ?? '')) continue;
    const at = new Date(item.scheduled_at).getTime();
    if (at < now.getTime()) continue;
    if (!best || at < new Date(best.scheduled_at!).getTime()) best = item;
  }
  return best;
}

/** "Tuesday, 9 December 2026 at 10:00" in the workspace's locale and time zone. */
export function formatAppointment(iso: string, locale: string, timeZone: string): string {
  return new Intl.DateTimeFormat(locale, { dateStyle: 'full', timeStyle: 'short', timeZone }).format(new Date(iso));
}

/** Keyboard shortcuts stay out of the way while someone types in a field. */
export function isTypingTarget(target: EventTarget | null): boolean {
  const el = target as { tagName?: string; isContentEditable?: boolean; type?: string } | null;
  if (!el || typeof el.tagName !== 'string') return false;
  const tag = el.tagName.toUpperCase();
  if (tag === 'TEXTAREA' || tag === 'SELECT' || el.isContentEditable) return true;
  if (tag !== 'INPUT') return false;
  return !['button', 'submit', 'checkbox', 'radio', 'reset'].includes((el.type ?? 'text').toLowerCase());
}
