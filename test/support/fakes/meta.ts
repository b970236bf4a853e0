// A fake Meta (WhatsApp Cloud API) on 127.0.0.1 that speaks the real protocol
// (reference/integrations.md §2): POST /{version}/{phone-number-id}/messages with a Bearer
// access token, answering with a wamid; GET /{version}/{phone-number-id} (the number's node,
// which answers only to a token of the business that has it); error 131047 for free-form text outside the 24-hour
// window; and signed webhooks (X-Hub-Signature-256) for inbound messages and statuses, which
// it can deliver to a callback URL with retries the way Meta does.
import { createHmac, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { allowOutboundHosts } from '../../../src/platform/http/outbound.ts';

export const GRAPH_VERSION = 'v21.0';

export interface SentMessage {
  phoneNumberId: string;
  wamid: string;
  body: Record<string, any>;
  at: number;
}

export type MetaFailure = { status: number; body?: unknown } | { hangUp: true };

export interface PhoneAccount {
  phoneNumberId: string;
  accessToken: string;
  appSecret: string;
  displayPhoneNumber?: string;
}

export interface Signed {
  body: string;
  signature: string;
}

export const signHub = (body: string, appSecret: string) => `sha256=${createHmac('sha256', appSecret).update(body).digest('hex')}`;
const wamid = () => `wamid.${randomBytes(24).toString('base64url')}`;

export interface FakeMeta {
  /** The WHATSAPP_GRAPH_URL to configure (with its version). */
  graphUrl: string;
  sent: SentMessage[];
  /** How many accepted sends named each of our message ids (biz_opaque_callback_data). */
  sendsById(): Map<string, number>;
  connect(account: PhoneAccount): void;
  /**
   * Meta's "Verify and save" of a webhook in the app dashboard: GET the callback URL with
   * hub.mode=subscribe, the verify token and a random hub.challenge (through `request`, the
   * server's fetch); true when it answers 200 with the challenge as the body.
   */
  verifyCallback(request: (url: string) => Response | Promise<Response>, callbackUrl: string, verifyToken: string): Promise<boolean>;
  /** The next `count` send requests fail this way. */
  fail(failure: MetaFailure, count?: number): void;
  /** Answer sends only after this many milliseconds: meanwhile Meta has the message and the caller has no answer. */
  delay(ms: number): void;
  /** Sends taken and not yet answered (see delay). */
  inFlight(): number;
  /** A signed inbound message webhook, as Meta would POST it; the window opens at its timestamp. */
  inbound(phoneNumberId: string, m: { from: string; text?: string; type?: string; id?: string; timestamp?: number; name?: string; extra?: Record<string, unknown> }): Signed & { wamid: string };
  /** The customer wrote to the number (outside this fake): its 24-hour window is open. */
  openWindow(phoneNumberId: string, waId: string, at?: number): void;
  /** A signed status webhook for messages sent before. */
  statuses(phoneNumberId: string, s: { id: string; status: string; bizOpaque?: string; errors?: unknown[]; timestamp?: number }[]): Signed;
  /** After each accepted send, POST a signed "sent" status here, retrying until it answers 2xx. */
  callbackTo(url: string | undefined): void;
  /** Resolves when callbacks queued so far were delivered. */
  callbacksDelivered(): Promise<void>;
  close(): Promise<void>;
}

function send(res: ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

const graphError = (message: string, code: number, type = 'OAuthException') => ({ error: { message, type, code, fbtrace_id: randomBytes(8).toString('hex') } });

export async function startFakeMeta(): Promise<FakeMeta> {
  const accounts = new Map<string, PhoneAccount>();
  const failures: MetaFailure[] = [];
  const sent: SentMessage[] = [];
  /** Last inbound time per phone number and customer, for the 24-hour window. */
  const lastInbound = new Map<string, number>();
  let delayMs = 0;
  let answering = 0;
  let callbackUrl: string | undefined;
  const pending = new Set<Promise<void>>();
  let closed = false;

  const envelope = (account: PhoneAccount, value: Record<string, unknown>) =>
    JSON.stringify({
      object: 'whatsapp_business_account',
      entry: [{ id: '102290129340398', changes: [{ field: 'messages', value: { messaging_product: 'whatsapp', metadata: { display_phone_number: account.displayPhoneNumber ?? '15550783881', phone_number_id: account.phoneNumberId }, ...value } }] }],
    });
  const accountOf = (phoneNumberId: string) => {
    const a = accounts.get(phoneNumberId);
    if (!a) throw new Error(`the fake Meta knows no phone number ${phoneNumberId}`);
    return a;
  };
  const statuses: FakeMeta['statuses'] = (phoneNumberId, list) => {
    const account = accountOf(phoneNumberId);
    const body = envelope(account, {
      statuses: list.map((s) => ({
        id: s.id,
        status: s.status,
        timestamp: String(s.timestamp ?? Math.floor(Date.now() / 1000)),
        recipient_id: '16505551234',
        ...(s.bizOpaque ? { biz_opaque_callback_data: s.bizOpaque } : {}),
        ...(s.errors ? { errors: s.errors } : {}),
      })),
    });
    return { body, signature: signHub(body, account.appSecret) };
  };

  function deliverCallback(url: string, signed: Signed) {
    const p = (async () => {
      // Meta retries for days; this retries until the fake is closed.
      while (!closed) {
        try {
          const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', 'x-hub-signature-256': signed.signature }, body: signed.body });
          if (res.ok) return;
        } catch {
          // The app is down: Meta keeps retrying.
        }
        await new Promise((r) => setTimeout(r, 200));
      }
    })();
    pending.add(p);
    void p.finally(() => pending.delete(p));
  }

  const server = createServer(async (req, res) => {
    const text = await readBody(req);
    const node = new RegExp(`^/${GRAPH_VERSION}/([^/?]+)(\\?.*)?$`).exec(req.url ?? '');
    if (req.method === 'GET' && node) {
      // As Graph answers: a token it cannot parse is 190; a number this token may not see is
      // error 100, the same whether the number exists or not.
      const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
      if (!bearer || ![...accounts.values()].some((a) => a.accessToken === bearer)) return send(res, 401, graphError('Invalid OAuth access token - Cannot parse access token', 190));
      const id = decodeURIComponent(node[1]!);
      const account = accounts.get(id);
      if (!account || account.accessToken !== bearer) {
        return send(res, 400, graphError(`Unsupported get request. Object with ID '${id}' does not exist, cannot be loaded due to missing permissions, or does not support this operation.`, 100, 'GraphMethodException'));
      }
      return send(res, 200, { id, display_phone_number: account.displayPhoneNumber ?? '15550783881', verified_name: 'Test Business', quality_rating: 'GREEN' });
    }
    const m = new RegExp(`^/${GRAPH_VERSION}/([^/]+)/messages$`).exec(req.url ?? '');
    if (req.method !== 'POST' || !m) return send(res, 404, graphError('Unknown path components', 2500));
    const account = accounts.get(decodeURIComponent(m[1]!));
    if (!account || req.headers.authorization !== `Bearer ${account.accessToken}`) {
      return send(res, 401, graphError('Invalid OAuth access token - Cannot parse access token', 190));
    }
    const failure = failures.shift();
    if (failure) {
      if ('hangUp' in failure) return req.socket.destroy();
      return send(res, failure.status, failure.body ?? graphError('An unknown error has occurred.', 1));
    }
    let body: Record<string, any>;
    try {
      body = JSON.parse(text);
    } catch {
      return send(res, 400, graphError('Invalid JSON', 100));
    }
    if (body.messaging_product !== 'whatsapp' || typeof body.to !== 'string') return send(res, 400, graphError('(#100) Invalid parameter', 100));
    const to = body.to.replace(/^\+/, '');
    if (body.type === 'text') {
      if (typeof body.text?.body !== 'string' || body.text.body.length > 4096) return send(res, 400, graphError('(#100) Param text[\'body\'] is invalid', 100));
      const last = lastInbound.get(`${account.phoneNumberId}:${to}`);
      if (last === undefined || Date.now() - last > 24 * 3_600_000) {
        return send(res, 400, { error: { message: '(#131047) Re-engagement message', type: 'OAuthException', code: 131047, error_data: { messaging_product: 'whatsapp', details: 'Message failed to send because more than 24 hours have passed since the customer last replied to this number.' } } });
      }
    } else if (body.type === 'template') {
      if (typeof body.template?.name !== 'string' || typeof body.template?.language?.code !== 'string') return send(res, 400, graphError('(#100) Invalid parameter', 100));
    } else {
      return send(res, 400, graphError('(#100) Invalid parameter', 100));
    }
    const id = wamid();
    const reply = () => {
      sent.push({ phoneNumberId: account.phoneNumberId, wamid: id, body, at: Date.now() });
      send(res, 200, { messaging_product: 'whatsapp', contacts: [{ input: body.to, wa_id: to }], messages: [{ id }] });
      if (callbackUrl) deliverCallback(callbackUrl, statuses(account.phoneNumberId, [{ id, status: 'sent', ...(body.biz_opaque_callback_data ? { bizOpaque: body.biz_opaque_callback_data } : {}) }]));
    };
    if (delayMs) {
      answering++;
      setTimeout(() => {
        answering--;
        reply();
      }, delayMs);
    } else reply();
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
    graphUrl: `http://127.0.0.1:${port}/${GRAPH_VERSION}`,
    sent,
    sendsById() {
      const counts = new Map<string, number>();
      for (const s of sent) {
        const id = s.body.biz_opaque_callback_data as string;
        counts.set(id, (counts.get(id) ?? 0) + 1);
      }
      return counts;
    },
    connect(account) {
      accounts.set(account.phoneNumberId, account);
    },
    async verifyCallback(request, callbackUrl, verifyToken) {
      const challenge = String(randomBytes(4).readUInt32BE(0));
      const url = new URL(callbackUrl);
      url.searchParams.set('hub.mode', 'subscribe');
      url.searchParams.set('hub.challenge', challenge);
      url.searchParams.set('hub.verify_token', verifyToken);
      const res = await request(url.toString());
      return res.status === 200 && (await res.text()) === challenge;
    },
    fail(failure, count = 1) {
      for (let i = 0; i < count; i++) failures.push(failure);
    },
    delay(ms) {
      delayMs = ms;
    },
    inFlight: () => answering,
    inbound(phoneNumberId, m) {
      const account = accountOf(phoneNumberId);
      const id = m.id ?? wamid();
      const timestamp = m.timestamp ?? Math.floor(Date.now() / 1000);
      const type = m.type ?? 'text';
      const known = lastInbound.get(`${phoneNumberId}:${m.from}`) ?? 0;
      lastInbound.set(`${phoneNumberId}:${m.from}`, Math.max(known, timestamp * 1000));
      const body = envelope(account, {
        contacts: [{ profile: { name: m.name ?? 'Customer' }, wa_id: m.from }],
        messages: [{ from: m.from, id, timestamp: String(timestamp), type, ...(type === 'text' ? { text: { body: m.text ?? '' } } : {}), ...m.extra }],
      });
      return { body, signature: signHub(body, account.appSecret), wamid: id };
    },
    openWindow(phoneNumberId, waId, at = Date.now()) {
      lastInbound.set(`${phoneNumberId}:${waId}`, at);
    },
    statuses,
    callbackTo(url) {
      callbackUrl = url;
    },
    async callbacksDelivered() {
      while (pending.size) await Promise.all([...pending]);
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        closed = true;
        server.close((e) => (e ? reject(e) : resolve()));
        server.closeAllConnections();
      }),
  };
}
