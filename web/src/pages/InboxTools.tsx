// The tools of the inbox beside the thread: the composer (reply with /saved replies and their
// variables, private notes with @mentions, WhatsApp's 24-hour window and its template),
// assigning, snoozing, the keyboard shortcuts' list and the assistant's figures.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { forwardRef, useEffect, useId, useImperativeHandle, useMemo, useRef, useState, type FormEvent, type KeyboardEvent } from 'react';
import { api, ApiError, ok, type Schemas } from '../api/client';
import { ErrorNote } from '../components';
import { formatDateTime } from '../format';
import { useT } from '../i18n';
import { useSession } from '../session';
import { addDays, instantOf, localDate, mondayOf } from './calendar-time';
import { templateDefaultFor, useInboxToolsT } from './inbox-tools.i18n';
import { SavedRepliesDialog } from './SavedReplies';
import { fillVariables, firstName, formatAppointment, nextUpcoming, replaceRange, triggerAt, type Trigger, type Variables } from './inbox-text';
import './inbox-tools.css';

type ConversationWithMessages = Schemas['ConversationWithMessages'];
type Member = Schemas['Member'];
type SavedReply = Schemas['SavedReply'];

/** The workspace's team (for @mentions, assigning and naming note authors). */
export function useMembers() {
  const { workspaceId } = useSession();
  return useQuery({
    queryKey: ['members', workspaceId],
    queryFn: () => ok(api.GET('/api/v1/members')),
    staleTime: 60_000,
  });
}

export const memberName = (m: Pick<Member, 'name' | 'email'> | undefined) => m?.name ?? m?.email ?? '—';

/** The values saved replies' variables take for this conversation's contact. */
function useVariables(contactId: string): Variables {
  const { workspaceId, format } = useSession();
  // Fixed for the component's life: "from now" is a query key, it must not change each render.
  const [from] = useState(() => new Date().toISOString());
  const contact = useQuery({
    queryKey: ['contact', workspaceId, contactId],
    queryFn: () => ok(api.GET('/api/v1/contacts/{id}', { params: { path: { id: contactId } } })),
  });
  const appointments = useQuery({
    queryKey: ['appointments-ahead', workspaceId, contactId, from],
    queryFn: () => ok(api.GET('/api/v1/appointments', { params: { query: { contact_id: contactId, from, limit: 50 } } })),
  });
  const bookings = useQuery({
    queryKey: ['bookings-ahead', workspaceId, contactId, from],
    queryFn: () => ok(api.GET('/api/v1/bookings', { params: { query: { contact_id: contactId, from, limit: 50 } } })),
  });
  return useMemo(() => {
    const k = contact.data;
    const upcoming = nextUpcoming(
      [
        ...(appointments.data?.data ?? []).map((a) => ({ scheduled_at: a.scheduled_at as string | null, status: a.status as string | null })),
        ...(bookings.data?.data ?? []).map((b) => ({ scheduled_at: b.scheduled_at as string | null, status: b.status })),
      ],
      new Date(),
    );
    return {
      'contact.first_name': firstName(k?.name),
      'contact.name': k?.name,
      'contact.phone': k?.phone,
      'contact.email': k?.email,
      'appointment.next': upcoming?.scheduled_at ? formatAppointment(upcoming.scheduled_at, format.locale, format.timeZone) : null,
    };
  }, [contact.data, appointments.data, bookings.data, format.locale, format.timeZone]);
}

interface Suggestion {
  key: string;
  label: string;
  detail: string;
  insert: string;
  mention?: { userId: string; text: string };
}

/**
 * A textarea that offers completions for the token typed at the cursor: /shortcut (saved
 * replies, filled in) or @name (members). Arrow keys move, Enter or Tab takes, Escape closes.
 */
const SmartTextarea = forwardRef<
  HTMLTextAreaElement,
  {
    id: string;
    value: string;
    onChange: (v: string) => void;
    onSubmit: () => void;
    suggest: (t: Trigger) => Suggestion[] | null;
    onPick?: (s: Suggestion) => void;
    describedBy?: string;
    maxLength: number;
  }
