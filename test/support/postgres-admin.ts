import pg from 'pg';

/** Runs `fn` on a plain connection to the database in `url` (for CREATE/DROP DATABASE). */
export async function withDatabase<T>(url: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

export function templateName(): string {
  return `frontdesk_tpl_${process.pid}`;
}

export function urlFor(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}
