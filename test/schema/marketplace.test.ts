// Seed 003 (Amara) in migration 0004: amara_conversations, amara_messages, guest_sessions and
// platform_events with the seed's columns, defaults, checks and indexes; the seed's policies
// scoped to a workspace (end users own their rows, staff read, admins read analytics, visitors
// insert); and the seed's functions on fixture data with exact results.
import { beforeAll, expect, it } from 'vitest';
import type { Database, Tx } from '../../src/platform/db/database.ts';
import { describeEachDatabase } from '../support/db.ts';
import { addMember, createUser, createWorkspace, type WorkspaceFixture } from '../support/factories.ts';
import {
  asAnon,
  asService,
  asSignedIn,
  type ColumnInfo,
  columnInfo as col,
  columnsOf,
  indexesOf,
  newGuestToken,
  one,
  policiesOf,
  rlsOf,
  rows,
  triggersOf,
  TSTZ,
} from '../support/actors.ts';

const TABLES = ['amara_conversations', 'amara_messages', 'guest_sessions', 'platform_events'];

const ID = col('uuid', false, 'gen_random_uuid()');
const WORKSPACE = col('uuid', false, 'app.claimed_workspace_id()');
const NOW = col(TSTZ, false, 'now()');

const COLUMNS: Record<string, Record<string, ColumnInfo>> = {
  amara_conversations: {
    id: ID,
    workspace_id: WORKSPACE,
    user_id: col('uuid', false),
    locale: col('text', false, "'en'::text"),
    is_active: col('boolean', false, 'true'),
    last_message_at: NOW,
    created_at: NOW,
    updated_at: NOW,
    // 0015: Amara's working memory (the request, offered slots, the unconfirmed draft).
    context: col('jsonb', false, "'{}'::jsonb"),
  },
  amara_messages: {
    id: ID,
    workspace_id: WORKSPACE,
    conversation_id: col('uuid', false),
    role: col('text', false),
    content: col('text', false),
    tool_calls: col('jsonb', true),
    metadata: col('jsonb', true),
    created_at: NOW,
  },
  guest_sessions: {
    id: ID,
    workspace_id: WORKSPACE,
    session_token: col('text', false),
    email: col('text', false),
    full_name: col('text', false),
    phone: col('text', true),
    metadata: col('jsonb', true, "'{}'::jsonb"),
    expires_at: col(TSTZ, false, "(now() + '24:00:00'::interval)"),
    created_at: NOW,
  },
  platform_events: {
    id: ID,
    workspace_id: WORKSPACE,
    event_type: col('text', false),
    user_id: col('uuid', true),
    session_id: col('text', true),
    properties: col('jsonb', true, "'{}'::jsonb"),
    created_at: NOW,
  },
};

// Seed 003's index names -> table and definition as pg_indexes prints it after USING.
const INDEXES: Record<string, [string, string]> = {
  idx_amara_conversations_user_id: ['amara_conversations', 'btree (user_id)'],
  idx_amara_conversations_last_message_at: ['amara_conversations', 'btree (last_message_at DESC)'],
  idx_amara_conversations_is_active: ['amara_conversations', 'btree (is_active) WHERE is_active'],
  idx_amara_messages_conversation_id: ['amara_messages', 'btree (conversation_id)'],
  idx_amara_messages_created_at: ['amara_messages', 'btree (created_at)'],
  idx_amara_messages_role: ['amara_messages', 'btree (role)'],
  idx_guest_sessions_session_token: ['guest_sessions', 'btree (session_token)'],
  idx_guest_sessions_email: ['guest_sessions', 'btree (email)'],
  idx_guest_sessions_expires_at: ['guest_sessions', 'btree (expires_at)'],
  idx_platform_events_event_type: ['platform_events', 'btree (event_type)'],
  idx_platform_events_user_id: ['platform_events', 'btree (user_id)'],
  idx_platform_events_session_id: ['platform_events', 'btree (session_id)'],
  idx_platform_events_created_at: ['platform_events', 'btree (created_at DESC)'],
  idx_platform_events_type_date: ['platform_events', 'btree (event_type, created_at)'],
  idx_platform_events_user_journey: ['platform_events', 'btree (user_id, created_at) WHERE (user_id IS NOT NULL)'],
  idx_platform_events_properties: ['platform_events', 'gin (properties)'],
  // 0015: retries by client message id, and each user's conversations and messages in order.
  amara_messages_client_message_key: [
    'amara_messages',
    "btree (workspace_id, conversation_id, ((metadata ->> 'clientMessageId'::text))) WHERE ((role = 'user'::text) AND (metadata ? 'clientMessageId'::text))",
  ],
  idx_amara_messages_conversation_order: ['amara_messages', 'btree (workspace_id, conversation_id, created_at, id)'],
  idx_amara_conversations_user_recent: ['amara_conversations', 'btree (workspace_id, user_id, last_message_at DESC)'],
  // 0042: the funnel and the event counts read a workspace's window from the index alone.
  idx_platform_events_funnel: ['platform_events', 'btree (workspace_id, event_type, created_at) INCLUDE (user_id, session_id)'],
  idx_platform_events_workspace_created: ['platform_events', 'btree (workspace_id, created_at) INCLUDE (event_type)'],
  // Tenant keys.
  amara_conversations_pkey: ['amara_conversations', 'btree (workspace_id, id)'],
  amara_messages_pkey: ['amara_messages', 'btree (workspace_id, id)'],
  guest_sessions_pkey: ['guest_sessions', 'btree (workspace_id, id)'],
  guest_sessions_workspace_session_token_key: ['guest_sessions', 'btree (workspace_id, session_token)'],
  platform_events_pkey: ['platform_events', 'btree (workspace_id, id)'],
};

