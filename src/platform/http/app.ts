import { Hono } from 'hono';
import { secureHeaders } from 'hono/secure-headers';
import type { Database } from '../db/database.ts';
import type { Logger } from '../log.ts';
import { version } from '../version.ts';
import { toHttpError } from './errors.ts';

export interface AppDeps {
  db: Database;
  log: Logger;
}

export function createApp({ db, log }: AppDeps) {
  const app = new Hono();
  app.use(secureHeaders());

  app.get('/health', async (c) => {
    try {
      await db.transaction((tx) => tx.query('select 1'));
      return c.json({ status: 'ok', version, database: db.kind });
    } catch (e) {
      log.error({ err: e }, 'health check failed');
      return c.json({ status: 'unavailable', version, database: db.kind }, 503);
    }
  });

  app.get('/version', (c) => c.json({ name: 'frontdesk', version }));

  app.notFound((c) => c.json({ error: { code: 'not_found', message: `no route for ${c.req.method} ${c.req.path}` } }, 404));
  app.onError((e, c) => {
    const { status, body, expected } = toHttpError(e);
    if (!expected) log.error({ err: e, path: c.req.path }, 'unhandled error');
    return c.json(body, status);
  });
  return app;
}
