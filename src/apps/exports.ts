import { Temporal } from 'temporal-polyfill';
import { REPORT_COLUMNS, reportRows, REPORTS, type ReportName } from '../modules/analytics/index.ts';
import { CONTACT_EXPORT_COLUMNS, listContacts } from '../modules/contacts/index.ts';
import { conversationMessagesPage } from '../modules/conversations/index.ts';
import { listPayments } from '../modules/payments/index.ts';
import { listAppointments, listBookings } from '../modules/scheduling/index.ts';
import { getWorkspace } from '../modules/tenancy/index.ts';
import type { Clock } from '../platform/clock.ts';
import type { Ctx } from '../platform/context.ts';
import { csvLines, csvRow, jsonLine } from '../platform/csv.ts';
import type { Database } from '../platform/db/database.ts';
import { withTenant, type Actor } from '../platform/db/tenant.ts';
import { Rank, type RouteDeps } from '../platform/http/env.ts';
import { createRoute, createRouter, errorResponses, z } from '../platform/http/router.ts';
import type { Logger } from '../platform/log.ts';
import { allPages, type Page } from '../platform/pages.ts';
import { listCalls } from './voice/calls.ts';

/**
 * Exports: every list a business keeps, and every report, as CSV or JSON Lines, for the
 * command line (`frontdesk contacts export …`) and the API (GET /api/v1/exports/{kind}) alike.
 * Lists are read a page at a time, each page in its own tenant transaction, and written as they
 * come: an export of a million contacts holds one page, never the whole list, and never keeps a
 * transaction open for its whole length.
 */

type Row = Record<string, unknown>;
type PageQuery = { cursor?: string | undefined; limit: number };

/** The instants a range of local days covers: from the start of `from` to the start of the day after `to`. */
interface Window {
  from?: Date | undefined;
  to?: Date | undefined;
  /** The days as given (YYYY-MM-DD), for the lists that take days. */
  fromDay?: string | undefined;
  toDay?: string | undefined;
}

interface ListExport {
  /** The CSV file's columns, in order; JSON Lines carries the same fields. */
  columns: readonly string[];
  /** What --from/--to bound, for the help text; undefined when the list takes no range. */
  range?: string;
  page(ctx: Ctx, window: Window, q: PageQuery): Promise<Page<Row>>;
}

const only = (columns: readonly string[], row: Row): Row => Object.fromEntries(columns.map((c) => [c, row[c] ?? null]));

// Never the gateway's tokens or its raw response: an export leaves the product.
const PAYMENT_COLUMNS = [
  'id', 'order_id', 'status', 'amount', 'currency', 'payment_method', 'gateway', 'gateway_status', 'appointment_id', 'booking_id',
  'ari_conversation_id', 'description', 'held_at', 'captured_at', 'released_at', 'paid_at', 'expires_at', 'created_at', 'updated_at',
];

export const LIST_EXPORTS = {
  contacts: {
    columns: CONTACT_EXPORT_COLUMNS,
    page: (ctx, _w, q) => listContacts(ctx, { ...q, sort: 'newest' }),
  },
  conversations: {
    columns: [
      'conversation_id', 'channel', 'conversation_status', 'contact_id', 'contact_name', 'contact_phone', 'message_id', 'created_at',
      'direction', 'sender_kind', 'sender_user_id', 'content_type', 'body', 'delivery_status', 'error',
    ],
    range: 'when each message was written',
    page: (ctx, w, q) => conversationMessagesPage(ctx, { ...q, from: w.from, to: w.to }),
  },
  bookings: {
    columns: [
      'id', 'scheduled_at', 'duration_minutes', 'status', 'source', 'service_type', 'title', 'contact_id', 'consultant_id', 'customer_name',
      'customer_phone', 'customer_email', 'pickup_address', 'number_of_loads', 'payment_amount', 'payment_currency', 'payment_status',
      'cancel_reason', 'notes', 'created_at', 'updated_at',
    ],
    range: 'when each booking is scheduled',
    page: (ctx, w, q) => listBookings(ctx, { ...q, from: w.from?.toISOString(), to: w.to?.toISOString() }),
  },
  appointments: {
    columns: ['id', 'scheduled_at', 'duration_minutes', 'status', 'contact_id', 'consultant_id', 'ari_conversation_id', 'payment_id', 'meeting_link', 'notes', 'created_at', 'updated_at'],
    range: 'when each appointment is scheduled',
    page: (ctx, w, q) => listAppointments(ctx, { ...q, from: w.from?.toISOString(), to: w.to?.toISOString() }),
  },
  payments: {
    columns: PAYMENT_COLUMNS,
    page: async (ctx, _w, q) => {
      const page = await listPayments(ctx, q);
      return { data: page.data.map((p) => only(PAYMENT_COLUMNS, p)), next_cursor: page.next_cursor };
    },
  },
  calls: {
    columns: ['id', 'created_at', 'call_type', 'status', 'phone_number', 'customer_name', 'contact_id', 'contact_name', 'duration', 'cost', 'sentiment', 'booking_id', 'has_recording'],
    range: 'the day each call began',
    page: async (ctx, w, q) => {
      const page = await listCalls(ctx, { ...q, from: w.fromDay, to: w.toDay });
      const data = page.data.map(({ contact, ...call }) => ({ ...call, contact_id: contact?.id ?? null, contact_name: contact?.name ?? null }));
      return { data, next_cursor: page.next_cursor };
    },
  },
} satisfies Record<string, ListExport>;

