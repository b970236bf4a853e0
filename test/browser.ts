// What the browser tests share: Debian's Chromium driven by playwright-core, the rule that CI
// runs them (never skips), the app served on the seeded demo (startStaffApp), axe-core's
// serious findings and the phone-width check.
import { serve } from '@hono/node-server';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { chromium, type Page } from 'playwright-core';
import { it } from 'vitest';
import { DEMO_PASSWORD, seedDemo } from '../src/apps/demo.ts';
import { channelsApp, phoneNumberId } from './support/channels.ts';
import { systemClock } from '../src/platform/clock.ts';
import type { Database } from '../src/platform/db/database.ts';
import { ensureStaffAppBuilt } from '../web/scripts/build.ts';
import { describeEachDatabase, type TestDatabaseKind } from './support/db.ts';
import { startFakeMeta } from './support/fakes/meta.ts';

const SCREENSHOTS = join(import.meta.dirname, '..', 'docs', 'screenshots');

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
// CI installs Chromium and sets this, so that there the tests run or fail, never skip.
const required = process.env.REQUIRE_BROWSER_TESTS === '1';
const available = existsSync(CHROMIUM);
if (required && !available) throw new Error(`REQUIRE_BROWSER_TESTS=1 but there is no Chromium at ${CHROMIUM} (apt-get install chromium)`);
// Without the background-networking flags Chromium keeps dialling Google's hosts, which this
// machine's closed network refuses.
export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** describeEachDatabase where Chromium is installed; one skipped test saying why elsewhere. */
export const describeWithBrowser: typeof describeEachDatabase = available ? describeEachDatabase : (name) => it.skip(`${name}: needs Chromium at ${CHROMIUM}`, () => {});

/** axe-core's serious and critical findings on the page as it is now. */
export async function accessibilityProblems(page: Page) {
  // These callbacks run in the page (the tests' tsconfig has no DOM types, hence globalThis).
  if (!(await page.evaluate(() => 'axe' in globalThis))) await page.addScriptTag({ content: AXE });
  const results = await page.evaluate(async () => {
    type Axe = { run: (ctx: unknown, o: object) => Promise<{ violations: { id: string; impact: string; help: string; nodes: { target: unknown }[] }[] }> };
    const g = globalThis as unknown as { axe: Axe; document: unknown };
    const r = await g.axe.run(g.document, { resultTypes: ['violations'] });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, targets: v.nodes.map((n) => JSON.stringify(n.target)) }));
  });
  return results.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

/** True when the page is no wider than the window (nothing to scroll sideways on a phone). */
export const noHorizontalScroll = (page: Page) =>
  page.evaluate(() => {
    const root = (globalThis as unknown as { document: { documentElement: { scrollWidth: number; clientWidth: number } } }).document.documentElement;
    return root.scrollWidth <= root.clientWidth;
  });

/** The demo owner every browser test signs in as unless it says otherwise. */
export const DEMO_OWNER = 'owner@eagle-overseas.demo';

export interface StaffAppOptions {
  /**
   * Connect the Eagle demo's WhatsApp number to the fake Meta, with these extra settings (a
   * reminder template, say), so that what the app sends reaches Meta. Off: the number stays as
   * the demo seeds it (connected, without tokens).
   */
  whatsapp?: Record<string, unknown> | false;
}

/**
 * The staff app as users get it: the built app (web/dist) served by the real server on
 * 127.0.0.1, the demo seeded, WhatsApp's Graph API faked, the owner signed in for API calls,
 * and Chromium launched. `close()` stops them all.
 */
export async function startStaffApp(db: Database, kind: TestDatabaseKind, options: StaffAppOptions = {}) {
  await ensureStaffAppBuilt();
  const fake = await startFakeMeta();
  const t = channelsApp(db, fake);
  const server = serve({ fetch: t.app.fetch, hostname: '127.0.0.1', port: 0 });
  await new Promise<void>((resolve) => (server.listening ? resolve() : server.once('listening', () => resolve())));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const seeded = await seedDemo(db, systemClock, { publicUrl: base });
  const workspaces = Object.fromEntries(seeded.map((w) => [w.slug, w.workspaceId]));
  const workspaceId = workspaces['eagle-overseas']!;
  const signin = await t.app.request('/api/v1/auth/signin', {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-test-client': `staff-app-setup-${kind}` },
    body: JSON.stringify({ email: DEMO_OWNER, password: DEMO_PASSWORD }),
  });
  if (signin.status !== 200) throw new Error(`the demo owner cannot sign in: ${signin.status}`);
  const ownerCookie = (signin.headers.get('set-cookie') ?? '').split(';')[0]!;
  const asOwner = (method: string, path: string, body?: unknown) => t.call(method, path, { cookie: ownerCookie, workspace: workspaceId, ...(body === undefined ? {} : { body }) });

  const account = { phoneNumberId: phoneNumberId(), accessToken: `EAAG${randomBytes(12).toString('hex')}`, appSecret: randomBytes(16).toString('hex') };
  if (options.whatsapp) {
    // Meta knows the number first: connecting it asks Meta whether the token owns it.
    fake.connect(account);
    const verifyToken = randomBytes(12).toString('hex');
    const put = await asOwner('PUT', '/api/v1/channels/whatsapp', {
      phone_number_id: account.phoneNumberId,
      access_token: account.accessToken,
      app_secret: account.appSecret,
      verify_token: verifyToken,
      ...options.whatsapp,
    });
    if (put.status !== 200) throw new Error(`connecting WhatsApp: ${put.status} ${JSON.stringify(put.body)}`);
    // The number is bound once Meta's verification GET arrives with the verify token.
    if (!(await t.verifyWebhook(verifyToken))) throw new Error("connecting WhatsApp: Meta's verification GET was refused");
  }
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });

  /**
   * Signs in through the sign-in page and waits for the inbox. The demo workspaces speak
   * Indonesian and Spanish: unless `english` is false the app is then switched to English.
   */
  async function signIn(page: Page, who = DEMO_OWNER, o: { password?: string; english?: boolean } = {}) {
    await page.goto(`${base}/`);
    await page.getByLabel('Email').fill(who);
    await page.getByLabel('Password').fill(o.password ?? DEMO_PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: /Inbox|Kotak masuk|Bandeja/ }).waitFor();
    if (o.english === false) return;
    await page.locator('header').getByLabel(/^(Bahasa|Language|Idioma)$/).selectOption('en');
    await page.getByRole('heading', { name: 'Inbox' }).waitFor();
  }

  /** A screenshot for docs/screenshots; one database is enough, both draw the same screens. */
  const shoot = (page: Page, name: string, fullPage = false) => (kind === 'pglite' ? page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage }) : Promise.resolve());

  async function close() {
    await browser.close();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await fake.close();
  }

  return { t, fake, base, browser, workspaces, workspaceId, ownerCookie, asOwner, account, signIn, shoot, close };
}

export type StaffApp = Awaited<ReturnType<typeof startStaffApp>>;
