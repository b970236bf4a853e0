// The web chat as a visitor meets it: a shop's page on another origin embeds the widget, and a
// real Chromium (Debian's, driven by playwright-core) opens the bubble, writes, reads the
// assistant's answer, and later sees a staff reply arrive. The fake DOM in webchat.test.ts
// checks the widget's logic; this checks what only a browser decides: CORS, the script's
// crossorigin load, localStorage and the page's own rendering.
import { serve, type ServerType } from '@hono/node-server';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachDatabase } from '../support/db.ts';
import { DEMO_PASSWORD, seedDemo } from '../../src/apps/demo.ts';
import { createServerApp } from '../../src/http.ts';
import { systemClock } from '../../src/platform/clock.ts';
import { withServiceRole } from '../../src/platform/db/tenant.ts';
import { silentLogger } from '../../src/platform/log.ts';
import { createSecretBox } from '../../src/platform/secrets.ts';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
// CI installs Chromium and sets this, so that there the test runs or fails, never skips.
const required = process.env.REQUIRE_BROWSER_TESTS === '1';
const available = existsSync(CHROMIUM);
if (required && !available) throw new Error(`REQUIRE_BROWSER_TESTS=1 but there is no Chromium at ${CHROMIUM} (apt-get install chromium)`);

// Without the background-networking flags Chromium keeps dialling Google's hosts, which this
// machine's closed network refuses.
const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

const listen = async (server: Server | ServerType) => {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    if (server.listening) resolve();
    else server.once('listening', () => resolve());
  });
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
};

const closeServer = (server: Server | ServerType | undefined) =>
  new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));

const describeWithBrowser: typeof describeEachDatabase = available
  ? describeEachDatabase
  : (name) => it.skip(`${name}: needs Chromium at ${CHROMIUM}`, () => {});

describeWithBrowser('web chat in a real browser', (db) => {
  let frontdesk: ServerType;
  let frontdeskUrl: string;
  let shop: Server;
  let shopUrl: string;
  let browser: Browser;
  let app: ReturnType<typeof createServerApp>;
  let cookie: string;
  let workspaceId: string;
  const slug = 'eagle-overseas';

  const guestSessions = async () =>
    Number((await withServiceRole(db(), (tx) => tx.db.selectFrom('guest_sessions').select((eb) => eb.fn.countAll().as('n')).where('workspace_id', '=', workspaceId).executeTakeFirstOrThrow())).n);

  const staff = (method: string, path: string, body?: unknown) =>
    app.request(path, {
      method,
      headers: { cookie, 'x-workspace-id': workspaceId, 'x-test-client': 'staff', ...(body ? { 'content-type': 'application/json' } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });

  beforeAll(async () => {
    app = createServerApp({ db: db(), log: silentLogger(), clock: systemClock, secrets: createSecretBox(randomBytes(32)) });
    frontdesk = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 });
    frontdeskUrl = await listen(frontdesk);
    shop = createServer((req, res) => {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(`<!doctype html><html><head><title>Eagle Overseas</title></head><body><h1>Study abroad</h1>
<script src="${frontdeskUrl}/webchat/widget.js" data-workspace="${slug}" crossorigin="anonymous" defer></script></body></html>`);
    }).listen(0, '127.0.0.1');
    shopUrl = await listen(shop);

    workspaceId = (await seedDemo(db(), systemClock, { publicUrl: frontdeskUrl })).find((w) => w.slug === slug)!.workspaceId;
    const signin = await app.request('/api/v1/auth/signin', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'owner@eagle-overseas.demo', password: DEMO_PASSWORD }),
    });
    expect(signin.status).toBe(200);
    cookie = (signin.headers.get('set-cookie') ?? '').split(';')[0]!;
    // The shop's site is let in the way an admin does it.
    const allowed = await staff('PUT', '/api/v1/channels/webchat', { allowed_origins: [shopUrl] });
    expect(allowed.status, await allowed.clone().text()).toBe(200);

    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await closeServer(shop);
    await closeServer(frontdesk);
  });

  it("lets a visitor on the shop's page chat with the assistant and read a staff reply", { timeout: 60_000 }, async () => {
    const page = await browser.newPage();
    try {
      await page.goto(shopUrl);
      const bubble = page.getByRole('button', { name: 'Chat with us' });
      await bubble.click();
      await page.getByPlaceholder('Type a message').fill('Halo, saya mau kuliah S2 di UK');
      await page.getByRole('button', { name: 'Send' }).click();

      // The visitor's line, then the assistant's answer, as the page shows them.
      await page.getByText('Halo, saya mau kuliah S2 di UK', { exact: true }).waitFor();
      const conversation = await withServiceRole(db(), (tx) =>
        tx.db
          .selectFrom('messages')
          .select('conversation_id')
          .where('workspace_id', '=', workspaceId)
          .where('channel', '=', 'webchat')
          .where('body', '=', 'Halo, saya mau kuliah S2 di UK')
          .executeTakeFirstOrThrow(),
      );
      const answer = await withServiceRole(db(), (tx) =>
        tx.db
          .selectFrom('messages')
          .select('body')
          .where('workspace_id', '=', workspaceId)
          .where('conversation_id', '=', conversation.conversation_id)
          .where('sender_kind', '=', 'assistant')
          .executeTakeFirstOrThrow(),
      );
      expect(answer.body).toMatch(/ARI/);
      await page.getByText(answer.body, { exact: true }).waitFor();

      // A person answers from the inbox; the widget's poll brings it to the page once.
      const reply = await staff('POST', `/api/v1/conversations/${conversation.conversation_id}/messages`, { body: 'Halo! Saya Rina, konsultan Eagle Overseas.' });
      expect(reply.status).toBe(201);
      await page.getByText('Halo! Saya Rina, konsultan Eagle Overseas.', { exact: true }).waitFor({ timeout: 20_000 });
      expect(await page.getByText('Halo! Saya Rina, konsultan Eagle Overseas.', { exact: true }).count()).toBe(1);

      // The chat belongs to this browser: its token is kept for the site, not in a cookie.
      const stored = await page.evaluate<string | null>(`localStorage.getItem(${JSON.stringify(`frontdesk-webchat:${slug}`)})`);
      expect(JSON.parse(stored!)).toMatchObject({ token: expect.stringMatching(/^[0-9a-f]{64}$/) });
    } finally {
      await page.close();
    }
  });

  it('gives a page on a site the workspace did not allow no chat', { timeout: 60_000 }, async () => {
    const stranger = createServer((req, res) => {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(`<!doctype html><html><body><script src="${frontdeskUrl}/webchat/widget.js" data-workspace="${slug}" crossorigin="anonymous" defer></script></body></html>`);
    }).listen(0, '127.0.0.1');
    const strangerUrl = await listen(stranger);
    const page = await browser.newPage();
    const sessionsBefore = await guestSessions();
    try {
      await page.goto(strangerUrl);
      await page.getByRole('button', { name: 'Chat with us' }).click();
      await page.getByPlaceholder('Type a message').fill('hello?');
      await page.getByRole('button', { name: 'Send' }).click();
      // The browser refuses to send without the server's CORS grant; the widget says so and
      // keeps what the visitor wrote.
      await page.getByText(/^Not sent: /).waitFor();
      expect(await page.getByPlaceholder('Type a message').inputValue()).toBe('hello?');
      expect(await guestSessions()).toBe(sessionsBefore);
      const stored = await withServiceRole(db(), (tx) => tx.db.selectFrom('messages').select('id').where('body', '=', 'hello?').execute());
      expect(stored).toHaveLength(0);
    } finally {
      await page.close();
      await closeServer(stranger);
    }
  });
});
