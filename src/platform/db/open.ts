import type { Database } from './database.ts';
import { openPglite } from './pglite.ts';
import { openPostgres } from './postgres.ts';

export interface DatabaseConfig {
  databaseUrl?: string | undefined;
  dataDir: string;
  owner?: string;
  /** DB_ACQUIRE_TIMEOUT_MS: how long a transaction waits for a connection before 503 db.unavailable. */
  acquireTimeoutMs?: number | undefined;
}

/** DATABASE_URL selects a PostgreSQL server; otherwise the embedded database in dataDir. */
export async function openDatabase(config: DatabaseConfig): Promise<Database> {
  const wait = config.acquireTimeoutMs !== undefined ? { acquireTimeoutMs: config.acquireTimeoutMs } : {};
  if (config.databaseUrl) return openPostgres(config.databaseUrl, wait);
  return openPglite({ dataDir: config.dataDir, ...(config.owner ? { owner: config.owner } : {}), ...wait });
}
