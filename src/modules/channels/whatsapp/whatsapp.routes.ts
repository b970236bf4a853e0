import type { RouteDeps } from '../../../platform/http/env.ts';
import { createRoute, createRouter, errorResponses, json, z } from '../../../platform/http/router.ts';
import { receiveWhatsAppWebhook, verifySubscription, WhatsAppReceipt } from './whatsapp.webhook.ts';

const PATH = '/webhooks/whatsapp';
const tags = ['webhooks'];

/** Meta's webhook for the WhatsApp Cloud API, public and mounted at the root. */
export function whatsappWebhookRoutes(deps: RouteDeps) {
  const r = createRouter();

  // Meta's verification GET answers plain text, outside the JSON API (see docs/api.md): the
  // challenge when hub.mode is subscribe and the verify token is one some workspace set, whose
  // number, waiting for this second proof of ownership, is bound then.
  r.get(PATH, async (c) => {
    const challenge = await verifySubscription({ db: deps.db, clock: deps.clock, log: c.var.log }, c.req.query());
    return challenge === undefined ? c.text('forbidden', 403) : c.text(challenge, 200);
  });

  r.openapi(
    createRoute({
      method: 'post', path: PATH, tags, summary: 'WhatsApp messages and delivery statuses from Meta',
      description:
        "X-Hub-Signature-256 must be HMAC-SHA256 of the raw body with the app secret of the workspace that connected the delivery's phone_number_id (401 otherwise, and nothing changes). " +
        'Each message is stored once by its wamid and answered by the assistant from the queue; statuses (sent, delivered, read, failed) only move forward.',
      responses: { 200: json(WhatsAppReceipt, 'received'), ...errorResponses },
    }),
    async (c) =>
      c.json(await receiveWhatsAppWebhook({ db: deps.db, secrets: deps.secrets, clock: deps.clock, log: c.var.log }, await c.req.text(), c.req.header('x-hub-signature-256')), 200),
  );

  return r;
}
