import { useMutation } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { api, ok } from '../api/client';
import { ErrorNote, Field } from '../components';
import { linkProps } from '../router';
import { useResetT } from './reset.i18n';

/**
 * /reset-password: without a token, asks for a reset link by e-mail; with the emailed link's
 * token (/reset-password#token=…), sets a new password. The token rides in the fragment so
 * that it never reaches a server log or a Referer.
 */
export function ResetPasswordPage() {
  const tr = useResetT();
  const token = new URLSearchParams(window.location.hash.slice(1)).get('token') ?? '';
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const ask = useMutation({ mutationFn: () => ok(api.POST('/api/v1/auth/password-reset', { body: { email } })) });
  const set = useMutation({ mutationFn: () => ok(api.POST('/api/v1/auth/password-reset/confirm', { body: { token, password } })) });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (token) set.mutate();
    else ask.mutate();
  };
  const finished = token ? set.isSuccess : ask.isSuccess;
  return (
    <main id="main" className="center">
      <form className="card narrow" onSubmit={submit} aria-labelledby="reset-title">
        <h1 id="reset-title">{token ? tr('setTitle') : tr('askTitle')}</h1>
        {finished ? (
          <p role="status">{token ? tr('done') : tr('sent')}</p>
        ) : token ? (
          <>
            <Field label={tr('password')} id="reset-password">
              <input id="reset-password" type="password" autoComplete="new-password" required minLength={10} value={password} onChange={(e) => setPassword(e.target.value)} />
            </Field>
            {set.isError ? <p role="alert">{tr('failed')}</p> : null}
            <ErrorNote error={set.error} />
            <button type="submit" className="primary" disabled={set.isPending}>
              {tr('save')}
            </button>
          </>
        ) : (
          <>
            <p>{tr('askIntro')}</p>
            <Field label={tr('email')} id="reset-email">
              <input id="reset-email" type="email" autoComplete="username" required value={email} onChange={(e) => setEmail(e.target.value)} />
            </Field>
            <ErrorNote error={ask.error} />
            <button type="submit" className="primary" disabled={ask.isPending}>
              {tr('send')}
            </button>
          </>
        )}
        <p className="small">
          <a {...linkProps('/signin')}>{tr('toSignIn')}</a>
        </p>
      </form>
    </main>
  );
}
