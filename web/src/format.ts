// Money and dates as the workspace writes them: its locale, currency and time zone (not the
// browser's), so that everyone on the team reads the same figures and times.
export interface WorkspaceFormat {
  locale: string;
  currency: string;
  timeZone: string;
}

// Currencies that are written without minor units in practice, whatever ISO 4217 says.
const WHOLE_CURRENCIES = new Set(['IDR', 'COP', 'JPY', 'KRW', 'VND', 'CLP']);

export function formatMoney(amount: number | string, f: WorkspaceFormat): string {
  const value = typeof amount === 'string' ? Number(amount) : amount;
  const whole = WHOLE_CURRENCIES.has(f.currency.toUpperCase());
  return new Intl.NumberFormat(f.locale, {
    style: 'currency',
    currency: f.currency,
    ...(whole ? { minimumFractionDigits: 0, maximumFractionDigits: 0 } : {}),
  }).format(value);
}

export function formatDateTime(iso: string | null | undefined, f: WorkspaceFormat): string {
  if (!iso) return '';
  return new Intl.DateTimeFormat(f.locale, { dateStyle: 'medium', timeStyle: 'short', timeZone: f.timeZone }).format(new Date(iso));
}

/** Today's messages show the time only; older ones the date too. */
export function formatWhen(iso: string | null | undefined, f: WorkspaceFormat, now = new Date()): string {
  if (!iso) return '';
  const d = new Date(iso);
  const day = (x: Date) => new Intl.DateTimeFormat('en-CA', { timeZone: f.timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(x);
  if (day(d) === day(now)) return new Intl.DateTimeFormat(f.locale, { timeStyle: 'short', timeZone: f.timeZone }).format(d);
  return new Intl.DateTimeFormat(f.locale, { dateStyle: 'medium', timeZone: f.timeZone }).format(d);
}
