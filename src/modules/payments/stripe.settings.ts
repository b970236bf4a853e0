import { workspaceIdOf, type Ctx } from '../../platform/context.ts';
import type { Tx } from '../../platform/db/database.ts';
import { findIntegration, NO_WEBHOOK, saveIntegration, webhookStatuses, type IntegrationRow, type WebhookStatus } from '../../platform/db/integrations.ts';
import { AppError, invalidField } from '../../platform/errors.ts';
import { assertOutboundTarget } from '../../platform/http/outbound.ts';
import type { SecretBox } from '../../platform/secrets.ts';
import { findDemoGateway } from './demo.settings.ts';
import { MIDTRANS } from './settings.service.ts';
import type { StripeEndpoint } from './stripe.client.ts';
import {
  GATEWAYS,
  StoredStripeSettings,
  StripeSecrets,
  type GatewayChoice,
  type GatewayChoiceInput,
  type GatewayName,
  type StripeSettings,
  type StripeSettingsInput,
} from './stripe.schema.ts';

export const STRIPE = 'stripe';
export const STRIPE_WEBHOOK_PATH = '/webhooks/stripe';
/** The integrations row that records which gateway the workspace chose. */
export const PAYMENT_GATEWAY = 'payment_gateway';

/** A workspace's Stripe account: what to call Stripe with and how to check its webhooks. */
export interface StripeAccount {
  endpoint: StripeEndpoint;
  webhookSecret: string;
  settings: StoredStripeSettings;
}

function toSettings(row: IntegrationRow, publicUrl: string | undefined, webhook: WebhookStatus = NO_WEBHOOK): StripeSettings {
  const s = StoredStripeSettings.parse(row.settings);
  return {
    provider: 'stripe',
    mode: s.mode,
    publishable_key: s.publishable_key,
    secret_key_set: row.secrets !== null,
    secret_key_last4: s.secret_key_last4,
    webhook_secret_set: row.secrets !== null,
    api_base_url: s.api_base_url,
    webhook_url: publicUrl ? `${publicUrl.replace(/\/+$/, '')}${STRIPE_WEBHOOK_PATH}` : null,
    webhook,
    created_at: row.created_at,
    updated_at: row.updated_at,
  };
}

export async function getStripeSettings(ctx: Ctx, publicUrl: string | undefined): Promise<StripeSettings> {
  const ws = workspaceIdOf(ctx);
  const row = await findIntegration(ctx.tx, ws, STRIPE);
  if (!row) throw new AppError('integration.not_found', 'not_found', 'Stripe is not set up in this workspace');
  return toSettings(row, publicUrl, (await webhookStatuses(ctx.tx, ws, [STRIPE])).get(STRIPE));
}

/** Replaces the settings; a secret that is not given keeps its stored value. */
export async function putStripeSettings(ctx: Ctx, secrets: SecretBox, input: StripeSettingsInput, publicUrl: string | undefined): Promise<StripeSettings> {
  if (input.api_base_url) assertOutboundTarget(input.api_base_url, 'api_base_url');
  const ws = workspaceIdOf(ctx);
  const existing = await findIntegration(ctx.tx, ws, STRIPE);
  const stored = existing?.secrets ? StripeSecrets.parse(JSON.parse(secrets.open(existing.secrets))) : undefined;
  const secret_key = input.secret_key ?? stored?.secret_key;
  const webhook_secret = input.webhook_secret ?? stored?.webhook_secret;
  if (!secret_key) throw invalidField('secret_key', 'required: no secret key is stored yet');
  if (!webhook_secret) throw invalidField('webhook_secret', "required: no signing secret is stored yet (Stripe's dashboard shows it on the webhook endpoint)");
  const mode = /^(sk|rk)_live_/.test(secret_key) ? 'live' : 'test';
  if (input.publishable_key && !input.publishable_key.startsWith(`pk_${mode}_`)) {
    throw invalidField('publishable_key', `the secret key is a ${mode} key: use the pk_${mode}_ publishable key`);
  }
  const settings: StoredStripeSettings = { publishable_key: input.publishable_key, api_base_url: input.api_base_url, secret_key_last4: secret_key.slice(-4), mode };
  const row = await saveIntegration(ctx.tx, ws, STRIPE, {
    settings,
    secrets: input.secret_key || input.webhook_secret ? secrets.seal(JSON.stringify({ secret_key, webhook_secret } satisfies StripeSecrets)) : existing!.secrets,
    provider_account_id: null,
  });
  return toSettings(row, publicUrl, (await webhookStatuses(ctx.tx, ws, [STRIPE])).get(STRIPE));
}

