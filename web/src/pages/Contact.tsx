import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useId, useState, type FormEvent, type ReactNode } from 'react';
import { api, ApiError, ok, type Schemas } from '../api/client';
import { ErrorNote, Loading } from '../components';
import { formatDateTime, formatMoney } from '../format';
import { linkProps, navigate } from '../router';
import { atLeast, useSession } from '../session';
import { useContactsT } from './contacts.i18n';
import { LEAD_STATUSES, TEMPERATURES } from './Contacts';
import './contacts.css';

type Contact = Schemas['Contact'];
type Item = Schemas['TimelineItem'];
type Insight = Schemas['LeadInsight'];
type Patch = Schemas['ContactPatch'];
type T = ReturnType<typeof useContactsT>;

/** One contact: who they are (edit, tags, merge), what the assistant learnt, and the whole timeline. */
export function ContactPage({ contactId }: { contactId: string }) {
  const t = useContactsT();
  const { workspaceId, role } = useSession();
  const contact = useQuery({
    queryKey: ['contact', workspaceId, contactId],
    queryFn: () => ok(api.GET('/api/v1/contacts/{id}', { params: { path: { id: contactId } } })),
  });
  const canWrite = atLeast(role, 'member');
  if (contact.error instanceof ApiError && (contact.error.status === 404 || contact.error.status === 400)) {
    return (
      <main id="main" className="page">
        <p>{t('notFound')}</p>
        <a {...linkProps('/contacts')}>{t('back')}</a>
      </main>
    );
  }
  const c = contact.data;
  return (
    <main id="main" className="page contact-page">
      <a className="back-link" {...linkProps('/contacts')}>
        ← {t('back')}
      </a>
      {contact.error ? <ErrorNote error={contact.error} retry={() => contact.refetch()} /> : null}
      {!c ? (
        <Loading />
      ) : (
        <div className="contact-grid">
          <div className="contact-main">
            <ContactCard contact={c} canWrite={canWrite} />
            <Timeline contactId={c.id} />
          </div>
          <aside className="contact-side">
            <LeadInsight contactId={c.id} />
            {canWrite ? <MergePanel into={c} /> : null}
          </aside>
        </div>
      )}
    </main>
  );
}

const displayName = (c: Pick<Contact, 'name' | 'phone' | 'email'>, t: T) => c.name ?? c.phone ?? c.email ?? t('noName');

function useSave(contactId: string) {
  const qc = useQueryClient();
  const { workspaceId } = useSession();
  return useMutation({
    mutationFn: (patch: Patch) => ok(api.PATCH('/api/v1/contacts/{id}', { params: { path: { id: contactId } }, body: patch })),
    onSuccess: (updated) => {
      qc.setQueryData(['contact', workspaceId, contactId], updated);
      void qc.invalidateQueries({ queryKey: ['contacts', workspaceId] });
    },
  });
}

function ContactCard({ contact: c, canWrite }: { contact: Contact; canWrite: boolean }) {
  const t = useContactsT();
  const { format } = useSession();
  const [editing, setEditing] = useState(false);
  return (
    <section className="card" aria-labelledby="contact-name">
      <div className="contact-head">
        <h1 id="contact-name">{displayName(c, t)}</h1>
        {canWrite && !editing ? (
          <button type="button" onClick={() => setEditing(true)}>
            {t('edit')}
          </button>
        ) : null}
      </div>
      {editing ? (
        <EditForm contact={c} onDone={() => setEditing(false)} />
      ) : (
        <dl className="facts">
          <dt>{t('phone')}</dt>
          <dd>{c.phone ?? '—'}</dd>
          <dt>{t('email')}</dt>
          <dd>{c.email ?? '—'}</dd>
          <dt>{t('status')}</dt>
          <dd>
            {t(`lead.${c.lead_status as 'new'}`)} · {c.lead_score}
            {c.lead_temperature ? <span className={`badge temp-${c.lead_temperature}`}>{t(`temp.${c.lead_temperature as 'hot'}`)}</span> : null}
          </dd>
          <dt>{t('spent')}</dt>
          <dd>{formatMoney(c.total_spent, format)}</dd>
          {c.address ? (
            <>
              <dt>{t('address')}</dt>
              <dd>{c.address}</dd>
            </>
          ) : null}
          {c.notes ? (
            <>
              <dt>{t('notes')}</dt>
              <dd className="pre">{c.notes}</dd>
            </>
          ) : null}
        </dl>
      )}
      <Tags contact={c} canWrite={canWrite} />
    </section>
  );
}

