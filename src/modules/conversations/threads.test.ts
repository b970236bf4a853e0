// The inbox's side of a channel turn, on each database, as the system acting for a workspace:
// one open thread per contact and channel even when two first messages race, a provider's
// redelivery recorded once, the reply queued for its channel (texts in sms_messages) and found
// again for a redelivery, and the thread moved up, woken and handed over.
import { beforeAll, expect, it } from 'vitest';
import { one, rows } from '../../../test/support/actors.ts';
import { describeEachDatabase } from '../../../test/support/db.ts';
import { createWorkspace } from '../../../test/support/factories.ts';
import type { Tx } from '../../platform/db/database.ts';
import { withServiceRole, withTenant } from '../../platform/db/tenant.ts';
import { findOrCreateContactByPhone } from '../contacts/index.ts';
import { findEarlierReply, lockOwner, openThread, queueReply, recordInbound, recordInboundActivity } from './index.ts';

describeEachDatabase('the inbox records a channel turn', (db) => {
  let ws: string;
  const asSystem = <T>(fn: (tx: Tx) => Promise<T>) => withTenant(db(), { kind: 'system', workspaceId: ws }, fn);
  const contact = (phone: string) => asSystem((tx) => findOrCreateContactByPhone(tx, ws, phone, 'whatsapp'));

  beforeAll(async () => {
    ws = (await createWorkspace(db())).workspaceId;
  });

  it('opens one thread per contact and channel, even for two first messages at once, and a new one after it is resolved', async () => {
    const c = await contact('+6281230000001');
    const [a, b] = await Promise.all([asSystem((tx) => openThread(tx, ws, c, 'whatsapp')), asSystem((tx) => openThread(tx, ws, c, 'whatsapp'))]);
    expect(a).toEqual(b);
    expect(a.owner).toBe('ai');
    const sms = await asSystem((tx) => openThread(tx, ws, c, 'sms'));
    expect(sms.id).not.toBe(a.id);

    await withServiceRole(db(), (tx) => tx.query(`update conversations set status = 'resolved' where workspace_id = $1 and id = $2`, [ws, a.id]));
    const next = await asSystem((tx) => openThread(tx, ws, c, 'whatsapp'));
    expect(next.id).not.toBe(a.id);
    expect(await asSystem((tx) => lockOwner(tx, ws, next.id))).toBe('ai');
  });

  it('records a message once by its provider id, queues the reply for the outbox, and finds that reply for a redelivery', async () => {
    const c = await contact('+6281230000002');
    const now = new Date();
    const thread = await asSystem((tx) => openThread(tx, ws, c, 'whatsapp'));
    const first = await asSystem((tx) => recordInbound(tx, ws, { conversationId: thread.id, channel: 'whatsapp', body: 'Halo', providerMessageId: 'wamid.A1', now }));
    expect(first).toBeDefined();
    const again = await asSystem((tx) => recordInbound(tx, ws, { conversationId: thread.id, channel: 'whatsapp', body: 'Halo', providerMessageId: 'wamid.A1', now }));
    expect(again).toBeUndefined();
    expect(await asSystem((tx) => findEarlierReply(tx, ws, 'whatsapp', 'wamid.A1'))).toBeNull();

    await asSystem((tx) => queueReply(tx, ws, { conversationId: thread.id, channel: 'whatsapp', body: 'Halo! Ada yang bisa dibantu?', inReplyTo: first!, ariMessageId: first!, handoff: false, now }));
    expect(await asSystem((tx) => findEarlierReply(tx, ws, 'whatsapp', 'wamid.A1'))).toBe('Halo! Ada yang bisa dibantu?');
    const queued = await asSystem((tx) =>
      one<{ delivery_status: string; sender_kind: string; outbox: number }>(
        tx,
        `select m.delivery_status, m.sender_kind, (select count(*)::int from outbox o where o.workspace_id = m.workspace_id and o.message_id = m.id) as outbox
           from messages m where m.workspace_id = $1 and m.conversation_id = $2 and m.direction = 'outbound'`,
        [ws, thread.id],
      ),
    );
    expect(queued).toEqual({ delivery_status: 'queued', sender_kind: 'assistant', outbox: 1 });
  });

  it('keeps texts in sms_messages, with the numbers and segments the turn gives, and the reply to and from those numbers', async () => {
    const c = await contact('+6281230000003');
    const now = new Date();
    const text = { phone: '+6281230000003', businessNumber: '+14165550100', segments: 2 };
    const thread = await asSystem((tx) => openThread(tx, ws, c, 'sms'));
    const inbound = await asSystem((tx) => recordInbound(tx, ws, { conversationId: thread.id, channel: 'sms', body: 'Hi', providerMessageId: 'SM1', now, text }));
    expect(await asSystem((tx) => recordInbound(tx, ws, { conversationId: thread.id, channel: 'sms', body: 'Hi', providerMessageId: 'SM1', now, text }))).toBeUndefined();
    await asSystem((tx) => queueReply(tx, ws, { conversationId: thread.id, channel: 'sms', body: 'Hello!', inReplyTo: inbound!, ariMessageId: inbound!, handoff: true, now }));
    const texts = await asSystem((tx) =>
      rows(tx, `select direction, phone_number, business_number, num_segments, status, metadata->>'handoff' as handoff from sms_messages where workspace_id = $1 and conversation_id = $2 order by direction`, [ws, thread.id]),
    );
    expect(texts).toEqual([
      { direction: 'inbound', phone_number: '+6281230000003', business_number: '+14165550100', num_segments: 2, status: 'received', handoff: null },
      { direction: 'outbound', phone_number: '+6281230000003', business_number: '+14165550100', num_segments: null, status: 'queued', handoff: 'true' },
    ]);
    expect(await asSystem((tx) => findEarlierReply(tx, ws, 'sms', 'SM1'))).toBe('Hello!');
    expect(await asSystem((tx) => rows(tx, `select 1 from messages where workspace_id = $1 and conversation_id = $2`, [ws, thread.id]))).toEqual([]);
  });

  it('moves the thread up on a new message: unread, open again, awake, and a person\'s when handed over', async () => {
    const c = await contact('+6281230000004');
    const thread = await asSystem((tx) => openThread(tx, ws, c, 'webchat'));
    await withServiceRole(db(), (tx) =>
      tx.query(`update conversations set status = 'snoozed', snoozed_until = now() + interval '1 day' where workspace_id = $1 and id = $2`, [ws, thread.id]),
    );
    const at = new Date('2026-12-01T10:00:00Z');
    await asSystem((tx) => recordInboundActivity(tx, ws, thread.id, at, false));
    await asSystem((tx) => recordInboundActivity(tx, ws, thread.id, at, true));
    const row = await asSystem((tx) =>
      one(tx, `select status, snoozed_until, unread_count, owner, last_inbound_at from conversations where workspace_id = $1 and id = $2`, [ws, thread.id]),
    );
    expect(row).toEqual({ status: 'open', snoozed_until: null, unread_count: 2, owner: 'human', last_inbound_at: at });
    expect(await asSystem((tx) => lockOwner(tx, ws, thread.id))).toBe('human');
  });
});

