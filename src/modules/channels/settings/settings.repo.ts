import { sql } from 'kysely';
import type { Tx } from '../../../platform/db/database.ts';
import type { ChannelProvider } from './settings.schema.ts';

/** The ids among `ids` that another workspace has bound, verified (see app.channel_accounts_taken). */
export async function accountsTakenElsewhere(tx: Tx, provider: ChannelProvider, ids: string[]): Promise<string[]> {
  if (ids.length === 0) return [];
  const { rows } = await tx.query<{ id: string }>('select app.channel_accounts_taken($1, $2::text[]) as id', [provider, ids]);
  return rows.map((r) => r.id);
}

/**
 * Binding an id is decided one at a time per provider (a save's taken check and a WhatsApp
 * verification both read, then write): held to the end of the transaction, and binding is rare.
 */
export async function lockBinding(tx: Tx, provider: ChannelProvider): Promise<void> {
  await tx.query('select pg_advisory_xact_lock(hashtextextended($1, 0))', [`frontdesk.channel_accounts:${provider}`]);
}

/** The ids this workspace has for the provider, and whether each is verified (bound) or pending. */
export async function accountsOf(tx: Tx, ws: string, provider: ChannelProvider): Promise<Map<string, boolean>> {
  const rows = await tx.db.selectFrom('channel_accounts').select(['account_id', 'verified_at']).where('workspace_id', '=', ws).where('provider', '=', provider).execute();
  return new Map(rows.map((r) => [r.account_id, r.verified_at !== null]));
}

/**
 * The workspace's ids for the provider become `ids`: ids it keeps keep their state, new ones
 * are verified at `verifiedAt` or, when null, pending until verified (verifyPendingAccounts).
 */
export async function replaceAccounts(tx: Tx, ws: string, provider: ChannelProvider, ids: string[], verifiedAt: Date | null): Promise<void> {
  let gone = tx.db.deleteFrom('channel_accounts').where('workspace_id', '=', ws).where('provider', '=', provider);
  if (ids.length) gone = gone.where('account_id', 'not in', ids);
  await gone.execute();
  if (ids.length) {
    await tx.db
      .insertInto('channel_accounts')
      .values(ids.map((account_id) => ({ workspace_id: ws, provider, account_id, verified_at: verifiedAt })))
      .onConflict((oc) => oc.columns(['workspace_id', 'provider', 'account_id']).doNothing())
      .execute();
  }
}

/**
 * Service role: the workspace's pending ids for the provider become verified at `now`, except
 * an id another workspace has verified meanwhile (it stays pending). The ids verified.
 */
export async function verifyPendingAccounts(tx: Tx, ws: string, provider: ChannelProvider, now: Date): Promise<string[]> {
  const { rows } = await sql<{ account_id: string }>`
    update public.channel_accounts a set verified_at = ${now}::timestamptz
     where a.workspace_id = ${ws}::uuid and a.provider = ${provider} and a.verified_at is null
       and not exists (select 1 from public.channel_accounts o
                        where o.provider = a.provider and o.account_id = a.account_id
                          and o.workspace_id <> a.workspace_id and o.verified_at is not null)
    returning a.account_id`.execute(tx.db);
  return rows.map((r) => r.account_id);
}

/** Service role only: the workspace that bound this provider id (verified; a pending claim routes nothing). */
export async function workspaceOfAccount(tx: Tx, provider: ChannelProvider, accountId: string): Promise<string | undefined> {
  const row = await tx.db
    .selectFrom('channel_accounts')
    .select('workspace_id')
    .where('provider', '=', provider)
    .where('account_id', '=', accountId)
    .where('verified_at', 'is not', null)
    .executeTakeFirst();
  return row?.workspace_id;
}
