import { beforeAll, expect, it } from 'vitest';
import { asService, rows } from '../support/actors.ts';
import { describeEachDatabase } from '../support/db.ts';
import { createWorkspace } from '../support/factories.ts';
import { jobDefinitions } from '../../src/jobs.ts';
import { fixedClock } from '../../src/platform/clock.ts';
import { newId } from '../../src/platform/ids.ts';
import { silentLogger } from '../../src/platform/log.ts';
import { AI_COMPARISON_JOB, rollupAiComparison } from '../../src/modules/assistant/index.ts';

type Row = Record<string, any>;

describeEachDatabase('the model comparison rollup', (db) => {
  let ws: string;
  let other: string;
  /** Wednesday 25 November, 08:00 in Jakarta: the lookback reaches back to Monday the 23rd. */
  const now = new Date('2026-11-25T01:00:00Z');

  const comparison = (workspaceId: string) =>
    asService(db(), (tx) =>
      rows<Row>(
        tx,
        `select id, ai_model, period_start, period_end, conversation_count, avg_response_time_ms, total_tokens_used, conversion_count, satisfaction_score, updated_at
           from ari_ai_comparison where workspace_id = $1 order by ai_model, period_start nulls first`,
        [workspaceId],
      ),
    );

  async function conversation(workspaceId: string, arm: string | null) {
    const contact = newId();
    const id = newId();
    await asService(db(), async (tx) => {
      await tx.query('insert into contacts (id, workspace_id, phone) values ($1, $2, $3)', [contact, workspaceId, `+6281299${Math.floor(Math.random() * 1e6).toString().padStart(6, '0')}`]);
      await tx.query('insert into ari_conversations (id, workspace_id, contact_id, ai_model) values ($1, $2, $3, $4)', [id, workspaceId, contact, arm]);
    });
    return id;
  }
  async function reply(workspaceId: string, conversationId: string, at: string, o: { ms: number; tokens: number | null; score?: number; model?: string }) {
    await asService(db(), async (tx) => {
      await tx.query(`insert into ari_messages (id, workspace_id, ari_conversation_id, role, content, created_at) values ($1, $2, $3, 'user', 'halo', $4)`, [newId(), workspaceId, conversationId, at]);
      await tx.query(
        `insert into ari_messages (id, workspace_id, ari_conversation_id, role, content, ai_model, tokens_used, response_time_ms, metadata, created_at)
         values ($1, $2, $3, 'assistant', 'balasan', $4, $5, $6, $7, $8)`,
        [newId(), workspaceId, conversationId, o.model ?? 'grok', o.tokens, o.ms, JSON.stringify(o.score === undefined ? {} : { feedback: { rating: o.score, score: o.score } }), at],
      );
    });
  }
  async function payment(workspaceId: string, conversationId: string, status: string, paidAt: string | null) {
    await asService(db(), (tx) =>
      tx.query('insert into ari_payments (id, workspace_id, ari_conversation_id, amount, status, paid_at) values ($1, $2, $3, 500000, $4, $5)', [newId(), workspaceId, conversationId, status, paidAt]),
    );
  }

  beforeAll(async () => {
    ws = (await createWorkspace(db(), { timeZone: 'Asia/Jakarta' })).workspaceId;
    other = (await createWorkspace(db(), { timeZone: 'Asia/Jakarta' })).workspaceId;

    const a = await conversation(ws, 'grok');
    await reply(ws, a, '2026-11-20T03:00:00Z', { ms: 500, tokens: 10 }); // before the lookback: all-time only
    await reply(ws, a, '2026-11-23T16:30:00Z', { ms: 1000, tokens: 100, score: 5 }); // 23:30 on the 23rd in Jakarta
    await reply(ws, a, '2026-11-23T17:30:00Z', { ms: 2000, tokens: 50, score: 3 }); // 00:30 on the 24th
    await payment(ws, a, 'failed', null);
    await payment(ws, a, 'success', '2026-11-24T03:00:00Z');

    const b = await conversation(ws, 'grok');
    await reply(ws, b, '2026-11-24T05:00:00Z', { ms: 1500, tokens: null, score: 1, model: 'rule-engine' }); // a fallback turn counts for its arm

    const c = await conversation(ws, 'rule-engine');
    await reply(ws, c, '2026-11-24T06:00:00Z', { ms: 12, tokens: 0, model: 'rule-engine' });
    await payment(ws, c, 'success', '2026-11-24T07:00:00Z');
    await payment(ws, c, 'success', '2026-11-24T09:00:00Z'); // one conversion, however many payments

    const unassigned = await conversation(ws, null);
    await reply(ws, unassigned, '2026-11-24T06:00:00Z', { ms: 99, tokens: 9 });

    await reply(other, await conversation(other, 'grok'), '2026-11-24T06:00:00Z', { ms: 7, tokens: 7 });
  });

  const expected = [
    { ai_model: 'grok', period_start: null, period_end: null, conversation_count: 2, avg_response_time_ms: 1250, total_tokens_used: 160, conversion_count: 1, satisfaction_score: '3.00' },
    { ai_model: 'grok', period_start: new Date('2026-11-22T17:00:00Z'), period_end: new Date('2026-11-23T17:00:00Z'), conversation_count: 1, avg_response_time_ms: 1000, total_tokens_used: 100, conversion_count: 0, satisfaction_score: '5.00' },
    { ai_model: 'grok', period_start: new Date('2026-11-23T17:00:00Z'), period_end: new Date('2026-11-24T17:00:00Z'), conversation_count: 2, avg_response_time_ms: 1750, total_tokens_used: 50, conversion_count: 1, satisfaction_score: '2.00' },
    { ai_model: 'rule-engine', period_start: null, period_end: null, conversation_count: 1, avg_response_time_ms: 12, total_tokens_used: 0, conversion_count: 1, satisfaction_score: null },
    { ai_model: 'rule-engine', period_start: new Date('2026-11-23T17:00:00Z'), period_end: new Date('2026-11-24T17:00:00Z'), conversation_count: 1, avg_response_time_ms: 12, total_tokens_used: 0, conversion_count: 1, satisfaction_score: null },
  ];

  it('writes per arm an all-time row and a row per Jakarta day in the lookback, with exact counts, averages, tokens, conversions and satisfaction', async () => {
    const written = await asService(db(), (tx) => rollupAiComparison(tx, { now, workspaceId: ws }));
    expect(written).toBe(5);
    const result = await comparison(ws);
    expect(result.map(({ id: _id, updated_at: _u, ...r }) => r)).toEqual(expected);
    expect(result.every((r) => r.updated_at.getTime() === now.getTime())).toBe(true);
    expect(await comparison(other)).toEqual([]);
  });

  it('gives the same rows when run again, updating them in place, and takes in what happened since', async () => {
    const first = await comparison(ws);
    const later = new Date(now.getTime() + 3_600_000);
    await asService(db(), (tx) => rollupAiComparison(tx, { now: later, workspaceId: ws }));
    const again = await comparison(ws);
    expect(again.map((r) => r.id)).toEqual(first.map((r) => r.id));
    expect(again.map(({ updated_at: _u, ...r }) => r)).toEqual(first.map(({ updated_at: _u, ...r }) => r));

    const c = (await asService(db(), (tx) => rows<{ id: string }>(tx, `select id from ari_conversations where workspace_id = $1 and ai_model = 'rule-engine'`, [ws])))[0]!.id;
    await reply(ws, c, '2026-11-25T01:30:00Z', { ms: 30, tokens: 0, score: 4, model: 'rule-engine' });
    await asService(db(), (tx) => rollupAiComparison(tx, { now: later }));
    const rule = (await comparison(ws)).filter((r) => r.ai_model === 'rule-engine');
    expect(rule.map((r) => [r.period_start?.toISOString() ?? null, r.conversation_count, r.avg_response_time_ms, r.satisfaction_score])).toEqual([
      [null, 1, 21, '4.00'],
      ['2026-11-23T17:00:00.000Z', 1, 12, null],
      ['2026-11-24T17:00:00.000Z', 1, 30, '4.00'],
    ]);
    expect((await comparison(other)).map((r) => [r.ai_model, r.period_start, r.total_tokens_used])).toEqual([
      ['grok', null, 7],
      ['grok', new Date('2026-11-23T17:00:00Z'), 7],
    ]);
  });

  it('runs hourly as a job over every workspace', async () => {
    const job = jobDefinitions({ db: db(), clock: fixedClock(new Date('2026-11-25T03:00:00Z')), log: silentLogger() }).find((j) => j.name === AI_COMPARISON_JOB)!;
    expect(job.cron).toBe('7 * * * *');
    await job.handler(undefined, { id: 'test', retryCount: 0 });
    const rows = [...(await comparison(ws)), ...(await comparison(other))];
    expect(rows.every((r) => r.updated_at.getTime() === new Date('2026-11-25T03:00:00Z').getTime())).toBe(true);
    expect(rows).toHaveLength(8);
  });
});
