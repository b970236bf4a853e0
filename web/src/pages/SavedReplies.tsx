// Saved replies, managed where they are used: a dialog from the reply box lists the team's and
// one's own, and adds, edits and deletes them (the team's: admins and owners, as the API says).
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { api, ok, type Schemas } from '../api/client';
import { ErrorNote, Loading } from '../components';
import { atLeast, useSession } from '../session';
import { useInboxToolsT } from './inbox-tools.i18n';

type SavedReply = Schemas['SavedReply'];

interface Draft {
  id: string | null;
  shortcut: string;
  body: string;
  personal: boolean;
}

export function SavedRepliesDialog({ onClose }: { onClose: () => void }) {
  const tt = useInboxToolsT();
  const qc = useQueryClient();
  const { workspaceId, role } = useSession();
  const canTeam = atLeast(role, 'admin');
  const titleId = useId();
  const first = useRef<HTMLInputElement>(null);
  const opener = useRef<Element | null>(null);
  const empty: Draft = { id: null, shortcut: '', body: '', personal: !canTeam };
  const [draft, setDraft] = useState<Draft>(empty);
  const list = useQuery({
    queryKey: ['saved-replies', workspaceId],
    queryFn: () => ok(api.GET('/api/v1/saved-replies', { params: { query: {} } })),
  });
  useEffect(() => {
    opener.current = document.activeElement;
    first.current?.focus();
    return () => (opener.current as HTMLElement | null)?.focus?.();
  }, []);
  const refresh = () => qc.invalidateQueries({ queryKey: ['saved-replies', workspaceId] });
  const save = useMutation({
    mutationFn: (d: Draft) =>
      d.id
        ? ok(api.PATCH('/api/v1/saved-replies/{id}', { params: { path: { id: d.id } }, body: { shortcut: d.shortcut, body: d.body } }))
        : ok(api.POST('/api/v1/saved-replies', { body: { shortcut: d.shortcut, body: d.body, personal: d.personal } })),
    // The form keeps its content until the server has it.
    onSuccess: () => setDraft(empty),
    onSettled: refresh,
  });
  const remove = useMutation({
    mutationFn: (id: string) => ok(api.DELETE('/api/v1/saved-replies/{id}', { params: { path: { id } } })),
    onSettled: refresh,
  });
  const mayEdit = (r: SavedReply) => r.personal || canTeam;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (draft.shortcut.trim() && draft.body.trim()) save.mutate({ ...draft, shortcut: draft.shortcut.trim().replace(/^\//, ''), body: draft.body.trim() });
  };
  return (
    <div className="dialog-backdrop" onMouseDown={(e) => e.target === e.currentTarget && onClose()}>
      <div
        className="dialog card saved-replies"
        role="dialog"
        aria-modal="true"
        aria-labelledby={titleId}
        onKeyDown={(e) => {
          if (e.key === 'Escape') {
            e.preventDefault();
            e.stopPropagation();
            onClose();
          }
          // The focus stays in the dialog while it is open.
          if (e.key === 'Tab') {
            const focusable = [...e.currentTarget.querySelectorAll<HTMLElement>('button:not([disabled]), input:not([disabled]), textarea')];
            const at = focusable.indexOf(document.activeElement as HTMLElement);
            const next = e.shiftKey ? (at <= 0 ? focusable.length - 1 : at - 1) : at === focusable.length - 1 ? 0 : at + 1;
            if (focusable[next]) {
              e.preventDefault();
              focusable[next].focus();
            }
          }
        }}
      >
        <h2 id={titleId}>{tt('savedTitle')}</h2>
        <p className="muted small">{tt('savedHelp')}</p>
        {list.isPending ? <Loading /> : null}
        <ErrorNote error={list.error ?? remove.error} />
        <ul className="plain saved-list">
          {(list.data?.data ?? []).map((r) => (
            <li key={r.id}>
              <div>
                <strong>/{r.shortcut}</strong> <span className="badge">{r.personal ? tt('personal') : tt('team')}</span>
                <p className="small">{r.body}</p>
              </div>
              {mayEdit(r) ? (
                <span className="saved-actions">
                  <button type="button" onClick={() => setDraft({ id: r.id, shortcut: r.shortcut, body: r.body, personal: r.personal })} aria-label={tt('savedEdit', { shortcut: r.shortcut })}>
                    {tt('edit')}
                  </button>
                  <button type="button" className="danger" onClick={() => remove.mutate(r.id)} disabled={remove.isPending} aria-label={tt('savedDelete', { shortcut: r.shortcut })}>
                    {tt('delete')}
                  </button>
                </span>
              ) : null}
            </li>
          ))}
        </ul>
        <form onSubmit={submit} className="saved-form">
          <h3>{draft.id ? tt('savedEditing', { shortcut: draft.shortcut }) : tt('savedNew')}</h3>
          <label htmlFor="saved-shortcut">{tt('shortcut')}</label>
          <input id="saved-shortcut" ref={first} value={draft.shortcut} maxLength={41} autoComplete="off" onChange={(e) => setDraft({ ...draft, shortcut: e.target.value })} />
          <label htmlFor="saved-body">{tt('savedBody')}</label>
          <textarea id="saved-body" rows={3} maxLength={4096} value={draft.body} onChange={(e) => setDraft({ ...draft, body: e.target.value })} aria-describedby="saved-vars" />
          <p id="saved-vars" className="muted small">
            {tt('savedVariables')}
          </p>
          {draft.id ? null : (
            <label className="check">
              <input type="checkbox" checked={draft.personal} disabled={!canTeam} onChange={(e) => setDraft({ ...draft, personal: e.target.checked })} /> {tt('savedPersonal')}
            </label>
          )}
          <ErrorNote error={save.error} />
          <div className="saved-actions">
            {draft.id ? (
              <button type="button" onClick={() => setDraft(empty)}>
                {tt('cancel')}
              </button>
            ) : null}
            <button type="submit" className="primary" disabled={save.isPending || !draft.shortcut.trim() || !draft.body.trim()}>
              {tt('save')}
            </button>
            <button type="button" onClick={onClose}>
              {tt('close')}
            </button>
          </div>
        </form>
      </div>
    </div>
  );
}
