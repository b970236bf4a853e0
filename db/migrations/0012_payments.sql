-- Payments through Midtrans Snap: per-workspace integration settings with sealed secrets,
-- webhook deduplication, what ari_payments lacks for Snap (a unique order id, token, redirect URL, the
-- booking or appointment it pays for), a forward-only status, and the effects of a payment
-- on the appointment, booking and assistant conversation it belongs to. A booking's payment
-- reaches its assistant conversation through app.ensure_ari_conversation (0011).

-- Integrations: one row per workspace and provider --------------------------------------------
-- Generic on purpose: Midtrans now, WhatsApp, Twilio and voice providers later. Settings are
-- plain JSON that members may read; secrets are one JSON object sealed by the server's
-- SecretBox (AES-256-GCM), useless without FRONTDESK_SECRET_KEY and never returned by the API.
create table public.integrations (
  id uuid not null,
  workspace_id uuid not null default app.current_workspace_id()
    references public.workspaces (id) on delete cascade,
  provider text not null check (provider ~ '^[a-z][a-z0-9_]{1,39}$'),
  -- The provider's id for the workspace's account, as its webhooks carry it (a WhatsApp
  -- phone_number_id, a Twilio number, a Midtrans merchant id): how a webhook finds its workspace.
  provider_account_id text,
  settings jsonb not null default '{}'::jsonb check (jsonb_typeof(settings) = 'object'),
  secrets text check (secrets ~ '^v[0-9]+\.'),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (workspace_id, id),
  constraint integrations_workspace_provider_key unique (workspace_id, provider)
);

create index idx_integrations_provider_account on public.integrations (provider, provider_account_id)
  where provider_account_id is not null;
create trigger set_integrations_updated_at before update on public.integrations
  for each row execute function public.handle_updated_at();
-- Configuration: admins write.
select app.enable_tenant_rls('public.integrations', 2);

-- Webhook deduplication -----------------------------------------------------------------------
-- Providers deliver at least once. The effect of an event and its row here commit together,
-- so a redelivery finds the row and changes nothing. The key is the provider's own notion of
-- one event (Midtrans has no event id: order_id:transaction_status:status_code).
create table public.webhook_events (
  workspace_id uuid not null default app.current_workspace_id()
    references public.workspaces (id) on delete cascade,
  provider text not null,
  event_key text not null,
  received_at timestamptz not null default now(),
  payload jsonb not null,
  primary key (workspace_id, provider, event_key)
);

-- Only the server acting for the workspace (rank 4) records provider events; staff read them.
select app.enable_tenant_rls('public.webhook_events', 4);

-- ari_payments: what a Snap transaction needs ---------------------------------------------------
-- gateway_transaction_id holds the order id we give Midtrans (it names the workspace and the
-- payment: see payments/order-id.ts); Midtrans's own transaction_id arrives in its
-- notifications, kept in gateway_response.
alter table public.ari_payments
  add column description text check (length(description) <= 500),
  add column snap_token text,
  add column redirect_url text,
  -- What the payment is for: a consultation (ari_appointments.payment_id is kept pointing at
  -- its latest payment) or a service booking.
  add column appointment_id uuid,
  add column booking_id uuid,
  -- Set when Midtrans holds a card capture for fraud review (capture + challenge): the payment
  -- stays pending until the review accepts (settlement) or denies it.
  add column held_at timestamptz,
  add constraint ari_payments_pays_for_one check (appointment_id is null or booking_id is null),
  add foreign key (workspace_id, appointment_id) references public.ari_appointments (workspace_id, id)
    on delete set null (appointment_id),
  add foreign key (workspace_id, booking_id) references public.bookings (workspace_id, id)
    on delete set null (booking_id);

create unique index ari_payments_gateway_transaction_key
  on public.ari_payments (workspace_id, gateway, gateway_transaction_id);
-- One open payment per appointment or booking: two links for one consultation would charge twice.
create unique index ari_payments_one_pending_per_appointment
  on public.ari_payments (workspace_id, appointment_id) where status = 'pending' and appointment_id is not null;
create unique index ari_payments_one_pending_per_booking
  on public.ari_payments (workspace_id, booking_id) where status = 'pending' and booking_id is not null;
create index idx_ari_payments_expiry on public.ari_payments (expires_at) where status = 'pending';

-- The status only moves forward -----------------------------------------------------------------
-- The same table as payments/status.ts, enforced here too so that no writer (a job, a script,
-- another module) can undo a settlement. expired -> success: Midtrans settled a payment that
-- our clock had expired a moment earlier; the money arrived, so it counts.
create or replace function app.ari_payment_status_forward_only() returns trigger
language plpgsql
set search_path = ''
as $$
begin
  -- A status outside the list is ari_payments_status_check's to refuse.
  if new.status is distinct from old.status
     and new.status in ('pending', 'success', 'failed', 'expired', 'refunded') and not (
       (old.status = 'pending' and new.status in ('success', 'failed', 'expired'))
    or (old.status = 'expired' and new.status = 'success')
    or (old.status = 'success' and new.status = 'refunded')
  ) then
    raise exception 'a payment cannot go from % to %', old.status, new.status
      using errcode = '23514', constraint = 'ari_payments_status_forward_only';
  end if;
  return new;
end;
$$;

create trigger ari_payments_status_forward_only before update of status on public.ari_payments
  for each row execute function app.ari_payment_status_forward_only();

-- What a payment does to the records it pays for ------------------------------------------------
-- Those tables belong to scheduling and the assistant; the database is where the modules
-- meet, so the effects commit with the payment whoever changes it (webhook, status check,
-- expiry job). Security invoker: the writer's row-level security applies.
--   created:          the appointment points at it; the booking waits for payment.
--   success:          the appointment is confirmed, a booking is paid (and a guest booking
--                     waiting for payment confirmed), the assistant moves on to scheduling.
--   failed / expired: the booking's payment failed (unless another payment paid it).
create or replace function app.ari_payment_effects() returns trigger
language plpgsql
set search_path = ''
as $$
begin
  if tg_op = 'INSERT' then
    if new.appointment_id is not null then
      update public.ari_appointments set payment_id = new.id
       where workspace_id = new.workspace_id and id = new.appointment_id;
    end if;
    if new.booking_id is not null and new.status = 'pending' then
      update public.bookings set payment_status = 'pending'
       where workspace_id = new.workspace_id and id = new.booking_id and payment_status is distinct from 'paid';
    end if;
    return new;
  end if;

  if new.status = 'success' then
    update public.ari_appointments set status = 'confirmed'
     where workspace_id = new.workspace_id and (id = new.appointment_id or payment_id = new.id) and status = 'scheduled';
    update public.bookings
       set payment_status = 'paid',
           status = case when status = 'pending_payment' then 'confirmed' else status end
     where workspace_id = new.workspace_id and id = new.booking_id;
    update public.ari_conversations set state = 'scheduling'
     where workspace_id = new.workspace_id and id = new.ari_conversation_id and state in ('booking', 'payment');
  elsif new.status in ('failed', 'expired') then
    update public.bookings set payment_status = 'failed'
     where workspace_id = new.workspace_id and id = new.booking_id and payment_status is distinct from 'paid';
  end if;
  return new;
end;
$$;

create trigger ari_payments_effects after insert or update of status on public.ari_payments
  for each row execute function app.ari_payment_effects();
