import type { Tx } from './database.ts';
import { newId } from '../ids.ts';

/**
 * The integrations table (0012): one row per workspace and provider, with the provider's
 * settings and its secrets sealed by the SecretBox. Payments keep Midtrans here and channels
 * keep WhatsApp, Twilio, Vapi and web chat, the same way.
 */
export interface IntegrationRow {
  id: string;
  workspace_id: string;
  provider: string;
  provider_account_id: string | null;
  settings: Record<string, unknown>;
  /** Sealed by the SecretBox; open it only to call the provider or check its signatures. */
  secrets: string | null;
  created_at: Date;
  updated_at: Date;
}

const COLUMNS = ['id', 'workspace_id', 'provider', 'provider_account_id', 'settings', 'secrets', 'created_at', 'updated_at'] as const;

export async function findIntegration(tx: Tx, ws: string, provider: string): Promise<IntegrationRow | undefined> {
  const row = await tx.db.selectFrom('integrations').select(COLUMNS).where('workspace_id', '=', ws).where('provider', '=', provider).executeTakeFirst();
  return row as IntegrationRow | undefined;
}

export async function listIntegrations(tx: Tx, ws: string, providers: readonly string[]): Promise<IntegrationRow[]> {
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
  provider: string,
  values: { settings: Record<string, unknown>; secrets: string | null; provider_account_id: string | null },
): Promise<IntegrationRow> {
  const columns = { settings: JSON.stringify(values.settings), secrets: values.secrets, provider_account_id: values.provider_account_id };
  const row = await tx.db
    .insertInto('integrations')
    .values({ id: newId(), workspace_id: ws, provider, ...columns })
    .onConflict((oc) => oc.columns(['workspace_id', 'provider']).doUpdateSet(columns))
    .returning(COLUMNS)
    .executeTakeFirstOrThrow();
  return row as IntegrationRow;
}
