import { keepPreviousData, useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useId, useState, type FormEvent } from 'react';
import { api, ApiError, ok, type Schemas } from '../api/client';
import type { paths } from '../api/schema';
import { ErrorNote, Loading } from '../components';
import { saveFile } from '../download';
import { formatMoney, formatWhen } from '../format';
import { useI18n } from '../i18n';
import { linkProps } from '../router';
import { atLeast, useSession } from '../session';
import { useContactsT } from './contacts.i18n';
import './contacts.css';

type Contact = Schemas['Contact'];
type ListQuery = NonNullable<paths['/api/v1/contacts']['get']['parameters']['query']>;
type Filters = Omit<ListQuery, 'limit' | 'cursor'>;
type Sort = NonNullable<ListQuery['sort']>;
type ImportResult = Schemas['ContactImportResult'];

export const SORTS: Sort[] = ['newest', 'oldest', 'name', 'name_desc', 'score', 'score_asc', 'last_contact', 'last_contact_asc'];
export const TEMPERATURES = ['hot', 'warm', 'cold'] as const;
export const LEAD_STATUSES = ['new', 'prospect', 'hot_lead', 'warm_lead', 'cold_lead', 'customer', 'lost'] as const;
const PAGE = 50;

/** The contacts table: search in any phone format, filters, sort, keyset pages; CSV in and out. */
export function ContactsPage() {
  const t = useContactsT();
  const { workspaceId, role } = useSession();
  const [draft, setDraft] = useState('');
  const [filters, setFilters] = useState<Filters>({ sort: 'newest' });
  const [importing, setImporting] = useState(false);
  const set = (patch: Partial<Filters>) => setFilters((f) => ({ ...f, ...patch }));
  const list = useInfiniteQuery({
    queryKey: ['contacts', workspaceId, filters],
    queryFn: ({ pageParam }) => ok(api.GET('/api/v1/contacts', { params: { query: { ...filters, limit: PAGE, ...(pageParam ? { cursor: pageParam } : {}) } } })),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.next_cursor,
    placeholderData: keepPreviousData,
  });
  const rows = list.data?.pages.flatMap((p) => p.data) ?? [];
  const filtered = Boolean(filters.q || filters.tag || filters.temperature || filters.lead_status);
  const search = (e: FormEvent) => {
    e.preventDefault();
    set({ q: draft.trim() || undefined });
  };
  const ids = { q: useId(), temp: useId(), status: useId(), tag: useId(), sort: useId() };

  return (
    <main id="main" className="page contacts-page">
      <div className="contacts-head">
        <h1>{t('title')}</h1>
        <div className="actions">
          <ExportButton filters={filters} />
          {atLeast(role, 'member') ? (
            <button type="button" onClick={() => setImporting((v) => !v)} aria-expanded={importing}>
              {t('import')}
            </button>
          ) : null}
        </div>
      </div>
      {importing ? <ImportPanel onClose={() => setImporting(false)} /> : null}
      <form className="contacts-search" role="search" onSubmit={search}>
        <label htmlFor={ids.q} className="sr-only">
          {t('search')}
        </label>
        <input id={ids.q} type="search" value={draft} placeholder={t('search')} onChange={(e) => setDraft(e.target.value)} />
        <button type="submit" className="primary">
          {t('searchButton')}
        </button>
      </form>
      <div className="contacts-filters">
        <label htmlFor={ids.temp}>
          {t('temperature')}
          <select id={ids.temp} value={filters.temperature ?? ''} onChange={(e) => set({ temperature: (e.target.value || undefined) as Filters['temperature'] })}>
            <option value="">{t('any')}</option>
            {TEMPERATURES.map((v) => (
              <option key={v} value={v}>
                {t(`temp.${v}`)}
              </option>
            ))}
          </select>
        </label>
        <label htmlFor={ids.status}>
          {t('status')}
          <select id={ids.status} value={filters.lead_status ?? ''} onChange={(e) => set({ lead_status: (e.target.value || undefined) as Filters['lead_status'] })}>
            <option value="">{t('any')}</option>
            {LEAD_STATUSES.map((v) => (
              <option key={v} value={v}>
                {t(`lead.${v}`)}
              </option>
            ))}
          </select>
        </label>
        <label htmlFor={ids.tag}>
          {t('tag')}
          <input id={ids.tag} value={filters.tag ?? ''} onChange={(e) => set({ tag: e.target.value.trim() || undefined })} />
        </label>
        <label htmlFor={ids.sort}>
          {t('sort')}
          <select id={ids.sort} value={filters.sort ?? 'newest'} onChange={(e) => set({ sort: e.target.value as Sort })}>
            {SORTS.map((s) => (
              <option key={s} value={s}>
                {t(`sort.${s}`)}
              </option>
            ))}
          </select>
        </label>
      </div>
      {list.error ? <ErrorNote error={list.error} retry={() => list.refetch()} /> : null}
      {list.isPending ? <Loading /> : rows.length === 0 ? <p className="empty">{filtered ? t('none') : t('noneYet')}</p> : <ContactTable rows={rows} />}
      <div className="contacts-foot">
        {rows.length ? (
          <span className="muted small" role="status">
            {t('shown', { n: rows.length })}
          </span>
        ) : null}
        {list.hasNextPage ? (
          <button type="button" onClick={() => list.fetchNextPage()} disabled={list.isFetchingNextPage}>
            {list.isFetchingNextPage ? t('loadingMore') : t('more')}
          </button>
        ) : null}
      </div>
    </main>
  );
}