const count = async (tx: Tx, sql: string, params: unknown[] = []) =>
  (await one<{ n: number }>(tx, `select count(*)::int as n from (${sql}) q`, params)).n;

describeEachDatabase('seed 003 schema: tables, columns, indexes, triggers', (db) => {
  it('creates the four tables with every seed column, type, nullability and default', async () => {
    for (const table of TABLES) {
      expect(await columnsOf(db(), table), table).toEqual(COLUMNS[table]);
    }
  });

  it('creates every seed index under its name, with the partial predicates and the GIN method', async () => {
    expect(await indexesOf(db(), TABLES)).toEqual(INDEXES);
  });

  it('keeps updated_at current with the seed trigger on amara_conversations', async () => {
    expect(await triggersOf(db(), 'amara_conversations')).toEqual({
      set_amara_conversations_updated_at: 'handle_updated_at()',
    });
    const ws = await createWorkspace(db());
    const id = await ws.asOwner(async (tx) => {
      const r = await one<{ id: string }>(
        tx,
        `insert into amara_conversations (user_id, updated_at) values ($1, '2020-01-01T00:00:00Z') returning id`,
        [ws.ownerId],
      );
      return r.id;
    });
    const after = await ws.asOwner(async (tx) => {
      await tx.query(`update amara_conversations set locale = 'es' where id = $1`, [id]);
      return one<{ moved: boolean; locale: string }>(
        tx,
        `select updated_at = now() as moved, locale from amara_conversations where id = $1`,
        [id],
      );
    });
    expect(after).toEqual({ moved: true, locale: 'es' });
  });

  it('enables and forces row-level security with the seed policy names', async () => {
    for (const table of TABLES) expect(await rlsOf(db(), table), table).toEqual({ enabled: true, forced: true });
    const conv = await policiesOf(db(), 'amara_conversations');
    expect(conv['Users can view their own Amara conversations']).toEqual({ cmd: 'SELECT', roles: ['authenticated'] });
    expect(Object.keys(conv).sort()).toEqual([
      'Staff can view their workspace\'s Amara conversations',
      'Users can create their own Amara conversations',
      'Users can delete their own Amara conversations',
      'Users can update their own Amara conversations',
      'Users can view their own Amara conversations',
      'service_all',
    ]);
    const msgs = await policiesOf(db(), 'amara_messages');
    expect(msgs['Users can view their own Amara messages']).toEqual({ cmd: 'SELECT', roles: ['authenticated'] });
    const guests = await policiesOf(db(), 'guest_sessions');
    expect(guests['Anyone can create guest sessions']).toEqual({ cmd: 'INSERT', roles: ['anon', 'authenticated'] });
    expect(guests['Service role can manage all guest sessions']).toEqual({ cmd: 'ALL', roles: ['service_role'] });
    const events = await policiesOf(db(), 'platform_events');
    expect(events['Admins can view all platform events']).toEqual({ cmd: 'SELECT', roles: ['authenticated'] });
    expect(events['Anonymous users can insert events']).toEqual({ cmd: 'INSERT', roles: ['anon'] });
    expect(events['Users can insert their own events']).toEqual({ cmd: 'INSERT', roles: ['authenticated'] });
  });
});

