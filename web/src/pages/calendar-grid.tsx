// The calendar's hourly grid: one column a day, consultations and bookings placed at their
// local time and length, free slots between them; an item dragged onto another time is
// rescheduled there through the API (which still decides, and says why when it refuses).
import { useQuery } from '@tanstack/react-query';
import { useState, type CSSProperties, type DragEvent } from 'react';
import { api, ok, type Schemas } from '../api/client';
import { formatMoney } from '../format';
import { useSession } from '../session';
import { hoursShown, dropTarget, layoutDay, type Span } from './calendar-layout';
import { clockOf, instantOf, localDate, minuteOfDay } from './calendar-time';
import { useCalendarT } from './calendar.i18n';

type Appointment = Schemas['Appointment'];
type Booking = Schemas['Booking'];
type Slot = Schemas['Slot'];

/** One thing on the calendar: a consultation (ari_appointments) or a service booking. */
export type Item =
  | { kind: 'appointment'; id: string; start: string; minutes: number; consultantId: string | null; status: string; row: Appointment }
  | { kind: 'booking'; id: string; start: string; minutes: number; consultantId: string | null; status: string; row: Booking };

export const itemKey = (i: Item) => `${i.kind}-${i.id}`;

/** Where an item was dropped: a local start and, when it landed on a slot or an item, that one's consultant. */
export interface MoveTarget {
  start: string;
  consultantId: string | null | undefined;
}

const HOUR_PX = 48;
const MIN_PX = HOUR_PX / 60;
// Statuses that hold no seat: drawn faded, and never a drop target.
const RELEASED = new Set(['cancelled', 'no_show', 'no-show']);
const DRAG_TYPE = 'application/x-frontdesk-calendar-item';

export const timeOf = (iso: string, f: { locale: string; timeZone: string }) => new Intl.DateTimeFormat(f.locale, { timeStyle: 'short', timeZone: f.timeZone }).format(new Date(iso));

type T = ReturnType<typeof useCalendarT>;

function paymentState(item: Item, payment: Schemas['Payment'] | undefined, format: Parameters<typeof formatMoney>[1], t: T) {
  if (item.kind === 'booking') {
    const b = item.row;
    if (!b.payment_status && !b.payment_amount) return null;
    const state = b.payment_status ?? 'pending';
    const amount = b.payment_amount ? formatMoney(b.payment_amount, { ...format, currency: b.payment_currency ?? format.currency }) : '';
    return { state, label: t(`pay.${state}` as never, { amount }) };
  }
  if (!item.row.payment_id) return null;
  if (!payment) return { state: 'pending', label: t('pay.loading') };
  const state = payment.status === 'success' ? 'paid' : ['failure', 'expired', 'cancelled', 'deny'].includes(payment.status) ? 'failed' : payment.status === 'refunded' ? 'refunded' : 'pending';
  return { state, label: t(`pay.${state}` as never, { amount: formatMoney(payment.amount, { ...format, currency: payment.currency }) }) };
}

/** Who an item is for, what it is and its payment, as the grid and the item's panel show them. */
export function useItemView(item: Item) {
  const t = useCalendarT();
  const { format } = useSession();
  const contactId = item.kind === 'appointment' ? item.row.contact_id : '';
  const contact = useQuery({
    queryKey: ['contact', contactId],
    queryFn: () => ok(api.GET('/api/v1/contacts/{id}', { params: { path: { id: contactId } } })),
    enabled: item.kind === 'appointment',
    staleTime: 60_000,
  });
  const paymentId = item.kind === 'appointment' ? item.row.payment_id : null;
  const payment = useQuery({
    queryKey: ['calendar', 'payment', paymentId],
    queryFn: () => ok(api.GET('/api/v1/payments/{id}', { params: { path: { id: paymentId! } } })),
    enabled: paymentId !== null,
  });
  const name = item.kind === 'booking' ? item.row.customer_name : (contact.data?.name ?? contact.data?.phone ?? '…');
  const what = item.kind === 'booking' ? (item.row.title ?? item.row.service_type) : t('consultation');
  return { name, what, pay: paymentState(item, payment.data, format, t) };
}

type Entry = Span & ({ type: 'item'; item: Item } | { type: 'slot'; slot: Slot });

