// Proof that a workspace's credentials own the channel ids it asks to bind, asked of the
// provider before an id is bound (issue #11, finding 9). Without it ids were first come, first
// served: any tenant could take another business's number or assistant and receive its
// customers. The base URLs are the operator's (configuration), never a tenant's, and only the
// ids, which the settings schema restricts to their providers' shapes, reach the paths.
import { AppError } from '../../../platform/errors.ts';
import { isOutboundRefused, outboundFetch, outboundLog, type OutboundFetch } from '../../../platform/http/outbound.ts';
import type { ChannelProvider, ChannelSecrets, StoredChannelSettings } from './settings.schema.ts';
import { DEFAULT_TWILIO_API_URL } from '../twilio/twilio.sender.ts';
import { DEFAULT_GRAPH_URL } from '../whatsapp/whatsapp.sender.ts';

export const DEFAULT_VAPI_API_URL = 'https://api.vapi.ai';

export interface ProviderUrls {
  /** WHATSAPP_GRAPH_URL, versioned. */
  whatsappGraphUrl?: string | undefined;
  /** TWILIO_API_URL. */
  twilioApiUrl?: string | undefined;
  /** VAPI_API_URL. */
  vapiApiUrl?: string | undefined;
}

/** True when the provider confirms that these credentials own every id of these settings. */
export type OwnershipProof = <P extends ChannelProvider>(provider: P, settings: StoredChannelSettings[P], secrets: ChannelSecrets[P]) => Promise<boolean>;

const TIMEOUT_MS = 10_000;

/** The provider could not be asked (down, unreachable, answering 5xx): nothing was decided, so nothing is bound. */
const unavailable = (provider: string) =>
  new AppError('channel.provider_unavailable', 'unavailable', `${provider} could not be reached to confirm the account; try again later`);

/**
 * Asks the provider. A 2xx that names the id proves it; any 4xx (unknown id, wrong credentials,
 * an id of another account) does not; a network error or 5xx throws 503, since it proves
 * nothing either way. The provider's answer is never shown to the tenant.
 */
export function channelOwnership(urls: ProviderUrls = {}, options: { fetch?: OutboundFetch } = {}): OwnershipProof {
  const doFetch = options.fetch ?? outboundFetch;
  const base = (url: string | undefined, fallback: string) => (url ?? fallback).replace(/\/+$/, '');

  async function getJson(provider: string, url: string, authorization: string): Promise<Record<string, unknown> | undefined> {
    let res: Response;
    try {
      res = await doFetch(url, { headers: { authorization, accept: 'application/json' }, redirect: 'error', signal: AbortSignal.timeout(TIMEOUT_MS) });
    } catch (e) {
      // A URL the outbound policy refuses is the operator's to fix (OUTBOUND_ALLOWED_HOSTS); the tenant hears only "unreachable".
      if (isOutboundRefused(e)) outboundLog()?.warn({ provider }, 'channel ownership check refused by the outbound policy');
      throw unavailable(provider);
    }
    if (res.status === 429 || res.status >= 500) throw unavailable(provider);
    if (!res.ok) return undefined;
    try {
      const body = (await res.json()) as unknown;
      return body !== null && typeof body === 'object' ? (body as Record<string, unknown>) : undefined;
    } catch {
      return undefined;
    }
  }

  const proofs: { [P in ChannelProvider]: (s: StoredChannelSettings[P], secrets: ChannelSecrets[P]) => Promise<boolean> } = {
    // GET /{phone-number-id} with the workspace's access token answers only for numbers of the
    // business accounts that token may use.
    async whatsapp(s, secrets) {
      const url = `${base(urls.whatsappGraphUrl, DEFAULT_GRAPH_URL)}/${encodeURIComponent(s.phone_number_id)}?fields=id,display_phone_number`;
      const body = await getJson('WhatsApp', url, `Bearer ${secrets.access_token}`);
      return body?.id === s.phone_number_id;
    },
    // The account's own list of numbers, with its credentials: answering at all proves the
    // AccountSid; each number must be listed under it.
    async twilio(s, secrets) {
      const auth = `Basic ${Buffer.from(`${s.account_sid}:${secrets.auth_token}`).toString('base64')}`;
      for (const number of s.phone_numbers) {
        const url = `${base(urls.twilioApiUrl, DEFAULT_TWILIO_API_URL)}/2010-04-01/Accounts/${encodeURIComponent(s.account_sid)}/IncomingPhoneNumbers.json?PhoneNumber=${encodeURIComponent(number)}`;
        const body = await getJson('Twilio', url, auth);
        const listed = Array.isArray(body?.incoming_phone_numbers) ? (body.incoming_phone_numbers as { phone_number?: unknown; account_sid?: unknown }[]) : [];
        if (!listed.some((n) => n?.phone_number === number && (n.account_sid === undefined || n.account_sid === s.account_sid))) return false;
      }
      return true;
    },
    // GET /assistant/{id} and /phone-number/{id} with the workspace's private API key answer
    // only for its own organisation's resources.
    async vapi(s, secrets) {
      const root = base(urls.vapiApiUrl, DEFAULT_VAPI_API_URL);
      const checks = [...s.assistant_ids.map((id) => ['assistant', id] as const), ...s.phone_number_ids.map((id) => ['phone-number', id] as const)];
      for (const [kind, id] of checks) {
        const body = await getJson('Vapi', `${root}/${kind}/${encodeURIComponent(id)}`, `Bearer ${secrets.api_key}`);
        if (body?.id !== id) return false;
      }
      return true;
    },
    async webchat() {
      return true;
    },
  };

  return (provider, settings, secrets) => (proofs[provider] as (s: typeof settings, x: typeof secrets) => Promise<boolean>)(settings, secrets);
}