function EditForm({ contact: c, onDone }: { contact: Contact; onDone: () => void }) {
  const t = useContactsT();
  const save = useSave(c.id);
  const [form, setForm] = useState({
    name: c.name ?? '',
    phone: c.phone ?? '',
    email: c.email ?? '',
    lead_status: c.lead_status,
    lead_temperature: c.lead_temperature ?? '',
    address: c.address ?? '',
    notes: c.notes ?? '',
  });
  const id = useId();
  const field = (key: keyof typeof form, label: string, input: ReactNode) => (
    <div className="field">
      <label htmlFor={`${id}-${key}`}>{label}</label>
      {input}
    </div>
  );
  const text = (key: 'name' | 'phone' | 'email' | 'address', type = 'text') => (
    <input id={`${id}-${key}`} type={type} value={form[key]} onChange={(e) => setForm({ ...form, [key]: e.target.value })} />
  );
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const orNull = (v: string) => (v.trim() ? v.trim() : null);
    save.mutate(
      {
        name: orNull(form.name),
        phone: orNull(form.phone),
        email: orNull(form.email),
        lead_status: form.lead_status as Patch['lead_status'],
        lead_temperature: (form.lead_temperature || null) as Patch['lead_temperature'],
        address: orNull(form.address),
        notes: orNull(form.notes),
      },
      { onSuccess: onDone },
    );
  };
  return (
    <form onSubmit={submit} className="edit-form">
      <div className="row">
        {field('name', t('name'), text('name'))}
        {field('phone', t('phone'), text('phone', 'tel'))}
        {field('email', t('email'), text('email', 'email'))}
      </div>
      <div className="row">
        {field(
          'lead_status',
          t('status'),
          <select id={`${id}-lead_status`} value={form.lead_status} onChange={(e) => setForm({ ...form, lead_status: e.target.value })}>
            {LEAD_STATUSES.map((s) => (
              <option key={s} value={s}>
                {t(`lead.${s}`)}
              </option>
            ))}
          </select>,
        )}
        {field(
          'lead_temperature',
          t('temperature'),
          <select id={`${id}-lead_temperature`} value={form.lead_temperature} onChange={(e) => setForm({ ...form, lead_temperature: e.target.value })}>
            <option value="">—</option>
            {TEMPERATURES.map((s) => (
              <option key={s} value={s}>
                {t(`temp.${s}`)}
              </option>
            ))}
          </select>,
        )}
      </div>
      {field('address', t('address'), text('address'))}
      {field('notes', t('notes'), <textarea id={`${id}-notes`} rows={3} value={form.notes} onChange={(e) => setForm({ ...form, notes: e.target.value })} />)}
      {save.error ? <ErrorNote error={new ApiError(0, 'save', t('saveFailed', { message: save.error.message }), save.error instanceof ApiError ? save.error.details : undefined)} /> : null}
      <div className="actions">
        <button type="submit" className="primary" disabled={save.isPending}>
          {save.isPending ? t('saving') : t('save')}
        </button>
        <button type="button" onClick={onDone}>
          {t('cancel')}
        </button>
      </div>
    </form>
  );
}

function Tags({ contact: c, canWrite }: { contact: Contact; canWrite: boolean }) {
  const t = useContactsT();
  const save = useSave(c.id);
  const [draft, setDraft] = useState('');
  const id = useId();
  const add = (e: FormEvent) => {
    e.preventDefault();
    const tag = draft.trim();
    if (!tag) return;
    save.mutate({ tags: [...c.tags, tag] }, { onSuccess: () => setDraft('') });
  };
  return (
    <div className="tags">
      <h2 className="h3">{t('tags')}</h2>
      <ul className="plain tag-list">
        {c.tags.map((g) => (
          <li key={g} className="badge tag">
            {g}
            {canWrite ? (
              <button type="button" className="tag-remove" aria-label={t('removeTag', { tag: g })} onClick={() => save.mutate({ tags: c.tags.filter((x) => x !== g) })}>
                ×
              </button>
            ) : null}
          </li>
        ))}
      </ul>
      {canWrite ? (
        <form className="tag-add" onSubmit={add}>
          <label htmlFor={id} className="sr-only">
            {t('addTag')}
          </label>
          <input id={id} value={draft} maxLength={50} placeholder={t('addTag')} onChange={(e) => setDraft(e.target.value)} />
          <button type="submit" disabled={save.isPending || !draft.trim()}>
            {t('add')}
          </button>
        </form>
      ) : null}
      {save.error ? <ErrorNote error={save.error} /> : null}
    </div>
  );
}

