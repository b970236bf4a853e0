// The staff app's reply-box text work (web/src/pages/inbox-text.ts), without a browser.
import { expect, it } from 'vitest';
import { fillVariables, firstName, formatAppointment, isTypingTarget, nextUpcoming, replaceRange, triggerAt } from '../web/src/pages/inbox-text.ts';

it('finds the /shortcut or @name being typed at the cursor, and nothing inside words or addresses', () => {
  expect(triggerAt('/hal', 4)).toEqual({ kind: '/', query: 'hal', start: 0, end: 4 });
  expect(triggerAt('Hi!\n/Jad and more', 8)).toEqual({ kind: '/', query: 'jad', start: 4, end: 8 });
  expect(triggerAt('ask @Hen', 8)).toEqual({ kind: '@', query: 'hen', start: 4, end: 8 });
  expect(triggerAt('and/or', 6)).toBeNull();
  expect(triggerAt('mail rina@eagle', 15)).toBeNull();
  expect(triggerAt('/halo done', 10)).toBeNull();
  expect(triggerAt('ask @Hen', 8, ['/'])).toBeNull();
});

it('inserts at the cursor, keeping the text around it', () => {
  expect(replaceRange('— Rina', 0, 0, 'Halo! ')).toEqual({ text: 'Halo! — Rina', cursor: 6 });
  expect(replaceRange('A /hal B', 2, 6, 'Halo Budi')).toEqual({ text: 'A Halo Budi B', cursor: 11 });
});

it('fills known variables and leaves unknown or empty ones visible', () => {
  const vars = { 'contact.first_name': 'Budi', 'appointment.next': 'Tuesday 10:00', 'contact.email': null };
  expect(fillVariables('Halo {{contact.first_name}}, see you {{ appointment.next }}.', vars)).toBe('Halo Budi, see you Tuesday 10:00.');
  expect(fillVariables('{{contact.email}} {{contact.nickname}} {{ Contact.First_Name }}', vars)).toBe('{{contact.email}} {{contact.nickname}} Budi');
  expect(firstName('  Budi Santoso ')).toBe('Budi');
  expect(firstName(null)).toBeNull();
});

it("picks the next appointment or booking still ahead, in the workspace's zone and locale", () => {
  const now = new Date('2026-12-06T10:00:00Z');
  const next = nextUpcoming(
    [
      { scheduled_at: '2026-12-05T10:00:00Z', status: 'scheduled' },
      { scheduled_at: '2026-12-08T03:00:00Z', status: 'cancelled' },
      { scheduled_at: '2026-12-09T03:00:00Z', status: 'confirmed' },
      { scheduled_at: '2026-12-10T03:00:00Z', status: 'scheduled' },
      { scheduled_at: null, status: 'pending' },
    ],
    now,
  );
  expect(next?.scheduled_at).toBe('2026-12-09T03:00:00Z');
  expect(formatAppointment('2026-12-09T03:00:00Z', 'id-ID', 'Asia/Jakarta')).toMatch(/Rabu, 0?9 Desember 2026.*10[.:]00/);
  expect(formatAppointment('2026-12-09T03:00:00Z', 'en-US', 'America/Toronto')).toMatch(/Tuesday, December 8, 2026.*10:00/);
});

it('treats text fields as typing and buttons as not', () => {
  expect(isTypingTarget({ tagName: 'TEXTAREA' } as unknown as EventTarget)).toBe(true);
  expect(isTypingTarget({ tagName: 'INPUT', type: 'search' } as unknown as EventTarget)).toBe(true);
  expect(isTypingTarget({ tagName: 'INPUT', type: 'checkbox' } as unknown as EventTarget)).toBe(false);
  expect(isTypingTarget({ tagName: 'DIV', isContentEditable: true } as unknown as EventTarget)).toBe(true);
  expect(isTypingTarget({ tagName: 'BUTTON' } as unknown as EventTarget)).toBe(false);
  expect(isTypingTarget(null)).toBe(false);
});