>(function SmartTextarea({ id, value, onChange, onSubmit, suggest, onPick, describedBy, maxLength }, outer) {
  const tt = useInboxToolsT();
  const ref = useRef<HTMLTextAreaElement>(null);
  useImperativeHandle(outer, () => ref.current!);
  const listId = useId();
  const [trigger, setTrigger] = useState<Trigger | null>(null);
  const [active, setActive] = useState(0);
  const options = trigger ? (suggest(trigger) ?? []) : [];
  const open = trigger !== null && (options.length > 0 || trigger.kind === '/');
  // The cursor moves after React has written the new value.
  const pendingCursor = useRef<number | null>(null);
  useEffect(() => {
    if (pendingCursor.current !== null && ref.current) {
      ref.current.setSelectionRange(pendingCursor.current, pendingCursor.current);
      pendingCursor.current = null;
    }
  });

  const look = (text: string, cursor: number) => {
    const t = triggerAt(text, cursor);
    setTrigger(t && suggest(t) !== null ? t : null);
    setActive(0);
  };
  const take = (s: Suggestion) => {
    if (!trigger) return;
    const { text, cursor } = replaceRange(value, trigger.start, trigger.end, s.insert);
    pendingCursor.current = cursor;
    onChange(text);
    onPick?.(s);
    setTrigger(null);
  };
  const onKeyDown = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    if (open && options.length > 0) {
      if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
        e.preventDefault();
        setActive((i) => (i + (e.key === 'ArrowDown' ? 1 : options.length - 1)) % options.length);
        return;
      }
      if (e.key === 'Enter' || e.key === 'Tab') {
        e.preventDefault();
        take(options[Math.min(active, options.length - 1)]!);
        return;
      }
    }
    if (e.key === 'Escape') {
      if (open) {
        e.preventDefault();
        e.stopPropagation();
        setTrigger(null);
      } else {
        ref.current?.blur();
      }
      return;
    }
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
      e.preventDefault();
      onSubmit();
    }
  };
  const activeId = open && options.length > 0 ? `${listId}-${Math.min(active, options.length - 1)}` : undefined;
  return (
    <div className="smart-text">
      <textarea
        ref={ref}
        id={id}
        rows={3}
        value={value}
        maxLength={maxLength}
        role="combobox"
        aria-autocomplete="list"
        aria-expanded={open}
        aria-controls={listId}
        aria-activedescendant={activeId}
        aria-describedby={describedBy}
        onChange={(e) => {
          onChange(e.target.value);
          look(e.target.value, e.target.selectionStart ?? e.target.value.length);
        }}
        onSelect={(e) => {
          const el = e.currentTarget;
          if (el.selectionStart === el.selectionEnd) look(el.value, el.selectionStart);
        }}
        onBlur={() => setTrigger(null)}
        onKeyDown={onKeyDown}
      />
      <ul id={listId} role="listbox" aria-label={tt('suggestions')} className="suggestions" hidden={!open}>
        {open && options.length === 0 && trigger?.kind === '/' ? (
          <li role="option" aria-selected={false} aria-disabled="true" className="muted">
            {tt('noMatch', { query: trigger.query })}
          </li>
        ) : null}
        {options.map((s, i) => (
          <li
            key={s.key}
            id={`${listId}-${i}`}
            role="option"
            aria-selected={i === Math.min(active, options.length - 1)}
            className={i === Math.min(active, options.length - 1) ? 'active' : ''}
            // mousedown, not click: the textarea keeps its focus and its cursor.
            onMouseDown={(e) => {
              e.preventDefault();
              take(s);
            }}
          >
            <strong>{s.label}</strong> <span className="muted small">{s.detail}</span>
          </li>
        ))}
      </ul>
    </div>
  );
});

export interface ComposerHandle {
  focus(mode: 'reply' | 'note'): void;
}

