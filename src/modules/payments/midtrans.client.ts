import { AppError } from '../../platform/errors.ts';
import { outboundFetch, outboundLog } from '../../platform/http/outbound.ts';

/**
 * The two Midtrans calls we make: create a Snap transaction, and ask for a transaction's
 * status. Basic auth with the server key as user name and an empty password.
 */
export interface MidtransEndpoint {
  serverKey: string;
  environment: 'sandbox' | 'production';
  /** Replaces both hosts (a fake in tests, a proxy): Snap at {base}/snap/v1, Core at {base}/v2. */
  baseUrl: string | null;
}

const HOSTS = {
  sandbox: { snap: 'https://app.sandbox.midtrans.com', core: 'https://api.sandbox.midtrans.com' },
  production: { snap: 'https://app.midtrans.com', core: 'https://api.midtrans.com' },
} as const;

const TIMEOUT_MS = 10_000;

export const snapBaseUrl = (e: MidtransEndpoint) => `${e.baseUrl ?? HOSTS[e.environment].snap}/snap/v1`;
export const coreBaseUrl = (e: MidtransEndpoint) => e.baseUrl ?? HOSTS[e.environment].core;

export interface SnapRequest {
  transaction_details: { order_id: string; gross_amount: number };
  item_details: { id: string; price: number; quantity: number; name: string }[];
  customer_details?: { first_name?: string; email?: string; phone?: string };
  enabled_payments: string[];
  expiry: { start_time: string; unit: 'minute'; duration: number };
}

export interface SnapResponse {
  token: string;
  redirect_url: string;
}

/** A transaction as Midtrans reports it (get-status or notification): every value a string. */
export interface MidtransReport {
  order_id: string;
  status_code: string;
  gross_amount: string;
  transaction_status: string;
  fraud_status?: string | undefined;
  payment_type?: string | undefined;
  transaction_id?: string | undefined;
  transaction_time?: string | undefined;
  [field: string]: unknown;
}

async function call(e: MidtransEndpoint, method: 'GET' | 'POST', url: string, body?: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
  let res: Response;
  try {
    res = await outboundFetch(url, {
      method,
      headers: {
        accept: 'application/json',
        'content-type': 'application/json',
        authorization: `Basic ${Buffer.from(`${e.serverKey}:`).toString('base64')}`,
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
  } catch (err) {
    // One message whatever happened (refused by the outbound policy, no route, a closed port,
    // a timeout): the base URL is the tenant's, and the difference would map their network.
    outboundLog()?.warn({ err, method, url }, 'Midtrans call failed');
    throw new AppError('payment.gateway_unavailable', 'unavailable', 'Midtrans did not answer; try again', undefined, { cause: err });
  }
  const text = await res.text();
  let json: Record<string, unknown> = {};
  try {
    const parsed: unknown = text ? JSON.parse(text) : {};
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) json = parsed as Record<string, unknown>;
  } catch {
    // Not JSON (a proxy's error page): judged by the status alone.
  }
  return { status: res.status, json };
}

/**
 * A refusal as the tenant sees it: a fixed message and the status class. What the gateway
 * said stays in the server's log: with a tenant-set base URL it could be any service's body.
 */
function refused(status: number, json: Record<string, unknown>): AppError {
  const messages = Array.isArray(json.error_messages) ? json.error_messages.map(String) : typeof json.status_message === 'string' ? [json.status_message] : [];
  outboundLog()?.warn({ gateway_status: status, gateway_messages: messages }, 'Midtrans refused a call');
  const gateway_status = `${Math.floor(status / 100)}xx`;
  if (status >= 500) return new AppError('payment.gateway_unavailable', 'unavailable', 'Midtrans failed to answer; try again', { gateway_status });
  if (status === 401) {
    return new AppError('payment.gateway_unauthorized', 'conflict', 'Midtrans refused the server key: check the Midtrans settings (sandbox or production, and the key)', {
      gateway_status,
    });
  }
  return new AppError('payment.gateway_refused', 'conflict', `Midtrans refused the transaction (HTTP ${gateway_status}): check the amounts and the Midtrans settings`, { gateway_status });
}

export async function createSnapTransaction(e: MidtransEndpoint, request: SnapRequest): Promise<SnapResponse> {
  const { status, json } = await call(e, 'POST', `${snapBaseUrl(e)}/transactions`, request);
  if (status !== 201 && status !== 200) throw refused(status, json);
  if (typeof json.token !== 'string' || typeof json.redirect_url !== 'string') {
    throw new AppError('payment.gateway_unavailable', 'unavailable', 'Midtrans answered without a Snap token; try again', { gateway_status: `${Math.floor(status / 100)}xx` });
  }
  return { token: json.token, redirect_url: json.redirect_url };
}

/**
 * The transaction's status, or undefined while Midtrans has none: a Snap transaction exists
 * there only once the customer picks a payment method. 407 is an expired transaction, which
 * Midtrans reports as a status like any other.
 */
export async function getTransactionStatus(e: MidtransEndpoint, orderId: string): Promise<MidtransReport | undefined> {
  const { status, json } = await call(e, 'GET', `${coreBaseUrl(e)}/v2/${encodeURIComponent(orderId)}/status`);
  const code = String(json.status_code ?? status);
  if (code === '404') return undefined;
  if (status >= 400 || (Number(code) >= 400 && code !== '407')) throw refused(Number(code) >= 400 ? Number(code) : status, json);
  if (typeof json.transaction_status !== 'string' || typeof json.gross_amount !== 'string') {
    throw new AppError('payment.gateway_unavailable', 'unavailable', 'Midtrans answered the status check without a status; try again', { gateway_status: `${Math.floor(status / 100)}xx` });
  }
  return { ...json, order_id: String(json.order_id ?? orderId), status_code: code, gross_amount: json.gross_amount, transaction_status: json.transaction_status };
}
