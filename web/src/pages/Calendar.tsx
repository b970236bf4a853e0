import { useMutation, useQueries, useQuery, useQueryClient } from '@tanstack/react-query';
import { useId, useMemo, useState, type FormEvent } from 'react';
import { api, ok, type Schemas } from '../api/client';
import { ErrorNote, Field, Loading } from '../components';
import { atLeast, useSession } from '../session';
import { CalendarGrid, itemKey, timeOf, useItemView, type Item, type MoveTarget } from './calendar-grid';
import { addDays, instantOf, localDate, mondayOf } from './calendar-time';
import { useCalendarT } from './calendar.i18n';
import './calendar.css';

type Appointment = Schemas['Appointment'];
type Booking = Schemas['Booking'];
type Slot = Schemas['Slot'];
type Member = Schemas['Member'];
/** '' every consultant, 'pool' the workspace-wide pool (consultant_id null), else a member's id. */
type Who = string;

// Where each status may go, as the API allows it (APPOINTMENT_MOVES, BOOKING_MOVES); the API still decides.
const APPOINTMENT_MOVES: Record<string, readonly Appointment['status'][]> = {
  scheduled: ['confirmed', 'no_show', 'cancelled'],
  confirmed: ['completed', 'no_show', 'cancelled'],
};
type BookingStatus = Schemas['BookingStatusChange']['status'];
const BOOKING_MOVES: Record<string, readonly BookingStatus[]> = {
  pending: ['scheduled', 'confirmed', 'cancelled'],
  pending_payment: ['confirmed', 'cancelled'],
  scheduled: ['confirmed', 'no-show', 'cancelled'],
  confirmed: ['completed', 'no-show', 'cancelled'],
};