describeEachDatabase('seed 003 amara conversations and messages', (db) => {
  let a: WorkspaceFixture;
  let b: WorkspaceFixture;
  let staffA: string;
  let userX: string;
  let userY: string;
  let convX: string;
  let convY: string;

  const asX = <T>(fn: (tx: Tx) => Promise<T>, ws = a.workspaceId) => asSignedIn(db(), userX, ws, fn);
  const asY = <T>(fn: (tx: Tx) => Promise<T>, ws = a.workspaceId) => asSignedIn(db(), userY, ws, fn);

  beforeAll(async () => {
    a = await createWorkspace(db());
    b = await createWorkspace(db());
    staffA = await addMember(db(), a.workspaceId, 'member');
    // Marketplace customers: signed in, members of no workspace.
    userX = await createUser(db());
    userY = await createUser(db());
    // The seed's own inserts, which never name a workspace.
    convX = await asX(async (tx) => {
      const { id } = await one<{ id: string }>(
        tx,
        `insert into amara_conversations (user_id, locale, is_active, last_message_at)
         values ($1, 'es', true, now()) returning id`,
        [userX],
      );
      await tx.query(`insert into amara_messages (conversation_id, role, content) values ($1, 'user', $2)`, [
        id,
        '¿Cómo puedo reservar una empleada doméstica?',
      ]);
      await tx.query(
        `insert into amara_messages (conversation_id, role, content, tool_calls, metadata) values ($1, 'assistant', $2, $3, $4)`,
        [
          id,
          'Te puedo ayudar a encontrar y reservar una empleada...',
          JSON.stringify([{ name: 'searchProfessionals', args: { city: 'Bogotá' } }]),
          JSON.stringify({ model: 'claude-haiku-4.5', tokens: 125 }),
        ],
      );
      return id;
    });
    convY = await asY(async (tx) => {
      const { id } = await one<{ id: string }>(tx, `insert into amara_conversations (user_id) values ($1) returning id`, [
        userY,
      ]);
      await tx.query(`insert into amara_messages (conversation_id, role, content) values ($1, 'user', 'hola')`, [id]);
      return id;
    });
  });

  it('fills the defaults and the workspace from the claim', async () => {
    const row = await asY((tx) =>
      one(tx, `select workspace_id, locale, is_active, last_message_at <= now() as stamped from amara_conversations where id = $1`, [
        convY,
      ]),
    );
    expect(row).toEqual({ workspace_id: a.workspaceId, locale: 'en', is_active: true, stamped: true });
    const msg = await asX((tx) =>
      one(tx, `select workspace_id, tool_calls, metadata from amara_messages where conversation_id = $1 and role = 'assistant'`, [
        convX,
      ]),
    );
    expect(msg).toEqual({
      workspace_id: a.workspaceId,
      tool_calls: [{ name: 'searchProfessionals', args: { city: 'Bogotá' } }],
      metadata: { model: 'claude-haiku-4.5', tokens: 125 },
    });
  });

  it('refuses a role outside user/assistant/system', async () => {
    await expect(
      asX((tx) => tx.query(`insert into amara_messages (conversation_id, role, content) values ($1, 'tool', 'x')`, [convX])),
    ).rejects.toMatchObject({ code: '23514', constraint: 'amara_messages_role_check' });
  });

  it('shows a user only their own conversations and messages', async () => {
    expect(await asX((tx) => rows(tx, `select id from amara_conversations`))).toEqual([{ id: convX }]);
    expect(await asY((tx) => rows(tx, `select id from amara_conversations`))).toEqual([{ id: convY }]);
    expect(await asX((tx) => count(tx, `select 1 from amara_messages`))).toBe(2);
    expect(await asY((tx) => count(tx, `select 1 from amara_messages where conversation_id = $1`, [convX]))).toBe(0);
    expect(await asY((tx) => count(tx, `select 1 from amara_messages`))).toBe(1);
  });

  it("lets no user write into another user's conversation", async () => {
    await expect(
      asY((tx) => tx.query(`insert into amara_messages (conversation_id, role, content) values ($1, 'user', 'hi')`, [convX])),
    ).rejects.toMatchObject({ code: '42501' });
    await expect(
      asY((tx) => tx.query(`insert into amara_conversations (user_id) values ($1)`, [userX])),
    ).rejects.toMatchObject({ code: '42501' });
    const touched = await asY(async (tx) => {
      const u = await tx.query(`update amara_conversations set locale = 'fr' where id = $1`, [convX]);
      const m = await tx.query(`update amara_messages set content = 'x' where conversation_id = $1`, [convX]);
      const d = await tx.query(`delete from amara_messages where conversation_id = $1`, [convX]);
      const c = await tx.query(`delete from amara_conversations where id = $1`, [convX]);
      return [u.rowCount, m.rowCount, d.rowCount, c.rowCount];
    });
    expect(touched).toEqual([0, 0, 0, 0]);
    expect(await asX((tx) => count(tx, `select 1 from amara_messages where conversation_id = $1`, [convX]))).toBe(2);
  });

  it('keeps a user inside the workspace they are signed in to', async () => {
    // The same person signed in to workspace B sees nothing of A and cannot write into A.
    expect(await asX((tx) => count(tx, `select 1 from amara_conversations`), b.workspaceId)).toBe(0);
    expect(await asX((tx) => count(tx, `select 1 from amara_messages`), b.workspaceId)).toBe(0);
    await expect(
      asX(
        (tx) => tx.query(`insert into amara_conversations (workspace_id, user_id) values ($1, $2)`, [a.workspaceId, userX]),
        b.workspaceId,
      ),
    ).rejects.toMatchObject({ code: '42501' });
    // And a conversation of A cannot be given messages that live in B.
    await expect(
      asX(
        (tx) =>
          tx.query(`insert into amara_messages (workspace_id, conversation_id, role, content) values ($1, $2, 'user', 'x')`, [
            b.workspaceId,
            convX,
          ]),
        b.workspaceId,
      ),
    ).rejects.toMatchObject({ code: '42501' });
  });

  it("lets the workspace's staff read, not write, and other workspaces see nothing", async () => {
    const seen = await asSignedIn(db(), staffA, a.workspaceId, async (tx) => ({
      conversations: await count(tx, `select 1 from amara_conversations`),
      messages: await count(tx, `select 1 from amara_messages`),
      updated: (await tx.query(`update amara_conversations set locale = 'fr'`)).rowCount,
      deleted: (await tx.query(`delete from amara_messages`)).rowCount,
    }));
    expect(seen).toEqual({ conversations: 2, messages: 3, updated: 0, deleted: 0 });
    const other = await b.asOwner(async (tx) => [
      await count(tx, `select 1 from amara_conversations`),
      await count(tx, `select 1 from amara_messages`),
    ]);
    expect(other).toEqual([0, 0]);
  });

  it('gives visitors no access at all', async () => {
    await expect(asAnon(db(), a.workspaceId, (tx) => tx.query(`select * from amara_conversations`))).rejects.toMatchObject({
      code: '42501',
    });
    await expect(asAnon(db(), a.workspaceId, (tx) => tx.query(`select * from amara_messages`))).rejects.toMatchObject({
      code: '42501',
    });
  });

  it('lets the owner update and delete their conversation, its messages going with it', async () => {
    const done = await asY(async (tx) => {
      const u = await tx.query(`update amara_conversations set is_active = false, last_message_at = now() where id = $1`, [convY]);
      const d = await tx.query(`delete from amara_conversations where id = $1`, [convY]);
      return [u.rowCount, d.rowCount];
    });
    expect(done).toEqual([1, 1]);
    expect(
      await asService(db(), (tx) => count(tx, `select 1 from amara_messages where conversation_id = $1`, [convY])),
    ).toBe(0);
  });
});

