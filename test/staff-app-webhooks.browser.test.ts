// The webhooks screen in a real Chromium against the real server on each database: an owner adds
// an endpoint (a receiver on 127.0.0.1) with two events and is shown its secret once; a test event
// and a contact's creation are delivered by the webhook worker, signed so that the secret from the
// screen verifies them (node:crypto, independently of the server's code); a failed attempt shows
// the endpoint's answer, and a replay delivers it. The webhooks screenshot is taken here.
import { createHmac } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createWebhookWorker } from '../src/modules/webhooks/index.ts';
import { systemClock } from '../src/platform/clock.ts';
import { allowOutboundHosts } from '../src/platform/http/outbound.ts';
import { silentLogger } from '../src/platform/log.ts';
import { accessibilityProblems, describeWithBrowser, noHorizontalScroll, startStaffApp, type StaffApp } from './browser.ts';

describeWithBrowser('the webhooks screen in a real browser', (db, kind) => {
  let app: StaffApp;
  const received: { headers: Record<string, string>; body: string }[] = [];
  const answers: number[] = [];
  const receiver = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('utf8')));
    req.on('end', () => {
      received.push({ headers: req.headers as Record<string, string>, body });
      const status = answers.shift() ?? 200;
      res.writeHead(status).end(status === 200 ? 'ok' : 'receiver is down');
    });
  });
  let url = '';
  beforeAll(async () => {
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    const port = (receiver.address() as AddressInfo).port;
    url = `http://127.0.0.1:${port}/frontdesk`;
    allowOutboundHosts(`127.0.0.1:${port}`);
    app = await startStaffApp(db(), kind);
  }, 180_000);
  afterAll(async () => {
    await app?.close();
    await new Promise<void>((r) => receiver.close(() => r()));
  });

  const verifies = (secret: string, r: { headers: Record<string, string>; body: string }) =>
    r.headers['webhook-signature'] ===
    `v1,${createHmac('sha256', Buffer.from(secret.slice('whsec_'.length), 'base64')).update(`${r.headers['webhook-id']}.${r.headers['webhook-timestamp']}.${r.body}`).digest('base64')}`;

  it('adds an endpoint, shows its secret once, lists deliveries with their attempts and replays a failed one', { timeout: 120_000 }, async () => {
    const worker = createWebhookWorker({ db: db(), clock: systemClock, log: silentLogger(), secrets: app.t.secrets, backoffMs: 3_600_000 });
    const context = await app.browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-US' });
    const page = await context.newPage();
    try {
      await app.signIn(page);
      await page.getByRole('navigation').getByRole('link', { name: 'Webhooks', exact: true }).click();
      await page.getByRole('heading', { name: 'Webhooks', level: 1 }).waitFor();
      // The demo's CRM endpoint, disabled.
      const demo = page.getByRole('listitem', { name: 'https://crm.example.com/hooks/frontdesk' });
      await demo.getByText('Disabled', { exact: true }).waitFor();

      await page.getByLabel('Endpoint URL (https)').fill(url);
      await page.getByLabel('Description').fill('Our CRM');
      await page.getByRole('checkbox', { name: 'contact.created' }).check();
      await page.getByRole('checkbox', { name: 'booking.created' }).check();
      await page.getByRole('button', { name: 'Add endpoint' }).click();
      const secret = (await page.locator('code.webhook-secret').textContent())!;
      expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{32}$/);

      const card = page.getByRole('listitem', { name: url });
      await card.getByText('Enabled', { exact: true }).waitFor();
      const deliveries = card.getByRole('region', { name: `Deliveries to ${url}` });
      await deliveries.getByText('Nothing sent yet.').waitFor();
      await card.getByRole('button', { name: 'Send test event' }).click();
      await deliveries.getByRole('row', { name: /webhook\.test Waiting 0/ }).waitFor();
      expect(await worker.drain()).toBe(1);
      await deliveries.getByRole('button', { name: 'Refresh' }).click();
      await deliveries.getByRole('row', { name: /webhook\.test Delivered 1/ }).waitFor();
      expect(received).toHaveLength(1);
      expect(verifies(secret, received[0]!)).toBe(true);

      // A contact added elsewhere is posted too; the receiver is down the first time.
      answers.push(503);
      const contact = await app.asOwner('POST', '/api/v1/contacts', { name: 'Siti Rahma', phone: '+6281299990000' });
      expect(contact.status).toBe(201);
      expect(await worker.drain()).toBe(1);
      await deliveries.getByRole('button', { name: 'Refresh' }).click();
      const failedRow = deliveries.getByRole('row', { name: /contact\.created Waiting 1/ });
      await failedRow.waitFor();
      await failedRow.getByRole('button', { name: 'Attempts' }).click();
      await deliveries.getByText(/Answered 503 in \d+ ms/).waitFor();
      await deliveries.getByText('receiver is down').waitFor();
      expect(await accessibilityProblems(page)).toEqual([]);
      await app.shoot(page, 'webhooks', true);

      await failedRow.getByRole('button', { name: 'Replay' }).click();
      await expect.poll(() => worker.drain(), { timeout: 10_000 }).toBe(1);
      await deliveries.getByRole('button', { name: 'Refresh' }).click();
      await deliveries.getByRole('row', { name: /contact\.created Delivered 1/ }).waitFor();
      expect(received).toHaveLength(3);
      expect(received[1]!.headers['webhook-id']).toBe(received[2]!.headers['webhook-id']);
      expect(verifies(secret, received[2]!)).toBe(true);
      expect(JSON.parse(received[2]!.body)).toMatchObject({ type: 'contact.created', data: { name: 'Siti Rahma' } });

      // Reloaded, the secret is gone for good.
      await page.reload();
      await page.getByRole('heading', { name: 'Webhooks', level: 1 }).waitFor();
      await card.waitFor();
      expect(await page.locator('code.webhook-secret').count()).toBe(0);
      expect(await page.content()).not.toContain(secret.slice(6));

      await page.setViewportSize({ width: 390, height: 844 });
      expect(await noHorizontalScroll(page)).toBe(true);
    } finally {
      await context.close();
      await worker.stop();
    }
  });
});
