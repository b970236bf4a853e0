// Mentions: a teammate named in a private note is told in the app. The top bar shows how many
// are unread (refetched live when the inbox stream's note.created names the person), a short
// notice says who mentioned them, and /mentions lists them; opening a conversation reads its
// mentions.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { api, ok, type Schemas } from '../api/client';
import { ErrorNote, Loading } from '../components';
import { formatDateTime } from '../format';
import { useT, type Key } from '../i18n';
import { useLive } from '../live';
import { linkProps, navigate } from '../router';
import { atLeast, useSession } from '../session';
import { memberName, useMembers } from './InboxTools';
import { useMentionsT } from './mentions.i18n';

type Mention = Schemas['Mention'];

/** The caller's latest mentions and unread count; polled only while the live stream is down. */
export function useMentions() {
  const { workspaceId } = useSession();
  const live = useLive();
  return useQuery({
    queryKey: ['mentions', workspaceId],
    queryFn: () => ok(api.GET('/api/v1/mentions', { params: { query: { limit: 50 } } })),
    refetchInterval: live ? 60_000 : 5_000,
  });
}

function useMarkRead() {
  const { workspaceId } = useSession();
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: Schemas['MentionRead']) => ok(api.POST('/api/v1/mentions/read', { body })),
    onSettled: () => qc.invalidateQueries({ queryKey: ['mentions', workspaceId] }),
  });
}

/** Opening a conversation reads the caller's mentions in it. */
export function useReadMentionsOf(conversationId: string) {
  const { role } = useSession();
  const mentions = useMentions();
  const mark = useMarkRead();
  const unreadHere = (mentions.data?.data ?? []).some((m) => m.conversation_id === conversationId && m.read_at === null);
  const { mutate } = mark;
  useEffect(() => {
    if (unreadHere && atLeast(role, 'member')) mutate({ conversation_id: conversationId });
  }, [unreadHere, conversationId, role, mutate]);
}

/** The top bar's link to the mentions, with the unread count, and a notice when a new one arrives. */
export function MentionsLink({ current }: { current: boolean }) {
  const tm = useMentionsT();
  const mentions = useMentions();
  const members = useMembers();
  const unread = mentions.data?.unread_count ?? 0;
  // A notice for mentions that arrive while the app is open (not those there at sign-in).
  const seen = useRef<Set<string> | null>(null);
  const [fresh, setFresh] = useState<Mention | null>(null);
  useEffect(() => {
    const data = mentions.data?.data;
    if (!data) return;
    if (seen.current === null) {
      seen.current = new Set(data.map((m) => m.note_id));
      return;
    }
    const arrived = data.find((m) => m.read_at === null && !seen.current!.has(m.note_id));
    for (const m of data) seen.current.add(m.note_id);
    if (arrived) setFresh(arrived);
  }, [mentions.data]);
  useEffect(() => {
    if (fresh && (unread === 0 || current)) setFresh(null);
  }, [fresh, unread, current]);
  const author = (m: Mention) => (m.author_id ? memberName(members.data?.data.find((x) => x.user_id === m.author_id)) : tm('someone'));
  return (
    <>
      <a {...linkProps('/mentions')} aria-current={current ? 'page' : undefined}>
        {tm('nav')}
        {unread > 0 ? (
          <span className="badge count" aria-label={tm('unread', { count: unread })}>
            {unread}
          </span>
        ) : null}
      </a>
      <div className="mention-toast-region" role="status" aria-live="polite">
        {fresh ? (
          <div className="mention-toast">
            <a
              {...linkProps(`/inbox/${fresh.conversation_id}`)}
              onClick={(e) => {
                e.preventDefault();
                setFresh(null);
                navigate(`/inbox/${fresh.conversation_id}`);
              }}
            >
              {tm('toast', { author: author(fresh), text: fresh.body.length > 80 ? `${fresh.body.slice(0, 80)}…` : fresh.body })}
            </a>
            <button type="button" className="link" onClick={() => setFresh(null)}>
              {tm('dismiss')}
            </button>
          </div>
        ) : null}
      </div>
    </>
  );
}

export function MentionsPage() {
  const t = useT();
  const tm = useMentionsT();
  const { format, role } = useSession();
  const mentions = useMentions();
  const members = useMembers();
  const mark = useMarkRead();
  const canMark = atLeast(role, 'member');
  const author = (m: Mention) => (m.author_id ? memberName(members.data?.data.find((x) => x.user_id === m.author_id)) : tm('someone'));
  const list = mentions.data?.data ?? [];
  return (
    <main id="main" className="page mentions">
      <div className="mentions-head">
        <h1>{tm('title')}</h1>
        {canMark && (mentions.data?.unread_count ?? 0) > 0 ? (
          <button type="button" onClick={() => mark.mutate({})} disabled={mark.isPending}>
            {tm('markAll')}
          </button>
        ) : null}
      </div>
      <p className="muted">{tm('intro')}</p>
      <ErrorNote error={mark.error} />
      {mentions.isPending ? (
        <Loading />
      ) : mentions.error ? (
        <ErrorNote error={mentions.error} retry={() => mentions.refetch()} />
      ) : list.length === 0 ? (
        <p className="empty">{tm('empty')}</p>
      ) : (
        <ul className="mention-list">
          {list.map((m) => (
            <li key={m.note_id} className={m.read_at === null ? 'unread' : undefined}>
              <p className="mention-meta">
                {m.read_at === null ? <span className="badge unread">{tm('isUnread')}</span> : null}{' '}
                <strong>{tm('by', { author: author(m), contact: m.contact.name ?? m.contact.phone ?? '—', channel: t(`channel.${m.channel}` as Key) })}</strong>{' '}
                <time dateTime={m.created_at}>{formatDateTime(m.created_at, format)}</time>
              </p>
              <p className="mention-body">{m.body}</p>
              <p className="mention-actions">
                <a
                  {...linkProps(`/inbox/${m.conversation_id}`)}
                  onClick={(e) => {
                    e.preventDefault();
                    if (canMark && m.read_at === null) mark.mutate({ note_ids: [m.note_id] });
                    navigate(`/inbox/${m.conversation_id}`);
                  }}
                >
                  {tm('open')}
                </a>
                {canMark && m.read_at === null ? (
                  <button type="button" className="link" onClick={() => mark.mutate({ note_ids: [m.note_id] })}>
                    {tm('markRead')}
                  </button>
                ) : null}
              </p>
            </li>
          ))}
        </ul>
      )}
    </main>
  );
}
