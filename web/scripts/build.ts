// Builds the staff app into web/dist when its sources changed since the last build (or
// always with --force). `npm start` runs it first (prestart) and the browser tests call
// ensureStaffAppBuilt(), so users and tests get the same files and nobody builds by hand.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

export const WEB_DIR = join(dirname(fileURLToPath(import.meta.url)), '..');
export const DIST_DIR = join(WEB_DIR, 'dist');
const STAMP = '.source-hash';

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    return e.isDirectory() ? files(p) : [p];
  });
}

/** A hash of everything the build reads from web/ (sources, page, config, the locked dependencies). */
export function sourceHash(): string {
  const inputs = [
    ...files(join(WEB_DIR, 'src')),
    join(WEB_DIR, 'index.html'),
    join(WEB_DIR, 'vite.config.ts'),
    join(WEB_DIR, '..', 'package-lock.json'),
  ].filter((p) => existsSync(p) && statSync(p).isFile()).sort();
  const h = createHash('sha256');
  for (const p of inputs) h.update(relative(WEB_DIR, p)).update('\0').update(readFileSync(p)).update('\0');
  return h.digest('hex');
}

export function isStaffAppBuilt(): boolean {
  const stamp = join(DIST_DIR, STAMP);
  return existsSync(join(DIST_DIR, 'index.html')) && existsSync(stamp) && readFileSync(stamp, 'utf8') === sourceHash();
}

/** Builds into a fresh directory and swaps it in, so a running server never sees half a build. */
export async function buildStaffApp(): Promise<void> {
  const { build } = await import('vite');
  const hash = sourceHash();
  const out = join(WEB_DIR, `dist.tmp-${process.pid}`);
  // Under vitest NODE_ENV is "test", which would give React's development build: users and
  // tests must get the same production files.
  const nodeEnv = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  try {
    await build({ root: WEB_DIR, configFile: join(WEB_DIR, 'vite.config.ts'), mode: 'production', build: { outDir: out, emptyOutDir: true }, logLevel: 'warn' });
  } finally {
    if (nodeEnv === undefined) delete process.env.NODE_ENV;
    else process.env.NODE_ENV = nodeEnv;
  }
  writeFileSync(join(out, STAMP), hash);
  const old = join(WEB_DIR, `dist.old-${process.pid}`);
  if (existsSync(DIST_DIR)) renameSync(DIST_DIR, old);
  renameSync(out, DIST_DIR);
  rmSync(old, { recursive: true, force: true });
}

export async function ensureStaffAppBuilt(): Promise<void> {
  if (!isStaffAppBuilt()) await buildStaffApp();
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const force = process.argv.includes('--force');
  if (force || !isStaffAppBuilt()) {
    const started = Date.now();
    await buildStaffApp();
    console.log(`staff app built into ${relative(process.cwd(), DIST_DIR) || DIST_DIR} in ${Date.now() - started} ms`);
  }
}