describeEachDatabase('seed 003 guest sessions', (db) => {
  let a: WorkspaceFixture;
  let b: WorkspaceFixture;
  const t1 = newGuestToken();
  const t2 = newGuestToken();
  let s1: string;

  beforeAll(async () => {
    a = await createWorkspace(db());
    b = await createWorkspace(db());
    // createGuestSession as the product runs it: a visitor, token generated in the browser.
    s1 = await asAnon(
      db(),
      a.workspaceId,
      async (tx) =>
        (
          await one<{ id: string }>(
            tx,
            `insert into guest_sessions (session_token, email, full_name, phone) values ($1, $2, $3, $4) returning id`,
            [t1, 'maria@example.com', 'María González', '+57 300 123 4567'],
          )
        ).id,
      { guestToken: t1 },
    );
    await asAnon(
      db(),
      a.workspaceId,
      (tx) => tx.query(`insert into guest_sessions (session_token, email, full_name) values ($1, 'b@example.com', 'B')`, [t2]),
    );
  });

  it('fills the defaults: 24 hours of validity, empty metadata, the claimed workspace', async () => {
    const row = await asAnon(
      db(),
      a.workspaceId,
      (tx) =>
        one(
          tx,
          `select workspace_id, metadata, expires_at - created_at as validity, created_at <= now() as stamped
             from guest_sessions where id = $1`,
          [s1],
        ),
      { guestToken: t1 },
    );
    expect(row).toMatchObject({ workspace_id: a.workspaceId, metadata: {}, stamped: true });
    const exact = await asService(db(), (tx) =>
      one<{ ok: boolean }>(tx, `select expires_at = created_at + interval '24 hours' as ok from guest_sessions where id = $1`, [s1]),
    );
    expect(exact.ok).toBe(true);
  });

  it('lets a visitor read only the session whose token they hold', async () => {
    const read = (token: string | undefined, ws = a.workspaceId) =>
      asAnon(db(), ws, (tx) => rows<{ id: string }>(tx, `select id from guest_sessions`), token ? { guestToken: token } : {});
    expect(await read(t1)).toEqual([{ id: s1 }]);
    expect((await read(t2)).map((r) => r.id)).not.toContain(s1);
    expect(await read(t2)).toHaveLength(1);
    expect(await read(undefined)).toEqual([]);
    expect(await read(newGuestToken())).toEqual([]);
    // The token is only good in the workspace it was made in.
    expect(await read(t1, b.workspaceId)).toEqual([]);
    // A signed-in customer holding the token reads it the same way.
    const customer = await createUser(db());
    const viaUser = await withGuestToken(db(), customer, a.workspaceId, t1, (tx) => rows(tx, `select id from guest_sessions`));
    expect(viaUser).toEqual([{ id: s1 }]);
  });

  it('lets visitors create sessions only in the workspace they are in', async () => {
    await expect(
      asAnon(db(), b.workspaceId, (tx) =>
        tx.query(`insert into guest_sessions (workspace_id, session_token, email, full_name) values ($1, $2, 'x@example.com', 'X')`, [
          a.workspaceId,
          newGuestToken(),
        ]),
      ),
    ).rejects.toMatchObject({ code: '42501' });
    await expect(
      asAnon(db(), undefined, (tx) =>
        tx.query(`insert into guest_sessions (session_token, email, full_name) values ($1, 'x@example.com', 'X')`, [newGuestToken()]),
      ),
    ).rejects.toMatchObject({ code: expect.stringMatching(/^(42501|23502)$/) });
    await expect(
      asAnon(db(), a.workspaceId, (tx) => tx.query(`update guest_sessions set full_name = 'Z'`)),
    ).rejects.toMatchObject({ code: '42501' });
    await expect(asAnon(db(), a.workspaceId, (tx) => tx.query(`delete from guest_sessions`))).rejects.toMatchObject({
      code: '42501',
    });
  });

  it('refuses a token that is not 64 lowercase hex characters, and a duplicate in one workspace', async () => {
    for (const bad of ['abc', t1.toUpperCase(), `${t1}0`, 'g'.repeat(64)]) {
      await expect(
        asAnon(db(), a.workspaceId, (tx) =>
          tx.query(`insert into guest_sessions (session_token, email, full_name) values ($1, 'x@example.com', 'X')`, [bad]),
        ),
      ).rejects.toMatchObject({ code: '23514', constraint: 'guest_sessions_session_token_format' });
    }
    await expect(
      asAnon(db(), a.workspaceId, (tx) =>
        tx.query(`insert into guest_sessions (session_token, email, full_name) values ($1, 'x@example.com', 'X')`, [t1]),
      ),
    ).rejects.toMatchObject({ code: '23505', constraint: 'guest_sessions_workspace_session_token_key' });
    // Another workspace may hold the same token.
    await asAnon(db(), b.workspaceId, (tx) =>
      tx.query(`insert into guest_sessions (session_token, email, full_name) values ($1, 'x@example.com', 'X')`, [t1]),
    );
  });

  it("lets staff read their workspace's sessions and nobody else's", async () => {
    const member = await addMember(db(), a.workspaceId, 'member');
    const inA = await asSignedIn(db(), member, a.workspaceId, (tx) =>
      rows<{ session_token: string }>(tx, `select session_token from guest_sessions order by email`),
    );
    expect(inA.map((r) => r.session_token)).toEqual([t2, t1]);
    const inB = await b.asOwner((tx) => rows<{ workspace_id: string }>(tx, `select workspace_id from guest_sessions`));
    expect(inB).toEqual([{ workspace_id: b.workspaceId }]);
  });
});