/** Day and week views of consultations and bookings, with the availability they are booked into. */
export function CalendarPage() {
  const t = useCalendarT();
  const { format, role, workspaceId } = useSession();
  const tz = format.timeZone;
  const [view, setView] = useState<'day' | 'week'>(() => (window.matchMedia?.('(max-width: 640px)').matches ? 'day' : 'week'));
  const [anchor, setAnchor] = useState(() => localDate(new Date(), tz));
  const [who, setWho] = useState<Who>('');
  const [booking, setBooking] = useState<Slot | null | undefined>(undefined);
  const [selected, setSelected] = useState<string | null>(null);
  const refresh = useRefreshCalendar();
  // A drag on the grid: the API moves the item or says why not; the grid shows the truth either way.
  const move = useMutation({
    mutationFn: ({ item, to }: { item: Item; to: MoveTarget }): Promise<unknown> => {
      const body = { start: to.start, ...(to.consultantId ? { consultant_id: to.consultantId } : {}) };
      return item.kind === 'appointment'
        ? ok(api.POST('/api/v1/appointments/{id}/reschedule', { params: { path: { id: item.id } }, body }))
        : ok(api.POST('/api/v1/bookings/{id}/reschedule', { params: { path: { id: item.id } }, body }));
    },
    onSettled: refresh,
  });

  const first = view === 'week' ? mondayOf(anchor) : anchor;
  const days = view === 'week' ? Array.from({ length: 7 }, (_, i) => addDays(first, i)) : [anchor];
  const last = days[days.length - 1]!;
  const from = instantOf(first, tz).toISOString();
  const to = instantOf(addDays(last, 1), tz).toISOString();
  const consultant = who && who !== 'pool' ? who : undefined;
  const range = [workspaceId, from, to, consultant ?? ''];

  const members = useQuery({ queryKey: ['members', workspaceId], queryFn: () => ok(api.GET('/api/v1/members')) });
  const appointments = useQuery({
    queryKey: ['calendar', 'appointments', ...range],
    queryFn: () => ok(api.GET('/api/v1/appointments', { params: { query: { from, to, limit: 200, ...(consultant ? { consultant_id: consultant } : {}) } } })),
  });
  const bookings = useQuery({
    queryKey: ['calendar', 'bookings', ...range],
    queryFn: () => ok(api.GET('/api/v1/bookings', { params: { query: { from, to, limit: 200, ...(consultant ? { consultant_id: consultant } : {}) } } })),
  });
  const availability = useQuery({
    queryKey: ['calendar', 'availability', workspaceId, first, last, consultant ?? ''],
    queryFn: () => ok(api.GET('/api/v1/availability', { params: { query: { from: first, to: last, ...(consultant ? { consultant_id: consultant } : {}) } } })),
  });

  const items = useMemo(() => {
    const list: Item[] = [
      ...(appointments.data?.data ?? []).map(
        (a): Item => ({ kind: 'appointment', id: a.id, start: a.scheduled_at, minutes: a.duration_minutes, consultantId: a.consultant_id, status: a.status, row: a }),
      ),
      ...(bookings.data?.data ?? [])
        .filter((b) => b.scheduled_at)
        .map((b): Item => ({ kind: 'booking', id: b.id, start: b.scheduled_at!, minutes: b.duration_minutes ?? 60, consultantId: b.consultant_id, status: b.status ?? 'pending', row: b })),
    ];
    return list.filter((i) => who !== 'pool' || i.consultantId === null).sort((a, b) => a.start.localeCompare(b.start));
  }, [appointments.data, bookings.data, who]);
  const slots = (availability.data?.data ?? []).filter((s) => who !== 'pool' || s.consultant_id === null);

  const memberName = (id: string | null) => {
    if (!id) return t('pool');
    const m = members.data?.data.find((x) => x.user_id === id);
    return m?.name ?? m?.email ?? t('consultant');
  };
  const dayTitle = (d: string) =>
    new Intl.DateTimeFormat(format.locale, { weekday: 'long', day: 'numeric', month: 'short', timeZone: 'UTC' }).format(new Date(`${d}T12:00:00Z`));
  const shortDayTitle = (d: string) =>
    new Intl.DateTimeFormat(format.locale, { weekday: 'short', day: 'numeric', timeZone: 'UTC' }).format(new Date(`${d}T12:00:00Z`));
  const selectedItem = items.find((i) => itemKey(i) === selected) ?? null;
  const step = view === 'week' ? 7 : 1;
  const canBook = atLeast(role, 'member');
  const loading = appointments.isPending || bookings.isPending;

  return (
    <main id="main" className="page calendar-page">
      <div className="cal-head">
        <h1>{t('title')}</h1>
        <p className="muted small">{t('zone', { zone: tz })}</p>
      </div>
      <div className="cal-toolbar" role="group" aria-label={t('toolbar')}>
        <div className="cal-views" role="group" aria-label={t('view')}>
          <button type="button" aria-pressed={view === 'day'} onClick={() => setView('day')}>
            {t('day')}
          </button>
          <button type="button" aria-pressed={view === 'week'} onClick={() => setView('week')}>
            {t('week')}
          </button>
        </div>
        <button type="button" onClick={() => setAnchor(addDays(anchor, -step))} aria-label={view === 'week' ? t('prevWeek') : t('prevDay')}>
          ‹
        </button>
        <button type="button" onClick={() => setAnchor(localDate(new Date(), tz))}>
          {t('today')}
        </button>
        <button type="button" onClick={() => setAnchor(addDays(anchor, step))} aria-label={view === 'week' ? t('nextWeek') : t('nextDay')}>
          ›
        </button>
        <label className="cal-inline">
          <span>{t('date')}</span>
          <input type="date" value={anchor} onChange={(e) => e.target.value && setAnchor(e.target.value)} />
        </label>
        <label className="cal-inline">
          <span>{t('who')}</span>
          <select value={who} onChange={(e) => setWho(e.target.value)}>
            <option value="">{t('everyone')}</option>
            <option value="pool">{t('pool')}</option>
            {members.data?.data.map((m) => (
              <option key={m.user_id} value={m.user_id}>
                {m.name ?? m.email}
              </option>
            ))}
          </select>
        </label>
        {canBook ? (
          <button type="button" className="primary" onClick={() => setBooking(null)}>
            {t('new')}
          </button>
        ) : null}
      </div>

      {booking !== undefined ? (
        <NewBooking slot={booking} days={days} consultant={consultant} onDone={() => setBooking(undefined)} memberName={memberName} />
      ) : null}

      <ErrorNote error={appointments.error ?? bookings.error ?? availability.error} />
      {loading ? <Loading /> : null}
      {move.error ? (
        <div className="cal-move-error">
          <ErrorNote error={move.error} />
          <button type="button" onClick={() => move.reset()}>
            {t('dismiss')}
          </button>
        </div>
      ) : null}
      {move.isPending ? (
        <p role="status" className="muted small">
          {t('moving')}
        </p>
      ) : null}
      <div className={`cal-layout${selectedItem ? ' with-panel' : ''}`}>
        <CalendarGrid
          days={days}
          items={items}
          slots={slots}
          selected={selected}
          canBook={canBook}
          dayTitle={view === 'week' ? shortDayTitle : dayTitle}
          memberName={memberName}
          onSelect={(i) => setSelected((s) => (s === itemKey(i) ? null : itemKey(i)))}
          onBook={(s) => setBooking(s)}
          onMove={(item, to) => move.mutate({ item, to })}
        />
        {selectedItem ? (
          <aside className="card cal-panel" aria-label={t('details')}>
            <ul className="plain">
              <CalendarItem key={selected} item={selectedItem} memberName={memberName} canChange={canBook} />
            </ul>
            <button type="button" onClick={() => setSelected(null)}>
              {t('close')}
            </button>
          </aside>
        ) : null}
      </div>
      {!loading && items.length === 0 ? <p className="muted">{t('nothing')}</p> : null}
      {atLeast(role, 'admin') ? <AvailabilityEditor members={members.data?.data ?? []} memberName={memberName} /> : null}
    </main>
  );
}

