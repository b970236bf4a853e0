import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { forwardRef, useEffect, useImperativeHandle, useRef, useState } from 'react';
import { api, ok, type Schemas } from '../api/client';
import type { paths } from '../api/schema';
import { ErrorNote, Loading } from '../components';
import { formatDateTime, formatMoney, formatWhen } from '../format';
import { useT, type Key } from '../i18n';
import { useLive } from '../live';
import { linkProps, navigate } from '../router';
import { useReadMentionsOf } from './Mentions';
import { atLeast, useSession } from '../session';
import { isTypingTarget } from './inbox-text';
import { useInboxToolsT } from './inbox-tools.i18n';
import { LeadExtras } from './LeadExtras';
import { AssignSelect, AssistantFacts, Composer, memberName, ShortcutsDialog, SnoozeMenu, useMembers, type ComposerHandle } from './InboxTools';

type Conversation = Schemas['Conversation'];
type Message = Schemas['Message'];
type Note = Schemas['Note'];
type ListQuery = NonNullable<paths['/api/v1/conversations']['get']['parameters']['query']>;

const CHANNELS = ['whatsapp', 'sms', 'voice', 'webchat', 'amara'] as const;
const STATUSES = ['open', 'pending', 'snoozed', 'resolved'] as const;
// While the event stream is down (or before it connects) the open screens ask again this
// often; with it up they only refetch what an event names, plus a slow safety net.
const POLL_MS = 2_000;
const SAFETY_MS = 30_000;

interface Filters {
  channel: '' | (typeof CHANNELS)[number];
  status: '' | (typeof STATUSES)[number];
  owner: '' | 'ai' | 'human';
  assignee: '' | 'me' | 'none';
  needsPerson: boolean;
  unread: boolean;
}

const contactLabel = (c: Conversation['contact']) => c.name ?? c.phone ?? '—';