/** A signed-in user whose claims also carry a guest token (the browser kept it before signing up). */
function withGuestToken<T>(db: Database, userId: string, workspaceId: string, token: string, fn: (tx: Tx) => Promise<T>) {
  return db.transaction(async (tx) => {
    await tx.query(`select set_config('request.jwt.claims', $1, true), set_config('role', 'authenticated', true)`, [
      JSON.stringify({ role: 'authenticated', actor: 'user', sub: userId, workspace_id: workspaceId, guest_token: token }),
    ]);
    return fn(tx);
  });
}

describeEachDatabase('seed 003 platform events: policies', (db) => {
  let p: WorkspaceFixture;
  let q: WorkspaceFixture;
  let userX: string;
  let userY: string;

  beforeAll(async () => {
    p = await createWorkspace(db());
    q = await createWorkspace(db());
    userX = await createUser(db());
    userY = await createUser(db());
  });

  it('lets a visitor record an event without a user, never with one, and read none', async () => {
    const anon = <T>(fn: (tx: Tx) => Promise<T>) => asAnon(db(), p.workspaceId, fn, { sessionId: 's-anon' });
    await anon((tx) =>
      tx.query(`insert into platform_events (event_type, session_id, properties) values ('SearchStarted', 's-anon', $1)`, [
        JSON.stringify({ city: 'Bogotá', service: 'cleaning', device: 'mobile' }),
      ]),
    );
    await expect(
      anon((tx) => tx.query(`insert into platform_events (event_type, user_id) values ('SearchStarted', $1)`, [userX])),
    ).rejects.toMatchObject({ code: '42501' });
    await expect(
      asAnon(db(), q.workspaceId, (tx) =>
        tx.query(`insert into platform_events (workspace_id, event_type) values ($1, 'SearchStarted')`, [p.workspaceId]),
      ),
    ).rejects.toMatchObject({ code: '42501' });
    await expect(anon((tx) => tx.query(`select * from platform_events`))).rejects.toMatchObject({ code: '42501' });
  });

  it('lets a signed-in user record only their own events', async () => {
    const asX = <T>(fn: (tx: Tx) => Promise<T>) => asSignedIn(db(), userX, p.workspaceId, fn);
    await asX((tx) =>
      tx.query(`insert into platform_events (event_type, user_id, session_id) values ('CheckoutStarted', $1, 's-x')`, [userX]),
    );
    await expect(
      asX((tx) => tx.query(`insert into platform_events (event_type, user_id) values ('CheckoutStarted', $1)`, [userY])),
    ).rejects.toMatchObject({ code: '42501' });
    await expect(
      asX((tx) => tx.query(`insert into platform_events (event_type) values ('CheckoutStarted')`)),
    ).rejects.toMatchObject({ code: '42501' });
    // Recording is not reading: the user's own events stay invisible to them.
    expect(await asX((tx) => count(tx, `select 1 from platform_events`))).toBe(0);
  });

  it('shows events to admins and owners of the workspace, not to members or other workspaces', async () => {
    const member = await addMember(db(), p.workspaceId, 'member');
    const admin = await addMember(db(), p.workspaceId, 'admin');
    const look = (userId: string, ws: string) =>
      asSignedIn(db(), userId, ws, (tx) =>
        rows<{ event_type: string; workspace_id: string; properties: unknown }>(
          tx,
          `select event_type, workspace_id, properties from platform_events order by event_type`,
        ),
      );
    expect(await look(member, p.workspaceId)).toEqual([]);
    const expected = [
      { event_type: 'CheckoutStarted', workspace_id: p.workspaceId, properties: {} },
      {
        event_type: 'SearchStarted',
        workspace_id: p.workspaceId,
        properties: { city: 'Bogotá', service: 'cleaning', device: 'mobile' },
      },
    ];
    expect(await look(admin, p.workspaceId)).toEqual(expected);
    expect(await look(p.ownerId, p.workspaceId)).toEqual(expected);
    expect(await look(q.ownerId, q.workspaceId)).toEqual([]);
    // An admin of P claiming Q (where they are nobody) sees nothing either.
    expect(await look(admin, q.workspaceId)).toEqual([]);
  });

  it('lets nobody but the service role change or delete events', async () => {
    await expect(p.asOwner((tx) => tx.query(`update platform_events set event_type = 'x'`))).rejects.toMatchObject({
      code: '42501',
    });
    await expect(p.asOwner((tx) => tx.query(`delete from platform_events`))).rejects.toMatchObject({ code: '42501' });
    const n = await asService(db(), (tx) =>
      one<{ n: number }>(tx, `select count(*)::int as n from platform_events where workspace_id = $1`, [p.workspaceId]),
    );
    expect(n.n).toBe(2);
  });
});

