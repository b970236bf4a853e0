-- Channels: the ids a provider's webhook carries (to find its workspace), inbound messages
-- waiting for their assistant turn, the outbox of outgoing messages, and each contact's
-- WhatsApp customer-service window. Channel settings themselves live in integrations (0012).

-- Which workspace a webhook is for -----------------------------------------------------------
-- Every id a provider's webhook may carry for a workspace's account: a WhatsApp
-- phone_number_id; a Twilio AccountSid and each of its numbers; each Vapi assistant and
-- phone number id. Written with the settings (channels/settings.service.ts), read by webhooks
-- as the service role. That one id belongs to one workspace is checked when settings are
-- saved: a unique index across workspaces cannot lead with workspace_id, and a distributed
-- table could not enforce it anyway.
create table public.channel_accounts (
  workspace_id uuid not null default app.current_workspace_id()
    references public.workspaces (id) on delete cascade,
  provider text not null check (provider in ('whatsapp', 'twilio', 'vapi', 'webchat')),
  account_id text not null check (length(account_id) between 1 and 200),
  created_at timestamptz not null default now(),
  primary key (workspace_id, provider, account_id)
);
create index idx_channel_accounts_lookup on public.channel_accounts (provider, account_id);
-- Configuration: admins write.
select app.enable_tenant_rls('public.channel_accounts', 2);

-- Which of these ids another workspace has connected already: saving settings refuses them,
-- so that a webhook always has one workspace. Security definer, like app.workspace_rank():
-- the caller sees only its own workspace's rows, and learns only "taken", never by whom.
create or replace function app.channel_accounts_taken(p_provider text, p_ids text[]) returns setof text
language sql stable security definer
set search_path = ''
as $$
  select a.account_id from public.channel_accounts a
   where a.provider = p_provider and a.account_id = any(p_ids)
     and a.workspace_id is distinct from app.current_workspace_id()
$$;
revoke all on function app.channel_accounts_taken(text, text[]) from public, anon;
grant execute on function app.channel_accounts_taken(text, text[]) to authenticated, service_role;

-- Inbound messages waiting for the assistant --------------------------------------------------
-- A webhook stores each message here once (keyed by the provider's id: a wamid) and answers at
-- once; the channel worker runs the assistant turn in a transaction that also marks the row
-- done, so a turn happens once even when the worker stops halfway.
create table public.channel_inbox (
  workspace_id uuid not null default app.current_workspace_id()
    references public.workspaces (id) on delete cascade,
  id uuid not null,
  channel text not null check (channel in ('whatsapp', 'sms', 'webchat')),
  provider_message_id text not null,
  -- E.164 phone of the sender.
  sender text not null,
  sender_name text,
  body text not null,
  content_type text not null default 'text',
  -- When the provider received it (the customer-service window starts then).
  sent_at timestamptz not null,
  payload jsonb not null default '{}'::jsonb,
  status text not null default 'pending' check (status in ('pending', 'done', 'failed')),
  attempts integer not null default 0 check (attempts >= 0),
  next_attempt_at timestamptz not null default now(),
  last_error text,
  processed_at timestamptz,
  created_at timestamptz not null default now(),
  primary key (workspace_id, id),
  constraint channel_inbox_provider_message_key unique (workspace_id, channel, provider_message_id)
);
create index idx_channel_inbox_due on public.channel_inbox (next_attempt_at) where status = 'pending';
create index idx_channel_inbox_workspace on public.channel_inbox (workspace_id, created_at);
-- Only the server acting for the workspace (rank 4) writes; staff read.
select app.enable_tenant_rls('public.channel_inbox', 4);

-- The outbox --------------------------------------------------------------------------------
-- One row per outgoing message (its id is the message's), written by a trigger in the same
-- transaction as the message, whoever writes it: assistant replies, staff replies, reminders,
-- payment links, handoff notices. The channel worker claims due rows with skip locked, sends
-- them outside any transaction and records the outcome. The states:
--   pending  -> due at next_attempt_at;
--   sending  -> claimed until claimed_until; past it the outcome is unknown (the worker stopped
--               between sending and recording) and the row waits for the provider's status
--               callback, which names the message, before it may be sent again (see
--               docs/architecture.md, "Channels");
--   sent     -> the provider took it (provider_message_id);
--   failed   -> it cannot go (last_error says why).
create table public.outbox (
  workspace_id uuid not null default app.current_workspace_id()
    references public.workspaces (id) on delete cascade,
  message_id uuid not null,
  channel text not null,
  status text not null default 'pending' check (status in ('pending', 'sending', 'sent', 'failed')),
  attempts integer not null default 0 check (attempts >= 0),
  next_attempt_at timestamptz not null default now(),
  claimed_until timestamptz,
  provider_message_id text,
  last_error text,
  sent_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (workspace_id, message_id),
  foreign key (workspace_id, message_id) references public.messages (workspace_id, id) on delete cascade
);
create index idx_outbox_due on public.outbox (next_attempt_at) where status = 'pending';
create index idx_outbox_claimed on public.outbox (claimed_until) where status = 'sending';
create index idx_outbox_workspace on public.outbox (workspace_id, created_at);
create trigger set_outbox_updated_at before update on public.outbox
  for each row execute function public.handle_updated_at();
select app.enable_tenant_rls('public.outbox', 4);

-- Every queued outgoing message gets its outbox row in its own transaction. Security definer:
-- a member writing a reply may not write the outbox directly, but their reply must be sent.
create or replace function app.queue_outbound_message() returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  insert into public.outbox (workspace_id, message_id, channel, next_attempt_at)
  values (new.workspace_id, new.id, new.channel, now())
  on conflict do nothing;
  return new;
end;
$$;
revoke all on function app.queue_outbound_message() from public, anon, authenticated, service_role;

create trigger messages_queue_outbound after insert on public.messages
  for each row when (new.direction = 'outbound' and new.delivery_status = 'queued')
  execute function app.queue_outbound_message();

-- Delivery status only moves forward ----------------------------------------------------------
-- queued -> sent -> delivered -> read, and failed from queued or sent. Providers deliver status
-- callbacks out of order and more than once; a late "sent" must not undo "read".
create or replace function app.message_delivery_forward_only() returns trigger
language plpgsql
set search_path = ''
as $$
begin
  if new.delivery_status is distinct from old.delivery_status and old.direction = 'outbound' and not (
       (old.delivery_status = 'queued' and new.delivery_status in ('sent', 'delivered', 'read', 'failed'))
    or (old.delivery_status = 'sent' and new.delivery_status in ('delivered', 'read', 'failed'))
    or (old.delivery_status = 'delivered' and new.delivery_status = 'read')
  ) then
    new.delivery_status := old.delivery_status;
  end if;
  return new;
end;
$$;

create trigger messages_delivery_forward_only before update of delivery_status on public.messages
  for each row execute function app.message_delivery_forward_only();

-- The WhatsApp customer-service window, per contact --------------------------------------------
-- Opens or refreshes with each message the contact sends; outside it only approved templates go.
create table public.contact_channel_windows (
  workspace_id uuid not null default app.current_workspace_id()
    references public.workspaces (id) on delete cascade,
  contact_id uuid not null,
  channel text not null check (channel in ('whatsapp', 'sms', 'webchat')),
  last_inbound_at timestamptz not null,
  primary key (workspace_id, contact_id, channel),
  foreign key (workspace_id, contact_id) references public.contacts (workspace_id, id) on delete cascade
);
select app.enable_tenant_rls('public.contact_channel_windows', 4);
