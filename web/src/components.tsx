import type { ReactNode } from 'react';
import { ApiError } from './api/client';
import { useT } from './i18n';

/** An API error in words: its message, and the field problems when the API listed them. */
export function ErrorNote({ error, retry }: { error: unknown; retry?: () => void }) {
  const t = useT();
  if (!error) return null;
  const message = error instanceof ApiError ? error.message : error instanceof Error ? error.message : String(error);
  const issues = error instanceof ApiError ? (error.details?.issues as { path: string; message: string }[] | undefined) : undefined;
  return (
    <div role="alert" className="error">
      <p>{t('app.error', { message })}</p>
      {issues?.length ? (
        <ul>
          {issues.map((i) => (
            <li key={i.path}>
              <code>{i.path.replace(/^body\./, '')}</code> {i.message}
            </li>
          ))}
        </ul>
      ) : null}
      {retry ? (
        <button type="button" onClick={retry}>
          {t('app.retry')}
        </button>
      ) : null}
    </div>
  );
}

export function Loading() {
  const t = useT();
  return (
    <p className="muted" role="status">
      {t('app.loading')}
    </p>
  );
}

export function Field({ label, children, id }: { label: string; id: string; children: ReactNode }) {
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {children}
    </div>
  );
}
