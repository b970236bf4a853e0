/**
 * The staff app as its users meet it: how much JavaScript and CSS the first screen loads, raw
 * and compressed (gzip level 9 and brotli quality 11), and how soon the inbox with 10,000
 * conversations and the contacts table with 100,000 contacts are usable in Chromium, against
 * the real server on PostgreSQL.
 *
 *   BENCH_DATABASE_URL=postgres://... npx tsx bench/app.ts     (or TEST_DATABASE_URL; else PGlite)
 *
 * Budgets (issue 12): first-load JavaScript at most 250 KB compressed; inbox and contacts
 * usable within 1 s. "Usable" here: from the navigation's start until the first rows of the
 * list are on screen and the first one answers a click (the thread or contact opens), with
 * the app's files already cached (a person opening the app a second time) and cold (empty
 * cache). Each figure is the median of BENCH_RUNS (5) runs. The database is fresh: a scratch
 * database created for the run and dropped at the end. Chromium is Debian's (CHROMIUM_PATH).
 */
import { serve, type ServerType } from '@hono/node-server';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { chromium, type BrowserContext } from 'playwright-core';
import { DEMO_PASSWORD, seedDemo } from '../src/apps/demo.ts';
import { createServerApp } from '../src/http.ts';
import { systemClock } from '../src/platform/clock.ts';
import type { Database } from '../src/platform/db/database.ts';
import { withServiceRole } from '../src/platform/db/tenant.ts';
import { silentLogger } from '../src/platform/log.ts';
import { createSecretBox } from '../src/platform/secrets.ts';
import { STAFF_APP_DIST } from '../src/platform/http/staff-app.ts';
import { ensureStaffAppBuilt } from '../web/scripts/build.ts';
import { benchServerUrl, onPglite, onScratchPostgres } from './databases.ts';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const CONVERSATIONS = Number(process.env.BENCH_CONVERSATIONS ?? 10_000);
const CONTACTS = Number(process.env.BENCH_CONTACTS ?? 100_000);
const JS_BUDGET = 250 * 1024;
const USABLE_BUDGET_MS = 1000;
const OWNER = 'owner@eagle-overseas.demo';

const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)]!;

interface Asset {
  file: string;
  raw: number;
  gzip: number;
  brotli: number;
}

function sizeOf(file: string): Asset {
  const body = readFileSync(join(STAFF_APP_DIST, 'assets', file));
  return {
    file,
    raw: body.length,
    gzip: gzipSync(body, { level: 9 }).length,
    brotli: brotliCompressSync(body, { params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: body.length } }).length,
  };
}

const total = (assets: Asset[]) => assets.reduce((t, a) => ({ raw: t.raw + a.raw, gzip: t.gzip + a.gzip, brotli: t.brotli + a.brotli }), { raw: 0, gzip: 0, brotli: 0 });

/** 100,000 contacts, 10,000 of them with an open WhatsApp conversation of two messages, in the workspace. */
async function fill(db: Database, workspaceId: string) {
  const t0 = performance.now();
  await withServiceRole(db, async (tx) => {
    await tx.query(
      `insert into contacts (id, workspace_id, name, phone, email, lead_score, lead_temperature, source, created_at, updated_at)
       select gen_random_uuid(), $1, 'Bench Contact ' || i, '+6281' || lpad(i::text, 9, '0'), 'bench' || i || '@example.test',
              i % 100, (array['hot', 'warm', 'cold'])[1 + i % 3], 'whatsapp', now() - make_interval(mins => i), now() - make_interval(mins => i)
         from generate_series(1, $2::int) i`,
      [workspaceId, CONTACTS],
    );
    await tx.query(
      `insert into conversations (id, workspace_id, contact_id, channel, status, owner, last_message_at, last_inbound_at, unread_count, created_at)
       select gen_random_uuid(), c.workspace_id, c.id, 'whatsapp', 'open', case when n % 7 = 0 then 'human' else 'ai' end,
              now() - make_interval(mins => n), now() - make_interval(mins => n), n % 3, now() - make_interval(mins => n)
         from (select id, workspace_id, (row_number() over (order by phone))::int as n from contacts
                where workspace_id = $1 and name like 'Bench Contact %' order by phone limit $2) c`,
      [workspaceId, CONVERSATIONS],
    );
    await tx.query(
      `insert into messages (id, workspace_id, conversation_id, channel, direction, sender_kind, body, delivery_status, created_at)
       select gen_random_uuid(), workspace_id, id, 'whatsapp', 'inbound', 'contact', 'Halo, saya mau tanya soal kuliah di luar negeri', 'received', last_message_at
         from conversations where workspace_id = $1
       union all
       select gen_random_uuid(), workspace_id, id, 'whatsapp', 'outbound', 'assistant', 'Halo! Negara mana yang kamu tuju?', 'read', last_message_at + interval '1 second'
         from conversations where workspace_id = $1`,
      [workspaceId],
    );
  });
  // Fresh statistics, as autovacuum would have them on a database that grew to this size.
  await db.exec('analyze contacts, conversations, messages');
  return performance.now() - t0;
}

