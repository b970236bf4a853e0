import { workspaceIdOf, type Ctx } from '../../platform/context.ts';
import type { Tx } from '../../platform/db/database.ts';
import { AppError, invalidField } from '../../platform/errors.ts';
import { assertOutboundTarget } from '../../platform/http/outbound.ts';
import type { SecretBox } from '../../platform/secrets.ts';
import { findDemoGateway } from './demo.settings.ts';
import { findIntegration, NO_WEBHOOK, saveIntegration, webhookStatuses, type IntegrationRow, type WebhookStatus } from '../../platform/db/integrations.ts';
import { coreBaseUrl, snapBaseUrl, type MidtransEndpoint } from './midtrans.client.ts';
import { StoredMidtransSettings, type MidtransSettings, type MidtransSettingsInput } from './payments.schema.ts';

export const MIDTRANS = 'midtrans';
export const WEBHOOK_PATH = '/webhooks/midtrans';

export const workspaceOf = workspaceIdOf;

/** A workspace's Midtrans account: what to call it with and how payments are made. */
export interface MidtransAccount {
  endpoint: MidtransEndpoint;
  settings: StoredMidtransSettings;
}

function toSettings(row: IntegrationRow, publicUrl: string | undefined, webhook: WebhookStatus = NO_WEBHOOK): MidtransSettings {
  const s = StoredMidtransSettings.parse(row.settings);
  const endpoint = { serverKey: '', environment: s.environment, baseUrl: s.base_url };
  return {
    provider: 'midtrans',
    environment: s.environment,
    client_key: s.client_key,
    server_key_set: row.secrets !== null,
    server_key_last4: s.server_key_last4,
    base_url: s.base_url,
    merchant_id: s.merchant_id,
    enabled_payments: s.enabled_payments,
    expiry_minutes: s.expiry_minutes,
    consultation_price: s.consultation_price,
    currency: 'IDR',
    snap_url: snapBaseUrl(endpoint),
    core_api_url: coreBaseUrl(endpoint),
    notification_url: publicUrl ? `${publicUrl.replace(/\/+$/, '')}${WEBHOOK_PATH}` : null,
    webhook,
    created_at: row.created_at,
    updated_at: row.updated_at,
  };
}

export async function getMidtransSettings(ctx: Ctx, publicUrl: string | undefined): Promise<MidtransSettings> {
  const ws = workspaceOf(ctx);
  const row = await findIntegration(ctx.tx, ws, MIDTRANS);
  if (!row) throw new AppError('integration.not_found', 'not_found', 'Midtrans is not set up in this workspace');
  return toSettings(row, publicUrl, (await webhookStatuses(ctx.tx, ws, [MIDTRANS])).get(MIDTRANS));
}

/** Replaces the settings; the stored server key stays when none is given. */
export async function putMidtransSettings(ctx: Ctx, secrets: SecretBox, input: MidtransSettingsInput, publicUrl: string | undefined): Promise<MidtransSettings> {
  if (input.base_url) assertOutboundTarget(input.base_url, 'base_url');
  const ws = workspaceOf(ctx);
  const { server_key, ...rest } = input;
  const existing = await findIntegration(ctx.tx, ws, MIDTRANS);
  const previous = existing?.secrets ? StoredMidtransSettings.safeParse(existing.settings).data : undefined;
  if (!server_key && !previous) {
    throw invalidField('server_key', 'required: no server key is stored yet');
  }
  const settings: StoredMidtransSettings = {
    ...rest,
    server_key_last4: server_key ? server_key.slice(-4) : previous!.server_key_last4,
  };
  const row = await saveIntegration(ctx.tx, ws, MIDTRANS, {
    settings,
    secrets: server_key ? secrets.seal(JSON.stringify({ server_key })) : existing!.secrets,
    provider_account_id: rest.merchant_id,
  });
  return toSettings(row, publicUrl, (await webhookStatuses(ctx.tx, ws, [MIDTRANS])).get(MIDTRANS));
}

/** The workspace's Midtrans account, or undefined when it has none (webhooks answer 404 then). */
export async function findMidtransAccount(tx: Tx, ws: string, secrets: SecretBox): Promise<MidtransAccount | undefined> {
  const row = await findIntegration(tx, ws, MIDTRANS);
  if (!row?.secrets) return undefined;
  const settings = StoredMidtransSettings.parse(row.settings);
  const { server_key } = JSON.parse(secrets.open(row.secrets)) as { server_key: string };
  return { settings, endpoint: { serverKey: server_key, environment: settings.environment, baseUrl: settings.base_url } };
}

export const midtransNotConfigured = () => new AppError('payment.midtrans_not_configured', 'conflict', 'set up Midtrans first: PUT /api/v1/integrations/midtrans');

export async function midtransAccount(ctx: Ctx, secrets: SecretBox): Promise<MidtransAccount> {
  const account = await findMidtransAccount(ctx.tx, workspaceOf(ctx), secrets);
  if (!account) throw midtransNotConfigured();
  return account;
}

/**
 * What a consultation costs when the workspace takes payment for it: once Midtrans is set up
 * with a server key, or on a demo workspace with the demo gateway. The assistant offers a
 * payment link only then.
 */
export async function consultationCharge(ctx: Ctx, _secrets: SecretBox): Promise<{ price: number; currency: 'IDR' } | null> {
  const ws = workspaceOf(ctx);
  const row = await findIntegration(ctx.tx, ws, MIDTRANS);
  if (row?.secrets) return { price: StoredMidtransSettings.parse(row.settings).consultation_price, currency: 'IDR' };
  const demo = await findDemoGateway(ctx.tx, ws);
  return demo ? { price: demo.consultation_price, currency: 'IDR' } : null;
}
