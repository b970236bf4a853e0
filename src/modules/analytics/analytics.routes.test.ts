import { beforeAll, describe, expect, it } from 'vitest';
import { asService, rows } from '../../../test/support/actors.ts';
import { describeEachDatabase } from '../../../test/support/db.ts';
import { email, testApp } from '../../../test/support/http.ts';
import { fixedClock } from '../../platform/clock.ts';

// Sessions and invitations expire by real time, so the tests' clock starts at the real now
// and is moved only while fixture events are recorded.
const NOW = new Date(Math.floor(Date.now() / 1000) * 1000);
const DAY = 86_400_000;
const iso = (ms: number) => new Date(ms).toISOString();
const MISSING_WORKSPACE = '01900000-0000-7000-8000-000000000000';

type App = ReturnType<typeof testApp>;

/** A visitor's event, from its own client address unless told otherwise. */
const visit = (t: App, workspace: string | undefined, body: unknown, client = 'visitor') =>
  t.call('POST', '/api/v1/events', { body, headers: { 'x-test-client': client, ...(workspace ? { 'x-workspace-id': workspace } : {}) } });

const issuePaths = (body: { error: { details: { issues: { path: string }[] } } }) => body.error.details.issues.map((i) => i.path);

describeEachDatabase('analytics over HTTP', (db) => {
  const eventRow = async (id: string) =>
    (
      await asService(db(), (tx) =>
        rows(tx, 'select workspace_id, event_type, user_id, session_id, properties, created_at from platform_events where id = $1', [id]),
      )
    )[0];

  describe('POST /events', () => {
    const clock = fixedClock(NOW);
    let t: App;
    let shop: Awaited<ReturnType<App['owner']>>;
    beforeAll(async () => {
      t = testApp(db(), clock);
      shop = await t.owner(email('shop'));
    });

    it("records a visitor's event without a user, at the server's time", async () => {
      const res = await visit(t, shop.workspaceId, { event_type: 'SearchStarted', session_id: 'sess-1', properties: { city: 'Bogotá', service: 'cleaning' } });
      expect(res.status).toBe(202);
      expect(res.body).toEqual({ id: expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-/) });
      expect(await eventRow(res.body.id)).toEqual({
        workspace_id: shop.workspaceId,
        event_type: 'SearchStarted',
        user_id: null,
        session_id: 'sess-1',
        properties: { city: 'Bogotá', service: 'cleaning' },
        created_at: NOW,
      });
    });

    it('needs a workspace and a session id from visitors, and answers 404 for a workspace that does not exist', async () => {
      const noWorkspace = await visit(t, undefined, { event_type: 'SearchStarted', session_id: 's' });
      expect(noWorkspace.status).toBe(400);
      expect(noWorkspace.body.error.code).toBe('event.workspace_required');

      const noSession = await visit(t, shop.workspaceId, { event_type: 'SearchStarted' });
      expect(noSession.status).toBe(400);
      expect(noSession.body.error).toEqual({
        code: 'validation.failed',
        message: 'the request is not valid',
        details: { issues: [{ path: 'body.session_id', message: 'required for anonymous callers' }] },
      });

      const missing = await visit(t, MISSING_WORKSPACE, { event_type: 'SearchStarted', session_id: 's' });
      expect(missing.status).toBe(404);
      expect(missing.body.error.code).toBe('event.workspace_not_found');

      const malformed = await visit(t, 'not-a-uuid', { event_type: 'SearchStarted', session_id: 's' });
      expect(malformed.status).toBe(400);
      expect(malformed.body.error.code).toBe('workspace.invalid_id');
    });

    it("stamps a signed-in person's events with their own user id, member or marketplace customer", async () => {
      const own = await t.call('POST', '/api/v1/events', { ...shop.as, body: { event_type: 'ProfessionalViewed', properties: { pro_id: 'pro-1' } } });
      expect(own.status).toBe(202);
      expect(await eventRow(own.body.id)).toMatchObject({ user_id: shop.userId, session_id: null, workspace_id: shop.workspaceId });

      // A customer of the marketplace belongs to no workspace; the header names the shop.
      const customer = await t.signUp(email('customer'));
      const bought = await t.call('POST', '/api/v1/events', {
        cookie: customer.cookie,
        workspace: shop.workspaceId,
        body: { event_type: 'CheckoutStarted', session_id: 'tab-7', properties: { subtotal: 50000 } },
      });
      expect(bought.status).toBe(202);
      expect(await eventRow(bought.body.id)).toMatchObject({ user_id: customer.userId, session_id: 'tab-7', event_type: 'CheckoutStarted' });

      const nowhere = await t.call('POST', '/api/v1/events', { cookie: customer.cookie, body: { event_type: 'SearchStarted' } });
      expect(nowhere.status).toBe(400);
      expect(nowhere.body.error.code).toBe('event.workspace_required');
    });

    it('lets a writing API key record events without a user, and refuses a read-only key', async () => {
      const writer = await t.apiKey(shop.as);
      const res = await t.call('POST', '/api/v1/events', { key: writer.key, body: { event_type: 'BookingConfirmed', session_id: 'sess-1', properties: { booking_id: 'b-1', total: 55000 } } });
      expect(res.status).toBe(202);
      expect(await eventRow(res.body.id)).toMatchObject({ user_id: null, session_id: 'sess-1', workspace_id: shop.workspaceId });

      const reader = await t.apiKey(shop.as, true);
      const refused = await t.call('POST', '/api/v1/events', { key: reader.key, body: { event_type: 'BookingConfirmed' } });
      expect(refused.status).toBe(403);
      expect(refused.body.error.code).toBe('db.permission_denied');
    });

    it('reports every invalid field with its path', async () => {
      const bad = await visit(t, shop.workspaceId, { event_type: 'HelpOpened', session_id: 'x'.repeat(101), properties: [1], user_id: shop.userId });
      expect(bad.status).toBe(400);
      expect(issuePaths(bad.body).sort()).toEqual(['body', 'body.event_type', 'body.properties', 'body.session_id']);

      const empty = await visit(t, shop.workspaceId, { event_type: 'SearchStarted', session_id: '' });
      expect(issuePaths(empty.body)).toEqual(['body.session_id']);

      const huge = await visit(t, shop.workspaceId, { event_type: 'SearchStarted', session_id: 's', properties: { blob: 'x'.repeat(8 * 1024) } });
      expect(huge.status).toBe(400);
      expect(huge.body.error.details.issues).toEqual([{ path: 'body.properties', message: 'at most 8192 bytes as JSON' }]);

      const fits = await visit(t, shop.workspaceId, { event_type: 'SearchStarted', session_id: 's', properties: { blob: 'x'.repeat(8 * 1024 - 11) } });
      expect(fits.status).toBe(202);
    });

    it('allows 60 events a minute per client address, then answers 429 with Retry-After', async () => {
      const flood = testApp(db(), clock);
      const body = { event_type: 'SearchStarted', session_id: 'flood' };
      const statuses = [];
      for (let i = 0; i < 60; i++) statuses.push((await visit(flood, shop.workspaceId, body, 'flooder')).status);
      expect(statuses).toEqual(Array(60).fill(202));
      const limited = await visit(flood, shop.workspaceId, body, 'flooder');
      expect(limited.status).toBe(429);
      expect(limited.body.error.code).toBe('rate_limited');
      expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect(Number(limited.headers.get('retry-after'))).toBeLessThanOrEqual(60);
      expect((await visit(flood, shop.workspaceId, body, 'someone-else')).status).toBe(202);
    });
  });

  describe('GET /analytics/event-counts and /analytics/funnel', () => {
    const clock = fixedClock(NOW);
    let t: App;
    let a: Awaited<ReturnType<App['owner']>>;
    let b: Awaited<ReturnType<App['owner']>>;
    const window = `from=${encodeURIComponent('2026-01-01T00:00:00Z')}&to=${encodeURIComponent('2026-01-31T23:59:59Z')}`;

    beforeAll(async () => {
      t = testApp(db(), clock);
      a = await t.owner(email('a'));
      b = await t.owner(email('b'));
      const u1 = await t.signUp(email('u1'));
      const u2 = await t.signUp(email('u2'));
      const key = await t.apiKey(a.as);
      const record = async (at: string, who: { cookie: string } | { key: string } | 'visitor', workspace: string, event_type: string, session_id?: string) => {
        clock.set(at);
        const res =
          who === 'visitor'
            ? await visit(t, workspace, { event_type, session_id }, `fixture-${session_id}`)
            : await t.call('POST', '/api/v1/events', { ...who, workspace: 'key' in who ? undefined : workspace, body: { event_type, ...(session_id ? { session_id } : {}) } });
        if (res.status !== 202) throw new Error(`fixture event failed: ${res.status} ${JSON.stringify(res.body)}`);
      };
      // Workspace A, inside the window (both ends included).
      await record('2026-01-01T00:00:00Z', 'visitor', a.workspaceId, 'SearchStarted', 's-1');
      await record('2026-01-02T10:00:00Z', u1, a.workspaceId, 'SearchStarted');
      await record('2026-01-03T10:00:00Z', u1, a.workspaceId, 'SearchStarted');
      await record('2026-01-04T10:00:00Z', u2, a.workspaceId, 'SearchStarted', 'sess-u2'); // counted as u2, not by session
      await record('2026-01-04T11:00:00Z', 'visitor', a.workspaceId, 'SearchStarted', 's-2');
      await record('2026-01-05T10:00:00Z', u1, a.workspaceId, 'ProfessionalViewed');
      await record('2026-01-05T11:00:00Z', u2, a.workspaceId, 'ProfessionalViewed');
      await record('2026-01-06T10:00:00Z', 'visitor', a.workspaceId, 'ProfessionalViewed', 's-1');
      await record('2026-01-06T10:05:00Z', 'visitor', a.workspaceId, 'ProfessionalViewed', 's-1');
      await record('2026-01-07T10:00:00Z', u1, a.workspaceId, 'CheckoutStarted');
      await record('2026-01-08T10:00:00Z', 'visitor', a.workspaceId, 'CheckoutStarted', 's-1');
      await record('2026-01-09T10:00:00Z', { key: key.key }, a.workspaceId, 'PaymentAttempted', 'srv-1');
      await record('2026-01-31T23:59:59Z', u1, a.workspaceId, 'BookingConfirmed');
      // Workspace A, outside the window.
      await record('2025-12-31T23:59:59Z', 'visitor', a.workspaceId, 'SearchStarted', 's-3');
      await record('2026-02-01T00:00:00Z', u2, a.workspaceId, 'BookingConfirmed');
      // Workspace B: the same session id as in A must not mix.
      await record('2026-01-02T10:00:00Z', 'visitor', b.workspaceId, 'SearchStarted', 's-1');
      await record('2026-01-02T11:00:00Z', 'visitor', b.workspaceId, 'SearchStarted', 's-1');
      await record('2026-01-03T10:00:00Z', 'visitor', b.workspaceId, 'SearchStarted', 's-9');
      await record('2026-01-04T10:00:00Z', 'visitor', b.workspaceId, 'BookingConfirmed', 's-9');
      clock.set(NOW);
    });

    it("counts the window's events by type, most frequent first, for the caller's workspace only", async () => {
      const res = await t.call('GET', `/api/v1/analytics/event-counts?${window}`, a.as);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        data: [
          { event_type: 'SearchStarted', event_count: 5 },
          { event_type: 'ProfessionalViewed', event_count: 4 },
          { event_type: 'CheckoutStarted', event_count: 2 },
          { event_type: 'BookingConfirmed', event_count: 1 },
          { event_type: 'PaymentAttempted', event_count: 1 },
        ],
      });
      expect((await t.call('GET', `/api/v1/analytics/event-counts?${window}`, b.as)).body).toEqual({
        data: [
          { event_type: 'SearchStarted', event_count: 3 },
          { event_type: 'BookingConfirmed', event_count: 1 },
        ],
      });
    });

    it('computes the default funnel in unique people against the first stage, as numbers', async () => {
      expect((await t.call('GET', `/api/v1/analytics/funnel?${window}`, a.as)).body).toEqual({
        data: [
          { stage: 'SearchStarted', unique_users: 4, conversion_rate: 100 },
          { stage: 'ProfessionalViewed', unique_users: 3, conversion_rate: 75 },
          { stage: 'CheckoutStarted', unique_users: 2, conversion_rate: 50 },
          { stage: 'BookingConfirmed', unique_users: 1, conversion_rate: 25 },
        ],
      });
      expect((await t.call('GET', `/api/v1/analytics/funnel?${window}`, b.as)).body).toEqual({
        data: [
          { stage: 'SearchStarted', unique_users: 2, conversion_rate: 100 },
          { stage: 'ProfessionalViewed', unique_users: 0, conversion_rate: 0 },
          { stage: 'CheckoutStarted', unique_users: 0, conversion_rate: 0 },
          { stage: 'BookingConfirmed', unique_users: 1, conversion_rate: 50 },
        ],
      });
    });

    it('takes the stages in the order given, with rates rounded to 2 decimals', async () => {
      const res = await t.call('GET', `/api/v1/analytics/funnel?${window}&stages=ProfessionalViewed,CheckoutStarted,BookingConfirmed`, a.as);
      expect(res.body).toEqual({
        data: [
          { stage: 'ProfessionalViewed', unique_users: 3, conversion_rate: 100 },
          { stage: 'CheckoutStarted', unique_users: 2, conversion_rate: 66.67 },
          { stage: 'BookingConfirmed', unique_users: 1, conversion_rate: 33.33 },
        ],
      });
    });

    it('defaults to the 30 days before now', async () => {
      const c = await t.owner(email('c'));
      const now = NOW.getTime();
      for (const [at, session] of [[now - DAY, 'r-1'], [now - 30 * DAY + 1000, 'r-2'], [now - 30 * DAY - 1000, 'r-3']] as const) {
        clock.set(new Date(at));
        expect((await visit(t, c.workspaceId, { event_type: 'SearchStarted', session_id: session }, 'recent')).status).toBe(202);
      }
      clock.set(NOW);
      expect((await t.call('GET', '/api/v1/analytics/event-counts', c.as)).body).toEqual({ data: [{ event_type: 'SearchStarted', event_count: 2 }] });
      const onlyTo = await t.call('GET', `/api/v1/analytics/funnel?to=${encodeURIComponent(iso(now - 29 * DAY))}&stages=SearchStarted`, c.as);
      expect(onlyTo.body).toEqual({ data: [{ stage: 'SearchStarted', unique_users: 2, conversion_rate: 100 }] });
    });

    it('refuses a window that does not run forwards, bad times and unknown stages, naming the field', async () => {
      const backwards = await t.call('GET', `/api/v1/analytics/event-counts?from=${encodeURIComponent('2026-02-01T00:00:00Z')}&to=${encodeURIComponent('2026-01-01T00:00:00Z')}`, a.as);
      expect(backwards.status).toBe(400);
      expect(backwards.body.error.details.issues).toEqual([{ path: 'query.from', message: 'must be before to' }]);
      const empty = await t.call('GET', `/api/v1/analytics/funnel?from=${encodeURIComponent('2026-01-01T00:00:00Z')}&to=${encodeURIComponent('2026-01-01T00:00:00Z')}`, a.as);
      expect(issuePaths(empty.body)).toEqual(['query.from']);
      // A future start with the default end (now) is backwards too.
      const tomorrow = iso(NOW.getTime() + DAY).replace('Z', '+07:00');
      expect(issuePaths((await t.call('GET', `/api/v1/analytics/event-counts?from=${encodeURIComponent(tomorrow)}`, a.as)).body)).toEqual(['query.from']);

      const badTimes = await t.call('GET', '/api/v1/analytics/event-counts?from=yesterday&to=2026-01-01T10:00', a.as);
      expect(badTimes.status).toBe(400);
      expect(issuePaths(badTimes.body).sort()).toEqual(['query.from', 'query.to']);

      const unknown = await t.call('GET', '/api/v1/analytics/funnel?stages=SearchStarted,Refunded', a.as);
      expect(unknown.status).toBe(400);
      expect(unknown.body.error.details.issues).toEqual([{ path: 'query.stages', message: 'not in the event catalogue: "Refunded"' }]);
      const twice = await t.call('GET', '/api/v1/analytics/funnel?stages=SearchStarted,SearchStarted', a.as);
      expect(twice.body.error.details.issues).toEqual([{ path: 'query.stages', message: 'a stage is listed twice' }]);
    });

    it('lets owners, admins and writing keys read; members, read-only keys and visitors may not', async () => {
      // Invitations expire by the database's clock, so the team is built on real time.
      const team = testApp(db());
      const admin = await team.teammate(a.as, email('admin'), 'admin');
      const member = await team.teammate(a.as, email('member'), 'member');
      const writer = await t.apiKey(a.as);
      const reader = await t.apiKey(a.as, true);
      for (const path of [`/api/v1/analytics/event-counts?${window}`, `/api/v1/analytics/funnel?${window}`]) {
        const byOwner = await t.call('GET', path, a.as);
        expect(byOwner.status).toBe(200);
        expect(await t.call('GET', path, admin.as)).toMatchObject({ status: 200, body: byOwner.body });
        expect(await t.call('GET', path, { key: writer.key })).toMatchObject({ status: 200, body: byOwner.body });
        const asMember = await t.call('GET', path, member.as);
        expect(asMember.status).toBe(403);
        expect(asMember.body.error.code).toBe('auth.forbidden');
        expect((await t.call('GET', path, { key: reader.key })).status).toBe(403);
        const anonymous = await t.call('GET', path, { workspace: a.workspaceId });
        expect(anonymous.status).toBe(401);
        expect(anonymous.body.error.code).toBe('auth.required');
      }
    });

    it("answers 404 for another workspace's reports, exactly like one that does not exist", async () => {
      for (const path of [`/api/v1/analytics/event-counts?${window}`, `/api/v1/analytics/funnel?${window}`]) {
        const other = await t.call('GET', path, { cookie: b.cookie, workspace: a.workspaceId });
        const missing = await t.call('GET', path, { cookie: b.cookie, workspace: MISSING_WORKSPACE });
        expect(other.status).toBe(404);
        expect(other.body).toEqual(missing.body);
        expect(other.body.error.code).toBe('workspace.not_found');
      }
      const bKey = await t.apiKey(b.as);
      const wrongKey = await t.call('GET', `/api/v1/analytics/event-counts?${window}`, { key: bKey.key, workspace: a.workspaceId });
      expect(wrongKey.status).toBe(403);
      expect(wrongKey.body.error.code).toBe('auth.wrong_workspace');
      // B's own key sees only B's events.
      expect((await t.call('GET', `/api/v1/analytics/event-counts?${window}`, { key: bKey.key })).body.data).toEqual([
        { event_type: 'SearchStarted', event_count: 3 },
        { event_type: 'BookingConfirmed', event_count: 1 },
      ]);
    });
  });

  it('documents the routes and the event catalogue in /openapi.json', async () => {
    const doc = (await testApp(db()).call('GET', '/openapi.json')).body;
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/api/v1/events', '/api/v1/analytics/event-counts', '/api/v1/analytics/funnel']));
    expect(doc.components.schemas.EventType.enum).toHaveLength(14);
    expect(doc.paths['/api/v1/analytics/funnel'].get.parameters.map((p: { name: string }) => p.name)).toEqual(['from', 'to', 'stages']);
  });
});
