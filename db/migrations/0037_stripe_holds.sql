-- Payment holds with Stripe (issue 14): a booking's payment can be a manual-capture
-- PaymentIntent, authorised when the customer pays, captured when the service is completed and
-- cancelled (released) when the booking is cancelled. The row is the same ari_payments row a
-- Midtrans link uses (gateway 'stripe', gateway_transaction_id the PaymentIntent's id, amount in
-- the unit payments use: platform/money.ts); what Stripe adds is below. The workspace's Stripe
-- account lives in integrations (provider 'stripe', secrets sealed), its chosen gateway in
-- integrations too (provider 'payment_gateway').
alter table public.ari_payments
  -- The PaymentIntent's client_secret: what the customer's browser confirms the card with.
  add column client_secret text check (client_secret is null or length(client_secret) <= 300),
  -- The PaymentIntent's status as last applied (requires_payment_method ... requires_capture,
  -- succeeded, canceled); it only moves forward, as the payment's status does.
  add column gateway_status text check (gateway_status is null or gateway_status ~ '^[a-z_]{1,50}$'),
  -- When the held amount was captured (the service was completed) or released (cancelled).
  add column captured_at timestamptz,
  add column released_at timestamptz;
