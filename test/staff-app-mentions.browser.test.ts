// A teammate mentioned in a private note is told in the app, in a real Chromium (Debian's,
// driven by playwright-core) against the real server on each database: the owner writes a
// note mentioning the consultant in her browser; the consultant's open app (another browser)
// shows the new unread count and a notice without a reload, lists the mention, and opening
// its conversation reads it. axe-core on the list. Screenshots docs/screenshots/mentions*.png.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../src/apps/demo.ts';
import { setPassword } from '../src/modules/tenancy/index.ts';
import { asService, rows } from './support/actors.ts';
import { accessibilityProblems, describeWithBrowser, noHorizontalScroll, startStaffApp, type StaffApp } from './browser.ts';

const CONSULTANT = 'consultant@eagle-overseas.demo';

describeWithBrowser('mentions in a real browser', (db, kind) => {
  let app: StaffApp;
  let consultantId: string;

  const unreadOf = async (userId: string) =>
    Number(
      (
        await asService(db(), (tx) =>
          rows<{ n: string }>(tx, 'select count(*)::text as n from conversation_note_mentions where workspace_id = $1 and user_id = $2 and read_at is null', [app.workspaceId, userId]),
        )
      )[0]!.n,
    );

  beforeAll(async () => {
    app = await startStaffApp(db(), kind);
    consultantId = (await asService(db(), (tx) => rows<{ id: string }>(tx, 'select id from auth.users where email = $1', [CONSULTANT])))[0]!.id;
    await setPassword(db(), consultantId, DEMO_PASSWORD);
  }, 180_000);
  afterAll(() => app?.close());

  it('tells the mentioned consultant live, lists the mention, and reads it when he opens the conversation', { timeout: 150_000 }, async () => {
    const owner = await (await app.browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-US' })).newPage();
    const consultantContext = await app.browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-US' });
    const consultant = await consultantContext.newPage();
    try {
      // The demo's owner left the consultant a note on the handed-off lead: it waits, unread.
      const seeded = await unreadOf(consultantId);
      expect(seeded).toBeGreaterThan(0);
      await app.signIn(consultant, CONSULTANT);
      const mentionsLink = consultant.locator('header').getByRole('link', { name: /^Mentions/ });
      await mentionsLink.getByLabel(`${seeded} unread`).waitFor();

      // The owner writes a note in her inbox, mentioning him.
      await app.signIn(owner);
      await owner.getByRole('link', { name: /Budi Santoso/ }).click();
      await owner.getByRole('heading', { name: 'Conversation with Budi Santoso' }).waitFor();
      await owner.getByRole('button', { name: 'Private note', exact: true }).click();
      const note = owner.getByLabel('Private note for the team (the customer never sees it)');
      await note.pressSequentially('@Hen');
      await owner.getByRole('option', { name: /@Hendra Gunawan/ }).waitFor();
      await note.press('Enter');
      await note.pressSequentially('Budi wants a call about the visa today.');
      await owner.getByRole('button', { name: 'Add note' }).click();
      await owner.locator('.message.note', { hasText: 'Budi wants a call about the visa today.' }).waitFor();

      // His app, never reloaded, counts it and says who mentioned him.
      await mentionsLink.getByLabel(`${seeded + 1} unread`).waitFor({ timeout: 15_000 });
      const toast = consultant.locator('.mention-toast');
      await toast.getByText('Rina Kusuma mentioned you: “@Hendra Gunawan Budi wants a call about the visa today.”').waitFor();
      await app.shoot(consultant, 'mentions-notice');

      // The list: newest first, unread, with whose conversation it is.
      await mentionsLink.click();
      await consultant.getByRole('heading', { name: 'Mentions' }).waitFor();
      const first = consultant.locator('.mention-list li').first();
      await first.getByText('@Hendra Gunawan Budi wants a call about the visa today.').waitFor();
      await first.getByText(/Rina Kusuma on Budi Santoso \(WhatsApp\)/).waitFor();
      await first.getByText('Unread').waitFor();
      expect(await accessibilityProblems(consultant)).toEqual([]);
      await app.shoot(consultant, 'mentions');

      // Opening it shows the note in its thread and reads the mention.
      await first.getByRole('link', { name: 'Open the conversation' }).click();
      await consultant.getByRole('heading', { name: 'Conversation with Budi Santoso' }).waitFor();
      await consultant.locator('.message.note', { hasText: 'Budi wants a call about the visa today.' }).waitFor();
      await mentionsLink.getByLabel(`${seeded} unread`).waitFor();
      await expect.poll(() => unreadOf(consultantId)).toBe(seeded);

      // Opening the seeded note's conversation from the inbox reads that one too; then none is left.
      const seededConversation = (
        await asService(db(), (tx) =>
          rows<{ conversation_id: string }>(
            tx,
            `select n.conversation_id from conversation_note_mentions m join conversation_notes n on n.workspace_id = m.workspace_id and n.id = m.note_id
              where m.workspace_id = $1 and m.user_id = $2 and m.read_at is null order by m.created_at desc limit 1`,
            [app.workspaceId, consultantId],
          ),
        )
      )[0]!.conversation_id;
      await consultant.goto(`${app.base}/inbox/${seededConversation}`);
      await consultant.getByRole('heading', { name: /^Conversation with / }).waitFor();
      await expect.poll(() => unreadOf(consultantId)).toBe(seeded - 1);
      if (seeded > 1) {
        await mentionsLink.click();
        await consultant.getByRole('button', { name: 'Mark all read' }).click();
      }
      await expect.poll(() => unreadOf(consultantId)).toBe(0);
      await consultant.locator('header .badge.count').waitFor({ state: 'detached' });

      // The owner was mentioned by nobody; the list says so. At 390 px it fits.
      await owner.setViewportSize({ width: 390, height: 844 });
      await owner.goto(`${app.base}/mentions`);
      await owner.getByText('Nobody has mentioned you in a note yet.').waitFor();
      expect(await noHorizontalScroll(owner)).toBe(true);
      await consultant.setViewportSize({ width: 390, height: 844 });
      await consultant.goto(`${app.base}/mentions`);
      await consultant.locator('.mention-list li').first().waitFor();
      expect(await noHorizontalScroll(consultant)).toBe(true);
      await app.shoot(consultant, 'mentions-phone');
    } finally {
      await owner.context().close();
      await consultantContext.close();
    }
  });
});
