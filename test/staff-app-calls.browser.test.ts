// The call log in a real Chromium (Debian's, driven by playwright-core) against the real server
// on each database, on the 1StopLaundry demo's calls: the list shows caller, time, duration and
// outcome, newest first; a search in the transcripts and the outcome filter narrow it; opening
// a call shows its transcript and the booking it made; axe-core finds nothing serious, and a
// 390-px phone shows the list, then the open call, without sideways scroll. The calls
// screenshots in docs/screenshots are taken here.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { accessibilityProblems, describeWithBrowser, noHorizontalScroll, startStaffApp, type StaffApp } from './browser.ts';

const LAUNDRY = 'owner@1stoplaundry.demo';

describeWithBrowser('the call log in a real browser', (db, kind) => {
  let app: StaffApp;
  beforeAll(async () => {
    app = await startStaffApp(db(), kind);
  }, 180_000);
  afterAll(() => app?.close());

  it('lists the calls with caller, time, duration and outcome, filters them, and opens one with its transcript and booking', { timeout: 90_000 }, async () => {
    const context = await app.browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-US' });
    const page = await context.newPage();
    try {
      await app.signIn(page, LAUNDRY);
      await page.getByRole('navigation').getByRole('link', { name: 'Calls', exact: true }).click();
      await page.getByRole('heading', { name: 'Calls', level: 1 }).waitFor();
      const items = page.locator('ol.call-items > li');
      await expect.poll(() => items.count()).toBe(2);
      // Newest first: Priya's unanswered call yesterday, then Olivia's call that booked a pickup.
      expect((await items.locator('.call-who').allTextContents())).toEqual(['Priya Patel', 'Olivia Chen']);
      const priya = items.nth(0);
      const olivia = items.nth(1);
      expect(await priya.locator('.call-facts').textContent()).toBe('Outbound0:00No answer');
      expect(await olivia.locator('.call-facts').textContent()).toBe('Inbound3:04CompletedBooked');
      expect(await olivia.locator('.call-when').textContent()).toMatch(/\d{4}, \d{1,2}:\d{2}\s?[AP]M$/);
      expect(await accessibilityProblems(page)).toEqual([]);

      // Words of the transcript find the call; an outcome narrows the list.
      await page.getByLabel('Search the transcripts').fill('regular service');
      await page.getByRole('button', { name: 'Search', exact: true }).click();
      await expect.poll(() => items.locator('.call-who').allTextContents()).toEqual(['Olivia Chen']);
      await items.first().locator('.call-excerpt', { hasText: 'regular service' }).waitFor();
      await page.getByLabel('Search the transcripts').fill('');
      await page.getByRole('button', { name: 'Search', exact: true }).click();
      await page.getByLabel('Outcome').selectOption('no-answer');
      await expect.poll(() => items.locator('.call-who').allTextContents()).toEqual(['Priya Patel']);
      await page.getByLabel('Outcome').selectOption('');
      await expect.poll(() => items.count()).toBe(2);

      await page.getByRole('link', { name: /^Olivia Chen / }).click();
      const detail = page.getByRole('region', { name: 'Call with Olivia Chen' });
      await detail.getByText('Two loads, regular service, tomorrow at eleven please.', { exact: false }).waitFor();
      await detail.getByText(/^Regular Wash & Fold · .* · (CA)?\$31\.00 · paid$/).waitFor();
      expect(await detail.locator('.facts').textContent()).toContain('3:04');
      expect(new URL(page.url()).pathname).toMatch(/^\/calls\/[0-9a-f-]{36}$/);
      // The heading has the focus: a screen reader starts reading the call there.
      expect(await page.evaluate(() => (globalThis as unknown as { document: { activeElement: { id: string } } }).document.activeElement.id)).toBe('call-title');
      expect(await accessibilityProblems(page)).toEqual([]);
      await app.shoot(page, 'calls');

      // A call with nothing said says so.
      await page.getByRole('link', { name: /^Priya Patel / }).click();
      await page.getByRole('region', { name: 'Call with Priya Patel' }).getByText('No transcript (nobody spoke).').waitFor();
    } finally {
      await context.close();
    }
  });

  it('shows the list, then the open call, on a 390-px phone', { timeout: 60_000 }, async () => {
    const context = await app.browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, locale: 'en-US' });
    const page = await context.newPage();
    try {
      await app.signIn(page, LAUNDRY);
      await page.goto(`${app.base}/calls`);
      await page.locator('ol.call-items > li').first().waitFor();
      expect(await noHorizontalScroll(page)).toBe(true);
      expect(await accessibilityProblems(page)).toEqual([]);
      await app.shoot(page, 'calls-phone');
      await page.getByRole('link', { name: /^Olivia Chen / }).click();
      await page.getByRole('heading', { name: 'Call with Olivia Chen' }).waitFor();
      // The open call takes the screen; the way back is a link.
      expect(await page.locator('ol.call-items').isVisible()).toBe(false);
      expect(await noHorizontalScroll(page)).toBe(true);
      expect(await accessibilityProblems(page)).toEqual([]);
      await app.shoot(page, 'calls-phone-open');
      await page.getByRole('link', { name: 'Back to the list' }).click();
      await page.locator('ol.call-items').waitFor();
    } finally {
      await context.close();
    }
  });
});
