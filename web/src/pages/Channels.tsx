// Channels and payments setup (owners and admins): WhatsApp, Twilio SMS, the Vapi voice agent,
// web chat and Midtrans. Each shows the webhook URL to give the provider, whether its last
// webhook arrived and verified, and a form whose secrets are write-only: the API answers only
// whether each is stored, and an empty secret field keeps the stored one.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent, type ReactNode } from 'react';
import { api, ApiError, ok, type Schemas } from '../api/client';
import { ErrorNote, Loading } from '../components';
import { formatDateTime } from '../format';
import { atLeast, useSession } from '../session';
import { useSetupT } from './setup.i18n';
import './reports.css';

type ST = ReturnType<typeof useSetupT>;
type Channel = Schemas['ChannelSettings'];
type Of<P extends Channel['provider']> = Extract<Channel, { provider: P }>;

// The server's default methods (payments.schema.ts), for a first save.
const DEFAULT_PAYMENTS = ['other_qris', 'gopay', 'shopeepay', 'bca_va', 'bni_va', 'bri_va', 'permata_va', 'echannel', 'other_va', 'credit_card'];
const lines = (s: string) => s.split(/[\n,]/).map((x) => x.trim()).filter(Boolean);

export function ChannelsPage() {
  const t = useSetupT();
  const { role, workspaceId } = useSession();
  const admin = atLeast(role, 'admin');
  const channels = useQuery({ queryKey: ['channels', workspaceId], queryFn: () => ok(api.GET('/api/v1/channels')), enabled: admin });
  if (!admin) {
    return (
      <main id="main" className="page">
        <h1>{t('title')}</h1>
        <p role="alert">{t('forbidden')}</p>
      </main>
    );
  }
  const of = <P extends Channel['provider']>(p: P) => channels.data?.data.find((c): c is Of<P> => c.provider === p);
  return (
    <main id="main" className="page setup">
      <h1>{t('title')}</h1>
      <p className="muted">{t('intro')}</p>
      {channels.isPending ? <Loading /> : null}
      <ErrorNote error={channels.error} retry={() => channels.refetch()} />
      {channels.data ? (
        <>
          <WhatsAppCard current={of('whatsapp')} />
          <TwilioCard current={of('twilio')} />
          <VapiCard current={of('vapi')} />
          <WebchatCard current={of('webchat')} />
        </>
      ) : null}
      <MidtransCard />
    </main>
  );
}

/** A provider's card: its name, whether it is connected, what to give the provider, its form. */
function Card({ id, title, connected, pending = false, help, url, webhook, children }: { id: string; title: string; connected: boolean; pending?: boolean; help: string; url: string | null | undefined; webhook: Schemas['WebhookStatus'] | null | undefined; children: ReactNode }) {
  const t = useSetupT();
  return (
    <section className="card" aria-labelledby={`${id}-title`} data-channel={id}>
      <div className="status">
        <h2 id={`${id}-title`}>{title}</h2>
        <span className={connected && !pending ? 'badge ok' : 'badge'}>{!connected ? t('notConnected') : pending ? t('pendingBadge') : t('connected')}</span>
      </div>
      {url ? (
        <>
          <CopyField id={`${id}-webhook`} label={t('webhookUrl', { provider: title })} value={url} />
          <p className="muted small">{help}</p>
        </>
      ) : (
        <p className="muted small">{t('webhookAfterSave')}</p>
      )}
      {connected && pending ? (
        <p className="pending-verification" role="status">
          ⚠ {t('pendingVerification')}
        </p>
      ) : null}
      {connected ? <WebhookState webhook={webhook} /> : null}
      {children}
    </section>
  );
}

function WebhookState({ webhook }: { webhook: Schemas['WebhookStatus'] | null | undefined }) {
  const t = useSetupT();
  const { format } = useSession();
  if (!webhook) return null;
  const verified = webhook.last_verified_at ? new Date(webhook.last_verified_at).getTime() : 0;
  const refused = webhook.last_refused_at ? new Date(webhook.last_refused_at).getTime() : 0;
  return (
    <div className="webhook-state" role="status">
      {webhook.last_verified_at ? <p>✓ {t('lastVerified', { when: formatDateTime(webhook.last_verified_at, format) })}</p> : <p className="muted">{t('noWebhook')}</p>}
      {webhook.last_refused_at ? (
        <p className={refused > verified ? 'refused' : 'muted'}>
          {refused > verified ? `⚠ ${t('refusedAfter')} ` : ''}
          {t('lastRefused', { when: formatDateTime(webhook.last_refused_at, format), reason: webhook.last_refused_reason ?? '' })}
        </p>
      ) : null}
    </div>
  );
}

