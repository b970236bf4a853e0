/**
 * Midtrans order ids. A notification carries nothing but the order id to say which workspace
 * it is for, so the id names the workspace and the payment: `FD-<workspace>-<payment>`, each
 * UUID as 22 base62 characters (48 characters in all; Midtrans allows 50, of letters, digits
 * and - _ ~ .).
 */
const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const WIDTH = 22; // 62^22 > 2^128
const PATTERN = /^FD-([0-9A-Za-z]{22})-([0-9A-Za-z]{22})$/;

function uuidToBase62(uuid: string): string {
  let n = BigInt(`0x${uuid.replace(/-/g, '')}`);
  let out = '';
  while (n > 0n) {
    out = ALPHABET[Number(n % 62n)]! + out;
    n /= 62n;
  }
  return out.padStart(WIDTH, '0');
}

function base62ToUuid(text: string): string | undefined {
  let n = 0n;
  for (const ch of text) n = n * 62n + BigInt(ALPHABET.indexOf(ch));
  if (n >= 1n << 128n) return undefined;
  const hex = n.toString(16).padStart(32, '0');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export function orderIdFor(workspaceId: string, paymentId: string): string {
  return `FD-${uuidToBase62(workspaceId)}-${uuidToBase62(paymentId)}`;
}

/** The workspace and payment an order id names, or undefined for an order id we did not make. */
export function parseOrderId(orderId: string): { workspaceId: string; paymentId: string } | undefined {
  const m = PATTERN.exec(orderId);
  if (!m) return undefined;
  const workspaceId = base62ToUuid(m[1]!);
  const paymentId = base62ToUuid(m[2]!);
  return workspaceId && paymentId ? { workspaceId, paymentId } : undefined;
}
