// Test support for the channels tests: the real application (src/http.ts) and the channel
// worker (src/jobs.ts) built around one SecretBox, a workspace on the ARI template with its
// WhatsApp number connected to the fake Meta, and signed webhook posts.
import { randomBytes } from 'node:crypto';
import { asService, rows } from './actors.ts';
import type { FakeMeta, Signed } from './fakes/meta.ts';
import type { FakeTwilio } from './fakes/twilio.ts';
import type { FakeVapi } from './fakes/vapi.ts';
import { createServerApp } from '../../src/http.ts';
import { channelWorker } from '../../src/jobs.ts';
import { systemClock, type Clock } from '../../src/platform/clock.ts';
import type { Database } from '../../src/platform/db/database.ts';
import { silentLogger, type Logger } from '../../src/platform/log.ts';
import { createSecretBox, type SecretBox } from '../../src/platform/secrets.ts';

let seq = 0;
/** A phone number id no other test file uses (they may share a PostgreSQL server). */
export const phoneNumberId = () => `1${Date.now().toString().slice(-9)}${process.pid % 1000}${seq++}`.slice(0, 16);
export const waId = () => `628${Date.now().toString().slice(-8)}${seq++ % 10}`;

/** The fakes answer ownership checks too: a number must be connected to the fake before its settings are saved. */
export function channelsApp(db: Database, fake: FakeMeta, o: { clock?: Clock; log?: Logger; backoffMs?: number; twilio?: FakeTwilio; vapi?: FakeVapi; secrets?: SecretBox } = {}) {
  const clock = o.clock ?? systemClock;
  const log = o.log ?? silentLogger();
  const secrets = o.secrets ?? createSecretBox(randomBytes(32));
  let confirmation: string | undefined; // the sign-up link that would be mailed
  const providers = { whatsappGraphUrl: fake.graphUrl, twilioApiUrl: o.twilio?.url, vapiApiUrl: o.vapi?.url };
  const app = createServerApp({ db, log, clock, secrets, publicUrl: 'https://frontdesk.test', providers, sendSignUpConfirmation: (m) => void (confirmation = m.token) });
  const worker = channelWorker({ db, clock, log, secrets }, { WHATSAPP_GRAPH_URL: fake.graphUrl }, { backoffMs: o.backoffMs ?? 0 });

  async function call(method: string, path: string, c: { cookie?: string; workspace?: string; body?: unknown; raw?: string; headers?: Record<string, string> } = {}) {
    const headers: Record<string, string> = { 'x-test-client': `channels-${seq++}`, ...c.headers };
    if (c.cookie) headers.cookie = c.cookie;
    if (c.workspace) headers['x-workspace-id'] = c.workspace;
    const body = c.raw ?? (c.body !== undefined ? JSON.stringify(c.body) : undefined);
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await app.request(path, { method, headers, ...(body !== undefined ? { body } : {}) });
    const text = await res.text();
    let parsed: any = text;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      // plain text (the verification challenge)
    }
    return { status: res.status, body: parsed };
  }

  /** A workspace (on the ARI template unless `workspace` says otherwise) whose WhatsApp number is connected to the fake Meta. */
  async function connectedWorkspace(settings: Record<string, unknown> = {}, workspace: Record<string, unknown> = {}) {
    const email = `wa-${Date.now().toString(36)}-${seq++}@example.test`;
    const started = await app.request('/api/v1/auth/signup', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-test-client': `signup-${seq++}` },
      body: JSON.stringify({ email, password: 'correct horse battery', name: 'Owner' }),
    });
    if (started.status !== 202) throw new Error(`sign-up: ${started.status}`);
    const signup = await app.request('/api/v1/auth/signup/confirm', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-test-client': `signup-${seq++}` },
      body: JSON.stringify({ token: confirmation }),
    });
    if (signup.status !== 201) throw new Error(`sign-up confirmation: ${signup.status}`);
    const cookie = (signup.headers.get('set-cookie') ?? '').split(';')[0]!;
    const ws = await call('POST', '/api/v1/workspaces', { cookie, body: { name: `Eagle test ${randomBytes(3).toString('hex')}`, template: 'ari', ...workspace } });
    if (ws.status !== 201) throw new Error(`workspace: ${ws.status} ${JSON.stringify(ws.body)}`);
    const account = { phoneNumberId: phoneNumberId(), accessToken: `EAAG${randomBytes(12).toString('hex')}`, appSecret: randomBytes(16).toString('hex'), verifyToken: randomBytes(12).toString('hex') };
    fake.connect({ phoneNumberId: account.phoneNumberId, accessToken: account.accessToken, appSecret: account.appSecret });
    const put = await call('PUT', '/api/v1/channels/whatsapp', {
      cookie,
      workspace: ws.body.id,
      body: { phone_number_id: account.phoneNumberId, access_token: account.accessToken, app_secret: account.appSecret, verify_token: account.verifyToken, ...settings },
    });
    if (put.status !== 200) throw new Error(`channel: ${put.status} ${JSON.stringify(put.body)}`);
    // The second proof of ownership: Meta's verification GET with the workspace's verify token.
    if (!(await verifyWebhook(account.verifyToken))) throw new Error("Meta's verification GET was refused");
    return { workspaceId: ws.body.id as string, as: { cookie, workspace: ws.body.id as string }, ...account };
  }

  /** Meta checks the webhook URL with this verify token, as "Verify and save" in its dashboard does. */
  const verifyWebhook = (verifyToken: string) => fake.verifyCallback((url) => app.request(url), 'https://frontdesk.test/webhooks/whatsapp', verifyToken);

  const post = (signed: Signed, signature = signed.signature) =>
    call('POST', '/webhooks/whatsapp', { raw: signed.body, headers: { 'x-hub-signature-256': signature } });

  /** The workspace's WhatsApp messages, oldest first. */
  const messages = (workspaceId: string) =>
    asService(db, (tx) =>
      rows<{ id: string; direction: string; body: string; content_type: string; delivery_status: string; provider_message_id: string | null; error: string | null }>(
        tx,
        `select id, direction, body, content_type, delivery_status, provider_message_id, error from messages
          where workspace_id = $1 and channel = 'whatsapp' order by created_at, id`,
        [workspaceId],
      ),
    );

  const outbox = (workspaceId: string) =>
    asService(db, (tx) =>
      rows<{ message_id: string; status: string; attempts: number; provider_message_id: string | null; last_error: string | null; next_attempt_at: Date; claimed_until: Date | null }>(
        tx,
        'select message_id, status, attempts, provider_message_id, last_error, next_attempt_at, claimed_until from outbox where workspace_id = $1 order by created_at, message_id',
        [workspaceId],
      ),
    );

  /** The token of the last sign-up confirmation link the server would have mailed. */
  const lastConfirmationToken = () => confirmation;
  return { app, call, worker, secrets, connectedWorkspace, verifyWebhook, post, messages, outbox, lastConfirmationToken };
}
