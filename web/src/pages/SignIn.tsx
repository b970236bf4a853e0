import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { api, ok } from '../api/client';
import { ErrorNote, Field } from '../components';
import { LANGUAGES, useT, type Lang } from '../i18n';
import { linkProps, navigate } from '../router';
import { useResetT } from './reset.i18n';

export function SignInPage({ lang, onLang, onSignedIn }: { lang?: Lang; onLang?: (l: Lang) => void; onSignedIn?: () => void }) {
  const t = useT();
  const tr = useResetT();
  const qc = useQueryClient();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const signIn = useMutation({
    mutationFn: () => ok(api.POST('/api/v1/auth/signin', { body: { email, password } })),
    onSuccess: (me) => {
      qc.setQueryData(['me'], me);
      if (onSignedIn) onSignedIn();
      else if (window.location.pathname === '/signin' || window.location.pathname === '/') navigate('/inbox', { replace: true });
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    signIn.mutate();
  };
  return (
    <main id="main" className="center">
      <form className="card narrow" onSubmit={submit} aria-labelledby="signin-title">
        <h1 id="signin-title">{t('auth.title')}</h1>
        <Field label={t('auth.email')} id="signin-email">
          <input id="signin-email" type="email" autoComplete="username" required value={email} onChange={(e) => setEmail(e.target.value)} />
        </Field>
        <Field label={t('auth.password')} id="signin-password">
          <input id="signin-password" type="password" autoComplete="current-password" required value={password} onChange={(e) => setPassword(e.target.value)} />
        </Field>
        <ErrorNote error={signIn.error} />
        <button type="submit" className="primary" disabled={signIn.isPending}>
          {t('auth.signin')}
        </button>
        <p className="small">
          <a {...linkProps('/reset-password')}>{tr('forgot')}</a>
        </p>
        {onSignedIn ? null : <p className="muted small">{t('auth.demo')}</p>}
        {lang && onLang ? (
          <label className="inline">
            {t('app.language')}{' '}
            <select value={lang} onChange={(e) => onLang(e.target.value as Lang)}>
              {Object.entries(LANGUAGES).map(([code, name]) => (
                <option key={code} value={code} lang={code}>
                  {name}
                </option>
              ))}
            </select>
          </label>
        ) : null}
      </form>
    </main>
  );
}
