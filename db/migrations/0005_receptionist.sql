-- Seed 004 (the voice and SMS booking receptionist): bookings, calls, SMS log, daily analytics,
-- FAQs and system prompts. Its customers table is contacts + the customers view (0001).
-- bookings is also seed 003's guest-checkout booking, so it carries both seeds' columns, and
-- seed 003's convert_guest_to_user lives here because it rewrites bookings.
--
-- Seed 004's columns keep its types, defaults and nullability (TEXT dates and times,
-- DECIMAL(10,2) money, nullable created_at) so its queries and its data load unchanged.
-- Its client_id is the tenant key: workspace_id replaces it, and a generated client_id stays
-- for the seed's reads.

-- Bookings (created before calls and sms_messages, which reference it) ---------------------
create table public.bookings (
  id uuid not null default gen_random_uuid(),
  workspace_id uuid not null default app.current_workspace_id()
    references public.workspaces (id) on delete cascade,
  created_at timestamptz default now(),
  updated_at timestamptz default now(),
  customer_name text not null,
  customer_phone text not null,
  customer_email text,
  service_type text not null,
  appointment_date text not null,
  appointment_time text not null,
  -- pending_payment: seed 003's guest bookings wait for the payment hold.
  status text default 'pending'
    check (status in ('pending', 'confirmed', 'cancelled', 'completed', 'no-show', 'scheduled', 'pending_payment')),
  -- web and whatsapp: the product books from guest checkout and WhatsApp as well.
  source text check (source in ('voice', 'sms', 'manual', 'web', 'whatsapp')),
  notes text,
  reminder_sent boolean default false,
  confirmation_sent boolean default false,
  title text,
  scheduled_at timestamptz,
  duration_minutes integer,
  pickup_address text,
  payment_amount decimal(10,2),
  payment_currency text default 'USD',
  payment_status text check (payment_status in ('pending', 'paid', 'failed')),
  number_of_loads integer,
  -- Seed 003: the guest checkout that made the booking and the account it was converted to.
  guest_session_id uuid,
  customer_id uuid references auth.users (id) on delete set null,
  contact_id uuid,
  -- The staff member who serves it, for the scheduling engine's availability.
  consultant_id uuid references auth.users (id) on delete set null,
  primary key (workspace_id, id),
  foreign key (workspace_id, guest_session_id)
    references public.guest_sessions (workspace_id, id) on delete set null (guest_session_id),
  foreign key (workspace_id, contact_id)
    references public.contacts (workspace_id, id) on delete set null (contact_id)
);

create index idx_bookings_phone on public.bookings (customer_phone);
create index idx_bookings_status on public.bookings (status);
create index idx_bookings_date on public.bookings (appointment_date);
create index idx_bookings_created_at on public.bookings (created_at desc);
-- For the foreign keys' set null on delete, the end-user policy and the scheduling engine.
create index idx_bookings_guest_session on public.bookings (workspace_id, guest_session_id)
  where guest_session_id is not null;
create index idx_bookings_contact on public.bookings (workspace_id, contact_id) where contact_id is not null;
create index idx_bookings_customer on public.bookings (workspace_id, customer_id) where customer_id is not null;
create index idx_bookings_consultant on public.bookings (workspace_id, consultant_id, scheduled_at)
  where consultant_id is not null;

create trigger update_bookings_updated_at before update on public.bookings
  for each row execute function public.update_updated_at_column();

-- Calls ------------------------------------------------------------------------------------
create table public.calls (
  id uuid not null default gen_random_uuid(),
  workspace_id uuid not null default app.current_workspace_id()
    references public.workspaces (id) on delete cascade,
  created_at timestamptz default now(),
  updated_at timestamptz default now(),
  phone_number text not null,
  customer_name text,
  duration integer default 0,
  status text check (status in ('completed', 'failed', 'no-answer', 'busy', 'in-progress')),
  call_type text check (call_type in ('inbound', 'outbound')),
  recording_url text,
  transcript text,
  cost decimal(10,2) default 0,
  notes text,
  sentiment text check (sentiment in ('positive', 'neutral', 'negative')),
  booking_id uuid,
  -- The person, so the contact timeline can show the call.
  contact_id uuid,
  -- The voice provider's call id: its webhooks are retried, and a retry must find this row.
  provider_call_id text,
  primary key (workspace_id, id),
  foreign key (workspace_id, booking_id)
    references public.bookings (workspace_id, id) on delete set null (booking_id),
  foreign key (workspace_id, contact_id)
    references public.contacts (workspace_id, id) on delete set null (contact_id),
  constraint calls_workspace_provider_call_key unique (workspace_id, provider_call_id)
);