function useRefreshCalendar() {
  const qc = useQueryClient();
  return () => qc.invalidateQueries({ queryKey: ['calendar'] });
}

function CalendarItem({ item, memberName, canChange }: { item: Item; memberName: (id: string | null) => string; canChange: boolean }) {
  const t = useCalendarT();
  const { format } = useSession();
  const refresh = useRefreshCalendar();
  const [moving, setMoving] = useState(false);
  const { name, what, pay } = useItemView(item);
  const status = useMutation({
    mutationFn: (next: string): Promise<unknown> =>
      item.kind === 'appointment'
        ? ok(api.POST('/api/v1/appointments/{id}/status', { params: { path: { id: item.id } }, body: { status: next as Appointment['status'] } }))
        : ok(api.POST('/api/v1/bookings/{id}/status', { params: { path: { id: item.id } }, body: { status: next as BookingStatus } })),
    onSettled: refresh,
  });
  const next = (item.kind === 'appointment' ? APPOINTMENT_MOVES : BOOKING_MOVES)[item.status] ?? [];
  const final = next.length === 0;
  const titleId = useId();
  return (
    <li className={`cal-item ${item.kind} status-${item.status}`} aria-labelledby={titleId}>
      <div className="cal-item-head">
        <span className="cal-time">{timeOf(item.start, format)}</span>
        <strong id={titleId}>{name}</strong>
      </div>
      <div className="small">
        {what} · {memberName(item.consultantId)} · {t('minutes', { count: item.minutes })}
      </div>
      <div className="cal-badges small">
        <span className={`badge status-${item.status}`}>{t(`status.${item.status.replace('-', '_')}` as never)}</span>
        {pay ? <span className={`badge pay-${pay.state}`}>{pay.label}</span> : null}
      </div>
      {canChange && !final ? (
        <div className="cal-actions" role="group" aria-label={t('actionsFor', { name })}>
          <button type="button" onClick={() => setMoving((m) => !m)} aria-expanded={moving}>
            {t('reschedule')}
          </button>
          {next.map((s) => (
            <button key={s} type="button" className={s === 'cancelled' ? 'danger' : undefined} disabled={status.isPending} onClick={() => status.mutate(s)}>
              {t(`do.${s.replace('-', '_')}` as never)}
            </button>
          ))}
        </div>
      ) : null}
      <ErrorNote error={status.error} />
      {moving ? <Reschedule item={item} onDone={() => setMoving(false)} memberName={memberName} /> : null}
    </li>
  );
}

