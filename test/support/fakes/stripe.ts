// A fake Stripe API on 127.0.0.1 that speaks the real REST shapes for PaymentIntents:
// form-encoded requests (metadata[key]=value, automatic_payment_methods[enabled]=true) with
// `Authorization: Bearer sk_...`, JSON answers, Idempotency-Key replays (the same key with
// other parameters is refused, as Stripe does), and the state machine of a manual-capture
// PaymentIntent: requires_payment_method -> (the customer authorises) requires_capture ->
// capture -> succeeded, or cancel -> canceled; a call in the wrong state answers 400
// payment_intent_unexpected_state. Events are built as Stripe sends them and signed with the
// stripe package's own generateTestHeaderString.
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import Stripe from 'stripe';
import { allowOutboundHosts } from '../../../src/platform/http/outbound.ts';

export interface StripeRequest {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  raw: string;
  form: Record<string, string>;
}

export interface FakeIntent {
  id: string;
  object: 'payment_intent';
  amount: number;
  amount_capturable: number;
  amount_received: number;
  currency: string;
  capture_method: string;
  client_secret: string;
  description: string | null;
  metadata: Record<string, string>;
  status: string;
  canceled_at: number | null;
  cancellation_reason: string | null;
  created: number;
  livemode: false;
  latest_charge: string | null;
  receipt_email: string | null;
}

export type StripeFailure = { status: number; body?: unknown } | { hangUpAfter: true };

export interface FakeStripe {
  url: string;
  requests: StripeRequest[];
  intents: Map<string, FakeIntent>;
  acceptKey(secretKey: string): void;
  /** The next request fails this way; hangUpAfter does the work first and then drops the connection. */
  fail(failure: StripeFailure): void;
  /** Runs when a PaymentIntent has been created, before the answer is sent. */
  onCreate(hook: ((intent: FakeIntent) => Promise<void> | void) | undefined): void;
  /** The customer authorised the card: the amount is held (requires_capture). */
  authorise(id: string): FakeIntent;
  /** A Stripe event about the PaymentIntent as it is now (or as given), and its raw JSON. */
  event(type: string, intent: FakeIntent, o?: { id?: string }): { id: string; payload: string };
  close(): Promise<void>;
}

/** The Stripe-Signature header Stripe would send, from the stripe package itself. */
export function signStripe(payload: string, secret: string, o: { timestamp?: number; signature?: string } = {}): string {
  const stripe = new Stripe('sk_test_unused_for_signing');
  return stripe.webhooks.generateTestHeaderString({ payload, secret, ...(o.timestamp !== undefined ? { timestamp: o.timestamp } : {}), ...(o.signature ? { signature: o.signature } : {}) });
}

const id = (prefix: string) => `${prefix}_${randomBytes(12).toString('base64url').replace(/[-_]/g, 'x')}`;

function error(res: ServerResponse, status: number, type: string, message: string, code?: string, param?: string) {
  send(res, status, { error: { type, message, ...(code ? { code } : {}), ...(param ? { param } : {}) } });
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  res.writeHead(status, { 'content-type': 'application/json', 'request-id': id('req'), ...headers });
  res.end(JSON.stringify(body));
}

