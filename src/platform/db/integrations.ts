import { sql } from 'kysely';
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

/** Service role only: the workspaces whose `provider` settings hold `value` under `key` (a webhook names no workspace). */
export async function workspacesWithSetting(tx: Tx, provider: string, key: string, value: string): Promise<string[]> {
  const rows = await tx.db
    .selectFrom('integrations')
    .select('workspace_id')
    .where('provider', '=', provider)
    .where(sql<string>`settings->>${key}`, '=', value)
    .execute();
  return rows.map((r) => r.workspace_id);
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

/**
 * What the setup screens show about a provider's webhooks (integration_webhooks, 0030): when
 * one last verified, and when one was last refused and why. Written as the workspace's system
 * actor. To the minute: a stamp less than a minute old is not written again, so a busy
 * channel reads the row and moves on instead of every delivery locking it.
 */
export interface WebhookStatus {
  last_verified_at: Date | null;
  last_refused_at: Date | null;
  last_refused_reason: string | null;
}

const STAMP_EVERY_MS = 60_000;

export async function webhookStatuses(tx: Tx, ws: string, providers: readonly string[]): Promise<Map<string, WebhookStatus>> {
  if (providers.length === 0) return new Map();
  const rows = await tx.db
    .selectFrom('integration_webhooks')
    .select(['provider', 'last_verified_at', 'last_refused_at', 'last_refused_reason'])
    .where('workspace_id', '=', ws)
    .where('provider', 'in', [...providers])
    .execute();
  return new Map(rows.map(({ provider, ...s }) => [provider, s]));
}

export const NO_WEBHOOK: WebhookStatus = { last_verified_at: null, last_refused_at: null, last_refused_reason: null };

/** A webhook for the workspace's account arrived and its signature or secret held. */
export async function recordWebhookVerified(tx: Tx, ws: string, provider: string, at: Date): Promise<void> {
  const current = (await webhookStatuses(tx, ws, [provider])).get(provider);
  if (current?.last_verified_at && at.getTime() - current.last_verified_at.getTime() < STAMP_EVERY_MS) return;
  await tx.db
    .insertInto('integration_webhooks')
    .values({ workspace_id: ws, provider, last_verified_at: at })
    .onConflict((oc) => oc.columns(['workspace_id', 'provider']).doUpdateSet({ last_verified_at: at }))
    .execute();
}

/** A webhook naming the workspace's account arrived with a signature or secret that did not hold. */
export async function recordWebhookRefused(tx: Tx, ws: string, provider: string, reason: string, at: Date): Promise<void> {
  const current = (await webhookStatuses(tx, ws, [provider])).get(provider);
  const why = reason.slice(0, 200);
  if (current?.last_refused_at && current.last_refused_reason === why && at.getTime() - current.last_refused_at.getTime() < STAMP_EVERY_MS) return;
  await tx.db
    .insertInto('integration_webhooks')
    .values({ workspace_id: ws, provider, last_refused_at: at, last_refused_reason: why })
    .onConflict((oc) => oc.columns(['workspace_id', 'provider']).doUpdateSet({ last_refused_at: at, last_refused_reason: why }))
    .execute();
}
