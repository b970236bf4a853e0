import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { api, ok } from '../api/client';
import { ErrorNote, Loading } from '../components';
import { useSignupT } from './signup.i18n';
import { linkProps, navigate } from '../router';

/** The emailed sign-up link (/signup/confirm#token=…): confirms it, which creates the account and signs in. */
export function SignUpConfirmPage() {
  const ts = useSignupT();
  const qc = useQueryClient();
  // The token rides in the fragment so that it never reaches a server log or a Referer.
  const token = new URLSearchParams(window.location.hash.slice(1)).get('token') ?? '';
  const confirm = useMutation({
    mutationFn: () => ok(api.POST('/api/v1/auth/signup/confirm', { body: { token } })),
    onSuccess: async (me) => {
      // The page asked who is signed in as it opened (nobody); that answer may still be on its
      // way and must not land on top of this one.
      await qc.cancelQueries({ queryKey: ['me'] });
      qc.setQueryData(['me'], me);
      navigate('/inbox', { replace: true });
    },
  });
  const { mutate } = confirm;
  useEffect(() => {
    if (token) mutate();
  }, [token, mutate]);

  return (
    <main id="main" className="center">
      <div className="card narrow">
        <h1>{ts('confirmTitle')}</h1>
        {!token ? (
          <p role="alert">{ts('confirmMissing')}</p>
        ) : confirm.isError ? (
          <>
            <p>{ts('confirmFailed')}</p>
            <ErrorNote error={confirm.error} />
          </>
        ) : (
          <Loading />
        )}
        {(!token || confirm.isError) && (
          <p>
            <a {...linkProps('/signin')}>{ts('toSignIn')}</a>
          </p>
        )}
      </div>
    </main>
  );
}
