import { sql } from 'kysely';
import type { Tx } from '../../../platform/db/database.ts';
import type { ChannelProvider } from './settings.schema.ts';

/** The ids among `ids` that another workspace has connected (see app.channel_accounts_taken). */
export async function accountsTakenElsewhere(tx: Tx, provider: ChannelProvider, ids: string[]): Promise<string[]> {
  if (ids.length === 0) return [];
  const { rows } = await tx.query<{ id: string }>('select app.channel_accounts_taken($1, $2::text[]) as id', [provider, ids]);
  return rows.map((r) => r.id);
}

/** The ids this workspace has bound for the provider. */
export async function accountsOf(tx: Tx, ws: string, provider: ChannelProvider): Promise<string[]> {
  const rows = await tx.db.selectFrom('channel_accounts').select('account_id').where('workspace_id', '=', ws).where('provider', '=', provider).execute();
  return rows.map((r) => r.account_id);
}

export async function replaceAccounts(tx: Tx, ws: string, provider: ChannelProvider, ids: string[]): Promise<void> {
  await tx.db.deleteFrom('channel_accounts').where('workspace_id', '=', ws).where('provider', '=', provider).execute();
  if (ids.length) {
    await tx.db.insertInto('channel_accounts').values(ids.map((account_id) => ({ workspace_id: ws, provider, account_id }))).execute();
  }
}

/** Service role only: the workspace that connected this provider id. */
export async function workspaceOfAccount(tx: Tx, provider: ChannelProvider, accountId: string): Promise<string | undefined> {
  const row = await tx.db
    .selectFrom('channel_accounts')
    .select('workspace_id')
    .where('provider', '=', provider)
    .where('account_id', '=', accountId)
    .executeTakeFirst();
  return row?.workspace_id;
}

