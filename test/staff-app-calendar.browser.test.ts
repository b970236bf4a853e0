// The calendar's hourly grid in Debian's Chromium against the real server on each database:
// consultations sit at their time, and dragging one reschedules it through the API: onto a
// free slot it moves there; onto a slot another consultation holds, the API's refusal shows
// and nothing changes. axe-core finds nothing serious on the grid.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { addDays, localDate, mondayOf } from '../web/src/pages/calendar-time.ts';
import { accessibilityProblems, describeWithBrowser, startStaffApp, type StaffApp } from './browser.ts';

const ZONE = 'Asia/Jakarta'; // the Eagle demo's time zone

describeWithBrowser('the calendar grid in a real browser', (db, kind) => {
  let app: StaffApp;
  beforeAll(async () => {
    app = await startStaffApp(db(), kind);
  }, 180_000);
  afterAll(() => app?.close());

  it('reschedules a consultation by dragging it to a free slot, and refuses a taken one with the API’s reason', { timeout: 120_000 }, async () => {
    // Next week's free slots (the week the grid shows after one "Next week").
    const monday = addDays(mondayOf(localDate(new Date(), ZONE)), 7);
    const free = await app.asOwner('GET', `/api/v1/availability?from=${monday}&to=${addDays(monday, 6)}`);
    expect(free.status).toBe(200);
    const starts = (free.body.data as { start: string; consultant_id: string | null }[]).filter((s) => s.consultant_id === null).map((s) => s.start);
    expect(starts.length).toBeGreaterThan(3);
    const [aStart, target, bStart] = [starts[0]!, starts[1]!, starts[3]!];

    const contacts = await app.asOwner('GET', '/api/v1/contacts?q=Siti');
    const siti = (contacts.body.data as { id: string }[])[0]!;
    const andi = ((await app.asOwner('GET', '/api/v1/contacts?q=Andi')).body.data as { id: string }[])[0]!;
    const a = await app.asOwner('POST', '/api/v1/appointments', { contact_id: siti.id, start: aStart });
    expect(a.status, JSON.stringify(a.body)).toBe(201);
    const b = await app.asOwner('POST', '/api/v1/appointments', { contact_id: andi.id, start: bStart });
    expect(b.status, JSON.stringify(b.body)).toBe(201);
    const scheduledAt = async (id: string) => new Date(((await app.asOwner('GET', `/api/v1/appointments/${id}`)).body as { scheduled_at: string }).scheduled_at).toISOString();

    const context = await app.browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-US' });
    const page = await context.newPage();
    try {
      await app.signIn(page);
      await page.getByRole('link', { name: 'Calendar', exact: true }).click();
      await page.getByRole('heading', { name: 'Calendar', level: 1 }).waitFor();
      await page.getByRole('button', { name: 'Week', exact: true }).click();
      await page.getByRole('button', { name: 'Next week' }).click();
      const blockA = page.locator(`.cal-block[data-id="${a.body.id}"]`);
      const blockB = page.locator(`.cal-block[data-id="${b.body.id}"]`);
      await blockA.getByText('Siti Rahmawati').waitFor();
      await blockB.waitFor();
      // Placed at its time: a later start on the same day sits lower on the grid.
      const slotTarget = page.locator(`button.cal-slot[data-start="${target}"]`);
      await slotTarget.waitFor();
      if (localDate(aStart, ZONE) === localDate(target, ZONE)) {
        expect((await slotTarget.boundingBox())!.y).toBeGreaterThan((await blockA.boundingBox())!.y);
      }
      expect(await accessibilityProblems(page)).toEqual([]);

      // Onto a free slot: it moves there, and its old time is offered again.
      await blockA.dragTo(slotTarget);
      await expect.poll(() => scheduledAt(a.body.id)).toBe(new Date(target).toISOString());
      await page.locator(`button.cal-slot[data-start="${aStart}"]`).waitFor();
      await expect.poll(() => slotTarget.count()).toBe(0);

      // Onto another consultation's slot: the API says it is taken, and nothing moves.
      await blockA.dragTo(blockB);
      await page.getByRole('alert').filter({ hasText: 'that slot is no longer available' }).waitFor();
      expect(await scheduledAt(a.body.id)).toBe(new Date(target).toISOString());
      expect(await scheduledAt(b.body.id)).toBe(new Date(bStart).toISOString());
      expect(await accessibilityProblems(page)).toEqual([]);
      await app.shoot(page, 'calendar-week');
    } finally {
      await context.close();
    }
  });
});
