import { createHash } from 'node:crypto';
import { workspaceIdOf, type Ctx } from '../../../platform/context.ts';
import type { Database, Tx } from '../../../platform/db/database.ts';
import { withServiceRole } from '../../../platform/db/tenant.ts';
import { AppError } from '../../../platform/errors.ts';
import type { Logger } from '../../../platform/log.ts';
import type { SecretBox } from '../../../platform/secrets.ts';
import { findIntegration, listIntegrations, NO_WEBHOOK, saveIntegration, webhookStatuses, workspacesWithSetting, type IntegrationRow, type WebhookStatus } from '../../../platform/db/integrations.ts';
import type { OwnershipProof } from './ownership.ts';
import * as repo from './settings.repo.ts';
import {
  CHANNEL_PROVIDERS,
  StoredTwilioSettings,
  StoredVapiSettings,
  StoredWebchatSettings,
  StoredWhatsAppSettings,
  type ChannelProvider,
  type ChannelSecrets,
  type ChannelSettings,
  type StoredChannelSettings,
  type TwilioSettingsInput,
  type VapiSettingsInput,
  type WebchatSettingsInput,
  type WhatsAppSettingsInput,
} from './settings.schema.ts';

/** Where Twilio posts incoming texts, under the workspace's webhook_url (twilio.webhook.ts SMS_PATH). */
const TWILIO_SMS_PATH = '/webhooks/twilio/sms';

export const WEBHOOK_PATHS: Record<ChannelProvider, string | null> = {
  whatsapp: '/webhooks/whatsapp',
  twilio: null, // Twilio signs the URL it calls, so the workspace configures it (webhook_url).
  vapi: '/webhooks/vapi',
  webchat: null,
};

export interface SettingsInputs {
  whatsapp: WhatsAppSettingsInput;
  twilio: TwilioSettingsInput;
  vapi: VapiSettingsInput;
  webchat: WebchatSettingsInput;
}

/** A workspace's account on one channel: its plain settings and its secrets, opened. */
export interface ChannelAccount<P extends ChannelProvider = ChannelProvider> {
  workspaceId: string;
  provider: P;
  settings: StoredChannelSettings[P];
  secrets: ChannelSecrets[P];
}

const STORED = {
  whatsapp: StoredWhatsAppSettings,
  twilio: StoredTwilioSettings,
  vapi: StoredVapiSettings,
  webchat: StoredWebchatSettings,
} as const;

/** The secrets each provider needs before its first save; later saves may omit them. */
const SECRET_FIELDS: { [P in ChannelProvider]: (keyof ChannelSecrets[P])[] } = {
  whatsapp: ['access_token', 'app_secret', 'verify_token'],
  twilio: ['auth_token'],
  vapi: ['secret', 'api_key'],
  webchat: [],
};

/** Secrets a provider may have but does not need (null in a save removes one). */
const OPTIONAL_SECRET_FIELDS: { [P in ChannelProvider]?: string[] } = {
  vapi: ['hmac_secret'],
};

/** Settings that a save which omits them keeps (a form that does not show them must not reset them). */
const KEPT_WHEN_OMITTED: { [P in ChannelProvider]?: string[] } = {
  vapi: ['hmac', 'call_assistant'],
};

export const sha256Hex = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

/** The provider ids a webhook may carry for these settings. */
function accountIds<P extends ChannelProvider>(provider: P, s: StoredChannelSettings[P]): string[] {
  switch (provider) {
    case 'whatsapp':
      return [(s as StoredWhatsAppSettings).phone_number_id];
    case 'twilio': {
      const t = s as StoredTwilioSettings;
      return [t.account_sid, ...t.phone_numbers];
    }
    case 'vapi': {
      const v = s as StoredVapiSettings;
      return [...v.assistant_ids, ...v.phone_number_ids];
    }
    default:
      return [];
  }
}

function openSecrets<P extends ChannelProvider>(box: SecretBox, sealed: string | null): ChannelSecrets[P] {
  return (sealed ? JSON.parse(box.open(sealed)) : {}) as ChannelSecrets[P];
}