/** The open slots of one local date, for booking or moving into. */
function useSlotsOn(date: string, consultant: string | undefined) {
  const { workspaceId } = useSession();
  return useQuery({
    queryKey: ['calendar', 'availability', workspaceId, date, date, consultant ?? ''],
    queryFn: () => ok(api.GET('/api/v1/availability', { params: { query: { from: date, to: date, ...(consultant ? { consultant_id: consultant } : {}) } } })),
    enabled: /^\d{4}-\d{2}-\d{2}$/.test(date),
  });
}

function SlotPicker({ date, setDate, consultant, value, onChange, memberName }: { date: string; setDate: (d: string) => void; consultant: string | undefined; value: string; onChange: (v: string) => void; memberName: (id: string | null) => string }) {
  const t = useCalendarT();
  const { format } = useSession();
  const id = useId();
  const slots = useSlotsOn(date, consultant);
  return (
    <div className="row">
      <Field label={t('date')} id={`${id}-date`}>
        <input id={`${id}-date`} type="date" value={date} onChange={(e) => setDate(e.target.value)} required />
      </Field>
      <Field label={t('slot')} id={`${id}-slot`}>
        <select id={`${id}-slot`} value={value} onChange={(e) => onChange(e.target.value)} required>
          <option value="">{slots.isPending ? t('loadingSlots') : slots.data?.data.length ? t('pickSlot') : t('noSlots')}</option>
          {slots.data?.data.map((s) => (
            <option key={`${s.start}|${s.consultant_id ?? ''}`} value={`${s.start}|${s.consultant_id ?? ''}`}>
              {timeOf(s.start, format)} · {memberName(s.consultant_id)}
            </option>
          ))}
        </select>
      </Field>
    </div>
  );
}

const parseSlot = (v: string) => {
  const [start, consultant] = v.split('|') as [string, string];
  return { start, consultant_id: consultant || undefined };
};

