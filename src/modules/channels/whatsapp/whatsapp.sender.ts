import { isOutboundRefused, outboundFetch } from '../../../platform/http/outbound.ts';
import type { ChannelAccount } from '../settings/settings.service.ts';
import type { ChannelSender, OutboundMessage, SendResult } from '../outbox/sender.ts';
import { TEXT_LIMIT, WINDOW_CLOSED_ERROR } from './whatsapp.protocol.ts';
import { whatsappWindowOpen } from './window.ts';

export const DEFAULT_GRAPH_URL = 'https://graph.facebook.com/v21.0';

/** Connection errors that mean the request never reached Meta. */
const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

/**
 * Messages that may go as the workspace's approved template outside the window: the notices
 * scheduling queues (notify.ts), and `template`, what staff send from the inbox to reach a
 * customer whose window has closed (always as the template).
 */
const TEMPLATE_KINDS = new Set(['reminder', 'appointment_reminder', 'booking_reminder', 'template']);

interface GraphError {
  error?: { message?: string; code?: number; error_subcode?: number; error_data?: { details?: string } };
}

function failureOf(status: number, body: GraphError): SendResult {
  const e = body.error ?? {};
  const reason = `WhatsApp ${status}${e.code ? ` (${e.code})` : ''}: ${e.error_data?.details ?? e.message ?? 'request refused'}`;
  // Throttling (HTTP 429, codes 4/80007/130429/131048/131056) and Meta's own trouble (5xx, code 1/2/131000) pass; the rest will not.
  const throttled = status === 429 || [4, 80007, 130429, 131048, 131056].includes(e.code ?? -1);
  const transient = status >= 500 || [1, 2, 131000].includes(e.code ?? -1);
  if (e.code === WINDOW_CLOSED_ERROR) return { outcome: 'failed', reason: `outside the 24-hour customer-service window: ${reason}` };
  return throttled || transient ? { outcome: 'retry', reason } : { outcome: 'failed', reason };
}

/**
 * Sends through the Cloud API's `POST /{phone-number-id}/messages`. Inside the contact's
 * 24-hour window a message goes as text; outside it only a reminder can go, as the workspace's
 * approved template, and anything else fails with the reason. Our message id travels as
 * biz_opaque_callback_data, which Meta echoes in status callbacks: that is how a send whose
 * answer we never recorded is recognised (see the outbox in docs/architecture.md).
 */
export function whatsappSender(options: { graphUrl?: string | undefined; timeoutMs?: number; fetch?: (input: string | URL, init?: RequestInit) => Promise<Response> } = {}): ChannelSender<'whatsapp'> {
  const graphUrl = (options.graphUrl ?? DEFAULT_GRAPH_URL).replace(/\/+$/, '');
  const timeoutMs = options.timeoutMs ?? 15_000;
  const doFetch = options.fetch ?? outboundFetch;

  return {
    channel: 'whatsapp',
    provider: 'whatsapp',
    async send(m: OutboundMessage, account: ChannelAccount<'whatsapp'> | undefined): Promise<SendResult> {
      if (!account?.secrets.access_token) return { outcome: 'failed', reason: 'WhatsApp is not set up in this workspace' };
      if (!m.to.phone) return { outcome: 'failed', reason: 'the contact has no phone number' };
      const asTemplate = m.metadata.kind === 'template';
      let content: Record<string, unknown>;
      if (!asTemplate && whatsappWindowOpen(m.lastInboundAt, m.now)) {
        const body = m.body.length > TEXT_LIMIT ? `${m.body.slice(0, TEXT_LIMIT - 1)}…` : m.body;
        content = { type: 'text', text: { preview_url: false, body } };
      } else {
        const template = account.settings.reminder_template;
        if (!TEMPLATE_KINDS.has(String(m.metadata.kind ?? ''))) {
          return { outcome: 'failed', reason: 'outside the 24-hour customer-service window: WhatsApp only takes approved templates, and this message has none' };
        }
        if (!template) return { outcome: 'failed', reason: 'outside the 24-hour customer-service window and no reminder template is configured' };
        content = {
          type: 'template',
          template: {
            name: template.name,
            language: { code: template.language, policy: 'deterministic' },
            components: [{ type: 'body', parameters: [{ type: 'text', text: m.body.slice(0, 1024) }] }],
          },
        };
      }
      const request = {
        messaging_product: 'whatsapp',
        recipient_type: 'individual',
        to: m.to.phone,
        biz_opaque_callback_data: m.messageId,
        ...content,
      };
      let res: Response;
      try {
        res = await doFetch(`${graphUrl}/${encodeURIComponent(account.settings.phone_number_id)}/messages`, {
          method: 'POST',
          headers: { authorization: `Bearer ${account.secrets.access_token}`, 'content-type': 'application/json' },
          body: JSON.stringify(request),
          signal: AbortSignal.timeout(timeoutMs),
        });
      } catch (e) {
        if (isOutboundRefused(e)) return { outcome: 'failed', reason: 'the WhatsApp Graph API address is not allowed (OUTBOUND_ALLOWED_HOSTS)' };
        // Refused before a connection: nothing left. Anything later (a timeout, a reset) may
        // have reached Meta, so it waits for the status callback instead of a blind resend.
        const code = ((e as { cause?: { code?: string } }).cause?.code ?? '') as string;
        const reason = `WhatsApp unreachable: ${code || (e as Error).message}`;
        return NOT_SENT_CODES.has(code) ? { outcome: 'retry', reason } : { outcome: 'unknown', reason };
      }
      const body = (await res.json().catch(() => ({}))) as GraphError & { messages?: { id?: string }[] };
      if (!res.ok) return failureOf(res.status, body);
      const id = body.messages?.[0]?.id;
      // Accepted, so sent; without an id only the status callback (naming our id) can tell which wamid.
      return id ? { outcome: 'sent', providerMessageId: id } : { outcome: 'unknown', reason: 'WhatsApp accepted the message without giving its id' };
    },
  };
}