function toOutput(row: IntegrationRow, publicUrl: string | undefined, webhook: WebhookStatus = NO_WEBHOOK, verified = true): ChannelSettings {
  const provider = row.provider as ChannelProvider;
  // Which secrets are stored is recorded beside the settings, so reading needs no key.
  const stored = (row.settings.secrets_set ?? []) as string[];
  const has = (name: string) => row.secrets !== null && stored.includes(name);
  const path = WEBHOOK_PATHS[provider];
  const base = { webhook_url: path && publicUrl ? `${publicUrl.replace(/\/+$/, '')}${path}` : null, webhook: provider === 'webchat' ? null : webhook, created_at: row.created_at, updated_at: row.updated_at };
  switch (provider) {
    case 'whatsapp': {
      const s = StoredWhatsAppSettings.parse(row.settings);
      return {
        provider, phone_number_id: s.phone_number_id, display_phone_number: s.display_phone_number, business_account_id: s.business_account_id,
        reminder_template: s.reminder_template, has_access_token: has('access_token'), has_app_secret: has('app_secret'), has_verify_token: has('verify_token'),
        phone_number_status: verified ? 'verified' : 'pending_verification', ...base,
      };
    }
    case 'twilio': {
      const s = StoredTwilioSettings.parse(row.settings);
      return {
        provider, account_sid: s.account_sid, phone_numbers: s.phone_numbers, messaging_service_sid: s.messaging_service_sid, has_auth_token: has('auth_token'), ...base, webhook_url: s.webhook_url,
        incoming_sms_url: `${s.webhook_url.replace(/\/+$/, '')}${TWILIO_SMS_PATH}`,
      };
    }
    case 'vapi': {
      const s = StoredVapiSettings.parse(row.settings);
      return {
        provider, assistant_ids: s.assistant_ids, phone_number_ids: s.phone_number_ids, has_secret: has('secret'), has_api_key: has('api_key'),
        has_hmac_secret: has('hmac_secret'), hmac: s.hmac, call_assistant: s.call_assistant, ...base,
      };
    }
    case 'webchat':
      return { provider, allowed_origins: StoredWebchatSettings.parse(row.settings).allowed_origins, ...base };
  }
}

const notConnected = (provider: ChannelProvider) => new AppError('channel.not_found', 'not_found', `${provider} is not set up in this workspace`);

/**
 * One answer for "the provider did not confirm these credentials own the ids" and "another
 * workspace has bound them": telling them apart would tell every tenant which ids are
 * connected, and by trying credentials, whose.
 */
const notProven = (provider: ChannelProvider, ids: string[]) =>
  new AppError('channel.ownership_unproven', 'forbidden', `${provider} did not confirm that these credentials own ${ids.join(', ')}`, { account_ids: ids });

export interface SaveOptions {
  publicUrl?: string | undefined;
  /**
   * Asks the provider whether the credentials own the ids before any new id is bound. Every
   * request from a person or an API key passes one (settings.routes.ts); only the server's own
   * seeding of public demo values goes without.
   */
  prove?: OwnershipProof | undefined;
}

/**
 * Replaces a workspace's settings for one channel. Secrets given are sealed with the server's
 * key; secrets omitted keep their stored value (the first save must give them all). The ids a
 * webhook carries are recorded in channel_accounts once the provider confirms the credentials
 * own them (options.prove), and refused, with the same error, when another workspace has them.
 */
export async function saveChannelSettings<P extends ChannelProvider>(
  ctx: Ctx,
  box: SecretBox,
  provider: P,
  input: SettingsInputs[P],
  options: SaveOptions = {},
): Promise<ChannelSettings> {
  const { publicUrl, prove } = options;
  const ws = workspaceIdOf(ctx);
  const fields = SECRET_FIELDS[provider] as string[];
  const optional: string[] = OPTIONAL_SECRET_FIELDS[provider] ?? [];
  const given: Record<string, string> = {};
  const removed: string[] = [];
  const plain: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(input)) {
    if (fields.includes(k) || optional.includes(k)) {
      if (typeof v === 'string') given[k] = v;
      else if (v === null) removed.push(k);
    } else if (v !== undefined) plain[k] = v;
  }
  const existing = await findIntegration(ctx.tx, ws, provider);
  for (const k of KEPT_WHEN_OMITTED[provider] ?? []) if (plain[k] === undefined && existing?.settings[k] !== undefined) plain[k] = existing.settings[k];
  const storedNames = (existing?.secrets ? (existing.settings.secrets_set ?? []) : []) as string[];
  const missing = fields.filter((f) => given[f] === undefined && !storedNames.includes(f));
  if (missing.length) {
    throw new AppError('validation.failed', 'invalid', 'the request is not valid', {
      issues: missing.map((f) => ({ path: `body.${f}`, message: 'required: none is stored yet' })),
    });
  }
  const kept = existing?.secrets && Object.keys(given).length < fields.length + optional.length ? openSecrets<P>(box, existing.secrets) : {};
  const secrets = { ...kept, ...given } as Record<string, string>;
  for (const k of removed) delete secrets[k];
  const secretsSet = [...fields, ...optional].filter((k) => secrets[k] !== undefined);
  if (provider === 'whatsapp') plain.verify_token_sha256 = sha256Hex(secrets.verify_token!);
  const settings = STORED[provider].parse(plain) as StoredChannelSettings[P];

  const ids = accountIds(provider, settings);
  await repo.lockBinding(ctx.tx, provider);
  const mine = await repo.accountsOf(ctx.tx, ws, provider);
  // Ids already verified here were proven when they were bound; a new one (or one still
  // pending) is proven with the credentials as they will be stored, and the provider is asked
  // before the taken check so that the answer takes as long whether or not another workspace
  // has the id.
  const proven = !prove || ids.every((id) => mine.get(id) === true) || (await prove(provider, settings, secrets as ChannelSecrets[P]));
  const taken = await repo.accountsTakenElsewhere(ctx.tx, provider, ids);
  if (!proven || taken.length) {
    ctx.log.info({ provider, account_ids: ids, proven, taken: taken.length > 0 }, 'channel ids not bound');
    throw notProven(provider, ids);
  }
  const row = await saveIntegration(ctx.tx, ws, provider, {
    settings: { ...settings, secrets_set: secretsSet },
    secrets: secretsSet.length ? box.seal(JSON.stringify(secrets)) : null,
    provider_account_id: ids[0] ?? null,
  });
  // WhatsApp's second proof is Meta's verification GET with this workspace's verify token
  // (verifyWhatsAppSubscription); the server's own seeding (no prove) binds at once.
  const pending = provider === 'whatsapp' && prove !== undefined;
  await repo.replaceAccounts(ctx.tx, ws, provider, ids, pending ? null : ctx.clock.now());
  ctx.log.info({ provider, account_ids: ids }, 'channel settings saved');
  return toOutput(row, publicUrl, (await webhookStatuses(ctx.tx, ws, [provider])).get(provider), await isVerified(ctx.tx, ws, provider, ids));
}