interface Timing {
  rows: number;
  usable: number;
  /** The API calls made until the rows showed, slowest first: path and ms from request to response end. */
  api: { path: string; ms: number }[];
}

/**
 * One navigation to `path`: until `rowSelector` shows rows, then until clicking the first row
 * shows `opened`. Returns both, in ms from the navigation's start.
 */
async function timeScreen(context: BrowserContext, base: string, path: string, rowSelector: string, opened: string): Promise<Timing> {
  const page = await context.newPage();
  const api: { path: string; ms: number }[] = [];
  page.on('requestfinished', (r) => {
    const url = new URL(r.url());
    if (url.pathname.startsWith('/api/') && !url.pathname.endsWith('/stream')) api.push({ path: url.pathname, ms: r.timing().responseEnd });
  });
  try {
    const t0 = performance.now();
    await page.goto(`${base}${path}`, { waitUntil: 'commit' });
    const first = page.locator(rowSelector).first();
    await first.waitFor({ timeout: 30_000 });
    const rows = performance.now() - t0;
    const before = [...api].sort((a, b) => b.ms - a.ms);
    await first.click();
    await page.locator(opened).first().waitFor({ timeout: 30_000 });
    return { rows, usable: performance.now() - t0, api: before };
  } finally {
    await page.close();
  }
}

