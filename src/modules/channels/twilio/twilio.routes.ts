import type { RouteDeps } from '../../../platform/http/env.ts';
import { createRoute, createRouter, errorResponses, z } from '../../../platform/http/router.ts';
import { EMPTY_TWIML } from './twilio.protocol.ts';
import { receiveSms, receiveSmsStatus, SMS_PATH, STATUS_PATH, type TwilioRequest } from './twilio.webhook.ts';

const tags = ['webhooks'];
const twiml = { description: 'an empty TwiML <Response/>: the reply goes out through the REST API', content: { 'text/xml': { schema: z.string() } } };

/** Twilio's messaging webhooks, public and mounted at the root. */
export function twilioWebhookRoutes(deps: RouteDeps) {
  const r = createRouter();
  const request = async (c: { req: { text(): Promise<string>; header(name: string): string | undefined; url: string } }): Promise<TwilioRequest> => ({
    rawBody: await c.req.text(),
    signature: c.req.header('x-twilio-signature'),
    search: new URL(c.req.url).search,
  });
  const signed =
    "Form-encoded, as Twilio posts it. X-Twilio-Signature must sign every parameter at the workspace's configured public URL (webhook_url + this path, with the query): " +
    '400 when it is missing, 403 when it does not match, 404 when no workspace connected the number.';

  r.openapi(
    createRoute({
      method: 'post', path: SMS_PATH, tags, summary: 'Twilio incoming SMS',
      description:
        `${signed} The workspace is the one whose Twilio number is To. The message is stored once under its MessageSid (a redelivery changes nothing) ` +
        'and Twilio gets an empty TwiML answer at once; the assistant answers from the queue through the REST API.',
      security: [],
      responses: { 200: twiml, ...errorResponses },
    }),
    async (c) => {
      await receiveSms({ ...deps, log: c.var.log }, await request(c));
      return c.body(EMPTY_TWIML, 200, { 'Content-Type': 'text/xml; charset=utf-8' });
    },
  );

  r.openapi(
    createRoute({
      method: 'post', path: STATUS_PATH, tags, summary: 'Twilio message status callback',
      description:
        `${signed} Applied once per (MessageSid, MessageStatus) and only forward (queued < sending < sent < delivered; undelivered and failed end it), ` +
        'with NumSegments, Price and ErrorCode when present.',
      security: [],
      responses: { 200: twiml, ...errorResponses },
    }),
    async (c) => {
      await receiveSmsStatus({ ...deps, log: c.var.log }, await request(c));
      return c.body(EMPTY_TWIML, 200, { 'Content-Type': 'text/xml; charset=utf-8' });
    },
  );

  return r;
}
