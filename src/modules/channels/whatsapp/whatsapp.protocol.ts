// The WhatsApp Cloud API's wire format (reference/integrations.md §2): the webhook envelope,
// X-Hub-Signature-256, readable text for non-text messages, and the send request.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from '@hono/zod-openapi';
import { cleanId, unstorablePath, type Rejection } from '../inbound/edge.ts';

/** `sha256=<hex HMAC-SHA256(app secret, raw body)>`, checked in constant time over the exact bytes received. */
export function isValidHubSignature(rawBody: string | Buffer, header: string | undefined, appSecret: string): boolean {
  const m = /^sha256=([0-9a-fA-F]{64})$/.exec(header?.trim() ?? '');
  if (!m) return false;
  const expected = createHmac('sha256', appSecret).update(rawBody).digest();
  const given = Buffer.from(m[1]!, 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

export const hubSignature = (rawBody: string | Buffer, appSecret: string) => `sha256=${createHmac('sha256', appSecret).update(rawBody).digest('hex')}`;

const InboundMessage = z.looseObject({
  // The sender's WhatsApp id is its phone number without the plus: E.164, at most 15 digits.
  from: z.string().regex(/^[1-9]\d{6,14}$/, 'not an E.164 phone number (at most 15 digits)'),
  id: z.string().min(1).max(200),
  timestamp: z.string().regex(/^\d{1,12}$/),
  type: z.string().min(1).max(40),
  text: z.looseObject({ body: z.string() }).optional(),
});
export type InboundMessage = z.infer<typeof InboundMessage>;

const Status = z.looseObject({
  id: z.string().min(1).max(200),
  status: z.string().min(1).max(40),
  timestamp: z.string().regex(/^\d{1,12}$/).optional(),
  recipient_id: z.string().optional(),
  biz_opaque_callback_data: z.string().max(512).optional(),
  errors: z.array(z.looseObject({ code: z.number().optional(), title: z.string().optional(), message: z.string().optional() })).optional(),
});
export type DeliveryReport = z.infer<typeof Status>;

const Change = z.looseObject({
  field: z.string(),
  value: z.looseObject({
    metadata: z.looseObject({ phone_number_id: z.string().regex(/^\d{1,40}$/), display_phone_number: z.string().optional() }).optional(),
    contacts: z.array(z.unknown()).optional(),
    messages: z.array(z.unknown()).optional(),
    statuses: z.array(z.unknown()).optional(),
  }),
});

// Only the outer shape is checked whole: each change, message and status is checked on its
// own, so that one bad item never refuses the items beside it.
export const Envelope = z.looseObject({
  object: z.string(),
  entry: z.array(z.looseObject({ id: z.unknown().optional(), changes: z.array(z.unknown()).default([]) })).max(100),
});

/** One phone number's share of a webhook delivery. */
export interface PhoneEvents {
  phoneNumberId: string;
  messages: (InboundMessage & { senderName: string | null })[];
  statuses: DeliveryReport[];
  /** Messages and statuses refused at the edge: recorded as rejected, the rest still applies. */
  rejected: Rejection[];
}

const firstIssue = (e: z.ZodError) => {
  const i = e.issues[0];
  return i ? `${i.path.join('.') || '(root)'}: ${i.message}` : 'not valid';
};

/** An item as it may be stored, or why it may not be. */
function check<T>(schema: z.ZodType<T>, item: unknown, what: string): { ok: true; value: T } | { ok: false; rejection: Rejection } {
  const providerMessageId = cleanId((item as { id?: unknown } | null)?.id);
  const bad = unstorablePath(item);
  if (bad !== undefined) return { ok: false, rejection: { providerMessageId, reason: `${what} ${bad}: a NUL character or a lone surrogate` } };
  const parsed = schema.safeParse(item);
  if (!parsed.success) return { ok: false, rejection: { providerMessageId, reason: `${what} ${firstIssue(parsed.error)}` } };
  return { ok: true, value: parsed.data };
}

/**
 * Groups a verified delivery by the phone number it is for. A change without a usable
 * phone_number_id belongs to no workspace and is only counted (`unattributed`).
 */
export function eventsByPhone(envelope: z.infer<typeof Envelope>): { phones: PhoneEvents[]; unattributed: number } {
  const byPhone = new Map<string, PhoneEvents>();
  let unattributed = 0;
  for (const entry of envelope.entry) {
    for (const raw of entry.changes) {
      const change = Change.safeParse(raw);
      if (!change.success) {
        unattributed++;
        continue;
      }
      const phoneNumberId = change.data.value.metadata?.phone_number_id;
      if (change.data.field !== 'messages' || !phoneNumberId) continue;
      let events = byPhone.get(phoneNumberId);
      if (!events) byPhone.set(phoneNumberId, (events = { phoneNumberId, messages: [], statuses: [], rejected: [] }));
      const names = new Map<string, string | null>();
      for (const c of change.data.value.contacts ?? []) {
        const contact = c as { wa_id?: unknown; profile?: { name?: unknown } } | null;
        const name = contact?.profile?.name;
        // A profile name is the customer's own text: kept only when it can be stored.
        if (typeof contact?.wa_id === 'string') names.set(contact.wa_id, typeof name === 'string' && unstorablePath(name) === undefined ? name.slice(0, 200) : null);
      }
      for (const m of change.data.value.messages ?? []) {
        const c = check(InboundMessage, m, 'message');
        if (c.ok) events.messages.push({ ...c.value, senderName: names.get(c.value.from) ?? null });
        else events.rejected.push(c.rejection);
      }
      for (const s of change.data.value.statuses ?? []) {
        const c = check(Status, s, 'status');
        if (c.ok) events.statuses.push(c.value);
        else events.rejected.push(c.rejection);
      }
    }
  }
  return { phones: [...byPhone.values()], unattributed };
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() ? v.trim() : undefined);
const field = (m: Record<string, unknown>, type: string, key: string) => str((m[type] as Record<string, unknown> | undefined)?.[key]);

/**
 * What staff and the assistant read for a message: its text, or a readable placeholder for the
 * other types (with the caption, file name, button or place it carries).
 */
export function readableBody(m: InboundMessage): string {
  const raw = m as Record<string, unknown>;
  const withCaption = (label: string) => {
    const caption = field(raw, m.type, 'caption');
    return caption ? `[${label}] ${caption}` : `[${label}]`;
  };
  switch (m.type) {
    case 'text':
      return m.text?.body ?? '';
    case 'image':
      return withCaption('Image');
    case 'video':
      return withCaption('Video');
    case 'audio':
      return (raw.audio as { voice?: boolean } | undefined)?.voice ? '[Voice message]' : '[Audio]';
    case 'document': {
      const name = field(raw, 'document', 'filename');
      return name ? `[Document: ${name}]${field(raw, 'document', 'caption') ? ` ${field(raw, 'document', 'caption')}` : ''}` : withCaption('Document');
    }
    case 'sticker':
      return '[Sticker]';
    case 'location': {
      const place = [field(raw, 'location', 'name'), field(raw, 'location', 'address')].filter(Boolean).join(', ');
      const l = raw.location as { latitude?: number; longitude?: number } | undefined;
      return `[Location: ${place || `${l?.latitude ?? '?'}, ${l?.longitude ?? '?'}`}]`;
    }
    case 'contacts':
      return '[Contact card]';
    case 'reaction': {
      const emoji = field(raw, 'reaction', 'emoji');
      return emoji ? `[Reaction ${emoji}]` : '[Reaction removed]';
    }
    case 'button':
      return field(raw, 'button', 'text') ?? '[Button]';
    case 'interactive': {
      const i = raw.interactive as { button_reply?: { title?: string }; list_reply?: { title?: string } } | undefined;
      return str(i?.button_reply?.title) ?? str(i?.list_reply?.title) ?? '[Interactive reply]';
    }
    default:
      return `[Unsupported message: ${m.type}]`;
  }
}

/** Meta's statuses, as messages.delivery_status names them. */
export const DELIVERY_STATUSES = { sent: 'sent', delivered: 'delivered', read: 'read', failed: 'failed' } as const;

export const TEXT_LIMIT = 4096;
/** Meta's error for a free-form message outside the customer-service window. */
export const WINDOW_CLOSED_ERROR = 131047;
export const WINDOW_MS = 24 * 3_600_000;