async function run(db: Database, label: string) {
  const secrets = createSecretBox(randomBytes(32));
  const app = createServerApp({ db, log: silentLogger(), clock: systemClock, secrets });
  const server: ServerType = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 });
  await new Promise<void>((resolve) => (server.listening ? resolve() : server.once('listening', () => resolve())));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  try {
    const seeded = await seedDemo(db, systemClock, { publicUrl: base });
    const ws = seeded.find((w) => w.slug === 'eagle-overseas')!.workspaceId;
    const fillMs = await fill(db, ws);
    console.log(`\n${label}: ${CONTACTS.toLocaleString('en')} contacts and ${CONVERSATIONS.toLocaleString('en')} conversations written in ${(fillMs / 1000).toFixed(1)} s`);

    const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    try {
      // Signed in once; each run opens the screen in a context carrying the session cookie.
      const signin = await fetch(`${base}/api/v1/auth/signin`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: OWNER, password: DEMO_PASSWORD }) });
      if (signin.status !== 200) throw new Error(`sign-in failed: ${signin.status}`);
      const token = (signin.headers.get('set-cookie') ?? '').split(';')[0]!.split('=');
      const cookie = { name: token[0]!, value: token.slice(1).join('='), domain: '127.0.0.1', path: '/' };
      const newContext = async () => {
        const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
        await context.addCookies([cookie]);
        await context.addInitScript((id) => (globalThis as unknown as { localStorage: { setItem(k: string, v: string): void } }).localStorage.setItem('frontdesk.workspace', id), ws);
        return context;
      };

      // What the first screen (the inbox) loads, as Chromium fetched it.
      const context = await newContext();
      const page = await context.newPage();
      const loaded = new Set<string>();
      page.on('response', (r) => {
        const p = new URL(r.url()).pathname;
        if (p.startsWith('/assets/')) loaded.add(p.slice('/assets/'.length));
      });
      await page.goto(`${base}/inbox`);
      await page.locator('.conversation').first().waitFor({ timeout: 30_000 });
      await page.close();
      await context.close();

      const screens = [
        { name: 'inbox', path: '/inbox', rows: '.conversation', opened: '.thread-head h2' },
        { name: 'contacts', path: '/contacts', rows: '.contacts-table tbody tr th a', opened: '#contact-name' },
      ];
      const results: { name: string; cache: string; rows: number; usable: number; slowest: string }[] = [];
      for (const s of screens) {
        for (const cache of ['warm', 'cold'] as const) {
          const timings: Timing[] = [];
          // A shared context keeps the HTTP cache between runs (warm); a new one per run starts empty (cold).
          const shared = cache === 'warm' ? await newContext() : undefined;
          if (shared) await timeScreen(shared, base, s.path, s.rows, s.opened); // fills the cache
          for (let i = 0; i < RUNS; i++) {
            const ctx = shared ?? (await newContext());
            timings.push(await timeScreen(ctx, base, s.path, s.rows, s.opened));
            if (!shared) await ctx.close();
          }
          await shared?.close();
          const slowest = timings.map((x) => x.api[0]).filter((x) => x !== undefined);
          const path = slowest[0]?.path ?? '';
          results.push({
            name: s.name,
            cache,
            rows: median(timings.map((x) => x.rows)),
            usable: median(timings.map((x) => x.usable)),
            slowest: path ? `${path} ${median(slowest.map((x) => x.ms)).toFixed(0)} ms` : '',
          });
        }
      }
      return { loaded: [...loaded], results };
    } finally {
      await browser.close();
    }
  } finally {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

async function main() {
  if (!existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM} (apt-get install chromium)`);
  await ensureStaffAppBuilt();

  // 1. The first screen's files, as index.html names them (the entry, its preloads, its CSS).
  const html = readFileSync(join(STAFF_APP_DIST, 'index.html'), 'utf8');
  const named = [...html.matchAll(/(?:src|href)="\/assets\/([^"]+)"/g)].map((m) => m[1]!);
  const all = (await import('node:fs')).readdirSync(join(STAFF_APP_DIST, 'assets')).filter((f) => /\.(js|css)$/.test(f));
  const lazy = all.filter((f) => !named.includes(f));
  const js = named.filter((f) => f.endsWith('.js')).map(sizeOf);
  const css = named.filter((f) => f.endsWith('.css')).map(sizeOf);
  const t = { js: total(js), css: total(css) };
  console.log('First screen, as index.html loads it:');
  console.log('  file                                   raw        gzip      brotli');
  for (const a of [...js, ...css]) console.log(`  ${a.file.padEnd(36)} ${kb(a.raw).padStart(10)} ${kb(a.gzip).padStart(10)} ${kb(a.brotli).padStart(10)}`);
  console.log(`  JavaScript                           ${kb(t.js.raw).padStart(10)} ${kb(t.js.gzip).padStart(10)} ${kb(t.js.brotli).padStart(10)}`);
  console.log(`  CSS                                  ${kb(t.css.raw).padStart(10)} ${kb(t.css.gzip).padStart(10)} ${kb(t.css.brotli).padStart(10)}`);
  console.log(`  budget: JavaScript <= ${kb(JS_BUDGET)} compressed: gzip ${(t.js.gzip / JS_BUDGET).toFixed(2)} of budget, brotli ${(t.js.brotli / JS_BUDGET).toFixed(2)} of budget -> ${t.js.gzip <= JS_BUDGET ? 'within' : 'OVER'}`);
  console.log(`  loaded on demand, not on the first screen: ${lazy.map((f) => `${f} (${kb(sizeOf(f).gzip)} gzip)`).join(', ')}`);

  // 2. Usable within 1 s, on PostgreSQL when a server is named.
  const serverUrl = benchServerUrl();
  const outcome = serverUrl
    ? await onScratchPostgres(serverUrl, { max: 10 }, (db) => run(db, 'PostgreSQL'))
    : await onPglite((db) => run(db, 'PGlite (no BENCH_DATABASE_URL: set one to measure PostgreSQL)'));
  const notNamed = outcome.loaded.filter((f) => /\.(js|css)$/.test(f) && !named.includes(f));
  console.log(`  Chromium fetched for the inbox: ${outcome.loaded.filter((f) => /\.(js|css)$/.test(f)).join(', ')}${notNamed.length ? ` (beyond index.html: ${notNamed.join(', ')})` : ''}`);
  console.log(`\nUsable (median of ${RUNS}; from the navigation's start; budget ${USABLE_BUDGET_MS} ms):`);
  console.log('  screen     cache   rows shown   first row opened   of budget   slowest API call before the rows');
  for (const r of outcome.results) {
    console.log(`  ${r.name.padEnd(10)} ${r.cache.padEnd(6)} ${`${r.rows.toFixed(0)} ms`.padStart(11)} ${`${r.usable.toFixed(0)} ms`.padStart(18)} ${(r.usable / USABLE_BUDGET_MS).toFixed(2).padStart(11)}   ${r.slowest}`);
  }
  const over = outcome.results.filter((r) => r.rows > USABLE_BUDGET_MS);
  console.log(over.length ? `  OVER budget (rows shown): ${over.map((r) => `${r.name} ${r.cache}`).join(', ')}` : '  every screen shows its rows within budget');
}

await main();