create index idx_calls_phone on public.calls (phone_number);
create index idx_calls_status on public.calls (status);
create index idx_calls_created_at on public.calls (created_at desc);
create index idx_calls_booking_id on public.calls (booking_id);
create index idx_calls_contact on public.calls (workspace_id, contact_id, created_at)
  where contact_id is not null;

create trigger update_calls_updated_at before update on public.calls
  for each row execute function public.update_updated_at_column();

-- SMS messages -----------------------------------------------------------------------------
create table public.sms_messages (
  id uuid not null default gen_random_uuid(),
  workspace_id uuid not null default app.current_workspace_id()
    references public.workspaces (id) on delete cascade,
  created_at timestamptz default now(),
  phone_number text not null,
  direction text check (direction in ('inbound', 'outbound')),
  message_body text not null,
  status text check (status in ('sent', 'delivered', 'failed', 'received')),
  booking_id uuid,
  cost decimal(10,2) default 0,
  contact_id uuid,
  -- Twilio's MessageSid: inbound webhooks are retried and status callbacks find the row by it.
  provider_message_id text,
  primary key (workspace_id, id),
  foreign key (workspace_id, booking_id)
    references public.bookings (workspace_id, id) on delete set null (booking_id),
  foreign key (workspace_id, contact_id)
    references public.contacts (workspace_id, id) on delete set null (contact_id),
  constraint sms_messages_workspace_provider_message_key unique (workspace_id, provider_message_id)
);

create index idx_sms_phone on public.sms_messages (phone_number);
create index idx_sms_created_at on public.sms_messages (created_at desc);
create index idx_sms_booking_id on public.sms_messages (booking_id);
create index idx_sms_contact on public.sms_messages (workspace_id, contact_id, created_at)
  where contact_id is not null;

-- Daily analytics --------------------------------------------------------------------------
create table public.analytics (
  id uuid not null default gen_random_uuid(),
  workspace_id uuid not null default app.current_workspace_id()
    references public.workspaces (id) on delete cascade,
  -- Seed 004 keeps the day as TEXT; the check holds it to YYYY-MM-DD so that text order is
  -- date order, which its "order by date desc" relies on.
  date text not null constraint analytics_date_format
    check (date ~ '^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$'),
  total_calls integer default 0,
  total_bookings integer default 0,
  total_sms integer default 0,
  total_cost decimal(10,2) default 0,
  successful_calls integer default 0,
  failed_calls integer default 0,
  conversion_rate decimal(5,2) default 0,
  primary key (workspace_id, id),
  constraint analytics_workspace_date_key unique (workspace_id, date)
);

create index idx_analytics_date on public.analytics (date desc);

-- FAQs -------------------------------------------------------------------------------------
create table public.faqs (
  id uuid not null default gen_random_uuid(),
  workspace_id uuid not null default app.current_workspace_id()
    references public.workspaces (id) on delete cascade,
  client_id text generated always as (workspace_id::text) stored,
  category text not null,
  question text not null,
  answer text not null,
  keywords text[] default '{}',
  is_active boolean default true,
  display_order integer default 0,
  usage_count integer default 0,
  created_at timestamptz default now(),
  updated_at timestamptz default now(),
  primary key (workspace_id, id)
);

create index idx_faqs_client on public.faqs (client_id);
create index idx_faqs_category on public.faqs (category);
create index idx_faqs_active on public.faqs (is_active);

create trigger update_faqs_updated_at before update on public.faqs
  for each row execute function public.update_updated_at_column();

-- System prompts ---------------------------------------------------------------------------
create table public.system_prompts (
  id uuid not null default gen_random_uuid(),
  workspace_id uuid not null default app.current_workspace_id()
    references public.workspaces (id) on delete cascade,
  client_id text generated always as (workspace_id::text) stored,
  -- whatsapp and webchat: the assistant answers on those channels too, each with its prompt.
  prompt_type text not null check (prompt_type in ('voice', 'sms', 'whatsapp', 'webchat')),
  system_prompt text not null,
  prompt_version text default 'v1.0.0',
  is_active boolean default true,
  created_at timestamptz default now(),
  updated_at timestamptz default now(),
  primary key (workspace_id, id)
);