function CopyField({ id, label, value, multiline = false }: { id: string; label: string; value: string; multiline?: boolean }) {
  const t = useSetupT();
  const [copied, setCopied] = useState(false);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(value);
    } catch {
      // Without clipboard permission the text is selected for the person to copy.
      (document.getElementById(id) as HTMLInputElement | null)?.select();
    }
    setCopied(true);
    setTimeout(() => setCopied(false), 2000);
  };
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <div className="copy-row">
        {multiline ? <textarea id={id} readOnly rows={3} value={value} onFocus={(e) => e.target.select()} /> : <input id={id} readOnly value={value} onFocus={(e) => e.target.select()} />}
        <button type="button" onClick={copy}>
          {t('copy')}
          <span className="sr-only"> {label}</span>
        </button>
        <span role="status" className="small saved">
          {copied ? t('copied') : ''}
        </span>
      </div>
    </div>
  );
}

function TextField({ id, label, value, onChange, required = false, placeholder }: { id: string; label: string; value: string; onChange: (v: string) => void; required?: boolean; placeholder?: string }) {
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input id={id} value={value} required={required} placeholder={placeholder} onChange={(e) => onChange(e.target.value)} />
    </div>
  );
}

function ListField({ id, label, value, onChange, required = false }: { id: string; label: string; value: string; onChange: (v: string) => void; required?: boolean }) {
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <textarea id={id} rows={2} value={value} required={required} onChange={(e) => onChange(e.target.value)} />
    </div>
  );
}

/** A write-only secret: empty keeps what is stored; the label says whether one is. */
function SecretField({ id, label, stored, value, onChange }: { id: string; label: string; stored: boolean; value: string; onChange: (v: string) => void }) {
  const t = useSetupT();
  return (
    <div className="field">
      <label htmlFor={id}>
        {label} <span className={stored ? 'badge ok secret-state' : 'badge secret-state'}>{stored ? t('set') : t('notSet')}</span>
      </label>
      <input id={id} type="password" autoComplete="off" value={value} required={!stored} placeholder={stored ? t('secretKeep') : t('secretNeeded')} onChange={(e) => onChange(e.target.value)} />
    </div>
  );
}

/** The save button and what became of the save, in words: the ownership and provider errors say what to do. */
function SaveRow({ provider, pending, error, saved }: { provider: string; pending: boolean; error: unknown; saved: boolean }) {
  const t = useSetupT();
  return (
    <>
      {error ? <SaveError provider={provider} error={error} t={t} /> : null}
      <div className="row">
        <button type="submit" className="primary" disabled={pending}>
          {pending ? t('saving') : t('save')}
        </button>
        <span role="status" className="saved">
          {saved && !error && !pending ? t('saved') : ''}
        </span>
      </div>
    </>
  );
}

