import type { Selectable } from 'kysely';
import { Temporal } from 'temporal-polyfill';
import { findCall, listCallRows } from '../../modules/channels/index.ts';
import { contactSummaries, ContactSummary } from '../../modules/contacts/index.ts';
import { findBooking } from '../../modules/scheduling/index.ts';
import { getWorkspace } from '../../modules/tenancy/index.ts';
import { workspaceIdOf as workspaceOf, type Ctx } from '../../platform/context.ts';
import { AppError } from '../../platform/errors.ts';
import type { Calls } from '../../platform/db/schema.ts';
import { Rank, type RouteDeps } from '../../platform/http/env.ts';
import { createRoute, createRouter, errorResponses, json, PageQuery, UuidParam, z } from '../../platform/http/router.ts';

/**
 * The call log: seed 004's calls (Vapi's end-of-call reports, vapi.service.ts), listed for a
 * local date range in the workspace's time zone, by status, contact and transcript words.
 */

export const CALL_STATUSES = ['completed', 'failed', 'no-answer', 'busy', 'in-progress'] as const;

const LocalDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date like 2026-11-20').refine((d) => {
  try {
    Temporal.PlainDate.from(d, { overflow: 'reject' });
    return true;
  } catch {
    return false;
  }
}, 'not a calendar date');

export const CallListQuery = z
  .object({
    from: LocalDate.optional().openapi({ description: "first local day (the workspace's time zone), inclusive", example: '2026-11-01' }),
    to: LocalDate.optional().openapi({ description: 'last local day, inclusive', example: '2026-11-30' }),
    status: z.enum(CALL_STATUSES).optional(),
    direction: z.enum(['inbound', 'outbound']).optional(),
    contact_id: z.uuid().optional(),
    q: z.string().trim().min(1).max(200).optional().openapi({ description: 'words in the transcript (any case)' }),
    limit: PageQuery.shape.limit,
    cursor: z.string().min(1).max(200).optional().openapi({ description: 'next_cursor from the previous page' }),
  })
  .refine((q) => !q.from || !q.to || q.from <= q.to, { message: 'to is before from', path: ['to'] });

const CallBooking = z
  .object({
    id: z.uuid(),
    service_type: z.string(),
    status: z.string().nullable(),
    scheduled_at: z.date().nullable(),
    appointment_date: z.string(),
    appointment_time: z.string(),
    payment_amount: z.string().nullable().openapi({ description: 'decimal, exact' }),
    payment_currency: z.string().nullable(),
    payment_status: z.string().nullable(),
  })
  .openapi('CallBooking');

const CallSummary = z
  .object({
    id: z.uuid(),
    created_at: z.date().nullable(),
    phone_number: z.string(),
    customer_name: z.string().nullable(),
    contact: z.union([ContactSummary, z.null()]).openapi({ description: 'the caller, when the number is a contact' }),
    status: z.string().nullable(),
    call_type: z.string().nullable().openapi({ description: 'inbound or outbound' }),
    duration: z.number().int().openapi({ description: 'seconds' }),
    cost: z.string().openapi({ description: "decimal, the voice provider's charge (USD for Vapi)" }),
    sentiment: z.string().nullable(),
    booking_id: z.uuid().nullable(),
    has_recording: z.boolean(),
    transcript_excerpt: z.string().nullable().openapi({ description: 'the start of the transcript, or the words around the search' }),
  })
  .openapi('CallSummary');

const Call = CallSummary.omit({ transcript_excerpt: true, has_recording: true })
  .extend({
    transcript: z.string().nullable(),
    recording_url: z.string().nullable(),
    notes: z.string().nullable(),
    provider_call_id: z.string().nullable(),
    booking: z.union([CallBooking, z.null()]).openapi({ description: 'the booking the call made' }),
  })
  .openapi('Call');

const notFound = () => new AppError('call.not_found', 'not_found', 'no such call in this workspace');
const badCursor = () => new AppError('validation.failed', 'invalid', 'the request is not valid', { issues: [{ path: 'query.cursor', message: 'not a cursor this list gave' }] });

const excerpt = (text: string | null, q: string | undefined): string | null => {
  if (!text) return null;
  const at = q ? text.toLowerCase().indexOf(q.toLowerCase()) : -1;
  const start = at > 60 ? at - 60 : 0;
  const cut = text.slice(start, start + 200);
  return (start > 0 ? '…' : '') + cut + (start + 200 < text.length ? '…' : '');
};

const likePattern = (s: string) => `%${s.replace(/[\\%_]/g, '\\$&')}%`;

