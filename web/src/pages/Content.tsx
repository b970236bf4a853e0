// ARI's articles and webinars: everyone reads, admins write (the API's writer rank); a
// webinar opens its registrations, where members mark who attended.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useId, useState, type FormEvent } from 'react';
import { api, ok, type Schemas } from '../api/client';
import { ErrorNote, Field, Loading } from '../components';
import { formatDateTime } from '../format';
import { atLeast, useSession } from '../session';
import { instantOf } from './calendar-time';
import { useContentT } from './content.i18n';

export function ContentPage() {
  const t = useContentT();
  return (
    <main id="main" className="page content-page">
      <h1>{t('title')}</h1>
      <Webinars />
      <Articles />
    </main>
  );
}

function useRefresh() {
  const qc = useQueryClient();
  return () => qc.invalidateQueries({ queryKey: ['content'] });
}

function Articles() {
  const t = useContentT();
  const { role, workspaceId } = useSession();
  const canEdit = atLeast(role, 'admin');
  const refresh = useRefresh();
  const list = useQuery({ queryKey: ['content', 'articles', workspaceId], queryFn: () => ok(api.GET('/api/v1/articles', { params: { query: { limit: 200 } } })) });
  const change = useMutation({
    mutationFn: ({ id, status }: { id: string; status: 'draft' | 'published' }) => ok(api.PATCH('/api/v1/articles/{id}', { params: { path: { id } }, body: { status } })),
    onSettled: refresh,
  });
  const remove = useMutation({ mutationFn: (id: string) => ok(api.DELETE('/api/v1/articles/{id}', { params: { path: { id } } })), onSettled: refresh });
  return (
    <section className="card" aria-labelledby="articles-title">
      <h2 id="articles-title">{t('articles')}</h2>
      {list.isPending ? <Loading /> : null}
      <ErrorNote error={list.error ?? change.error ?? remove.error} />
      {list.data?.data.length === 0 ? <p className="muted">{t('noArticles')}</p> : null}
      <ul className="plain">
        {list.data?.data.map((a) => (
          <li key={a.id} className="line">
            <span>
              <strong>{a.title}</strong> <span className="muted small">/{a.slug}</span> · <span className="badge">{t(`status.${a.status}`)}</span>
              {a.excerpt ? <span className="small"> · {a.excerpt}</span> : null}
            </span>
            {canEdit ? (
              <span className="row">
                <button type="button" onClick={() => change.mutate({ id: a.id, status: a.status === 'published' ? 'draft' : 'published' })}>
                  {a.status === 'published' ? t('unpublish') : t('publish')}
                </button>
                <button type="button" className="danger" aria-label={t('deleteWhat', { what: a.title })} onClick={() => remove.mutate(a.id)}>
                  {t('delete')}
                </button>
              </span>
            ) : null}
          </li>
        ))}
      </ul>
      {canEdit ? <ArticleForm /> : null}
    </section>
  );
}

