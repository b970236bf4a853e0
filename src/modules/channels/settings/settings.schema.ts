import { z } from '@hono/zod-openapi';
import { WebhookStatus } from '../../../platform/http/router.ts';

export const CHANNEL_PROVIDERS = ['whatsapp', 'twilio', 'vapi', 'webchat'] as const;
export type ChannelProvider = (typeof CHANNEL_PROVIDERS)[number];

const E164 = z.string().regex(/^\+[1-9]\d{6,14}$/, 'an E.164 phone number, like +14155550100');
const secret = (min: number) => z.string().min(min).max(2000);
const Origin = z
  .string()
  .max(200)
  .regex(/^https?:\/\/[A-Za-z0-9.-]+(:\d{1,5})?$/, 'an origin: scheme, host and optional port, no path (https://example.com)');

// Inputs: secrets are optional once stored (omit them to keep the stored ones) --------------

export const WhatsAppSettingsInput = z
  .strictObject({
    phone_number_id: z.string().regex(/^\d{5,30}$/, "Meta's numeric phone number id"),
    display_phone_number: z.string().max(30).optional(),
    business_account_id: z.string().regex(/^\d{1,30}$/).optional(),
    access_token: secret(10).optional(),
    app_secret: secret(8).optional(),
    verify_token: secret(8).optional(),
    /** The approved template that carries reminders outside the 24-hour window; its one body parameter is the reminder text. */
    reminder_template: z
      .strictObject({ name: z.string().regex(/^[a-z0-9_]{1,512}$/), language: z.string().regex(/^[a-z]{2,3}(_[A-Z]{2})?$/) })
      .nullable()
      .optional(),
  })
  .openapi('WhatsAppSettingsInput');
export type WhatsAppSettingsInput = z.infer<typeof WhatsAppSettingsInput>;

export const TwilioSettingsInput = z
  .strictObject({
    account_sid: z.string().regex(/^AC[0-9a-fA-F]{32}$/),
    phone_numbers: z.array(E164).min(1).max(20),
    messaging_service_sid: z.string().regex(/^MG[0-9a-fA-F]{32}$/).nullable().optional(),
    /** The public base URL Twilio calls (signatures are computed over it), e.g. https://desk.example.com. */
    webhook_url: z.url().max(500),
    auth_token: secret(16).optional(),
  })
  .openapi('TwilioSettingsInput');
export type TwilioSettingsInput = z.infer<typeof TwilioSettingsInput>;

// Vapi's ids are UUIDs; letters, digits, - and _ keep any id a single path segment of the
// ownership check (GET /assistant/{id}).
const VapiId = z.string().regex(/^[A-Za-z0-9_-]{1,100}$/, "a Vapi id (letters, digits, '-' and '_')");

const HeaderName = z.string().regex(/^[A-Za-z0-9-]{1,100}$/, 'an HTTP header name').transform((h) => h.toLowerCase());

/** Vapi's HMACAuthenticationPlan with its defaults: hex HMAC of "{timestamp}.{body}" in x-signature, the time in x-timestamp. */
export const HmacPlan = z
  .strictObject({
    algorithm: z.enum(['sha256', 'sha512', 'sha1']).default('sha256'),
    signature_header: HeaderName.default('x-signature'),
    timestamp_header: HeaderName.default('x-timestamp'),
    include_timestamp: z.boolean().default(true),
    signature_prefix: z.string().max(20).default(''),
  })
  .openapi('VapiHmacPlan');
export type HmacPlan = z.infer<typeof HmacPlan>;

export const CallAssistantSettings = z
  .strictObject({
    /** What the assistant says when it picks up; by default a greeting with the business's name in its language. */
    first_message: z.string().min(1).max(1000).nullable().default(null),
    /** The voice, as Vapi names it: {"provider": "11labs", "voiceId": "..."}; Vapi's default when null. */
    voice: z.strictObject({ provider: z.string().min(1).max(50), voice_id: z.string().min(1).max(200) }).nullable().default(null),
    /** The model that speaks for the assistant. */
    model: z.strictObject({ provider: z.string().min(1).max(50), model: z.string().min(1).max(100) }).default({ provider: 'openai', model: 'gpt-4o-mini' }),
  })
  .openapi('VapiCallAssistant');
export type CallAssistantSettings = z.infer<typeof CallAssistantSettings>;

export const VapiSettingsInput = z
  .strictObject({
    assistant_ids: z.array(VapiId).max(20).default([]),
    phone_number_ids: z.array(VapiId).max(20).default([]),
    /** What Vapi sends as X-Vapi-Secret on its webhooks. */
    secret: secret(8).optional(),
    /** The organisation's private API key: proves the assistant and phone number ids are its own before they are bound. */
    api_key: secret(8).optional(),
    /** The secret key of a Vapi HMAC credential on the server URL: once set, every message must carry its signature (null removes it). */
    hmac_secret: secret(16).nullable().optional(),
    /** How that credential signs; Vapi's defaults when omitted. */
    hmac: HmacPlan.optional(),
    /** What the assistant sent in answer to Vapi's assistant-request says and sounds like; the prompt is the workspace's active voice prompt. */
    call_assistant: CallAssistantSettings.optional(),
  })
  .openapi('VapiSettingsInput');
