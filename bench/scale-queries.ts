/**
 * The lists, searches and reports the API and the staff app read, each as the route runs it
 * (the same service call, as the large tenant's owner), with its budget and the index each
 * table it reads must be found through. bench/scale.ts times them on seeded data;
 * test/perf/scale-indexes.test.ts checks their plans on a small copy. Both use this one list.
 */
import { Temporal } from 'temporal-polyfill';
import { ContactListQuery } from '../src/modules/contacts/contacts.schema.ts';
import { listContacts } from '../src/modules/contacts/contacts.service.ts';
import { contactTimeline, TimelineQuery } from '../src/modules/contacts/contacts.timeline.ts';
import { ConversationListQuery } from '../src/modules/conversations/conversations.schema.ts';
import { listConversations } from '../src/modules/conversations/conversations.service.ts';
import { DEFAULT_FUNNEL } from '../src/modules/analytics/analytics.schema.ts';
import { conversionFunnel, dailyAnalytics, eventCounts, instantRange } from '../src/modules/analytics/analytics.service.ts';
import { UnansweredQuery, unansweredQuestions } from '../src/modules/assistant/unanswered.ts';
import { getAvailability } from '../src/modules/scheduling/scheduling.service.ts';
import type { Ctx } from '../src/platform/context.ts';
import type { Database } from '../src/platform/db/database.ts';
import type { Actor } from '../src/platform/db/tenant.ts';
import { BIG_TENANT } from './scale-seed.ts';

/** What the queries are asked about: the large tenant, its owner, and a busy contact. */
export interface ScaleFixture {
  workspaceId: string;
  actor: Actor;
  /** When the seed ran: "now" for every relative window. */
  now: Date;
  timeZone: string;
  /** The contact with the most messages. */
  busyContactId: string;
  /** A name, an email and a phone of contacts that exist. */
  name: string;
  email: string;
  phoneDigits: string;
  events: number;
}

export async function loadFixture(db: Database): Promise<ScaleFixture> {
  return db.transaction(async (tx) => {
    const { rows: [ws] } = await tx.query<{ id: string; created_at: Date; time_zone: string; owner: string }>(
      `select w.id, w.created_at, w.time_zone, m.user_id as owner
         from workspaces w join workspace_members m on m.workspace_id = w.id and m.role = 'owner'
        where w.slug = $1`,
      [BIG_TENANT.slug],
    );
    if (!ws) throw new Error(`no seeded large tenant (workspace ${BIG_TENANT.slug}): seed first (npm run bench:scale -- --seed)`);
    const { rows: [busy] } = await tx.query<{ contact_id: string }>(
      `select c.contact_id from conversations c where c.workspace_id = $1
        order by (select count(*) from messages m where m.workspace_id = c.workspace_id and m.conversation_id = c.id) desc limit 1`,
      [ws.id],
    );
    const { rows: [person] } = await tx.query<{ name: string; email: string; phone: string }>(
      `select name, email, phone from contacts where workspace_id = $1 and email is not null and name is not null limit 1 offset 1234 % greatest(1, (select count(*) from contacts where workspace_id = $1 and email is not null)::int)`,
      [ws.id],
    );
    const { rows: [events] } = await tx.query<{ n: number }>('select count(*)::int as n from platform_events where workspace_id = $1', [ws.id]);
    return {
      workspaceId: ws.id,
      actor: { kind: 'user', userId: ws.owner, workspaceId: ws.id },
      now: ws.created_at,
      timeZone: ws.time_zone,
      busyContactId: busy!.contact_id,
      name: person!.name,
      email: person!.email,
      phoneDigits: person!.phone.slice(-8),
      events: events!.n,
    };
  });
}

export interface ScaleQuery {
  name: string;
  /** The budget for p99 (ms), where it sets one. */
  goalMs: number | undefined;
  /**
   * Each table the query reads and the index it must be read through (any one of several);
   * `inFunction` when the read happens inside a SQL function the query calls.
   */
  expects: { relation: string; index: string | string[]; inFunction?: boolean }[];
  run: (ctx: Ctx, f: ScaleFixture) => Promise<unknown>;
}

const month = (f: ScaleFixture) => {
  const today = Temporal.Instant.fromEpochMilliseconds(f.now.getTime()).toZonedDateTimeISO(f.timeZone).toPlainDate();
  return { from: today.add({ days: 1 }).toString(), to: today.add({ days: 30 }).toString() };
};
const since = (f: ScaleFixture, days: number) => ({ from: new Date(f.now.getTime() - days * 86_400_000).toISOString(), to: f.now.toISOString() });

/** Whether a plan's indexes satisfy an expectation. */
export const expected = (index: string | string[], used: string[]) => (Array.isArray(index) ? index : [index]).some((i) => used.includes(i));

