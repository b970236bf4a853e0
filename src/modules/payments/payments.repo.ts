import { sql, type Insertable, type Selectable, type Updateable } from 'kysely';
import type { Tx } from '../../platform/db/database.ts';
import type { AriPayments } from '../../platform/db/schema.ts';
import type { Payment } from './payments.schema.ts';
import type { PaymentStatus } from './status.ts';

const COLUMNS = [
  'id', 'gateway_transaction_id', 'status', 'amount', 'currency', 'payment_method', 'gateway', 'appointment_id', 'booking_id',
  'ari_conversation_id', 'description', 'snap_token', 'client_secret', 'gateway_status', 'captured_at', 'released_at', 'redirect_url', 'held_at', 'expires_at', 'paid_at', 'gateway_response',
  'created_at', 'updated_at',
] as const;

type Row = Pick<Selectable<AriPayments>, (typeof COLUMNS)[number]>;

const toPayment = ({ gateway_transaction_id, ...r }: Row): Payment => ({
  ...r,
  order_id: gateway_transaction_id,
  status: r.status as PaymentStatus,
  gateway_response: r.gateway_response as Record<string, unknown> | null,
});

export async function insertPayment(tx: Tx, values: Insertable<AriPayments>): Promise<Payment> {
  return toPayment(await tx.db.insertInto('ari_payments').values(values).returning(COLUMNS).executeTakeFirstOrThrow());
}

export async function findPayment(tx: Tx, ws: string, id: string, o: { lock?: boolean } = {}): Promise<Payment | undefined> {
  let q = tx.db.selectFrom('ari_payments').select(COLUMNS).where('workspace_id', '=', ws).where('id', '=', id);
  if (o.lock) q = q.forUpdate();
  const row = await q.executeTakeFirst();
  return row && toPayment(row);
}

export async function updatePayment(tx: Tx, ws: string, id: string, patch: Updateable<AriPayments>): Promise<Payment> {
  return toPayment(
    await tx.db.updateTable('ari_payments').set(patch).where('workspace_id', '=', ws).where('id', '=', id).returning(COLUMNS).executeTakeFirstOrThrow(),
  );
}

export async function listPayments(
  tx: Tx,
  ws: string,
  f: { status?: string | undefined; appointmentId?: string | undefined; bookingId?: string | undefined; ariConversationId?: string | undefined; cursor?: string | undefined; limit: number },
): Promise<Payment[]> {
  let q = tx.db.selectFrom('ari_payments').select(COLUMNS).where('workspace_id', '=', ws);
  if (f.status) q = q.where('status', '=', f.status);
  if (f.appointmentId) q = q.where('appointment_id', '=', f.appointmentId);
  if (f.bookingId) q = q.where('booking_id', '=', f.bookingId);
  if (f.ariConversationId) q = q.where('ari_conversation_id', '=', f.ariConversationId);
  if (f.cursor) q = q.where('id', '<', f.cursor);
  const rows = await q.orderBy('id', 'desc').limit(f.limit + 1).execute();
  return rows.map(toPayment);
}

type Target = { appointmentId: string } | { bookingId: string };

const forTarget = (t: Target) => ('appointmentId' in t ? (['appointment_id', t.appointmentId] as const) : (['booking_id', t.bookingId] as const));

/** Pending links of the target whose time is up, which the expiry job has not reached yet. */
export async function expireLapsedFor(tx: Tx, ws: string, target: Target, now: Date): Promise<void> {
  const [column, id] = forTarget(target);
  await tx.db
    .updateTable('ari_payments')
    .set({ status: 'expired' })
    .where('workspace_id', '=', ws)
    .where(column, '=', id)
    .where('status', '=', 'pending')
    .where('held_at', 'is', null)
    .where('expires_at', '<=', now)
    .execute();
}

/** A payment of the target that is paid, or still open: pending, and held or not yet run out. */
export async function findLivePayment(tx: Tx, ws: string, target: Target, now: Date): Promise<{ id: string; status: string } | undefined> {
  const [column, id] = forTarget(target);
  return tx.db
    .selectFrom('ari_payments')
    .select(['id', 'status'])
    .where('workspace_id', '=', ws)
    .where(column, '=', id)
    .where((eb) =>
      eb.or([
        eb('status', '=', 'success'),
        eb.and([eb('status', '=', 'pending'), eb.or([eb('held_at', 'is not', null), eb('expires_at', 'is', null), eb('expires_at', '>', now)])]),
      ]),
    )
    .orderBy('id', 'desc')
    .executeTakeFirst();
}

