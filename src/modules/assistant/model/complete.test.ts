import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { startFakeOpenAI, type FakeOpenAI } from '../../../../test/support/fakes/openai.ts';
import { completeWithTools, modelClient, ModelError, type ModelTool } from './complete.ts';

describe('completeWithTools against an OpenAI-compatible server', () => {
  let fake: FakeOpenAI;
  const ran: unknown[] = [];
  const lookup: ModelTool<{ query: string }> = {
    name: 'search_knowledge',
    description: 'search the knowledge base',
    parameters: z.strictObject({ query: z.string().min(1) }),
    run: async (args) => {
      ran.push(args);
      return [{ title: 'Biaya konsultasi', snippet: 'Konsultasi 1 jam Rp 500.000' }];
    },
  };
  const ask = (o: { timeoutMs?: number; maxRounds?: number } = {}) =>
    completeWithTools({
      client: modelClient({ baseUrl: fake.url, apiKey: 'sk-test' }, o.timeoutMs ?? 2000),
      model: 'grok-3',
      system: 'You are ARI.',
      messages: [{ role: 'user', content: 'berapa biaya konsultasi?' }],
      tools: [lookup],
      timeoutMs: o.timeoutMs ?? 2000,
      ...(o.maxRounds ? { maxRounds: o.maxRounds } : {}),
    });
  const failure = async (p: Promise<unknown>) => {
    const e = await p.then(() => undefined, (err: unknown) => err);
    expect(e).toBeInstanceOf(ModelError);
    return e as ModelError;
  };

  beforeAll(async () => {
    fake = await startFakeOpenAI();
  });
  afterAll(() => fake.close());
  beforeEach(() => {
    fake.reset();
    ran.length = 0;
  });

  it('returns the text, the tokens and the model, sending the system prompt, the history and the tools as JSON schema', async () => {
    fake.script({ text: 'Halo! Ada yang bisa dibantu?', tokens: 57 });
    const r = await ask();
    expect(r).toMatchObject({ text: 'Halo! Ada yang bisa dibantu?', tokens: 57, model: 'grok-3', rounds: 1, toolCalls: [] });
    const req = fake.requests[0]!;
    expect(req.authorization).toBe('Bearer sk-test');
    expect(req.body.messages).toEqual([
      { role: 'system', content: 'You are ARI.' },
      { role: 'user', content: 'berapa biaya konsultasi?' },
    ]);
    expect(req.body.tools).toEqual([
      {
        type: 'function',
        function: {
          name: 'search_knowledge',
          description: 'search the knowledge base',
          parameters: { type: 'object', properties: { query: { type: 'string', minLength: 1 } }, required: ['query'], additionalProperties: false },
        },
      },
    ]);
  });

  it('runs a tool the model calls and sends the assistant message back unchanged with the tool result', async () => {
    fake.script({ toolCalls: [{ id: 'call_1', name: 'search_knowledge', arguments: '{"query":"biaya konsultasi"}' }], tokens: 30 }, { text: 'Biayanya Rp 500.000 per jam.', tokens: 70 });
    const r = await ask();
    expect(r).toMatchObject({ text: 'Biayanya Rp 500.000 per jam.', tokens: 100, rounds: 2 });
    expect(ran).toEqual([{ query: 'biaya konsultasi' }]);
    expect(r.toolCalls).toEqual([{ name: 'search_knowledge', arguments: '{"query":"biaya konsultasi"}', result: [{ title: 'Biaya konsultasi', snippet: 'Konsultasi 1 jam Rp 500.000' }] }]);
    const second = fake.requests[1]!.body.messages;
    expect(second.slice(2)).toEqual([
      { role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'search_knowledge', arguments: '{"query":"biaya konsultasi"}' } }] },
      { role: 'tool', tool_call_id: 'call_1', content: JSON.stringify([{ title: 'Biaya konsultasi', snippet: 'Konsultasi 1 jam Rp 500.000' }]) },
    ]);
  });

  it('names each tool result after its call even when the server sent calls without ids', async () => {
    fake.script({ toolCalls: [{ id: '', name: 'search_knowledge', arguments: '{"query":"biaya"}' }] }, { text: 'Rp 500.000.' });
    await ask();
    const [assistant, tool] = fake.requests[1]!.body.messages.slice(2);
    expect(assistant!.tool_calls![0]!.id).toBe('call_1_0');
    expect(tool).toMatchObject({ role: 'tool', tool_call_id: 'call_1_0' });
  });

  it('tells the model once that its arguments are malformed, and accepts the corrected call', async () => {
    fake.script({ toolCalls: [{ id: 'bad', name: 'search_knowledge', arguments: '{"query": "biaya' }] }, { toolCalls: [{ id: 'good', name: 'search_knowledge', arguments: '{"query":"biaya"}' }] }, { text: 'Rp 500.000.' });
    const r = await ask();
    expect(r.text).toBe('Rp 500.000.');
    const told = fake.requests[1]!.body.messages.at(-1)!;
    expect(told).toMatchObject({ role: 'tool', tool_call_id: 'bad' });
    expect(JSON.parse(told.content!).error).toMatch(/not valid JSON/);
    expect(ran).toEqual([{ query: 'biaya' }]);
  });

  it('gives up with malformed_arguments when the arguments are malformed twice, counting arguments that do not fit the schema', async () => {
    fake.script({ toolCalls: [{ name: 'search_knowledge', arguments: 'not json' }] }, { toolCalls: [{ name: 'search_knowledge', arguments: '{"q":"biaya"}' }] }, { text: 'never sent' });
    const e = await failure(ask());
    expect(e.reason).toBe('malformed_arguments');
    expect(fake.requests).toHaveLength(2);
    expect(ran).toEqual([]);
  });

  it('treats a call to a tool that does not exist as malformed', async () => {
    fake.script({ toolCalls: [{ name: 'book_slot', arguments: '{}' }] }, { toolCalls: [{ name: 'book_slot', arguments: '{}' }] });
    expect((await failure(ask())).reason).toBe('malformed_arguments');
  });

  it('reports an HTTP error of the provider as provider_error, without retrying', async () => {
    fake.script({ status: 500 }, { text: 'a retry would get this' });
    const e = await failure(ask());
    expect(e.reason).toBe('provider_error');
    expect(e.message).toMatch(/500/);
    expect(fake.requests).toHaveLength(1);
  });

  it('reports a refused key as provider_error', async () => {
    fake.requireKey('sk-other');
    fake.script({ text: 'unreachable' });
    expect((await failure(ask())).reason).toBe('provider_error');
  });

  it('gives up with timeout when the provider does not answer within the deadline', async () => {
    fake.script({ hang: true });
    const started = Date.now();
    const e = await failure(ask({ timeoutMs: 300 }));
    expect(e.reason).toBe('timeout');
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('stops with round_limit when the model keeps calling tools', async () => {
    fake.script(...Array.from({ length: 3 }, () => ({ toolCalls: [{ name: 'search_knowledge', arguments: '{"query":"x"}' }], tokens: 10 })));
    const e = await failure(ask({ maxRounds: 3 }));
    expect(e.reason).toBe('round_limit');
    expect(e.tokens).toBe(30);
    expect(ran).toHaveLength(2);
  });

  it('rejects an empty or cut-off reply as empty_reply', async () => {
    fake.script({ text: '   ' });
    expect((await failure(ask())).reason).toBe('empty_reply');
    fake.script({ text: 'Biayanya Rp', finishReason: 'length' });
    expect((await failure(ask())).reason).toBe('empty_reply');
  });
});
