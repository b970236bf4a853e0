import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { api, ok, type Schemas } from '../api/client';
import { ErrorNote, Field, Loading } from '../components';
import { formatDateTime } from '../format';
import { useT, type Key } from '../i18n';
import { atLeast, useSession } from '../session';

/** The team: members and roles, invitations, API keys. Owners and admins only, as in the API. */
export function SettingsPage() {
  const t = useT();
  const { role } = useSession();
  if (!atLeast(role, 'admin')) {
    return (
      <main id="main" className="page">
        <h1>{t('settings.title')}</h1>
        <p role="alert">{t('settings.forbidden')}</p>
      </main>
    );
  }
  return (
    <main id="main" className="page settings">
      <h1>{t('settings.title')}</h1>
      <Members />
      <Invitations />
      <ApiKeys />
    </main>
  );
}

function Members() {
  const t = useT();
  const qc = useQueryClient();
  const { workspaceId, me, role: myRole } = useSession();
  const members = useQuery({ queryKey: ['members', workspaceId], queryFn: () => ok(api.GET('/api/v1/members')) });
  const refresh = () => qc.invalidateQueries({ queryKey: ['members', workspaceId] });
  const changeRole = useMutation({
    mutationFn: (v: { userId: string; role: 'admin' | 'member' }) => ok(api.PATCH('/api/v1/members/{user_id}', { params: { path: { user_id: v.userId } }, body: { role: v.role } })),
    onSettled: refresh,
  });
  const remove = useMutation({
    mutationFn: (userId: string) => ok(api.DELETE('/api/v1/members/{user_id}', { params: { path: { user_id: userId } } })),
    onSettled: refresh,
  });
  const label = (m: Schemas['Member']) => m.name ?? m.email ?? m.user_id;
  return (
    <section className="card" aria-labelledby="members-title">
      <h2 id="members-title">{t('settings.members')}</h2>
      {members.isPending ? <Loading /> : null}
      <ErrorNote error={members.error ?? changeRole.error ?? remove.error} />
      {members.data ? (
        <div className="table-wrap">
          <table className="members-table">
            <thead>
              <tr>
                <th scope="col">{t('lead.name')}</th>
                <th scope="col">{t('auth.email')}</th>
                <th scope="col">{t('settings.role')}</th>
                <th scope="col">
                  <span className="sr-only">{t('settings.remove')}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {members.data.data.map((m) => {
                const self = m.user_id === me.user.id;
                const editable = !self && m.role !== 'owner' && atLeast(myRole, 'admin');
                return (
                  <tr key={m.user_id}>
                    <td>
                      {m.name ?? '—'} {self ? <span className="muted">{t('settings.you')}</span> : null}
                    </td>
                    <td>{m.email}</td>
                    <td>
                      {editable ? (
                        <select
                          aria-label={t('settings.roleOf', { name: label(m) })}
                          value={m.role}
                          onChange={(e) => changeRole.mutate({ userId: m.user_id, role: e.target.value as 'admin' | 'member' })}
                        >
                          <option value="admin">{t('role.admin')}</option>
                          <option value="member">{t('role.member')}</option>
                        </select>
                      ) : (
                        t(`role.${m.role}` as Key)
                      )}
                    </td>
                    <td>
                      {editable ? (
                        <button type="button" className="danger" aria-label={t('settings.removeWho', { name: label(m) })} onClick={() => remove.mutate(m.user_id)}>
                          {t('settings.remove')}
                        </button>
                      ) : null}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      ) : null}
    </section>
  );
}

function Invitations() {
  const t = useT();
  const qc = useQueryClient();
  const { workspaceId, format } = useSession();
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<'admin' | 'member'>('member');
  const invitations = useQuery({ queryKey: ['invitations', workspaceId], queryFn: () => ok(api.GET('/api/v1/invitations')) });
  const refresh = () => qc.invalidateQueries({ queryKey: ['invitations', workspaceId] });
  const invite = useMutation({
    mutationFn: () => ok(api.POST('/api/v1/invitations', { body: { email, role } })),
    onSuccess: () => setEmail(''),
    onSettled: refresh,
  });
  const revoke = useMutation({
    mutationFn: (id: string) => ok(api.DELETE('/api/v1/invitations/{id}', { params: { path: { id } } })),
    onSettled: refresh,
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    invite.mutate();
  };
  const state = (i: Schemas['Invitation']) => (i.accepted_at ? t('settings.accepted') : i.revoked_at ? t('settings.revoked') : t('settings.pending'));
  return (
    <section className="card" aria-labelledby="invitations-title">
      <h2 id="invitations-title">{t('settings.invitations')}</h2>
      <form className="row" onSubmit={submit}>
        <Field label={t('settings.inviteEmail')} id="invite-email">
          <input id="invite-email" type="email" required value={email} onChange={(e) => setEmail(e.target.value)} />
        </Field>
        <Field label={t('settings.role')} id="invite-role">
          <select id="invite-role" value={role} onChange={(e) => setRole(e.target.value as 'admin' | 'member')}>
            <option value="member">{t('role.member')}</option>
            <option value="admin">{t('role.admin')}</option>
          </select>
        </Field>
        <button type="submit" className="primary" disabled={invite.isPending}>
          {t('settings.invite')}
        </button>
      </form>
      <ErrorNote error={invite.error ?? revoke.error ?? invitations.error} />
      {invite.data ? (
        <div className="once" role="status">
          <p>{t('settings.inviteLink', { email: invite.data.email })}</p>
          <input readOnly aria-label={t('settings.inviteLink', { email: invite.data.email })} value={invite.data.invite_url} onFocus={(e) => e.target.select()} />
        </div>
      ) : null}
      {invitations.data?.data.length === 0 ? <p className="muted">{t('settings.noInvitations')}</p> : null}
      <ul className="plain">
        {invitations.data?.data.map((i) => (
          <li key={i.id} className="line">
            <span>
              {i.email} · {t(`role.${i.role}` as Key)} · {state(i)}
              {!i.accepted_at && !i.revoked_at ? <span className="muted"> · {t('settings.expires', { when: formatDateTime(i.expires_at, format) })}</span> : null}
            </span>
            {!i.accepted_at && !i.revoked_at ? (
              <button type="button" onClick={() => revoke.mutate(i.id)}>
                {t('settings.revoke')}
                <span className="sr-only"> {i.email}</span>
              </button>
            ) : null}
          </li>
        ))}
      </ul>
    </section>
  );
}

function ApiKeys() {
  const t = useT();
  const qc = useQueryClient();
  const { workspaceId, format } = useSession();
  const [name, setName] = useState('');
  const [readOnly, setReadOnly] = useState(false);
  const keys = useQuery({ queryKey: ['api-keys', workspaceId], queryFn: () => ok(api.GET('/api/v1/api-keys')) });
  const refresh = () => qc.invalidateQueries({ queryKey: ['api-keys', workspaceId] });
  const create = useMutation({
    mutationFn: () => ok(api.POST('/api/v1/api-keys', { body: { name, read_only: readOnly } })),
    onSuccess: () => setName(''),
    onSettled: refresh,
  });
  const revoke = useMutation({
    mutationFn: (id: string) => ok(api.DELETE('/api/v1/api-keys/{id}', { params: { path: { id } } })),
    onSettled: refresh,
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate();
  };
  return (
    <section className="card" aria-labelledby="keys-title">
      <h2 id="keys-title">{t('settings.apiKeys')}</h2>
      <form className="row" onSubmit={submit}>
        <Field label={t('settings.keyName')} id="key-name">
          <input id="key-name" required maxLength={100} value={name} onChange={(e) => setName(e.target.value)} />
        </Field>
        <label className="check">
          <input type="checkbox" checked={readOnly} onChange={(e) => setReadOnly(e.target.checked)} /> {t('settings.readOnly')}
        </label>
        <button type="submit" className="primary" disabled={create.isPending}>
          {t('settings.createKey')}
        </button>
      </form>
      <ErrorNote error={create.error ?? revoke.error ?? keys.error} />
      {create.data ? (
        <div className="once" role="status">
          <p>{t('settings.keyShownOnce')}</p>
          <input readOnly aria-label={t('settings.keyShownOnce')} value={create.data.key} onFocus={(e) => e.target.select()} />
        </div>
      ) : null}
      {keys.data?.data.filter((k) => !k.revoked_at).length === 0 ? <p className="muted">{t('settings.noKeys')}</p> : null}
      <ul className="plain">
        {keys.data?.data
          .filter((k) => !k.revoked_at)
          .map((k) => (
            <li key={k.id} className="line">
              <span>
                {k.name} · <code>{k.prefix}…</code>
                {k.read_only ? ` · ${t('settings.readOnly')}` : ''} ·{' '}
                <span className="muted">{k.last_used_at ? t('settings.lastUsed', { when: formatDateTime(k.last_used_at, format) }) : t('settings.never')}</span>
              </span>
              <button type="button" className="danger" onClick={() => revoke.mutate(k.id)}>
                {t('settings.revoke')}
                <span className="sr-only"> {k.name}</span>
              </button>
            </li>
          ))}
      </ul>
    </section>
  );
}
