import { z } from '@hono/zod-openapi';
import { WebhookStatus } from '../../platform/http/router.ts';
import { BaseUrl } from './payments.schema.ts';

/** The gateways a workspace can choose for its payments. */
export const GATEWAYS = ['midtrans', 'stripe'] as const;
export type GatewayName = (typeof GATEWAYS)[number];

const SecretKey = z
  .string()
  .trim()
  .regex(/^(sk|rk)_(test|live)_[A-Za-z0-9_]{8,240}$/, "a Stripe secret (sk_test_..., sk_live_...) or restricted (rk_...) key");
const SigningSecret = z.string().trim().regex(/^whsec_[A-Za-z0-9+/=_-]{8,240}$/, "the webhook endpoint's signing secret (whsec_...)");

export const StripeSettingsInput = z
  .strictObject({
    secret_key: SecretKey.optional().openapi({ description: 'secret; required the first time, kept when omitted', example: 'sk_test_51Hx...' }),
    webhook_secret: SigningSecret.optional().openapi({ description: "secret: the signing secret of the webhook endpoint set up in Stripe's dashboard; required the first time, kept when omitted", example: 'whsec_...' }),
    publishable_key: z
      .string()
      .trim()
      .regex(/^pk_(test|live)_[A-Za-z0-9_]{8,240}$/)
      .nullable()
      .default(null)
      .openapi({ description: 'public: Stripe.js uses it in the browser to authorise the card', example: 'pk_test_51Hx...' }),
    api_base_url: BaseUrl.nullable().default(null).openapi({ description: "replaces https://api.stripe.com (a proxy, or a fake in tests); null for Stripe itself" }),
  })
  .openapi('StripeSettingsInput');
export type StripeSettingsInput = z.infer<typeof StripeSettingsInput>;

/** What is stored in integrations.settings (never the keys themselves). */
export const StoredStripeSettings = z.object({
  publishable_key: z.string().nullable(),
  api_base_url: z.string().nullable(),
  secret_key_last4: z.string(),
  mode: z.enum(['test', 'live']),
});
export type StoredStripeSettings = z.infer<typeof StoredStripeSettings>;

/** What is sealed in integrations.secrets. */
export const StripeSecrets = z.object({ secret_key: z.string(), webhook_secret: z.string() });
export type StripeSecrets = z.infer<typeof StripeSecrets>;

export const StripeSettings = z
  .object({
    provider: z.literal('stripe'),
    mode: z.enum(['test', 'live']).openapi({ description: "from the secret key: sk_test_ or sk_live_" }),
    publishable_key: z.string().nullable(),
    secret_key_set: z.boolean(),
    secret_key_last4: z.string().openapi({ description: 'to tell keys apart; the key itself is never returned' }),
    webhook_secret_set: z.boolean().openapi({ description: 'the signing secret is never returned' }),
    api_base_url: z.string().nullable(),
    webhook_url: z.string().nullable().openapi({ description: "add this endpoint in Stripe's dashboard (events payment_intent.*) and paste its signing secret here" }),
    webhook: WebhookStatus.openapi({ description: "Stripe's last webhooks for this workspace" }),
    created_at: z.date(),
    updated_at: z.date(),
  })
  .openapi('StripeSettings');
export type StripeSettings = z.infer<typeof StripeSettings>;

export const GatewayChoiceInput = z.strictObject({ gateway: z.enum(GATEWAYS) }).openapi('PaymentGatewayInput');
export type GatewayChoiceInput = z.infer<typeof GatewayChoiceInput>;

export const GatewayChoice = z
  .object({
    gateway: z.enum(GATEWAYS).nullable().openapi({ description: 'the gateway the workspace chose; null: none chosen' }),
    effective: z
      .enum(['midtrans', 'stripe', 'demo'])
      .nullable()
      .openapi({ description: 'the gateway new payments use: the chosen one; with none chosen, Midtrans once it has a server key, else Stripe once set up, else the demo gateway on a demo workspace' }),
    configured: z.array(z.enum(GATEWAYS)).openapi({ description: 'the gateways set up in this workspace' }),
  })
  .openapi('PaymentGateway');
export type GatewayChoice = z.infer<typeof GatewayChoice>;

export const StripeWebhookResult = z.object({ result: z.enum(['applied', 'duplicate', 'ignored']) }).openapi('StripeWebhookResult');
