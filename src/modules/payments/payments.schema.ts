import { z } from '@hono/zod-openapi';
import { PageQuery, WebhookStatus } from '../../platform/http/router.ts';
import { PAYMENT_STATUSES } from './status.ts';

/** The values Snap's enabled_payments takes (Midtrans's request-body reference and its Node client). */
export const SNAP_PAYMENT_METHODS = [
  'credit_card', 'cimb_clicks', 'bca_klikbca', 'bca_klikpay', 'bri_epay', 'echannel', 'permata_va', 'bca_va', 'bni_va',
  'bri_va', 'cimb_va', 'other_va', 'gopay', 'indomaret', 'danamon_online', 'akulaku', 'shopeepay', 'kredivo', 'uob_ezpay',
  'other_qris', 'alfamart', 'cstore',
] as const;

/**
 * The seed's consultation takes QRIS, GoPay, OVO, bank transfer and card. Snap has no `qris`
 * or `ovo`: QRIS from any app (OVO included) is other_qris, GoPay and ShopeePay show their own
 * QR; bank transfer is the virtual accounts and Mandiri's bill payment (echannel).
 */
export const DEFAULT_ENABLED_PAYMENTS: (typeof SNAP_PAYMENT_METHODS)[number][] = [
  'other_qris', 'gopay', 'shopeepay', 'bca_va', 'bni_va', 'bri_va', 'permata_va', 'echannel', 'other_va', 'credit_card',
];
export const DEFAULT_EXPIRY_MINUTES = 24 * 60;
export const DEFAULT_CONSULTATION_PRICE = 500_000;
/** ari_payments.amount is an integer column. */
const MAX_AMOUNT = 1_000_000_000;

const Amount = z.number().int().min(1).max(MAX_AMOUNT);

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);
/** https, or http to this machine (a fake or a local proxy): the server key travels in it. */
export const BaseUrl = z
  .url()
  .refine((u) => {
    const url = new URL(u);
    return url.protocol === 'https:' || (url.protocol === 'http:' && LOOPBACK.has(url.hostname));
  }, 'use https (http only for 127.0.0.1 or localhost, and only where OUTBOUND_ALLOWED_HOSTS lists it)')
  .refine((u) => !new URL(u).search && !new URL(u).hash, 'no query or fragment')
  .transform((u) => u.replace(/\/+$/, ''))
  .openapi({ example: 'http://127.0.0.1:4010' });

const Key = z.string().trim().regex(/^\S{8,200}$/, '8 to 200 characters, no spaces');

export const MidtransSettingsInput = z
  .strictObject({
    server_key: Key.optional().openapi({ description: 'secret; required the first time, kept when omitted', example: 'SB-Mid-server-abc123' }),
    client_key: Key.openapi({ description: 'public: Snap.js uses it in the browser', example: 'SB-Mid-client-abc123' }),
    environment: z.enum(['sandbox', 'production']),
    base_url: BaseUrl.nullable()
      .default(null)
      .openapi({ description: 'replaces both Midtrans hosts (Snap at {base_url}/snap/v1, Core API at {base_url}/v2); null for Midtrans itself' }),
    merchant_id: z.string().regex(/^[A-Za-z0-9]{1,50}$/).nullable().default(null),
    enabled_payments: z
      .array(z.enum(SNAP_PAYMENT_METHODS))
      .min(1)
      .transform((m) => [...new Set(m)])
      .default(DEFAULT_ENABLED_PAYMENTS),
    expiry_minutes: z.number().int().min(1).max(30 * 24 * 60).default(DEFAULT_EXPIRY_MINUTES).openapi({ description: 'how long a payment link is valid' }),
    consultation_price: Amount.default(DEFAULT_CONSULTATION_PRICE).openapi({ description: 'integer IDR; the default amount of a consultation payment' }),
  })
  .openapi('MidtransSettingsInput');
export type MidtransSettingsInput = z.infer<typeof MidtransSettingsInput>;

/** What is stored in integrations.settings (never the server key itself). */
export const StoredMidtransSettings = z.object({
  environment: z.enum(['sandbox', 'production']),
  client_key: z.string(),
  base_url: z.string().nullable(),
  merchant_id: z.string().nullable(),
  enabled_payments: z.array(z.string()),
  expiry_minutes: z.number().int(),
  consultation_price: z.number().int(),
  server_key_last4: z.string(),
});
export type StoredMidtransSettings = z.infer<typeof StoredMidtransSettings>;

