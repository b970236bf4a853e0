// Every screen of the staff app on a 390-px phone, in Debian's Chromium against the real server
// on each database: nothing scrolls sideways, neither the page nor a box inside it (a table
// that must be dragged sideways to be read is as broken as a page that scrolls), and nothing is
// cut off at the right edge (a box wider than the window that hides its overflow). Folded parts
// (<details>, the reports' tables) are opened first, so that they are checked too. axe-core
// finds nothing serious on any screen, at 390 px and on a desk.
// PHONE_SCREENSHOTS=<dir> keeps a full-page picture of each screen for a person to look at.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { accessibilityProblems, describeWithBrowser, noHorizontalScroll, startStaffApp, type StaffApp } from './browser.ts';

/** Elements whose right edge passes the window's (outside boxes that scroll sideways on purpose). */
const cutOff = (page: Page) =>
  page.evaluate(() => {
    type El = { tagName: string; className: unknown; id: string; parentElement: El | null; getBoundingClientRect(): { right: number; width: number }; scrollWidth: number; clientWidth: number; closest(s: string): El | null };
    const g = globalThis as unknown as { document: { querySelectorAll(s: string): Iterable<El> }; innerWidth: number; getComputedStyle(e: El): { overflowX: string; position: string } };
    const scrolls = (e: El | null): boolean => {
      for (let p = e; p; p = p.parentElement) {
        const o = g.getComputedStyle(p).overflowX;
        if ((o === 'auto' || o === 'scroll') && p.scrollWidth > p.clientWidth) return true;
      }
      return false;
    };
    const out: string[] = [];
    for (const e of g.document.querySelectorAll('main *, header *')) {
      const r = e.getBoundingClientRect();
      if (r.width === 0 || r.right <= g.innerWidth + 1 || g.getComputedStyle(e).position === 'fixed') continue;
      if (scrolls(e.parentElement) || e.closest('details:not([open]) > :not(summary)')) continue;
      out.push(`${e.tagName.toLowerCase()}${e.id ? `#${e.id}` : ''}${typeof e.className === 'string' && e.className ? `.${e.className.split(' ').join('.')}` : ''} right=${Math.round(r.right)}`);
    }
    return out.slice(0, 5);
  });

/** Boxes in the page that scroll sideways because their content is wider than they are. */
const sidewaysBoxes = (page: Page) =>
  page.evaluate(() => {
    type El = { tagName: string; className: unknown; id: string; scrollWidth: number; clientWidth: number; closest(s: string): El | null };
    const g = globalThis as unknown as { document: { querySelectorAll(s: string): Iterable<El> }; getComputedStyle(e: El): { overflowX: string } };
    const out: string[] = [];
    for (const e of g.document.querySelectorAll('main *, header *')) {
      const o = g.getComputedStyle(e).overflowX;
      if ((o !== 'auto' && o !== 'scroll') || e.scrollWidth <= e.clientWidth + 1) continue;
      // A text field scrolls its own long line; that is how fields work.
      if (e.tagName === 'INPUT' || e.tagName === 'TEXTAREA' || e.tagName === 'SELECT') continue;
      const section = e.closest('[data-report], section, .card');
      out.push(`${e.tagName.toLowerCase()}${typeof e.className === 'string' && e.className ? `.${e.className.split(' ').join('.')}` : ''}${section?.id ? ` in #${section.id}` : ''} ${e.scrollWidth}>${e.clientWidth}`);
    }
    return out.slice(0, 5);
  });

/** Opens every folded part of the page (<details>). */
const unfold = (page: Page) =>
  page.evaluate(() => {
    const g = globalThis as unknown as { document: { querySelectorAll(s: string): Iterable<{ open: boolean }> } };
    for (const d of g.document.querySelectorAll('main details')) d.open = true;
  });

describeWithBrowser('every screen on a 390-px phone', (db, kind) => {
  let app: StaffApp;
  beforeAll(async () => {
    app = await startStaffApp(db(), kind);
  }, 180_000);
  afterAll(() => app?.close());

  const screensOf = async () => {
    const budi = ((await app.asOwner('GET', '/api/v1/contacts?q=Budi')).body.data as { id: string }[])[0]!;
    const conversation = ((await app.asOwner('GET', '/api/v1/conversations?limit=1')).body.data as { id: string }[])[0]!;
    return { conversation, screens: [
      '/inbox',
      `/inbox/${conversation.id}`,
      '/contacts',
      `/contacts/${budi.id}`,
      '/calendar',
      '/calls',
      '/content',
      ...['', '/faqs', '/destinations', '/services', '/behaviour', '/scoring', '/prompts', '/models', '/unanswered'].map((t) => `/knowledge${t}`),
      '/reports',
      '/channels',
      '/settings',
      '/account',
      '/mentions',
    ] };
  };

  /** Opens a screen and waits until it has loaded what it shows. */
  const open = async (page: Page, path: string) => {
    await page.goto(`${app.base}${path}`);
    await page.locator('main').first().waitFor();
    await expect.poll(() => page.getByRole('status').filter({ hasText: /Loading/ }).count(), { timeout: 15_000 }).toBe(0);
    await page.waitForLoadState('networkidle');
  };

  it('fits every screen without sideways scroll or anything cut off', { timeout: 240_000 }, async () => {
    const { conversation, screens } = await screensOf();
    const dir = process.env.PHONE_SCREENSHOTS;
    if (dir) mkdirSync(dir, { recursive: true });
    const context = await app.browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, locale: 'en-US' });
    const page = await context.newPage();
    try {
      await app.signIn(page);
      const problems: Record<string, unknown> = {};
      for (const path of screens) {
        await open(page, path);
        await unfold(page);
        const wide = [...(await cutOff(page)), ...(await sidewaysBoxes(page))];
        if (!(await noHorizontalScroll(page)) || wide.length) problems[path] = wide;
        const a11y = await accessibilityProblems(page);
        if (a11y.length) problems[`${path} (axe)`] = a11y.map((v) => `${v.id}: ${v.targets.slice(0, 3).join(' ')}`);
        // The model comparison, its tables opened, as the README shows it on a phone.
        if (path === '/reports' && kind === 'pglite') await page.locator('[data-report="models"]').screenshot({ path: join(import.meta.dirname, '..', 'docs', 'screenshots', 'reports-phone-models.png') });
        if (dir && kind === 'pglite') await page.screenshot({ path: join(dir, `${path.slice(1).replaceAll('/', '-').replace(/-[0-9a-f-]{36}$/, '-one')}.png`), fullPage: true });
      }
      // The thread's snooze menu, opened.
      await page.goto(`${app.base}/inbox/${conversation.id}`);
      await page.locator('.snooze summary').click();
      await page.locator('.snooze-menu button').first().waitFor();
      const menu = await cutOff(page);
      if (!(await noHorizontalScroll(page)) || menu.length) problems['snooze menu'] = menu;
      expect(problems).toEqual({});
    } finally {
      await context.close();
    }
  });

  it('has no serious accessibility problem on any screen on a desk', { timeout: 240_000 }, async () => {
    const { screens } = await screensOf();
    const context = await app.browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-US' });
    const page = await context.newPage();
    try {
      await app.signIn(page);
      const problems: Record<string, string[]> = {};
      for (const path of screens) {
        await open(page, path);
        await unfold(page);
        const a11y = await accessibilityProblems(page);
        if (a11y.length) problems[path] = a11y.map((v) => `${v.id}: ${v.targets.slice(0, 3).join(' ')}`);
      }
      expect(problems).toEqual({});
    } finally {
      await context.close();
    }
  });
});
