// What channels and the assistant write on a contact, on each database: a first message from a
// new number makes one contact even when two race; the assistant's judgement fills what staff
// left empty and never demotes a customer; last contact only moves forward.
import { beforeAll, expect, it } from 'vitest';
import { one } from '../../../test/support/actors.ts';
import { describeEachDatabase } from '../../../test/support/db.ts';
import { createWorkspace } from '../../../test/support/factories.ts';
import type { Tx } from '../../platform/db/database.ts';
import { withTenant } from '../../platform/db/tenant.ts';
import { contactExists, findOrCreateContactByPhone, syncLead, touchContact } from './index.ts';

describeEachDatabase('contacts written by channels and the assistant', (db) => {
  let ws: string;
  const asSystem = <T>(fn: (tx: Tx) => Promise<T>) => withTenant(db(), { kind: 'system', workspaceId: ws }, fn);
  const read = (id: string) =>
    asSystem((tx) => one(tx, `select name, email, tags, notes, lead_status, lead_score, lead_temperature, source, last_contact from contacts where workspace_id = $1 and id = $2`, [ws, id]));

  beforeAll(async () => {
    ws = (await createWorkspace(db())).workspaceId;
  });

  it('makes one contact for a new number, even for two first messages at once, keeping the channel it came from', async () => {
    const phone = '+6281240000001';
    const [a, b] = await Promise.all([
      asSystem((tx) => findOrCreateContactByPhone(tx, ws, phone, 'whatsapp')),
      asSystem((tx) => findOrCreateContactByPhone(tx, ws, phone, 'sms')),
    ]);
    expect(a).toBe(b);
    expect(await asSystem((tx) => findOrCreateContactByPhone(tx, ws, phone, 'webchat'))).toBe(a);
    expect(['whatsapp', 'sms']).toContain((await read(a)).source);
    expect(await asSystem((tx) => contactExists(tx, ws, a))).toBe(true);
    expect(await asSystem((tx) => contactExists(tx, ws, '00000000-0000-4000-8000-000000000000'))).toBe(false);
  });

  it("fills the name and email staff left empty, adds tags once, appends notes, and keeps a customer a customer", async () => {
    const id = await asSystem((tx) => findOrCreateContactByPhone(tx, ws, '+6281240000002', 'whatsapp'));
    const now = new Date('2026-12-01T08:00:00Z');
    await asSystem((tx) => tx.query(`update contacts set name = 'Budi (staff)', tags = '{vip}' where workspace_id = $1 and id = $2`, [ws, id]));
    await asSystem((tx) =>
      syncLead(tx, ws, id, { lead_score: 70, lead_temperature: 'warm', lead_status: 'warm_lead', name: 'Budi Santoso', email: 'budi@example.co.id', tags: ['s2', 'vip'], note: 'Wants Australia', now }),
    );
    await asSystem((tx) => syncLead(tx, ws, id, { lead_score: 88, lead_temperature: 'hot', lead_status: 'hot_lead', tags: ['s2', 'ielts'], note: 'IELTS 7.0', now }));
    expect(await read(id)).toMatchObject({
      name: 'Budi (staff)',
      email: 'budi@example.co.id',
      tags: ['vip', 's2', 'ielts'],
      notes: 'Wants Australia\n\nIELTS 7.0',
      lead_status: 'hot_lead',
      lead_score: 88,
      lead_temperature: 'hot',
    });
    await asSystem((tx) => tx.query(`update contacts set lead_status = 'customer' where workspace_id = $1 and id = $2`, [ws, id]));
    await asSystem((tx) => syncLead(tx, ws, id, { lead_score: 40, lead_temperature: 'cold', lead_status: 'new', now }));
    expect(await read(id)).toMatchObject({ lead_status: 'customer', lead_score: 40 });
  });

  it('moves last contact forward only', async () => {
    const id = await asSystem((tx) => findOrCreateContactByPhone(tx, ws, '+6281240000003', 'sms'));
    const later = new Date('2026-12-02T09:00:00Z');
    await asSystem((tx) => touchContact(tx, ws, id, later));
    await asSystem((tx) => touchContact(tx, ws, id, new Date('2026-11-30T09:00:00Z')));
    await asSystem((tx) => syncLead(tx, ws, id, { lead_score: 10, lead_temperature: 'cold', lead_status: 'new', now: new Date('2026-11-29T00:00:00Z') }));
    expect((await read(id)).last_contact).toEqual(later);
  });
});
