// How the server serves the built staff app: index.html on the app's own paths, the hashed
// assets with a long cache, and nothing shadowing the API's JSON 404 or escaping web/dist.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { staffAppRoutes } from '../src/platform/http/staff-app.ts';

describe('serving the staff app', () => {
  const dist = mkdtempSync(join(tmpdir(), 'frontdesk-web-'));
  mkdirSync(join(dist, 'assets'));
  writeFileSync(join(dist, 'index.html'), '<!doctype html><div id="root"></div>');
  writeFileSync(join(dist, 'assets', 'index-abc123.js'), 'console.log(1)');
  writeFileSync(join(dist, 'secret.txt'), 'not an asset');
  const app = staffAppRoutes(dist);

  it('answers the app paths with index.html, never cached', async () => {
    for (const path of ['/', '/signin', '/inbox', '/inbox/0b7f0c1e-0000-4000-8000-000000000000', '/settings', '/account', '/invite', '/signup/confirm', '/calls', '/calls/0b7f0c1e-0000-4000-8000-000000000000']) {
      const res = await app.request(path);
      expect(res.status, path).toBe(200);
      expect(res.headers.get('cache-control')).toBe('no-cache');
      expect(await res.text()).toContain('<div id="root">');
    }
  });

  it('serves hashed assets with their type and an immutable cache', async () => {
    const res = await app.request('/assets/index-abc123.js');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(res.headers.get('cache-control')).toContain('immutable');
    expect(await res.text()).toBe('console.log(1)');
  });

  it('keeps requests inside dist/assets and leaves other paths alone', async () => {
    for (const path of ['/assets/..%2fsecret.txt', '/assets/%2e%2e/secret.txt', '/assets/missing.js']) {
      expect((await app.request(path)).status, path).toBe(404);
    }
    for (const path of ['/api/v1/nope', '/webhooks/whatsapp', '/health', '/pay/demo/x', '/webchat/widget.js']) {
      expect((await app.request(path)).status, path).toBe(404);
    }
  });

  it('says how to build it when it is not built', async () => {
    const res = await staffAppRoutes(join(dist, 'nothing-here')).request('/inbox');
    expect(res.status).toBe(503);
    expect(await res.text()).toContain('npm run build:web');
  });
});
