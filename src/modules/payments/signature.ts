import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * Midtrans's notification signature: hex SHA-512 of order_id + status_code + gross_amount +
 * server key, concatenated as the raw strings of the notification ("200", "500000.00"); a
 * re-formatted number would not match.
 */
export function midtransSignature(orderId: string, statusCode: string, grossAmount: string, serverKey: string): string {
  return createHash('sha512').update(orderId + statusCode + grossAmount + serverKey, 'utf8').digest('hex');
}

/** Compares in constant time, so the response time says nothing about how much matched. */
export function isValidMidtransSignature(
  n: { order_id: string; status_code: string; gross_amount: string; signature_key: string },
  serverKey: string,
): boolean {
  const expected = Buffer.from(midtransSignature(n.order_id, n.status_code, n.gross_amount, serverKey), 'utf8');
  const given = Buffer.from(n.signature_key.toLowerCase(), 'utf8');
  return given.length === expected.length && timingSafeEqual(given, expected);
}