export function InboxPage({ conversationId }: { conversationId: string | null }) {
  const t = useT();
  const { workspaceId } = useSession();
  const tt = useInboxToolsT();
  const [filters, setFilters] = useState<Filters>({ channel: '', status: 'open', owner: '', assignee: '', needsPerson: false, unread: false });
  // The search box asks the API (q: words in any message) once typing pauses.
  const [search, setSearch] = useState('');
  const [q, setQ] = useState('');
  useEffect(() => {
    const timer = setTimeout(() => setQ(search.trim()), 250);
    return () => clearTimeout(timer);
  }, [search]);
  const query: ListQuery = {
    limit: 50,
    ...(q ? { q } : {}),
    ...(filters.channel ? { channel: filters.channel } : {}),
    ...(filters.status ? { status: filters.status } : {}),
    ...(filters.owner ? { owner: filters.owner } : {}),
    ...(filters.assignee ? { assignee: filters.assignee } : {}),
    ...(filters.needsPerson ? { needs_person: 'true' as const } : {}),
    ...(filters.unread ? { unread: 'true' as const } : {}),
  };
  const live = useLive();
  const list = useQuery({
    queryKey: ['conversations', workspaceId, query],
    queryFn: () => ok(api.GET('/api/v1/conversations', { params: { query } })),
    refetchInterval: live ? SAFETY_MS : POLL_MS,
    placeholderData: keepPreviousData,
  });
  const set = <K extends keyof Filters>(k: K) => (e: { target: { value: string } }) => setFilters((f) => ({ ...f, [k]: e.target.value as Filters[K] }));

  // Keyboard shortcuts (Linear-style), never while typing in a field: j/k move through the
  // list, t takes over, c closes, r replies, n writes a note, / searches, ? lists them.
  const thread = useRef<ThreadHandle>(null);
  const searchRef = useRef<HTMLInputElement>(null);
  const [help, setHelp] = useState(false);
  const ids = (list.data?.data ?? []).map((c) => c.id);
  const keys = useRef({ ids, conversationId });
  keys.current = { ids, conversationId };
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.defaultPrevented || e.ctrlKey || e.metaKey || e.altKey || isTypingTarget(e.target)) return;
      const { ids: order, conversationId: current } = keys.current;
      const move = (step: number) => {
        if (order.length === 0) return;
        const at = current ? order.indexOf(current) : -1;
        const next = at < 0 ? (step > 0 ? 0 : order.length - 1) : Math.min(order.length - 1, Math.max(0, at + step));
        navigate(`/inbox/${order[next]}`);
      };
      const actions: Record<string, () => void> = {
        j: () => move(1),
        k: () => move(-1),
        t: () => thread.current?.takeOver(),
        c: () => thread.current?.close(),
        r: () => thread.current?.compose('reply'),
        n: () => thread.current?.compose('note'),
        '/': () => searchRef.current?.focus(),
        '?': () => setHelp(true),
      };
      const action = actions[e.key];
      if (!action) return;
      e.preventDefault();
      action();
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, []);

  return (
    <main id="main" className={`inbox ${conversationId ? 'has-thread' : ''}`}>
      <section className="inbox-list" aria-labelledby="inbox-title">
        <h1 id="inbox-title">{t('inbox.title')}</h1>
        <div className="inbox-search" role="search">
          <label>
            {tt('search')}
            <input
              ref={searchRef}
              type="search"
              value={search}
              onChange={(e) => setSearch(e.target.value)}
              onKeyDown={(e) => {
                if (e.key === 'Escape') (e.target as HTMLInputElement).blur();
              }}
            />
          </label>
          <button type="button" className="link" onClick={() => setHelp(true)} aria-label={tt('shortcutsOpen')} title={tt('shortcutsOpen')}>
            ?
          </button>
        </div>
        <fieldset className="filters">
          <legend className="sr-only">{t('inbox.filters')}</legend>
          <label>
            {t('inbox.channel')}
            <select value={filters.channel} onChange={set('channel')}>
              <option value="">{t('inbox.all')}</option>
              {CHANNELS.map((c) => (
                <option key={c} value={c}>
                  {t(`channel.${c}` as Key)}
                </option>
              ))}
            </select>
          </label>
          <label>
            {t('inbox.status')}
            <select value={filters.status} onChange={set('status')}>
              <option value="">{t('inbox.all')}</option>
              {STATUSES.map((s) => (
                <option key={s} value={s}>
                  {t(`status.${s}` as Key)}
                </option>
              ))}
            </select>
          </label>
          <label>
            {t('inbox.owner')}
            <select value={filters.owner} onChange={set('owner')}>
              <option value="">{t('inbox.all')}</option>
              <option value="human">{t('inbox.person')}</option>
              <option value="ai">{t('inbox.assistant')}</option>
            </select>
          </label>
          <label>
            {t('inbox.assignee')}
            <select value={filters.assignee} onChange={set('assignee')}>
              <option value="">{t('inbox.all')}</option>
              <option value="me">{t('inbox.me')}</option>
              <option value="none">{t('inbox.unassigned')}</option>
            </select>
          </label>
          <label className="check">
            <input type="checkbox" checked={filters.needsPerson} onChange={(e) => setFilters((f) => ({ ...f, needsPerson: e.target.checked }))} />
            {t('inbox.needsPerson')}
          </label>
          <label className="check">
            <input type="checkbox" checked={filters.unread} onChange={(e) => setFilters((f) => ({ ...f, unread: e.target.checked }))} />
            {t('inbox.unreadOnly')}
          </label>
        </fieldset>
        {list.error ? <ErrorNote error={list.error} retry={() => list.refetch()} /> : null}
        {list.isPending ? <Loading /> : null}
        {list.data && list.data.data.length === 0 ? <p className="empty">{t('inbox.empty')}</p> : null}
        {list.data && list.data.data.length > 0 ? (
          <ul className="conversation-list" aria-label={t('inbox.conversations')}>
            {list.data.data.map((c) => (
              <ConversationItem key={c.id} c={c} selected={c.id === conversationId} />
            ))}
          </ul>
        ) : null}
      </section>
      {help ? <ShortcutsDialog onClose={() => setHelp(false)} /> : null}
      {conversationId ? (
        <Thread key={conversationId} ref={thread} id={conversationId} live={live} />
      ) : (
        <section className="thread placeholder" aria-label={t('thread.messages')}>
          <p className="muted">{t('inbox.pick')}</p>
        </section>
      )}
    </main>
  );
}

function ConversationItem({ c, selected }: { c: Conversation; selected: boolean }) {
  const t = useT();
  const { format } = useSession();
  return (
    <li>
      <a {...linkProps(`/inbox/${c.id}`)} className={`conversation ${selected ? 'selected' : ''}`} aria-current={selected ? 'true' : undefined}>
        <span className="who">{contactLabel(c.contact)}</span>
        <span className="when">
          <time dateTime={c.last_message_at ?? c.created_at}>{formatWhen(c.last_message_at ?? c.created_at, format)}</time>
        </span>
        <span className="meta">
          <span className={`badge channel-${c.channel}`}>{t(`channel.${c.channel}` as Key)}</span>
          <span className="badge">{t(`status.${c.status}` as Key)}</span>
          {c.needs_person ? <span className="badge human">{t('inbox.needsPerson')}</span> : c.owner === 'human' ? <span className="badge">{t('inbox.person')}</span> : null}
          {c.unread_count > 0 ? <span className="badge unread">{t('inbox.unread', { count: c.unread_count })}</span> : null}
        </span>
      </a>
    </li>
  );
}

