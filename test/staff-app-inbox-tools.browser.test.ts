// The inbox's tools as people use them, in a real Chromium (Debian's, driven by playwright-core)
// against the real server on each database, with WhatsApp connected to the fake Meta: a private
// note with an @mention, /saved replies filled with the contact's first name and next
// appointment (inserted at the cursor, several in one message) that reach Meta, a conversation
// outside WhatsApp's 24-hour window that says why and sends the configured template to Meta,
// assigning, snoozing, searching, the keyboard shortcuts (j/k, ?) and axe-core on each state.
// Screenshots in docs/screenshots/inbox-tools*.png are taken here.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { asService, rows } from './support/actors.ts';
import { accessibilityProblems, describeWithBrowser, noHorizontalScroll, startStaffApp, type StaffApp } from './browser.ts';

const OWNER = 'owner@eagle-overseas.demo';

describeWithBrowser('the inbox tools in a real browser', (db, kind) => {
  let app: StaffApp;

  /** The demo conversation of a contact, by name. */
  const conversationOf = async (name: string) =>
    (
      await asService(db(), (tx) =>
        rows<{ id: string; contact_id: string }>(
          tx,
          `select c.id, c.contact_id from conversations c join contacts p on p.workspace_id = c.workspace_id and p.id = c.contact_id
            where c.workspace_id = $1 and p.name = $2`,
          [app.workspaceId, name],
        ),
      )
    )[0]!;

  beforeAll(async () => {
    app = await startStaffApp(db(), kind, { whatsapp: { reminder_template: { name: 'follow_up', language: 'id' } } });
    // Budi wrote just now (the demo's conversation): Meta has his window open too.
    app.fake.openWindow(app.account.phoneNumberId, '6281234567001');
  }, 180_000);
  afterAll(() => app?.close());

  it('writes a note with a mention, expands /shortcuts at the cursor with the first name and next appointment, and sends them', { timeout: 120_000 }, async () => {
    const context = await app.browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-US' });
    const page = await context.newPage();
    try {
      await app.signIn(page);
      const budi = await conversationOf('Budi Santoso');
      await page.getByRole('link', { name: /Budi Santoso/ }).click();
      await page.getByRole('heading', { name: 'Conversation with Budi Santoso' }).waitFor();
      // The assistant's reply says discreetly who wrote it and at what cost (the demo's turn).
      await page.locator('.message.assistant .assistant-facts', { hasText: 'Written by grok · 96 tokens · 850 ms' }).waitFor();

      // n opens the note box; @Hen offers the consultant; Enter takes him.
      await page.locator('body').press('n');
      const note = page.getByLabel('Private note for the team (the customer never sees it)');
      await expect.poll(() => page.evaluate(() => (globalThis as unknown as { document: { activeElement: { id: string } } }).document.activeElement.id)).toBe('note-body');
      await note.pressSequentially('Please call him, @Hen');
      await page.getByRole('option', { name: /@Hendra Gunawan/ }).waitFor();
      await note.press('Enter');
      await note.pressSequentially('before Friday.');
      expect(await note.inputValue()).toBe('Please call him, @Hendra Gunawan before Friday.');
      expect(await accessibilityProblems(page)).toEqual([]);
      const sentBefore = app.fake.sent.length;
      await page.getByRole('button', { name: 'Add note' }).click();
      const shown = page.locator('.message.note', { hasText: 'Please call him, @Hendra Gunawan before Friday.' });
      await shown.waitFor();
      await shown.getByText('Mentions: Hendra Gunawan').waitFor();
      await shown.getByText('Private note by Rina Kusuma').waitFor();
      const stored = await asService(db(), (tx) =>
        rows<{ email: string }>(
          tx,
          `select u.email from conversation_notes n join conversation_note_mentions m on m.workspace_id = n.workspace_id and m.note_id = n.id
             join auth.users u on u.id = m.user_id where n.workspace_id = $1 and n.conversation_id = $2 and n.body like 'Please call him%'`,
          [app.workspaceId, budi.id],
        ),
      );
      expect(stored).toEqual([{ email: 'consultant@eagle-overseas.demo' }]);
      await app.t.worker.drain();
      expect(app.fake.sent.length).toBe(sentBefore);

      // r opens the reply box. The signature is typed first; /halo goes in at the cursor before
      // it, and /jadwal after, in the same message.
      await page.locator('body').click({ position: { x: 5, y: 5 } });
      await page.locator('body').press('r');
      const reply = page.getByLabel('Your reply to the customer');
      await expect.poll(() => page.evaluate(() => (globalThis as unknown as { document: { activeElement: { id: string } } }).document.activeElement.id)).toBe('reply-body');
      await reply.pressSequentially('\n— Rina');
      await reply.press('Control+Home');
      await reply.pressSequentially('/hal');
      await page.getByRole('option', { name: /\/halo/ }).waitFor();
      await app.shoot(page, 'inbox-tools-saved-reply');
      await reply.press('Enter');
      await reply.pressSequentially(' /jad');
      await page.getByRole('option', { name: /\/jadwal/ }).click();
      const text = await reply.inputValue();
      expect(text.startsWith('Halo Budi! Saya Rina dari Eagle Overseas. Ada yang bisa saya bantu? Jadwal konsultasi kamu berikutnya: ')).toBe(true);
      // The next appointment in the workspace's locale (Indonesian) and zone (Jakarta), whatever the app's language.
      expect(text).toMatch(/berikutnya: \w+, \d{1,2} \w+ \d{4} pukul \d\d\.\d\d\. Sampai ketemu, Budi!\n— Rina$/);
      expect(text).not.toContain('{{');
      await page.getByRole('button', { name: 'Send' }).click();
      await page.locator('.message.agent', { hasText: 'Halo Budi!' }).waitFor();
      await app.t.worker.drain();
      const out = app.fake.sent.filter((s) => s.body.to === '+6281234567001');
      const state = await asService(db(), (tx) => rows(tx, "select delivery_status, error from messages where workspace_id = $1 and body like 'Halo Budi!%'", [app.workspaceId]));
      expect(out.length, JSON.stringify({ state, sent: app.fake.sent.map((x) => x.body.to) })).toBeGreaterThan(0);
      expect(out.at(-1)!.body).toMatchObject({ type: 'text', text: { body: text } });
      // Its delivery status arrives in the thread without a reload.
      await page.locator('.message.agent', { hasText: 'Halo Budi!' }).locator('.delivery', { hasText: 'sent' }).waitFor({ timeout: 15_000 });

      // Assign to the consultant from the thread.
      await page.getByLabel('Assigned to').selectOption({ label: 'Hendra Gunawan' });
      await expect
        .poll(async () => (await app.t.call('GET', `/api/v1/conversations/${budi.id}`, { cookie: app.ownerCookie, workspace: app.workspaceId })).body.assignee_id)
        .not.toBe((await app.t.call('GET', '/api/v1/auth/me', { cookie: app.ownerCookie })).body.user.id);
      await page.locator('.message.note').first().scrollIntoViewIfNeeded();
      expect(await accessibilityProblems(page)).toEqual([]);
      await app.shoot(page, 'inbox-tools');
    } finally {
      await context.close();
    }
  });

  it('adds a personal saved reply from the reply box, and leaves a variable it does not know visible', { timeout: 90_000 }, async () => {
    const context = await app.browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-US' });
    const page = await context.newPage();
    try {
      await app.signIn(page);
      await page.getByRole('link', { name: /Budi Santoso/ }).click();
      await page.getByRole('heading', { name: 'Conversation with Budi Santoso' }).waitFor();
      await page.getByRole('button', { name: 'Saved replies…' }).click();
      const dialog = page.getByRole('dialog', { name: 'Saved replies' });
      await dialog.waitFor();
      await dialog.getByText('/halo').waitFor();
      await dialog.getByLabel('Shortcut (letters, digits, - and _)').fill('thanks');
      await dialog.getByLabel('Text', { exact: true }).fill('Terima kasih, {{contact.first_name}}! {{contact.nickname}}');
      await dialog.getByLabel('Only for me (personal)').check();
      await dialog.getByRole('button', { name: 'Save' }).click();
      await dialog.locator('li', { hasText: '/thanks' }).getByText('personal').waitFor();
      expect(await accessibilityProblems(page)).toEqual([]);
      await app.shoot(page, 'inbox-tools-saved-replies');
      const stored = await asService(db(), (tx) =>
        rows<{ email: string }>(tx, `select u.email from saved_replies r join auth.users u on u.id = r.owner_id where r.workspace_id = $1 and r.shortcut = 'thanks'`, [app.workspaceId]),
      );
      expect(stored).toEqual([{ email: OWNER }]);
      await dialog.getByRole('button', { name: 'Close' }).click();
      await expect.poll(() => dialog.count()).toBe(0);

      const reply = page.getByLabel('Your reply to the customer');
      await reply.click();
      await reply.pressSequentially('/tha');
      await page.getByRole('option', { name: /\/thanks/ }).waitFor();
      await reply.press('Tab');
      expect(await reply.inputValue()).toBe('Terima kasih, Budi! {{contact.nickname}}');
    } finally {
      await context.close();
    }
  });

  it('outside the 24-hour window says why a free-form reply cannot go and sends the configured template to Meta', { timeout: 90_000 }, async () => {
    const context = await app.browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-US' });
    const page = await context.newPage();
    try {
      await app.signIn(page);
      const andi = await conversationOf('Andi Wijaya');
      await page.goto(`${app.base}/inbox/${andi.id}`);
      await page.getByRole('heading', { name: 'Conversation with Andi Wijaya' }).waitFor();
      const notice = page.getByRole('note').filter({ hasText: 'WhatsApp only lets a business reply freely within 24 hours' });
      await notice.waitFor();
      expect(await notice.textContent()).toMatch(/a free-form reply cannot go until they write again/);
      expect(await page.getByLabel('Your reply to the customer').count()).toBe(0);
      const body = page.getByLabel('Text of the template “follow_up” (id)');
      // Suggested in the template's language (Indonesian), filled with the contact's first name.
      const suggested = 'Halo Andi, ada kabar tentang pertanyaan kamu. Balas pesan ini untuk melanjutkan percakapan.';
      expect(await body.inputValue()).toBe(suggested);
      // The owner's note from the demo is in the thread, in time order.
      await page.locator('.message.note', { hasText: 'tolong telepon Andi' }).waitFor();
      expect(await accessibilityProblems(page)).toEqual([]);
      await app.shoot(page, 'inbox-tools-window');

      const before = app.fake.sent.length;
      await page.getByRole('button', { name: 'Send the template' }).click();
      await page.locator('.message.agent', { hasText: suggested }).waitFor();
      await app.t.worker.drain();
      const sent = app.fake.sent.slice(before);
      expect(sent).toHaveLength(1);
      expect(sent[0]!.body).toMatchObject({
        to: '+6281234567003',
        type: 'template',
        template: { name: 'follow_up', language: { code: 'id' }, components: [{ type: 'body', parameters: [{ type: 'text', text: suggested }] }] },
      });
      await page.locator('.message.agent', { hasText: suggested }).locator('.delivery', { hasText: 'sent' }).waitFor({ timeout: 15_000 });

      // Snooze until tomorrow morning, then wake it.
      await page.locator('summary', { hasText: 'Snooze' }).click();
      await page.getByRole('button', { name: 'Tomorrow 09:00' }).click();
      await page.getByText(/^Snoozed until /).waitFor();
      const snoozed = (await app.t.call('GET', `/api/v1/conversations/${andi.id}`, { cookie: app.ownerCookie, workspace: app.workspaceId })).body;
      expect(snoozed.status).toBe('snoozed');
      // 09:00 in Jakarta is 02:00 UTC.
      expect(new Date(snoozed.snoozed_until).getUTCHours()).toBe(2);
      expect(new Date(snoozed.snoozed_until).getTime()).toBeGreaterThan(Date.now());
      await page.getByRole('button', { name: 'Wake up now' }).click();
      await page.locator('summary', { hasText: 'Snooze' }).waitFor();
    } finally {
      await context.close();
    }
  });

  it('shows the API refusing a free-form WhatsApp reply outside the window, and keeps the text for the template', { timeout: 90_000 }, async () => {
    // A customer who never wrote on WhatsApp: only a template may reach them.
    const contact = await app.asOwner('POST', '/api/v1/contacts', { name: 'Wulan Sari', phone: '+6281277700551' });
    expect(contact.status, JSON.stringify(contact.body)).toBe(201);
    const thread = await app.asOwner('POST', '/api/v1/conversations', { contact_id: contact.body.id, channel: 'whatsapp' });
    expect(thread.status, JSON.stringify(thread.body)).toBe(201);
    const context = await app.browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-US' });
    const page = await context.newPage();
    try {
      // Until the reply is sent the app sees the window open, as it would had the window closed
      // while the person typed: only the server's refusal can then stop the reply.
      let replied = false;
      page.on('request', (r) => {
        if (r.method() === 'POST' && r.url().endsWith(`/api/v1/conversations/${thread.body.id}/messages`)) replied = true;
      });
      await page.route(`**/api/v1/conversations/${thread.body.id}?*`, async (route) => {
        if (replied || route.request().method() !== 'GET') return route.continue();
        const answer = await route.fetch();
        const body = await answer.json();
        await route.fulfill({ response: answer, json: { ...body, reply_window: { ...body.reply_window, free_form: true } } });
      });
      await app.signIn(page);
      await page.goto(`${app.base}/inbox/${thread.body.id}`);
      await page.getByRole('heading', { name: 'Conversation with Wulan Sari' }).waitFor();
      const text = 'Halo Wulan, kami punya jadwal konsultasi besok jam 10.';
      await page.getByLabel('Your reply to the customer').fill(text);
      const before = app.fake.sent.length;
      await page.getByRole('button', { name: 'Send', exact: true }).click();

      // The server's own words, and the template offered with the text kept in it.
      await page.getByRole('alert').filter({ hasText: /WhatsApp only lets a business reply freely within 24 hours .*template "follow_up"/ }).waitFor();
      await page.getByRole('note').filter({ hasText: 'This customer has never written on WhatsApp' }).waitFor();
      expect(await page.getByLabel('Text of the template “follow_up” (id)').inputValue()).toBe(text);
      expect(await page.getByLabel('Your reply to the customer').count()).toBe(0);
      expect(await accessibilityProblems(page)).toEqual([]);
      await app.shoot(page, 'inbox-window-refused');
      await app.t.worker.drain();
      expect(app.fake.sent.length).toBe(before);
      const stored = await app.asOwner('GET', `/api/v1/conversations/${thread.body.id}`);
      expect(stored.body.messages).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('moves through conversations with j and k, never while typing, lists the shortcuts with ?, searches, takes over with t and closes with c', { timeout: 90_000 }, async () => {
    const context = await app.browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-US' });
    const page = await context.newPage();
    try {
      await app.signIn(page);
      await page.locator('.conversation').nth(2).waitFor();
      const order = await page.locator('.conversation').evaluateAll((els) => els.map((e) => (e as unknown as { getAttribute(n: string): string }).getAttribute('href')));
      const path = () => new URL(page.url()).pathname;
      await page.locator('body').press('j');
      await expect.poll(path).toBe(order[0]);
      await page.locator('.thread-head h2').waitFor();
      await page.locator('body').press('j');
      await expect.poll(path).toBe(order[1]);
      await page.locator('body').press('j');
      await expect.poll(path).toBe(order[2]);
      await page.locator('body').press('k');
      await expect.poll(path).toBe(order[1]);
      // Typing in the search box searches; its k does not move to the previous conversation.
      const search = page.getByLabel('Search messages');
      await search.click();
      await search.pressSequentially('kuliah S2 di UK');
      expect(path()).toBe(order[1]);
      await expect.poll(() => page.locator('.conversation').count()).toBe(1);
      await page.locator('.conversation', { hasText: 'Budi Santoso' }).waitFor();
      await search.fill('');
      await search.press('Escape');
      await expect.poll(() => page.locator('.conversation').count()).toBeGreaterThan(1);

      await page.locator('body').press('?');
      const dialog = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
      await dialog.waitFor();
      await dialog.getByText('Next conversation').waitFor();
      expect(await accessibilityProblems(page)).toEqual([]);
      await app.shoot(page, 'inbox-tools-shortcuts');
      await page.keyboard.press('Escape');
      await expect.poll(() => dialog.count()).toBe(0);

      // t takes a conversation over from the assistant, c closes it.
      const dewi = await conversationOf('Dewi Lestari');
      await page.locator('.conversation', { hasText: 'Dewi Lestari' }).click();
      await page.getByRole('heading', { name: 'Conversation with Dewi Lestari' }).waitFor();
      await page.getByText('The assistant answers').waitFor();
      await page.locator('body').press('t');
      await page.getByText('A person answers').waitFor();
      await page.locator('body').press('c');
      await page.getByRole('button', { name: 'Reopen' }).waitFor();
      const closed = (await app.t.call('GET', `/api/v1/conversations/${dewi.id}`, { cookie: app.ownerCookie, workspace: app.workspaceId })).body;
      expect(closed).toMatchObject({ owner: 'human', status: 'resolved' });
    } finally {
      await context.close();
    }
  });

  it('fits the tools on a 390-px phone', { timeout: 60_000 }, async () => {
    const context = await app.browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, locale: 'en-US' });
    const page = await context.newPage();
    try {
      await app.signIn(page);
      const andi = await conversationOf('Andi Wijaya');
      await page.goto(`${app.base}/inbox/${andi.id}`);
      await page.getByRole('heading', { name: 'Conversation with Andi Wijaya' }).waitFor();
      await page.getByRole('button', { name: 'Private note' }).click();
      await page.getByLabel('Private note for the team (the customer never sees it)').waitFor();
      expect(await noHorizontalScroll(page)).toBe(true);
      expect(await accessibilityProblems(page)).toEqual([]);
      await app.shoot(page, 'inbox-tools-phone');
    } finally {
      await context.close();
    }
  });
});
