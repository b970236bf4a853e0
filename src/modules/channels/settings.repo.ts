import { sql } from 'kysely';
import type { Tx } from '../../platform/db/database.ts';
import { newId } from '../../platform/ids.ts';
import type { ChannelProvider } from './settings.schema.ts';

/** A row of integrations (0012), the table payments keeps Midtrans in. */
export interface IntegrationRow {
  workspace_id: string;
  provider: string;
  settings: Record<string, unknown>;
  /** Sealed by the SecretBox. */
  secrets: string | null;
  created_at: Date;
  updated_at: Date;
}

const COLUMNS = ['workspace_id', 'provider', 'settings', 'secrets', 'created_at', 'updated_at'] as const;

export async function findIntegration(tx: Tx, ws: string, provider: ChannelProvider): Promise<IntegrationRow | undefined> {
  const row = await tx.db.selectFrom('integrations').select(COLUMNS).where('workspace_id', '=', ws).where('provider', '=', provider).executeTakeFirst();
  return row as IntegrationRow | undefined;
}

export async function listIntegrations(tx: Tx, ws: string, providers: readonly ChannelProvider[]): Promise<IntegrationRow[]> {
  const rows = await tx.db
    .selectFrom('integrations')
    .select(COLUMNS)
    .where('workspace_id', '=', ws)
    .where('provider', 'in', [...providers])
    .orderBy('provider')
    .execute();
  return rows as IntegrationRow[];
}

export async function saveIntegration(
  tx: Tx,
  ws: string,
  provider: ChannelProvider,
  values: { settings: object; secrets: string | null; accountId: string | null },
): Promise<IntegrationRow> {
  const columns = { settings: JSON.stringify(values.settings), secrets: values.secrets, provider_account_id: values.accountId };
  const row = await tx.db
    .insertInto('integrations')
    .values({ id: newId(), workspace_id: ws, provider, ...columns })
    .onConflict((oc) => oc.columns(['workspace_id', 'provider']).doUpdateSet(columns))
    .returning(COLUMNS)
    .executeTakeFirstOrThrow();
  return row as IntegrationRow;
}

/** The ids among `ids` that another workspace has connected (see app.channel_accounts_taken). */
export async function accountsTakenElsewhere(tx: Tx, provider: ChannelProvider, ids: string[]): Promise<string[]> {
  if (ids.length === 0) return [];
  const { rows } = await tx.query<{ id: string }>('select app.channel_accounts_taken($1, $2::text[]) as id', [provider, ids]);
  return rows.map((r) => r.id);
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

/** Service role only: the workspaces whose WhatsApp verify token hashes to this. */
export async function workspacesWithVerifyToken(tx: Tx, tokenSha256: string): Promise<string[]> {
  const rows = await tx.db
    .selectFrom('integrations')
    .select('workspace_id')
    .where('provider', '=', 'whatsapp')
    .where(sql<string>`settings->>'verify_token_sha256'`, '=', tokenSha256)
    .execute();
  return rows.map((r) => r.workspace_id);
}