function Reschedule({ item, onDone, memberName }: { item: Item; onDone: () => void; memberName: (id: string | null) => string }) {
  const t = useCalendarT();
  const { format } = useSession();
  const refresh = useRefreshCalendar();
  const [date, setDate] = useState(localDate(item.start, format.timeZone));
  const [slot, setSlot] = useState('');
  const move = useMutation({
    mutationFn: (): Promise<unknown> => {
      const body = parseSlot(slot);
      return item.kind === 'appointment'
        ? ok(api.POST('/api/v1/appointments/{id}/reschedule', { params: { path: { id: item.id } }, body }))
        : ok(api.POST('/api/v1/bookings/{id}/reschedule', { params: { path: { id: item.id } }, body }));
    },
    onSuccess: () => {
      void refresh();
      onDone();
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    move.mutate();
  };
  return (
    <form className="cal-form" onSubmit={submit} aria-label={t('rescheduleTitle')}>
      <SlotPicker date={date} setDate={setDate} consultant={undefined} value={slot} onChange={setSlot} memberName={memberName} />
      <ErrorNote error={move.error} />
      <div className="row">
        <button type="submit" className="primary" disabled={!slot || move.isPending}>
          {t('move')}
        </button>
        <button type="button" onClick={onDone}>
          {t('close')}
        </button>
      </div>
    </form>
  );
}

function NewBooking({ slot, days, consultant, onDone, memberName }: { slot: Slot | null; days: string[]; consultant: string | undefined; onDone: () => void; memberName: (id: string | null) => string }) {
  const t = useCalendarT();
  const { format } = useSession();
  const refresh = useRefreshCalendar();
  const id = useId();
  const [kind, setKind] = useState<'booking' | 'appointment'>('booking');
  const [date, setDate] = useState(slot ? localDate(slot.start, format.timeZone) : days[0]!);
  const [slotValue, setSlotValue] = useState(slot ? `${slot.start}|${slot.consultant_id ?? ''}` : '');
  const [name, setName] = useState('');
  const [phone, setPhone] = useState('');
  const [service, setService] = useState('');
  const [q, setQ] = useState('');
  const [contactId, setContactId] = useState('');
  const [notes, setNotes] = useState('');
  const services = useQuery({ queryKey: ['services', 'active'], queryFn: () => ok(api.GET('/api/v1/services', { params: { query: { active: 'true' } } })) });
  const contacts = useQuery({
    queryKey: ['contacts', 'search', q],
    queryFn: () => ok(api.GET('/api/v1/contacts', { params: { query: { q, limit: 10 } } })),
    enabled: kind === 'appointment' && q.trim().length > 1,
  });
  const create = useMutation({
    mutationFn: (): Promise<unknown> => {
      const s = parseSlot(slotValue);
      if (kind === 'appointment') {
        return ok(api.POST('/api/v1/appointments', { body: { contact_id: contactId, ...s, ...(notes ? { notes } : {}) } }));
      }
      const chosen = services.data?.data.find((x) => x.name === service);
      return ok(
        api.POST('/api/v1/bookings', {
          body: {
            customer_name: name,
            customer_phone: phone,
            service_type: service,
            ...s,
            ...(notes ? { notes } : {}),
            ...(chosen ? { duration_minutes: chosen.duration_minutes } : {}),
            status: 'scheduled',
            source: 'manual',
          },
        }),
      );
    },
    onSuccess: () => {
      void refresh();
      onDone();
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate();
  };
  return (
    <form className="card cal-form" onSubmit={submit} aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>{t('newTitle')}</h2>
      <fieldset className="cal-kind">
        <legend>{t('kind')}</legend>
        <label className="check">
          <input type="radio" name={`${id}-kind`} checked={kind === 'booking'} onChange={() => setKind('booking')} /> {t('kind.booking')}
        </label>
        <label className="check">
          <input type="radio" name={`${id}-kind`} checked={kind === 'appointment'} onChange={() => setKind('appointment')} /> {t('kind.appointment')}
        </label>
      </fieldset>
      <SlotPicker date={date} setDate={setDate} consultant={consultant} value={slotValue} onChange={setSlotValue} memberName={memberName} />
      {kind === 'booking' ? (
        <div className="row">
          <Field label={t('customerName')} id={`${id}-name`}>
            <input id={`${id}-name`} value={name} onChange={(e) => setName(e.target.value)} required autoComplete="off" />
          </Field>
          <Field label={t('customerPhone')} id={`${id}-phone`}>
            <input id={`${id}-phone`} type="tel" value={phone} onChange={(e) => setPhone(e.target.value)} required autoComplete="off" />
          </Field>
          <Field label={t('service')} id={`${id}-service`}>
            <input id={`${id}-service`} list={`${id}-services`} value={service} onChange={(e) => setService(e.target.value)} required />
            <datalist id={`${id}-services`}>
              {services.data?.data.map((s) => (
                <option key={s.id} value={s.name} />
              ))}
            </datalist>
          </Field>
        </div>
      ) : (
        <div className="row">
          <Field label={t('findContact')} id={`${id}-q`}>
            <input id={`${id}-q`} type="search" value={q} onChange={(e) => setQ(e.target.value)} placeholder={t('findContactHint')} />
          </Field>
          <Field label={t('contact')} id={`${id}-contact`}>
            <select id={`${id}-contact`} value={contactId} onChange={(e) => setContactId(e.target.value)} required>
              <option value="">{q.trim().length > 1 ? (contacts.data?.data.length ? t('pickContact') : t('noContacts')) : t('typeToFind')}</option>
              {contacts.data?.data.map((c) => (
                <option key={c.id} value={c.id}>
                  {c.name ?? c.phone} {c.name && c.phone ? `(${c.phone})` : ''}
                </option>
              ))}
            </select>
          </Field>
        </div>
      )}
      <Field label={t('notes')} id={`${id}-notes`}>
        <textarea id={`${id}-notes`} rows={2} value={notes} onChange={(e) => setNotes(e.target.value)} />
      </Field>
      <ErrorNote error={create.error} />
      <div className="row">
        <button type="submit" className="primary" disabled={create.isPending || !slotValue}>
          {t('book')}
        </button>
        <button type="button" onClick={onDone}>
          {t('close')}
        </button>
      </div>
    </form>
  );
}

const WEEKDAYS = [1, 2, 3, 4, 5, 6, 0];

/** The weekly patterns (consultant_slots) and closed dates that availability is made from (admins). */
function AvailabilityEditor({ members, memberName }: { members: Member[]; memberName: (id: string | null) => string }) {
  const t = useCalendarT();
  const { format, workspaceId } = useSession();
  const qc = useQueryClient();
  const refresh = () => qc.invalidateQueries({ queryKey: ['calendar'] });
  const patterns = useQuery({ queryKey: ['calendar', 'patterns', workspaceId], queryFn: () => ok(api.GET('/api/v1/consultant-slots', { params: { query: { limit: 200 } } })) });
  const closed = useQuery({
    queryKey: ['calendar', 'closed', workspaceId],
    queryFn: () => ok(api.GET('/api/v1/closed-dates', { params: { query: { limit: 200, from: localDate(new Date(), format.timeZone) } } })),
  });
  const weekday = (d: number) => new Intl.DateTimeFormat(format.locale, { weekday: 'long', timeZone: 'UTC' }).format(new Date(Date.UTC(2024, 0, 7 + d)));
  const sorted = [...(patterns.data?.data ?? [])].sort((a, b) => WEEKDAYS.indexOf(a.day_of_week) - WEEKDAYS.indexOf(b.day_of_week) || a.start_time.localeCompare(b.start_time));
  const remove = useMutation({
    mutationFn: (id: string) => ok(api.DELETE('/api/v1/consultant-slots/{id}', { params: { path: { id } } })),
    onSettled: refresh,
  });
  const reopen = useMutation({
    mutationFn: (id: string) => ok(api.DELETE('/api/v1/closed-dates/{id}', { params: { path: { id } } })),
    onSettled: refresh,
  });
  return (
    <div className="cal-availability">
      <section className="card" aria-labelledby="patterns-title">
        <h2 id="patterns-title">{t('patterns')}</h2>
        <p className="muted small">{t('patternsHelp', { zone: format.timeZone })}</p>
        {patterns.isPending ? <Loading /> : null}
        <ErrorNote error={patterns.error ?? remove.error} />
        <ul className="plain">
          {sorted.map((p) => (
            <PatternRow key={p.id} pattern={p} members={members} weekday={weekday} memberName={memberName} onDelete={() => remove.mutate(p.id)} />
          ))}
        </ul>
        <PatternForm members={members} weekday={weekday} />
      </section>
      <section className="card" aria-labelledby="closed-title">
        <h2 id="closed-title">{t('closed')}</h2>
        <ErrorNote error={closed.error ?? reopen.error} />
        {closed.data?.data.length === 0 ? <p className="muted">{t('noClosed')}</p> : null}
        <ul className="plain">
          {closed.data?.data.map((c) => (
            <li key={c.id} className="line">
              <span>
                <strong>{new Intl.DateTimeFormat(format.locale, { dateStyle: 'full', timeZone: 'UTC' }).format(new Date(`${c.date}T12:00:00Z`))}</strong> · {memberName(c.consultant_id)}
                {c.reason ? ` · ${c.reason}` : ''}
              </span>
              <button type="button" onClick={() => reopen.mutate(c.id)} aria-label={t('reopenDay', { day: c.date })}>
                {t('reopen')}
              </button>
            </li>
          ))}
        </ul>
        <ClosedForm members={members} />
      </section>
    </div>
  );
}

type PatternValues = { consultant_id: string; day_of_week: number; start_time: string; end_time: string; duration_minutes: number; booking_window_days: number; max_bookings_per_slot: number; is_active: boolean };

function PatternFields({ v, set, members, weekday }: { v: PatternValues; set: (v: PatternValues) => void; members: Member[]; weekday: (d: number) => string }) {
  const t = useCalendarT();
  const id = useId();
  return (
    <div className="row pattern-fields">
      <Field label={t('weekday')} id={`${id}-dow`}>
        <select id={`${id}-dow`} value={v.day_of_week} onChange={(e) => set({ ...v, day_of_week: Number(e.target.value) })}>
          {WEEKDAYS.map((d) => (
            <option key={d} value={d}>
              {weekday(d)}
            </option>
          ))}
        </select>
      </Field>
      <Field label={t('from')} id={`${id}-start`}>
        <input id={`${id}-start`} type="time" value={v.start_time} onChange={(e) => set({ ...v, start_time: e.target.value })} required />
      </Field>
      <Field label={t('until')} id={`${id}-end`}>
        <input id={`${id}-end`} type="time" value={v.end_time} onChange={(e) => set({ ...v, end_time: e.target.value })} required />
      </Field>
      <Field label={t('length')} id={`${id}-len`}>
        <input id={`${id}-len`} type="number" min={1} max={1440} value={v.duration_minutes} onChange={(e) => set({ ...v, duration_minutes: Number(e.target.value) })} />
      </Field>
      <Field label={t('seatsLabel')} id={`${id}-seats`}>
        <input id={`${id}-seats`} type="number" min={1} max={1000} value={v.max_bookings_per_slot} onChange={(e) => set({ ...v, max_bookings_per_slot: Number(e.target.value) })} />
      </Field>
      <Field label={t('window')} id={`${id}-window`}>
        <input id={`${id}-window`} type="number" min={1} max={365} value={v.booking_window_days} onChange={(e) => set({ ...v, booking_window_days: Number(e.target.value) })} />
      </Field>
      <Field label={t('who')} id={`${id}-who`}>
        <select id={`${id}-who`} value={v.consultant_id} onChange={(e) => set({ ...v, consultant_id: e.target.value })}>
          <option value="">{t('pool')}</option>
          {members.map((m) => (
            <option key={m.user_id} value={m.user_id}>
              {m.name ?? m.email}
            </option>
          ))}
        </select>
      </Field>
      <label className="check">
        <input type="checkbox" checked={v.is_active} onChange={(e) => set({ ...v, is_active: e.target.checked })} /> {t('active')}
      </label>
    </div>
  );
}

const toBody = (v: PatternValues) => ({ ...v, consultant_id: v.consultant_id || null });
const hhmm = (s: string) => s.slice(0, 5);

function PatternRow({ pattern: p, members, weekday, memberName, onDelete }: { pattern: Schemas['ConsultantSlot']; members: Member[]; weekday: (d: number) => string; memberName: (id: string | null) => string; onDelete: () => void }) {
  const t = useCalendarT();
  const qc = useQueryClient();
  const [editing, setEditing] = useState<PatternValues | null>(null);
  const save = useMutation({
    mutationFn: (v: PatternValues) => ok(api.PATCH('/api/v1/consultant-slots/{id}', { params: { path: { id: p.id } }, body: toBody(v) })),
    onSuccess: () => {
      setEditing(null);
      void qc.invalidateQueries({ queryKey: ['calendar'] });
    },
  });
  const label = `${weekday(p.day_of_week)} ${hhmm(p.start_time)}–${hhmm(p.end_time)}`;
  return (
    <li className="line pattern">
      <span>
        <strong>{label}</strong> · {memberName(p.consultant_id)} · {t('every', { count: p.duration_minutes })} · {t('seats', { count: p.max_bookings_per_slot })}
        {p.is_active ? '' : ` · ${t('inactive')}`}
      </span>
      <span className="row">
        <button
          type="button"
          aria-expanded={editing !== null}
          aria-label={t('editWhat', { what: label })}
          onClick={() =>
            setEditing(
              editing
                ? null
                : { consultant_id: p.consultant_id ?? '', day_of_week: p.day_of_week, start_time: hhmm(p.start_time), end_time: hhmm(p.end_time), duration_minutes: p.duration_minutes, booking_window_days: p.booking_window_days, max_bookings_per_slot: p.max_bookings_per_slot, is_active: p.is_active },
            )
          }
        >
          {t('edit')}
        </button>
        <button type="button" className="danger" onClick={onDelete} aria-label={t('deleteWhat', { what: label })}>
          {t('delete')}
        </button>
      </span>
      {editing ? (
        <form
          className="cal-form"
          onSubmit={(e) => {
            e.preventDefault();
            save.mutate(editing);
          }}
        >
          <PatternFields v={editing} set={setEditing} members={members} weekday={weekday} />
          <ErrorNote error={save.error} />
          <button type="submit" className="primary" disabled={save.isPending}>
            {t('save')}
          </button>
        </form>
      ) : null}
    </li>
  );
}

function PatternForm({ members, weekday }: { members: Member[]; weekday: (d: number) => string }) {
  const t = useCalendarT();
  const qc = useQueryClient();
  const empty: PatternValues = { consultant_id: '', day_of_week: 1, start_time: '09:00', end_time: '17:00', duration_minutes: 60, booking_window_days: 14, max_bookings_per_slot: 1, is_active: true };
  const [v, setV] = useState(empty);
  const add = useMutation({
    mutationFn: () => ok(api.POST('/api/v1/consultant-slots', { body: toBody(v) })),
    onSuccess: () => {
      setV(empty);
      void qc.invalidateQueries({ queryKey: ['calendar'] });
    },
  });
  return (
    <form
      className="cal-form"
      aria-label={t('addPattern')}
      onSubmit={(e) => {
        e.preventDefault();
        add.mutate();
      }}
    >
      <h3>{t('addPattern')}</h3>
      <PatternFields v={v} set={setV} members={members} weekday={weekday} />
      <ErrorNote error={add.error} />
      <button type="submit" className="primary" disabled={add.isPending}>
        {t('add')}
      </button>
    </form>
  );
}

function ClosedForm({ members }: { members: Member[] }) {
  const t = useCalendarT();
  const qc = useQueryClient();
  const id = useId();
  const [date, setDate] = useState('');
  const [who, setWho] = useState('');
  const [reason, setReason] = useState('');
  const add = useMutation({
    mutationFn: () => ok(api.POST('/api/v1/closed-dates', { body: { date, consultant_id: who || null, reason: reason.trim() || null } })),
    onSuccess: () => {
      setDate('');
      setReason('');
      void qc.invalidateQueries({ queryKey: ['calendar'] });
    },
  });
  return (
    <form
      className="cal-form"
      aria-label={t('closeDay')}
      onSubmit={(e) => {
        e.preventDefault();
        add.mutate();
      }}
    >
      <h3>{t('closeDay')}</h3>
      <div className="row">
        <Field label={t('date')} id={`${id}-date`}>
          <input id={`${id}-date`} type="date" value={date} onChange={(e) => setDate(e.target.value)} required />
        </Field>
        <Field label={t('who')} id={`${id}-who`}>
          <select id={`${id}-who`} value={who} onChange={(e) => setWho(e.target.value)}>
            <option value="">{t('everyone')}</option>
            {members.map((m) => (
              <option key={m.user_id} value={m.user_id}>
                {m.name ?? m.email}
              </option>
            ))}
          </select>
        </Field>
        <Field label={t('reason')} id={`${id}-reason`}>
          <input id={`${id}-reason`} value={reason} onChange={(e) => setReason(e.target.value)} />
        </Field>
      </div>
      <ErrorNote error={add.error} />
      <button type="submit" className="primary" disabled={add.isPending}>
        {t('close.day')}
      </button>
    </form>
  );
}

