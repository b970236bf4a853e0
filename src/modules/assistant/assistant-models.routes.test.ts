import { beforeAll, describe, expect, it } from 'vitest';
import { asService, rows } from '../../../test/support/actors.ts';
import { describeEachDatabase } from '../../../test/support/db.ts';
import { email, testApp } from '../../../test/support/http.ts';
import { allowOutboundHosts } from '../../platform/http/outbound.ts';

type Body = Record<string, any>;
type As = { cookie: string; workspace: string };

const paths = (body: Body) => body.error.details.issues.map((i: { path: string }) => i.path);

describeEachDatabase('the model settings and reply feedback', (db) => {
  let t: ReturnType<typeof testApp>;
  let owner: As;
  let member: As;

  const put = (as: As, body: Body) => t.call('PUT', '/api/v1/assistant/models', { ...as, body });
  const stored = () =>
    asService(db(), async (tx) => (await rows<{ settings: Body; secrets: string | null }>(tx, `select settings, secrets from integrations where workspace_id = $1 and provider = 'llm'`, [owner.workspace]))[0]);

  beforeAll(async () => {
    // The operator lets the server reach the LAN model of the first test (OUTBOUND_ALLOWED_HOSTS).
    allowOutboundHosts('192.168.1.20:11434');
    t = testApp(db());
    owner = (await t.owner(email('models'), { template: 'ari' })).as;
    member = (await t.teammate(owner, email('agent'), 'member')).as;
  });

  describe('GET and PUT /assistant/models', () => {
    it('shows the built-in engine alone until the workspace chooses models', async () => {
      const res = await t.call('GET', '/api/v1/assistant/models', owner);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ source: 'built_in', timeout_ms: 8000, updated_at: null, arms: [{ name: 'rule-engine', kind: 'rule-engine', base_url: null, model: null, weight: 100, has_api_key: false }] });
    });

    it('stores the arms with their keys sealed, and never shows a key', async () => {
      const res = await put(owner, {
        arms: [
          { base_url: 'https://api.x.ai/v1/', model: 'grok-3', weight: 50, api_key: 'xai-very-secret-key' },
          { name: 'sea-lion', base_url: 'http://192.168.1.20:11434/v1', model: 'aisingapore/Gemma-SEA-LION-v4-27B-IT', weight: 30 },
          { name: 'rule-engine', weight: 20 },
        ],
        timeout_ms: 5000,
      });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(res.body).toMatchObject({
        source: 'workspace',
        timeout_ms: 5000,
        arms: [
          { name: 'grok-3', kind: 'model', base_url: 'https://api.x.ai/v1', model: 'grok-3', weight: 50, has_api_key: true },
          { name: 'sea-lion', kind: 'model', base_url: 'http://192.168.1.20:11434/v1', model: 'aisingapore/Gemma-SEA-LION-v4-27B-IT', weight: 30, has_api_key: false },
          { name: 'rule-engine', kind: 'rule-engine', base_url: null, model: null, weight: 20, has_api_key: false },
        ],
      });
      expect(JSON.stringify(res.body)).not.toContain('very-secret');
      const got = await t.call('GET', '/api/v1/assistant/models', owner);
      expect(got.body).toEqual(res.body);
      expect(JSON.stringify(got.body)).not.toContain('very-secret');
      const row = (await stored())!;
      expect(row.secrets).toMatch(/^v1\./);
      expect(JSON.stringify(row)).not.toContain('very-secret');
    });

    it('keeps a stored key when the arm is sent again without one', async () => {
      const res = await put(owner, { arms: [{ base_url: 'https://api.x.ai/v1', model: 'grok-3', weight: 100 }] });
      expect(res.status).toBe(200);
      expect(res.body.arms).toEqual([{ name: 'grok-3', kind: 'model', base_url: 'https://api.x.ai/v1', model: 'grok-3', weight: 100, has_api_key: true }]);
      expect(res.body.timeout_ms).toBe(8000);
      expect((await stored())!.secrets).toMatch(/^v1\./);
    });

    it.each([
      [{ arms: [{ base_url: 'ftp://api.x.ai/v1', model: 'grok-3', weight: 1 }] }, 'body.arms.0.base_url'],
      [{ arms: [{ base_url: 'http://api.x.ai/v1', model: 'grok-3', weight: 1 }] }, 'body.arms.0.base_url'],
      [{ arms: [{ base_url: 'https://user:pw@api.x.ai/v1', model: 'grok-3', weight: 1 }] }, 'body.arms.0.base_url'],
      [{ arms: [{ base_url: 'https://api.x.ai/v1?key=1', model: 'grok-3', weight: 1 }] }, 'body.arms.0.base_url'],
      [{ arms: [{ base_url: 'https://api.x.ai/v1', weight: 1 }] }, 'body.arms.0.model'],
      [{ arms: [{ name: 'rule-engine', base_url: 'https://api.x.ai/v1', weight: 1 }] }, 'body.arms.0.base_url'],
      [{ arms: [{ base_url: 'https://api.x.ai/v1', model: 'grok-3', weight: 1 }, { name: 'grok-3', base_url: 'https://api.x.ai/v1', model: 'grok-4', weight: 1 }] }, 'body.arms.1.name'],
      [{ arms: [{ name: 'rule-engine', weight: 0 }] }, 'body.arms'],
      [{ arms: [] }, 'body.arms'],
      [{ arms: [{ name: 'rule-engine', weight: 1 }], timeout_ms: 10 }, 'body.timeout_ms'],
    ])('refuses %j', async (body, path) => {
      const res = await put(owner, body);
      expect(res.status).toBe(400);
      expect(paths(res.body)).toContain(path);
    });

    it.each(['http://127.0.0.1:11434/v1', 'http://192.168.1.21:11434/v1', 'http://localhost:11434/v1', 'https://[::ffff:10.0.0.1]/v1'])(
      'refuses %s, a local or private address the operator has not allowed, with a code',
      async (base_url) => {
        const res = await put(owner, { arms: [{ name: 'local', base_url, model: 'llama3', weight: 1 }] });
        expect(res.status).toBe(400);
        expect(res.body.error).toMatchObject({ code: 'outbound.target_not_allowed', details: { field: 'arms.0.base_url' } });
      },
    );

    it('is for admins only', async () => {
      expect((await t.call('GET', '/api/v1/assistant/models', member)).status).toBe(403);
      expect((await put(member, { arms: [{ name: 'rule-engine', weight: 1 }] })).status).toBe(403);
    });
  });

  describe('POST /assistant/messages/{id}/feedback', () => {
    let replyId: string;
    let customerMessageId: string;

    beforeAll(async () => {
      await put(owner, { arms: [{ name: 'rule-engine', weight: 1 }] });
      const turn = await t.call('POST', '/api/v1/assistant/turns', { ...owner, body: { phone: '+6281277770001', channel: 'whatsapp', message: 'Halo' } });
      expect(turn.status).toBe(200);
      const messages = await asService(db(), (tx) =>
        rows<{ id: string; role: string }>(
          tx,
          `select m.id, m.role from ari_messages m join ari_conversations a on a.workspace_id = m.workspace_id and a.id = m.ari_conversation_id where a.contact_id = $1 order by m.created_at, m.id`,
          [turn.body.contact_id],
        ),
      );
      replyId = messages.find((m) => m.role === 'assistant')!.id;
      customerMessageId = messages.find((m) => m.role === 'user')!.id;
    });

    const feedback = (as: As, id: string, body: Body) => t.call('POST', `/api/v1/assistant/messages/${id}/feedback`, { ...as, body });
    const storedFeedback = async () =>
      asService(db(), async (tx) => (await rows<{ metadata: Body }>(tx, 'select metadata from ari_messages where id = $1', [replyId]))[0]!.metadata);

    it('records a thumbs-down from a member as 1 on the 0-5 scale, beside the rest of the metadata', async () => {
      const res = await feedback(member, replyId, { rating: 'down', comment: 'too formal' });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(res.body).toMatchObject({ message_id: replyId, rating: 'down', score: 1, comment: 'too formal', by: expect.any(String) });
      const metadata = await storedFeedback();
      expect(metadata.feedback).toMatchObject({ rating: 'down', score: 1, comment: 'too formal' });
      expect(metadata.trace).toEqual(expect.any(Array));
    });

    it('replaces an earlier rating with a later one (stars count as given)', async () => {
      expect((await feedback(member, replyId, { rating: 4 })).status).toBe(200);
      expect((await storedFeedback()).feedback).toMatchObject({ rating: 4, score: 4, comment: null });
    });

    it("refuses ratings of the customer's own messages, unknown messages and ratings off the scale", async () => {
      expect((await feedback(member, customerMessageId, { rating: 'up' })).body.error.code).toBe('feedback.not_a_reply');
      const unknown = await feedback(member, '0193a0b2-7c1e-7d40-9a51-3f0c2f1d8e77', { rating: 'up' });
      expect(unknown.status).toBe(404);
      const off = await feedback(member, replyId, { rating: 6 });
      expect(off.status).toBe(400);
      expect(paths(off.body)).toContain('body.rating');
    });

    it("cannot rate another workspace's reply", async () => {
      const stranger = (await t.owner(email('stranger'))).as;
      expect((await feedback(stranger, replyId, { rating: 'up' })).status).toBe(404);
    });
  });
});
