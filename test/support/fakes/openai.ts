// A fake OpenAI-compatible provider on 127.0.0.1 (reference/integrations.md §7): POST
// {base}/chat/completions with Bearer auth, answering from a script of responses: text,
// tool calls (with any arguments string, valid JSON or not), HTTP errors, and requests it
// never answers (for timeouts). Every request is recorded.
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Socket } from 'node:net';
import { allowOutboundHosts } from '../../../src/platform/http/outbound.ts';

export type ScriptedResponse =
  /** `after`: answers only once it settles (to act while the client waits). */
  | { text: string; tokens?: number; finishReason?: 'stop' | 'length' | 'content_filter'; after?: Promise<unknown> }
  | { toolCalls: { name: string; arguments: string; id?: string }[]; tokens?: number }
  | { status: number; body?: unknown }
  /** Never answers: the client must give up on its own. */
  | { hang: true };

export interface RecordedCompletion {
  path: string;
  authorization: string | undefined;
  body: {
    model: string;
    messages: { role: string; content: string | null; tool_calls?: { id: string; function: { name: string; arguments: string } }[]; tool_call_id?: string }[];
    tools?: { type: string; function: { name: string; description: string; parameters: Record<string, unknown> } }[];
    [key: string]: unknown;
  };
}

export interface FakeOpenAI {
  /** The base URL to configure, ending in /v1. */
  url: string;
  requests: RecordedCompletion[];
  /** Queues responses, answered in order; with the queue empty the fake answers 500. */
  script(...responses: ScriptedResponse[]): void;
  /** Only these keys are accepted (401 otherwise); by default any key is. */
  requireKey(key: string): void;
  reset(): void;
  close(): Promise<void>;
}

export async function startFakeOpenAI(): Promise<FakeOpenAI> {
  const queue: ScriptedResponse[] = [];
  const requests: RecordedCompletion[] = [];
  const sockets = new Set<Socket>();
  let requiredKey: string | undefined;

  const send = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };

  const completion = (model: string, message: Record<string, unknown>, finishReason: string, tokens: number) => ({
    id: `chatcmpl-${randomUUID()}`,
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model,
    choices: [{ index: 0, message: { role: 'assistant', ...message }, finish_reason: finishReason }],
    usage: { prompt_tokens: tokens - Math.floor(tokens / 4), completion_tokens: Math.floor(tokens / 4), total_tokens: tokens },
  });

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    if (req.method !== 'POST' || !req.url?.endsWith('/v1/chat/completions')) return send(res, 404, { error: { message: 'not found', type: 'invalid_request_error' } });
    let body: RecordedCompletion['body'];
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch {
      return send(res, 400, { error: { message: 'invalid JSON body', type: 'invalid_request_error' } });
    }
    requests.push({ path: req.url, authorization: req.headers.authorization, body });
    if (requiredKey !== undefined && req.headers.authorization !== `Bearer ${requiredKey}`) {
      return send(res, 401, { error: { message: 'Incorrect API key provided', type: 'invalid_request_error', code: 'invalid_api_key' } });
    }
    const next = queue.shift();
    if (!next) return send(res, 500, { error: { message: 'the fake has no scripted response left', type: 'server_error' } });
    if ('hang' in next) return; // the socket stays open until the client gives up or the fake closes
    if ('status' in next) return send(res, next.status, next.body ?? { error: { message: 'The server had an error while processing your request.', type: 'server_error' } });
    if ('text' in next) {
      await next.after;
      return send(res, 200, completion(body.model, { content: next.text }, next.finishReason ?? 'stop', next.tokens ?? 42));
    }
    const toolCalls = next.toolCalls.map((c) => ({ id: c.id ?? `call_${randomUUID().slice(0, 8)}`, type: 'function', function: { name: c.name, arguments: c.arguments } }));
    return send(res, 200, completion(body.model, { content: null, tool_calls: toolCalls }, 'tool_calls', next.tokens ?? 30));
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((e) => send(res, 500, { error: { message: String(e) } }));
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  // The operator's switch, for exactly this fake: every other local port stays refused.
  allowOutboundHosts(`127.0.0.1:${(server.address() as AddressInfo).port}`);
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}/v1`,
    requests,
    script: (...responses) => void queue.push(...responses),
    requireKey: (key) => void (requiredKey = key),
    reset() {
      queue.length = 0;
      requests.length = 0;
      requiredKey = undefined;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