export type ListExportName = keyof typeof LIST_EXPORTS;
export const LIST_EXPORT_NAMES = Object.keys(LIST_EXPORTS) as ListExportName[];
export const EXPORT_FORMATS = ['csv', 'jsonl'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];
export { REPORTS, type ReportName };

const LocalDay = z.iso.date({ message: 'a day like 2026-11-20' });

/** What every export takes: the format and, for the lists that have one, a range of local days. */
export const ExportOptions = z
  .object({
    format: z.enum(EXPORT_FORMATS).default('csv').openapi({ description: 'csv (a header row, RFC 4180) or jsonl (JSON Lines: an object per line)' }),
    from: LocalDay.optional().openapi({ description: "first day, in the workspace's time zone", example: '2026-11-01' }),
    to: LocalDay.optional().openapi({ description: 'last day, included', example: '2026-11-30' }),
  })
  .refine((o) => !o.from || !o.to || o.from <= o.to, { message: 'is before from', path: ['to'] });
export type ExportOptions = z.infer<typeof ExportOptions>;

export interface ExportRun {
  db: Database;
  actor: Actor;
  clock: Clock;
  log: Logger;
  /** Rows read per page (per transaction). */
  pageSize?: number;
}

const inTenant = <T>(run: ExportRun, fn: (ctx: Ctx) => Promise<T>) =>
  withTenant(run.db, run.actor, (tx) => fn({ tx, actor: run.actor, clock: run.clock, log: run.log }));

async function windowOf(run: ExportRun, o: ExportOptions): Promise<Window> {
  if (!o.from && !o.to) return {};
  const { time_zone } = await inTenant(run, getWorkspace);
  const start = (day: string) => new Date(Temporal.PlainDate.from(day).toZonedDateTime({ timeZone: time_zone }).epochMilliseconds);
  return {
    from: o.from ? start(o.from) : undefined,
    to: o.to ? start(Temporal.PlainDate.from(o.to).add({ days: 1 }).toString()) : undefined,
    fromDay: o.from,
    toDay: o.to,
  };
}

/** The text of an export as it is written: the header (CSV), then one chunk per page. */
async function* write(columns: readonly string[], format: ExportFormat, pages: AsyncIterable<Row[]>): AsyncGenerator<string> {
  if (format === 'csv') yield csvLines([[...columns]]);
  for await (const rows of pages) {
    yield format === 'csv' ? csvLines(rows.map((r) => csvRow(columns, r))) : rows.map((r) => jsonLine(only(columns, r))).join('');
  }
}

/** A list's export, streamed: see LIST_EXPORTS for what each holds. */
export async function* exportList(run: ExportRun, name: ListExportName, options: ExportOptions): AsyncGenerator<string> {
  const source: ListExport = LIST_EXPORTS[name];
  const window = await windowOf(run, options);
  const limit = run.pageSize ?? 500;
  yield* write(source.columns, options.format, allPages((cursor) => inTenant(run, (ctx) => source.page(ctx, window, { cursor, limit }))));
}

