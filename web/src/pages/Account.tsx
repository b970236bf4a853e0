import { useMutation } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { api, ok } from '../api/client';
import { ErrorNote, Field } from '../components';
import { useT } from '../i18n';
import { useSession } from '../session';

export function AccountPage() {
  const t = useT();
  const { me } = useSession();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const change = useMutation({
    mutationFn: () => ok(api.POST('/api/v1/auth/password', { body: { current_password: current, new_password: next } })),
    onSuccess: () => {
      setCurrent('');
      setNext('');
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    change.mutate();
  };
  return (
    <main id="main" className="page">
      <h1>{t('account.title')}</h1>
      <p>{me.user.email}</p>
      <form className="card narrow" onSubmit={submit} aria-labelledby="pw-title">
        <h2 id="pw-title">{t('account.password')}</h2>
        <Field label={t('account.current')} id="pw-current">
          <input id="pw-current" type="password" autoComplete="current-password" required value={current} onChange={(e) => setCurrent(e.target.value)} />
        </Field>
        <Field label={t('account.new')} id="pw-new">
          <input id="pw-new" type="password" autoComplete="new-password" required minLength={10} value={next} onChange={(e) => setNext(e.target.value)} />
        </Field>
        <ErrorNote error={change.error} />
        {change.isSuccess ? <p role="status">{t('account.saved')}</p> : null}
        <button type="submit" className="primary" disabled={change.isPending}>
          {t('account.save')}
        </button>
      </form>
    </main>
  );
}