export const SCALE_QUERIES: ScaleQuery[] = [
  {
    name: 'contact search by name',
    goalMs: 20,
    expects: [{ relation: 'contacts', index: 'idx_contacts_search_trgm', inFunction: true }],
    run: (ctx, f) => listContacts(ctx, ContactListQuery.parse({ q: f.name })),
  },
  {
    name: 'contact search by email',
    goalMs: 20,
    expects: [{ relation: 'contacts', index: 'idx_contacts_search_trgm', inFunction: true }],
    run: (ctx, f) => listContacts(ctx, ContactListQuery.parse({ q: f.email })),
  },
  {
    name: 'contact search by phone',
    goalMs: 20,
    expects: [{ relation: 'contacts', index: 'idx_contacts_search_trgm', inFunction: true }],
    run: (ctx, f) => listContacts(ctx, ContactListQuery.parse({ q: f.phoneDigits })),
  },
  {
    name: 'contacts list (newest)',
    goalMs: 20,
    expects: [{ relation: 'contacts', index: 'contacts_pkey' }],
    run: (ctx) => listContacts(ctx, ContactListQuery.parse({})),
  },
  {
    name: 'inbox page (all)',
    goalMs: 30,
    expects: [{ relation: 'conversations', index: 'idx_conversations_recent' }],
    run: (ctx) => listConversations(ctx, ConversationListQuery.parse({})),
  },
  {
    name: 'inbox page (open)',
    goalMs: 30,
    // Open threads are a fifth of them: read in the list's order, or found by status (0001),
    // or among the unresolved ones (the one-open-thread index, partial on status).
    expects: [{ relation: 'conversations', index: ['idx_conversations_recent', 'idx_conversations_inbox', 'uq_conversations_open_per_channel'] }],
    run: (ctx) => listConversations(ctx, ConversationListQuery.parse({ status: 'open' })),
  },
  {
    name: 'inbox page (needs a person)',
    goalMs: 30,
    // Both partial indexes hold only unresolved threads; the second is the one for this filter.
    expects: [{ relation: 'conversations', index: ['idx_conversations_needs_person', 'uq_conversations_open_per_channel'] }],
    run: (ctx) => listConversations(ctx, ConversationListQuery.parse({ needs_person: 'true' })),
  },
  {
    name: 'inbox page (unassigned, whatsapp)',
    goalMs: 30,
    expects: [{ relation: 'conversations', index: 'idx_conversations_recent' }],
    run: (ctx) => listConversations(ctx, ConversationListQuery.parse({ assignee: 'none', channel: 'whatsapp' })),
  },
  {
    name: "a contact's timeline",
    goalMs: 30,
    expects: [
      { relation: 'conversations', index: 'idx_conversations_contact' },
      { relation: 'messages', index: 'idx_messages_conversation' },
    ],
    run: (ctx, f) => contactTimeline(ctx, f.busyContactId, TimelineQuery.parse({})),
  },
  {
    name: 'availability, a month, 100 consultants',
    goalMs: 50,
    expects: [
      { relation: 'consultant_slots', index: ['idx_consultant_slots_workspace', 'idx_consultant_slots_day'], inFunction: true },
      { relation: 'bookings', index: ['idx_bookings_scheduled', 'idx_bookings_consultant'], inFunction: true },
    ],
    run: (ctx, f) => getAvailability(ctx, month(f)),
  },
  {
    name: 'funnel, last 30 days',
    goalMs: 200,
    expects: [{ relation: 'platform_events', index: 'idx_platform_events_funnel', inFunction: true }],
    run: async (ctx, f) => conversionFunnel(ctx, await instantRange(ctx, since(f, 30)), DEFAULT_FUNNEL),
  },
  {
    name: 'funnel, all 90 days',
    goalMs: 200,
    expects: [{ relation: 'platform_events', index: 'idx_platform_events_funnel', inFunction: true }],
    run: async (ctx, f) => conversionFunnel(ctx, await instantRange(ctx, since(f, 90)), DEFAULT_FUNNEL),
  },
  {
    name: 'event counts, last 30 days',
    goalMs: undefined,
    expects: [{ relation: 'platform_events', index: 'idx_platform_events_workspace_created', inFunction: true }],
    run: async (ctx, f) => eventCounts(ctx, await instantRange(ctx, since(f, 30))),
  },
  {
    name: 'daily analytics, 30 days',
    goalMs: undefined,
    expects: [{ relation: 'analytics', index: 'analytics_workspace_date_key' }],
    run: (ctx) => dailyAnalytics(ctx, {}),
  },
  {
    name: 'unanswered questions, 30 days',
    goalMs: undefined,
    expects: [{ relation: 'ari_messages', index: 'idx_ari_messages_unanswered' }],
    run: (ctx) => unansweredQuestions(ctx, UnansweredQuery.parse({})),
  },
];