/** A report's export: the same figures as its route under /analytics, for the days given (default the last 30). */
export async function* exportReport(run: ExportRun, report: ReportName, options: ExportOptions): AsyncGenerator<string> {
  const rows = (await inTenant(run, (ctx) => reportRows(ctx, report, { from: options.from, to: options.to }))) as Row[];
  yield* write(REPORT_COLUMNS[report], options.format, (async function* () {
    yield rows;
  })());
}

const CONTENT_TYPES: Record<ExportFormat, string> = { csv: 'text/csv; charset=utf-8', jsonl: 'application/x-ndjson; charset=utf-8' };

/**
 * Streams an export as the response body. The first chunk is read before the response starts,
 * so a refusal (a bad range, a workspace gone) is still a 4xx with its code; after that, rows go
 * out page by page as they are read.
 */
async function streamed(chunks: AsyncGenerator<string>, format: ExportFormat, filename: string): Promise<Response> {
  const first = await chunks.next();
  const encoder = new TextEncoder();
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      if (!first.done) controller.enqueue(encoder.encode(first.value));
      if (first.done) controller.close();
    },
    async pull(controller) {
      const next = await chunks.next();
      if (next.done) controller.close();
      else controller.enqueue(encoder.encode(next.value));
    },
    async cancel() {
      await chunks.return(undefined);
    },
  });
  return new Response(body, {
    status: 200,
    headers: { 'content-type': CONTENT_TYPES[format], 'content-disposition': `attachment; filename="${filename}.${format}"`, 'cache-control': 'no-store' },
  });
}

const exportResponse = (what: string) => ({
  200: {
    description: `${what}, streamed`,
    content: { 'text/csv': { schema: z.string() }, 'application/x-ndjson': { schema: z.string() } },
  },
  ...errorResponses,
});

/**
 * GET /exports/{list} and GET /exports/reports/{report}: the same exports as the command line,
 * streamed. Bulk exports take everything a workspace knows about its customers out of the
 * product, so they are for admins, as the reports are.
 */
export function exportsRoutes(deps: RouteDeps) {
  const r = createRouter();
  const tags = ['exports'];
  const day = (d: Date) => d.toISOString().slice(0, 10);
  r.openapi(
    createRoute({
      method: 'get',
      path: '/exports/{list}',
      tags,
      summary: 'A whole list as CSV or JSON Lines, streamed (admin)',
      description:
        'contacts, conversations (a row per message, with its thread and contact), bookings, appointments, payments (never the gateway\'s tokens) or calls. Read a page at a time, each in its own transaction, and written as it is read: a million contacts stream in constant memory. `from`/`to` are days in the workspace\'s time zone and bound, per list: when a message was written, when a booking or appointment is scheduled, the day a call began; contacts and payments take no range.',
      middleware: deps.inWorkspaceUnbound(Rank.admin),
      request: { params: z.object({ list: z.enum(LIST_EXPORT_NAMES as [ListExportName, ...ListExportName[]]).openapi({ param: { in: 'path' } }) }), query: ExportOptions },
      responses: exportResponse('the list'),
    }),
    async (c) => {
      const { list } = c.req.valid('param');
      const options = c.req.valid('query');
      const run: ExportRun = { db: deps.db, actor: c.var.actor, clock: deps.clock, log: c.var.log };
      return streamed(exportList(run, list, options), options.format, `${list}-${day(deps.clock.now())}`) as never;
    },
  );
  r.openapi(
    createRoute({
      method: 'get',
      path: '/exports/reports/{report}',
      tags,
      summary: 'A report as CSV or JSON Lines (admin)',
      description: 'The figures of the report of the same name under /analytics (event-counts, funnel, daily, channels, lead-temperature, models), for the days given (default the last 30).',
      middleware: deps.inWorkspaceUnbound(Rank.admin),
      request: { params: z.object({ report: z.enum(REPORTS as [ReportName, ...ReportName[]]).openapi({ param: { in: 'path' } }) }), query: ExportOptions },
      responses: exportResponse('the report'),
    }),
    async (c) => {
      const { report } = c.req.valid('param');
      const options = c.req.valid('query');
      const run: ExportRun = { db: deps.db, actor: c.var.actor, clock: deps.clock, log: c.var.log };
      return streamed(exportReport(run, report, options), options.format, `${report}-${day(deps.clock.now())}`) as never;
    },
  );
  return r;
}
