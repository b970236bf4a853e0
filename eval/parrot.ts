/**
 * A fake model for `npm run eval:assistant -- --parrot`: an OpenAI-compatible endpoint on
 * 127.0.0.1 that words every reply exactly as the engine drafted it (the draft the three apps
 * put between triple quotes in the system prompt). The corpus then runs the whole model path
 * (the arm, the wording request, the checks on what a model wrote, the record of the model)
 * and must score as the built-in engine does; a request with no draft gets a 500, which the
 * turn answers with the engine's own reply.
 */
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { allowOutboundHosts } from '../src/platform/http/outbound.ts';

export interface Parrot {
  url: string;
  /** Completions answered with the draft. */
  worded: number;
  close(): Promise<void>;
}

const DRAFT = /"""\n([\s\S]*?)\n"""/;

export async function startParrot(): Promise<Parrot> {
  const parrot = { worded: 0 } as Parrot;
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    req.on('end', () => {
      const request = JSON.parse(body || '{}') as { model?: string; messages?: { role: string; content: string | null }[] };
      const system = (request.messages ?? []).filter((m) => m.role === 'system').map((m) => m.content ?? '').join('\n');
      const draft = DRAFT.exec(system)?.[1];
      res.writeHead(draft ? 200 : 500, { 'content-type': 'application/json' });
      if (!draft) return res.end(JSON.stringify({ error: { message: 'the parrot has no draft to repeat' } }));
      parrot.worded += 1;
      res.end(
        JSON.stringify({
          id: `chatcmpl-${randomUUID()}`,
          object: 'chat.completion',
          created: Math.floor(Date.now() / 1000),
          model: request.model ?? 'eval-parrot',
          choices: [{ index: 0, message: { role: 'assistant', content: draft }, finish_reason: 'stop' }],
          usage: { prompt_tokens: 10, completion_tokens: 10, total_tokens: 20 },
        }),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  allowOutboundHosts(host);
  parrot.url = `http://${host}/v1`;
  parrot.close = () => new Promise<void>((resolve) => server.close(() => resolve()));
  return parrot;
}
