import { afterEach, beforeAll, expect, it } from 'vitest';
import { newId } from '../src/platform/ids.ts';
import { asService } from './support/actors.ts';
import { describeEachDatabase } from './support/db.ts';
import { email, testApp } from './support/http.ts';
import { readSse } from './support/sse.ts';
import { customerWroteOnWhatsapp } from './support/factories.ts';

type App = ReturnType<typeof testApp>;
type Owner = Awaited<ReturnType<App['owner']>>;

describeEachDatabase('inbox events over server-sent events', (db) => {
  let t: App;
  let a: Owner;
  let b: Owner;
  const open: ReturnType<typeof readSse>[] = [];

  /** Opens the stream as `as` and waits until it listens. */
  const stream = async (as: { cookie?: string; workspace?: string; key?: string }, query = '') => {
    const headers: Record<string, string> = {};
    if (as.cookie) headers.cookie = as.cookie;
    if (as.key) headers.authorization = `Bearer ${as.key}`;
    if (as.workspace) headers['x-workspace-id'] = as.workspace;
    const res = await t.app.request(`/api/v1/events/stream${query}`, { headers });
    expect(res.status, await (res.status === 200 ? Promise.resolve('') : res.clone().text())).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    const s = readSse(res);
    open.push(s);
    await s.waitFor((e) => e.event === 'ready');
    return s;
  };

  const conversationOf = async (who: Owner, phone: string) => {
    const contact = await t.call('POST', '/api/v1/contacts', { ...who.as, body: { name: 'Rina', phone } });
    expect(contact.status).toBe(201);
    const conv = await t.call('POST', '/api/v1/conversations', { ...who.as, body: { contact_id: contact.body.id, channel: 'whatsapp' } });
    expect(conv.status).toBe(201);
    // She wrote just now: staff may reply freely.
    await customerWroteOnWhatsapp(db(), who.workspaceId, contact.body.id, new Date());
    return { contactId: contact.body.id as string, conversationId: conv.body.id as string };
  };

  beforeAll(async () => {
    t = testApp(db(), undefined, { eventsHeartbeatMs: 150 });
    a = await t.owner(email('events-a'));
    b = await t.owner(email('events-b'));
  });

  afterEach(async () => {
    await Promise.all(open.splice(0).map((s) => s.close()));
  });

  it("sends a workspace's new messages, status changes and conversation changes to its own stream only", async () => {
    const sa = await stream(a.as);
    const sb = await stream(b.as);
    const { conversationId } = await conversationOf(a, '+6281234500001');
    const reply = await t.call('POST', `/api/v1/conversations/${conversationId}/messages`, { ...a.as, body: { body: 'Halo Rina, ada yang bisa dibantu?' } });
    expect(reply.status).toBe(201);

    const created = await sa.waitFor((e) => e.event === 'message.created' && e.data.id === reply.body.id);
    expect(created.data).toMatchObject({
      conversation_id: conversationId,
      channel: 'whatsapp',
      direction: 'outbound',
      sender_kind: 'agent',
      delivery_status: 'queued',
      preview: 'Halo Rina, ada yang bisa dibantu?',
    });
    await sa.waitFor((e) => e.event === 'conversation.updated' && e.data.id === conversationId && e.data.created === true);

    // The channel's delivery report moves the status on; a failure carries its reason.
    await asService(db(), (tx) =>
      tx.query(`update messages set delivery_status = 'failed', error = 'outside the 24-hour window' where workspace_id = $1 and id = $2`, [a.workspaceId, reply.body.id]),
    );
    const status = await sa.waitFor((e) => e.event === 'message.status' && e.data.id === reply.body.id);
    expect(status.data).toEqual({ id: reply.body.id, conversation_id: conversationId, delivery_status: 'failed', error: 'outside the 24-hour window' });

    // B's stream hears its own workspace's change and, before it, nothing of A's.
    const own = await conversationOf(b, '+6281234500002');
    await sb.waitFor((e) => e.event === 'conversation.updated' && e.data.id === own.conversationId);
    const ids = JSON.stringify(sb.events);
    expect(ids).not.toContain(conversationId);
    expect(ids).not.toContain(reply.body.id);
    expect(sb.events.filter((e) => e.event !== 'ready').every((e) => e.data.id === own.conversationId || e.data.conversation_id === own.conversationId)).toBe(true);
    // And A's stream never hears B's.
    expect(JSON.stringify(sa.events)).not.toContain(own.conversationId);
  });

  it('announces texts kept in sms_messages, and never a write that was rolled back', async () => {
    const sa = await stream(a.as);
    const { contactId, conversationId } = await conversationOf(a, '+6281234500003');
    const gone = newId();
    await expect(
      asService(db(), async (tx) => {
        await tx.query(
          `insert into sms_messages (id, workspace_id, contact_id, conversation_id, phone_number, direction, message_body, status)
           values ($1, $2, $3, $4, '+6281234500003', 'inbound', 'never happened', 'received')`,
          [gone, a.workspaceId, contactId, conversationId],
        );
        throw new Error('roll back');
      }),
    ).rejects.toThrow('roll back');
    const sms = newId();
    await asService(db(), (tx) =>
      tx.query(
        `insert into sms_messages (id, workspace_id, contact_id, conversation_id, phone_number, direction, message_body, status)
         values ($1, $2, $3, $4, '+6281234500003', 'inbound', 'Can you pick up tomorrow?', 'received')`,
        [sms, a.workspaceId, contactId, conversationId],
      ),
    );
    const e = await sa.waitFor((x) => x.event === 'message.created' && x.data.id === sms);
    expect(e.data).toMatchObject({ channel: 'sms', direction: 'inbound', sender_kind: 'contact', delivery_status: 'received', preview: 'Can you pick up tomorrow?' });
    expect(JSON.stringify(sa.events)).not.toContain(gone);
  });

  it('lets an API key and a browser naming the workspace in the query listen', async () => {
    const key = await t.apiKey(a.as, true);
    const byKey = await stream({ key: key.key });
    const byQuery = await stream({ cookie: a.cookie }, `?workspace_id=${a.workspaceId}`);
    const { conversationId } = await conversationOf(a, '+6281234500004');
    await byKey.waitFor((e) => e.event === 'conversation.updated' && e.data.id === conversationId);
    await byQuery.waitFor((e) => e.event === 'conversation.updated' && e.data.id === conversationId);
  });

  it('refuses strangers, and ends the stream of a member who is removed', async () => {
    expect((await t.call('GET', '/api/v1/events/stream')).status).toBe(401);
    const other = await t.call('GET', `/api/v1/events/stream?workspace_id=${a.workspaceId}`, { cookie: b.cookie });
    expect(other.status).toBe(404);
    expect(other.body.error.code).toBe('workspace.not_found');
    const bad = await t.call('GET', '/api/v1/events/stream?workspace_id=nope', { cookie: a.cookie });
    expect(bad.status).toBe(400);

    const member = await t.teammate(a.as, email('events-member'), 'member');
    const sm = await stream(member.as);
    await sm.waitFor(() => sm.comments > 0);
    const removed = await t.call('DELETE', `/api/v1/members/${member.userId}`, a.as);
    expect(removed.status).toBe(204);
    await sm.waitFor((e) => e.event === 'revoked');
    const { conversationId } = await conversationOf(a, '+6281234500005');
    await new Promise((r) => setTimeout(r, 300));
    expect(sm.ended).toBe(true);
    expect(JSON.stringify(sm.events)).not.toContain(conversationId);
  });
});