create index idx_prompts_client on public.system_prompts (client_id);
create index idx_prompts_type on public.system_prompts (prompt_type);
create index idx_prompts_active on public.system_prompts (is_active);
-- The product's rule: one active prompt per client and channel; older versions stay, inactive.
create unique index uq_system_prompts_active on public.system_prompts (workspace_id, prompt_type)
  where is_active;

create trigger update_prompts_updated_at before update on public.system_prompts
  for each row execute function public.update_updated_at_column();

-- Row-level security -----------------------------------------------------------------------
select app.enable_tenant_rls('public.bookings');
select app.enable_tenant_rls('public.calls');
select app.enable_tenant_rls('public.sms_messages');
select app.enable_tenant_rls('public.analytics');
-- What the assistant says is configuration: admins write it, members read it.
select app.enable_tenant_rls('public.faqs', 2);
select app.enable_tenant_rls('public.system_prompts', 2);

-- A marketplace customer (signed in, not a member) sees their own bookings in the workspace
-- they are signed in to.
create policy bookings_customer_read on public.bookings for select to authenticated
  using (workspace_id = (select app.claimed_workspace_id()) and customer_id = (select auth.uid()));

-- Seed 003's guest conversion ---------------------------------------------------------------
-- Relinks a guest checkout's bookings to the account made afterwards and marks the session
-- converted; returns how many bookings were relinked. Security definer because neither the
-- new customer nor staff may update guest sessions directly, so it checks the caller itself:
--   * service_role (the server, across tenants);
--   * an admin of the claimed workspace;
--   * the user being converted to, who must also prove the session is theirs: the guest
--     token in their claims, or the session's email being their confirmed email. Without that
--     proof anyone who learnt a session id could take over its bookings.
-- The caller's role is read from the role setting: inside a security definer function
-- current_user is the owner. The function reads and writes past row-level security, so its
-- owner must bypass it (superuser or BYPASSRLS), as for the helpers in 0001.
create or replace function public.convert_guest_to_user(p_guest_session_id uuid, p_user_id uuid)
returns integer
language plpgsql security definer
set search_path = ''
as $$
declare
  ws uuid := app.claimed_workspace_id();
  is_service boolean := current_setting('role', true) = 'service_role';
  is_admin boolean := ws is not null and coalesce(app.workspace_rank(), 0) >= 2;
  is_self boolean := ws is not null and p_user_id is not null and p_user_id = auth.uid();
  relinked integer;
begin
  if not (is_service or is_admin or is_self) then
    raise exception 'not allowed to convert this guest session'
      using errcode = '42501';
  end if;

  if not (is_service or is_admin) and exists (
    select 1
      from public.guest_sessions gs
     where gs.workspace_id = ws and gs.id = p_guest_session_id
       and gs.session_token is distinct from auth.jwt() ->> 'guest_token'
       and not exists (select 1 from auth.users u
                        where u.id = p_user_id and u.email_confirmed_at is not null
                          and u.email = lower(gs.email))
  ) then
    raise exception 'the guest session does not belong to this user'
      using errcode = '42501';
  end if;

  -- The caller's workspace; service_role, which spans tenants, without a workspace claim
  -- acts wherever the session is.
  update public.bookings b
     set customer_id = p_user_id
    from public.guest_sessions gs
   where gs.id = p_guest_session_id
     and (gs.workspace_id = ws or (ws is null and is_service))
     and b.workspace_id = gs.workspace_id
     and b.guest_session_id = gs.id;
  get diagnostics relinked = row_count;

  update public.guest_sessions gs
     set metadata = coalesce(gs.metadata, '{}'::jsonb) || jsonb_build_object(
           'converted_to_user_id', p_user_id,
           'converted_at', now())
   where gs.id = p_guest_session_id
     and (gs.workspace_id = ws or (ws is null and is_service));

  return relinked;
end;
$$;

revoke all on function public.convert_guest_to_user(uuid, uuid) from public, anon;
grant execute on function public.convert_guest_to_user(uuid, uuid) to authenticated, service_role;