const senderKey: Record<Message['sender_kind'], Key> = {
  contact: 'thread.customer',
  assistant: 'thread.assistant',
  agent: 'thread.staff',
  system: 'thread.system',
};

interface ThreadHandle {
  takeOver(): void;
  close(): void;
  compose(mode: 'reply' | 'note'): void;
}

type ThreadItem = { kind: 'message'; at: string; m: Message } | { kind: 'note'; at: string; n: Note };

const Thread = forwardRef<ThreadHandle, { id: string; live: boolean }>(function Thread({ id, live }, outer) {
  const t = useT();
  const tt = useInboxToolsT();
  const members = useMembers();
  const composer = useRef<ComposerHandle>(null);
  const qc = useQueryClient();
  const { workspaceId, role, format } = useSession();
  const conversation = useQuery({
    queryKey: ['conversation', workspaceId, id],
    queryFn: () => ok(api.GET('/api/v1/conversations/{id}', { params: { path: { id }, query: { limit: 100 } } })),
    refetchInterval: live ? SAFETY_MS : POLL_MS,
  });
  useReadMentionsOf(id);
  const refresh = () => Promise.all([qc.invalidateQueries({ queryKey: ['conversation', workspaceId, id] }), qc.invalidateQueries({ queryKey: ['conversations', workspaceId] })]);
  const act = useMutation({
    mutationFn: async (action: 'takeover' | 'hand-back' | 'resolve' | 'reopen') => {
      const params = { params: { path: { id } } };
      if (action === 'takeover') return ok(api.POST('/api/v1/conversations/{id}/takeover', params));
      if (action === 'hand-back') return ok(api.POST('/api/v1/conversations/{id}/hand-back', params));
      return ok(api.POST('/api/v1/conversations/{id}/status', { ...params, body: { status: action === 'resolve' ? 'resolved' : 'open' } }));
    },
    onSettled: refresh,
  });
  const canAct = atLeast(role, 'member');
  useImperativeHandle(outer, () => ({
    takeOver() {
      if (canAct && conversation.data?.owner === 'ai') act.mutate('takeover');
    },
    close() {
      if (canAct && conversation.data && conversation.data.status !== 'resolved') act.mutate('resolve');
    },
    compose(mode) {
      if (canAct) composer.current?.focus(mode);
    },
  }));
  const end = useRef<HTMLDivElement>(null);
  const count = (conversation.data?.messages.length ?? 0) + (conversation.data?.notes.length ?? 0);
  useEffect(() => {
    end.current?.scrollIntoView?.({ block: 'end' });
  }, [count]);

  if (conversation.isPending) {
    return (
      <section className="thread">
        <Loading />
      </section>
    );
  }
  if (!conversation.data) {
    return (
      <section className="thread">
        <ErrorNote error={conversation.error} retry={() => conversation.refetch()} />
      </section>
    );
  }
  const c = conversation.data;
  const name = contactLabel(c.contact);
  const byId = new Map((members.data?.data ?? []).map((m) => [m.user_id, m]));
  // Messages and the team's notes, in the order they were written.
  const items: ThreadItem[] = [
    ...c.messages.map((m) => ({ kind: 'message' as const, at: m.created_at, m })),
    ...c.notes.map((n) => ({ kind: 'note' as const, at: n.created_at, n })),
  ].sort((a, b) => a.at.localeCompare(b.at));
  return (
    <>
      <section className="thread" aria-labelledby="thread-title">
        <div className="thread-head">
          <a {...linkProps('/inbox')} className="back">
            ← {t('inbox.back')}
          </a>
          <h2 id="thread-title">{t('thread.title', { name })}</h2>
          <p className="muted">
            {t(`channel.${c.channel}` as Key)} · {t(`status.${c.status}` as Key)} · <strong>{t(c.owner === 'ai' ? 'thread.ownerAi' : 'thread.ownerHuman')}</strong>
          </p>
          {canAct ? (
            <div className="actions">
              {c.owner === 'ai' ? (
                <button type="button" onClick={() => act.mutate('takeover')} disabled={act.isPending}>
                  {t('thread.takeOver')}
                </button>
              ) : (
                <button type="button" onClick={() => act.mutate('hand-back')} disabled={act.isPending}>
                  {t('thread.handBack')}
                </button>
              )}
              {c.status === 'resolved' ? (
                <button type="button" onClick={() => act.mutate('reopen')} disabled={act.isPending}>
                  {t('thread.reopen')}
                </button>
              ) : (
                <button type="button" onClick={() => act.mutate('resolve')} disabled={act.isPending}>
                  {t('thread.resolve')}
                </button>
              )}
            </div>
          ) : null}
          {canAct ? (
            <div className="thread-tools">
              <AssignSelect c={c} onDone={refresh} />
              <SnoozeMenu c={c} onDone={refresh} />
            </div>
          ) : null}
          <ErrorNote error={act.error} />
        </div>
        <ol className="messages" aria-label={t('thread.messages')} aria-live="polite">
          {c.messages.length === 0 ? <li className="muted">{t('thread.noMessages')}</li> : null}
          {items.map((item) =>
            item.kind === 'note' ? (
              <li key={item.n.id} className="message note">
                <span className="sender">{item.n.author_id ? tt('noteBy', { name: memberName(byId.get(item.n.author_id)) }) : tt('note')}</span>
                <p className="body">{item.n.body}</p>
                <span className="muted small">
                  <time dateTime={item.n.created_at}>{formatDateTime(item.n.created_at, format)}</time>
                  {item.n.mentions.length ? ` · ${tt('mentions', { names: item.n.mentions.map((u) => memberName(byId.get(u))).join(', ') })}` : ''}
                </span>
              </li>
            ) : (
              <MessageItem key={item.m.id} m={item.m} />
            ),
          )}
        </ol>
        <div ref={end} />
        {canAct ? <Composer ref={composer} c={c} onDone={refresh} /> : null}
      </section>
      <LeadPanel contactId={c.contact_id} />
    </>
  );
});