function MergePanel({ into }: { into: Contact }) {
  const t = useContactsT();
  const qc = useQueryClient();
  const { workspaceId } = useSession();
  const [q, setQ] = useState('');
  const [asked, setAsked] = useState('');
  const id = useId();
  const found = useQuery({
    queryKey: ['contacts', workspaceId, { q: asked, merge: true }],
    queryFn: () => ok(api.GET('/api/v1/contacts', { params: { query: { q: asked, limit: 10 } } })),
    enabled: asked.length > 0,
  });
  const merge = useMutation({
    mutationFn: (mergeId: string) => ok(api.POST('/api/v1/contacts/{id}/merge', { params: { path: { id: into.id } }, body: { merge_id: mergeId } })),
    onSuccess: (kept) => {
      qc.setQueryData(['contact', workspaceId, into.id], kept);
      setAsked('');
      setQ('');
      void qc.invalidateQueries({ queryKey: ['contacts', workspaceId] });
      void qc.invalidateQueries({ queryKey: ['timeline', workspaceId, into.id] });
      void qc.invalidateQueries({ queryKey: ['lead', workspaceId, into.id] });
    },
  });
  const others = (found.data?.data ?? []).filter((c) => c.id !== into.id);
  return (
    <section className="card" aria-labelledby="merge-title">
      <h2 id="merge-title">{t('merge')}</h2>
      <p className="muted small">{t('mergeHelp')}</p>
      <form
        className="tag-add"
        role="search"
        onSubmit={(e) => {
          e.preventDefault();
          setAsked(q.trim());
        }}
      >
        <label htmlFor={id} className="sr-only">
          {t('mergeSearch')}
        </label>
        <input id={id} type="search" value={q} placeholder={t('mergeSearch')} onChange={(e) => setQ(e.target.value)} />
        <button type="submit">{t('searchButton')}</button>
      </form>
      {found.error ? <ErrorNote error={found.error} /> : null}
      {asked && found.data && others.length === 0 ? <p className="muted small">{t('none')}</p> : null}
      <ul className="plain">
        {others.map((o) => (
          <li key={o.id} className="line">
            <span>
              {displayName(o, t)} <span className="muted small">{[o.phone, o.email].filter(Boolean).join(' · ')}</span>
            </span>
            <button
              type="button"
              disabled={merge.isPending}
              onClick={() => {
                if (window.confirm(t('confirmMerge', { name: displayName(o, t), into: displayName(into, t) }))) merge.mutate(o.id);
              }}
            >
              {t('mergeInto', { name: displayName(o, t) })}
            </button>
          </li>
        ))}
      </ul>
      {merge.isSuccess ? <p role="status">{t('merged')}</p> : null}
      {merge.error ? <ErrorNote error={merge.error} /> : null}
    </section>
  );
}

const CATEGORIES = ['basic', 'qualification', 'document', 'engagement'] as const;
/** What the assistant collected, as the lead panel shows it (the rest is in the API). */
const CONTEXT_FIELDS = ['name', 'email', 'destination', 'english_level', 'budget', 'timeline', 'program'] as const;

/** Why a person took over, in words in the workspace's language when the summary has them. */
export const handoffReasonText = (insight: Insight): string | null =>
  insight.summary?.handoff_reason ?? insight.handoff?.reason?.replaceAll('_', ' ') ?? null;

/** The lead in one paragraph (who, wants, budget, timeline, documents, language, why the handoff): what a person taking over reads first. */
export function LeadSummary({ insight, t }: { insight: Insight; t: T }) {
  if (!insight.summary) return null;
  return (
    <>
      <h3>{t('summary')}</h3>
      <p className="lead-summary">{insight.summary.text}</p>
    </>
  );
}