export async function listCalls(ctx: Ctx, q: z.infer<typeof CallListQuery>) {
  const ws = workspaceOf(ctx);
  const zone = (await getWorkspace(ctx)).time_zone;
  const startOf = (d: string) => new Date(Temporal.PlainDate.from(d).toZonedDateTime({ timeZone: zone }).epochMilliseconds);
  let after: { at: string; id: string } | undefined;
  if (q.cursor) {
    try {
      const [at, id] = JSON.parse(Buffer.from(q.cursor, 'base64url').toString('utf8')) as [string, string];
      if (typeof at !== 'string' || typeof id !== 'string' || !/^[0-9a-f-]{36}$/i.test(id) || !/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(\.\d{1,6})?[+-]\d{2}(:\d{2})?$/.test(at)) throw new Error();
      after = { at, id };
    } catch {
      throw badCursor();
    }
  }
  let rows;
  try {
    rows = await listCallRows(ctx.tx, ws, {
      from: q.from ? startOf(q.from) : undefined,
      before: q.to ? startOf(Temporal.PlainDate.from(q.to).add({ days: 1 }).toString()) : undefined,
      status: q.status,
      direction: q.direction,
      contactId: q.contact_id,
      transcriptLike: q.q ? likePattern(q.q) : undefined,
      after,
      limit: q.limit + 1,
    });
  } catch (e) {
    if (after && ['22007', '22008'].includes((e as { code?: string }).code ?? '')) throw badCursor();
    throw e;
  }
  const more = rows.length > q.limit;
  const page = more ? rows.slice(0, q.limit) : rows;
  const people = await contactSummaries(ctx, page.flatMap((r) => (r.contact_id ? [r.contact_id] : [])));
  const last = page.at(-1);
  return {
    data: page.map((r) => ({
      ...callFields(r, people),
      has_recording: Boolean(r.recording_url),
      transcript_excerpt: excerpt(r.transcript, q.q),
    })),
    next_cursor: more && last ? Buffer.from(JSON.stringify([last.at_key, last.id])).toString('base64url') : null,
  };
}

type CallRow = Pick<Selectable<Calls>, 'id' | 'created_at' | 'phone_number' | 'customer_name' | 'contact_id' | 'status' | 'call_type' | 'duration' | 'cost' | 'sentiment' | 'booking_id'>;

/** What the call log and a call show alike: the row's own fields, with the caller's contact. */
function callFields(r: CallRow, people: Awaited<ReturnType<typeof contactSummaries>>) {
  return {
    id: r.id,
    created_at: r.created_at,
    phone_number: r.phone_number,
    customer_name: r.customer_name,
    contact: (r.contact_id && people.get(r.contact_id)) || null,
    status: r.status,
    call_type: r.call_type,
    duration: r.duration ?? 0,
    cost: r.cost ?? '0.00',
    sentiment: r.sentiment,
    booking_id: r.booking_id,
  };
}

async function getCall(ctx: Ctx, id: string): Promise<z.infer<typeof Call>> {
  const ws = workspaceOf(ctx);
  const r = await findCall(ctx.tx, ws, id);
  if (!r) throw notFound();
  const booking = r.booking_id ? await findBooking(ctx, r.booking_id) : undefined;
  const people = await contactSummaries(ctx, r.contact_id ? [r.contact_id] : []);
  return {
    ...callFields(r, people),
    transcript: r.transcript,
    recording_url: r.recording_url,
    notes: r.notes,
    provider_call_id: r.provider_call_id,
    booking: booking
      ? {
          id: booking.id,
          service_type: booking.service_type,
          status: booking.status,
          scheduled_at: booking.scheduled_at,
          appointment_date: booking.appointment_date,
          appointment_time: booking.appointment_time,
          payment_amount: booking.payment_amount,
          payment_currency: booking.payment_currency,
          payment_status: booking.payment_status,
        }
      : null,
  };
}

export function callsRoutes(deps: RouteDeps) {
  const r = createRouter();
  const tags = ['calls'];

  r.openapi(
    createRoute({
      method: 'get', path: '/calls', tags, summary: 'The call log, newest first',
      description: "from and to are local days in the workspace's time zone (both inclusive); q finds words in the transcript. Paged by cursor.",
      middleware: deps.inWorkspace(Rank.readOnly),
      request: { query: CallListQuery },
      responses: { 200: json(z.object({ data: z.array(CallSummary), next_cursor: z.string().nullable() }).openapi('CallPage')), ...errorResponses },
    }),
    async (c) => c.json(await listCalls(c.var.ctx, c.req.valid('query')), 200),
  );

  r.openapi(
    createRoute({
      method: 'get', path: '/calls/{id}', tags, summary: 'A call: transcript, recording, duration, cost, sentiment and the booking it made',
      middleware: deps.inWorkspace(Rank.readOnly),
      request: { params: z.object({ id: UuidParam }) },
      responses: { 200: json(Call), ...errorResponses },
    }),
    async (c) => c.json(await getCall(c.var.ctx, c.req.valid('param').id), 200),
  );

  return r;
}