export async function startFakeStripe(): Promise<FakeStripe> {
  const requests: StripeRequest[] = [];
  const intents = new Map<string, FakeIntent>();
  const keys = new Set<string>();
  const failures: StripeFailure[] = [];
  const idempotent = new Map<string, { params: string; status: number; body: unknown }>();
  let createHook: ((intent: FakeIntent) => Promise<void> | void) | undefined;

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      void (async () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        const form = Object.fromEntries(new URLSearchParams(raw));
        const path = (req.url ?? '/').split('?')[0]!;
        requests.push({ method: req.method ?? '', path, headers: req.headers, raw, form });
        const failure = failures.shift();
        if (failure && 'status' in failure) return send(res, failure.status, failure.body ?? { error: { type: 'api_error', message: 'fake failure' } });

        const auth = /^Bearer (\S+)$/.exec(req.headers.authorization ?? '');
        if (!auth || !keys.has(auth[1]!)) return error(res, 401, 'invalid_request_error', 'Invalid API Key provided');
        if (req.method === 'POST' && !String(req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded')) {
          return error(res, 400, 'invalid_request_error', 'requests are form-encoded');
        }
        const key = req.headers['idempotency-key'];
        const scope = typeof key === 'string' ? `${auth[1]}:${req.method}:${path}:${key}` : undefined;
        if (scope && idempotent.has(scope)) {
          const saved = idempotent.get(scope)!;
          if (saved.params !== raw) {
            return error(res, 400, 'idempotency_error', `Keys for idempotent requests can only be used with the same parameters they were first used with.`);
          }
          return send(res, saved.status, saved.body, { 'idempotent-replayed': 'true' });
        }
        const answer = (status: number, body: unknown) => {
          if (scope) idempotent.set(scope, { params: raw, status, body });
          if (failure && 'hangUpAfter' in failure) return req.socket.destroy();
          send(res, status, body);
        };

        if (req.method === 'POST' && path === '/v1/payment_intents') {
          const amount = Number(form.amount);
          if (!/^\d+$/.test(form.amount ?? '') || amount < 1) return error(res, 400, 'invalid_request_error', 'Invalid integer', 'parameter_invalid_integer', 'amount');
          if (!/^[a-z]{3}$/.test(form.currency ?? '')) return error(res, 400, 'invalid_request_error', 'Invalid currency', 'parameter_invalid_string', 'currency');
          if (['isk'].includes(form.currency!) && amount % 100 !== 0) {
            return error(res, 400, 'invalid_request_error', 'Invalid amount. Currency ISK has become effectively zero-decimal', 'invalid_charge_amount_no_decimal_compatible', 'amount');
          }
          const metadata: Record<string, string> = {};
          for (const [k, v] of Object.entries(form)) {
            const m = /^metadata\[(.+)\]$/.exec(k);
            if (m) metadata[m[1]!] = v;
          }
          const pi: FakeIntent = {
            id: id('pi'),
            object: 'payment_intent',
            amount,
            amount_capturable: 0,
            amount_received: 0,
            currency: form.currency!,
            capture_method: form.capture_method ?? 'automatic_async',
            client_secret: '',
            description: form.description ?? null,
            metadata,
            status: 'requires_payment_method',
            canceled_at: null,
            cancellation_reason: null,
            created: Math.floor(Date.now() / 1000),
            livemode: false,
            latest_charge: null,
            receipt_email: form.receipt_email ?? null,
          };
          pi.client_secret = `${pi.id}_secret_${randomBytes(12).toString('hex')}`;
          intents.set(pi.id, pi);
          if (createHook) await createHook(structuredClone(pi));
          return answer(200, pi);
        }
        const m = /^\/v1\/payment_intents\/([^/]+)(?:\/(capture|cancel))?$/.exec(path);
        const pi = m ? intents.get(decodeURIComponent(m[1]!)) : undefined;
        if (m && !pi) return error(res, 404, 'invalid_request_error', `No such payment_intent: '${m[1]}'`, 'resource_missing', 'intent');
        if (m && pi && req.method === 'GET' && !m[2]) return answer(200, pi);
        if (m && pi && req.method === 'POST' && m[2] === 'capture') {
          if (pi.status !== 'requires_capture') {
            return error(res, 400, 'invalid_request_error', `This PaymentIntent could not be captured because it has a status of ${pi.status}.`, 'payment_intent_unexpected_state');
          }
          Object.assign(pi, { status: 'succeeded', amount_received: pi.amount_capturable, amount_capturable: 0 });
          return answer(200, pi);
        }
        if (m && pi && req.method === 'POST' && m[2] === 'cancel') {
          if (pi.status === 'succeeded' || pi.status === 'canceled') {
            return error(res, 400, 'invalid_request_error', `You cannot cancel this PaymentIntent because it has a status of ${pi.status}.`, 'payment_intent_unexpected_state');
          }
          Object.assign(pi, { status: 'canceled', amount_capturable: 0, canceled_at: Math.floor(Date.now() / 1000), cancellation_reason: form.cancellation_reason ?? null });
          return answer(200, pi);
        }
        error(res, 404, 'invalid_request_error', `Unrecognized request URL (${req.method}: ${path}).`);
      })();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  allowOutboundHosts(`127.0.0.1:${port}`);

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    intents,
    acceptKey: (k) => void keys.add(k),
    fail: (f) => void failures.push(f),
    onCreate: (hook) => void (createHook = hook),
    authorise(piId) {
      const pi = intents.get(piId);
      if (!pi) throw new Error(`no such payment intent ${piId}`);
      Object.assign(pi, { status: 'requires_capture', amount_capturable: pi.amount, latest_charge: id('ch') });
      return structuredClone(pi);
    },
    event(type, intent, o = {}) {
      const evt = {
        id: o.id ?? id('evt'),
        object: 'event',
        api_version: Stripe.API_VERSION,
        created: Math.floor(Date.now() / 1000),
        data: { object: intent },
        livemode: false,
        pending_webhooks: 1,
        request: { id: null, idempotency_key: null },
        type,
      };
      return { id: evt.id, payload: JSON.stringify(evt, null, 2) };
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
