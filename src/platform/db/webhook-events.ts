import type { Tx } from './database.ts';

/**
 * The provider events already handled (webhook_events, 0012): one row per workspace, provider
 * and event key, so a redelivered webhook (Midtrans, Twilio's status callbacks, Vapi) changes
 * nothing. Recorded in the transaction that applies the event, so the two commit together.
 */

/** Records the event; false when it was recorded before (a redelivery). */
export async function recordWebhookEvent(tx: Tx, ws: string, provider: string, eventKey: string, payload: unknown, at: Date): Promise<boolean> {
  const row = await tx.db
    .insertInto('webhook_events')
    .values({ workspace_id: ws, provider, event_key: eventKey, payload: JSON.stringify(payload), received_at: at })
    .onConflict((oc) => oc.columns(['workspace_id', 'provider', 'event_key']).doNothing())
    .returning('event_key')
    .executeTakeFirst();
  return row !== undefined;
}

/** What was recorded for an event handled before (Vapi answers a repeated tool call with it), if it was. */
export async function findWebhookEvent(tx: Tx, ws: string, provider: string, eventKey: string): Promise<{ payload: unknown } | undefined> {
  return tx.db
    .selectFrom('webhook_events')
    .select('payload')
    .where('workspace_id', '=', ws)
    .where('provider', '=', provider)
    .where('event_key', '=', eventKey)
    .executeTakeFirst();
}