export type VapiSettingsInput = z.infer<typeof VapiSettingsInput>;

export const WebchatSettingsInput = z
  .strictObject({ allowed_origins: z.array(Origin).min(1).max(50) })
  .openapi('WebchatSettingsInput');
export type WebchatSettingsInput = z.infer<typeof WebchatSettingsInput>;

// What is stored: plain settings in integrations.settings, secrets sealed in integrations.secrets

export const StoredWhatsAppSettings = z.object({
  phone_number_id: z.string(),
  display_phone_number: z.string().nullable().default(null),
  business_account_id: z.string().nullable().default(null),
  reminder_template: z.object({ name: z.string(), language: z.string() }).nullable().default(null),
  /** Meta's verification GET names no account: the hash lets it find the workspace without opening every secret. */
  verify_token_sha256: z.string().nullable().default(null),
});
export type StoredWhatsAppSettings = z.infer<typeof StoredWhatsAppSettings>;

export const StoredTwilioSettings = z.object({
  account_sid: z.string(),
  phone_numbers: z.array(z.string()),
  messaging_service_sid: z.string().nullable().default(null),
  webhook_url: z.string(),
});
export type StoredTwilioSettings = z.infer<typeof StoredTwilioSettings>;

export const StoredVapiSettings = z.object({
  assistant_ids: z.array(z.string()),
  phone_number_ids: z.array(z.string()),
  hmac: HmacPlan.default(HmacPlan.parse({})),
  call_assistant: CallAssistantSettings.default(CallAssistantSettings.parse({})),
});
export type StoredVapiSettings = z.infer<typeof StoredVapiSettings>;

export const StoredWebchatSettings = z.object({ allowed_origins: z.array(z.string()) });
export type StoredWebchatSettings = z.infer<typeof StoredWebchatSettings>;

export interface ChannelSecrets {
  whatsapp: { access_token: string; app_secret: string; verify_token: string };
  twilio: { auth_token: string };
  vapi: { secret: string; api_key: string; hmac_secret?: string };
  webchat: Record<string, never>;
}

export interface StoredChannelSettings {
  whatsapp: StoredWhatsAppSettings;
  twilio: StoredTwilioSettings;
  vapi: StoredVapiSettings;
  webchat: StoredWebchatSettings;
}

// Outputs: never a secret, only whether it is set ----------------------------------------------

const common = {
  webhook_url: z.string().nullable().openapi({ description: 'Where to point the provider (PUBLIC_URL, else the address this request came to); Twilio: the base URL configured' }),
  // The provider's last webhooks for this workspace; null for web chat, which has none.
  webhook: WebhookStatus.nullable(),
  created_at: z.date(),
  updated_at: z.date(),
};

export const WhatsAppSettings = z
  .object({
    provider: z.literal('whatsapp'),
    phone_number_id: z.string(),
    display_phone_number: z.string().nullable(),
    business_account_id: z.string().nullable(),
    reminder_template: z.object({ name: z.string(), language: z.string() }).nullable(),
    has_access_token: z.boolean(),
    has_app_secret: z.boolean(),
    has_verify_token: z.boolean(),
    phone_number_status: z.enum(['pending_verification', 'verified']).openapi({
      description:
        "pending_verification until Meta's verification GET arrives on webhook_url with this workspace's verify token (set the callback URL and verify token in the Meta app's WhatsApp configuration); " +
        "until then the number's deliveries are not accepted for this workspace. Stays pending if another workspace verified the number first.",
    }),
    ...common,
  })
  .openapi('WhatsAppSettings');

export const TwilioSettings = z
  .object({
    provider: z.literal('twilio'),
    account_sid: z.string(),
    phone_numbers: z.array(z.string()),
    messaging_service_sid: z.string().nullable(),
    has_auth_token: z.boolean(),
    ...common,
    incoming_sms_url: z.string().openapi({ description: "what to paste in the number's \"A message comes in\" webhook in Twilio's console" }),
  })
  .openapi('TwilioSettings');

export const VapiSettings = z
  .object({
    provider: z.literal('vapi'),
    assistant_ids: z.array(z.string()),
    phone_number_ids: z.array(z.string()),
    has_secret: z.boolean(),
    has_api_key: z.boolean(),
    /** Whether messages must carry an HMAC signature (hmac_secret set), and how it is made. */
    has_hmac_secret: z.boolean(),
    hmac: HmacPlan,
    call_assistant: CallAssistantSettings,
    ...common,
  })
  .openapi('VapiSettings');

export const WebchatSettings = z
  .object({ provider: z.literal('webchat'), allowed_origins: z.array(z.string()), ...common })
  .openapi('WebchatSettings');

export const ChannelSettings = z
  .discriminatedUnion('provider', [WhatsAppSettings, TwilioSettings, VapiSettings, WebchatSettings])
  .openapi('ChannelSettings');
export type ChannelSettings = z.infer<typeof ChannelSettings>;

export const ChannelList = z.object({ data: z.array(ChannelSettings) }).openapi('ChannelList');
export const ProviderParams = z.object({ provider: z.enum(CHANNEL_PROVIDERS).openapi({ param: { in: 'path' } }) });
