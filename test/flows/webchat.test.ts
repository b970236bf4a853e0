import { beforeAll, expect, it } from 'vitest';
import { describeEachDatabase } from '../support/db.ts';
import { email, testApp } from '../support/http.ts';
import { randomBytes } from 'node:crypto';
import { seedDemo } from '../../src/apps/demo.ts';
import { systemClock } from '../../src/platform/clock.ts';
import { withServiceRole, withTenant } from '../../src/platform/db/tenant.ts';
import { silentLogger } from '../../src/platform/log.ts';
import { createSecretBox } from '../../src/platform/secrets.ts';
import { saveChannelSettings } from '../../src/modules/channels/settings/settings.service.ts';

const SHOP = 'https://shop.example';
const box = createSecretBox(randomBytes(32));

describeEachDatabase('web chat', (db) => {
  let t: ReturnType<typeof testApp>;
  let slug: string;
  let other: string;
  let owner: Awaited<ReturnType<ReturnType<typeof testApp>['owner']>>;
  let visitor = 0;

  /** A browser on `origin`, each one its own client address as far as rate limits go. */
  const browser = (origin: string | undefined, token?: string) => ({
    headers: { 'x-test-client': `visitor-${visitor++}`, ...(origin ? { origin } : {}), ...(token ? { 'x-guest-token': token } : {}) },
  });

  async function workspaceWithChat(origins: string[]) {
    const name = `chat-${Math.random().toString(36).slice(2, 10)}`;
    const o = await t.owner(email(name), { template: 'ari', slug: name });
    await withTenant(db(), { kind: 'system', workspaceId: o.workspaceId }, (tx) =>
      saveChannelSettings({ tx, actor: { kind: 'system', workspaceId: o.workspaceId }, clock: systemClock, log: silentLogger() }, box, 'webchat', { allowed_origins: origins }),
    );
    return { ...o, slug: name };
  }

  async function startChat(at = slug, origin = SHOP) {
    const res = await t.call('POST', `/webchat/${at}/sessions`, { body: {}, ...browser(origin) });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body as { token: string; session_id: string; contact_id: string; expires_at: string };
  }

  beforeAll(async () => {
    t = testApp(db());
    const a = await workspaceWithChat([SHOP, 'http://localhost:8080']);
    owner = a;
    slug = a.slug;
    other = (await workspaceWithChat(['https://other.example'])).slug;
  });

  it('refuses to start a chat from a site that is not on the allowlist, or from no page at all', async () => {
    const foreign = await t.call('POST', `/webchat/${slug}/sessions`, { body: {}, ...browser('https://evil.example') });
    expect(foreign.status).toBe(403);
    expect(foreign.body.error.code).toBe('webchat.origin_not_allowed');
    expect(foreign.headers.get('access-control-allow-origin')).toBeNull();
    const none = await t.call('POST', `/webchat/${slug}/sessions`, { body: {}, ...browser(undefined) });
    expect(none.status).toBe(403);
    expect(none.body.error.code).toBe('webchat.origin_required');
    // Another workspace's site is foreign here too.
    expect((await t.call('POST', `/webchat/${slug}/sessions`, { body: {}, ...browser('https://other.example') })).status).toBe(403);
  });

  it('answers CORS preflights only for allowlisted origins', async () => {
    const allowed = await t.call('OPTIONS', `/webchat/${slug}/messages`, browser(SHOP));
    expect(allowed.status).toBe(204);
    expect(allowed.headers.get('access-control-allow-origin')).toBe(SHOP);
    expect(allowed.headers.get('access-control-allow-headers')).toContain('X-Guest-Token');
    const refused = await t.call('OPTIONS', `/webchat/${slug}/sessions`, browser('https://evil.example'));
    expect(refused.status).toBe(403);
    expect(refused.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('starts a chat for an allowlisted site: a 64-hex token for 24 hours, bound to a guest session and a new contact', async () => {
    const res = await t.call('POST', `/webchat/${slug}/sessions`, { body: { name: 'Dewi' }, ...browser(SHOP) });
    expect(res.status).toBe(201);
    expect(res.headers.get('access-control-allow-origin')).toBe(SHOP);
    expect(res.body.token).toMatch(/^[0-9a-f]{64}$/);
    const hours = (Date.parse(res.body.expires_at) - Date.now()) / 3_600_000;
    expect(hours).toBeGreaterThan(23.9);
    expect(hours).toBeLessThanOrEqual(24);
    const rows = await withServiceRole(db(), async (tx) => ({
      session: await tx.db.selectFrom('guest_sessions').select(['session_token', 'full_name', 'metadata']).where('id', '=', res.body.session_id).executeTakeFirstOrThrow(),
      contact: await tx.db.selectFrom('contacts').select(['name', 'source']).where('id', '=', res.body.contact_id).executeTakeFirstOrThrow(),
    }));
    expect(rows.session).toMatchObject({ session_token: res.body.token, full_name: 'Dewi', metadata: { channel: 'webchat', contact_id: res.body.contact_id, origin: SHOP } });
    expect(rows.contact).toEqual({ name: 'Dewi', source: 'webchat' });
  });

  it("answers the visitor's message with the assistant's reply, and a retry of the same message once", async () => {
    const chat = await startChat();
    const send = () => t.call('POST', `/webchat/${slug}/messages`, { body: { body: 'Halo, saya mau kuliah di Australia', client_message_id: 'msg-00000001' }, ...browser(SHOP, chat.token) });
    const first = await send();
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    expect(first.body.message).toMatchObject({ from: 'visitor', body: 'Halo, saya mau kuliah di Australia' });
    expect(first.body.reply).toMatchObject({ from: 'assistant', body: expect.any(String) });
    expect(first.body.reply.body.length).toBeGreaterThan(0);
    const again = await send();
    expect(again.status).toBe(200);
    expect(again.body.message.id).toBe(first.body.message.id);
    expect(again.body.reply.id).toBe(first.body.reply.id);
    const stored = await withServiceRole(db(), (tx) =>
      tx.db.selectFrom('messages').select(['direction', 'delivery_status', 'channel']).where('conversation_id', '=', first.body.conversation_id).orderBy('id').execute(),
    );
    expect(stored).toEqual([
      { direction: 'inbound', delivery_status: 'received', channel: 'webchat' },
      { direction: 'outbound', delivery_status: 'delivered', channel: 'webchat' },
    ]);
  });

  it("lets the visitor poll for a staff reply, which is then delivered, and shows it once", async () => {
    const chat = await startChat();
    const sent = await t.call('POST', `/webchat/${slug}/messages`, { body: { body: 'Can I talk to a person?' }, ...browser(SHOP, chat.token) });
    expect(sent.status).toBe(200);
    const cursor = (sent.body.reply ?? sent.body.message).id as string;
    const staff = await t.call('POST', `/api/v1/conversations/${sent.body.conversation_id}/messages`, { ...owner.as, body: { body: 'Hi, this is Rina from the office.' } });
    expect(staff.status, JSON.stringify(staff.body)).toBe(201);

    const poll = await t.call('GET', `/webchat/${slug}/messages?after=${cursor}`, browser(SHOP, chat.token));
    expect(poll.status).toBe(200);
    expect(poll.body.messages).toEqual([expect.objectContaining({ id: staff.body.id, from: 'staff', body: 'Hi, this is Rina from the office.' })]);
    const status = await withServiceRole(db(), (tx) => tx.db.selectFrom('messages').select('delivery_status').where('id', '=', staff.body.id).executeTakeFirstOrThrow());
    expect(status.delivery_status).toBe('delivered');

    const later = await t.call('GET', `/webchat/${slug}/messages?after=${staff.body.id}`, browser(SHOP, chat.token));
    expect(later.body.messages).toEqual([]);
    const whole = await t.call('GET', `/webchat/${slug}/messages`, browser(SHOP, chat.token));
    expect(whole.body.messages.map((m: { from: string }) => m.from)).toEqual([...(sent.body.reply ? ['visitor', 'assistant'] : ['visitor']), 'staff']);
  });

  it("refuses a chat token at another workspace's address, and a missing or unknown token", async () => {
    const chat = await startChat();
    const elsewhere = await t.call('POST', `/webchat/${other}/messages`, { body: { body: 'hello' }, ...browser('https://other.example', chat.token) });
    expect(elsewhere.status).toBe(401);
    expect(elsewhere.body.error.code).toBe('webchat.invalid_token');
    const poll = await t.call('GET', `/webchat/${other}/messages`, browser('https://other.example', chat.token));
    expect(poll.status).toBe(401);
    expect((await t.call('POST', `/webchat/${slug}/messages`, { body: { body: 'hello' }, ...browser(SHOP) })).status).toBe(401);
    expect((await t.call('GET', `/webchat/${slug}/messages`, browser(SHOP, 'ab'.repeat(32)))).status).toBe(401);
  });

  it('answers malformed requests with a 4xx and an error code, never a 500', async () => {
    const chat = await startChat();
    const attempts = [
      t.call('POST', `/webchat/${slug}/messages`, { raw: 'body=hello', contentType: 'application/x-www-form-urlencoded', ...browser(SHOP, chat.token) }),
      t.call('POST', `/webchat/${slug}/messages`, { raw: '{"body":', contentType: 'application/json', ...browser(SHOP, chat.token) }),
      t.call('POST', `/webchat/${slug}/messages`, { body: { body: '' }, ...browser(SHOP, chat.token) }),
      t.call('POST', `/webchat/${slug}/messages`, { body: { body: 'x'.repeat(5000) }, ...browser(SHOP, chat.token) }),
      t.call('POST', `/webchat/${slug}/messages`, { body: { body: 'hi', client_message_id: '../../etc' }, ...browser(SHOP, chat.token) }),
      t.call('POST', `/webchat/${slug}/messages`, { body: { body: 'a\u0000b' }, ...browser(SHOP, chat.token) }),
      t.call('GET', `/webchat/${slug}/messages?after=not-a-uuid`, browser(SHOP, chat.token)),
      t.call('POST', `/webchat/${slug}/sessions`, { body: { email: 'not an email' }, ...browser(SHOP) }),
      t.call('POST', `/webchat/${slug}/sessions`, { body: [], ...browser(SHOP) }),
      t.call('POST', `/webchat/${slug}/sessions`, { body: {}, ...browser('null') }),
      t.call('POST', '/webchat/NOT_A_SLUG/sessions', { body: {}, ...browser(SHOP) }),
      t.call('GET', `/webchat/${slug}/messages`, browser(SHOP, 'not-hex')),
    ];
    for (const res of await Promise.all(attempts)) {
      expect(res.status, JSON.stringify(res.body)).toBeGreaterThanOrEqual(400);
      expect(res.status, JSON.stringify(res.body)).toBeLessThan(500);
      expect(res.body.error.code).toEqual(expect.any(String));
    }
  });

  it('answers 404 for an address no workspace takes chat at', async () => {
    const res = await t.call('POST', '/webchat/no-such-workspace/sessions', { body: {}, ...browser(SHOP) });
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('webchat.not_found');
  });

  it('rate limits session starts from one address: 429 with Retry-After', async () => {
    const from = { body: {}, headers: { 'x-test-client': 'one-busy-address', origin: SHOP } };
    const statuses: number[] = [];
    for (let i = 0; i < 11; i++) statuses.push((await t.call('POST', `/webchat/${slug}/sessions`, from)).status);
    expect(statuses.slice(0, 10)).toEqual(Array(10).fill(201));
    const limited = await t.call('POST', `/webchat/${slug}/sessions`, from);
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    // The refusal is readable by the page that asked.
    expect(limited.headers.get('access-control-allow-origin')).toBe(SHOP);
  });

  it('serves a widget script that parses and talks to the chat endpoints', async () => {
    const res = await t.app.request('/webchat/widget.js');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('javascript');
    const source = await res.text();
    expect(() => new Function(source)).not.toThrow();
    for (const part of ["'/webchat/'", "'/sessions'", "'/messages'", 'X-Guest-Token', 'data-workspace', '?after=']) expect(source).toContain(part);
    expect(source.length).toBeLessThan(12_000);
  });

  it('lets a visitor chat on a page through the widget: session, message, reply and a polled staff reply', async () => {
    const source = await (await t.app.request('/webchat/widget.js')).text();
    const page = fakePage(`https://frontdesk.test/webchat/widget.js`, slug, (path, init) =>
      t.app.request(path, { ...init, headers: { ...(init.headers as Record<string, string>), origin: SHOP, 'x-test-client': 'widget' } }),
    );
    page.run(source);
    const [panel, bubble] = page.body.children;
    expect(bubble!.attrs['aria-label']).toBe('Chat with us');
    bubble!.fire('click');
    expect(panel!.style.display).toBe('flex');
    const [, list, form] = panel!.children;
    const input = form!.children[0]!;
    input.value = 'Hi, is anyone there?';
    form!.fire('submit');
    await until(() => list!.children.length >= 2);
    const texts = () => list!.children.map((row) => row.children[0]!.textContent);
    expect(texts()[0]).toBe('Hi, is anyone there?');
    expect(texts()[1]!.length).toBeGreaterThan(0);
    const stored = JSON.parse(page.storage.get(`frontdesk-webchat:${slug}`)!) as { token: string; after: string };
    expect(stored.token).toMatch(/^[0-9a-f]{64}$/);

    const conversation = await withServiceRole(db(), (tx) =>
      tx.db.selectFrom('messages').select('conversation_id').where('provider_message_id', 'like', '%:%').where('body', '=', 'Hi, is anyone there?').executeTakeFirstOrThrow(),
    );
    const staff = await t.call('POST', `/api/v1/conversations/${conversation.conversation_id}/messages`, { ...owner.as, body: { body: 'Yes! Rina here.' } });
    expect(staff.status).toBe(201);
    await page.tick();
    await until(() => texts().includes('Yes! Rina here.'));
    expect(texts().filter((x) => x === 'Yes! Rina here.')).toHaveLength(1);
  });

  it("lets visitors of the demo businesses' pages chat with their assistants", async () => {
    await seedDemo(db(), systemClock, { publicUrl: 'https://frontdesk.test' });
    for (const demo of ['1stoplaundry', 'eagle-overseas', 'casa-limpia']) {
      const chat = await startChat(demo, 'https://frontdesk.test');
      const sent = await t.call('POST', `/webchat/${demo}/messages`, { body: { body: 'Hello' }, ...browser('https://frontdesk.test', chat.token) });
      expect(sent.status, JSON.stringify(sent.body)).toBe(200);
      expect(sent.body.reply.body.length).toBeGreaterThan(0);
    }
    // Casa Limpia's visitors talk to Amara, in Spanish, with the prices of its catalogue.
    const casa = await startChat('casa-limpia', 'https://frontdesk.test');
    const price = await t.call('POST', '/webchat/casa-limpia/messages', { body: { body: 'Hola, ¿cuánto cuesta la hora?' }, ...browser('https://frontdesk.test', casa.token) });
    expect(price.status, JSON.stringify(price.body)).toBe(200);
    expect(price.body.reply.body).toContain('Limpieza básica ($ 30.000 COP la hora)');
  });

  it('serves a demo page that embeds the widget for the workspace', async () => {
    const res = await t.app.request(`/webchat/demo/${slug}`);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain(`<script src="/webchat/widget.js" data-workspace="${slug}"`);
  });
});

/** Waits for the widget's promises to settle into the page. */
async function until(done: () => boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!done()) {
    if (Date.now() > end) throw new Error('the page did not change in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Just enough of a browser page to run widget.js: elements, events, storage, fetch and timers. */
class FakeElement {
  children: FakeElement[] = [];
  attrs: Record<string, string> = {};
  style: Record<string, string> = {};
  textContent = '';
  value = '';
  placeholder = '';
  maxLength = 0;
  scrollTop = 0;
  scrollHeight = 0;
  private listeners: Record<string, ((e: unknown) => void)[]> = {};
  constructor(readonly tag: string) {}
  appendChild(child: FakeElement) {
    this.children.push(child);
    return child;
  }
  setAttribute(name: string, value: string) {
    this.attrs[name] = value;
  }
  getAttribute(name: string) {
    return this.attrs[name] ?? null;
  }
  addEventListener(type: string, fn: (e: unknown) => void) {
    (this.listeners[type] ??= []).push(fn);
  }
  focus() {}
  fire(type: string) {
    for (const fn of this.listeners[type] ?? []) fn({ preventDefault() {} });
  }
}

function fakePage(src: string, workspace: string, fetchPath: (path: string, init: RequestInit) => Response | Promise<Response>) {
  const script = new FakeElement('script');
  script.setAttribute('data-workspace', workspace);
  const body = new FakeElement('body');
  const storage = new Map<string, string>();
  let pending: (() => void) | undefined;
  const document = { currentScript: Object.assign(script, { src }), body, createElement: (tag: string) => new FakeElement(tag), addEventListener() {} };
  const localStorage = { getItem: (k: string) => storage.get(k) ?? null, setItem: (k: string, v: string) => void storage.set(k, v) };
  const fetch = (url: string, init: RequestInit) => {
    const u = new URL(url);
    return Promise.resolve(fetchPath(u.pathname + u.search, init));
  };
  return {
    body,
    storage,
    run(source: string) {
      new Function('document', 'localStorage', 'fetch', 'setTimeout', 'clearTimeout', source)(
        document,
        localStorage,
        fetch,
        (fn: () => void) => {
          pending = fn;
          return 1;
        },
        () => {
          pending = undefined;
        },
      );
    },
    /** The widget's next poll, now. */
    async tick() {
      const fn = pending;
      pending = undefined;
      fn?.();
    },
  };
}

