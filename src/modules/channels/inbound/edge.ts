// What an inbound provider message must be before anything of it reaches the database: text
// PostgreSQL can hold (text and jsonb refuse NUL, jsonb refuses a lone surrogate) and a sender
// that fits the E.164 check the contacts table enforces. Checked per message, so that one bad
// message in a provider's batch is refused alone (channel_rejections) and the rest are stored.
import type { Tx } from '../../../platform/db/database.ts';
import { newId } from '../../../platform/ids.ts';

/** E.164: a country code that does not start with 0 and at most 15 digits in all (the contacts module's one definition). */
export { E164 } from '../../contacts/index.ts';

// A NUL, a high surrogate not followed by a low one, or a low one not preceded by a high one.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Text made storable: NULs dropped, lone surrogates replaced (what String#toWellFormed does). */
export const storableText = (s: string) => s.replaceAll('\u0000', '').replace(LONE_SURROGATE, '\uFFFD');

/** The first string (value or key) in `value` that PostgreSQL could not store, by its path; undefined when all can be. */
export function unstorablePath(value: unknown, path = '', depth = 0): string | undefined {
  // Provider payloads are shallow; anything this deep is refused rather than walked.
  if (depth > 32) return path || '(root)';
  if (typeof value === 'string') return UNSTORABLE.test(value) ? path || '(root)' : undefined;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const p = unstorablePath(value[i], `${path}[${i}]`, depth + 1);
      if (p !== undefined) return p;
    }
    return undefined;
  }
  if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      const here = path ? `${path}.${k}` : k;
      if (UNSTORABLE.test(k)) return here.replace(UNSTORABLE, '?');
      const p = unstorablePath(v, here, depth + 1);
      if (p !== undefined) return p;
    }
  }
  return undefined;
}

/** A provider id as a rejection can keep it: storable, bounded, or null when nothing is left. */
export function cleanId(v: unknown): string | null {
  if (typeof v !== 'string') return null;
  const s = storableText(v).trim().slice(0, 200);
  return s || null;
}

export interface Rejection {
  providerMessageId: string | null;
  reason: string;
}

/** Records an inbound message refused at the edge, as the workspace's system actor; once per provider id. */
export async function recordRejection(tx: Tx, ws: string, channel: 'whatsapp' | 'sms', r: Rejection, receivedAt: Date): Promise<void> {
  await tx.db
    .insertInto('channel_rejections')
    .values({ workspace_id: ws, id: newId(), channel, provider_message_id: r.providerMessageId, reason: storableText(r.reason).slice(0, 500), received_at: receivedAt })
    .onConflict((oc) => oc.columns(['workspace_id', 'channel', 'provider_message_id']).doNothing())
    .execute();
}
