// Channels and payments setup, and the reports, in a real Chromium (Debian's, driven by
// playwright-core) against the real server on each database, with the built app (web/dist).
// The owner connects WhatsApp through the form (the fake Meta proves ownership, and refuses a
// number it does not know), sees the webhook URL and never the secret again, and sees the
// webhook arrive; the reports screen draws the demo's funnel and its CSV has the funnel's rows;
// axe-core finds nothing serious, and a 390-px phone does not scroll sideways. The reports
// screenshots in docs/screenshots are taken here.
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { phoneNumberId, waId } from './support/channels.ts';
import { signHub } from './support/fakes/meta.ts';
import { email, testApp } from './support/http.ts';
import { accessibilityProblems, describeWithBrowser, noHorizontalScroll, startStaffApp, type StaffApp } from './browser.ts';

const EAGLE = 'owner@eagle-overseas.demo';
const CASA = 'owner@casa-limpia.demo';

describeWithBrowser('channels setup and reports in a real browser', (db, kind) => {
  let app: StaffApp;
  beforeAll(async () => {
    app = await startStaffApp(db(), kind);
  }, 180_000);
  afterAll(() => app?.close());

  it('connects WhatsApp through the form: ownership refused, then proven; the webhook URL shown, the secrets never', { timeout: 120_000 }, async () => {
    const context = await app.browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-US' });
    const page = await context.newPage();
    try {
      await app.signIn(page, EAGLE);
      await page.getByRole('link', { name: 'Channels' }).click();
      await page.getByRole('heading', { name: 'Channels and payments' }).waitFor();
      const card = page.locator('section[data-channel="whatsapp"]');
      // The demo number is connected without its tokens: each secret says "not set".
      await card.getByText('Connected', { exact: true }).waitFor();
      expect(await card.getByLabel(/Access token/).getAttribute('placeholder')).toBe('Not stored yet: required');

      const number = phoneNumberId();
      const account = { phoneNumberId: number, accessToken: `EAAG${randomBytes(12).toString('hex')}`, appSecret: randomBytes(16).toString('hex') };
      const verifyToken = randomBytes(12).toString('hex');
      await card.getByLabel('Phone number id').fill(number);
      await card.getByLabel(/Access token/).fill(account.accessToken);
      await card.getByLabel(/App secret/).fill(account.appSecret);
      await card.getByLabel(/Verify token/).fill(verifyToken);

      // Meta does not know the number yet: the server cannot prove the token owns it.
      await card.getByRole('button', { name: 'Save' }).click();
      await card.getByRole('alert').filter({ hasText: 'WhatsApp did not confirm that these credentials own these ids' }).waitFor();
      await card.getByText('channel.ownership_unproven').waitFor();
      // Nothing typed is lost.
      expect(await card.getByLabel('Phone number id').inputValue()).toBe(number);
      expect(await card.getByLabel(/Access token/).inputValue()).toBe(account.accessToken);
      expect(await accessibilityProblems(page)).toEqual([]);

      app.fake.connect(account);
      await card.getByRole('button', { name: 'Save' }).click();
      await card.getByText('Saved.', { exact: true }).waitFor();
      // The webhook URL to give Meta; the secrets are gone from the form and marked as stored.
      expect(await card.getByLabel('Webhook URL to give WhatsApp').inputValue()).toBe('https://frontdesk.test/webhooks/whatsapp');
      await expect.poll(() => card.getByLabel(/Access token/).getAttribute('placeholder')).toBe('Stored: leave empty to keep it');
      expect(await card.getByLabel(/Access token/).inputValue()).toBe('');
      for (const label of [/Access token/, /App secret/, /Verify token/]) await card.locator('label', { hasText: label }).getByText('set', { exact: true }).waitFor();
      const html = await page.content();
      for (const secret of [account.accessToken, account.appSecret, verifyToken]) expect(html).not.toContain(secret);

      // Until Meta's verification GET arrives with the verify token, the card says what is missing.
      await card.getByText('Waiting for Meta', { exact: true }).waitFor();
      await card.getByText(/Waiting for Meta's verification: .* set the callback URL above with the verify token/).waitFor();
      expect(await accessibilityProblems(page)).toEqual([]);
      if (kind === 'pglite') await card.screenshot({ path: join(import.meta.dirname, '..', 'docs', 'screenshots', 'channels-whatsapp-pending.png') });
      expect(await app.t.verifyWebhook(verifyToken)).toBe(true);
      await page.reload();
      await card.getByText('Connected', { exact: true }).waitFor();
      expect(await card.getByText(/Waiting for Meta's verification/).count()).toBe(0);

      // Meta's webhook arrives, signed with the app secret; a forged one is refused.
      expect((await app.t.post(app.fake.inbound(number, { from: waId(), text: 'Halo dari formulir' }))).status).toBe(200);
      const forged = app.fake.inbound(number, { from: waId(), text: 'forged' });
      expect((await app.t.post(forged, signHub(forged.body, 'not-the-app-secret'))).status).toBe(401);
      await page.reload();
      await card.getByText(/Last webhook arrived and verified/).waitFor();
      await card.getByText(/A webhook was refused .*X-Hub-Signature-256 does not match the app secret/).waitFor();
      expect(await accessibilityProblems(page)).toEqual([]);
      await app.shoot(page, 'channels', true);

      // The web chat's snippet names the workspace, with a copy button.
      const snippet = await page.getByLabel('Snippet to paste on your site').inputValue();
      expect(snippet).toBe(`<script src="${app.base}/webchat/widget.js" data-workspace="eagle-overseas" crossorigin="anonymous" defer></script>`);
      await page.locator('section[data-channel="webchat"]').getByRole('button', { name: /Copy/ }).click();
      await page.locator('section[data-channel="webchat"]').getByText('Copied.').waitFor();
    } finally {
      await context.close();
    }
  });

  it('draws the demo funnel, and its CSV has the funnel rows', { timeout: 120_000 }, async () => {
    const context = await app.browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-US', acceptDownloads: true });
    const page = await context.newPage();
    try {
      await app.signIn(page, CASA);
      // The chart library is not in the first screen: it arrives with the reports screen.
      const loaded: string[] = [];
      page.on('response', (r) => loaded.push(new URL(r.url()).pathname));
      expect(loaded.some((p) => p.includes('/assets/Reports-'))).toBe(false);
      await page.getByRole('link', { name: 'Reports' }).click();
      await page.getByRole('heading', { name: 'Reports' }).waitFor();
      await expect.poll(() => loaded.some((p) => p.includes('/assets/Reports-'))).toBe(true);

      const funnel = page.locator('section[data-report="funnel"]');
      const canvas = funnel.locator('canvas');
      await canvas.waitFor();
      // Drawn: the canvas has a size and pixels that are not blank.
      await expect
        .poll(() =>
          canvas.evaluate((c) => {
            const el = c as unknown as { width: number; height: number; getContext(k: '2d'): { getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray } } };
            const data = el.getContext('2d').getImageData(0, 0, el.width, el.height).data;
            let painted = 0;
            for (let i = 3; i < data.length; i += 4) if (data[i]! > 0) painted++;
            return el.width > 100 && el.height > 100 && painted > 1000;
          }),
        )
        .toBe(true);
      expect(await canvas.getAttribute('aria-label')).toBe('Chart: SearchStarted 4 (100 %), ProfessionalViewed 3 (75 %), CheckoutStarted 2 (50 %), BookingConfirmed 1 (25 %)');

      // The file the browser saved, as a person gets it.
      const [download] = await Promise.all([page.waitForEvent('download'), funnel.getByRole('button', { name: /Download CSV.*Conversion funnel/ }).click()]);
      expect(download.suggestedFilename()).toMatch(/^funnel-\d{4}-\d{2}-\d{2}-\d{4}-\d{2}-\d{2}\.csv$/);
      expect(await download.failure()).toBeNull();
      expect((await readFile(await download.path(), 'utf8')).split('\r\n')).toEqual(['Stage,People,Conversion (%)', 'SearchStarted,4,100', 'ProfessionalViewed,3,75', 'CheckoutStarted,2,50', 'BookingConfirmed,1,25', '']);

      // A range with nothing in it says so, and the CSV cannot be had.
      await page.getByLabel('From').fill('2020-01-01');
      await page.getByLabel('To').fill('2020-01-31');
      await funnel.getByText('Nothing in this range.').waitFor();
      expect(await funnel.getByRole('button', { name: /Download CSV.*Conversion funnel/ }).isDisabled()).toBe(true);
      await page.getByRole('button', { name: 'Last 30 days' }).click();
      await canvas.waitFor();
      await page.locator('section[data-report="channels"] canvas').waitFor();
      expect(await accessibilityProblems(page)).toEqual([]);
      await app.shoot(page, 'reports', true);
    } finally {
      await context.close();
    }
  });

  it("draws the model comparison and lead temperatures of ARI's demo", { timeout: 90_000 }, async () => {
    const context = await app.browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-US' });
    const page = await context.newPage();
    try {
      await app.signIn(page, EAGLE);
      await page.goto(`${app.base}/reports`);
      const models = page.locator('section[data-report="models"]');
      await models.locator('canvas').waitFor();
      await models.getByRole('rowheader', { name: 'grok' }).waitFor();
      await page.locator('section[data-report="temperature"] canvas').waitFor();
      expect(await accessibilityProblems(page)).toEqual([]);
      await app.shoot(page, 'reports-assistant', true);
    } finally {
      await context.close();
    }
  });

  it('keeps the reports and the channels and payments setup from a member: not in the navigation, refused at the address', { timeout: 90_000 }, async () => {
    const member = await testApp(db()).teammate({ cookie: app.ownerCookie, workspace: app.workspaceId }, email('setup-member'), 'member');
    const context = await app.browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-US' });
    const page = await context.newPage();
    try {
      await app.signIn(page, member.email, { password: 'correct horse battery' });
      const nav = page.getByRole('navigation');
      // What a member may use is there; the owners' screens are not.
      await nav.getByRole('link', { name: 'Calendar', exact: true }).waitFor();
      for (const name of ['Reports', 'Channels', 'Team settings']) expect(await nav.getByRole('link', { name, exact: true }).count(), name).toBe(0);

      await page.goto(`${app.base}/reports`);
      await page.getByRole('alert').filter({ hasText: 'Reports are for owners and admins.' }).waitFor();
      expect(await page.locator('section[data-report]').count()).toBe(0);
      expect(await page.locator('canvas').count()).toBe(0);
      expect(await accessibilityProblems(page)).toEqual([]);

      await page.goto(`${app.base}/channels`);
      await page.getByRole('alert').filter({ hasText: 'Channels and payments are set up by owners and admins.' }).waitFor();
      expect(await page.locator('section[data-channel]').count()).toBe(0);
      expect(await page.getByRole('button', { name: 'Save' }).count()).toBe(0);
      expect(await accessibilityProblems(page)).toEqual([]);
      // And the API agrees: a member may not connect a channel.
      const saving = await page.evaluate(
        async (ws) =>
          (await fetch('/api/v1/channels/whatsapp', { method: 'PUT', headers: { 'x-workspace-id': ws, 'content-type': 'application/json' }, body: JSON.stringify({ phone_number_id: '1', access_token: 'x', app_secret: 'y', verify_token: 'z' }) })).status,
        app.workspaceId,
      );
      expect(saving).toBe(403);
    } finally {
      await context.close();
    }
  });

  it('fits the reports and the channels on a 390-px phone', { timeout: 90_000 }, async () => {
    const context = await app.browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    const page = await context.newPage();
    try {
      await app.signIn(page, CASA);
      await page.goto(`${app.base}/reports`);
      await page.locator('section[data-report="funnel"] canvas').waitFor();
      expect(await noHorizontalScroll(page)).toBe(true);
      expect(await accessibilityProblems(page)).toEqual([]);
      await app.shoot(page, 'reports-phone');
      await page.goto(`${app.base}/channels`);
      await page.getByRole('heading', { name: 'Channels and payments' }).waitFor();
      await page.locator('section[data-channel="webchat"]').waitFor();
      expect(await noHorizontalScroll(page)).toBe(true);
      expect(await accessibilityProblems(page)).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