// Fixture for the reports: events with explicit times in two workspaces.
// Window 2026-01-01T00:00Z .. 2026-01-31T23:59:59Z (both ends included, as the seed's query).
type Ev = [type: string, user: 'u1' | 'u2' | 'u3' | 'u4' | 'u5' | null, session: string | null, at: string];
const EVENTS_A: Ev[] = [
  ['SearchStarted', 'u1', 's-1', '2026-01-02T10:00:00Z'],
  ['SearchStarted', 'u1', 's-1', '2026-01-03T10:00:00Z'],
  ['SearchStarted', 'u2', null, '2026-01-04T10:00:00Z'],
  ['SearchStarted', 'u2', 's-9', '2026-01-04T11:00:00Z'], // signed in: counted as u2, not as s-9
  ['SearchStarted', 'u3', null, '2026-01-05T10:00:00Z'],
  ['SearchStarted', null, 'anon-1', '2026-01-01T00:00:00Z'], // first instant of the window
  ['ProfessionalViewed', 'u1', null, '2026-01-06T10:00:00Z'],
  ['ProfessionalViewed', 'u1', null, '2026-01-06T10:05:00Z'],
  ['ProfessionalViewed', 'u2', null, '2026-01-07T10:00:00Z'],
  ['ProfessionalViewed', null, 'anon-1', '2026-01-07T12:00:00Z'],
  ['CheckoutStarted', 'u1', null, '2026-01-08T10:00:00Z'],
  ['CheckoutStarted', null, 'anon-1', '2026-01-08T12:00:00Z'],
  ['BookingConfirmed', 'u1', null, '2026-01-31T23:59:59Z'], // last instant of the window
  ['HelpOpened', null, 'anon-2', '2026-01-09T10:00:00Z'],
  // Outside the window.
  ['SearchStarted', 'u4', null, '2025-12-31T23:59:59Z'],
  ['BookingConfirmed', 'u2', null, '2026-02-01T00:00:00Z'],
];
const EVENTS_B: Ev[] = [
  ['SearchStarted', 'u1', null, '2026-01-02T10:00:00Z'],
  ['SearchStarted', 'u1', null, '2026-01-02T11:00:00Z'],
  ['SearchStarted', 'u1', null, '2026-01-02T12:00:00Z'],
  ['SearchStarted', 'u5', null, '2026-01-03T10:00:00Z'],
  ['CheckoutStarted', 'u5', null, '2026-01-04T10:00:00Z'],
  ['BookingConfirmed', 'u5', null, '2026-01-05T10:00:00Z'],
  ['BookingConfirmed', 'u5', null, '2026-01-05T11:00:00Z'],
];
const FROM = '2026-01-01T00:00:00Z';
const TO = '2026-01-31T23:59:59Z';