export function ScoreBreakdown({ insight, t }: { insight: Insight; t: T }) {
  const b = insight.breakdown;
  if (!b) return null;
  return (
    <>
      <h3>{t('breakdown')}</h3>
      <ul className="plain breakdown">
        {CATEGORIES.map((k) => {
          const part = b[k];
          return (
            <li key={k}>
              <span>{t(`cat.${k}`)}</span>
              <span className="muted small">{t('points', { points: part.points, weight: part.weight })}</span>
              <span className="bar" aria-hidden="true">
                <span style={{ width: `${part.weight ? Math.min(100, (part.points / part.weight) * 100) : 0}%` }} />
              </span>
            </li>
          );
        })}
      </ul>
      {insight.breakdown_source === 'recomputed' ? <p className="muted small">{t('recomputed')}</p> : null}
    </>
  );
}

function LeadInsight({ contactId }: { contactId: string }) {
  const t = useContactsT();
  const { workspaceId, format } = useSession();
  const lead = useQuery({
    queryKey: ['lead', workspaceId, contactId],
    queryFn: () => ok(api.GET('/api/v1/contacts/{id}/lead', { params: { path: { id: contactId } } })),
  });
  const l = lead.data;
  const ctx = (l?.context ?? {}) as Record<string, unknown>;
  const docs = ctx.documents && typeof ctx.documents === 'object' ? Object.entries(ctx.documents as Record<string, unknown>) : [];
  return (
    <section className="card insight" aria-labelledby="insight-title">
      <h2 id="insight-title">{t('insight')}</h2>
      {lead.error ? <ErrorNote error={lead.error} retry={() => lead.refetch()} /> : null}
      {!l ? (
        lead.isPending ? <Loading /> : null
      ) : !l.has_assistant_record ? (
        <p className="muted">{t('noInsight')}</p>
      ) : (
        <>
          <LeadSummary insight={l} t={t} />
          <dl className="facts">
            <dt>{t('state')}</dt>
            <dd>{l.state}</dd>
            <dt>{t('score')}</dt>
            <dd>
              {l.lead_score}
              {l.lead_temperature ? <span className={`badge temp-${l.lead_temperature}`}>{t(`temp.${l.lead_temperature}`)}</span> : null}
            </dd>
            {l.ai_model ? (
              <>
                <dt className="sr-only">{t('model', { model: '' })}</dt>
                <dd className="muted small">{t('model', { model: l.ai_model })}</dd>
              </>
            ) : null}
          </dl>
          <ScoreBreakdown insight={l} t={t} />
          {l.reasons.length ? (
            <>
              <h3>{t('reasons')}</h3>
              <ul className="reasons">
                {l.reasons.map((r) => (
                  <li key={r}>{r}</li>
                ))}
              </ul>
            </>
          ) : null}
          {CONTEXT_FIELDS.some((k) => typeof ctx[k] === 'string') || docs.length ? (
            <>
              <h3>{t('collected')}</h3>
              <dl className="facts">
                {CONTEXT_FIELDS.filter((k) => typeof ctx[k] === 'string').map((k) => (
                  <Fact key={k} label={k.replace('_', ' ')} value={String(ctx[k])} />
                ))}
                {docs.length ? <Fact label={t('documentsReady')} value={docs.map(([d, v]) => `${d.replace('_', ' ')}: ${v ? t('yes') : t('no')}`).join(', ')} /> : null}
              </dl>
            </>
          ) : null}
          {l.temperature_history.length ? (
            <>
              <h3>{t('history')}</h3>
              <ol className="plain history">
                {l.temperature_history.map((h, i) => (
                  <li key={i}>
                    <time dateTime={h.at}>{formatDateTime(h.at, format)}</time> · {h.state} · {h.lead_score}
                    {h.lead_temperature ? <span className={`badge temp-${h.lead_temperature}`}>{t(`temp.${h.lead_temperature as 'hot'}`)}</span> : null}
                  </li>
                ))}
              </ol>
            </>
          ) : null}
          {l.handoff ? (
            <>
              <h3>{t('handoff')}</h3>
              <p className="small">
                {l.handoff.at ? <time dateTime={l.handoff.at}>{formatDateTime(l.handoff.at, format)}</time> : null} {handoffReasonText(l) ? t('handoffReason', { reason: handoffReasonText(l)! }) : null}
              </p>
            </>
          ) : null}
        </>
      )}
    </section>
  );
}

