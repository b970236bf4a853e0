// Nothing is lost when the network drops mid-edit, in a real Chromium (Debian's, driven by
// playwright-core) against the real server on each database: with the browser offline, a reply
// in the inbox and a contact's edit each say that they did not go, and keep what was typed;
// back online, the same click sends or saves it.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { asService, rows } from './support/actors.ts';
import { accessibilityProblems, describeWithBrowser, startStaffApp, type StaffApp } from './browser.ts';

describeWithBrowser('editing while the network drops', (db, kind) => {
  let app: StaffApp;
  beforeAll(async () => {
    app = await startStaffApp(db(), kind);
  }, 180_000);
  afterAll(() => app?.close());

  it('keeps a reply and a contact edit through a dropped network and saves them once it is back', { timeout: 120_000 }, async () => {
    const context = await app.browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-US' });
    const page = await context.newPage();
    try {
      await app.signIn(page);
      await page.getByRole('link', { name: /Budi Santoso/ }).click();
      await page.getByRole('heading', { name: 'Conversation with Budi Santoso' }).waitFor();
      const reply = page.getByLabel('Your reply to the customer');
      const text = 'Halo Budi, jadwal konsultasi Anda sudah kami siapkan.';
      await reply.fill(text);

      await context.setOffline(true);
      await page.getByRole('button', { name: 'Send', exact: true }).click();
      await page.getByRole('alert').filter({ hasText: 'Not sent: no connection to the server. Your text is kept; try again.' }).waitFor();
      expect(await reply.inputValue()).toBe(text);
      expect(await accessibilityProblems(page)).toEqual([]);
      await app.shoot(page, 'offline-reply');
      const stored = () =>
        asService(db(), (tx) => rows<{ body: string }>(tx, 'select body from messages where workspace_id = $1 and body = $2', [app.workspaceId, text]));
      expect(await stored()).toEqual([]);

      await context.setOffline(false);
      await page.getByRole('button', { name: 'Send', exact: true }).click();
      await page.locator('.message', { hasText: text }).waitFor();
      await expect.poll(() => reply.inputValue()).toBe('');
      expect(await stored()).toEqual([{ body: text }]);

      // A contact's edit: the form stays open with the change in it.
      const budi = ((await app.asOwner('GET', '/api/v1/contacts?q=Budi')).body.data as { id: string }[])[0]!;
      await page.goto(`${app.base}/contacts/${budi.id}`);
      await page.getByRole('heading', { name: 'Budi Santoso' }).first().waitFor();
      await page.getByRole('button', { name: 'Edit', exact: true }).click();
      const notes = page.getByLabel('Notes', { exact: true });
      const note = 'Prefers a call after 17:00; asked about Manchester.';
      await notes.fill(note);
      await context.setOffline(true);
      await page.getByRole('button', { name: 'Save', exact: true }).click();
      await page.getByRole('alert').filter({ hasText: 'Not saved: no connection to the server. Your changes are still here.' }).waitFor();
      expect(await notes.inputValue()).toBe(note);
      await context.setOffline(false);
      await page.getByRole('button', { name: 'Save', exact: true }).click();
      await expect.poll(async () => (await app.asOwner('GET', `/api/v1/contacts/${budi.id}`)).body.notes).toBe(note);
    } finally {
      await context.close();
    }
  });
});
