import { expect, it } from 'vitest';
import { describeEachDatabase } from '../../../test/support/db.ts';
import { silentLogger } from '../log.ts';
import { createJobs, type JobDefinition } from './queue.ts';

describeEachDatabase('job queue', (db) => {
  it('queues a job with the transaction that caused it: committed runs once, rolled back never', async () => {
    const seen: unknown[] = [];
    const defs: JobDefinition<{ n: number }>[] = [{ name: 'test-outbox', handler: async (d) => void seen.push(d.n) }];
    const jobs = createJobs({ db: db(), log: silentLogger(), definitions: defs, work: false });
    await jobs.start();
    await db().transaction((tx) => jobs.send(tx, 'test-outbox', { n: 1 }));
    await expect(
      db().transaction(async (tx) => {
        await jobs.send(tx, 'test-outbox', { n: 2 });
        throw new Error('the change failed');
      }),
    ).rejects.toThrow('the change failed');
    expect(await jobs.drain()).toBe(1);
    expect(seen).toEqual([1]);
    expect(await jobs.drain()).toBe(0);
    await jobs.stop();
  });

  it('keeps queued jobs across a restart of the queue', async () => {
    const seen: number[] = [];
    const defs = (sink: number[]): JobDefinition<{ n: number }>[] => [{ name: 'test-restart', handler: async (d) => void sink.push(d.n) }];
    const first = createJobs({ db: db(), log: silentLogger(), definitions: defs([]), work: false });
    await first.start();
    await db().transaction((tx) => first.send(tx, 'test-restart', { n: 7 }));
    await first.stop();
    const second = createJobs({ db: db(), log: silentLogger(), definitions: defs(seen), work: false });
    expect(await second.drain()).toBe(1);
    expect(seen).toEqual([7]);
    await second.stop();
  });

  it('runs jobs with workers and honours startAfter', async () => {
    const seen: number[] = [];
    const jobs = createJobs({
      db: db(),
      log: silentLogger(),
      definitions: [{ name: 'test-worker', handler: async (d: { n: number }) => void seen.push(d.n) }],
      pollingIntervalSeconds: 0.5,
    });
    await jobs.start();
    await db().transaction(async (tx) => {
      await jobs.send(tx, 'test-worker', { n: 1 });
      await jobs.send(tx, 'test-worker', { n: 2 }, { startAfter: new Date(Date.now() + 60_000) });
    });
    for (let i = 0; i < 40 && seen.length === 0; i++) await new Promise((r) => setTimeout(r, 100));
    expect(seen).toEqual([1]);
    await jobs.stop();
  });
});