/** Every pending payment past its deadline, in all workspaces (the expiry job, as the service role). */
/** Pending payments whose link has run out, in every workspace (read as the service role). */
export async function dueToExpire(tx: Tx, now: Date): Promise<{ workspace_id: string; id: string }[]> {
  return tx.db
    .selectFrom('ari_payments')
    .select(['workspace_id', 'id'])
    .where('status', '=', 'pending')
    .where('held_at', 'is', null)
    .where('expires_at', '<=', now)
    .orderBy('expires_at')
    .execute();
}

// What a payment is for ----------------------------------------------------------------------
// The appointment or booking being paid and its payer come from scheduling and contacts; the
// effects of a payment on them are written by the database (0012's ari_payments_effects).

export interface Payer {
  name: string | null;
  email: string | null;
  phone: string | null;
}

/** The contact's assistant record, created when it has none (app.ensure_ari_conversation). */
export async function ensureAriConversation(tx: Tx, contactId: string): Promise<string> {
  const { rows } = await sql<{ id: string }>`select app.ensure_ari_conversation(${contactId}) as id`.execute(tx.db);
  return rows[0]!.id;
}

/** The assistant's state for the conversation a payment belongs to. */
export async function assistantStateOf(tx: Tx, ws: string, ariConversationId: string): Promise<string | null> {
  const row = await tx.db.selectFrom('ari_conversations').select('state').where('workspace_id', '=', ws).where('id', '=', ariConversationId).executeTakeFirst();
  return row?.state ?? null;
}

/** The contact's newest pending payment on `gateway`, locked. */
export async function newestPendingPaymentOf(tx: Tx, ws: string, contactId: string, gateway: string): Promise<Payment | undefined> {
  const row = await tx.db
    .selectFrom('ari_payments as p')
    .innerJoin('ari_conversations as ac', (j) => j.onRef('ac.workspace_id', '=', 'p.workspace_id').onRef('ac.id', '=', 'p.ari_conversation_id'))
    .select(COLUMNS.map((c) => `p.${c}` as const))
    .where('p.workspace_id', '=', ws)
    .where('ac.contact_id', '=', contactId)
    .where('p.gateway', '=', gateway)
    .where('p.status', '=', 'pending')
    .orderBy('p.created_at', 'desc')
    .orderBy('p.id', 'desc')
    // The payment only: the assistant's record is the payment listener's to lock.
    .modifyEnd(sql`for update of p`)
    .executeTakeFirst();
  return row && toPayment(row);
}

// Stripe holds -------------------------------------------------------------------------------

/**
 * Inserts the payment unless a row already holds its id, its gateway transaction id or the
 * target's one pending place: the create call and a webhook that arrives before it was stored
 * may both insert the same PaymentIntent, and the second finds the first's row.
 */
export async function insertPaymentIfAbsent(tx: Tx, values: Insertable<AriPayments>): Promise<void> {
  await tx.db.insertInto('ari_payments').values(values).onConflict((oc) => oc.doNothing()).execute();
}

export async function findByGatewayTransaction(tx: Tx, ws: string, gateway: string, transactionId: string, o: { lock?: boolean } = {}): Promise<Payment | undefined> {
  let q = tx.db.selectFrom('ari_payments').select(COLUMNS).where('workspace_id', '=', ws).where('gateway', '=', gateway).where('gateway_transaction_id', '=', transactionId);
  if (o.lock) q = q.forUpdate();
  const row = await q.executeTakeFirst();
  return row && toPayment(row);
}

/** How many payments on `gateway` the target has had: the attempt number in an idempotency key. */
export async function countPaymentsFor(tx: Tx, ws: string, target: Target, gateway: string): Promise<number> {
  const [column, id] = forTarget(target);
  const row = await tx.db
    .selectFrom('ari_payments')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('workspace_id', '=', ws)
    .where(column, '=', id)
    .where('gateway', '=', gateway)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** The booking's pending payments on `gateway`, locked, oldest first. */
export async function pendingPaymentsOfBooking(tx: Tx, ws: string, bookingId: string, gateway: string): Promise<Payment[]> {
  const rows = await tx.db
    .selectFrom('ari_payments')
    .select(COLUMNS)
    .where('workspace_id', '=', ws)
    .where('booking_id', '=', bookingId)
    .where('gateway', '=', gateway)
    .where('status', '=', 'pending')
    .orderBy('id')
    .forUpdate()
    .execute();
  return rows.map(toPayment);
}

/** Every booking with an open payment on `gateway`, in all workspaces (read as the service role). */
export async function openBookingPayments(tx: Tx, gateway: string): Promise<{ workspace_id: string; booking_id: string }[]> {
  const rows = await tx.db
    .selectFrom('ari_payments')
    .select(['workspace_id', 'booking_id'])
    .distinct()
    .where('gateway', '=', gateway)
    .where('status', '=', 'pending')
    .where('booking_id', 'is not', null)
    .execute();
  return rows.map((r) => ({ workspace_id: r.workspace_id, booking_id: r.booking_id! }));
}