describeEachDatabase('seed 003 reports: get_event_counts_by_type and get_conversion_funnel', (db) => {
  let a: WorkspaceFixture;
  let b: WorkspaceFixture;
  let adminA: string;
  let memberA: string;

  beforeAll(async () => {
    a = await createWorkspace(db());
    b = await createWorkspace(db());
    adminA = await addMember(db(), a.workspaceId, 'admin');
    memberA = await addMember(db(), a.workspaceId, 'member');
    const users: Record<string, string> = {};
    for (const u of ['u1', 'u2', 'u3', 'u4', 'u5']) users[u] = await createUser(db());
    await asService(db(), async (tx) => {
      for (const [ws, events] of [
        [a.workspaceId, EVENTS_A],
        [b.workspaceId, EVENTS_B],
      ] as const) {
        for (const [type, user, session, at] of events) {
          await tx.query(
            `insert into platform_events (workspace_id, event_type, user_id, session_id, created_at) values ($1, $2, $3, $4, $5)`,
            [ws, type, user ? users[user] : null, session, at],
          );
        }
      }
    });
  });

  const counts = (userId: string, ws: string) =>
    asSignedIn(db(), userId, ws, (tx) => rows(tx, `select * from get_event_counts_by_type($1, $2)`, [FROM, TO]));
  const funnel = (userId: string, ws: string, stages?: string[]) =>
    asSignedIn(db(), userId, ws, (tx) =>
      stages
        ? rows(tx, `select * from get_conversion_funnel($1, $2, $3)`, [FROM, TO, stages])
        : rows(tx, `select * from get_conversion_funnel($1, $2)`, [FROM, TO]),
    );

  it("counts the window's events by type for the caller's workspace, most frequent first", async () => {
    expect(await counts(adminA, a.workspaceId)).toEqual([
      { event_type: 'SearchStarted', event_count: 6 },
      { event_type: 'ProfessionalViewed', event_count: 4 },
      { event_type: 'CheckoutStarted', event_count: 2 },
      { event_type: 'BookingConfirmed', event_count: 1 },
      { event_type: 'HelpOpened', event_count: 1 },
    ]);
    expect(await counts(b.ownerId, b.workspaceId)).toEqual([
      { event_type: 'SearchStarted', event_count: 4 },
      { event_type: 'BookingConfirmed', event_count: 2 },
      { event_type: 'CheckoutStarted', event_count: 1 },
    ]);
  });

  it('computes the four-stage funnel in unique people, against the first stage', async () => {
    expect(await funnel(adminA, a.workspaceId)).toEqual([
      { stage: 'SearchStarted', unique_users: 4, conversion_rate: '100.00' },
      { stage: 'ProfessionalViewed', unique_users: 3, conversion_rate: '75.00' },
      { stage: 'CheckoutStarted', unique_users: 2, conversion_rate: '50.00' },
      { stage: 'BookingConfirmed', unique_users: 1, conversion_rate: '25.00' },
    ]);
    expect(await funnel(b.ownerId, b.workspaceId)).toEqual([
      { stage: 'SearchStarted', unique_users: 2, conversion_rate: '100.00' },
      { stage: 'ProfessionalViewed', unique_users: 0, conversion_rate: '0.00' },
      { stage: 'CheckoutStarted', unique_users: 1, conversion_rate: '50.00' },
      { stage: 'BookingConfirmed', unique_users: 1, conversion_rate: '50.00' },
    ]);
  });

  it('takes a custom list of stages, returned in the given order', async () => {
    expect(await funnel(adminA, a.workspaceId, ['ProfessionalViewed', 'CheckoutStarted', 'BookingConfirmed'])).toEqual([
      { stage: 'ProfessionalViewed', unique_users: 3, conversion_rate: '100.00' },
      { stage: 'CheckoutStarted', unique_users: 2, conversion_rate: '66.67' },
      { stage: 'BookingConfirmed', unique_users: 1, conversion_rate: '33.33' },
    ]);
    expect(await funnel(adminA, a.workspaceId, ['BookingConfirmed', 'SearchStarted'])).toEqual([
      { stage: 'BookingConfirmed', unique_users: 1, conversion_rate: '100.00' },
      { stage: 'SearchStarted', unique_users: 4, conversion_rate: '400.00' },
    ]);
    // Nobody at the first stage: every rate is 0, not a division by zero.
    expect(await funnel(adminA, a.workspaceId, ['Refunded', 'SearchStarted'])).toEqual([
      { stage: 'Refunded', unique_users: 0, conversion_rate: '0.00' },
      { stage: 'SearchStarted', unique_users: 4, conversion_rate: '0.00' },
    ]);
  });

  it('gives plain members nothing, since only admins may read events', async () => {
    expect(await counts(memberA, a.workspaceId)).toEqual([]);
    expect(await funnel(memberA, a.workspaceId)).toEqual([
      { stage: 'SearchStarted', unique_users: 0, conversion_rate: '0.00' },
      { stage: 'ProfessionalViewed', unique_users: 0, conversion_rate: '0.00' },
      { stage: 'CheckoutStarted', unique_users: 0, conversion_rate: '0.00' },
      { stage: 'BookingConfirmed', unique_users: 0, conversion_rate: '0.00' },
    ]);
    await expect(
      asAnon(db(), a.workspaceId, (tx) => tx.query(`select * from get_event_counts_by_type()`)),
    ).rejects.toMatchObject({ code: '42501' });
    await expect(
      asAnon(db(), a.workspaceId, (tx) => tx.query(`select * from get_conversion_funnel()`)),
    ).rejects.toMatchObject({ code: '42501' });
  });

  it('stays in one workspace even for the service role, which sees every row', async () => {
    expect(await asService(db(), (tx) => rows(tx, `select * from get_event_counts_by_type($1, $2)`, [FROM, TO]))).toEqual([]);
    const viaService = await asService(db(), (tx) => rows(tx, `select * from get_conversion_funnel($1, $2)`, [FROM, TO]));
    expect(viaService.map((r) => [r.unique_users, r.conversion_rate])).toEqual([
      [0, '0.00'],
      [0, '0.00'],
      [0, '0.00'],
      [0, '0.00'],
    ]);
  });

  it('defaults to the last 30 days', async () => {
    const c = await createWorkspace(db());
    await asService(db(), (tx) =>
      tx.query(
        `insert into platform_events (workspace_id, event_type, session_id, created_at) values
           ($1, 'SearchStarted', 'r-1', now() - interval '1 day'),
           ($1, 'SearchStarted', 'r-2', now() - interval '29 days'),
           ($1, 'SearchStarted', 'r-3', now() - interval '31 days'),
           ($1, 'CheckoutStarted', 'r-1', now() - interval '2 hours')`,
        [c.workspaceId],
      ),
    );
    expect(await c.asOwner((tx) => rows(tx, `select * from get_event_counts_by_type()`))).toEqual([
      { event_type: 'SearchStarted', event_count: 2 },
      { event_type: 'CheckoutStarted', event_count: 1 },
    ]);
    expect(await c.asOwner((tx) => rows(tx, `select * from get_conversion_funnel()`))).toEqual([
      { stage: 'SearchStarted', unique_users: 2, conversion_rate: '100.00' },
      { stage: 'ProfessionalViewed', unique_users: 0, conversion_rate: '0.00' },
      { stage: 'CheckoutStarted', unique_users: 1, conversion_rate: '50.00' },
      { stage: 'BookingConfirmed', unique_users: 0, conversion_rate: '0.00' },
    ]);
  });
});