/** Whether every id of the channel is bound (a WhatsApp number may still wait for Meta's verification GET). */
async function isVerified(tx: Tx, ws: string, provider: ChannelProvider, ids?: string[]): Promise<boolean> {
  if (provider !== 'whatsapp') return true;
  const mine = await repo.accountsOf(tx, ws, provider);
  return [...(ids ?? mine.keys())].every((id) => mine.get(id) === true);
}

export async function getChannelSettings(ctx: Ctx, provider: ChannelProvider, publicUrl?: string | undefined): Promise<ChannelSettings> {
  const ws = workspaceIdOf(ctx);
  const row = await findIntegration(ctx.tx, ws, provider);
  if (!row) throw notConnected(provider);
  return toOutput(row, publicUrl, (await webhookStatuses(ctx.tx, ws, [provider])).get(provider), await isVerified(ctx.tx, ws, provider));
}

export async function listChannelSettings(ctx: Ctx, publicUrl?: string | undefined): Promise<{ data: ChannelSettings[] }> {
  const ws = workspaceIdOf(ctx);
  const rows = await listIntegrations(ctx.tx, ws, CHANNEL_PROVIDERS);
  const webhooks = await webhookStatuses(ctx.tx, ws, CHANNEL_PROVIDERS);
  const whatsappVerified = rows.some((r) => r.provider === 'whatsapp') ? await isVerified(ctx.tx, ws, 'whatsapp') : true;
  return { data: rows.map((r) => toOutput(r, publicUrl, webhooks.get(r.provider), r.provider === 'whatsapp' ? whatsappVerified : true)) };
}

/** The workspace's account on a channel, secrets opened, inside a transaction that can see it. */
export async function findChannelOfWorkspace<P extends ChannelProvider>(tx: Tx, box: SecretBox, ws: string, provider: P): Promise<ChannelAccount<P> | undefined> {
  const row = await findIntegration(tx, ws, provider);
  if (!row) return undefined;
  return { workspaceId: ws, provider, settings: STORED[provider].parse(row.settings) as StoredChannelSettings[P], secrets: openSecrets<P>(box, row.secrets) };
}

/**
 * The workspace a webhook is for, from an id it carries (a WhatsApp phone_number_id, a Twilio
 * AccountSid or number, a Vapi assistant or phone number id), with its settings and secrets.
 * Runs as the service role: before this the workspace is unknown. Undefined when no
 * workspace connected the id.
 */
export async function findChannelByAccount<P extends ChannelProvider>(
  db: Database,
  box: SecretBox,
  provider: P,
  accountId: string,
): Promise<ChannelAccount<P> | undefined> {
  return withServiceRole(db, (tx) => findChannelByAccountIn(tx, box, provider, accountId));
}

/** findChannelByAccount inside a transaction that acts as the service role. */
export async function findChannelByAccountIn<P extends ChannelProvider>(tx: Tx, box: SecretBox, provider: P, accountId: string): Promise<ChannelAccount<P> | undefined> {
  const ws = await repo.workspaceOfAccount(tx, provider, accountId);
  return ws ? findChannelOfWorkspace(tx, box, ws, provider) : undefined;
}

/**
 * Meta's verification GET, which carries only the verify token: the workspaces whose token it
 * is. It is WhatsApp's second proof of ownership (the first, the Graph call with the access
 * token, was made when the settings were saved): each such workspace's pending number is
 * bound now, unless another workspace bound it first (then it stays pending, and the answer to
 * the GET is the same, so the caller learns nothing about the other workspace).
 */
export async function verifyWhatsAppSubscription(db: Database, token: string, now: Date, log?: Logger): Promise<string[]> {
  return withServiceRole(db, async (tx) => {
    const workspaces = await workspacesWithSetting(tx, 'whatsapp', 'verify_token_sha256', sha256Hex(token));
    if (workspaces.length) await repo.lockBinding(tx, 'whatsapp');
    for (const ws of workspaces) {
      const verified = await repo.verifyPendingAccounts(tx, ws, 'whatsapp', now);
      if (verified.length) log?.info({ workspace_id: ws, account_ids: verified }, "whatsapp number bound: Meta's verification GET carried the workspace's verify token");
    }
    return workspaces;
  });
}
