// The staff app as people use it: the built app (web/dist, what `npm start` serves) in a real
// Chromium (Debian's, driven by playwright-core) against the real server on each database,
// with WhatsApp connected to the fake Meta. It signs in as the demo owner, watches a customer's
// WhatsApp message arrive in the open inbox, takes over and replies (the reply reaches Meta),
// checks that a member invited through the app cannot open the team settings, that the inbox
// fits a 390-px phone, and runs axe-core on every screen. The screenshots in docs/screenshots
// are taken here.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { waId } from './support/channels.ts';
import { accessibilityProblems, describeWithBrowser, noHorizontalScroll, startStaffApp, type StaffApp } from './browser.ts';

const OWNER = 'owner@eagle-overseas.demo';

describeWithBrowser('the staff app in a real browser', (db, kind) => {
  let app: StaffApp;
  beforeAll(async () => {
    app = await startStaffApp(db(), kind, { whatsapp: {} });
  }, 180_000);
  afterAll(() => app?.close());

  it('signs the owner in, shows a WhatsApp message live, and sends the reply through Meta', { timeout: 90_000 }, async () => {
    const context = await app.browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'en-US' });
    const page = await context.newPage();
    try {
      await page.goto(`${app.base}/`);
      await page.getByRole('heading', { name: 'Sign in to Frontdesk' }).waitFor();
      expect(await accessibilityProblems(page)).toEqual([]);
      await app.shoot(page, 'sign-in');

      // The inbox listens to the server's event stream; with it up, the list is refetched
      // only every 30 s otherwise, so the message below can only arrive in time through it.
      const stream = page.waitForResponse((r) => r.url().includes('/api/v1/events/stream') && r.status() === 200);
      // The demo workspace is Indonesian: the app speaks Indonesian until the owner picks English.
      await app.signIn(page, OWNER, { english: false });
      await stream;
      await page.getByLabel('Bahasa', { exact: true }).selectOption('en');
      await page.getByRole('heading', { name: 'Inbox' }).waitFor();

      // A customer writes on WhatsApp while the inbox is open: it appears without a reload.
      const from = waId();
      const res = await app.t.post(app.fake.inbound(app.account.phoneNumberId, { from, text: 'Halo, saya mau kuliah S2 di Australia', name: 'Sari Wulandari' }));
      expect(res.status).toBe(200);
      // The channel worker takes it from the webhook's queue, as it does in production.
      await app.t.worker.drain();
      // A new contact is known by the number until the assistant learns the name.
      const item = page.getByRole('link', { name: new RegExp(`\\+${from}`) });
      await item.waitFor({ timeout: 15_000 });

      await item.click();
      await page.getByRole('heading', { name: `Conversation with +${from}` }).waitFor();
      await page.getByText('Halo, saya mau kuliah S2 di Australia', { exact: true }).waitFor();
      // The assistant's answer arrives in the open thread too.
      await page.locator('.message.assistant').first().waitFor({ timeout: 15_000 });

      await page.getByRole('button', { name: 'Take over' }).click();
      await page.getByText('A person answers').waitFor();
      const reply = `Halo Sari, ini Rina dari Eagle. Saya bantu langsung ya (${randomBytes(3).toString('hex')})`;
      await page.getByLabel('Your reply to the customer').fill(reply);
      await page.getByRole('button', { name: 'Send' }).click();
      await page.locator('.message.agent', { hasText: reply }).waitFor();
      expect(await page.getByLabel('Your reply to the customer').inputValue()).toBe('');

      await app.t.worker.drain();
      const sent = app.fake.sent.filter((s) => s.body.to === `+${from}` && s.body.text?.body === reply);
      expect(sent).toHaveLength(1);
      // The delivery status the worker recorded shows in the thread without a reload.
      await page.locator('.message.agent', { hasText: reply }).locator('.delivery', { hasText: /sent|delivered|read/ }).waitFor({ timeout: 15_000 });

      await page.getByRole('heading', { name: 'Lead' }).waitFor();
      expect(await accessibilityProblems(page)).toEqual([]);
      await app.shoot(page, 'inbox');

      await page.getByRole('link', { name: 'Team settings' }).click();
      await page.getByRole('heading', { name: 'Members' }).waitFor();
      await page.getByText(OWNER).waitFor();
      expect(await accessibilityProblems(page)).toEqual([]);
      await app.shoot(page, 'settings');
    } finally {
      await context.close();
    }
  });

  it('filters the inbox to the conversations that need a person, and to the unread ones', { timeout: 90_000 }, async () => {
    const names = async (query: string) =>
      ((await app.asOwner('GET', `/api/v1/conversations?status=open&limit=200${query}`)).body.data as { contact: { name: string | null; phone: string | null } }[]).map((c) => c.contact.name ?? c.contact.phone ?? '—').sort();
    const all = await names('');
    const needing = await names('&needs_person=true');
    const unread = await names('&unread=true');
    // The demo has both kinds, and neither filter is the whole list.
    expect(needing.length).toBeGreaterThan(0);
    expect(needing.length).toBeLessThan(all.length);
    expect(unread.length).toBeLessThan(all.length);
    const context = await app.browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'en-US' });
    const page = await context.newPage();
    try {
      await app.signIn(page);
      const list = page.getByRole('list', { name: 'Conversations' });
      const shown = async () => (await list.locator('li .who').allInnerTexts()).map((x) => x.trim()).sort();
      await expect.poll(shown).toEqual(all);
      await page.getByRole('checkbox', { name: 'Needs a person' }).check();
      await expect.poll(shown).toEqual(needing);
      expect(await accessibilityProblems(page)).toEqual([]);
      await page.getByRole('checkbox', { name: 'Needs a person' }).uncheck();
      await page.getByRole('checkbox', { name: 'Unread only' }).check();
      await expect.poll(shown).toEqual(unread);
    } finally {
      await context.close();
    }
  });

  it('lets an invited member join through the link, and keeps the team settings from them', { timeout: 90_000 }, async () => {
    const email = `member-${randomBytes(4).toString('hex')}@example.test`;
    const invite = await app.t.call('POST', '/api/v1/invitations', { cookie: app.ownerCookie, workspace: app.workspaceId, body: { email, role: 'member' } });
    expect(invite.status, JSON.stringify(invite.body)).toBe(201);
    const link = new URL(invite.body.invite_url as string);

    const context = await app.browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    try {
      await page.goto(`${app.base}${link.pathname}${link.hash}`);
      await page.getByLabel('Your name').fill('Dewi Member');
      await page.getByLabel('Email').fill(email);
      await page.getByLabel('Password').fill('a long enough password');
      expect(await accessibilityProblems(page)).toEqual([]);
      await page.getByRole('button', { name: 'Create account and join' }).click();
      await page.getByRole('button', { name: 'Accept the invitation' }).click();
      await page.getByRole('heading', { name: /Kotak masuk|Inbox/ }).waitFor();

      // No settings in the navigation, and the address itself says no.
      await expect.poll(() => page.getByRole('link', { name: /Pengaturan tim|Team settings/ }).count()).toBe(0);
      await page.goto(`${app.base}/settings`);
      await page.getByRole('alert').filter({ hasText: /pemilik dan admin|owners and admins/ }).waitFor();
      expect(await page.getByRole('heading', { name: /Anggota|Members/ }).count()).toBe(0);
      // And the API agrees: a member may not invite.
      const inviting = await page.evaluate(
        async (ws) => (await fetch('/api/v1/invitations', { method: 'POST', headers: { 'x-workspace-id': ws, 'content-type': 'application/json' }, body: JSON.stringify({ email: 'x@example.test' }) })).status,
        app.workspaceId,
      );
      expect(inviting).toBe(403);
    } finally {
      await context.close();
    }
  });

  it('sends an invitee who signs up with another email a confirmation link, which signs them in', { timeout: 90_000 }, async () => {
    const invited = `invited-${randomBytes(4).toString('hex')}@example.test`;
    const other = `other-${randomBytes(4).toString('hex')}@example.test`;
    const invite = await app.t.call('POST', '/api/v1/invitations', { cookie: app.ownerCookie, workspace: app.workspaceId, body: { email: invited, role: 'member' } });
    expect(invite.status, JSON.stringify(invite.body)).toBe(201);
    const link = new URL(invite.body.invite_url as string);
    const context = await app.browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    try {
      await page.goto(`${app.base}${link.pathname}${link.hash}`);
      await page.getByLabel('Email').fill(other);
      await page.getByLabel('Password').fill('a long enough password');
      await page.getByRole('button', { name: 'Create account and join' }).click();
      await page.getByRole('status').filter({ hasText: other }).waitFor();
      // The link that went to the other address.
      const token = app.t.lastConfirmationToken();
      expect(token).toBeTruthy();
      // The page's first "who is signed in?" (nobody) answers only after the confirmation: a
      // late answer must not sign the person out again.
      let delayed = false;
      let lateAnswerGiven!: () => void;
      const lateAnswer = new Promise<void>((r) => (lateAnswerGiven = r));
      await page.route('**/api/v1/auth/me', async (route) => {
        if (delayed) return route.continue();
        delayed = true;
        const answer = await route.fetch(); // asked now, before the confirmation: nobody
        await new Promise((r) => setTimeout(r, 1500));
        await route.fulfill({ response: answer });
        lateAnswerGiven();
      });
      await page.goto(`${app.base}/signup/confirm#token=${token}`);
      // Signed in, in no workspace yet: the app says how to join one.
      await page.getByText(/not a member of any workspace/).waitFor();
      await lateAnswer;
      await new Promise((r) => setTimeout(r, 300));
      await page.getByText(/not a member of any workspace/).waitFor({ timeout: 1000 });
      expect(await accessibilityProblems(page)).toEqual([]);
      // A used link explains itself and offers the sign-in page.
      await context.clearCookies();
      await page.goto(`${app.base}/signup/confirm#token=${token}`);
      await page.getByRole('link', { name: 'Go to sign in' }).waitFor();
    } finally {
      await context.close();
    }
  });

  it('fits the inbox and a thread on a 390-px phone', { timeout: 60_000 }, async () => {
    const context = await app.browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    const page = await context.newPage();
    try {
      await app.signIn(page, OWNER, { english: false });
      await page.locator('.conversation').first().waitFor();
      expect(await noHorizontalScroll(page)).toBe(true);
      expect(await accessibilityProblems(page)).toEqual([]);
      await app.shoot(page, 'inbox-phone');
      await page.locator('.conversation').first().click();
      await page.locator('.thread-head h2').waitFor();
      expect(await noHorizontalScroll(page)).toBe(true);
      expect(await accessibilityProblems(page)).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