export function CalendarGrid({
  days,
  items,
  slots,
  selected,
  canBook,
  dayTitle,
  memberName,
  onSelect,
  onBook,
  onMove,
}: {
  days: string[];
  items: Item[];
  slots: Slot[];
  selected: string | null;
  canBook: boolean;
  dayTitle: (d: string) => string;
  memberName: (id: string | null) => string;
  onSelect: (item: Item) => void;
  onBook: (slot: Slot) => void;
  onMove: (item: Item, to: MoveTarget) => void;
}) {
  const t = useCalendarT();
  const { format } = useSession();
  const tz = format.timeZone;
  const [dragging, setDragging] = useState<Item | null>(null);
  const [over, setOver] = useState<{ day: string; minute: number } | null>(null);

  const byDay = new Map<string, Entry[]>(days.map((d) => [d, []]));
  for (const item of items) {
    const from = minuteOfDay(item.start, tz);
    byDay.get(localDate(item.start, tz))?.push({ type: 'item', item, from, to: Math.min(24 * 60, from + item.minutes) });
  }
  for (const slot of slots) {
    const from = minuteOfDay(slot.start, tz);
    const to = localDate(slot.end, tz) === localDate(slot.start, tz) ? minuteOfDay(slot.end, tz) : 24 * 60;
    byDay.get(localDate(slot.start, tz))?.push({ type: 'slot', slot, from, to });
  }
  const { first, last } = hoursShown([...byDay.values()].flat());
  const hours = Array.from({ length: last - first }, (_, i) => first + i);
  const height = (last - first) * HOUR_PX;

  const minuteAt = (e: DragEvent<HTMLElement>) => {
    const rect = e.currentTarget.getBoundingClientRect();
    return first * 60 + (e.clientY - rect.top) / MIN_PX;
  };
  // A free slot wins over a booked item under the pointer, and the dragged item's own consultant over others.
  const targetIn = (day: string, minute: number, moving: Item) =>
    dropTarget(
      (byDay.get(day) ?? []).filter((e) => (e.type === 'slot' ? true : e.item !== moving && !RELEASED.has(e.item.status))),
      minute,
      (e) => (e.type === 'slot' ? 0 : 2) + ((e.type === 'slot' ? e.slot.consultant_id : e.item.consultantId) === moving.consultantId ? 0 : 1),
    );

  const drop = (day: string, e: DragEvent<HTMLElement>) => {
    e.preventDefault();
    setOver(null);
    const moving = dragging;
    setDragging(null);
    if (!moving) return;
    const { entry, minute } = targetIn(day, minuteAt(e), moving);
    const start = entry?.type === 'slot' ? entry.slot.start : entry?.type === 'item' ? entry.item.start : instantOf(day, tz, clockOf(minute)).toISOString();
    const consultantId = entry?.type === 'slot' ? entry.slot.consultant_id : entry?.type === 'item' ? entry.item.consultantId : undefined;
    if (new Date(start).getTime() === new Date(moving.start).getTime() && (consultantId === undefined || consultantId === moving.consultantId)) return;
    onMove(moving, { start, consultantId });
  };

  const place = (from: number, to: number, lane: number, lanes: number): CSSProperties => ({
    top: (from - first * 60) * MIN_PX,
    height: Math.max((to - from) * MIN_PX, 22),
    left: `calc(${(100 * lane) / lanes}% + 2px)`,
    width: `calc(${100 / lanes}% - 4px)`,
  });

  return (
    <div className="cal-grid-wrap">
      <div className="cal-grid" style={{ '--days': days.length } as CSSProperties}>
        <div className="cal-hours" aria-hidden="true">
          <div className="cal-grid-title" />
          <div className="cal-hours-body" style={{ height }}>
            {hours.map((h) => (
              <span key={h} style={{ top: (h - first) * HOUR_PX }}>
                {clockOf(h * 60)}
              </span>
            ))}
          </div>
        </div>
        {days.map((d) => {
          const placed = layoutDay(byDay.get(d) ?? []);
          const free = placed.filter((p) => p.entry.type === 'slot').length;
          const booked = placed.length - free;
          const headingId = `day-${d}`;
          return (
            <section key={d} className="cal-column" aria-labelledby={headingId} data-date={d}>
              <h2 id={headingId} className="cal-grid-title cal-day-title">
                {dayTitle(d)}
                <span className="sr-only">
                  {' '}
                  · {t('bookedCount', { count: booked })} · {t('free', { count: free })}
                </span>
              </h2>
              <div
                className={`cal-day-body${over?.day === d ? ' drop-over' : ''}`}
                style={{ height, backgroundSize: `100% ${HOUR_PX}px` }}
                onDragOver={(e) => {
                  if (!dragging) return;
                  e.preventDefault();
                  e.dataTransfer.dropEffect = 'move';
                  const minute = targetIn(d, minuteAt(e), dragging).minute;
                  if (over?.day !== d || over.minute !== minute) setOver({ day: d, minute });
                }}
                onDragLeave={(e) => {
                  if (!e.currentTarget.contains(e.relatedTarget as Node | null)) setOver(null);
                }}
                onDrop={(e) => drop(d, e)}
              >
                {over?.day === d && dragging ? (
                  <div className="cal-drop-line" style={{ top: (over.minute - first * 60) * MIN_PX }} aria-hidden="true">
                    {clockOf(over.minute)}
                  </div>
                ) : null}
                {placed.map(({ entry, lane, lanes }) =>
                  entry.type === 'slot' ? (
                    canBook ? (
                      <button
                        key={`slot-${entry.slot.start}-${entry.slot.consultant_id ?? 'pool'}`}
                        type="button"
                        className="cal-slot"
                        style={place(entry.from, entry.to, lane, lanes)}
                        onClick={() => onBook(entry.slot)}
                        data-start={entry.slot.start}
                      >
                        <span className="sr-only">{t('bookAt')} </span>
                        {timeOf(entry.slot.start, format)}
                        <span className="sr-only"> · {memberName(entry.slot.consultant_id)}</span>
                        {entry.slot.seats_left > 1 ? <span className="small"> · {t('seats', { count: entry.slot.seats_left })}</span> : null}
                      </button>
                    ) : (
                      <span key={`slot-${entry.slot.start}-${entry.slot.consultant_id ?? 'pool'}`} className="cal-slot" style={place(entry.from, entry.to, lane, lanes)}>
                        {timeOf(entry.slot.start, format)}
                      </span>
                    )
                  ) : (
                    <Block
                      key={itemKey(entry.item)}
                      item={entry.item}
                      style={place(entry.from, entry.to, lane, lanes)}
                      selected={selected === itemKey(entry.item)}
                      draggable={canBook && !RELEASED.has(entry.item.status) && entry.item.status !== 'completed'}
                      memberName={memberName}
                      onSelect={() => onSelect(entry.item)}
                      onDragStart={() => setDragging(entry.item)}
                      onDragEnd={() => {
                        setDragging(null);
                        setOver(null);
                      }}
                    />
                  ),
                )}
              </div>
            </section>
          );
        })}
      </div>
    </div>
  );
}

