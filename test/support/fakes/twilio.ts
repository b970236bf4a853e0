// A fake Twilio Programmable Messaging API on 127.0.0.1 that speaks the real protocol
// (reference/integrations.md §3): POST /2010-04-01/Accounts/{AccountSid}/Messages.json with
// Basic auth AccountSid:AuthToken and a form body (To, From or MessagingServiceSid, Body,
// StatusCallback), answering 201 with the message resource and its SM sid; and
// GET /2010-04-01/Accounts/{AccountSid}/IncomingPhoneNumbers.json?PhoneNumber=... listing the
// account's own numbers (what proves a number is the account's).
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { allowOutboundHosts } from '../../../src/platform/http/outbound.ts';

export interface SentSms {
  sid: string;
  accountSid: string;
  to: string;
  from: string | null;
  messagingServiceSid: string | null;
  body: string;
  statusCallback: string | null;
}

export type TwilioFailure = { status: number; code?: number; message?: string } | { hangUp: true };

export interface FakeTwilio {
  /** The base URL to configure as TWILIO_API_URL. */
  url: string;
  /** Every message Twilio accepted, in order. */
  sent: SentSms[];
  /** Every request, accepted or not. */
  requests: { path: string; authorized: boolean; form: Record<string, string> }[];
  /** An account Twilio knows, with the numbers it owns; requests with other credentials get 401 (error 20003). */
  addAccount(accountSid: string, authToken: string, numbers?: string[]): void;
  /** The next `count` send requests fail this way. */
  fail(failure: TwilioFailure, count?: number): void;
  close(): Promise<void>;
}

export const twilioSid = (prefix: 'SM' | 'AC' | 'MG') => prefix + randomBytes(16).toString('hex');

export async function startFakeTwilio(): Promise<FakeTwilio> {
  const accounts = new Map<string, string>();
  const numbersOf = new Map<string, Set<string>>();
  const failures: TwilioFailure[] = [];
  const sent: SentSms[] = [];
  const requests: FakeTwilio['requests'] = [];

  const reply = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };
  const error = (res: ServerResponse, status: number, code: number, message: string) =>
    reply(res, status, { code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status });

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const form = Object.fromEntries(new URLSearchParams(Buffer.concat(chunks).toString('utf8')));
    const [user, pass] = Buffer.from((req.headers.authorization ?? '').replace(/^Basic /, ''), 'base64').toString('utf8').split(':');
    const listing = /^\/2010-04-01\/Accounts\/(AC[0-9a-f]{32})\/IncomingPhoneNumbers\.json(\?.*)?$/.exec(req.url ?? '');
    if (req.method === 'GET' && listing) {
      const ok = user === listing[1] && accounts.get(user!) === pass;
      requests.push({ path: req.url ?? '', authorized: ok, form: {} });
      if (!ok) return error(res, 401, 20003, 'Authenticate');
      const wanted = new URLSearchParams(listing[2] ?? '').get('PhoneNumber');
      const own = [...(numbersOf.get(listing[1]!) ?? [])].filter((n) => wanted === null || n === wanted);
      const uri = `/2010-04-01/Accounts/${listing[1]}/IncomingPhoneNumbers.json`;
      return reply(res, 200, {
        incoming_phone_numbers: own.map((n) => ({ sid: `PN${randomBytes(16).toString('hex')}`, account_sid: listing[1], phone_number: n, friendly_name: n, capabilities: { sms: true, mms: true, voice: true } })),
        page: 0, page_size: 50, first_page_uri: `${uri}?Page=0&PageSize=50`, next_page_uri: null, previous_page_uri: null, uri,
      });
    }
    const match = /^\/2010-04-01\/Accounts\/(AC[0-9a-f]{32})\/Messages\.json$/.exec(req.url ?? '');
    const authorized = !!match && user === match[1] && accounts.get(user!) === pass;
    requests.push({ path: req.url ?? '', authorized, form });
    if (!match || req.method !== 'POST') return error(res, 404, 20404, 'The requested resource was not found');
    if (!authorized) return error(res, 401, 20003, 'Authenticate');

    const failure = failures.shift();
    if (failure) {
      if ('hangUp' in failure) return void req.socket.destroy();
      return error(res, failure.status, failure.code ?? 20500, failure.message ?? 'Internal Server Error');
    }
    if (!form.To || !form.Body || (!form.From && !form.MessagingServiceSid)) {
      return error(res, 400, 21604, "A 'To' phone number, a 'From' phone number or MessagingServiceSid, and a 'Body' are required.");
    }
    const sid = twilioSid('SM');
    sent.push({
      sid,
      accountSid: match[1]!,
      to: form.To,
      from: form.From ?? null,
      messagingServiceSid: form.MessagingServiceSid ?? null,
      body: form.Body,
      statusCallback: form.StatusCallback ?? null,
    });
    const now = new Date().toUTCString();
    reply(res, 201, {
      sid,
      account_sid: match[1],
      to: form.To,
      from: form.From ?? null,
      messaging_service_sid: form.MessagingServiceSid ?? null,
      body: form.Body,
      status: form.MessagingServiceSid ? 'accepted' : 'queued',
      num_segments: String(Math.max(1, Math.ceil(form.Body.length / 153))),
      num_media: '0',
      direction: 'outbound-api',
      api_version: '2010-04-01',
      price: null,
      price_unit: 'USD',
      error_code: null,
      error_message: null,
      date_created: now,
      date_updated: now,
      date_sent: null,
      uri: `/2010-04-01/Accounts/${match[1]}/Messages/${sid}.json`,
    });
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((e) => {
      res.writeHead(500);
      res.end(String(e));
    });
  });
  // The client (undici) closes idle connections itself; a server that also closes them after
  // its keep-alive timeout races a send that reuses one: with the test process busy (PGlite
  // runs in it), the request goes out on a socket the server has just closed, and the reset
  // reads as a send whose outcome is unknown, not resent for the reconcile window.
  server.keepAliveTimeout = 0;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  // The operator's switch, for exactly this fake: every other local port stays refused.
  allowOutboundHosts(`127.0.0.1:${(server.address() as AddressInfo).port}`);
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    sent,
    requests,
    addAccount: (sid, token, numbers = []) => {
      accounts.set(sid, token);
      numbersOf.set(sid, new Set([...(numbersOf.get(sid) ?? []), ...numbers]));
    },
    fail: (failure, count = 1) => {
      for (let i = 0; i < count; i++) failures.push(failure);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
