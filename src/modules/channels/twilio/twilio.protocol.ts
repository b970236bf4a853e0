import { createHmac, timingSafeEqual } from 'node:crypto';
import { isOutboundRefused, outboundFetch } from '../../../platform/http/outbound.ts';

/**
 * Twilio's side of the wire (reference/integrations.md §3): the X-Twilio-Signature scheme,
 * form parameters, and the REST call that sends a message.
 */

/** Form parameters as Twilio posts them; a key may repeat. */
export type TwilioParams = Record<string, string | string[]>;

export function parseForm(raw: string): TwilioParams {
  const out: TwilioParams = {};
  for (const [key, value] of new URLSearchParams(raw)) {
    const seen = out[key];
    out[key] = seen === undefined ? value : Array.isArray(seen) ? [...seen, value] : [seen, value];
  }
  return out;
}

/** The one value of a parameter (the first, should Twilio ever repeat it). */
export const param = (p: TwilioParams, key: string): string | undefined => {
  const v = p[key];
  return Array.isArray(v) ? v[0] : v;
};

/**
 * base64(HMAC-SHA1(authToken, url + every key in sorted order followed by its value)); a
 * repeated key contributes each distinct value, sorted. As twilio-node computes it.
 */
export function twilioSignature(authToken: string, url: string, params: TwilioParams): string {
  let data = url;
  for (const key of Object.keys(params).sort()) {
    const v = params[key]!;
    const values = Array.isArray(v) ? [...new Set(v)].sort() : [v];
    for (const value of values) data += key + value;
  }
  return createHmac('sha1', authToken).update(Buffer.from(data, 'utf8')).digest('base64');
}

/** The URL as configured, without its port, and with the scheme's standard port: Twilio may sign any of them. */
function urlVariants(url: string): string[] {
  const m = /^(https?:\/\/)([^/:?#]+)(?::(\d+))?(.*)$/i.exec(url);
  if (!m) return [url];
  const [, scheme, host, port, rest] = m as unknown as [string, string, string, string | undefined, string];
  const standard = scheme.toLowerCase() === 'https://' ? '443' : '80';
  return [...new Set([url, `${scheme}${host}${rest}`, `${scheme}${host}:${port ?? standard}${rest}`])];
}

const sameBytes = (a: string, b: string) => {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
};

/** True when `signature` signs `params` at `url` (with or without the standard port). */
export function isValidTwilioSignature(authToken: string, signature: string, url: string, params: TwilioParams): boolean {
  return urlVariants(url).some((u) => sameBytes(twilioSignature(authToken, u, params), signature));
}

export const EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response/>';

// Sending ------------------------------------------------------------------------------------

export interface TwilioEndpoint {
  /** TWILIO_API_URL: https://api.twilio.com, or a fake in tests. */
  baseUrl: string;
  accountSid: string;
  authToken: string;
}

export interface SmsRequest {
  to: string;
  /** One of the workspace's numbers, or its Messaging Service. */
  from: { number: string } | { messagingServiceSid: string };
  body: string;
  statusCallback: string;
}

export type SmsSendOutcome =
  | { outcome: 'sent'; sid: string; status: string; numSegments: number | null }
  | { outcome: 'retry'; reason: string }
  /** The request may have reached Twilio (a timeout, a reset): only a status callback can tell. */
  | { outcome: 'unknown'; reason: string }
  | { outcome: 'failed'; reason: string; errorCode: string | null };

/** Connection errors that mean the request never reached Twilio. */
const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

const SEND_TIMEOUT_MS = 15_000;

/**
 * POST /2010-04-01/Accounts/{AccountSid}/Messages.json. Never throws: a refused connection,
 * 429 and 5xx are worth another try; a connection lost after the request went out leaves the
 * outcome unknown; any other refusal (a bad number, an unsubscribed recipient, wrong
 * credentials) is final.
 */
export async function sendSms(endpoint: TwilioEndpoint, sms: SmsRequest): Promise<SmsSendOutcome> {
  const form = new URLSearchParams({ To: sms.to, Body: sms.body, StatusCallback: sms.statusCallback });
  if ('number' in sms.from) form.set('From', sms.from.number);
  else form.set('MessagingServiceSid', sms.from.messagingServiceSid);
  const url = `${endpoint.baseUrl.replace(/\/+$/, '')}/2010-04-01/Accounts/${encodeURIComponent(endpoint.accountSid)}/Messages.json`;
  let res: Response;
  try {
    res = await outboundFetch(url, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from(`${endpoint.accountSid}:${endpoint.authToken}`).toString('base64')}`,
        'content-type': 'application/x-www-form-urlencoded',
        accept: 'application/json',
      },
      body: form.toString(),
      signal: AbortSignal.timeout(SEND_TIMEOUT_MS),
    });
  } catch (e) {
    // TWILIO_API_URL points at this machine or a private network without OUTBOUND_ALLOWED_HOSTS saying so: no retry fixes that.
    if (isOutboundRefused(e)) return { outcome: 'failed', reason: 'the Twilio API address is not allowed (OUTBOUND_ALLOWED_HOSTS)', errorCode: null };
    const code = (e as { cause?: { code?: string } }).cause?.code ?? '';
    const reason = `Twilio unreachable: ${code || (e as Error).message}`;
    return NOT_SENT_CODES.has(code) ? { outcome: 'retry', reason } : { outcome: 'unknown', reason };
  }
  const text = await res.text().catch(() => '');
  let body: { sid?: unknown; status?: unknown; num_segments?: unknown; code?: unknown; message?: unknown } = {};
  try {
    body = JSON.parse(text);
  } catch {
    // An HTML error page from a proxy: the status says enough.
  }
  if (res.ok && typeof body.sid === 'string') {
    const segments = Number(body.num_segments);
    return { outcome: 'sent', sid: body.sid, status: typeof body.status === 'string' ? body.status : 'queued', numSegments: Number.isInteger(segments) && segments > 0 ? segments : null };
  }
  const reason = `Twilio answered ${res.status}${body.code ? ` (error ${body.code})` : ''}${typeof body.message === 'string' ? `: ${body.message}` : ''}`;
  if (res.status === 429 || res.status >= 500) return { outcome: 'retry', reason };
  return { outcome: 'failed', reason, errorCode: body.code === undefined || body.code === null ? null : String(body.code) };
}