function MessageItem({ m }: { m: Message }) {
  const t = useT();
  const { format } = useSession();
  return (
            <li className={`message ${m.sender_kind}`}>
              <span className="sender">{t(senderKey[m.sender_kind])}</span>
              <p className="body">{m.body}</p>
              <span className="muted small">
                <time dateTime={m.created_at}>{formatDateTime(m.created_at, format)}</time>
                {m.direction === 'outbound' ? (
                  <>
                    {' · '}
                    <span className={`delivery ${m.delivery_status}`}>
                      {m.delivery_status === 'failed' ? t('thread.failed', { reason: m.error ?? '?' }) : deliveryLabel(t, m.delivery_status)}
                    </span>
                  </>
                ) : null}
                {m.assistant ? (
                  <>
                    {' · '}
                    <AssistantFacts facts={m.assistant} />
                  </>
                ) : null}
              </span>
            </li>
  );
}

function deliveryLabel(t: ReturnType<typeof useT>, status: string) {
  const key = `delivery.${status}` as Key;
  const s = t(key);
  return s === key || s === undefined ? status : s;
}

function LeadPanel({ contactId }: { contactId: string }) {
  const t = useT();
  const { workspaceId, format } = useSession();
  const contact = useQuery({
    queryKey: ['contact', workspaceId, contactId],
    queryFn: () => ok(api.GET('/api/v1/contacts/{id}', { params: { path: { id: contactId } } })),
    refetchInterval: POLL_MS * 5,
  });
  const k = contact.data;
  return (
    <aside className="lead" aria-labelledby="lead-title">
      <h2 id="lead-title">{t('lead.title')}</h2>
      {contact.error ? <ErrorNote error={contact.error} /> : null}
      {k ? (
        <dl>
          <dt>{t('lead.name')}</dt>
          <dd>{k.name ?? '—'}</dd>
          <dt>{t('lead.phone')}</dt>
          <dd>{k.phone ?? '—'}</dd>
          {k.email ? (
            <>
              <dt>{t('lead.email')}</dt>
              <dd>{k.email}</dd>
            </>
          ) : null}
          <dt>{t('lead.score')}</dt>
          <dd>{k.lead_score}</dd>
          <dt>{t('lead.temperature')}</dt>
          <dd>{k.lead_temperature ? <span className={`badge temp-${k.lead_temperature}`}>{k.lead_temperature}</span> : '—'}</dd>
          <dt>{t('lead.state')}</dt>
          <dd>{k.lead_status}</dd>
          {k.tags.length ? (
            <>
              <dt>{t('lead.tags')}</dt>
              <dd>{k.tags.join(', ')}</dd>
            </>
          ) : null}
          <dt>{t('lead.spent')}</dt>
          <dd>{formatMoney(k.total_spent, format)}</dd>
        </dl>
      ) : (
        <Loading />
      )}
      <LeadExtras contactId={contactId} />
    </aside>
  );
}
