import { existsSync, readFileSync, statSync } from 'node:fs';
import { extname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRouter } from './router.ts';

/** Where `npm run build:web` (and `npm start` before serving) writes the staff app. */
export const STAFF_APP_DIST = fileURLToPath(new URL('../../../web/dist', import.meta.url));

/**
 * The staff app's own paths: each answers with index.html and the app routes itself. Listed
 * rather than caught-all so that a mistyped /api or /webhooks path still gets the API's JSON
 * 404, and nothing the server already answers (/health, /webchat, /pay, /docs) is shadowed.
 */
export const STAFF_APP_PATHS = [
  '/',
  '/signin',
  '/invite',
  '/signup/confirm',
  '/reset-password',
  '/inbox',
  '/inbox/*',
  '/settings',
  '/settings/*',
  '/account',
  '/contacts',
  '/contacts/*',
  '/knowledge',
  '/knowledge/*',
  '/calendar',
  '/content',
  '/calls',
  '/calls/*',
  '/reports',
  '/channels',
  '/mentions',
  '/webhooks',
];

const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
  '.map': 'application/json',
};

const NOT_BUILT = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Frontdesk</title></head><body>
<h1>The staff app is not built</h1><p><code>npm start</code> builds it before serving; when running the server some other way, run <code>npm run build:web</code> once.</p>
<p>The API is here all the same: <a href="/docs">/docs</a>.</p></body></html>`;

/** Serves the built staff app: index.html on the app's paths, the hashed files under /assets. */
export function staffAppRoutes(distDir: string = STAFF_APP_DIST) {
  const r = createRouter();
  const root = resolve(distDir);
  const assets = join(root, 'assets');

  r.get('/assets/*', (c) => {
    const file = resolve(root, `.${decodeURIComponent(c.req.path)}`);
    // resolve() folds any ../ away; what is left must still be inside dist/assets.
    if (!file.startsWith(assets + sep) || !existsSync(file) || !statSync(file).isFile()) {
      return c.json({ error: { code: 'not_found', message: `no file ${c.req.path}` } }, 404);
    }
    c.header('content-type', TYPES[extname(file)] ?? 'application/octet-stream');
    // Vite names every asset by its content hash: a changed file is a new name.
    c.header('cache-control', 'public, max-age=31536000, immutable');
    return c.body(readFileSync(file));
  });

  for (const path of STAFF_APP_PATHS) {
    r.get(path, (c) => {
      const index = join(root, 'index.html');
      c.header('cache-control', 'no-cache');
      if (!existsSync(index)) return c.html(NOT_BUILT, 503);
      return c.html(readFileSync(index, 'utf8'));
    });
  }
  return r;
}
