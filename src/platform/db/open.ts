import type { Database } from './database.ts';
import { openPglite } from './pglite.ts';
import { openPostgres } from './postgres.ts';

export interface DatabaseConfig {
  databaseUrl?: string | undefined;
  dataDir: string;
  owner?: string;
}

/** DATABASE_URL selects a PostgreSQL server; otherwise the embedded database in dataDir. */
export async function openDatabase(config: DatabaseConfig): Promise<Database> {
  if (config.databaseUrl) return openPostgres(config.databaseUrl);
  return openPglite({ dataDir: config.dataDir, ...(config.owner ? { owner: config.owner } : {}) });
}
