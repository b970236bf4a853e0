// A fake Midtrans on 127.0.0.1 that speaks the real protocol (reference/integrations.md §1):
// Snap's POST /snap/v1/transactions and the Core API's GET /v2/{order_id}/status, both with
// Basic auth of a server key, plus signed HTTP notifications built the way Midtrans sends them.
import { createHash, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { allowOutboundHosts } from '../../../src/platform/http/outbound.ts';

export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  body: any;
}

export type Failure = { status: number; body?: unknown } | { hangUp: true };

interface Transaction {
  serverKey: string;
  orderId: string;
  grossAmount: number;
  transactionId: string;
  /** Unset until the customer picks a payment method; until then get-status answers 404. */
  state?: { transaction_status: string; fraud_status?: string; payment_type: string; transaction_time: string };
}

/** The status_code Midtrans pairs with each transaction_status. */
const STATUS_CODES: Record<string, string> = {
  settlement: '200', capture: '200', authorize: '200', cancel: '200', refund: '200', partial_refund: '200',
  chargeback: '200', partial_chargeback: '200', pending: '201', deny: '202', failure: '202', expire: '407',
};

const ORDER_ID = /^[A-Za-z0-9\-_~.]{1,50}$/;

export const midtransSignature = (orderId: string, statusCode: string, grossAmount: string, serverKey: string) =>
  createHash('sha512').update(orderId + statusCode + grossAmount + serverKey).digest('hex');

/** What Midtrans POSTs to the notification URL: every value a string. */
export interface MidtransNotification {
  transaction_time: string;
  transaction_status: string;
  transaction_id: string;
  status_message: string;
  status_code: string;
  signature_key: string;
  payment_type: string;
  order_id: string;
  merchant_id: string;
  gross_amount: string;
  fraud_status: string;
  currency: string;
}

export interface FakeMidtrans {
  /** The base URL to configure: Snap under /snap/v1, Core API under /v2. */
  url: string;
  requests: RecordedRequest[];
  /** Server keys Midtrans knows; others get 401. */
  acceptKey(serverKey: string): void;
  /** The next `count` requests fail this way. */
  fail(failure: Failure, count?: number): void;
  /** The customer paid (or Midtrans moved the transaction on): get-status reports this from now on. */
  setStatus(orderId: string, transactionStatus: string, o?: { fraudStatus?: string; paymentType?: string }): void;
  /**
   * The notification Midtrans would POST for the transaction's current status, every value a
   * string and signed with the merchant's server key. `overrides` replace fields after signing.
   */
  notification(orderId: string, overrides?: Partial<MidtransNotification>): MidtransNotification;
  close(): Promise<void>;
}

