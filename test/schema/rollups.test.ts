// Migration 0018: contacts' totals kept by triggers on bookings and calls, and seed 004's daily
// analytics rollup (app.rollup_daily_analytics, app.analytics_days_due).
import { beforeAll, expect, it } from 'vitest';
import type { Tx } from '../../src/platform/db/database.ts';
import { newId } from '../../src/platform/ids.ts';
import { asAnon, asService, newGuestToken, one, rows } from '../support/actors.ts';
import { describeEachDatabase } from '../support/db.ts';
import { addMember, asUser, createWorkspace, type WorkspaceFixture } from '../support/factories.ts';

interface Totals {
  total_bookings: number | null;
  total_calls: number | null;
  total_spent: string | null;
  last_contact: string | null;
}

const totalsOf = (db: Parameters<typeof asService>[0], workspaceId: string, contactId: string) =>
  asService(db, (tx) =>
    one<Totals>(
      tx,
      `select total_bookings, total_calls, total_spent, to_char(last_contact at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') as last_contact
         from contacts where workspace_id = $1 and id = $2`,
      [workspaceId, contactId],
    ),
  );

async function newContact(tx: Tx, phone: string, extra: Record<string, unknown> = {}, id = newId()): Promise<string> {
  const cols = ['id', 'name', 'phone', ...Object.keys(extra)];
  const values = [id, `Customer ${phone}`, phone, ...Object.values(extra)];
  await tx.query(`insert into contacts (${cols.join(', ')}) values (${cols.map((_, i) => `$${i + 1}`).join(', ')})`, values);
  return id;
}

async function newBooking(tx: Tx, b: { contactId: string | null; status?: string; paymentStatus?: string | null; amount?: string | null; at: string }): Promise<string> {
  const id = newId();
  await tx.query(
    `insert into bookings (id, customer_name, customer_phone, service_type, appointment_date, appointment_time, contact_id, status, payment_status, payment_amount, created_at)
     values ($1, 'Ana', '+14165550100', 'Laundry Pickup', '2026-12-01', '10:00 AM', $2, $3, $4, $5, $6)`,
    [id, b.contactId, b.status ?? 'pending', b.paymentStatus ?? null, b.amount ?? null, b.at],
  );
  return id;
}

async function newCall(tx: Tx, c: { contactId?: string | null; status?: string; cost?: string; at: string }): Promise<string> {
  const id = newId();
  await tx.query(`insert into calls (id, phone_number, contact_id, status, cost, created_at) values ($1, '+14165550100', $2, $3, $4, $5)`, [
    id,
    c.contactId ?? null,
    c.status ?? 'completed',
    c.cost ?? '0',
    c.at,
  ]);
  return id;
}

async function newSms(tx: Tx, s: { direction?: string; cost?: string; at: string }): Promise<void> {
  await tx.query(`insert into sms_messages (id, phone_number, direction, message_body, status, cost, created_at) values ($1, '+14165550100', $2, 'hi', 'received', $3, $4)`, [
    newId(),
    s.direction ?? 'inbound',
    s.cost ?? '0',
    s.at,
  ]);
}

