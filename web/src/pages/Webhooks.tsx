// Outbound webhooks (admins): add an endpoint with the events it wants (its signing secret is
// shown once), enable, disable, test or delete it, read its deliveries with every attempt, and
// replay one by hand. Everything through /api/v1/webhooks. Loaded on first use.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useId, useState, type FormEvent } from 'react';
import { api, ok, type Schemas } from '../api/client';
import { ErrorNote, Field, Loading } from '../components';
import { formatDateTime } from '../format';
import { useSession } from '../session';
import { useWebhooksT } from './webhooks.i18n';

type Endpoint = Schemas['WebhookEndpoint'];
type Delivery = Schemas['WebhookDelivery'];
type EventType = Schemas['WebhookEventType'];

export default function WebhooksPage() {
  const t = useWebhooksT();
  const { workspaceId } = useSession();
  const qc = useQueryClient();
  const endpoints = useQuery({ queryKey: ['webhooks', workspaceId], queryFn: () => ok(api.GET('/api/v1/webhooks')) });
  const types = useQuery({ queryKey: ['webhook-event-types'], queryFn: () => ok(api.GET('/api/v1/webhooks/event-types')), staleTime: Infinity });
  const [open, setOpen] = useState<string | null>(null);
  const [secret, setSecret] = useState<{ url: string; secret: string } | null>(null);
  const refresh = () => qc.invalidateQueries({ queryKey: ['webhooks', workspaceId] });

  const ids = { url: useId(), description: useId() };
  const [url, setUrl] = useState('');
  const [description, setDescription] = useState('');
  const [chosen, setChosen] = useState<EventType[]>([]);
  const create = useMutation({
    mutationFn: () => ok(api.POST('/api/v1/webhooks', { body: { url: url.trim(), event_types: chosen, ...(description.trim() ? { description: description.trim() } : {}) } })),
    onSuccess: (created) => {
      setSecret({ url: created.url, secret: created.secret });
      setUrl('');
      setDescription('');
      setChosen([]);
      setOpen(created.id);
    },
    onSettled: refresh,
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate();
  };
  const toggle = (type: EventType) => setChosen((c) => (c.includes(type) ? c.filter((x) => x !== type) : [...c, type]));

  return (
    <main id="main" className="page webhooks-page">
      <h1>{t('title')}</h1>
      <p className="muted">{t('intro')}</p>

      {secret ? (
        <section className="card" aria-labelledby="webhook-secret" role="status">
          <h2 id="webhook-secret">{t('secretTitle', { url: secret.url })}</h2>
          <p>
            <code className="webhook-secret">{secret.secret}</code>
          </p>
          <p className="muted small">{t('secretNote')}</p>
          <button type="button" onClick={() => setSecret(null)}>
            {t('dismiss')}
          </button>
        </section>
      ) : null}

      <section className="card" aria-labelledby="webhook-add">
        <h2 id="webhook-add">{t('add')}</h2>
        <form onSubmit={submit}>
          <div className="row">
            <Field label={t('url')} id={ids.url}>
              <input id={ids.url} type="url" required value={url} onChange={(e) => setUrl(e.target.value)} maxLength={2000} placeholder="https://" />
            </Field>
            <Field label={t('description')} id={ids.description}>
              <input id={ids.description} value={description} onChange={(e) => setDescription(e.target.value)} maxLength={500} />
            </Field>
          </div>
          <fieldset className="webhook-events">
            <legend>{t('events')}</legend>
            {(types.data?.data ?? []).map((type) => (
              <label key={type} className="webhook-event">
                <input type="checkbox" checked={chosen.includes(type)} onChange={() => toggle(type)} /> <code>{type}</code>
              </label>
            ))}
          </fieldset>
          <ErrorNote error={create.error} />
          <button type="submit" disabled={create.isPending || chosen.length === 0 || !url.trim()}>
            {t('save')}
          </button>
        </form>
      </section>

      <section aria-labelledby="webhook-list">
        <h2 id="webhook-list">{t('endpoints')}</h2>
        {endpoints.isPending ? <Loading /> : null}
        <ErrorNote error={endpoints.error} retry={() => endpoints.refetch()} />
        {endpoints.isSuccess && endpoints.data.data.length === 0 ? <p className="muted">{t('none')}</p> : null}
        <ul className="webhook-endpoints">
          {(endpoints.data?.data ?? []).map((e) => (
            <EndpointCard key={e.id} endpoint={e} open={open === e.id} onOpen={() => setOpen(open === e.id ? null : e.id)} onChanged={refresh} />
          ))}
        </ul>
      </section>
    </main>
  );
}

function EndpointCard({ endpoint: e, open, onOpen, onChanged }: { endpoint: Endpoint; open: boolean; onOpen: () => void; onChanged: () => void }) {
  const t = useWebhooksT();
  const { workspaceId, format } = useSession();
  const qc = useQueryClient();
  const afterSend = () => qc.invalidateQueries({ queryKey: ['webhook-deliveries', workspaceId, e.id] });
  const patch = useMutation({ mutationFn: (enabled: boolean) => ok(api.PATCH('/api/v1/webhooks/{id}', { params: { path: { id: e.id } }, body: { enabled } })), onSettled: onChanged });
  const remove = useMutation({ mutationFn: () => ok(api.DELETE('/api/v1/webhooks/{id}', { params: { path: { id: e.id } } })), onSettled: onChanged });
  const test = useMutation({ mutationFn: () => ok(api.POST('/api/v1/webhooks/{id}/test', { params: { path: { id: e.id } } })), onSettled: afterSend });
  return (
    <li className="card webhook-endpoint" aria-label={e.url}>
      <p className="webhook-url">
        <code>{e.url}</code> <span className={`badge ${e.enabled ? 'webhook-on' : 'webhook-off'}`}>{e.enabled ? t('enabled') : t('disabled')}</span>
      </p>
      {e.description ? <p>{e.description}</p> : null}
      {!e.enabled && e.disabled_reason ? <p className="muted small">{e.disabled_reason}</p> : null}
      <p className="small">{e.event_types.map((x) => <code key={x} className="webhook-chip">{x}</code>)}</p>
      {e.last_success_at ? <p className="muted small">{t('lastSuccess', { when: formatDateTime(e.last_success_at, format) })}</p> : null}
      <div className="row">
        <button type="button" onClick={onOpen} aria-expanded={open}>
          {t('showDeliveries')}
        </button>
        {e.enabled ? (
          <button type="button" onClick={() => test.mutate()} disabled={test.isPending}>
            {t('test')}
          </button>
        ) : null}
        <button type="button" onClick={() => patch.mutate(!e.enabled)} disabled={patch.isPending}>
          {e.enabled ? t('disable') : t('enable')}
        </button>
        <button type="button" className="danger" onClick={() => window.confirm(t('confirmRemove')) && remove.mutate()} disabled={remove.isPending}>
          {t('remove')}
        </button>
      </div>
      <ErrorNote error={patch.error ?? remove.error ?? test.error} />
      {open ? <Deliveries endpoint={e} /> : null}
    </li>
  );
}

function Deliveries({ endpoint }: { endpoint: Endpoint }) {
  const t = useWebhooksT();
  const { workspaceId, format } = useSession();
  const list = useQuery({
    queryKey: ['webhook-deliveries', workspaceId, endpoint.id],
    queryFn: () => ok(api.GET('/api/v1/webhooks/{id}/deliveries', { params: { path: { id: endpoint.id }, query: { limit: 50 } } })),
    // While something waits to be sent, look again now and then.
    refetchInterval: (q) => (q.state.data?.data.some((d) => d.status === 'pending' || d.status === 'sending') ? 3000 : false),
  });
  const [shown, setShown] = useState<string | null>(null);
  return (
    <section className="webhook-deliveries" aria-label={t('deliveriesOf', { url: endpoint.url })}>
      <button type="button" onClick={() => list.refetch()}>
        {t('refresh')}
      </button>
      {list.isPending ? <Loading /> : null}
      <ErrorNote error={list.error} />
      {list.isSuccess && list.data.data.length === 0 ? <p className="muted">{t('noDeliveries')}</p> : null}
      {list.data?.data.length ? (
        <table>
          <thead>
            <tr>
              <th scope="col">{t('event')}</th>
              <th scope="col">{t('status')}</th>
              <th scope="col">{t('attempts')}</th>
              <th scope="col">{t('created')}</th>
              <th scope="col">
                <span className="sr-only">{t("details")}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {list.data.data.map((d) => (
              <DeliveryRow key={d.id} delivery={d} shown={shown === d.id} onShow={() => setShown(shown === d.id ? null : d.id)} enabled={endpoint.enabled} when={formatDateTime(d.created_at, format)} />
            ))}
          </tbody>
        </table>
      ) : null}
    </section>
  );
}

function DeliveryRow({ delivery: d, shown, onShow, enabled, when }: { delivery: Delivery; shown: boolean; onShow: () => void; enabled: boolean; when: string }) {
  const t = useWebhooksT();
  const { workspaceId, format } = useSession();
  const qc = useQueryClient();
  const detail = useQuery({
    queryKey: ['webhook-delivery', workspaceId, d.id, d.status, d.attempts],
    queryFn: () => ok(api.GET('/api/v1/webhook-deliveries/{id}', { params: { path: { id: d.id } } })),
    enabled: shown,
  });
  const replay = useMutation({
    mutationFn: () => ok(api.POST('/api/v1/webhook-deliveries/{id}/replay', { params: { path: { id: d.id } } })),
    onSettled: () => qc.invalidateQueries({ queryKey: ['webhook-deliveries', workspaceId, d.endpoint_id] }),
  });
  return (
    <>
      <tr className={`webhook-delivery status-${d.status}`}>
        <td>
          <code>{d.event_type}</code>
        </td>
        <td>{t(`status.${d.status}`)}</td>
        <td>{d.attempts}</td>
        <td>{when}</td>
        <td className="row">
          <button type="button" onClick={onShow} aria-expanded={shown}>
            {t('details')}
          </button>
          {enabled && d.status !== 'sending' ? (
            <button type="button" onClick={() => replay.mutate()} disabled={replay.isPending}>
              {t('replay')}
            </button>
          ) : null}
        </td>
      </tr>
      {shown ? (
        <tr>
          <td colSpan={5}>
            {detail.isPending ? <Loading /> : null}
            <ErrorNote error={detail.error ?? replay.error} />
            <ol className="webhook-attempts">
              {(detail.data?.attempt_log ?? []).map((a) => (
                <li key={a.id}>
                  <span>{formatDateTime(a.started_at, format)}</span>{' '}
                  <strong>{a.response_status !== null ? t('answered', { status: a.response_status, ms: a.duration_ms }) : t('noAnswer', { ms: a.duration_ms })}</strong>
                  {a.error ? <span className="muted"> {a.error}</span> : null}
                  {a.response_body ? <pre className="small">{a.response_body}</pre> : null}
                </li>
              ))}
            </ol>
          </td>
        </tr>
      ) : null}
    </>
  );
}
