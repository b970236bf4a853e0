import { Command } from 'commander';
import { beforeAll, expect, it } from 'vitest';
import { describeEachDatabase } from '../../test/support/db.ts';
import { email, testApp } from '../../test/support/http.ts';
import { fixedClock } from '../platform/clock.ts';
import { registerAvailabilityCommand } from './availability.ts';

// Now: Friday 6 March 2026, 12:00 UTC. Toronto moves to EDT on Sunday 8 March.
const clock = fixedClock('2026-03-06T12:00:00Z');

describeEachDatabase('frontdesk availability', (db) => {
  let slug: string;
  let workspaceId: string;

  async function cli(...args: string[]): Promise<string> {
    let out = '';
    const program = new Command('frontdesk').exitOverride().configureOutput({ writeErr: () => {} });
    registerAvailabilityCommand(program, { withDatabase: (fn) => fn(db()), clock, write: (text) => (out += text) });
    await program.parseAsync(['availability', ...args], { from: 'user' });
    return out;
  }

  beforeAll(async () => {
    const people = testApp(db());
    const t = testApp(db(), clock);
    slug = `laundry-${Date.now().toString(36)}`;
    const owner = await people.owner(email('laundry'), { name: '1StopLaundry', slug, time_zone: 'America/Toronto', locale: 'en', currency: 'CAD', country: 'CA' });
    workspaceId = owner.workspaceId;
    for (const [day, start, end, seats] of [[6, '09:00', '11:00', 1], [1, '09:00', '10:00', 2]] as const) {
      const res = await t.call('POST', '/api/v1/consultant-slots', { ...owner.as, body: { day_of_week: day, start_time: start, end_time: end, max_bookings_per_slot: seats } });
      expect(res.status).toBe(201);
    }
  });

  it('prints the slots grouped by local day, across the change to daylight saving time', async () => {
    expect(await cli('--workspace', slug, '--from', '2026-03-07', '--to', '2026-03-09')).toBe(
      [
        'slots in America/Toronto',
        '2026-03-07 Sat',
        '  09:00  60 min  anyone  1 seat left',
        '  10:00  60 min  anyone  1 seat left',
        '2026-03-09 Mon',
        '  09:00  60 min  anyone  2 seats left',
        '',
      ].join('\n'),
    );
  });

  it('prints JSON by workspace id, with instants and local starts', async () => {
    const out = JSON.parse(await cli('--workspace', workspaceId, '--from', '2026-03-09', '--to', '2026-03-09', '--json'));
    expect(out).toEqual({
      workspace_id: workspaceId,
      time_zone: 'America/Toronto',
      slots: [{ start: '2026-03-09T13:00:00.000Z', end: '2026-03-09T14:00:00.000Z', local_start: '2026-03-09T09:00:00-04:00', consultant_id: null, seats_left: 2 }],
    });
    expect(await cli('--workspace', slug, '--from', '2026-03-10', '--to', '2026-03-12')).toBe('no slots (America/Toronto)\n');
  });

  it('refuses an unknown workspace, a bad date and a range over 62 days, in its own words', async () => {
    await expect(cli('--workspace', 'nope', '--from', '2026-03-07', '--to', '2026-03-08')).rejects.toMatchObject({ code: 'workspace.not_found', message: 'no workspace "nope"' });
    const id = '01900000-0000-7000-8000-000000000000';
    await expect(cli('--workspace', id, '--from', '2026-03-07', '--to', '2026-03-08')).rejects.toMatchObject({ code: 'workspace.not_found', message: `no workspace "${id}"` });
    await expect(cli('--workspace', slug, '--from', '7 March', '--to', '2026-03-08')).rejects.toMatchObject({ issues: [expect.objectContaining({ path: ['from'] })] });
    await expect(cli('--workspace', slug, '--from', '2026-03-01', '--to', '2026-06-01')).rejects.toMatchObject({ code: 'validation.failed', message: '--to: at most 62 days after from' });
  });
});