function ArticleForm() {
  const t = useContentT();
  const id = useId();
  const refresh = useRefresh();
  const [v, setV] = useState({ title: '', slug: '', excerpt: '', content: '' });
  const add = useMutation({
    mutationFn: () => ok(api.POST('/api/v1/articles', { body: { title: v.title, slug: v.slug, ...(v.excerpt ? { excerpt: v.excerpt } : {}), ...(v.content ? { content: v.content } : {}) } })),
    onSuccess: () => {
      setV({ title: '', slug: '', excerpt: '', content: '' });
      void refresh();
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    add.mutate();
  };
  return (
    <form onSubmit={submit} aria-labelledby={`${id}-h`}>
      <h3 id={`${id}-h`}>{t('addArticle')}</h3>
      <div className="row">
        <Field label={t('titleLabel')} id={`${id}-title`}>
          <input id={`${id}-title`} value={v.title} onChange={(e) => setV({ ...v, title: e.target.value, slug: v.slug || '' })} required />
        </Field>
        <Field label={t('slug')} id={`${id}-slug`}>
          <input id={`${id}-slug`} value={v.slug} onChange={(e) => setV({ ...v, slug: e.target.value })} required pattern="[a-z0-9]+(-[a-z0-9]+)*" />
        </Field>
      </div>
      <Field label={t('excerpt')} id={`${id}-excerpt`}>
        <input id={`${id}-excerpt`} value={v.excerpt} onChange={(e) => setV({ ...v, excerpt: e.target.value })} />
      </Field>
      <Field label={t('content')} id={`${id}-content`}>
        <textarea id={`${id}-content`} rows={4} value={v.content} onChange={(e) => setV({ ...v, content: e.target.value })} />
      </Field>
      <ErrorNote error={add.error} />
      <button type="submit" className="primary" disabled={add.isPending}>
        {t('add')}
      </button>
    </form>
  );
}

function Webinars() {
  const t = useContentT();
  const { role, workspaceId, format } = useSession();
  const canEdit = atLeast(role, 'admin');
  const refresh = useRefresh();
  const [open, setOpen] = useState<string | null>(null);
  const list = useQuery({ queryKey: ['content', 'webinars', workspaceId], queryFn: () => ok(api.GET('/api/v1/webinars', { params: { query: { limit: 200 } } })) });
  const change = useMutation({
    mutationFn: ({ id, status }: { id: string; status: Schemas['Webinar']['status'] }) => ok(api.PATCH('/api/v1/webinars/{id}', { params: { path: { id } }, body: { status } })),
    onSettled: refresh,
  });
  const remove = useMutation({ mutationFn: (id: string) => ok(api.DELETE('/api/v1/webinars/{id}', { params: { path: { id } } })), onSettled: refresh });
  return (
    <section className="card" aria-labelledby="webinars-title">
      <h2 id="webinars-title">{t('webinars')}</h2>
      {list.isPending ? <Loading /> : null}
      <ErrorNote error={list.error ?? change.error ?? remove.error} />
      {list.data?.data.length === 0 ? <p className="muted">{t('noWebinars')}</p> : null}
      <ul className="plain">
        {list.data?.data.map((w) => (
          <li key={w.id} className="line webinar">
            <span>
              <strong>{w.title}</strong> · {formatDateTime(w.scheduled_at, format)} · <span className="badge">{t(`status.${w.status}`)}</span> ·{' '}
              {w.max_registrations === null ? t('registered', { count: w.registrations }) : t('registeredOf', { count: w.registrations, max: w.max_registrations })}
            </span>
            <span className="row">
              <button type="button" aria-expanded={open === w.id} onClick={() => setOpen(open === w.id ? null : w.id)}>
                {open === w.id ? t('hide') : t('show')}
              </button>
              {canEdit && w.status === 'draft' ? (
                <button type="button" onClick={() => change.mutate({ id: w.id, status: 'published' })}>
                  {t('publish')}
                </button>
              ) : null}
              {canEdit ? (
                <button type="button" className="danger" aria-label={t('deleteWhat', { what: w.title })} onClick={() => remove.mutate(w.id)}>
                  {t('delete')}
                </button>
              ) : null}
            </span>
            {open === w.id ? <Registrations webinar={w} /> : null}
          </li>
        ))}
      </ul>
      {canEdit ? <WebinarForm /> : null}
    </section>
  );
}

function Registrations({ webinar }: { webinar: Schemas['Webinar'] }) {
  const t = useContentT();
  const { role, format } = useSession();
  const canMark = atLeast(role, 'member');
  const qc = useQueryClient();
  const regs = useQuery({
    queryKey: ['content', 'registrations', webinar.id],
    queryFn: () => ok(api.GET('/api/v1/webinars/{id}/registrations', { params: { path: { id: webinar.id }, query: { limit: 200 } } })),
  });
  const mark = useMutation({
    mutationFn: ({ id, attended }: { id: string; attended: boolean }) =>
      ok(api.PATCH('/api/v1/webinars/{id}/registrations/{registration_id}', { params: { path: { id: webinar.id, registration_id: id } }, body: { attended } })),
    onSettled: () => qc.invalidateQueries({ queryKey: ['content', 'registrations', webinar.id] }),
  });
  return (
    <div className="registrations" role="region" aria-label={t('registrationsOf', { what: webinar.title })}>
      <p className="muted small">{t('publicForm', { path: `/api/v1/public/webinars/${webinar.id}/registrations` })}</p>
      {regs.isPending ? <Loading /> : null}
      <ErrorNote error={regs.error ?? mark.error} />
      {regs.data?.data.length === 0 ? <p className="muted">{t('noRegistrations')}</p> : null}
      <ul className="plain">
        {regs.data?.data.map((r) => (
          <li key={r.id} className="line">
            <span>
              <strong>{r.name ?? r.phone}</strong> <span className="muted small">{r.phone}</span> · {formatDateTime(r.registered_at, format)}
            </span>
            <label className="check">
              <input type="checkbox" checked={r.attended} disabled={!canMark || mark.isPending} onChange={(e) => mark.mutate({ id: r.id, attended: e.target.checked })} aria-label={t('attendedWho', { name: r.name ?? r.phone ?? '' })} />{' '}
              {t('attended')}
            </label>
          </li>
        ))}
      </ul>
    </div>
  );
}

function WebinarForm() {
  const t = useContentT();
  const id = useId();
  const { format } = useSession();
  const refresh = useRefresh();
  const empty = { title: '', slug: '', description: '', start: '', minutes: 60, capacity: '', meeting: '' };
  const [v, setV] = useState(empty);
  const add = useMutation({
    mutationFn: () => {
      const [date, time] = v.start.split('T') as [string, string];
      return ok(
        api.POST('/api/v1/webinars', {
          body: {
            title: v.title,
            slug: v.slug,
            scheduled_at: instantOf(date, format.timeZone, time).toISOString(),
            duration_minutes: v.minutes,
            ...(v.description ? { description: v.description } : {}),
            ...(v.capacity ? { max_registrations: Number(v.capacity) } : {}),
            ...(v.meeting ? { meeting_url: v.meeting } : {}),
          },
        }),
      );
    },
    onSuccess: () => {
      setV(empty);
      void refresh();
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    add.mutate();
  };
  return (
    <form onSubmit={submit} aria-labelledby={`${id}-h`}>
      <h3 id={`${id}-h`}>{t('addWebinar')}</h3>
      <div className="row">
        <Field label={t('titleLabel')} id={`${id}-title`}>
          <input id={`${id}-title`} value={v.title} onChange={(e) => setV({ ...v, title: e.target.value })} required />
        </Field>
        <Field label={t('slug')} id={`${id}-slug`}>
          <input id={`${id}-slug`} value={v.slug} onChange={(e) => setV({ ...v, slug: e.target.value })} required pattern="[a-z0-9]+(-[a-z0-9]+)*" />
        </Field>
      </div>
      <div className="row">
        <Field label={t('start')} id={`${id}-start`}>
          <input id={`${id}-start`} type="datetime-local" value={v.start} onChange={(e) => setV({ ...v, start: e.target.value })} required />
        </Field>
        <Field label={t('minutes')} id={`${id}-minutes`}>
          <input id={`${id}-minutes`} type="number" min={1} max={1440} value={v.minutes} onChange={(e) => setV({ ...v, minutes: Number(e.target.value) })} />
        </Field>
        <Field label={t('capacity')} id={`${id}-capacity`}>
          <input id={`${id}-capacity`} type="number" min={1} value={v.capacity} onChange={(e) => setV({ ...v, capacity: e.target.value })} />
        </Field>
      </div>
      <Field label={t('meeting')} id={`${id}-meeting`}>
        <input id={`${id}-meeting`} type="url" value={v.meeting} onChange={(e) => setV({ ...v, meeting: e.target.value })} />
      </Field>
      <Field label={t('description')} id={`${id}-description`}>
        <textarea id={`${id}-description`} rows={3} value={v.description} onChange={(e) => setV({ ...v, description: e.target.value })} />
      </Field>
      <ErrorNote error={add.error} />
      <button type="submit" className="primary" disabled={add.isPending}>
        {t('add')}
      </button>
    </form>
  );
}