/** The workspace's Stripe account, or undefined when it has none. */
export async function findStripeAccount(tx: Tx, ws: string, secrets: SecretBox): Promise<StripeAccount | undefined> {
  const row = await findIntegration(tx, ws, STRIPE);
  if (!row?.secrets) return undefined;
  const settings = StoredStripeSettings.parse(row.settings);
  const { secret_key, webhook_secret } = StripeSecrets.parse(JSON.parse(secrets.open(row.secrets)));
  return { settings, webhookSecret: webhook_secret, endpoint: { secretKey: secret_key, apiBaseUrl: settings.api_base_url } };
}

export const stripeNotConfigured = () => new AppError('payment.stripe_not_configured', 'conflict', 'set up Stripe first: PUT /api/v1/integrations/stripe');

// Which gateway -------------------------------------------------------------------------------

async function chosenGateway(tx: Tx, ws: string): Promise<GatewayName | null> {
  const row = await findIntegration(tx, ws, PAYMENT_GATEWAY);
  const g = row?.settings.gateway;
  return GATEWAYS.find((x) => x === g) ?? null;
}

async function configuredGateways(tx: Tx, ws: string): Promise<GatewayName[]> {
  const [m, s] = await Promise.all([findIntegration(tx, ws, MIDTRANS), findIntegration(tx, ws, STRIPE)]);
  return [...(m?.secrets ? (['midtrans'] as const) : []), ...(s?.secrets ? (['stripe'] as const) : [])];
}

/**
 * The gateway new payments use: the one the workspace chose; with none chosen, Midtrans once it
 * has a server key (as before Stripe existed), else Stripe once set up, else the demo gateway
 * on a demo workspace, else none.
 */
export async function effectiveGateway(tx: Tx, ws: string): Promise<'midtrans' | 'stripe' | 'demo' | null> {
  const chosen = await chosenGateway(tx, ws);
  if (chosen) return chosen;
  const configured = await configuredGateways(tx, ws);
  if (configured.includes('midtrans')) return 'midtrans';
  if (configured.includes('stripe')) return 'stripe';
  return (await findDemoGateway(tx, ws)) ? 'demo' : null;
}

export async function getGatewayChoice(ctx: Ctx): Promise<GatewayChoice> {
  const ws = workspaceIdOf(ctx);
  return { gateway: await chosenGateway(ctx.tx, ws), effective: await effectiveGateway(ctx.tx, ws), configured: await configuredGateways(ctx.tx, ws) };
}

/** Chooses the gateway; it must be set up first, so that payments never stop for want of one. */
export async function putGatewayChoice(ctx: Ctx, input: GatewayChoiceInput): Promise<GatewayChoice> {
  const ws = workspaceIdOf(ctx);
  if (!(await configuredGateways(ctx.tx, ws)).includes(input.gateway)) {
    throw new AppError(
      input.gateway === 'stripe' ? 'payment.stripe_not_configured' : 'payment.midtrans_not_configured',
      'conflict',
      `set up ${input.gateway === 'stripe' ? 'Stripe' : 'Midtrans'} first: PUT /api/v1/integrations/${input.gateway}`,
    );
  }
  await saveIntegration(ctx.tx, ws, PAYMENT_GATEWAY, { settings: { gateway: input.gateway }, secrets: null, provider_account_id: null });
  return getGatewayChoice(ctx);
}
