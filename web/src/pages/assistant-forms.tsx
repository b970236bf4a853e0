import { useId, type ReactNode } from 'react';
import { ApiError } from '../api/client';
import { ErrorNote } from '../components';

/** The API's validation problems by field ('body.weight_basic' → weight_basic), to show beside each field. */
export function fieldErrors(error: unknown, prefix = 'body.'): Record<string, string> {
  if (!(error instanceof ApiError)) return {};
  const issues = (error.details?.issues as { path: string; message: string }[] | undefined) ?? [];
  const out: Record<string, string> = {};
  for (const i of issues) {
    const key = i.path.startsWith(prefix) ? i.path.slice(prefix.length) : i.path;
    out[key] = out[key] ? `${out[key]}; ${i.message}` : i.message;
  }
  return out;
}

/** The error of a save, without the field problems already shown beside their fields. */
export function SaveError({ error, shown }: { error: unknown; shown: string[] }) {
  if (!error) return null;
  if (error instanceof ApiError && shown.length) {
    const issues = (error.details?.issues as { path: string; message: string }[] | undefined) ?? [];
    const rest = issues.filter((i) => !shown.some((f) => i.path === `body.${f}`));
    return <ErrorNote error={new ApiError(error.status, error.code, error.message, { ...error.details, issues: rest })} />;
  }
  return <ErrorNote error={error} />;
}

type Control = 'text' | 'textarea' | 'number' | 'url';

/** A labelled input whose API error shows under it (aria-invalid, aria-describedby). */
export function Input({
  label,
  value,
  onChange,
  error,
  type = 'text',
  required,
  rows,
  min,
  max,
  hint,
}: {
  label: string;
  value: string | number;
  onChange: (v: string) => void;
  error?: string | undefined;
  type?: Control;
  required?: boolean;
  rows?: number;
  min?: number;
  max?: number;
  hint?: string;
}) {
  const id = useId();
  const describedBy = [error ? `${id}-error` : '', hint ? `${id}-hint` : ''].filter(Boolean).join(' ') || undefined;
  const common = { id, value, required, 'aria-invalid': error ? true : undefined, 'aria-describedby': describedBy } as const;
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {type === 'textarea' ? (
        <textarea {...common} rows={rows ?? 3} onChange={(e) => onChange(e.target.value)} />
      ) : (
        <input {...common} type={type} min={min} max={max} onChange={(e) => onChange(e.target.value)} />
      )}
      {hint ? (
        <span id={`${id}-hint`} className="muted small">
          {hint}
        </span>
      ) : null}
      {error ? (
        <span id={`${id}-error`} className="field-error">
          {error}
        </span>
      ) : null}
    </div>
  );
}

export function Check({ label, checked, onChange }: { label: string; checked: boolean; onChange: (v: boolean) => void }) {
  return (
    <label className="check">
      <input type="checkbox" checked={checked} onChange={(e) => onChange(e.target.checked)} /> {label}
    </label>
  );
}

export function Section({ title, children, actions }: { title: string; children: ReactNode; actions?: ReactNode }) {
  const id = useId();
  return (
    <section className="card" aria-labelledby={id}>
      <div className="section-head">
        <h2 id={id}>{title}</h2>
        {actions}
      </div>
      {children}
    </section>
  );
}

/** 'a, b ,c' → ['a', 'b', 'c'] */
export const listOf = (s: string) =>
  s
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean);