describeEachDatabase('0018: contact totals follow bookings and calls', (db) => {
  let a: WorkspaceFixture;
  let b: WorkspaceFixture;
  beforeAll(async () => {
    a = await createWorkspace(db(), { timeZone: 'America/Toronto' });
    b = await createWorkspace(db(), { timeZone: 'America/Toronto' });
  });

  it('counts a booking unless cancelled, adds what was paid, and moves both with every change', async () => {
    const { x, y, booking } = await a.asOwner(async (tx) => {
      // x carries totals imported from elsewhere; the triggers add to them.
      const x = await newContact(tx, '+14165550201', { total_bookings: 5, total_spent: '100.00', last_contact: '2026-01-01T00:00:00Z' });
      const y = await newContact(tx, '+14165550202');
      const booking = await newBooking(tx, { contactId: x, paymentStatus: 'pending', amount: '30.00', at: '2026-03-01T10:00:00Z' });
      return { x, y, booking };
    });
    const step = async (sql: string, params: unknown[] = []) => a.asOwner((tx) => tx.query(sql, [booking, ...params]));
    expect(await totalsOf(db(), a.workspaceId, x)).toEqual({ total_bookings: 6, total_calls: 0, total_spent: '100.00', last_contact: '2026-03-01T10:00:00Z' });

    await step(`update bookings set payment_status = 'paid' where id = $1`);
    expect(await totalsOf(db(), a.workspaceId, x)).toMatchObject({ total_bookings: 6, total_spent: '130.00' });

    await step(`update bookings set payment_amount = 45.50 where id = $1`);
    expect(await totalsOf(db(), a.workspaceId, x)).toMatchObject({ total_bookings: 6, total_spent: '145.50' });

    // Cancelled, it no longer counts as a booking; the money was paid, so it stays spent.
    await step(`update bookings set status = 'cancelled' where id = $1`);
    expect(await totalsOf(db(), a.workspaceId, x)).toMatchObject({ total_bookings: 5, total_spent: '145.50' });
    await step(`update bookings set status = 'confirmed' where id = $1`);
    expect(await totalsOf(db(), a.workspaceId, x)).toMatchObject({ total_bookings: 6, total_spent: '145.50' });

    // Re-pointed: x gets back exactly what it had, y gets the booking, both counted once.
    await step(`update bookings set contact_id = $2 where id = $1`, [y]);
    expect(await totalsOf(db(), a.workspaceId, x)).toEqual({ total_bookings: 5, total_calls: 0, total_spent: '100.00', last_contact: '2026-03-01T10:00:00Z' });
    expect(await totalsOf(db(), a.workspaceId, y)).toEqual({ total_bookings: 1, total_calls: 0, total_spent: '45.50', last_contact: '2026-03-01T10:00:00Z' });

    // Changes that do not touch the totals leave them, and last_contact never moves back.
    await step(`update bookings set notes = 'ring twice', created_at = '2025-12-01T00:00:00Z' where id = $1`);
    expect(await totalsOf(db(), a.workspaceId, y)).toEqual({ total_bookings: 1, total_calls: 0, total_spent: '45.50', last_contact: '2026-03-01T10:00:00Z' });

    await step(`update bookings set payment_status = 'failed' where id = $1`);
    expect(await totalsOf(db(), a.workspaceId, y)).toMatchObject({ total_bookings: 1, total_spent: '0.00' });
    await step(`update bookings set payment_status = 'paid' where id = $1`);
    await step(`delete from bookings where id = $1`);
    expect(await totalsOf(db(), a.workspaceId, y)).toEqual({ total_bookings: 0, total_calls: 0, total_spent: '0.00', last_contact: '2026-03-01T10:00:00Z' });

    // A booking made cancelled does not count, but it was a contact.
    await a.asOwner((tx) => newBooking(tx, { contactId: y, status: 'cancelled', at: '2026-04-01T09:00:00Z' }));
    expect(await totalsOf(db(), a.workspaceId, y)).toEqual({ total_bookings: 0, total_calls: 0, total_spent: '0.00', last_contact: '2026-04-01T09:00:00Z' });
    // A booking without a contact touches nobody.
    await a.asOwner((tx) => newBooking(tx, { contactId: null, paymentStatus: 'paid', amount: '10.00', at: '2026-04-02T09:00:00Z' }));
    expect(await totalsOf(db(), a.workspaceId, x)).toMatchObject({ total_bookings: 5, total_spent: '100.00' });
  });

  it('never takes a total below zero for rows it never counted', async () => {
    const { z, booking } = await a.asOwner(async (tx) => {
      const z = await newContact(tx, '+14165550203');
      const booking = await newBooking(tx, { contactId: z, paymentStatus: 'paid', amount: '20.00', at: '2026-03-01T10:00:00Z' });
      await newCall(tx, { contactId: z, at: '2026-03-01T10:00:00Z' });
      // As if the rows predated the triggers: the contact's totals never included them.
      await tx.query(`update contacts set total_bookings = 0, total_calls = 0, total_spent = 0 where id = $1`, [z]);
      return { z, booking };
    });
    await a.asOwner(async (tx) => {
      await tx.query(`update bookings set status = 'cancelled' where id = $1`, [booking]);
      await tx.query(`delete from bookings where id = $1`, [booking]);
      await tx.query(`delete from calls where contact_id = $1`, [z]);
    });
    expect(await totalsOf(db(), a.workspaceId, z)).toMatchObject({ total_bookings: 0, total_calls: 0, total_spent: '0.00' });
  });

  it('counts every call once, and moves it when it is re-pointed or deleted', async () => {
    const { x, y, call } = await a.asOwner(async (tx) => {
      const x = await newContact(tx, '+14165550204', { total_calls: 2 });
      const y = await newContact(tx, '+14165550205');
      const call = await newCall(tx, { contactId: x, status: 'in-progress', at: '2026-03-02T15:00:00Z' });
      return { x, y, call };
    });
    expect(await totalsOf(db(), a.workspaceId, x)).toEqual({ total_bookings: 0, total_calls: 3, total_spent: '0.00', last_contact: '2026-03-02T15:00:00Z' });
    // Ending the call (the end-of-call report updating its row) does not count it again.
    await a.asOwner((tx) => tx.query(`update calls set status = 'completed', duration = 185, cost = 0.42 where id = $1`, [call]));
    expect(await totalsOf(db(), a.workspaceId, x)).toMatchObject({ total_calls: 3 });
    await a.asOwner((tx) => tx.query(`update calls set contact_id = $2 where id = $1`, [call, y]));
    expect(await totalsOf(db(), a.workspaceId, x)).toMatchObject({ total_calls: 2 });
    expect(await totalsOf(db(), a.workspaceId, y)).toMatchObject({ total_calls: 1, last_contact: '2026-03-02T15:00:00Z' });
    await a.asOwner((tx) => tx.query(`delete from calls where id = $1`, [call]));
    expect(await totalsOf(db(), a.workspaceId, y)).toMatchObject({ total_calls: 0, last_contact: '2026-03-02T15:00:00Z' });
  });

  it("moves only the contact of the row's own workspace, even one with the same id elsewhere", async () => {
    const shared = newId();
    await a.asOwner((tx) => newContact(tx, '+14165550206', {}, shared));
    await b.asOwner(async (tx) => {
      await newContact(tx, '+14165550206', {}, shared);
      await newBooking(tx, { contactId: shared, paymentStatus: 'paid', amount: '12.00', at: '2026-03-03T10:00:00Z' });
      await newCall(tx, { contactId: shared, at: '2026-03-03T10:00:00Z' });
    });
    expect(await totalsOf(db(), b.workspaceId, shared)).toMatchObject({ total_bookings: 1, total_calls: 1, total_spent: '12.00' });
    expect(await totalsOf(db(), a.workspaceId, shared)).toEqual({ total_bookings: 0, total_calls: 0, total_spent: '0.00', last_contact: null });
  });

  it("keeps a guest's contact current though the guest may not update contacts", async () => {
    const token = newGuestToken();
    // Guests book only where the workspace has turned guest checkout on, and only as a hold.
    await a.asOwner((tx) => tx.query(`update workspaces set settings = settings || '{"scheduling": {"guest_checkout": true}}'::jsonb where id = $1`, [a.workspaceId]));
    const contact = await a.asOwner((tx) => newContact(tx, '+14165550207'));
    const session = await asAnon(
      db(),
      a.workspaceId,
      async (tx) => (await one<{ id: string }>(tx, `insert into guest_sessions (session_token, email, full_name) values ($1, 'g@example.com', 'G') returning id`, [token])).id,
      { guestToken: token },
    );
    await asAnon(
      db(),
      a.workspaceId,
      (tx) =>
        tx.query(
          `insert into bookings (workspace_id, customer_name, customer_phone, service_type, appointment_date, appointment_time, status, source, guest_session_id, contact_id, created_at, hold_expires_at)
           values ($1, 'G', '+14165550207', 'Cleaning', '2026-12-01', '10:00', 'pending_payment', 'web', $2, $3, '2026-03-04T10:00:00Z', '2026-03-04T10:30:00Z')`,
          [a.workspaceId, session, contact],
        ),
      { guestToken: token },
    );
    expect(await totalsOf(db(), a.workspaceId, contact)).toEqual({ total_bookings: 1, total_calls: 0, total_spent: '0.00', last_contact: '2026-03-04T10:00:00Z' });
    // The guest still cannot change contacts directly.
    await expect(asAnon(db(), a.workspaceId, (tx) => tx.query(`update contacts set total_bookings = 99`), { guestToken: token })).rejects.toMatchObject({ code: '42501' });
  });

  it("lets a member's bookings and calls move their contact's totals", async () => {
    const member = await addMember(db(), a.workspaceId, 'member');
    const contact = await asUser(db(), member, a.workspaceId, async (tx) => {
      const contact = await newContact(tx, '+14165550208');
      await newBooking(tx, { contactId: contact, paymentStatus: 'paid', amount: '9.99', at: '2026-03-05T10:00:00Z' });
      await newCall(tx, { contactId: contact, at: '2026-03-05T11:00:00Z' });
      return contact;
    });
    expect(await totalsOf(db(), a.workspaceId, contact)).toEqual({ total_bookings: 1, total_calls: 1, total_spent: '9.99', last_contact: '2026-03-05T11:00:00Z' });
  });

  it('keeps merged totals the sum of both contacts, and keeps counting afterwards', async () => {
    const r = await a.asOwner(async (tx) => {
      const keep = await newContact(tx, '+14165550209', { total_bookings: 1, total_calls: 2, total_spent: '100.50', last_contact: '2026-01-01T00:00:00Z' });
      const gone = await newContact(tx, '+14165550210', { total_bookings: 2, total_calls: 3, total_spent: '50.25', last_contact: '2026-02-01T00:00:00Z' });
      await newBooking(tx, { contactId: keep, paymentStatus: 'paid', amount: '10.00', at: '2026-03-01T00:00:00Z' });
      const goneBooking = await newBooking(tx, { contactId: gone, paymentStatus: 'paid', amount: '5.25', at: '2026-03-02T00:00:00Z' });
      await newBooking(tx, { contactId: gone, status: 'cancelled', at: '2026-03-03T00:00:00Z' });
      await newCall(tx, { contactId: gone, at: '2026-03-04T00:00:00Z' });
      return { keep, gone, goneBooking };
    });
    const before = { keep: await totalsOf(db(), a.workspaceId, r.keep), gone: await totalsOf(db(), a.workspaceId, r.gone) };
    expect(before).toEqual({
      keep: { total_bookings: 2, total_calls: 2, total_spent: '110.50', last_contact: '2026-03-01T00:00:00Z' },
      gone: { total_bookings: 3, total_calls: 4, total_spent: '55.50', last_contact: '2026-03-04T00:00:00Z' },
    });

    await a.asOwner((tx) => tx.query('select public.merge_contacts($1, $2)', [r.keep, r.gone]));
    // Moving the rows moved their shares onto keep, then the merge set keep to the snapshots' sum:
    // each row is counted once.
    expect(await totalsOf(db(), a.workspaceId, r.keep)).toEqual({ total_bookings: 5, total_calls: 6, total_spent: '166.00', last_contact: '2026-03-04T00:00:00Z' });
    const moved = await asService(db(), (tx) => rows(tx, 'select contact_id from bookings where workspace_id = $1 and id = $2', [a.workspaceId, r.goneBooking]));
    expect(moved).toEqual([{ contact_id: r.keep }]);

    // The moved booking now counts for keep.
    await a.asOwner((tx) => tx.query(`update bookings set status = 'cancelled', payment_status = 'failed' where id = $1`, [r.goneBooking]));
    expect(await totalsOf(db(), a.workspaceId, r.keep)).toMatchObject({ total_bookings: 4, total_calls: 6, total_spent: '160.75' });
  });

  it('lets a contact, and a whole workspace, be deleted with their bookings and calls', async () => {
    const c = await createWorkspace(db());
    const contact = await c.asOwner(async (tx) => {
      const contact = await newContact(tx, '+14165550211');
      const other = await newContact(tx, '+14165550212');
      await newBooking(tx, { contactId: contact, at: '2026-03-01T00:00:00Z' });
      await newCall(tx, { contactId: contact, at: '2026-03-01T00:00:00Z' });
      await newBooking(tx, { contactId: other, at: '2026-03-01T00:00:00Z' });
      await newCall(tx, { contactId: other, at: '2026-03-01T00:00:00Z' });
      return contact;
    });
    await c.asOwner((tx) => tx.query('delete from contacts where id = $1', [contact]));
    expect(await asService(db(), (tx) => rows(tx, 'select contact_id from bookings where workspace_id = $1 order by contact_id nulls first', [c.workspaceId]))).toHaveLength(2);
    await asService(db(), (tx) => tx.query('delete from workspaces where id = $1', [c.workspaceId]));
    expect(await asService(db(), (tx) => rows(tx, 'select id from contacts where workspace_id = $1', [c.workspaceId]))).toEqual([]);
  });
});