describeEachDatabase('seed 003 cleanups', (db) => {
  let a: WorkspaceFixture;
  let b: WorkspaceFixture;

  beforeAll(async () => {
    a = await createWorkspace(db());
    b = await createWorkspace(db());
  });

  it('cleanup_expired_guest_sessions deletes exactly the expired sessions of every workspace', async () => {
    const sessions: [string, string, string | null][] = [
      ['a-expired-1', a.workspaceId, `now() - interval '1 minute'`],
      ['a-expired-2', a.workspaceId, `now() - interval '2 days'`],
      ['a-live', a.workspaceId, null],
      ['b-expired', b.workspaceId, `now() - interval '1 second'`],
      ['b-live', b.workspaceId, `now() + interval '1 minute'`],
    ];
    await asService(db(), async (tx) => {
      for (const [name, ws, expires] of sessions) {
        await tx.query(
          `insert into guest_sessions (workspace_id, session_token, email, full_name, expires_at)
           values ($1, $2, $3, $4, ${expires ?? `default`})`,
          [ws, newGuestToken(), `${name}@example.com`, name],
        );
      }
    });
    await expect(a.asOwner((tx) => tx.query(`select cleanup_expired_guest_sessions()`))).rejects.toMatchObject({
      code: '42501',
    });
    const deleted = await asService(db(), (tx) =>
      one<{ n: number }>(tx, `select cleanup_expired_guest_sessions() as n`),
    );
    expect(deleted.n).toBe(3);
    const left = await asService(db(), (tx) => rows(tx, `select full_name from guest_sessions order by full_name`));
    expect(left).toEqual([{ full_name: 'a-live' }, { full_name: 'b-live' }]);
    expect((await asService(db(), (tx) => one<{ n: number }>(tx, `select cleanup_expired_guest_sessions() as n`))).n).toBe(0);
  });

  it('cleanup_old_platform_events deletes exactly the events older than 90 days', async () => {
    await asService(db(), (tx) =>
      tx.query(
        `insert into platform_events (workspace_id, event_type, created_at) values
           ($1, 'old-1', now() - interval '91 days'),
           ($1, 'old-2', now() - interval '365 days'),
           ($1, 'kept-89', now() - interval '89 days'),
           ($1, 'kept-now', now()),
           ($2, 'old-b', now() - interval '90 days 1 second'),
           ($2, 'kept-b', now() - interval '1 day')`,
        [a.workspaceId, b.workspaceId],
      ),
    );
    await expect(a.asOwner((tx) => tx.query(`select cleanup_old_platform_events()`))).rejects.toMatchObject({
      code: '42501',
    });
    const deleted = await asService(db(), (tx) => one<{ n: number }>(tx, `select cleanup_old_platform_events() as n`));
    expect(deleted.n).toBe(3);
    const left = await asService(db(), (tx) => rows(tx, `select event_type from platform_events order by event_type`));
    expect(left).toEqual([{ event_type: 'kept-89' }, { event_type: 'kept-b' }, { event_type: 'kept-now' }]);
  });
});
