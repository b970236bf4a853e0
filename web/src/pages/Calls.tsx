// The call log: what the voice agent answered or made (GET /calls), newest first, searchable in
// the transcripts and by outcome; opening a call (/calls/{id}) shows its transcript, summary,
// recording and the booking it made (GET /calls/{id}). Loaded on first use.
import { keepPreviousData, useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { api, ok, type Schemas } from '../api/client';
import type { paths } from '../api/schema';
import { ErrorNote, Loading } from '../components';
import { formatDateTime, formatMoney } from '../format';
import { linkProps } from '../router';
import { useSession } from '../session';
import { useCallsT } from './calls.i18n';
import './calls.css';

type CallSummary = Schemas['CallSummary'];
type Status = NonNullable<NonNullable<paths['/api/v1/calls']['get']['parameters']['query']>['status']>;
const STATUSES: Status[] = ['completed', 'no-answer', 'busy', 'failed', 'in-progress'];
const PAGE = 50;

/** 184 → "3:04". */
export const formatDuration = (seconds: number) => `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;

const whoCalled = (c: Pick<CallSummary, 'contact' | 'customer_name' | 'phone_number'>) => c.contact?.name ?? c.customer_name ?? c.phone_number;

function Outcome({ status, booked }: { status: string | null; booked: boolean }) {
  const t = useCallsT();
  const known = STATUSES.includes(status as Status);
  return (
    <>
      <span className={`badge call-${known ? status : 'unknown'}`}>{t(known ? (`status.${status}` as 'status.completed') : 'status.unknown')}</span>
      {booked ? <span className="badge call-booked">{t('booked')}</span> : null}
    </>
  );
}

export default function CallsPage({ callId }: { callId: string | null }) {
  const t = useCallsT();
  const { workspaceId, format } = useSession();
  const [draft, setDraft] = useState('');
  const [q, setQ] = useState<string | undefined>();
  const [status, setStatus] = useState<Status | undefined>();
  const list = useInfiniteQuery({
    queryKey: ['calls', workspaceId, q, status],
    queryFn: ({ pageParam }) =>
      ok(api.GET('/api/v1/calls', { params: { query: { limit: PAGE, ...(q ? { q } : {}), ...(status ? { status } : {}), ...(pageParam ? { cursor: pageParam } : {}) } } })),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.next_cursor,
    placeholderData: keepPreviousData,
  });
  const calls = list.data?.pages.flatMap((p) => p.data) ?? [];
  const ids = { q: useId(), status: useId() };
  const search = (e: FormEvent) => {
    e.preventDefault();
    setQ(draft.trim() || undefined);
  };

  return (
    <main id="main" className={`page calls-page${callId ? ' has-call' : ''}`}>
      <h1>{t('title')}</h1>
      <p className="muted">{t('intro')}</p>
      <div className="calls-grid">
        <section className="calls-list" aria-label={t('title')}>
          <form className="calls-filters" role="search" onSubmit={search}>
            <label htmlFor={ids.q}>{t('search')}</label>
            <div className="row">
              <input id={ids.q} type="search" value={draft} onChange={(e) => setDraft(e.target.value)} maxLength={200} />
              <button type="submit">{t('searchButton')}</button>
            </div>
            <label htmlFor={ids.status}>{t('status')}</label>
            <select id={ids.status} value={status ?? ''} onChange={(e) => setStatus((e.target.value || undefined) as Status | undefined)}>
              <option value="">{t('any')}</option>
              {STATUSES.map((s) => (
                <option key={s} value={s}>
                  {t(`status.${s}` as 'status.completed')}
                </option>
              ))}
            </select>
          </form>
          {list.isPending ? <Loading /> : null}
          {list.error ? <ErrorNote error={list.error} retry={() => list.refetch()} /> : null}
          {list.isSuccess && calls.length === 0 ? <p className="muted">{q || status ? t('noneFound') : t('none')}</p> : null}
          {calls.length ? (
            <ol className="call-items">
              {calls.map((c) => {
                const when = formatDateTime(c.created_at, format);
                return (
                  <li key={c.id} className={c.id === callId ? 'current' : undefined}>
                    <a {...linkProps(`/calls/${c.id}`)} aria-current={c.id === callId ? 'true' : undefined}>
                      <span className="call-who">{whoCalled(c)}</span>
                      <span className="call-when">{when}</span>
                      <span className="call-facts">
                        <span>{c.call_type === 'outbound' ? t('outbound') : t('inbound')}</span>
                        <span>{formatDuration(c.duration)}</span>
                        <Outcome status={c.status} booked={c.booking_id !== null} />
                      </span>
                      {c.transcript_excerpt ? <span className="call-excerpt muted small">{c.transcript_excerpt}</span> : null}
                    </a>
                  </li>
                );
              })}
            </ol>
          ) : null}
          {list.hasNextPage ? (
            <button type="button" onClick={() => list.fetchNextPage()} disabled={list.isFetchingNextPage}>
              {t('more')}
            </button>
          ) : null}
        </section>
        {callId ? <CallDetail key={callId} id={callId} /> : <p className="muted call-pick">{t('pick')}</p>}
      </div>
    </main>
  );
}

function CallDetail({ id }: { id: string }) {
  const t = useCallsT();
  const { workspaceId, format } = useSession();
  const call = useQuery({ queryKey: ['call', workspaceId, id], queryFn: () => ok(api.GET('/api/v1/calls/{id}', { params: { path: { id } } })) });
  const heading = useRef<HTMLHeadingElement>(null);
  // Opening a call moves the reader to it (a screen reader and a phone, where it sits below).
  useEffect(() => {
    if (call.data) heading.current?.focus();
  }, [call.data]);
  if (call.isPending) return <Loading />;
  if (call.error) return <ErrorNote error={call.error} retry={() => call.refetch()} />;
  const c = call.data;
  const b = c.booking;
  return (
    <section className="call-detail card" aria-labelledby="call-title">
      <a className="small call-back" {...linkProps('/calls')}>
        {t('close')}
      </a>
      <h2 id="call-title" ref={heading} tabIndex={-1}>
        {t('detail', { who: whoCalled(c) })}
      </h2>
      <dl className="facts">
        <dt>{t('time')}</dt>
        <dd>{formatDateTime(c.created_at, format)}</dd>
        <dt>{t('caller')}</dt>
        <dd>
          {c.phone_number}
          {c.contact ? (
            <>
              {' · '}
              <a {...linkProps(`/contacts/${c.contact.id}`)}>{t('contact')}</a>
            </>
          ) : null}
        </dd>
        <dt>{t('direction')}</dt>
        <dd>{c.call_type === 'outbound' ? t('outbound') : t('inbound')}</dd>
        <dt>{t('duration')}</dt>
        <dd>{formatDuration(c.duration)}</dd>
        <dt>{t('status')}</dt>
        <dd>
          <Outcome status={c.status} booked={c.booking_id !== null} />
        </dd>
        {c.sentiment ? (
          <>
            <dt>{t('sentiment')}</dt>
            <dd>{c.sentiment}</dd>
          </>
        ) : null}
        <dt>{t('cost')}</dt>
        {/* The voice provider charges in US dollars, whatever the workspace's currency. */}
        <dd>{formatMoney(c.cost, { ...format, currency: 'USD' })}</dd>
        {c.recording_url ? (
          <>
            <dt>{t('recording')}</dt>
            <dd>
              <a href={c.recording_url} target="_blank" rel="noreferrer">
                {t('openRecording')}
              </a>
            </dd>
          </>
        ) : null}
      </dl>
      {b ? (
        <>
          <h3 className="h3">{t('booking')}</h3>
          <p>
            {b.service_type} · {b.scheduled_at ? formatDateTime(b.scheduled_at, format) : `${b.appointment_date} ${b.appointment_time}`}
            {b.payment_amount && b.payment_currency ? ` · ${formatMoney(b.payment_amount, { ...format, currency: b.payment_currency })}` : ''}
            {b.payment_status ? ` · ${b.payment_status}` : ''}
          </p>
        </>
      ) : null}
      {c.notes ? (
        <>
          <h3 className="h3">{t('summary')}</h3>
          <p className="pre">{c.notes}</p>
        </>
      ) : null}
      <h3 className="h3">{t('transcript')}</h3>
      {c.transcript ? <p className="pre call-transcript">{c.transcript}</p> : <p className="muted">{t('noTranscript')}</p>}
    </section>
  );
}