export const MidtransSettings = z
  .object({
    provider: z.literal('midtrans'),
    environment: z.enum(['sandbox', 'production']),
    client_key: z.string(),
    server_key_set: z.boolean(),
    server_key_last4: z.string().openapi({ description: 'to tell keys apart; the key itself is never returned' }),
    base_url: z.string().nullable(),
    merchant_id: z.string().nullable(),
    enabled_payments: z.array(z.string()),
    expiry_minutes: z.number().int(),
    consultation_price: z.number().int(),
    currency: z.literal('IDR'),
    snap_url: z.string(),
    core_api_url: z.string(),
    notification_url: z.string().nullable().openapi({ description: "set this as the Payment Notification URL in Midtrans's dashboard" }),
    webhook: WebhookStatus.openapi({ description: "Midtrans's last notifications for this workspace" }),
    created_at: z.date(),
    updated_at: z.date(),
  })
  .openapi('MidtransSettings');
export type MidtransSettings = z.infer<typeof MidtransSettings>;

export const PaymentCreate = z
  .strictObject({
    appointment_id: z.uuid().optional().openapi({ description: 'a consultation (ari_appointments)' }),
    booking_id: z.uuid().optional().openapi({ description: 'a service booking; its contact gets an assistant record if it has none' }),
    amount: Amount.optional().openapi({
      description:
        "Midtrans: integer IDR; default the consultation price, or the booking's IDR payment_amount. Stripe: integer in the unit payments use for the booking's currency (whole COP and IDR, cents of USD and CAD); default the booking's payment_amount; required for a consultation",
    }),
    description: z.string().trim().min(1).max(200).optional().openapi({ description: 'shown on the payment page (first 50 characters)' }),
  })
  .refine((b) => (b.appointment_id === undefined) !== (b.booking_id === undefined), {
    message: 'give either appointment_id or booking_id',
    path: ['appointment_id'],
  })
  .openapi('PaymentCreate');
export type PaymentCreate = z.infer<typeof PaymentCreate>;

export const Payment = z
  .object({
    id: z.uuid(),
    order_id: z.string().nullable().openapi({ description: 'the order id Midtrans knows the payment by', example: 'FD-0Bq6dM3Wm1dX4rK3lU6p2E-0Bq6dNkzX0Vq2lR8bWm4aC' }),
    status: z.enum(PAYMENT_STATUSES),
    amount: z.number().int().openapi({ description: 'integer, in the unit payments use for the currency: whole IDR, COP and JPY, cents of USD and CAD' }),
    currency: z.string(),
    payment_method: z.string().nullable().openapi({ description: "Midtrans's payment_type once the customer chose one (gopay, qris, bank_transfer, credit_card...)" }),
    gateway: z.string(),
    appointment_id: z.uuid().nullable(),
    booking_id: z.uuid().nullable(),
    ari_conversation_id: z.uuid(),
    description: z.string().nullable(),
    snap_token: z.string().nullable(),
    client_secret: z.string().nullable().openapi({ description: "Stripe: the PaymentIntent's client_secret, with which the customer's browser (Stripe.js) authorises the card" }),
    gateway_status: z.string().nullable().openapi({ description: "Stripe: the PaymentIntent's status as last applied (requires_payment_method ... requires_capture, succeeded, canceled)" }),
    captured_at: z.date().nullable().openapi({ description: 'Stripe: when the held amount was captured (the service was completed)' }),
    released_at: z.date().nullable().openapi({ description: 'Stripe: when the hold was released (the booking was cancelled); the payment is then failed' }),
    redirect_url: z.string().nullable().openapi({ description: 'the payment page to send the customer' }),
    held_at: z.date().nullable().openapi({ description: 'Midtrans: a card payment held for fraud review; Stripe: the card is authorised and the amount held until capture. Still pending either way' }),
    expires_at: z.date().nullable(),
    paid_at: z.date().nullable(),
    gateway_response: z.record(z.string(), z.unknown()).nullable().openapi({ description: "Snap's answer, each report from Midtrans (notifications and status checks) and each refund" }),
    created_at: z.date(),
    updated_at: z.date(),
  })
  .openapi('Payment');
export type Payment = z.infer<typeof Payment>;

export const PaymentListQuery = PageQuery.extend({
  status: z.enum(PAYMENT_STATUSES).optional(),
  appointment_id: z.uuid().optional(),
  booking_id: z.uuid().optional(),
  ari_conversation_id: z.uuid().optional(),
});
export type PaymentListQuery = z.infer<typeof PaymentListQuery>;

export const RefundInput = z
  .strictObject({
    amount: Amount.optional().openapi({ description: 'integer IDR; default the whole payment' }),
    reason: z.string().trim().min(1).max(500),
  })
  .openapi('PaymentRefund', { description: 'records a refund made through Midtrans or by transfer; it does not move money itself' });
export type RefundInput = z.infer<typeof RefundInput>;

export const NotificationResult = z
  .object({ result: z.enum(['applied', 'duplicate']) })
  .openapi('MidtransNotificationResult');