function SaveError({ provider, error, t }: { provider: string; error: unknown; t: ST }) {
  if (error instanceof ApiError && error.code === 'channel.ownership_unproven') {
    return (
      <div role="alert" className="error">
        <p>{t('ownership', { provider })}</p>
        <p className="small">
          <code>{error.code}</code>
        </p>
      </div>
    );
  }
  if (error instanceof ApiError && error.code === 'channel.provider_unavailable') {
    return (
      <div role="alert" className="error">
        <p>{t('unavailable', { provider })}</p>
        <p className="small">
          <code>{error.code}</code>
        </p>
      </div>
    );
  }
  return (
    <div role="alert" className="error">
      <p>{t('saveFailed', { message: error instanceof Error ? error.message : String(error) })}</p>
      {error instanceof ApiError && Array.isArray(error.details?.issues) ? (
        <ul>
          {(error.details.issues as { path: string; message: string }[]).map((i) => (
            <li key={i.path}>
              <code>{i.path.replace(/^body\./, '')}</code> {i.message}
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}

/** A channel's save: PUT, then the list again; the form keeps its content when it fails. */
function useSave<T>(put: (body: T) => Promise<unknown>, onSaved?: () => void) {
  const qc = useQueryClient();
  const { workspaceId } = useSession();
  const [saved, setSaved] = useState(false);
  const m = useMutation({
    mutationFn: put,
    onMutate: () => setSaved(false),
    onSuccess: async () => {
      setSaved(true);
      onSaved?.();
      await qc.invalidateQueries({ queryKey: ['channels', workspaceId] });
    },
  });
  return { ...m, saved };
}

function WhatsAppCard({ current }: { current: Of<'whatsapp'> | undefined }) {
  const t = useSetupT();
  const [f, setF] = useState({
    phone_number_id: current?.phone_number_id ?? '',
    display_phone_number: current?.display_phone_number ?? '',
    business_account_id: current?.business_account_id ?? '',
    template_name: current?.reminder_template?.name ?? '',
    template_language: current?.reminder_template?.language ?? '',
    access_token: '',
    app_secret: '',
    verify_token: '',
  });
  const set = (k: keyof typeof f) => (v: string) => setF((x) => ({ ...x, [k]: v }));
  const save = useSave(
    (body: Schemas['WhatsAppSettingsInput']) => ok(api.PUT('/api/v1/channels/whatsapp', { body })),
    () => setF((x) => ({ ...x, access_token: '', app_secret: '', verify_token: '' })),
  );
  const submit = (e: FormEvent) => {
    e.preventDefault();
    save.mutate({
      phone_number_id: f.phone_number_id.trim(),
      ...(f.display_phone_number.trim() ? { display_phone_number: f.display_phone_number.trim() } : {}),
      ...(f.business_account_id.trim() ? { business_account_id: f.business_account_id.trim() } : {}),
      reminder_template: f.template_name.trim() ? { name: f.template_name.trim(), language: f.template_language.trim() || 'en' } : null,
      ...(f.access_token ? { access_token: f.access_token } : {}),
      ...(f.app_secret ? { app_secret: f.app_secret } : {}),
      ...(f.verify_token ? { verify_token: f.verify_token } : {}),
    });
  };
  return (
    <Card id="whatsapp" title={t('whatsapp')} connected={!!current} pending={current?.phone_number_status === 'pending_verification'} help={t('whatsappHelp')} url={current?.webhook_url} webhook={current?.webhook}>
      <form onSubmit={submit} aria-label={t('whatsapp')}>
        <div className="grid">
          <TextField id="wa-phone-number-id" label={t('phoneNumberId')} value={f.phone_number_id} onChange={set('phone_number_id')} required />
          <TextField id="wa-display" label={t('displayPhone')} value={f.display_phone_number} onChange={set('display_phone_number')} />
          <TextField id="wa-business" label={t('businessAccount')} value={f.business_account_id} onChange={set('business_account_id')} />
          <SecretField id="wa-access-token" label={t('accessToken')} stored={!!current?.has_access_token} value={f.access_token} onChange={set('access_token')} />
          <SecretField id="wa-app-secret" label={t('appSecret')} stored={!!current?.has_app_secret} value={f.app_secret} onChange={set('app_secret')} />
          <SecretField id="wa-verify-token" label={t('verifyToken')} stored={!!current?.has_verify_token} value={f.verify_token} onChange={set('verify_token')} />
          <TextField id="wa-template" label={t('templateName')} value={f.template_name} onChange={set('template_name')} />
          <TextField id="wa-template-language" label={t('templateLanguage')} value={f.template_language} onChange={set('template_language')} placeholder="id" />
        </div>
        <SaveRow provider="WhatsApp" pending={save.isPending} error={save.error} saved={save.saved} />
      </form>
    </Card>
  );
}

function TwilioCard({ current }: { current: Of<'twilio'> | undefined }) {
  const t = useSetupT();
  const [f, setF] = useState({
    account_sid: current?.account_sid ?? '',
    phone_numbers: current?.phone_numbers.join('\n') ?? '',
    messaging_service_sid: current?.messaging_service_sid ?? '',
    webhook_url: current?.webhook_url ?? window.location.origin,
    auth_token: '',
  });
  const set = (k: keyof typeof f) => (v: string) => setF((x) => ({ ...x, [k]: v }));
  const save = useSave((body: Schemas['TwilioSettingsInput']) => ok(api.PUT('/api/v1/channels/twilio', { body })), () => setF((x) => ({ ...x, auth_token: '' })));
  const submit = (e: FormEvent) => {
    e.preventDefault();
    save.mutate({
      account_sid: f.account_sid.trim(),
      phone_numbers: lines(f.phone_numbers),
      messaging_service_sid: f.messaging_service_sid.trim() || null,
      webhook_url: f.webhook_url.trim(),
      ...(f.auth_token ? { auth_token: f.auth_token } : {}),
    });
  };
  return (
    <Card id="twilio" title={t('twilio')} connected={!!current} help={t('twilioHelp')} url={current?.incoming_sms_url} webhook={current?.webhook}>
      <form onSubmit={submit} aria-label={t('twilio')}>
        <div className="grid">
          <TextField id="tw-account" label={t('accountSid')} value={f.account_sid} onChange={set('account_sid')} required placeholder="AC…" />
          <ListField id="tw-numbers" label={t('phoneNumbers')} value={f.phone_numbers} onChange={set('phone_numbers')} required />
          <TextField id="tw-service" label={t('messagingService')} value={f.messaging_service_sid} onChange={set('messaging_service_sid')} placeholder="MG…" />
          <TextField id="tw-base" label={t('publicBase')} value={f.webhook_url} onChange={set('webhook_url')} required />
          <SecretField id="tw-auth-token" label={t('authToken')} stored={!!current?.has_auth_token} value={f.auth_token} onChange={set('auth_token')} />
        </div>
        <SaveRow provider="Twilio" pending={save.isPending} error={save.error} saved={save.saved} />
      </form>
    </Card>
  );
}

function VapiCard({ current }: { current: Of<'vapi'> | undefined }) {
  const t = useSetupT();
  const [f, setF] = useState({ assistant_ids: current?.assistant_ids.join('\n') ?? '', phone_number_ids: current?.phone_number_ids.join('\n') ?? '', secret: '', api_key: '' });
  const set = (k: keyof typeof f) => (v: string) => setF((x) => ({ ...x, [k]: v }));
  const save = useSave((body: Schemas['VapiSettingsInput']) => ok(api.PUT('/api/v1/channels/vapi', { body })), () => setF((x) => ({ ...x, secret: '', api_key: '' })));
  const submit = (e: FormEvent) => {
    e.preventDefault();
    save.mutate({
      assistant_ids: lines(f.assistant_ids),
      phone_number_ids: lines(f.phone_number_ids),
      ...(f.secret ? { secret: f.secret } : {}),
      ...(f.api_key ? { api_key: f.api_key } : {}),
    });
  };
  return (
    <Card id="vapi" title={t('vapi')} connected={!!current} help={t('vapiHelp')} url={current?.webhook_url} webhook={current?.webhook}>
      <form onSubmit={submit} aria-label={t('vapi')}>
        <div className="grid">
          <ListField id="vapi-assistants" label={t('assistantIds')} value={f.assistant_ids} onChange={set('assistant_ids')} />
          <ListField id="vapi-numbers" label={t('phoneNumberIds')} value={f.phone_number_ids} onChange={set('phone_number_ids')} />
          <SecretField id="vapi-secret" label={t('vapiSecret')} stored={!!current?.has_secret} value={f.secret} onChange={set('secret')} />
          <SecretField id="vapi-key" label={t('vapiKey')} stored={!!current?.has_api_key} value={f.api_key} onChange={set('api_key')} />
        </div>
        <SaveRow provider="Vapi" pending={save.isPending} error={save.error} saved={save.saved} />
      </form>
    </Card>
  );
}

function WebchatCard({ current }: { current: Of<'webchat'> | undefined }) {
  const t = useSetupT();
  const { workspaceId } = useSession();
  const workspace = useQuery({ queryKey: ['workspace', workspaceId], queryFn: () => ok(api.GET('/api/v1/workspace')) });
  const [origins, setOrigins] = useState(current?.allowed_origins.join('\n') ?? '');
  const save = useSave((body: Schemas['WebchatSettingsInput']) => ok(api.PUT('/api/v1/channels/webchat', { body })));
  const snippet = workspace.data
    ? `<script src="${window.location.origin}/webchat/widget.js" data-workspace="${workspace.data.slug}" crossorigin="anonymous" defer></script>`
    : '';
  return (
    <section className="card" aria-labelledby="webchat-title" data-channel="webchat">
      <div className="status">
        <h2 id="webchat-title">{t('webchat')}</h2>
        <span className={current ? 'badge ok' : 'badge'}>{current ? t('connected') : t('notConnected')}</span>
      </div>
      {snippet ? <CopyField id="webchat-snippet" label={t('snippet')} value={snippet} multiline /> : null}
      <p className="muted small">
        {t('webchatHelp')} {t('webchatNoWebhook')}
      </p>
      <form
        aria-label={t('webchat')}
        onSubmit={(e) => {
          e.preventDefault();
          save.mutate({ allowed_origins: lines(origins) });
        }}
      >
        <ListField id="webchat-origins" label={t('origins')} value={origins} onChange={setOrigins} required />
        <SaveRow provider={t('webchat')} pending={save.isPending} error={save.error} saved={save.saved} />
      </form>
    </section>
  );
}

function MidtransCard() {
  const t = useSetupT();
  const { workspaceId } = useSession();
  const settings = useQuery({
    queryKey: ['midtrans', workspaceId],
    // Not set up is a state of its own, not an error.
    queryFn: () => ok(api.GET('/api/v1/integrations/midtrans')).catch((e: unknown) => (e instanceof ApiError && e.status === 404 ? null : Promise.reject(e))),
  });
  return (
    <>
      {settings.isPending ? <Loading /> : null}
      <ErrorNote error={settings.error} retry={() => settings.refetch()} />
      {settings.data !== undefined ? <MidtransForm current={settings.data} /> : null}
    </>
  );
}

function MidtransForm({ current }: { current: Schemas['MidtransSettings'] | null }) {
  const t = useSetupT();
  const qc = useQueryClient();
  const { workspaceId } = useSession();
  const [f, setF] = useState({
    environment: current?.environment ?? 'sandbox',
    client_key: current?.client_key ?? '',
    merchant_id: current?.merchant_id ?? '',
    consultation_price: String(current?.consultation_price ?? 500000),
    expiry_minutes: String(current?.expiry_minutes ?? 1440),
    server_key: '',
  });
  const set = (k: keyof typeof f) => (v: string) => setF((x) => ({ ...x, [k]: v }));
  const [saved, setSaved] = useState(false);
  const save = useMutation({
    mutationFn: (body: Schemas['MidtransSettingsInput']) => ok(api.PUT('/api/v1/integrations/midtrans', { body })),
    onMutate: () => setSaved(false),
    onSuccess: async () => {
      setSaved(true);
      setF((x) => ({ ...x, server_key: '' }));
      await qc.invalidateQueries({ queryKey: ['midtrans', workspaceId] });
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    save.mutate({
      environment: f.environment as 'sandbox' | 'production',
      client_key: f.client_key.trim(),
      merchant_id: f.merchant_id.trim() || null,
      consultation_price: Number(f.consultation_price),
      expiry_minutes: Number(f.expiry_minutes),
      base_url: current?.base_url ?? null,
      enabled_payments: (current?.enabled_payments ?? DEFAULT_PAYMENTS) as Schemas['MidtransSettingsInput']['enabled_payments'],
      ...(f.server_key ? { server_key: f.server_key } : {}),
    });
  };
  const connected = !!current?.server_key_set;
  return (
    <Card id="midtrans" title={t('midtrans')} connected={connected} help={t('midtransHelp')} url={current?.notification_url} webhook={current?.webhook}>
      <form onSubmit={submit} aria-label={t('midtrans')}>
        <div className="grid">
          <div className="field">
            <label htmlFor="mt-env">{t('environment')}</label>
            <select id="mt-env" value={f.environment} onChange={(e) => set('environment')(e.target.value)}>
              <option value="sandbox">{t('sandbox')}</option>
              <option value="production">{t('production')}</option>
            </select>
          </div>
          <TextField id="mt-client-key" label={t('clientKey')} value={f.client_key} onChange={set('client_key')} required />
          <SecretField id="mt-server-key" label={t('serverKey')} stored={connected} value={f.server_key} onChange={set('server_key')} />
          <TextField id="mt-merchant" label={t('merchantId')} value={f.merchant_id} onChange={set('merchant_id')} />
          <TextField id="mt-price" label={t('price')} value={f.consultation_price} onChange={set('consultation_price')} required />
          <TextField id="mt-expiry" label={t('expiry')} value={f.expiry_minutes} onChange={set('expiry_minutes')} required />
        </div>
        <SaveRow provider="Midtrans" pending={save.isPending} error={save.error} saved={saved} />
      </form>
    </Card>
  );
}

export default ChannelsPage;