/**
 * The reply box and the note box. A reply on WhatsApp outside the 24-hour window cannot go
 * free-form: the box says why and offers the configured template instead.
 */
/** The API's refusal of a free-form WhatsApp reply outside the 24-hour window. */
const WINDOW_CLOSED = 'conversation.whatsapp_window_closed';

export const Composer = forwardRef<ComposerHandle, { c: ConversationWithMessages; onDone: () => void }>(function Composer({ c, onDone }, outer) {
  const t = useT();
  const tt = useInboxToolsT();
  const { workspaceId, format } = useSession();
  const [mode, setMode] = useState<'reply' | 'note'>('reply');
  const replyRef = useRef<HTMLTextAreaElement>(null);
  const noteRef = useRef<HTMLTextAreaElement>(null);
  const templateRef = useRef<HTMLTextAreaElement>(null);
  const [focusWanted, setFocusWanted] = useState<'reply' | 'note' | null>(null);
  useImperativeHandle(outer, () => ({
    focus(m) {
      setMode(m);
      setFocusWanted(m);
    },
  }));
  useEffect(() => {
    if (!focusWanted) return;
    (focusWanted === 'note' ? noteRef.current : (replyRef.current ?? templateRef.current))?.focus();
    setFocusWanted(null);
  }, [focusWanted, mode]);

  const vars = useVariables(c.contact_id);
  const members = useMembers();
  const saved = useQuery({
    queryKey: ['saved-replies', workspaceId],
    queryFn: () => ok(api.GET('/api/v1/saved-replies', { params: { query: {} } })),
    staleTime: 30_000,
  });

  const [draft, setDraft] = useState('');
  const [noteDraft, setNoteDraft] = useState('');
  const [mentioned, setMentioned] = useState<{ userId: string; text: string }[]>([]);
  const rw = c.reply_window;
  const closed = rw !== null && !rw.free_form;
  const [templateText, setTemplateText] = useState<string | null>(null);
  const templateValue = templateText ?? fillVariables(rw?.template ? templateDefaultFor(rw.template.language) : tt('templateDefault'), vars);

  const reply = useMutation({
    mutationFn: (body: string) => ok(api.POST('/api/v1/conversations/{id}/messages', { params: { path: { id: c.id } }, body: { body } })),
    // The draft stays until the server has the message: a dropped network loses nothing.
    onSuccess: () => setDraft(''),
    onError: (e, body) => {
      // The window closed while the person wrote (the server judges by its own clock): the
      // refetched thread offers the template, and the text moves there rather than vanish.
      if (e instanceof ApiError && e.code === WINDOW_CLOSED) setTemplateText(body);
    },
    onSettled: onDone,
  });
  const template = useMutation({
    mutationFn: (body: string) => ok(api.POST('/api/v1/conversations/{id}/template', { params: { path: { id: c.id } }, body: { body } })),
    onSuccess: () => setTemplateText(null),
    onSettled: onDone,
  });
  const note = useMutation({
    mutationFn: (input: { body: string; mentions: string[] }) => ok(api.POST('/api/v1/conversations/{id}/notes', { params: { path: { id: c.id } }, body: input })),
    onSuccess: () => {
      setNoteDraft('');
      setMentioned([]);
    },
    onSettled: onDone,
  });

  const suggestReplies = (tr: Trigger): Suggestion[] | null => {
    if (tr.kind !== '/') return null;
    return (saved.data?.data ?? [])
      .filter((r: SavedReply) => r.shortcut.startsWith(tr.query))
      .slice(0, 8)
      .map((r) => ({
        key: r.id,
        label: `/${r.shortcut}`,
        detail: `${r.personal ? tt('personal') : tt('team')} · ${r.body.length > 60 ? `${r.body.slice(0, 60)}…` : r.body}`,
        insert: fillVariables(r.body, vars),
      }));
  };
  const suggestMembers = (tr: Trigger): Suggestion[] | null => {
    if (tr.kind !== '@') return null;
    return (members.data?.data ?? [])
      .filter((m) => [m.name ?? '', m.email ?? ''].some((s) => s.toLowerCase().includes(tr.query)))
      .slice(0, 8)
      .map((m) => {
        const text = `@${memberName(m)}`;
        return { key: m.user_id, label: text, detail: m.email ?? '', insert: `${text} `, mention: { userId: m.user_id, text } };
      });
  };

  const submitReply = () => {
    if (draft.trim() && !reply.isPending) reply.mutate(draft.trim());
  };
  const submitNote = () => {
    const body = noteDraft.trim();
    if (!body || note.isPending) return;
    // A mention counts while its @name is still in the text.
    const mentions = [...new Set(mentioned.filter((m) => body.includes(m.text)).map((m) => m.userId))];
    note.mutate({ body, mentions });
  };
  const hintId = useId();
  const windowId = useId();
  const [managing, setManaging] = useState(false);
  const manage = (
    <button type="button" className="link small" onClick={() => setManaging(true)}>
      {tt('manageSaved')}
    </button>
  );

  return (
    <div className="composer">
      {managing ? <SavedRepliesDialog onClose={() => setManaging(false)} /> : null}
      <div className="composer-tabs" role="group" aria-label={tt('composer')}>
        <button type="button" aria-pressed={mode === 'reply'} onClick={() => setMode('reply')}>
          {tt('replyTab')}
        </button>
        <button type="button" aria-pressed={mode === 'note'} className="note-tab" onClick={() => setMode('note')}>
          {tt('noteTab')}
        </button>
      </div>
      {mode === 'note' ? (
        <form
          className="reply note-form"
          onSubmit={(e: FormEvent) => {
            e.preventDefault();
            submitNote();
          }}
        >
          <label htmlFor="note-body">{tt('noteLabel')}</label>
          <SmartTextarea
            id="note-body"
            ref={noteRef}
            value={noteDraft}
            onChange={setNoteDraft}
            onSubmit={submitNote}
            suggest={(tr) => suggestMembers(tr) ?? suggestReplies(tr)}
            onPick={(s) => s.mention && setMentioned((m) => [...m, s.mention!])}
            describedBy={hintId}
            maxLength={4096}
          />
          <p id={hintId} className="muted small">
            {tt('hint')}
          </p>
          {manage}
          {note.error ? <ErrorNote error={new Error(t('thread.saveFailed', { message: note.error.message }))} /> : null}
          <button type="submit" className="primary" disabled={note.isPending || !noteDraft.trim()}>
            {note.isPending ? tt('adding') : tt('addNote')}
          </button>
        </form>
      ) : closed ? (
        <form
          className="reply window-closed"
          onSubmit={(e: FormEvent) => {
            e.preventDefault();
            if (templateValue.trim()) template.mutate(templateValue.trim());
          }}
        >
          <p id={windowId} className="window-notice" role="note">
            {rw.last_customer_message_at && rw.closes_at
              ? tt('windowClosed', { last: formatDateTime(rw.last_customer_message_at, format), when: formatDateTime(rw.closes_at, format) })
              : tt('windowNever')}
          </p>
          {reply.error instanceof ApiError && reply.error.code === WINDOW_CLOSED ? (
            <div role="alert" className="error">
              <p>{reply.error.message}</p>
            </div>
          ) : null}
          {rw.template ? (
            <>
              <label htmlFor="template-body">{tt('templateLabel', { name: rw.template.name, language: rw.template.language })}</label>
              <textarea
                id="template-body"
                ref={templateRef}
                rows={3}
                maxLength={1024}
                value={templateValue}
                aria-describedby={windowId}
                onChange={(e) => setTemplateText(e.target.value)}
              />
              {template.error ? <ErrorNote error={new Error(t('thread.saveFailed', { message: template.error.message }))} /> : null}
              <button type="submit" className="primary" disabled={template.isPending || !templateValue.trim()}>
                {template.isPending ? t('thread.sending') : tt('sendTemplate')}
              </button>
            </>
          ) : (
            <p className="muted">{tt('noTemplate')}</p>
          )}
        </form>
      ) : (
        <form
          className="reply"
          onSubmit={(e: FormEvent) => {
            e.preventDefault();
            submitReply();
          }}
        >
          <label htmlFor="reply-body">{t('thread.replyLabel')}</label>
          <SmartTextarea
            id="reply-body"
            ref={replyRef}
            value={draft}
            onChange={setDraft}
            onSubmit={submitReply}
            suggest={suggestReplies}
            describedBy={hintId}
            maxLength={4096}
          />
          <p id={hintId} className="muted small">
            {tt('hint')}
            {rw?.closes_at ? ` ${tt('windowOpen', { when: formatDateTime(rw.closes_at, format) })}` : ''}
          </p>
          {manage}
          {c.owner === 'ai' ? <p className="muted small">{t('thread.replyTakesOver')}</p> : null}
          {reply.error ? <ErrorNote error={new Error(t('thread.saveFailed', { message: reply.error.message }))} /> : null}
          <button type="submit" className="primary" disabled={reply.isPending || !draft.trim()}>
            {reply.isPending ? t('thread.sending') : t('thread.send')}
          </button>
        </form>
      )}
    </div>
  );
});

