import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { api, ok, type Schemas } from '../api/client';
import type { paths } from '../api/schema';
import { ErrorNote, Loading } from '../components';
import { formatDateTime, formatMoney, formatWhen } from '../format';
import { useT, type Key } from '../i18n';
import { linkProps } from '../router';
import { atLeast, useSession } from '../session';

type Conversation = Schemas['Conversation'];
type Message = Schemas['Message'];
type ListQuery = NonNullable<paths['/api/v1/conversations']['get']['parameters']['query']>;

const CHANNELS = ['whatsapp', 'sms', 'voice', 'webchat', 'amara'] as const;
const STATUSES = ['open', 'pending', 'snoozed', 'resolved'] as const;
// While the event stream is down (or before it connects) the open screens ask again this
// often; with it up they only refetch what an event names, plus a slow safety net.
const POLL_MS = 2_000;
const SAFETY_MS = 30_000;

/**
 * The workspace's inbox events (GET /api/v1/events/stream): each one refetches the list and
 * the thread it concerns. Events are not replayed, so every (re)connection refetches all.
 */
function useInboxEvents(workspaceId: string): boolean {
  const qc = useQueryClient();
  const [live, setLive] = useState(false);
  useEffect(() => {
    if (typeof EventSource === 'undefined') return;
    const source = new EventSource(`/api/v1/events/stream?workspace_id=${encodeURIComponent(workspaceId)}`);
    const refetchAll = () => {
      setLive(true);
      void qc.invalidateQueries({ queryKey: ['conversations', workspaceId] });
      void qc.invalidateQueries({ queryKey: ['conversation', workspaceId] });
    };
    const changed = (e: MessageEvent<string>) => {
      let data: { id?: string; conversation_id?: string } = {};
      try {
        data = JSON.parse(e.data) as typeof data;
      } catch {
        // an event we cannot read still means something changed
      }
      void qc.invalidateQueries({ queryKey: ['conversations', workspaceId] });
      const conversation = data.conversation_id ?? (e.type === 'conversation.updated' ? data.id : undefined);
      void qc.invalidateQueries({ queryKey: conversation ? ['conversation', workspaceId, conversation] : ['conversation', workspaceId] });
    };
    source.addEventListener('ready', refetchAll);
    for (const type of ['message.created', 'message.status', 'conversation.updated']) source.addEventListener(type, changed as EventListener);
    source.addEventListener('revoked', () => source.close());
    source.onerror = () => setLive(false);
    return () => source.close();
  }, [qc, workspaceId]);
  return live;
}

interface Filters {
  channel: '' | (typeof CHANNELS)[number];
  status: '' | (typeof STATUSES)[number];
  owner: '' | 'ai' | 'human';
  assignee: '' | 'me' | 'none';
}

const contactLabel = (c: Conversation['contact']) => c.name ?? c.phone ?? '—';

