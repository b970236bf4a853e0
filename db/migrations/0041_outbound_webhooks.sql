-- Outbound webhooks (issue 17): a workspace's HTTPS endpoints, the events each wants, and every
-- delivery with its attempts. Events are raised here, in the database, by triggers on the tables
-- where they happen (as the outbox is queued by a trigger on messages): a delivery exists if and
-- only if the change that caused it commits, and no writer (a webhook, the assistant's turn, a
-- staff request, a job, SQL) can forget to raise one.

create table public.webhook_endpoints (
  id uuid not null default gen_random_uuid(),
  workspace_id uuid not null default app.current_workspace_id()
    references public.workspaces (id) on delete cascade,
  url text not null check (char_length(url) between 10 and 2000),
  description text check (char_length(description) <= 500),
  event_types text[] not null check (cardinality(event_types) between 1 and 50),
  -- The signing secret (whsec_...), sealed with FRONTDESK_SECRET_KEY; shown once when created.
  secret_sealed text not null,
  enabled boolean not null default true,
  disabled_at timestamptz,
  disabled_reason text,
  last_success_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (workspace_id, id)
);
create index idx_webhook_endpoints_enabled on public.webhook_endpoints (workspace_id) where enabled;
select app.enable_tenant_rls('public.webhook_endpoints', 2);

-- One event for one endpoint, signed and sent by the webhook worker: claimed with a lease,
-- retried with backoff (attempts counts the tries of the current run; a replay starts a new run).
create table public.webhook_deliveries (
  id uuid not null default gen_random_uuid(),
  workspace_id uuid not null default app.current_workspace_id()
    references public.workspaces (id) on delete cascade,
  endpoint_id uuid not null,
  event_type text not null,
  payload jsonb not null,
  status text not null default 'pending' check (status in ('pending', 'sending', 'delivered', 'failed')),
  attempts integer not null default 0,
  next_attempt_at timestamptz not null default now(),
  claimed_until timestamptz,
  last_error text,
  created_at timestamptz not null default now(),
  delivered_at timestamptz,
  primary key (workspace_id, id),
  foreign key (workspace_id, endpoint_id) references public.webhook_endpoints (workspace_id, id) on delete cascade
);
create index idx_webhook_deliveries_due on public.webhook_deliveries (next_attempt_at) where status in ('pending', 'sending');
create index idx_webhook_deliveries_endpoint on public.webhook_deliveries (workspace_id, endpoint_id, created_at desc, id desc);
select app.enable_tenant_rls('public.webhook_deliveries', 2);

-- Every try: what the endpoint answered (status and the start of its body) or why it failed.
create table public.webhook_attempts (
  id uuid not null default gen_random_uuid(),
  workspace_id uuid not null default app.current_workspace_id()
    references public.workspaces (id) on delete cascade,
  delivery_id uuid not null,
  started_at timestamptz not null,
  duration_ms integer not null check (duration_ms >= 0),
  response_status integer,
  response_body text check (char_length(response_body) <= 2000),
  error text check (char_length(error) <= 2000),
  primary key (workspace_id, id),
  foreign key (workspace_id, delivery_id) references public.webhook_deliveries (workspace_id, id) on delete cascade
);
create index idx_webhook_attempts_delivery on public.webhook_attempts (workspace_id, delivery_id, started_at);
select app.enable_tenant_rls('public.webhook_attempts', 2);