export async function startFakeMidtrans(): Promise<FakeMidtrans> {
  const keys = new Set<string>();
  const transactions = new Map<string, Transaction>();
  const requests: RecordedRequest[] = [];
  const failures: Failure[] = [];
  let url = '';

  const send = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };

  const serverKeyOf = (req: IncomingMessage): string | undefined => {
    const m = /^Basic ([A-Za-z0-9+/=]+)$/.exec(req.headers.authorization ?? '');
    if (!m) return undefined;
    const decoded = Buffer.from(m[1]!, 'base64').toString('utf8');
    if (!decoded.endsWith(':')) return undefined; // the password is empty
    const key = decoded.slice(0, -1);
    return keys.has(key) ? key : undefined;
  };

  const report = (t: Transaction): MidtransNotification => {
    const s = t.state!;
    const statusCode = STATUS_CODES[s.transaction_status] ?? '200';
    const grossAmount = `${t.grossAmount}.00`;
    return {
      transaction_time: s.transaction_time,
      transaction_status: s.transaction_status,
      transaction_id: t.transactionId,
      status_message: 'midtrans payment notification',
      status_code: statusCode,
      signature_key: midtransSignature(t.orderId, statusCode, grossAmount, t.serverKey),
      payment_type: s.payment_type,
      order_id: t.orderId,
      merchant_id: 'G000000000',
      gross_amount: grossAmount,
      fraud_status: s.fraud_status ?? 'accept',
      currency: 'IDR',
    };
  };

  function snap(req: IncomingMessage, res: ServerResponse, body: any) {
    const serverKey = serverKeyOf(req);
    if (!serverKey) return send(res, 401, { error_messages: ['Access denied due to unauthorized transaction, please check client or server key'] });
    const d = body?.transaction_details;
    const errors: string[] = [];
    if (!d || typeof d.order_id !== 'string' || !ORDER_ID.test(d.order_id)) errors.push('transaction_details.order_id is invalid');
    if (!d || !Number.isInteger(d.gross_amount) || d.gross_amount < 1) errors.push('transaction_details.gross_amount must be an integer');
    if (Array.isArray(body?.item_details)) {
      const sum = body.item_details.reduce((s: number, i: { price: number; quantity: number }) => s + i.price * i.quantity, 0);
      if (d && sum !== d.gross_amount) errors.push('transaction_details.gross_amount is not equal to the sum of item_details');
    }
    if (d && transactions.has(d.order_id)) errors.push('transaction_details.order_id has already been taken');
    if (errors.length) return send(res, 400, { error_messages: errors });
    const token = randomUUID();
    transactions.set(d.order_id, { serverKey, orderId: d.order_id, grossAmount: d.gross_amount, transactionId: randomUUID() });
    send(res, 201, { token, redirect_url: `${url}/snap/v4/redirection/${token}` });
  }

  function status(req: IncomingMessage, res: ServerResponse, orderId: string) {
    const serverKey = serverKeyOf(req);
    if (!serverKey) return send(res, 401, { status_code: '401', status_message: 'Unknown Merchant server_key/id' });
    const t = transactions.get(orderId);
    if (!t || t.serverKey !== serverKey || !t.state) return send(res, 404, { status_code: '404', status_message: "Transaction doesn't exist." });
    send(res, 200, { ...report(t), status_message: 'Success, transaction is found' });
  }

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      let body: unknown = undefined;
      try {
        body = text ? JSON.parse(text) : undefined;
      } catch {
        body = text;
      }
      const path = req.url ?? '/';
      requests.push({ method: req.method ?? '', path, headers: req.headers, body });
      const failure = failures.shift();
      if (failure) {
        if ('hangUp' in failure) return req.socket.destroy();
        return send(res, failure.status, failure.body ?? { error_messages: ['fake failure'] });
      }
      const statusPath = /^\/v2\/([^/]+)\/status$/.exec(path);
      if (req.method === 'POST' && path === '/snap/v1/transactions') return snap(req, res, body);
      if (req.method === 'GET' && statusPath) return status(req, res, decodeURIComponent(statusPath[1]!));
      send(res, 404, { error_messages: ['not found'] });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  // The operator's switch, for exactly this fake: every other local port stays refused.
  allowOutboundHosts(`127.0.0.1:${(server.address() as AddressInfo).port}`);
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url,
    requests,
    acceptKey: (k) => void keys.add(k),
    fail(failure, count = 1) {
      for (let i = 0; i < count; i++) failures.push(failure);
    },
    setStatus(orderId, transactionStatus, o = {}) {
      const t = transactions.get(orderId);
      if (!t) throw new Error(`the fake Midtrans has no transaction ${orderId}`);
      t.state = {
        transaction_status: transactionStatus,
        payment_type: o.paymentType ?? t.state?.payment_type ?? 'qris',
        transaction_time: '2026-03-02 09:00:00',
        ...(o.fraudStatus ? { fraud_status: o.fraudStatus } : {}),
      };
    },
    notification(orderId, overrides = {}) {
      const t = transactions.get(orderId);
      if (!t?.state) throw new Error(`the fake Midtrans has no status for ${orderId}: call setStatus first`);
      return { ...report(t), ...overrides };
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((e) => (e ? reject(e) : resolve()));
        server.closeAllConnections(); // fetch keeps connections alive
      }),
  };
}