/** Assign the conversation to a colleague (or nobody). */
export function AssignSelect({ c, onDone }: { c: ConversationWithMessages; onDone: () => void }) {
  const tt = useInboxToolsT();
  const members = useMembers();
  const id = useId();
  const assign = useMutation({
    mutationFn: (assignee: string | null) => ok(api.POST('/api/v1/conversations/{id}/assign', { params: { path: { id: c.id } }, body: { assignee_id: assignee } })),
    onSettled: onDone,
  });
  return (
    <span className="assign">
      <label htmlFor={id}>{tt('assign')}</label>{' '}
      <select id={id} value={c.assignee_id ?? ''} disabled={assign.isPending} onChange={(e) => assign.mutate(e.target.value || null)}>
        <option value="">{tt('nobody')}</option>
        {(members.data?.data ?? []).map((m) => (
          <option key={m.user_id} value={m.user_id}>
            {memberName(m)}
          </option>
        ))}
      </select>
      <ErrorNote error={assign.error} />
    </span>
  );
}

/** Snooze until a time (in the workspace's zone) or until the customer writes again. */
export function SnoozeMenu({ c, onDone }: { c: ConversationWithMessages; onDone: () => void }) {
  const tt = useInboxToolsT();
  const { format } = useSession();
  const details = useRef<HTMLDetailsElement>(null);
  const [custom, setCustom] = useState('');
  const inputId = useId();
  const snooze = useMutation({
    mutationFn: (until: Date | null) =>
      ok(
        api.POST('/api/v1/conversations/{id}/status', {
          params: { path: { id: c.id } },
          body: until ? { status: 'snoozed', snoozed_until: until.toISOString() } : { status: 'snoozed' },
        }),
      ),
    onSuccess: () => {
      if (details.current) details.current.open = false;
    },
    onSettled: onDone,
  });
  const wake = useMutation({
    mutationFn: () => ok(api.POST('/api/v1/conversations/{id}/status', { params: { path: { id: c.id } }, body: { status: 'open' } })),
    onSettled: onDone,
  });
  const zone = format.timeZone;
  const today = localDate(new Date(), zone);
  const presets: [string, () => Date | null][] = [
    [tt('snooze1h'), () => new Date(Date.now() + 3_600_000)],
    [tt('snoozeTomorrow'), () => instantOf(addDays(today, 1), zone, '09:00')],
    [tt('snoozeMonday'), () => instantOf(addDays(mondayOf(today), 7), zone, '09:00')],
    [tt('snoozeCustomer'), () => null],
  ];
  if (c.status === 'snoozed') {
    return (
      <span className="snoozed">
        <span className="badge">{c.snoozed_until ? tt('snoozedUntil', { when: formatDateTime(c.snoozed_until, format) }) : tt('snoozedCustomer')}</span>{' '}
        <button type="button" onClick={() => wake.mutate()} disabled={wake.isPending}>
          {tt('wake')}
        </button>
      </span>
    );
  }
  if (c.status === 'resolved') return null;
  return (
    <details className="snooze" ref={details}>
      <summary>{tt('snooze')}</summary>
      <div className="snooze-menu" role="group" aria-label={tt('snoozeFor')}>
        {presets.map(([label, when]) => (
          <button key={label} type="button" onClick={() => snooze.mutate(when())} disabled={snooze.isPending}>
            {label}
          </button>
        ))}
        <form
          onSubmit={(e: FormEvent) => {
            e.preventDefault();
            if (!custom) return;
            const [date, time] = custom.split('T') as [string, string];
            snooze.mutate(instantOf(date, zone, time.slice(0, 5)));
          }}
        >
          <label htmlFor={inputId}>{tt('snoozeWhen', { zone })}</label>
          <input id={inputId} type="datetime-local" value={custom} min={`${today}T00:00`} onChange={(e) => setCustom(e.target.value)} />
          <button type="submit" disabled={!custom || snooze.isPending}>
            {tt('snoozeApply')}
          </button>
        </form>
        <ErrorNote error={snooze.error} />
      </div>
    </details>
  );
}

