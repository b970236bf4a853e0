// The contacts screens in a real Chromium (Debian's, through playwright-core) against the real
// server on each database, as test/staff-app.browser.test.ts runs the inbox: a CSV with a bad
// row imports the rest and reports the row, a phone written another way finds the contact, the
// contact page shows the whole timeline and what the assistant learnt, the inbox's lead panel
// shows the score's reasons; axe-core finds no serious problem and a 390-px phone never scrolls
// sideways. The contacts screenshots in docs/screenshots are taken here.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { accessibilityProblems, describeWithBrowser, noHorizontalScroll, startStaffApp, type StaffApp } from './browser.ts';

// Row 2 has a number that is no number; rows 1 and 3 are good (local and international forms).
const CSV = ['Name,Phone,Email,Tags', 'Ayu Kartika,0812-5555-0001,ayu@example.id,ielts;webinar', 'Broken Number,12,broken@example.id,', 'Bayu Nugroho,+62 812 5555 0003,,webinar', ''].join('\n');

describeWithBrowser('the contacts screens in a real browser', (db, kind) => {
  let app: StaffApp;
  beforeAll(async () => {
    app = await startStaffApp(db(), kind);
  }, 180_000);
  afterAll(() => app?.close());

  it('imports a CSV with a bad row (the rest stored, the row reported) and finds a contact by a phone written another way', { timeout: 120_000 }, async () => {
    const context = await app.browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-US' });
    const page = await context.newPage();
    try {
      await app.signIn(page);
      await page.getByRole('link', { name: 'Contacts' }).click();
      await page.getByRole('heading', { name: 'Contacts' }).waitFor();
      await page.getByRole('link', { name: 'Budi Santoso' }).waitFor();
      expect(await accessibilityProblems(page)).toEqual([]);

      await page.getByRole('button', { name: 'Import CSV' }).click();
      await page.getByLabel('CSV file', { exact: true }).setInputFiles({ name: 'leads.csv', mimeType: 'text/csv', buffer: Buffer.from(CSV) });
      await page.getByRole('button', { name: 'Check the file' }).click();
      await page.getByText('2 of 3 rows can be imported.').waitFor();
      await page.getByText('Row 2 (line 3)').waitFor();
      expect(await accessibilityProblems(page)).toEqual([]);
      await app.shoot(page, 'contacts-import');
      await page.getByRole('button', { name: 'Import 2 contacts' }).click();
      await page.getByText('2 contacts imported.').waitFor();
      await page.getByText('1 rows were not imported:').waitFor();
      await expect(page.getByText('Row 2 (line 3)').isVisible()).resolves.toBe(true);
      // The table shows the new contacts at once (newest first).
      await page.getByRole('link', { name: 'Bayu Nugroho' }).waitFor();

      // What the database holds: the two good rows, in E.164, and nothing of the bad one.
      const stored = await app.t.call('GET', '/api/v1/contacts?tag=webinar&sort=name', { headers: { cookie: await cookieOf(page) }, workspace: app.workspaceId });
      expect(stored.body.data.map((c: { name: string; phone: string }) => [c.name, c.phone])).toEqual([
        ['Ayu Kartika', '+6281255550001'],
        ['Bayu Nugroho', '+6281255550003'],
      ]);
      const broken = await app.t.call('GET', '/api/v1/contacts?q=broken', { headers: { cookie: await cookieOf(page) }, workspace: app.workspaceId });
      expect(broken.body.data).toEqual([]);

      // A number written another way finds the contact, and only that one.
      await page.getByRole('button', { name: 'Close' }).click();
      await page.getByRole('searchbox').fill('+62 812-5555-0001');
      await page.getByRole('button', { name: 'Search' }).click();
      await page.getByText('1 shown').waitFor();
      await expect(page.getByRole('link', { name: 'Ayu Kartika' }).isVisible()).resolves.toBe(true);
      await page.getByRole('searchbox').fill('6281255550003');
      await page.getByRole('button', { name: 'Search' }).click();
      await page.getByRole('link', { name: 'Bayu Nugroho' }).waitFor();
      await page.getByText('1 shown').waitFor();
      await page.getByRole('searchbox').fill('');
      await page.getByRole('button', { name: 'Search' }).click();
      await page.getByRole('link', { name: 'Budi Santoso' }).waitFor();
      await app.shoot(page, 'contacts');
    } finally {
      await context.close();
    }
  });

  it("shows each demo lead's one score everywhere, and a paid consultation in total_spent", async () => {
    const list = await app.asOwner('GET', '/api/v1/contacts?limit=50');
    const leads = (list.body.data as { id: string; name: string; lead_score: number | null; total_spent: string }[]).filter((c) => c.lead_score !== null);
    expect(leads.length).toBeGreaterThan(2);
    for (const c of leads) {
      const lead = (await app.asOwner('GET', `/api/v1/contacts/${c.id}/lead`)).body as { lead_score: number; breakdown: { total: number } | null; breakdown_source: string | null };
      if (!lead.breakdown) continue;
      // The contacts table, the assistant's record and the breakdown its insight shows agree.
      expect([c.name, lead.lead_score, lead.breakdown.total], c.name).toEqual([c.name, c.lead_score, c.lead_score]);
    }
    // Budi paid for his consultation (demo gateway, 500,000 IDR): the contact says so.
    expect(leads.find((c) => c.name === 'Budi Santoso')).toMatchObject({ total_spent: '500000.00' });
  });

  it('shows a contact page with the whole timeline and what the assistant learnt, and the lead panel in the inbox', { timeout: 120_000 }, async () => {
    const context = await app.browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-US' });
    const page = await context.newPage();
    try {
      await app.signIn(page);
      await page.goto(`${app.base}/contacts`);
      await page.getByRole('searchbox').fill('0812 3456 7001');
      await page.getByRole('button', { name: 'Search' }).click();
      await page.getByText('1 shown').waitFor();
      await page.getByRole('link', { name: 'Budi Santoso' }).click();
      await page.getByRole('heading', { name: 'Budi Santoso', level: 1 }).waitFor();
      const timeline = page.getByRole('list', { name: 'Timeline' });
      await timeline.getByText('Halo, saya mau kuliah S2 di UK').waitFor();
      const kinds = await timeline.locator('.event-kind').allTextContents();
      expect(kinds).toContain('Message');
      expect(new Set(kinds).size).toBeGreaterThan(1);
      await page.getByRole('heading', { name: 'What the assistant learnt' }).waitFor();
      // The summary a person taking over reads first.
      await page.getByRole('heading', { name: 'In short' }).waitFor();
      await page.locator('.lead-summary', { hasText: /^Budi Santoso/ }).waitFor();
      await page.getByText('Score by category').waitFor();
      await page.getByText('Qualification').waitFor();
      expect(await accessibilityProblems(page)).toEqual([]);
      await app.shoot(page, 'contact');

      // Tag it from the page: the API has it.
      await page.getByPlaceholder('Add a tag').fill('consult-2027');
      await page.getByRole('button', { name: 'Add', exact: true }).click();
      await page.getByRole('button', { name: 'Remove tag consult-2027' }).waitFor();

      // The inbox's lead panel: the score's reasons and a way to the whole contact.
      await page.goto(`${app.base}/inbox`);
      await page.getByRole('link', { name: /Budi Santoso/ }).first().click();
      const panel = page.getByRole('complementary', { name: 'Lead' });
      await panel.getByText('Why this score').waitFor();
      await panel.locator('.lead-summary', { hasText: /^Budi Santoso/ }).waitFor();
      await panel.getByRole('link', { name: 'Open the contact: timeline and details' }).waitFor();
      expect(await accessibilityProblems(page)).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('fits a 390-px phone: no sideways scroll on the table or the contact page', { timeout: 90_000 }, async () => {
    const context = await app.browser.newContext({ viewport: { width: 390, height: 844 }, locale: 'en-US', isMobile: true, hasTouch: true });
    const page = await context.newPage();
    try {
      await app.signIn(page);
      await page.goto(`${app.base}/contacts`);
      await page.getByRole('link', { name: 'Budi Santoso' }).waitFor();
      await app.shoot(page, 'contacts-phone');
      expect(await noHorizontalScroll(page)).toBe(true);
      expect(await accessibilityProblems(page)).toEqual([]);
      await page.getByRole('link', { name: 'Budi Santoso' }).click();
      await page.getByRole('list', { name: 'Timeline' }).getByText('Halo, saya mau kuliah S2 di UK').waitFor();
      await app.shoot(page, 'contact-phone');
      expect(await noHorizontalScroll(page)).toBe(true);
    } finally {
      await context.close();
    }
  });
});

async function cookieOf(page: Page): Promise<string> {
  const cookies = await page.context().cookies();
  return cookies.map((c) => `${c.name}=${c.value}`).join('; ');
}
