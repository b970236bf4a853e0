/**
 * The payment state machine, kept pure so that every pair of states is tested. The database
 * enforces the same moves (0012_payments.sql, ari_payments_status_forward_only).
 */
export const PAYMENT_STATUSES = ['pending', 'success', 'failed', 'expired', 'refunded'] as const;
export type PaymentStatus = (typeof PAYMENT_STATUSES)[number];

const FORWARD: Record<PaymentStatus, readonly PaymentStatus[]> = {
  pending: ['success', 'failed', 'expired'],
  // Midtrans settled a payment that our clock expired a moment earlier: the money arrived.
  expired: ['success'],
  success: ['refunded'],
  failed: [],
  refunded: [],
};

/** The status after `incoming` is reported for a payment in `current`, or undefined to stay put. */
export function nextStatus(current: PaymentStatus, incoming: PaymentStatus): PaymentStatus | undefined {
  return FORWARD[current].includes(incoming) ? incoming : undefined;
}

/** What Midtrans reported, in our terms. `held`: a card capture under fraud review. */
export interface GatewayOutcome {
  status: PaymentStatus;
  held: boolean;
}

/**
 * Midtrans's transaction_status (and fraud_status, which matters only for card captures) as a
 * payment status, the way Midtrans's own sample handler maps them. A capture is paid only when
 * the fraud check accepted it; under review (challenge) it is a hold, not a payment. Unknown
 * statuses give undefined and change nothing.
 */
export function outcomeOf(transactionStatus: string, fraudStatus?: string | null): GatewayOutcome | undefined {
  switch (transactionStatus) {
    case 'settlement':
      return { status: 'success', held: false };
    case 'capture':
      if (fraudStatus === 'accept') return { status: 'success', held: false };
      if (fraudStatus === 'deny') return { status: 'failed', held: false };
      return { status: 'pending', held: true };
    case 'pending':
    case 'authorize':
      return { status: 'pending', held: false };
    case 'deny':
    case 'cancel':
    case 'failure':
      return { status: 'failed', held: false };
    case 'expire':
      return { status: 'expired', held: false };
    case 'refund':
    case 'partial_refund':
    case 'chargeback':
    case 'partial_chargeback':
      return { status: 'refunded', held: false };
    default:
      return undefined;
  }
}

/**
 * The status_code Midtrans pairs with each transaction_status. The signature covers
 * status_code but not transaction_status, so a status is believed only with its own code: a
 * signed 201 "pending" resent as "settlement" is refused. Statuses not listed (unknown ones)
 * change nothing and are not checked.
 */
const STATUS_CODES: Record<string, readonly string[]> = {
  settlement: ['200'],
  capture: ['200'],
  authorize: ['200'],
  pending: ['201'],
  deny: ['202'],
  failure: ['202'],
  // A cancel through the API answers 200; Midtrans's notifications of it say 202.
  cancel: ['200', '202'],
  // Notifications say 202; the get-status call says 407.
  expire: ['202', '407'],
  refund: ['200'],
  partial_refund: ['200'],
  chargeback: ['200'],
  partial_chargeback: ['200'],
};

/** Whether `statusCode` is one Midtrans sends with `transactionStatus`. */
export function statusMatchesCode(transactionStatus: string, statusCode: string): boolean {
  const codes = STATUS_CODES[transactionStatus];
  return codes === undefined || codes.includes(statusCode);
}