describeEachDatabase('0018: the daily analytics rollup', (db) => {
  // Toronto: EDT (UTC-4) from 2026-03-08 02:00; 2026-03-08 itself is 23 hours long.
  let a: WorkspaceFixture;
  let b: WorkspaceFixture;
  const roll = (ws: WorkspaceFixture, day: string, on = ws.workspaceId) =>
    ws.asOwner((tx) =>
      one<Record<string, unknown>>(
        tx,
        `select id, date, total_calls, successful_calls, failed_calls, total_bookings, total_sms, total_cost, conversion_rate
           from app.rollup_daily_analytics($1, $2::date, $3)`,
        [on, day, newId()],
      ),
    );
  const figures = ({ id: _id, ...rest }: Record<string, unknown>) => rest;

  beforeAll(async () => {
    a = await createWorkspace(db(), { timeZone: 'America/Toronto' });
    b = await createWorkspace(db(), { timeZone: 'Asia/Jakarta' });
    await a.asOwner(async (tx) => {
      // 2026-03-10 in Toronto is 04:00Z to 04:00Z the next day.
      await newCall(tx, { status: 'completed', cost: '0.42', at: '2026-03-10T04:00:00Z' }); // local midnight: the 10th
      await newCall(tx, { status: 'no-answer', cost: '0.00', at: '2026-03-10T15:00:00Z' });
      await newCall(tx, { status: 'in-progress', cost: '0.00', at: '2026-03-10T16:00:00Z' });
      await newCall(tx, { status: 'busy', cost: '0.10', at: '2026-03-11T03:59:59Z' }); // 23:59:59 local: still the 10th
      await newCall(tx, { status: 'failed', cost: '0.05', at: '2026-03-10T03:59:59Z' }); // 23:59:59 on the 9th
      await newBooking(tx, { contactId: null, at: '2026-03-10T13:00:00Z' });
      await newBooking(tx, { contactId: null, status: 'cancelled', at: '2026-03-10T14:00:00Z' });
      await newBooking(tx, { contactId: null, at: '2026-03-10T03:30:00Z' }); // the 9th
      await newSms(tx, { direction: 'inbound', cost: '0.01', at: '2026-03-10T12:00:00Z' });
      await newSms(tx, { direction: 'outbound', cost: '0.01', at: '2026-03-10T12:00:30Z' });
      await newSms(tx, { direction: 'outbound', cost: '0.01', at: '2026-03-11T04:00:00Z' }); // the 11th
      // The 23-hour day: 05:00Z to 04:00Z. A call at 04:30Z on the 9th is 00:30 on the 9th.
      await newCall(tx, { status: 'completed', at: '2026-03-08T05:00:00Z' });
      await newCall(tx, { status: 'completed', at: '2026-03-09T03:59:00Z' });
      await newCall(tx, { status: 'completed', at: '2026-03-09T04:30:00Z' });
      // More bookings than calls: conversion stops at 100.
      await newCall(tx, { status: 'completed', at: '2026-03-12T15:00:00Z' });
      for (let i = 0; i < 12; i++) await newBooking(tx, { contactId: null, at: '2026-03-12T16:00:00Z' });
      // Bookings without calls.
      await newBooking(tx, { contactId: null, at: '2026-03-13T16:00:00Z' });
      // A third.
      for (const at of ['2026-03-14T15:00:00Z', '2026-03-14T16:00:00Z', '2026-03-14T17:00:00Z']) await newCall(tx, { status: 'completed', at });
      await newBooking(tx, { contactId: null, at: '2026-03-14T16:00:00Z' });
    });
    // Another workspace's activity on the same instants is not a's.
    await b.asOwner(async (tx) => {
      await newCall(tx, { status: 'completed', cost: '9.00', at: '2026-03-10T15:00:00Z' });
      await newBooking(tx, { contactId: null, at: '2026-03-10T15:00:00Z' });
      await newSms(tx, { at: '2026-03-10T15:00:00Z' });
    });
  });

  it("adds up the workspace's local day: calls by outcome, bookings not cancelled, texts, cost and conversion", async () => {
    expect(figures(await roll(a, '2026-03-10'))).toEqual({
      date: '2026-03-10',
      total_calls: 4,
      successful_calls: 1,
      failed_calls: 2,
      total_bookings: 1,
      total_sms: 2,
      total_cost: '0.54',
      conversion_rate: '25.00',
    });
    // The call and the booking just before local midnight belong to the day before.
    expect(figures(await roll(a, '2026-03-09'))).toMatchObject({ total_calls: 2, successful_calls: 1, failed_calls: 1, total_bookings: 1, total_sms: 0, total_cost: '0.05', conversion_rate: '50.00' });
    expect(figures(await roll(a, '2026-03-11'))).toMatchObject({ total_calls: 0, total_bookings: 0, total_sms: 1, total_cost: '0.01', conversion_rate: '0.00' });
  });

  it('uses the local calendar on the day the clocks change, and rounds and caps the conversion rate', async () => {
    expect(await roll(a, '2026-03-08')).toMatchObject({ total_calls: 2, successful_calls: 2 });
    expect(await roll(a, '2026-03-12')).toMatchObject({ total_calls: 1, total_bookings: 12, conversion_rate: '100.00' });
    expect(await roll(a, '2026-03-13')).toMatchObject({ total_calls: 0, total_bookings: 1, conversion_rate: '0.00' });
    expect(await roll(a, '2026-03-14')).toMatchObject({ total_calls: 3, total_bookings: 1, conversion_rate: '33.33' });
    // A day without anything gets a row of zeros.
    expect(figures(await roll(a, '2026-02-01'))).toEqual({
      date: '2026-02-01',
      total_calls: 0,
      successful_calls: 0,
      failed_calls: 0,
      total_bookings: 0,
      total_sms: 0,
      total_cost: '0.00',
      conversion_rate: '0.00',
    });
  });

  it('replaces the figures when run again: one row per day, the same id, the new numbers', async () => {
    const first = await roll(a, '2026-03-10');
    const again = await roll(a, '2026-03-10');
    expect(again).toEqual(first);
    await a.asOwner((tx) => tx.query(`update bookings set status = 'cancelled' where created_at = '2026-03-10T13:00:00Z'`));
    await a.asOwner((tx) => tx.query(`update calls set status = 'completed' where created_at = '2026-03-10T16:00:00Z'`));
    const changed = await roll(a, '2026-03-10');
    expect(changed).toMatchObject({ id: first.id, total_calls: 4, successful_calls: 2, failed_calls: 2, total_bookings: 0, conversion_rate: '0.00' });
    const stored = await asService(db(), (tx) => rows(tx, `select id, total_bookings from analytics where workspace_id = $1 and date = '2026-03-10'`, [a.workspaceId]));
    expect(stored).toEqual([{ id: first.id, total_bookings: 0 }]);
  });

  it("reads the other workspace's day in its own zone, and refuses a workspace the caller is not in", async () => {
    // 15:00Z on the 10th is 22:00 in Jakarta.
    expect(await roll(b, '2026-03-10')).toMatchObject({ total_calls: 1, total_bookings: 1, total_sms: 1, total_cost: '9.00', conversion_rate: '100.00' });
    await expect(roll(a, '2026-03-10', b.workspaceId)).rejects.toMatchObject({ code: 'P0002' });
    const member = await addMember(db(), a.workspaceId, 'member');
    // A member may refresh their own workspace's figures (analytics writer rank 1).
    await expect(asUser(db(), member, a.workspaceId, (tx) => tx.query(`select app.rollup_daily_analytics($1, '2026-03-10')`, [a.workspaceId]))).resolves.toBeDefined();
    await expect(asAnon(db(), a.workspaceId, (tx) => tx.query(`select app.rollup_daily_analytics($1, '2026-03-10')`, [a.workspaceId]))).rejects.toMatchObject({ code: '42501' });
  });

  it('lists today and yesterday in each zone for the workspaces with recent activity', async () => {
    const quiet = await createWorkspace(db(), { timeZone: 'America/Toronto' });
    const due = async (now: string) =>
      (await asService(db(), (tx) => rows<{ workspace_id: string; day: string }>(tx, 'select workspace_id, day from app.analytics_days_due($1)', [now])))
        .filter((d) => [a.workspaceId, b.workspaceId, quiet.workspaceId].includes(d.workspace_id))
        .map((d) => [d.workspace_id === a.workspaceId ? 'a' : d.workspace_id === b.workspaceId ? 'b' : 'quiet', d.day])
        .sort();
    // 03:00Z on the 11th: 23:00 on the 10th in Toronto, 10:00 on the 11th in Jakarta.
    expect(await due('2026-03-11T03:00:00Z')).toEqual([
      ['a', '2026-03-09'],
      ['a', '2026-03-10'],
      ['b', '2026-03-10'],
      ['b', '2026-03-11'],
    ]);
    // Two days on, b's last activity is before yesterday; a's rows are the 14th (and analytics rows exist for a).
    expect(await due('2026-03-15T18:00:00Z')).toEqual([
      ['a', '2026-03-14'],
      ['a', '2026-03-15'],
    ]);
    // A workspace without activity whose day already has a row is re-rolled too: its rows may
    // have been deleted since, and the row must come back to zero.
    await quiet.asOwner((tx) => tx.query(`insert into analytics (date, total_calls) values ('2026-03-10', 3)`));
    expect((await due('2026-03-11T03:00:00Z')).filter(([who]) => who === 'quiet')).toEqual([
      ['quiet', '2026-03-09'],
      ['quiet', '2026-03-10'],
    ]);
    // Members see only their own workspace.
    const mine = await a.asOwner((tx) => rows<{ workspace_id: string }>(tx, 'select workspace_id from app.analytics_days_due($1)', ['2026-03-11T03:00:00Z']));
    expect(new Set(mine.map((d) => d.workspace_id))).toEqual(new Set([a.workspaceId]));
  });
});
