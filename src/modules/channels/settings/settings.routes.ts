import { Rank, type RouteDeps } from '../../../platform/http/env.ts';
import { createRoute, createRouter, errorResponses, json, jsonBody, type z } from '../../../platform/http/router.ts';
import {
  ChannelList,
  ChannelSettings,
  ProviderParams,
  TwilioSettingsInput,
  VapiSettingsInput,
  WebchatSettingsInput,
  WhatsAppSettingsInput,
  type ChannelProvider,
} from './settings.schema.ts';
import { channelOwnership, type ProviderUrls } from './ownership.ts';
import { getChannelSettings, listChannelSettings, saveChannelSettings } from './settings.service.ts';

const tags = ['channels'];

const INPUTS: { provider: ChannelProvider; schema: z.ZodType; secrets: string }[] = [
  { provider: 'whatsapp', schema: WhatsAppSettingsInput, secrets: 'access_token, app_secret and verify_token' },
  { provider: 'twilio', schema: TwilioSettingsInput, secrets: 'auth_token' },
  { provider: 'vapi', schema: VapiSettingsInput, secrets: 'secret and api_key' },
  { provider: 'webchat', schema: WebchatSettingsInput, secrets: '' },
];

/** Channel settings per workspace, under /api/v1; `providers` are where ownership is proven (the operator's WHATSAPP_GRAPH_URL, TWILIO_API_URL, VAPI_API_URL). */
export function channelSettingsRoutes(deps: RouteDeps & { providers?: ProviderUrls | undefined }) {
  const r = createRouter();
  const prove = channelOwnership(deps.providers);

  r.openapi(
    createRoute({
      method: 'get', path: '/channels', tags, summary: "The workspace's channel settings, without secrets",
      description: 'Everyone in the workspace reads them, read-only keys too; secrets are never returned.',
      middleware: deps.inWorkspace(Rank.readOnly),
      responses: { 200: json(ChannelList), ...errorResponses },
    }),
    async (c) => c.json(await listChannelSettings(c.var.ctx, deps.publicUrl ?? new URL(c.req.url).origin), 200),
  );

  r.openapi(
    createRoute({
      method: 'get', path: '/channels/{provider}', tags, summary: "One channel's settings, without secrets",
      description: 'Secrets are never returned; has_* says whether each is stored. 404 channel.not_found when the channel is not set up. Read-only keys may read it.',
      middleware: deps.inWorkspace(Rank.readOnly),
      request: { params: ProviderParams },
      responses: { 200: json(ChannelSettings), ...errorResponses },
    }),
    async (c) => c.json(await getChannelSettings(c.var.ctx, c.req.valid('param').provider, deps.publicUrl ?? new URL(c.req.url).origin), 200),
  );

  for (const { provider, schema, secrets } of INPUTS) {
    r.openapi(
      createRoute({
        method: 'put', path: `/channels/${provider}`, tags, summary: `Set the workspace's ${provider} channel`,
        description:
          (secrets ? `The secrets (${secrets}) are encrypted at rest with FRONTDESK_SECRET_KEY and never returned; omit one to keep the stored value (the first save needs them all). ` : '') +
          'Before a new account id is bound the provider must confirm that these credentials own it (WhatsApp: GET /{phone_number_id} with the access token, then the verification GET from Meta on the webhook URL with this verify token binds the number: phone_number_status; ' +
          'Twilio: the number is among the AccountSid\'s IncomingPhoneNumbers; Vapi: GET /assistant/{id} and /phone-number/{id} with api_key). ' +
          'A failed proof and an id another workspace has bound answer the same 403 channel.ownership_unproven; 503 channel.provider_unavailable when the provider cannot be reached. Admins only.',
        middleware: deps.inWorkspace(Rank.admin),
        request: { body: jsonBody(schema) },
        responses: { 200: json(ChannelSettings), ...errorResponses },
      }),
      async (c) => c.json(await saveChannelSettings(c.var.ctx, deps.secrets, provider, c.req.valid('json') as never, { publicUrl: deps.publicUrl ?? new URL(c.req.url).origin, prove }), 200),
    );
  }

  return r;
}