export function InboxPage({ conversationId }: { conversationId: string | null }) {
  const t = useT();
  const { workspaceId } = useSession();
  const [filters, setFilters] = useState<Filters>({ channel: '', status: 'open', owner: '', assignee: '' });
  const query: ListQuery = {
    limit: 50,
    ...(filters.channel ? { channel: filters.channel } : {}),
    ...(filters.status ? { status: filters.status } : {}),
    ...(filters.owner ? { owner: filters.owner } : {}),
    ...(filters.assignee ? { assignee: filters.assignee } : {}),
  };
  const live = useInboxEvents(workspaceId);
  const list = useQuery({
    queryKey: ['conversations', workspaceId, query],
    queryFn: () => ok(api.GET('/api/v1/conversations', { params: { query } })),
    refetchInterval: live ? SAFETY_MS : POLL_MS,
    placeholderData: keepPreviousData,
  });
  const set = <K extends keyof Filters>(k: K) => (e: { target: { value: string } }) => setFilters((f) => ({ ...f, [k]: e.target.value as Filters[K] }));

  return (
    <main id="main" className={`inbox ${conversationId ? 'has-thread' : ''}`}>
      <section className="inbox-list" aria-labelledby="inbox-title">
        <h1 id="inbox-title">{t('inbox.title')}</h1>
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
              <option value="human">{t('inbox.needsPerson')}</option>
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
      {conversationId ? (
        <Thread id={conversationId} live={live} />
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
          {c.owner === 'human' ? <span className="badge human">{t('inbox.needsPerson')}</span> : null}
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

function Thread({ id, live }: { id: string; live: boolean }) {
  const t = useT();
  const qc = useQueryClient();
  const { workspaceId, role, format } = useSession();
  const conversation = useQuery({
    queryKey: ['conversation', workspaceId, id],
    queryFn: () => ok(api.GET('/api/v1/conversations/{id}', { params: { path: { id }, query: { limit: 100 } } })),
    refetchInterval: live ? SAFETY_MS : POLL_MS,
  });
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
  const [draft, setDraft] = useState('');
  const reply = useMutation({
    mutationFn: (body: string) => ok(api.POST('/api/v1/conversations/{id}/messages', { params: { path: { id } }, body: { body } })),
    // The draft stays until the server has the message: a dropped network loses nothing.
    onSuccess: () => setDraft(''),
    onSettled: refresh,
  });
  const end = useRef<HTMLDivElement>(null);
  const count = conversation.data?.messages.length ?? 0;
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
  const canAct = atLeast(role, 'member');
  const name = contactLabel(c.contact);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (draft.trim()) reply.mutate(draft.trim());
  };
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
          <ErrorNote error={act.error} />
        </div>
        <ol className="messages" aria-label={t('thread.messages')} aria-live="polite">
          {c.messages.length === 0 ? <li className="muted">{t('thread.noMessages')}</li> : null}
          {c.messages.map((m) => (
            <li key={m.id} className={`message ${m.sender_kind}`}>
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
              </span>
            </li>
          ))}
        </ol>
        <div ref={end} />
        {canAct ? (
          <form className="reply" onSubmit={submit}>
            <label htmlFor="reply-body">{t('thread.replyLabel')}</label>
            <textarea
              id="reply-body"
              rows={3}
              value={draft}
              maxLength={4096}
              onChange={(e) => setDraft(e.target.value)}
              onKeyDown={(e) => {
                if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) submit(e);
              }}
            />
            {c.owner === 'ai' ? <p className="muted small">{t('thread.replyTakesOver')}</p> : null}
            {reply.error ? <ErrorNote error={new Error(t('thread.saveFailed', { message: reply.error.message }))} /> : null}
            <button type="submit" className="primary" disabled={reply.isPending || !draft.trim()}>
              {reply.isPending ? t('thread.sending') : t('thread.send')}
            </button>
          </form>
        ) : null}
      </section>
      <LeadPanel contactId={c.contact_id} />
    </>
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
  const appointments = useQuery({
    queryKey: ['appointments', workspaceId, contactId],
    queryFn: () => ok(api.GET('/api/v1/appointments', { params: { query: { contact_id: contactId, limit: 20 } } })),
  });
  // Payments are tied to the ARI conversation their appointment came from.
  const conversationIds = [...new Set((appointments.data?.data ?? []).map((a) => a.ari_conversation_id))];
  const payments = useQuery({
    queryKey: ['payments', workspaceId, conversationIds],
    queryFn: async () =>
      (await Promise.all(conversationIds.map((cid) => ok(api.GET('/api/v1/payments', { params: { query: { ari_conversation_id: cid, limit: 20 } } }))))).flatMap((p) => p.data),
    enabled: conversationIds.length > 0,
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
      <h3>{t('lead.appointments')}</h3>
      {appointments.data?.data.length ? (
        <ul className="plain">
          {appointments.data.data.map((a) => (
            <li key={a.id}>
              <time dateTime={a.scheduled_at}>{formatDateTime(a.scheduled_at, format)}</time> · {a.status}
            </li>
          ))}
        </ul>
      ) : (
        <p className="muted">{t('lead.none')}</p>
      )}
      <h3>{t('lead.payments')}</h3>
      {payments.data?.length ? (
        <ul className="plain">
          {payments.data.map((p) => (
            <li key={p.id}>
              {formatMoney(p.amount, { ...format, currency: p.currency })} · {p.status}
            </li>
          ))}
        </ul>
      ) : (
        <p className="muted">{t('lead.none')}</p>
      )}
    </aside>
  );
}