-- Raising an event ----------------------------------------------------------------------------
-- The one place every event passes through: a delivery for each enabled endpoint that chose it.
create or replace function app.raise_workspace_event(p_workspace uuid, p_type text, p_data jsonb) returns void
language plpgsql
security definer
set search_path = ''
as $$
begin
  insert into public.webhook_deliveries (workspace_id, endpoint_id, event_type, payload, next_attempt_at)
  select e.workspace_id, e.id, p_type,
         jsonb_build_object('type', p_type,
                            'timestamp', to_char(now() at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
                            'data', p_data),
         now()
    from public.webhook_endpoints e
   where e.workspace_id = p_workspace and e.enabled and p_type = any (e.event_types);
end;
$$;
revoke all on function app.raise_workspace_event(uuid, text, jsonb) from public, anon, authenticated, service_role;

create or replace function app.events_of_contacts() returns trigger
language plpgsql security definer set search_path = '' as $$
declare
  -- Counters and timestamps that other rows' triggers keep are not a change of the contact.
  kept constant text[] := array['updated_at', 'last_contact', 'total_bookings', 'total_calls', 'total_spent', 'lead_score', 'lead_temperature', 'lead_status'];
begin
  if tg_op = 'INSERT' then
    perform app.raise_workspace_event(new.workspace_id, 'contact.created', to_jsonb(new));
  elsif (to_jsonb(new) - kept) is distinct from (to_jsonb(old) - kept) then
    perform app.raise_workspace_event(new.workspace_id, 'contact.updated', to_jsonb(new));
  end if;
  return null;
end;
$$;
create trigger contacts_events after insert or update on public.contacts
  for each row execute function app.events_of_contacts();

create or replace function app.events_of_messages() returns trigger
language plpgsql security definer set search_path = '' as $$
begin
  if tg_op = 'INSERT' and new.direction = 'inbound' then
    perform app.raise_workspace_event(new.workspace_id, 'message.received', to_jsonb(new) - 'media');
  elsif tg_op = 'UPDATE' and new.direction = 'outbound' and new.delivery_status = 'failed' and old.delivery_status is distinct from 'failed' then
    perform app.raise_workspace_event(new.workspace_id, 'message.send_failed', to_jsonb(new) - 'media');
  end if;
  return null;
end;
$$;
create trigger messages_events after insert or update of delivery_status on public.messages
  for each row execute function app.events_of_messages();

create or replace function app.events_of_sms() returns trigger
language plpgsql security definer set search_path = '' as $$
begin
  if tg_op = 'INSERT' and new.direction = 'inbound' then
    perform app.raise_workspace_event(new.workspace_id, 'message.received', jsonb_build_object('channel', 'sms') || to_jsonb(new));
  elsif tg_op = 'UPDATE' and new.status = 'failed' and old.status is distinct from 'failed' then
    perform app.raise_workspace_event(new.workspace_id, 'message.send_failed', jsonb_build_object('channel', 'sms') || to_jsonb(new));
  end if;
  return null;
end;
$$;
create trigger sms_messages_events after insert or update of status on public.sms_messages
  for each row execute function app.events_of_sms();

create or replace function app.events_of_conversations() returns trigger
language plpgsql security definer set search_path = '' as $$
begin
  if new.assignee_id is not null and new.assignee_id is distinct from old.assignee_id then
    perform app.raise_workspace_event(new.workspace_id, 'conversation.assigned', to_jsonb(new));
  end if;
  return null;
end;
$$;
create trigger conversations_events after update of assignee_id on public.conversations
  for each row execute function app.events_of_conversations();

create or replace function app.events_of_leads() returns trigger
language plpgsql security definer set search_path = '' as $$
begin
  if new.lead_temperature = 'hot' and (tg_op = 'INSERT' or old.lead_temperature is distinct from 'hot') then
    perform app.raise_workspace_event(new.workspace_id, 'lead.hot', to_jsonb(new) - 'context');
  end if;
  if new.handoff_at is not null and (tg_op = 'INSERT' or old.handoff_at is null) then
    perform app.raise_workspace_event(new.workspace_id, 'handoff.requested', to_jsonb(new) - 'context');
  end if;
  return null;
end;
$$;
create trigger ari_conversations_events after insert or update of lead_temperature, handoff_at on public.ari_conversations
  for each row execute function app.events_of_leads();

-- Bookings and consultations are both "bookings" to the outside; data.object says which.
create or replace function app.events_of_bookings() returns trigger
language plpgsql security definer set search_path = '' as $$
declare
  data jsonb := jsonb_build_object('object', case tg_table_name when 'bookings' then 'booking' else 'appointment' end) || to_jsonb(new);
begin
  if tg_op = 'INSERT' then
    perform app.raise_workspace_event(new.workspace_id, 'booking.created', data);
  elsif new.status = 'cancelled' and old.status is distinct from 'cancelled' then
    perform app.raise_workspace_event(new.workspace_id, 'booking.cancelled', data);
  elsif new.scheduled_at is distinct from old.scheduled_at then
    perform app.raise_workspace_event(new.workspace_id, 'booking.rescheduled', data || jsonb_build_object('previous_scheduled_at', old.scheduled_at));
  end if;
  return null;
end;
$$;
create trigger bookings_events after insert or update of status, scheduled_at on public.bookings
  for each row execute function app.events_of_bookings();
create trigger ari_appointments_events after insert or update of status, scheduled_at on public.ari_appointments
  for each row execute function app.events_of_bookings();

create or replace function app.events_of_payments() returns trigger
language plpgsql security definer set search_path = '' as $$
begin
  if new.status is distinct from old.status and new.status = 'success' then
    perform app.raise_workspace_event(new.workspace_id, 'payment.received', to_jsonb(new) - 'client_secret' - 'snap_token' - 'gateway_response');
  elsif new.status is distinct from old.status and new.status in ('failed', 'expired') then
    perform app.raise_workspace_event(new.workspace_id, 'payment.failed', to_jsonb(new) - 'client_secret' - 'snap_token' - 'gateway_response');
  end if;
  return null;
end;
$$;
create trigger ari_payments_events after update of status on public.ari_payments
  for each row execute function app.events_of_payments();

create or replace function app.events_of_webinar_registrations() returns trigger
language plpgsql security definer set search_path = '' as $$
begin
  perform app.raise_workspace_event(new.workspace_id, 'webinar.registered', to_jsonb(new));
  return null;
end;
$$;
create trigger webinar_registrations_events after insert on public.webinar_registrations
  for each row execute function app.events_of_webinar_registrations();

-- A member is told when an endpoint of theirs was disabled.
alter table public.staff_notifications drop constraint staff_notifications_kind_check;
alter table public.staff_notifications add constraint staff_notifications_kind_check
  check (kind in ('consultation.assigned', 'consultation.unassigned', 'webhook.disabled'));
