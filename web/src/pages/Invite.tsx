import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { api, ok, type Schemas } from '../api/client';
import { ErrorNote, Field, Loading } from '../components';
import { useT } from '../i18n';
import { useSignupT } from './signup.i18n';
import { navigate } from '../router';
import { SignInPage } from './SignIn';

/** The invitation link (/invite#token=…): accept it, signing in or up on the way. */
export function InvitePage({ me, loading }: { me: Schemas['Me'] | null; loading: boolean }) {
  const t = useT();
  const qc = useQueryClient();
  // The token rides in the fragment so that it never reaches a server log or a Referer.
  const token = new URLSearchParams(window.location.hash.slice(1)).get('token') ?? '';
  const [mode, setMode] = useState<'signup' | 'signin'>('signup');
  const accept = useMutation({
    mutationFn: () => ok(api.POST('/api/v1/invitations/accept', { body: { token } })),
    onSuccess: async (joined) => {
      localStorage.setItem('frontdesk.workspace', joined.workspace_id);
      await qc.invalidateQueries({ queryKey: ['me'] });
      navigate('/inbox', { replace: true });
    },
  });

  if (!token) {
    return (
      <main id="main" className="center">
        <div className="card narrow">
          <h1>{t('invite.title')}</h1>
          <p role="alert">{t('invite.missing')}</p>
        </div>
      </main>
    );
  }
  if (loading) {
    return (
      <main className="center">
        <Loading />
      </main>
    );
  }
  if (me) {
    return (
      <main id="main" className="center">
        <div className="card narrow">
          <h1>{t('invite.title')}</h1>
          <p>{t('invite.as', { email: me.user.email })}</p>
          <ErrorNote error={accept.error} />
          <button type="button" className="primary" onClick={() => accept.mutate()} disabled={accept.isPending}>
            {t('invite.accept')}
          </button>
        </div>
      </main>
    );
  }
  return (
    <>
      {mode === 'signup' ? <SignUp invitationToken={token} /> : <SignInPage onSignedIn={() => undefined} />}
      <p className="center-text">
        <button type="button" className="link" onClick={() => setMode(mode === 'signup' ? 'signin' : 'signup')}>
          {mode === 'signup' ? t('invite.haveAccount') : t('invite.newAccount')}
        </button>
      </p>
    </>
  );
}

/**
 * Sign-up with the invitation's token: for the invited email the account is made and signed in
 * at once (the link proved the address); any other email gets a confirmation link first.
 */
function SignUp({ invitationToken }: { invitationToken: string }) {
  const t = useT();
  const ts = useSignupT();
  const qc = useQueryClient();
  const [name, setName] = useState('');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [sentTo, setSentTo] = useState<string | null>(null);
  const signUp = useMutation({
    mutationFn: () =>
      ok(api.POST('/api/v1/auth/signup', { body: { email, password, invitation_token: invitationToken, ...(name.trim() ? { name: name.trim() } : {}) } })),
    onSuccess: async (answer) => {
      if ('user' in answer) {
        await qc.cancelQueries({ queryKey: ['me'] });
        qc.setQueryData(['me'], answer);
      } else setSentTo(email);
    },
  });
  if (sentTo) {
    return (
      <main id="main" className="center">
        <div className="card narrow">
          <h1>{t('invite.title')}</h1>
          <p role="status">{ts('checkInbox', { email: sentTo })}</p>
        </div>
      </main>
    );
  }
  const submit = (e: FormEvent) => {
    e.preventDefault();
    signUp.mutate();
  };
  return (
    <main id="main" className="center">
      <form className="card narrow" onSubmit={submit} aria-labelledby="signup-title">
        <h1 id="signup-title">{t('invite.title')}</h1>
        <Field label={t('auth.name')} id="signup-name">
          <input id="signup-name" autoComplete="name" value={name} onChange={(e) => setName(e.target.value)} />
        </Field>
        <Field label={t('auth.email')} id="signup-email">
          <input id="signup-email" type="email" autoComplete="username" required value={email} onChange={(e) => setEmail(e.target.value)} />
        </Field>
        <Field label={t('auth.password')} id="signup-password">
          <input id="signup-password" type="password" autoComplete="new-password" required minLength={10} value={password} onChange={(e) => setPassword(e.target.value)} />
        </Field>
        <ErrorNote error={signUp.error} />
        <button type="submit" className="primary" disabled={signUp.isPending}>
          {t('auth.signup')}
        </button>
      </form>
    </main>
  );
}
