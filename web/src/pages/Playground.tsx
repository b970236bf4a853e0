import { useMutation } from '@tanstack/react-query';
import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { api, ok, type Schemas } from '../api/client';
import { ErrorNote } from '../components';
import { useAssistantT } from './assistant.i18n';

type Turn = Schemas['PlaygroundTurn'];
const CHANNELS = ['webchat', 'whatsapp', 'sms', 'voice'] as const;

/**
 * Talk to the workspace's assistant as a customer: every send replays the conversation so far
 * on the server, in a transaction that is rolled back, so no contact or message is created and
 * nothing is sent. Each turn shows the reply and what the assistant made of it.
 */
export function Playground({ onClose }: { onClose: () => void }) {
  const t = useAssistantT();
  const id = useId();
  const [channel, setChannel] = useState<(typeof CHANNELS)[number]>('webchat');
  const [turns, setTurns] = useState<Turn[]>([]);
  const [text, setText] = useState('');
  const input = useRef<HTMLTextAreaElement>(null);
  const end = useRef<HTMLDivElement>(null);
  const send = useMutation({
    mutationFn: (messages: string[]) => ok(api.POST('/api/v1/assistant/playground', { body: { channel, messages } })),
    onSuccess: (data) => {
      setTurns(data.turns);
      setText('');
    },
  });
  useEffect(() => {
    end.current?.scrollIntoView({ block: 'nearest' });
  }, [turns.length]);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const message = text.trim();
    if (!message || send.isPending) return;
    send.mutate([...turns.map((x) => x.message), message]);
  };
  const last = turns[turns.length - 1];
  return (
    <aside className="playground card" aria-labelledby={`${id}-title`}>
      <div className="section-head">
        <h2 id={`${id}-title`}>{t('playground')}</h2>
        <button type="button" onClick={onClose}>
          {t('closePanel')}
        </button>
      </div>
      <p className="muted small">{t('playgroundHelp')}</p>
      <div className="row">
        <label className="inline-select">
          <span>{t('channel')}</span>
          <select value={channel} onChange={(e) => setChannel(e.target.value as typeof channel)}>
            {CHANNELS.map((c) => (
              <option key={c} value={c}>
                {t(`channel.${c}`)}
              </option>
            ))}
          </select>
        </label>
        <button
          type="button"
          onClick={() => {
            setTurns([]);
            send.reset();
            input.current?.focus();
          }}
          disabled={turns.length === 0}
        >
          {t('startOver')}
        </button>
      </div>
      <ol className="pg-turns" aria-label={t('transcript')}>
        {turns.map((turn, i) => (
          <li key={i} className="pg-turn">
            <p className="pg-customer">
              <span className="sr-only">{t('you')}: </span>
              {turn.message}
            </p>
            <p className="pg-reply">
              <span className="sr-only">{t('assistant')}: </span>
              {turn.reply ?? <em>{t('silent')}</em>}
            </p>
            <TurnFacts turn={turn} />
          </li>
        ))}
      </ol>
      <div ref={end} />
      <p className="sr-only" role="status" aria-live="polite">
        {send.isPending ? t('thinking') : last?.reply ? t('replied', { reply: last.reply }) : ''}
      </p>
      <ErrorNote error={send.error} />
      <form onSubmit={submit} className="pg-form">
        <label htmlFor={`${id}-msg`}>{t('asCustomer')}</label>
        <textarea
          id={`${id}-msg`}
          ref={input}
          rows={2}
          value={text}
          onChange={(e) => setText(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter' && !e.shiftKey) submit(e);
          }}
        />
        <button type="submit" className="primary" disabled={send.isPending || !text.trim()}>
          {send.isPending ? t('thinking') : t('send')}
        </button>
      </form>
    </aside>
  );
}

function TurnFacts({ turn }: { turn: Turn }) {
  const t = useAssistantT();
  const used = turn.knowledge.filter((k) => k.used);
  const found = turn.knowledge.filter((k) => !k.used);
  return (
    <div className="pg-facts small">
      <dl>
        <div>
          <dt>{t('state')}</dt>
          <dd>{turn.state}</dd>
        </div>
        <div>
          <dt>{t('score')}</dt>
          <dd>
            {turn.lead_score}
            {turn.lead_temperature ? ` (${turn.lead_temperature})` : ''}
          </dd>
        </div>
        {turn.stage ? (
          <div>
            <dt>{t('stage')}</dt>
            <dd>{turn.stage}</dd>
          </div>
        ) : null}
        <div>
          <dt>{t('writer')}</dt>
          <dd>{turn.model ?? '—'}</dd>
        </div>
        {turn.handoff ? (
          <div>
            <dt>{t('handoff')}</dt>
            <dd>{t('yes')}</dd>
          </div>
        ) : null}
      </dl>
      <div className="pg-knowledge">
        <strong>{t('knowledgeUsed')}</strong>{' '}
        {used.length ? (
          <ul>
            {used.map((k, i) => (
              <li key={i}>
                {t(`source.${k.source}`)}: {k.title}
              </li>
            ))}
          </ul>
        ) : (
          <span className="muted">{t('noneUsed')}</span>
        )}
        {found.length ? (
          <details>
            <summary>{t('alsoFound', { count: found.length })}</summary>
            <ul>
              {found.map((k, i) => (
                <li key={i}>
                  {t(`source.${k.source}`)}: {k.title}
                </li>
              ))}
            </ul>
          </details>
        ) : null}
      </div>
      {turn.trace.length ? (
        <details>
          <summary>{t('why')}</summary>
          <ul>
            {turn.trace.map((l, i) => (
              <li key={i}>{l}</li>
            ))}
          </ul>
        </details>
      ) : null}
    </div>
  );
}