function ContactTable({ rows }: { rows: Contact[] }) {
  const t = useContactsT();
  const { format } = useSession();
  return (
    <table className="contacts-table">
      <thead>
        <tr>
          <th scope="col">{t('name')}</th>
          <th scope="col">{t('phone')}</th>
          <th scope="col">{t('email')}</th>
          <th scope="col">{t('score')}</th>
          <th scope="col">{t('tags')}</th>
          <th scope="col">{t('lastContact')}</th>
          <th scope="col">{t('spent')}</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((c) => (
          <tr key={c.id}>
            <th scope="row" data-label={t('name')}>
              <a {...linkProps(`/contacts/${c.id}`)}>{c.name ?? c.phone ?? c.email ?? t('noName')}</a>
            </th>
            <td data-label={t('phone')}>{c.phone ?? '—'}</td>
            <td data-label={t('email')} className="cell-wrap">
              {c.email ?? '—'}
            </td>
            <td data-label={t('score')}>
              {c.lead_score}
              {c.lead_temperature ? <span className={`badge temp-${c.lead_temperature}`}>{t(`temp.${c.lead_temperature as 'hot'}`)}</span> : null}
              <span className="muted small"> {t(`lead.${c.lead_status as 'new'}`)}</span>
            </td>
            <td data-label={t('tags')}>{c.tags.length ? c.tags.map((g) => <span key={g} className="badge">{g}</span>) : '—'}</td>
            <td data-label={t('lastContact')}>{c.last_contact ? <time dateTime={c.last_contact}>{formatWhen(c.last_contact, format)}</time> : '—'}</td>
            <td data-label={t('spent')}>{formatMoney(c.total_spent, format)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function ExportButton({ filters }: { filters: Filters }) {
  const t = useContactsT();
  const exp = useMutation({
    mutationFn: async () => {
      const res = await api.GET('/api/v1/contacts/export', { params: { query: filters }, parseAs: 'text' });
      if (!res.response.ok || typeof res.data !== 'string') {
        const body = res.error as { error?: { code?: string; message?: string } } | undefined;
        throw new ApiError(res.response.status, body?.error?.code ?? 'export_failed', body?.error?.message ?? res.response.statusText);
      }
      saveFile('contacts.csv', res.data);
    },
  });
  return (
    <>
      <button type="button" onClick={() => exp.mutate()} disabled={exp.isPending}>
        {exp.isPending ? t('exporting') : t('export')}
      </button>
      {exp.error ? <ErrorNote error={exp.error} /> : null}
    </>
  );
}

function ImportPanel({ onClose }: { onClose: () => void }) {
  const t = useContactsT();
  const qc = useQueryClient();
  const { workspaceId } = useSession();
  const country = useCountry();
  const fileId = useId();
  const [csv, setCsv] = useState<string | null>(null);
  const [fileName, setFileName] = useState('');
  const run = useMutation({
    mutationFn: (dryRun: boolean) => ok(api.POST('/api/v1/contacts/import', { body: { csv: csv ?? '', dry_run: dryRun } })),
    onSuccess: (r) => {
      if (!r.dry_run) void qc.invalidateQueries({ queryKey: ['contacts', workspaceId] });
    },
  });
  const result: ImportResult | undefined = run.data;
  return (
    <section className="card import-panel" aria-labelledby="import-title">
      <h2 id="import-title">{t('importTitle')}</h2>
      <p className="muted small">{t('importHelp', { country })}</p>
      <div className="row">
        <div className="field">
          <label htmlFor={fileId}>{t('file')}</label>
          <input
            id={fileId}
            type="file"
            accept=".csv,text/csv,text/plain"
            onChange={async (e) => {
              const f = e.target.files?.[0];
              run.reset();
              setFileName(f?.name ?? '');
              setCsv(f ? await f.text() : null);
            }}
          />
        </div>
        <button type="button" disabled={!csv || run.isPending} onClick={() => run.mutate(true)}>
          {run.isPending && run.variables ? t('checking') : t('preview')}
        </button>
        <button type="button" className="link" onClick={onClose}>
          {t('close')}
        </button>
      </div>
      {run.error ? <ErrorNote error={run.error} /> : null}
      {result ? <ImportReport result={result} fileName={fileName} onImport={() => run.mutate(false)} importing={run.isPending} /> : null}
    </section>
  );
}

/** The workspace's country (phones without a country code are read in it), named in the app's language. */
function useCountry(): string {
  const { workspaceId } = useSession();
  const { lang } = useI18n();
  const ws = useQuery({ queryKey: ['workspace', workspaceId], queryFn: () => ok(api.GET('/api/v1/workspace')) });
  const code = ws.data?.country ?? '';
  try {
    return code ? (new Intl.DisplayNames([lang], { type: 'region' }).of(code) ?? code) : '';
  } catch {
    return code;
  }
}

function ImportReport({ result, onImport, importing }: { result: ImportResult; fileName: string; onImport: () => void; importing: boolean }) {
  const t = useContactsT();
  return (
    <div className="import-report">
      {result.dry_run ? (
        <p role="status">
          <strong>{t('previewSummary', { valid: result.valid_rows, total: result.total_rows })}</strong>
        </p>
      ) : (
        <p role="status" className="import-done">
          <strong>{t('imported', { n: result.imported })}</strong>
        </p>
      )}
      {result.ignored_columns.length ? <p className="muted small">{t('ignored', { columns: result.ignored_columns.join(', ') })}</p> : null}
      {result.errors.length ? (
        <>
          <h3>{result.dry_run ? t('rowErrors') : t('notImported', { n: new Set(result.errors.map((e) => e.row)).size })}</h3>
          <ul className="import-errors">
            {result.errors.map((e, i) => (
              <li key={`${e.row}-${i}`}>
                <strong>{t('row', { row: e.row, line: e.line })}</strong>
                {e.field ? <code>{e.field}</code> : null} {e.message}
                {e.value ? <span className="muted"> “{e.value}”</span> : null}
              </li>
            ))}
          </ul>
        </>
      ) : null}
      {result.dry_run ? (
        <>
          <div className="table-wrap">
            <table className="import-preview">
              <thead>
                <tr>
                  <th scope="col">#</th>
                  <th scope="col">{t('name')}</th>
                  <th scope="col">{t('phone')}</th>
                  <th scope="col">{t('email')}</th>
                  <th scope="col">{t('tags')}</th>
                  <th scope="col">OK</th>
                </tr>
              </thead>
              <tbody>
                {result.preview.map((r) => (
                  <tr key={r.row} className={r.valid ? '' : 'bad'}>
                    <td>{r.row}</td>
                    <td>{r.name ?? '—'}</td>
                    <td>{r.phone ?? '—'}</td>
                    <td>{r.email ?? '—'}</td>
                    <td>{r.tags.join(', ')}</td>
                    <td>{r.valid ? t('valid') : t('invalid')}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {result.valid_rows > 0 ? (
            <button type="button" className="primary" onClick={onImport} disabled={importing}>
              {importing ? t('importing') : t('doImport', { n: result.valid_rows })}
            </button>
          ) : null}
        </>
      ) : null}
    </div>
  );
}
