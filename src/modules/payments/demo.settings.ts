import { z } from '@hono/zod-openapi';
import type { Tx } from '../../platform/db/database.ts';
import { findIntegration } from '../../platform/db/integrations.ts';

/**
 * The demo gateway: payments that settle when someone presses Pay on our own page, and no
 * money moves. It lets the demo workspace reach a paid consultation without Midtrans and
 * without any network. It is enabled by an integrations row of this provider, which only the
 * demo seed writes (no route creates one), and Midtrans wins whenever it has a server key.
 */
export const DEMO_PAYMENTS = 'demo_payments';
export const DEMO_PAGE_PATH = '/pay/demo';
/** Where `frontdesk serve` listens by default, for links when the demo was seeded without a PUBLIC_URL. */
export const DEFAULT_DEMO_BASE_URL = 'http://127.0.0.1:3000';

export const StoredDemoSettings = z.object({
  consultation_price: z.number().int().positive(),
  expiry_minutes: z.number().int().positive(),
  /** The server's public address, for the payment page's link. */
  public_url: z.string().nullable(),
});
export type StoredDemoSettings = z.infer<typeof StoredDemoSettings>;

export async function findDemoGateway(tx: Tx, ws: string): Promise<StoredDemoSettings | undefined> {
  const row = await findIntegration(tx, ws, DEMO_PAYMENTS);
  return row ? StoredDemoSettings.parse(row.settings) : undefined;
}

export const demoPaymentUrl = (settings: StoredDemoSettings, orderId: string) =>
  `${(settings.public_url ?? DEFAULT_DEMO_BASE_URL).replace(/\/+$/, '')}${DEMO_PAGE_PATH}/${encodeURIComponent(orderId)}`;
