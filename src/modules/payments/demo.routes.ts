import type { RouteDeps } from '../../platform/http/env.ts';
import { formatMoney } from '../../platform/money.ts';
import { createRoute, createRouter, errorResponses, z } from '../../platform/http/router.ts';
import { DEMO_PAGE_PATH } from './demo.settings.ts';
import { payDemoOrder, showDemoOrder, type DemoOrder } from './demo.service.ts';
import type { PaymentListener } from './payments.service.ts';

const OrderParams = z.object({ order_id: z.string().max(100).openapi({ param: { in: 'path' }, example: 'FD-0Bq6dM3Wm1dX4rK3lU6p2E-0Bq6dNkzX0Vq2lR8bWm4aC' }) });

const html = (description: string) => ({ description, content: { 'text/html': { schema: z.string() } } });

const escape = (s: string) => s.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);

const money = (amount: number, currency: string) => formatMoney(amount, currency, { locale: 'id-ID', fraction: 0 });

/** The page a demo payment link opens: what is paid, and a Pay button while it is pending. */
export function demoPage(order: DemoOrder, path: string): string {
  const paid = order.status === 'success' || order.status === 'refunded';
  const body = paid
    ? '<p class="done">Paid. The consultation is confirmed; the assistant has told the customer.</p>'
    : order.status === 'pending'
      ? `<form method="post" action="${escape(path)}"><button type="submit">Pay ${escape(money(order.amount, order.currency))}</button></form>`
      : `<p>This payment is ${escape(order.status)}; ask for a new link.</p>`;
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Demo payment — no money moves</title>
<style>body{font-family:system-ui,sans-serif;max-width:28rem;margin:3rem auto;padding:0 1rem;color:#222}.note{background:#fff4d6;padding:.6rem .8rem;border-radius:.4rem}button{font-size:1.1rem;padding:.6rem 1.4rem;border-radius:.4rem;border:0;background:#1f6feb;color:#fff;cursor:pointer}.done{color:#137333;font-weight:600}dt{color:#666}dd{margin:0 0 .6rem}</style></head>
<body>
<h1>Demo payment — no money moves</h1>
<p class="note">This is the demo gateway of a demo workspace. Pressing Pay settles the payment as if the customer had paid; nothing is charged.</p>
<dl><dt>To</dt><dd>${escape(order.business)}</dd><dt>For</dt><dd>${escape(order.description ?? 'Consultation')}</dd><dt>Amount</dt><dd>${escape(money(order.amount, order.currency))}</dd><dt>Order</dt><dd><code>${escape(order.order_id)}</code></dd></dl>
${body}
</body>
</html>`;
}

/** The demo gateway's payment page, public and mounted at the root like Midtrans's webhook. */
export function demoPaymentRoutes(deps: RouteDeps & { onPaymentChange: PaymentListener }) {
  const r = createRouter();
  const tags = ['payments'];

  r.openapi(
    createRoute({
      method: 'get', path: `${DEMO_PAGE_PATH}/{order_id}`, tags, summary: 'The demo gateway\'s payment page',
      description: 'Only for payments of a demo workspace without Midtrans (the demo seed enables the gateway; no route does). An HTML page with a Pay button; no money moves.',
      security: [],
      request: { params: OrderParams },
      responses: { 200: html('the page'), ...errorResponses },
    }),
    async (c) => {
      const { order_id } = c.req.valid('param');
      return c.html(demoPage(await showDemoOrder({ db: deps.db, clock: deps.clock, log: c.var.log }, order_id), c.req.path), 200);
    },
  );

  r.openapi(
    createRoute({
      method: 'post', path: `${DEMO_PAGE_PATH}/{order_id}`, tags, summary: 'Pay a demo payment',
      description:
        'Settles the payment through the same status machine and effects as a Midtrans settlement: the consultation is confirmed, the assistant moves from payment to scheduling and the customer is sent the confirmation. Paying again changes nothing.',
      security: [],
      request: { params: OrderParams },
      responses: { 200: html('the page, paid'), ...errorResponses },
    }),
    async (c) => {
      const { order_id } = c.req.valid('param');
      return c.html(demoPage(await payDemoOrder({ db: deps.db, clock: deps.clock, log: c.var.log }, order_id, deps.onPaymentChange), c.req.path), 200);
    },
  );

  return r;
}