function Block({
  item,
  style,
  selected,
  draggable,
  memberName,
  onSelect,
  onDragStart,
  onDragEnd,
}: {
  item: Item;
  style: CSSProperties;
  selected: boolean;
  draggable: boolean;
  memberName: (id: string | null) => string;
  onSelect: () => void;
  onDragStart: () => void;
  onDragEnd: () => void;
}) {
  const t = useCalendarT();
  const { format } = useSession();
  const { name, what, pay } = useItemView(item);
  return (
    <div
      className={`cal-block ${item.kind} status-${item.status}${selected ? ' selected' : ''}`}
      style={style}
      draggable={draggable}
      data-id={item.id}
      onDragStart={(e) => {
        e.dataTransfer.setData(DRAG_TYPE, item.id);
        e.dataTransfer.effectAllowed = 'move';
        onDragStart();
      }}
      onDragEnd={onDragEnd}
    >
      <button type="button" aria-expanded={selected} onClick={onSelect} title={`${timeOf(item.start, format)} ${name} · ${what} · ${memberName(item.consultantId)}`}>
        <span className="cal-time">{timeOf(item.start, format)}</span> <strong>{name}</strong>
        <span className="sr-only">
          {' '}
          · {what} · {memberName(item.consultantId)} · {t(`status.${item.status.replace('-', '_')}` as never)}
        </span>
        {pay ? <span className={`badge pay-${pay.state}`}>{pay.label}</span> : null}
      </button>
    </div>
  );
}
