import { sql } from 'kysely';
import { z } from '@hono/zod-openapi';
import { workspaceIdOf as workspaceOf, type Ctx } from '../../platform/context.ts';
import { AppError, invalidField } from '../../platform/errors.ts';
import { PageQuery } from '../../platform/http/router.ts';
import { getContact } from './contacts.service.ts';

/**
 * A contact's timeline: everything that happened with the person, from the contact_timeline
 * view (0006, 0028), which unions each channel's table and the bookings, consultations and
 * payments (each table's row-level security applies). Newest first, keyset-paged on
 * (occurred_at, id).
 */

export const TIMELINE_KINDS = ['message', 'sms', 'call', 'booking', 'appointment', 'payment', 'note'] as const;

export const TimelineQuery = z.object({
  limit: PageQuery.shape.limit,
  cursor: z.string().min(1).max(200).optional().openapi({ description: 'next_cursor from the previous page' }),
  order: z.enum(['desc', 'asc']).default('desc').openapi({ description: 'desc: newest first (default); asc: oldest first' }),
  kinds: z
    .string()
    .max(200)
    .optional()
    .transform((s, c) => {
      if (s === undefined || s === '') return undefined;
      const kinds = [...new Set(s.split(',').map((k) => k.trim()))];
      const bad = kinds.filter((k) => !(TIMELINE_KINDS as readonly string[]).includes(k));
      if (bad.length) {
        c.addIssue({ code: 'custom', message: `unknown kinds: ${bad.join(', ')} (known: ${TIMELINE_KINDS.join(', ')})` });
        return z.NEVER;
      }
      return kinds;
    })
    .openapi({ type: 'string', description: `only these kinds, comma-separated: ${TIMELINE_KINDS.join(', ')}`, example: 'message,sms,call' }),
});
export type TimelineQuery = z.infer<typeof TimelineQuery>;

export const TimelineItem = z
  .object({
    id: z.uuid().openapi({ description: 'the id of the row in source_table' }),
    kind: z.enum(TIMELINE_KINDS),
    occurred_at: z.date(),
    channel: z.string().nullable().openapi({ description: 'whatsapp, sms, voice, webchat; for a booking its source (voice, sms, manual, web, whatsapp)' }),
    direction: z.string().nullable().openapi({ description: 'inbound or outbound (messages, texts, calls)' }),
    body: z.string().nullable().openapi({ description: "the message or text; a call's transcript (else its notes, else a summary line); a booking's title; an appointment's notes; a payment's description; a note's text" }),
    status: z.string().nullable().openapi({ description: "the row's own status: delivery, call, booking, appointment or payment status" }),
    conversation_id: z.uuid().nullable().openapi({ description: 'the inbox conversation, when there is one' }),
    source_table: z.string(),
    details: z.record(z.string(), z.unknown()).openapi({
      description:
        'by kind. message: sender_kind, error, content_type. sms: phone_number, booking_id, error, threaded_by (contact, or phone for a text that carries only the number). ' +
        'call: duration (s), recording_url, cost (decimal), sentiment, booking_id, phone_number. booking: service_type, scheduled_at, appointment_date, appointment_time, duration_minutes, number_of_loads, pickup_address, payment_amount (decimal), payment_currency, payment_status. ' +
        'appointment: scheduled_at, duration_minutes, meeting_link, consultant_id, payment_id. payment: amount (minor units), currency, payment_method, paid_at, expires_at, appointment_id, booking_id. note (a private note of staff on a thread, never sent): author_id.',
    }),
  })
  .openapi('TimelineItem');
export type TimelineItem = z.infer<typeof TimelineItem>;

export const TimelinePage = z.object({ data: z.array(TimelineItem), next_cursor: z.string().nullable() }).openapi('TimelinePage');

const badCursor = () => invalidField('cursor', 'not a cursor this timeline gave (ask again without it)');

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function decodeCursor(cursor: string): { at: string; id: string } {
  let parts: unknown;
  try {
    parts = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw badCursor();
  }
  if (!Array.isArray(parts) || parts.length !== 2) throw badCursor();
  const [at, id] = parts as unknown[];
  // The instant as PostgreSQL wrote it (microseconds kept, which a JavaScript Date would lose).
  if (typeof at !== 'string' || !/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(\.\d{1,6})?[+-]\d{2}(:\d{2})?$/.test(at)) throw badCursor();
  if (typeof id !== 'string' || !UUID.test(id)) throw badCursor();
  return { at, id };
}

interface Row {
  source_id: string;
  kind: TimelineItem['kind'];
  occurred_at: Date;
  at_key: string;
  channel: string | null;
  direction: string | null;
  body: string | null;
  status: string | null;
  conversation_id: string | null;
  source_table: string;
  details: Record<string, unknown>;
}

export async function contactTimeline(ctx: Ctx, contactId: string, query: TimelineQuery): Promise<z.infer<typeof TimelinePage>> {
  const ws = workspaceOf(ctx);
  await getContact(ctx, contactId); // another workspace's contact is not found
  const after = query.cursor !== undefined ? decodeCursor(query.cursor) : undefined;
  const desc = query.order === 'desc';
  const rows = await sql<Row>`
    select source_id, kind, occurred_at, occurred_at::text as at_key, channel, direction, body, status,
           conversation_id, source_table, details
      from public.contact_timeline
     where workspace_id = ${ws} and contact_id = ${contactId}
       ${query.kinds ? sql`and kind in (${sql.join(query.kinds)})` : sql``}
       ${after ? (desc ? sql`and (occurred_at, source_id) < (${after.at}::timestamptz, ${after.id}::uuid)` : sql`and (occurred_at, source_id) > (${after.at}::timestamptz, ${after.id}::uuid)`) : sql``}
     order by occurred_at ${sql.raw(desc ? 'desc' : 'asc')}, source_id ${sql.raw(desc ? 'desc' : 'asc')}
     limit ${query.limit + 1}`.execute(ctx.tx.db);
  const more = rows.rows.length > query.limit;
  const page = more ? rows.rows.slice(0, query.limit) : rows.rows;
  const last = page.at(-1);
  return {
    data: page.map((r) => ({
      id: r.source_id,
      kind: r.kind,
      occurred_at: r.occurred_at,
      channel: r.channel,
      direction: r.direction,
      body: r.body,
      status: r.status,
      conversation_id: r.conversation_id,
      source_table: r.source_table,
      details: r.details ?? {},
    })),
    next_cursor: more && last ? Buffer.from(JSON.stringify([last.at_key, last.source_id])).toString('base64url') : null,
  };
}
