// The calendar, what the assistant knows and the playground, as people use them: the built
// app in Debian's Chromium against the real server on each database. A booking made in the
// calendar leaves availability; an FAQ written from the unanswered list is what the
// playground's next answer uses; flow stages reorder by keyboard; axe-core finds nothing
// serious on these screens, on a desk and at 390 px. The calendar's screenshots in
// docs/screenshots are taken here.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { asService, rows } from './support/actors.ts';
import { email, testApp } from './support/http.ts';
import { accessibilityProblems, describeWithBrowser, noHorizontalScroll, startStaffApp, type StaffApp } from './browser.ts';

describeWithBrowser('the calendar, the knowledge screens and the playground in a real browser', (db, kind) => {
  let app: StaffApp;
  beforeAll(async () => {
    app = await startStaffApp(db(), kind, { whatsapp: {} });
  }, 180_000);
  afterAll(() => app?.close());

  it('books a free slot from the calendar, which then leaves availability', { timeout: 90_000 }, async () => {
    const context = await app.browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-US' });
    const page = await context.newPage();
    try {
      await app.signIn(page);
      await page.getByRole('link', { name: 'Calendar', exact: true }).click();
      await page.getByRole('heading', { name: 'Calendar', level: 1 }).waitFor();
      await page.getByRole('button', { name: 'Week', exact: true }).click();
      await page.getByRole('button', { name: 'Next week' }).click();
      // The first free slot of next week (every weekday has some in the demo).
      const slot = page.locator('button.cal-slot').first();
      await slot.waitFor();
      const slotStart = (await slot.getAttribute('data-start'))!;
      const offered = () => page.locator(`button.cal-slot[data-start="${slotStart}"]`).count();
      expect(await offered()).toBe(1);
      await slot.click();

      const form = page.getByRole('form', { name: 'New booking' });
      await form.waitFor();
      // The slot is chosen once the day's free slots have loaded into the form.
      const time = form.getByLabel('Time', { exact: true });
      await expect.poll(async () => (await time.inputValue()).split('|')[0]).toBe(slotStart);
      const start = slotStart;
      expect(Date.parse(start)).toBeGreaterThan(Date.now());
      const name = `Calendar Guest ${randomBytes(2).toString('hex')}`;
      await form.getByLabel('Customer name').fill(name);
      await form.getByLabel('Customer phone').fill('0812 9876 5432');
      await form.getByLabel('Service', { exact: true }).fill('Consultation visit');
      await form.getByRole('button', { name: 'Book', exact: true }).click();

      // The booking shows at its time on its day, and its slot is no longer offered.
      const block = page.locator('.cal-block', { hasText: name });
      await block.waitFor();
      await expect.poll(offered).toBe(0);
      const day = start.slice(0, 10);
      const after = await app.asOwner('GET', `/api/v1/availability?from=${day}&to=${day}`);
      expect(after.status).toBe(200);
      expect((after.body.data as { start: string }[]).some((s) => s.start === start)).toBe(false);
      const booked = await app.asOwner('GET', `/api/v1/bookings?from=${encodeURIComponent(start)}&to=${encodeURIComponent(new Date(Date.parse(start) + 60_000).toISOString())}`);
      expect((booked.body.data as { customer_name: string }[]).map((b) => b.customer_name)).toContain(name);

      // Move it to another free slot of that day: the old one is offered again.
      await block.getByRole('button').click();
      const item = page.getByRole('complementary', { name: 'Booking details' }).locator('.cal-item', { hasText: name });
      await item.getByRole('button', { name: 'Reschedule' }).click();
      const move = item.getByRole('form', { name: 'Move to another slot' });
      const target = move.getByLabel('Time', { exact: true });
      await expect.poll(() => target.locator('option').count()).toBeGreaterThan(1);
      const to = (await target.locator('option').nth(1).getAttribute('value'))!;
      await target.selectOption(to);
      await move.getByRole('button', { name: 'Move here' }).click();
      await expect.poll(offered).toBe(1);
      const [toStart] = to.split('|') as [string];
      await expect.poll(() => page.locator(`button.cal-slot[data-start="${toStart}"]`).count()).toBe(0);
      const moved = await app.asOwner('GET', `/api/v1/bookings?from=${encodeURIComponent(toStart)}&to=${encodeURIComponent(new Date(Date.parse(toStart) + 60_000).toISOString())}`);
      expect((moved.body.data as { customer_name: string }[]).map((b) => b.customer_name)).toContain(name);

      // Confirm it, then mark it completed, from the calendar.
      await item.getByRole('button', { name: 'Confirm' }).click();
      await item.locator('.badge', { hasText: 'Confirmed' }).waitFor();
      await item.getByRole('button', { name: 'Completed' }).click();
      await item.locator('.badge', { hasText: 'Completed' }).waitFor();

      expect(await accessibilityProblems(page)).toEqual([]);

      // This week holds the demo's paid consultation: its payment shows beside it.
      await page.getByRole('button', { name: 'Today' }).click();
      await page.locator('.cal-block.appointment .badge.pay-paid', { hasText: /Paid/ }).waitFor();
      expect(await accessibilityProblems(page)).toEqual([]);
      await app.shoot(page, 'calendar', true);
    } finally {
      await context.close();
    }
  });

  it('shows the calendar as the hourly grid of one day on a 390-px phone', { timeout: 60_000 }, async () => {
    const context = await app.browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, locale: 'en-US' });
    const page = await context.newPage();
    try {
      await app.signIn(page);
      await page.goto(`${app.base}/calendar`);
      await page.getByRole('heading', { name: 'Calendar', level: 1 }).waitFor();
      await page.locator('.cal-grid .cal-column').waitFor();
      await page.getByRole('button', { name: 'Next day' }).click();
      await page.locator('.cal-column').first().waitFor();
      expect(await noHorizontalScroll(page)).toBe(true);
      expect(await accessibilityProblems(page)).toEqual([]);
      await app.shoot(page, 'calendar-phone', true);
    } finally {
      await context.close();
    }
  });

  /** Rows that a real conversation would leave in the workspace. */
  const footprint = () =>
    asService(db(), async (tx) => {
      const out: Record<string, number> = {};
      for (const table of ['contacts', 'conversations', 'messages', 'outbox', 'ari_messages', 'ari_appointments', 'ari_payments']) {
        out[table] = (await rows<{ n: number }>(tx, `select count(*)::int as n from ${table} where workspace_id = $1`, [app.workspaceId]))[0]!.n;
      }
      return out;
    });

  it('answers an unanswered question with a new FAQ, which the playground then uses, creating and sending nothing', { timeout: 120_000 }, async () => {
    const question = `Apakah asramanya boleh bawa burung beo ${randomBytes(2).toString('hex')}?`;
    for (const message of ['Halo', 'Nama saya Sari', question]) {
      const turn = await app.asOwner('POST', '/api/v1/assistant/turns', { phone: '+6281299990001', channel: 'webchat', message });
      expect(turn.status, JSON.stringify(turn.body)).toBe(200);
    }
    const context = await app.browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-US' });
    const page = await context.newPage();
    try {
      await app.signIn(page);
      await page.getByRole('link', { name: 'Assistant', exact: true }).click();
      await page.getByRole('heading', { name: 'Assistant', level: 1 }).waitFor();
      await page.getByRole('heading', { name: 'Knowledge categories' }).waitFor();
      expect(await accessibilityProblems(page)).toEqual([]);
      for (const tab of ['FAQs', 'Destinations', 'Services', 'Persona and flow', 'Scoring', 'Prompts', 'Models']) {
        await page.getByRole('link', { name: tab, exact: true }).click();
        await page.locator('main h2').first().waitFor();
        await expect.poll(() => page.getByRole('status').filter({ hasText: 'Loading' }).count()).toBe(0);
        expect(await accessibilityProblems(page), tab).toEqual([]);
      }

      await page.getByRole('link', { name: 'Unanswered', exact: true }).click();
      await page.getByText(question, { exact: true }).waitFor();
      expect(await accessibilityProblems(page)).toEqual([]);
      await page.locator('li.unanswered', { hasText: question }).getByRole('button', { name: /^Answer with a new FAQ/ }).click();
      const form = page.getByRole('form', { name: 'Answer with a new FAQ' });
      expect(await form.getByLabel('Question').inputValue()).toBe(question);
      await form.getByLabel('Question').fill('Apakah asrama boleh bawa burung beo?');
      await form.getByLabel('Answer').fill('Boleh, asrama mitra kami menerima burung kecil dalam sangkar.');
      await form.getByLabel('Category', { exact: true }).fill('asrama');
      await form.getByLabel('Keywords').fill('burung, beo, asrama, hewan');
      await form.getByRole('button', { name: 'Save the FAQ and mark it answered' }).click();
      await expect.poll(() => page.getByText(question, { exact: true }).count()).toBe(0);
      await app.shoot(page, 'assistant-unanswered', true);

      // The playground answers from it, and leaves nothing behind.
      const before = await footprint();
      await page.getByRole('button', { name: 'Try it in the playground' }).click();
      const panel = page.getByRole('complementary', { name: 'Playground' });
      const box = panel.getByLabel('Your message as the customer');
      for (const message of ['Halo', 'Nama saya Sari', question]) {
        await box.fill(message);
        await box.press('Enter');
        await panel.locator('.pg-customer', { hasText: message }).waitFor();
        await expect.poll(() => box.inputValue()).toBe('');
      }
      const last = panel.locator('.pg-turn').last();
      await last.locator('.pg-reply', { hasText: 'sangkar' }).waitFor();
      await last.locator('.pg-knowledge', { hasText: 'FAQ: Apakah asrama boleh bawa burung beo?' }).waitFor();
      await last.getByText('State').waitFor();
      expect(await accessibilityProblems(page)).toEqual([]);
      await app.shoot(page, 'assistant-playground', true);
      expect(await footprint()).toEqual(before);
      await app.t.worker.drain();
      expect(app.fake.sent).toHaveLength(0);
    } finally {
      await context.close();
    }
  });

  it('reorders the flow stages by keyboard, and shows the field errors of a bad scoring config', { timeout: 90_000 }, async () => {
    const stages = async () => ((await app.asOwner('GET', '/api/v1/assistant/flow-stages')).body.data as { name: string }[]).map((x) => x.name);
    const start = await stages();
    expect(start.length).toBeGreaterThan(2);
    const context = await app.browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-US' });
    const page = await context.newPage();
    try {
      await app.signIn(page);
      await page.goto(`${app.base}/knowledge/behaviour`);
      await page.getByRole('heading', { name: 'Conversation flow' }).waitFor();
      const second = start[1]!;
      const up = page.getByRole('button', { name: `Move ${second} up` });
      await up.focus();
      await page.keyboard.press('Enter');
      await expect.poll(stages).toEqual([second, start[0], ...start.slice(2)]);
      await page.getByRole('status').filter({ hasText: `${second} moved to position 1` }).waitFor();
      // Focus stays with the moved stage: at the top its "up" is disabled, so "down" has it.
      await expect.poll(() => page.evaluate(() => (globalThis as unknown as { document: { activeElement: { getAttribute(n: string): string | null } } }).document.activeElement.getAttribute('aria-label'))).toBe(`Move ${second} down`);
      await page.keyboard.press('Enter');
      await expect.poll(stages).toEqual(start);
      // And by drag and drop: the last stage dropped on the first.
      const items = page.locator('ol.stages > li');
      await items.last().dragTo(items.first());
      await expect.poll(stages).toEqual([start.at(-1), ...start.slice(0, -1)]);
      await page.getByRole('button', { name: `Move ${start.at(-1)} down` }).click();
      await expect.poll(stages).toEqual([start[0], start.at(-1), ...start.slice(1, -1)]);
      expect(await accessibilityProblems(page)).toEqual([]);
      await app.shoot(page, 'assistant-flow', true);

      // A new prompt version, the diff against the one before, and one click back to it.
      const active = async () => (await app.asOwner('GET', '/api/v1/system-prompts/active?type=whatsapp')).body as { id: string; system_prompt: string };
      const original = await active();
      await page.getByRole('link', { name: 'Prompts', exact: true }).click();
      const promptBox = page.getByLabel('Prompt', { exact: true });
      await expect.poll(() => promptBox.inputValue()).toBe(original.system_prompt);
      await promptBox.fill(`${original.system_prompt}\nSelalu sebut nama konsultan.`);
      await page.getByRole('button', { name: 'Save as the new active version' }).click();
      await expect.poll(async () => (await active()).id).not.toBe(original.id);
      await page.locator('.diff-added', { hasText: 'Selalu sebut nama konsultan.' }).waitFor();
      await page.getByText('Lines added: 1; removed: 0').waitFor();
      expect(await accessibilityProblems(page)).toEqual([]);
      await page.getByRole('button', { name: /^Make active/ }).first().click();
      await expect.poll(async () => (await active()).id).toBe(original.id);

      await page.getByRole('link', { name: 'Scoring', exact: true }).click();
      const basic = page.getByLabel('Basic details');
      await basic.fill('90');
      await page.getByRole('button', { name: 'Save', exact: true }).click();
      await page.locator('.field-error', { hasText: 'the four weights must add up to 100' }).first().waitFor();
      expect(await basic.getAttribute('aria-invalid')).toBe('true');
      expect(await page.getByLabel('Hot from').getAttribute('aria-invalid')).toBeNull();
      expect(await accessibilityProblems(page)).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('reorders the knowledge categories by keyboard and by drag and drop', { timeout: 90_000 }, async () => {
    const names = async () => ((await app.asOwner('GET', '/api/v1/knowledge/categories')).body.data as { name: string }[]).map((c) => c.name);
    for (const name of ['Visa', 'Beasiswa', 'Asrama']) {
      if ((await names()).length >= 3) break;
      expect((await app.asOwner('POST', '/api/v1/knowledge/categories', { name })).status).toBe(201);
    }
    const start = await names();
    expect(start.length).toBeGreaterThan(2);
    const context = await app.browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-US' });
    const page = await context.newPage();
    try {
      await app.signIn(page);
      await page.goto(`${app.base}/knowledge`);
      await page.getByRole('heading', { name: 'Knowledge categories' }).waitFor();
      const second = start[1]!;
      await page.getByRole('button', { name: `Move ${second} up` }).focus();
      await page.keyboard.press('Enter');
      await expect.poll(names).toEqual([second, start[0], ...start.slice(2)]);
      await page.getByRole('status').filter({ hasText: `${second} moved to position 1 of ${start.length}` }).waitFor();
      // The focus stays with the moved category (at the top, on its "down").
      await expect.poll(() => page.evaluate(() => (globalThis as unknown as { document: { activeElement: { getAttribute(n: string): string | null } } }).document.activeElement.getAttribute('aria-label'))).toBe(`Move ${second} down`);
      await page.keyboard.press('Enter');
      await expect.poll(names).toEqual(start);
      // And by drag and drop: the last category dropped on the first.
      const items = page.locator('ol.categories > li');
      await items.last().dragTo(items.first());
      await expect.poll(names).toEqual([start.at(-1), ...start.slice(0, -1)]);
      await expect.poll(() => items.locator('strong').allTextContents()).toEqual([start.at(-1), ...start.slice(0, -1)]);
      expect(await accessibilityProblems(page)).toEqual([]);
      await app.shoot(page, 'assistant-categories');
    } finally {
      await context.close();
    }
  });

  it('fits the assistant screens and the playground on a 390-px phone', { timeout: 60_000 }, async () => {
    const context = await app.browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, locale: 'en-US' });
    const page = await context.newPage();
    try {
      await app.signIn(page);
      await page.goto(`${app.base}/knowledge/faqs`);
      await page.getByRole('heading', { name: 'Frequently asked questions' }).waitFor();
      await page.getByRole('button', { name: 'Try it in the playground' }).click();
      const panel = page.getByRole('complementary', { name: 'Playground' });
      await panel.getByLabel('Your message as the customer').fill('Halo');
      await panel.getByRole('button', { name: 'Send' }).click();
      await panel.locator('.pg-reply').first().waitFor();
      expect(await noHorizontalScroll(page)).toBe(true);
      expect(await accessibilityProblems(page)).toEqual([]);
      await app.shoot(page, 'assistant-phone', true);
    } finally {
      await context.close();
    }
  });

  it('shows a member what a member may use: the calendar without availability editing, the assistant read-only, the playground', { timeout: 90_000 }, async () => {
    const member = await testApp(db()).teammate({ cookie: app.ownerCookie, workspace: app.workspaceId }, email('calknow-member'), 'member');
    const context = await app.browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-US' });
    const page = await context.newPage();
    try {
      await app.signIn(page, member.email, { password: 'correct horse battery' });
      await expect.poll(() => page.getByRole('link', { name: 'Team settings' }).count()).toBe(0);
      await page.getByRole('link', { name: 'Calendar', exact: true }).click();
      await page.locator('.cal-column').first().waitFor();
      await page.getByRole('button', { name: 'New booking' }).waitFor();
      expect(await page.getByRole('heading', { name: 'Weekly availability' }).count()).toBe(0);
      expect(await page.getByRole('heading', { name: 'Closed dates' }).count()).toBe(0);
      expect(await accessibilityProblems(page)).toEqual([]);

      await page.goto(`${app.base}/knowledge/models`);
      await page.getByText('You can read what the assistant knows; owners and admins change it.').waitFor();
      // No model arms for members (the API refuses them): the address falls back to the knowledge.
      await page.getByRole('heading', { name: 'Knowledge categories' }).waitFor();
      expect(await page.getByRole('link', { name: 'Models', exact: true }).count()).toBe(0);
      await page.getByRole('link', { name: 'FAQs', exact: true }).click();
      await page.getByRole('heading', { name: 'Frequently asked questions' }).waitFor();
      await expect.poll(() => page.getByRole('status').filter({ hasText: 'Loading' }).count()).toBe(0);
      expect(await page.getByRole('button', { name: /^Edit/ }).count()).toBe(0);
      expect(await page.getByRole('form', { name: 'Add an FAQ' }).count()).toBe(0);
      await page.getByRole('link', { name: 'Unanswered', exact: true }).click();
      await page.getByRole('heading', { name: 'Questions the assistant could not answer' }).waitFor();
      expect(await page.getByRole('button', { name: /^Answer with a new FAQ/ }).count()).toBe(0);

      await page.getByRole('button', { name: 'Try it in the playground' }).click();
      const panel = page.getByRole('complementary', { name: 'Playground' });
      await panel.getByLabel('Your message as the customer').fill('Halo');
      await panel.getByRole('button', { name: 'Send' }).click();
      await panel.locator('.pg-reply').first().waitFor();
      expect(await accessibilityProblems(page)).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
