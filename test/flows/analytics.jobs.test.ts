import { Temporal } from 'temporal-polyfill';
import { beforeAll, expect, it } from 'vitest';
import { asService, rows } from '../support/actors.ts';
import { describeEachDatabase } from '../support/db.ts';
import { email, testApp } from '../support/http.ts';
import { jobDefinitions } from '../../src/jobs.ts';
import { fixedClock } from '../../src/platform/clock.ts';
import { newId } from '../../src/platform/ids.ts';
import { silentLogger } from '../../src/platform/log.ts';
import { DAILY_ANALYTICS_JOB, rollupDailyAnalytics } from '../../src/modules/analytics/index.ts';

// 03:30Z on 11 March 2026: 23:30 on the 10th in Toronto (EDT), 10:30 on the 11th in Jakarta.
const RUN_AT = '2026-03-11T03:30:00Z';

type App = ReturnType<typeof testApp>;
type Owner = Awaited<ReturnType<App['owner']>>;

describeEachDatabase('daily analytics: the hourly rollup and its read', (db) => {
  // Sessions expire by real time, so the HTTP side runs on the real clock; the job has its own.
  let t: App;
  let toronto: Owner;
  let jakarta: Owner;
  let quiet: Owner;

  const stored = (ws: string) =>
    asService(db(), (tx) =>
      rows<Record<string, unknown>>(
        tx,
        `select id, date, total_calls, successful_calls, failed_calls, total_bookings, total_sms, total_cost, conversion_rate
           from analytics where workspace_id = $1 order by date`,
        [ws],
      ),
    );
  const figures = (r: Record<string, unknown>[]) => r.map(({ id: _id, ...rest }) => rest);

  beforeAll(async () => {
    t = testApp(db());
    toronto = await t.owner(email('toronto'), { time_zone: 'America/Toronto' });
    jakarta = await t.owner(email('jakarta'), { time_zone: 'Asia/Jakarta' });
    quiet = await t.owner(email('quiet'), { time_zone: 'America/Toronto' });
    await asService(db(), async (tx) => {
      const call = (ws: string, status: string, cost: string, at: string) =>
        tx.query('insert into calls (id, workspace_id, phone_number, status, cost, created_at) values ($1, $2, $3, $4, $5, $6)', [newId(), ws, '+14165550100', status, cost, at]);
      const sms = (ws: string, at: string) =>
        tx.query(`insert into sms_messages (id, workspace_id, phone_number, direction, message_body, status, cost, created_at) values ($1, $2, '+14165550100', 'inbound', 'hi', 'received', 0.01, $3)`, [newId(), ws, at]);
      const booking = (ws: string, at: string) =>
        tx.query(
          `insert into bookings (id, workspace_id, customer_name, customer_phone, service_type, appointment_date, appointment_time, created_at)
           values ($1, $2, 'Ana', '+14165550100', 'Laundry', '2026-03-20', '10:00 AM', $3)`,
          [newId(), ws, at],
        );
      const ws = toronto.workspaceId;
      await call(ws, 'completed', '0.42', '2026-03-10T15:00:00Z'); // the 10th
      await booking(ws, '2026-03-11T03:10:00Z'); // 23:10 on the 10th
      await call(ws, 'failed', '0.05', '2026-03-10T03:00:00Z'); // 23:00 on the 9th
      await sms(ws, '2026-03-09T12:00:00Z'); // the 9th
      await call(ws, 'completed', '1.00', '2026-03-08T12:00:00Z'); // the 8th: settled, not re-rolled
      await call(jakarta.workspaceId, 'busy', '0.00', '2026-03-10T18:00:00Z'); // 01:00 on the 11th
      await sms(jakarta.workspaceId, '2026-03-10T16:00:00Z'); // 23:00 on the 10th
    });
  });

  it("rolls up today and yesterday in each workspace's zone, hourly, for the workspaces with activity", async () => {
    const job = jobDefinitions({ db: db(), clock: fixedClock(RUN_AT), log: silentLogger() }).find((j) => j.name === DAILY_ANALYTICS_JOB)!;
    expect(job.cron).toBe('23 * * * *');
    await job.handler(undefined, { id: 'test', retryCount: 0 });

    expect(figures(await stored(toronto.workspaceId))).toEqual([
      { date: '2026-03-09', total_calls: 1, successful_calls: 0, failed_calls: 1, total_bookings: 0, total_sms: 1, total_cost: '0.06', conversion_rate: '0.00' },
      { date: '2026-03-10', total_calls: 1, successful_calls: 1, failed_calls: 0, total_bookings: 1, total_sms: 0, total_cost: '0.42', conversion_rate: '100.00' },
    ]);
    expect(figures(await stored(jakarta.workspaceId))).toEqual([
      { date: '2026-03-10', total_calls: 0, successful_calls: 0, failed_calls: 0, total_bookings: 0, total_sms: 1, total_cost: '0.01', conversion_rate: '0.00' },
      { date: '2026-03-11', total_calls: 1, successful_calls: 0, failed_calls: 1, total_bookings: 0, total_sms: 0, total_cost: '0.00', conversion_rate: '0.00' },
    ]);
    expect(await stored(quiet.workspaceId)).toEqual([]);
  });

  it('changes nothing when run again, and picks up what changed since', async () => {
    const deps = { db: db(), clock: fixedClock(RUN_AT), log: silentLogger() };
    await rollupDailyAnalytics(deps);
    const before = await stored(toronto.workspaceId);
    expect(await rollupDailyAnalytics(deps)).toEqual({ workspaces: 2, days: 4, failed: 0 });
    expect(await stored(toronto.workspaceId)).toEqual(before);

    await asService(db(), (tx) => tx.query(`update bookings set status = 'cancelled' where workspace_id = $1`, [toronto.workspaceId]));
    await rollupDailyAnalytics(deps);
    const after = await stored(toronto.workspaceId);
    expect(after.map((r) => r.id)).toEqual(before.map((r) => r.id));
    expect(after[1]).toMatchObject({ date: '2026-03-10', total_bookings: 0, conversion_rate: '0.00' });
  });

  it('reads the daily rows newest first, for admins, over a range of local days', async () => {
    const res = await t.call('GET', '/api/v1/analytics/daily?from=2026-03-01&to=2026-03-31', toronto.as);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.data.map((d: { date: string }) => d.date)).toEqual(['2026-03-10', '2026-03-09']);
    expect(res.body.data[1]).toEqual({ date: '2026-03-09', total_calls: 1, successful_calls: 0, failed_calls: 1, total_bookings: 0, total_sms: 1, total_cost: '0.06', conversion_rate: '0.00' });
    expect((await t.call('GET', '/api/v1/analytics/daily?from=2026-03-10&to=2026-03-10', toronto.as)).body.data.map((d: { date: string }) => d.date)).toEqual(['2026-03-10']);
    // Only the caller's workspace.
    expect((await t.call('GET', '/api/v1/analytics/daily?from=2026-03-01&to=2026-03-31', jakarta.as)).body.data.map((d: { date: string }) => d.date)).toEqual(['2026-03-11', '2026-03-10']);

    // By default, the 30 days up to today in the workspace's zone.
    const today = Temporal.Now.plainDateISO('America/Toronto');
    await asService(db(), (tx) =>
      tx.query(`insert into analytics (workspace_id, date, total_calls) values ($1, $2, 7), ($1, $3, 8), ($1, $4, 9)`, [
        quiet.workspaceId,
        today.toString(),
        today.subtract({ days: 29 }).toString(),
        today.subtract({ days: 30 }).toString(),
      ]),
    );
    expect((await t.call('GET', '/api/v1/analytics/daily', quiet.as)).body.data.map((d: { total_calls: number }) => d.total_calls)).toEqual([7, 8]);

    const member = await t.teammate(toronto.as, email('member'), 'member');
    expect((await t.call('GET', '/api/v1/analytics/daily', member.as)).status).toBe(403);
    const backwards = await t.call('GET', '/api/v1/analytics/daily?from=2026-03-10&to=2026-03-01', toronto.as);
    expect(backwards.status).toBe(400);
    expect(backwards.body.error.details.issues.map((i: { path: string }) => i.path)).toEqual(['query.from']);
    const notADay = await t.call('GET', '/api/v1/analytics/daily?from=2026-02-30', toronto.as);
    expect(notADay.status).toBe(400);
  });
});