const Fact = ({ label, value }: { label: string; value: string }) => (
  <>
    <dt>{label}</dt>
    <dd>{value}</dd>
  </>
);

function Timeline({ contactId }: { contactId: string }) {
  const t = useContactsT();
  const { workspaceId } = useSession();
  const q = useInfiniteQuery({
    queryKey: ['timeline', workspaceId, contactId],
    queryFn: ({ pageParam }) => ok(api.GET('/api/v1/contacts/{id}/timeline', { params: { path: { id: contactId }, query: { limit: 50, ...(pageParam ? { cursor: pageParam } : {}) } } })),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.next_cursor,
  });
  const items = q.data?.pages.flatMap((p) => p.data) ?? [];
  return (
    <section className="card" aria-labelledby="timeline-title">
      <h2 id="timeline-title">{t('timeline')}</h2>
      {q.error ? <ErrorNote error={q.error} retry={() => q.refetch()} /> : null}
      {q.isPending ? <Loading /> : items.length === 0 ? <p className="muted">{t('timelineEmpty')}</p> : null}
      <ol className="plain timeline" aria-label={t('timeline')}>
        {items.map((i) => (
          <TimelineEntry key={`${i.source_table}-${i.id}`} item={i} />
        ))}
      </ol>
      {q.hasNextPage ? (
        <button type="button" onClick={() => q.fetchNextPage()} disabled={q.isFetchingNextPage}>
          {q.isFetchingNextPage ? t('loadingMore') : t('olderEvents')}
        </button>
      ) : null}
    </section>
  );
}

function TimelineEntry({ item: i }: { item: Item }) {
  const t = useContactsT();
  const { format } = useSession();
  const d = i.details as Record<string, unknown>;
  const str = (k: string) => (typeof d[k] === 'string' ? (d[k] as string) : null);
  const num = (k: string) => (typeof d[k] === 'number' ? (d[k] as number) : null);
  const meta: ReactNode[] = [];
  if (i.channel && i.kind !== 'call') meta.push(i.channel);
  if (i.direction === 'inbound' || i.direction === 'outbound') meta.push(t(i.direction));
  if (i.status) meta.push(i.status);
  if (d.threaded_by === 'phone') meta.push(t('threadedByPhone'));
  let body: ReactNode = i.body ? <p className="body">{i.body}</p> : null;
  if (i.kind === 'call') {
    if (num('duration') !== null) meta.push(t('duration', { s: num('duration')! }));
    if (d.cost) meta.push(formatMoney(String(d.cost), { ...format, currency: 'USD' }));
    if (str('sentiment')) meta.push(str('sentiment')!);
  }
  if (i.kind === 'booking') {
    const when = str('scheduled_at');
    if (when) meta.push(t('scheduledFor', { when: formatDateTime(when, format) }));
    if (str('payment_amount')) meta.push(`${formatMoney(str('payment_amount')!, { ...format, currency: str('payment_currency') ?? format.currency })} ${str('payment_status') ?? ''}`);
  }
  if (i.kind === 'appointment' && str('scheduled_at')) meta.push(t('scheduledFor', { when: formatDateTime(str('scheduled_at'), format) }));
  if (i.kind === 'payment' && num('amount') !== null) {
    body = (
      <p className="body">
        <strong>{formatMoney(num('amount')!, { ...format, currency: str('currency') ?? format.currency })}</strong> {i.body}
      </p>
    );
  }
  return (
    <li className={`event kind-${i.kind}`}>
      <div className="event-head">
        <span className="event-kind">{t(`kind.${i.kind}`)}</span>
        <time dateTime={i.occurred_at}>{formatDateTime(i.occurred_at, format)}</time>
      </div>
      {body}
      <p className="muted small event-meta">
        {meta.map((m, k) => (
          <span key={k}>{m}</span>
        ))}
        {i.kind === 'call' && str('recording_url') ? (
          <a href={str('recording_url')!} target="_blank" rel="noreferrer noopener">
            {t('recording')}
          </a>
        ) : null}
        {i.conversation_id && (i.kind === 'message' || i.kind === 'note' || i.kind === 'sms') ? (
          <a
            href={`/inbox/${i.conversation_id}`}
            onClick={(e) => {
              e.preventDefault();
              navigate(`/inbox/${i.conversation_id}`);
            }}
          >
            {t('openThread')}
          </a>
        ) : null}
      </p>
    </li>
  );
}
