// ARI's articles and webinars in Debian's Chromium against the real server on each database:
// a visitor registers through the public form, the owner sees them under the webinar and marks
// them attended, and writes and publishes an article; axe-core finds nothing serious.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { accessibilityProblems, describeWithBrowser, noHorizontalScroll, startStaffApp, type StaffApp } from './browser.ts';

describeWithBrowser('articles and webinars in a real browser', (db, kind) => {
  let app: StaffApp;
  beforeAll(async () => {
    app = await startStaffApp(db(), kind);
  }, 180_000);
  afterAll(() => app?.close());

  it('shows who registered for the demo webinar, marks attendance and publishes an article', { timeout: 120_000 }, async () => {
    const webinar = ((await app.asOwner('GET', '/api/v1/webinars')).body.data as { id: string; title: string }[])[0]!;
    const reg = await app.t.call('POST', `/api/v1/public/webinars/${webinar.id}/registrations`, { headers: { 'x-test-client': 'content-visitor' }, body: { name: 'Rudi Hartono', phone: '0812 4444 0001' } });
    expect(reg.status).toBe(201);

    const context = await app.browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-US' });
    const page = await context.newPage();
    try {
      await app.signIn(page);
      await page.getByRole('link', { name: 'Content', exact: true }).click();
      await page.getByRole('heading', { name: 'Articles and webinars', level: 1 }).waitFor();
      const item = page.locator('li.webinar', { hasText: webinar.title });
      await item.getByText('2 of 100 registered').waitFor();
      await item.getByRole('button', { name: 'Show registrations' }).click();
      const regs = page.getByRole('region', { name: `Registrations for ${webinar.title}` });
      await regs.getByText('Siti Rahmawati').waitFor();
      // The box shows what the API holds: it ticks once the change is stored.
      await regs.getByLabel('Rudi Hartono attended').click();
      await expect
        .poll(async () => ((await app.asOwner('GET', `/api/v1/webinars/${webinar.id}/registrations`)).body.data as { name: string; attended: boolean }[]).find((r) => r.name === 'Rudi Hartono')?.attended)
        .toBe(true);
      expect(await accessibilityProblems(page)).toEqual([]);

      const form = page.getByRole('form', { name: 'Write an article' });
      await form.getByLabel('Title').fill('Tips IELTS 7.0');
      await form.getByLabel('Slug').fill('tips-ielts-7');
      await form.getByLabel('Excerpt').fill('Latihan speaking setiap hari.');
      await form.getByRole('button', { name: 'Add' }).click();
      const article = page.locator('li', { hasText: 'Tips IELTS 7.0' });
      await article.getByRole('button', { name: 'Publish' }).click();
      await article.getByText('Published').waitFor();
      const stored = ((await app.asOwner('GET', '/api/v1/articles?status=published')).body.data as { slug: string }[]).map((a) => a.slug);
      expect(stored).toContain('tips-ielts-7');
      expect(await accessibilityProblems(page)).toEqual([]);
      await app.shoot(page, 'content', true);

      await page.setViewportSize({ width: 390, height: 844 });
      expect(await noHorizontalScroll(page)).toBe(true);
    } finally {
      await context.close();
    }
  });
});