export const SHORTCUTS: { keys: string; label: 'keyJ' | 'keyK' | 'keyT' | 'keyC' | 'keyR' | 'keyN' | 'keySlash' | 'keyHelp' | 'keyEsc' }[] = [
  { keys: 'j', label: 'keyJ' },
  { keys: 'k', label: 'keyK' },
  { keys: 't', label: 'keyT' },
  { keys: 'c', label: 'keyC' },
  { keys: 'r', label: 'keyR' },
  { keys: 'n', label: 'keyN' },
  { keys: '/', label: 'keySlash' },
  { keys: '?', label: 'keyHelp' },
  { keys: 'Esc', label: 'keyEsc' },
];

/** The list of keyboard shortcuts, as a modal dialog. */
export function ShortcutsDialog({ onClose }: { onClose: () => void }) {
  const tt = useInboxToolsT();
  const close = useRef<HTMLButtonElement>(null);
  const titleId = useId();
  const opener = useRef<Element | null>(null);
  useEffect(() => {
    opener.current = document.activeElement;
    close.current?.focus();
    return () => (opener.current as HTMLElement | null)?.focus?.();
  }, []);
  return (
    <div className="dialog-backdrop" onMouseDown={(e) => e.target === e.currentTarget && onClose()}>
      <div
        className="dialog card"
        role="dialog"
        aria-modal="true"
        aria-labelledby={titleId}
        onKeyDown={(e) => {
          if (e.key === 'Escape' || e.key === '?') {
            e.preventDefault();
            e.stopPropagation();
            onClose();
          }
          // The one control keeps the focus inside.
          if (e.key === 'Tab') {
            e.preventDefault();
            close.current?.focus();
          }
        }}
      >
        <h2 id={titleId}>{tt('shortcuts')}</h2>
        <dl className="shortcut-list">
          {SHORTCUTS.map((s) => (
            <div key={s.keys}>
              <dt>
                <kbd>{s.keys}</kbd>
              </dt>
              <dd>{tt(s.label)}</dd>
            </div>
          ))}
        </dl>
        <p className="muted small">{tt('shortcutsNote')}</p>
        <button type="button" ref={close} onClick={onClose}>
          {tt('close')}
        </button>
      </div>
    </div>
  );
}

/** Who wrote an assistant's reply, in how many tokens and how fast: small, beside the time. */
export function AssistantFacts({ facts }: { facts: NonNullable<Schemas['Message']['assistant']> }) {
  const tt = useInboxToolsT();
  const model = facts.model ?? '?';
  const ms = facts.latency_ms ?? '?';
  return <span className="assistant-facts">{facts.tokens ? tt('model', { model, tokens: facts.tokens, ms }) : tt('modelNoTokens', { model, ms })}</span>;
}
