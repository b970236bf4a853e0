import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { start } from './main.ts';
import { loadConfig } from './platform/config.ts';
import { silentLogger } from './platform/log.ts';
import { withServiceRole } from './platform/db/tenant.ts';

it('starts on a fresh embedded database with the demo workspaces, answers /health, and stops cleanly', { timeout: 120_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'frontdesk-start-'));
  try {
    const config = loadConfig({ FRONTDESK_DATA_DIR: dir, PORT: '0', DATABASE_URL: '' });
    const running = await start(config, silentLogger());
    try {
      const res = await fetch(`${running.url}/health`);
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ status: 'ok', version: expect.any(String), database: 'pglite' });
      const slugs = await withServiceRole(running.db, async (tx) =>
        (await tx.query<{ slug: string }>('select slug from workspaces order by slug')).rows.map((r) => r.slug),
      );
      expect(slugs).toEqual(['1stoplaundry', 'casa-limpia', 'eagle-overseas']);
      const missing = await fetch(`${running.url}/nope`);
      expect(missing.status).toBe(404);
      expect(await missing.json()).toEqual({ error: { code: 'not_found', message: 'no route for GET /nope' } });
    } finally {
      await running.close();
    }
    // A second start on the same directory finds it migrated and does not seed again.
    const again = await start(config, silentLogger());
    try {
      const n = await withServiceRole(again.db, async (tx) => (await tx.query<{ n: number }>('select count(*)::int8 as n from workspaces')).rows[0]!.n);
      expect(n).toBe(3);
    } finally {
      await again.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

it('lists every configuration problem at once', () => {
  expect(() => loadConfig({ PORT: 'eighty', DATABASE_URL: 'mysql://x', LOG_LEVEL: 'loud' })).toThrow(
    /PORT[\s\S]*DATABASE_URL[\s\S]*LOG_LEVEL/,
  );
});
