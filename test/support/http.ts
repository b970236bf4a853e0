import { randomBytes } from 'node:crypto';
import { createServerApp, type ServerOptions } from '../../src/http.ts';
import { RateLimits } from '../../src/platform/http/rate-limit.ts';
import { createSecretBox } from '../../src/platform/secrets.ts';
import { systemClock, type Clock } from '../../src/platform/clock.ts';
import type { Database } from '../../src/platform/db/database.ts';
import { silentLogger } from '../../src/platform/log.ts';

export interface CallOptions {
  body?: unknown;
  /** A raw body string (sent as is, with the given content type). */
  raw?: string;
  contentType?: string;
  cookie?: string;
  key?: string;
  workspace?: string;
  headers?: Record<string, string>;
}

export interface CallResult<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

/** The real application, called in-process with app.request(); nothing is mocked. */
export function testApp(db: Database, clock: Clock = systemClock, options: Partial<ServerOptions> = {}) {
  const limits = options.limits ?? new RateLimits({ maxKeys: options.rateLimitMaxKeys });
  // The confirmation links that would be mailed, newest per email: the tests' inbox.
  const inbox = new Map<string, string>();
  const app = createServerApp({
    db,
    log: silentLogger(),
    clock,
    secrets: createSecretBox(randomBytes(32)),
    publicUrl: 'https://frontdesk.test',
    sendSignUpConfirmation: (m) => void inbox.set(m.email, m.token),
    ...options,
    limits,
  });
  /** The token of the last confirmation link sent to `email`, if any. */
  const confirmationToken = (email: string) => inbox.get(email.trim().toLowerCase());
  let client = 0;

  async function call<T = any>(method: string, path: string, o: CallOptions = {}): Promise<CallResult<T>> {
    const headers: Record<string, string> = { 'x-test-client': `c${client}`, ...o.headers };
    if (o.cookie) headers.cookie = o.cookie;
    if (o.key) headers.authorization = `Bearer ${o.key}`;
    if (o.workspace) headers['x-workspace-id'] = o.workspace;
    let body: string | undefined;
    if (o.raw !== undefined) {
      body = o.raw;
      if (o.contentType) headers['content-type'] = o.contentType;
    } else if (o.body !== undefined) {
      body = JSON.stringify(o.body);
      headers['content-type'] = 'application/json';
    }
    const res = await app.request(path, { method, headers, ...(body !== undefined ? { body } : {}) });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      // Not JSON (the docs page): keep the text.
    }
    return { status: res.status, body: parsed as T, headers: res.headers };
  }

  /** Signs up a new person, confirms the email from the link sent, and returns their session cookie and id. */
  async function signUp(email: string, password = 'correct horse battery') {
    client++; // each person comes from their own address, as far as rate limits go
    inbox.delete(email.trim().toLowerCase());
    const started = await call('POST', '/api/v1/auth/signup', { body: { email, password, name: email.split('@')[0] } });
    if (started.status !== 202) throw new Error(`sign-up failed: ${started.status} ${JSON.stringify(started.body)}`);
    const token = confirmationToken(email);
    if (!token) throw new Error(`sign-up sent no confirmation to ${email} (does it have an account already?)`);
    inbox.delete(email.trim().toLowerCase()); // read: what arrives later is new
    const res = await call('POST', '/api/v1/auth/signup/confirm', { body: { token } });
    if (res.status !== 201) throw new Error(`sign-up confirmation failed: ${res.status} ${JSON.stringify(res.body)}`);
    const cookie = (res.headers.get('set-cookie') ?? '').split(';')[0]!;
    return { cookie, userId: res.body.user.id as string, email };
  }

  /** A person with a workspace of their own. */
  async function owner(email: string, workspace: Record<string, unknown> = {}) {
    const person = await signUp(email);
    const ws = await call('POST', '/api/v1/workspaces', { cookie: person.cookie, body: { name: `${email} workspace`, ...workspace } });
    if (ws.status !== 201) throw new Error(`workspace failed: ${ws.status} ${JSON.stringify(ws.body)}`);
    return { ...person, workspaceId: ws.body.id as string, as: { cookie: person.cookie, workspace: ws.body.id as string } };
  }

  /** Invites `email` into the owner's workspace with `role` and has them accept. */
  async function teammate(by: { cookie: string; workspace: string }, email: string, role: 'admin' | 'member') {
    const inv = await call('POST', '/api/v1/invitations', { ...by, body: { email, role } });
    if (inv.status !== 201) throw new Error(`invite failed: ${inv.status} ${JSON.stringify(inv.body)}`);
    const person = await signUp(email);
    const acc = await call('POST', '/api/v1/invitations/accept', { cookie: person.cookie, body: { token: inv.body.token } });
    if (acc.status !== 200) throw new Error(`accept failed: ${acc.status} ${JSON.stringify(acc.body)}`);
    return { ...person, as: { cookie: person.cookie, workspace: by.workspace } };
  }

  /** An API key of the workspace. */
  async function apiKey(by: { cookie: string; workspace: string }, readOnly = false) {
    const res = await call('POST', '/api/v1/api-keys', { ...by, body: { name: readOnly ? 'reader' : 'integration', read_only: readOnly } });
    if (res.status !== 201) throw new Error(`api key failed: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body as { id: string; key: string };
  }

  return { app, call, signUp, owner, teammate, apiKey, limits, confirmationToken };
}

let seq = 0;
/** A unique email for a test. */
export const email = (who = 'user') => `${who}-${Date.now().toString(36)}-${seq++}@example.test`;
