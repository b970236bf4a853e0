-- Platform: Supabase-compatible roles and auth schema, tenancy (workspaces, members),
-- the person record (contacts, with seed 004's customer columns, and the customers view),
-- and the inbox (conversations, messages) that seed 000 refers to without defining.

-- Roles -------------------------------------------------------------------------------
-- Roles are cluster-wide: another database on the same server may have made them already,
-- possibly at this very moment, so each creation tolerates a duplicate.
do $$
declare r text;
begin
  foreach r in array array['anon', 'authenticated', 'service_role'] loop
    begin
      execute format('create role %I nologin noinherit', r);
    exception when duplicate_object or unique_violation then null;
    end;
    -- The connecting role switches into these per transaction (PostgREST's pattern).
    begin
      execute format('grant %I to current_user', r);
    exception when others then null;
    end;
  end loop;
end $$;

-- Schemas -----------------------------------------------------------------------------
create schema if not exists auth;
-- app: security-definer helpers that policies call; not part of the public API.
create schema if not exists app;

grant usage on schema public, auth, app to anon, authenticated, service_role;

-- auth: users and the claim readers, as Supabase defines them ------------------------------
create table auth.users (
  id uuid primary key,
  email text unique check (email = lower(email)),
  encrypted_password text,
  full_name text,
  locale text not null default 'en',
  raw_user_meta_data jsonb not null default '{}'::jsonb,
  email_confirmed_at timestamptz,
  last_sign_in_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

create or replace function auth.jwt() returns jsonb
language sql stable
as $$
  select coalesce(nullif(current_setting('request.jwt.claims', true), ''), '{}')::jsonb
$$;

create or replace function auth.uid() returns uuid
language sql stable
as $$
  select coalesce(
    nullif(current_setting('request.jwt.claim.sub', true), ''),
    (nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'sub')
  )::uuid
$$;

create or replace function auth.role() returns text
language sql stable
as $$
  select coalesce(
    nullif(current_setting('request.jwt.claim.role', true), ''),
    (nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'role')
  )::text
$$;

create or replace function auth.email() returns text
language sql stable
as $$
  select coalesce(
    nullif(current_setting('request.jwt.claim.email', true), ''),
    (nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'email')
  )::text
$$;

grant execute on all functions in schema auth to anon, authenticated, service_role;

-- updated_at triggers: both names the seeds use ----------------------------------------------
-- Seed 003 calls it handle_updated_at, seed 004 update_updated_at_column; same behaviour.
create or replace function public.handle_updated_at() returns trigger
language plpgsql
as $$
begin
  new.updated_at = now();
  return new;
end;
$$;

create or replace function public.update_updated_at_column() returns trigger
language plpgsql
as $$
begin
  new.updated_at = now();
  return new;
end;
$$;

create trigger set_users_updated_at before update on auth.users
  for each row execute function public.handle_updated_at();

-- Tenancy -----------------------------------------------------------------------------
create table public.workspaces (
  id uuid primary key,
  name text not null check (length(btrim(name)) between 1 and 200),
  slug text not null unique check (slug ~ '^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$'),
  time_zone text not null default 'Asia/Jakarta',
  locale text not null default 'id' check (locale ~ '^[a-z]{2}(-[A-Z]{2})?$'),
  currency char(3) not null default 'IDR' check (currency ~ '^[A-Z]{3}$'),
  country char(2) not null default 'ID' check (country ~ '^[A-Z]{2}$'),
  template text check (template in ('ari', 'amara', 'voice')),
  settings jsonb not null default '{}'::jsonb,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  -- A workspace's zone must be one PostgreSQL knows, or every slot computed in it is wrong.
  constraint workspaces_time_zone_valid check ((timestamptz '2000-01-01 00:00+00' at time zone time_zone) is not null)
);

create trigger set_workspaces_updated_at before update on public.workspaces
  for each row execute function public.handle_updated_at();

create table public.workspace_members (
  workspace_id uuid not null references public.workspaces (id) on delete cascade,
  user_id uuid not null references auth.users (id) on delete cascade,
  role text not null default 'member' check (role in ('owner', 'admin', 'member')),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (workspace_id, user_id)
);

create index idx_workspace_members_user on public.workspace_members (user_id);
create trigger set_workspace_members_updated_at before update on public.workspace_members
  for each row execute function public.handle_updated_at();

-- Who is asking ---------------------------------------------------------------------------
-- The server sets request.jwt.claims per transaction:
--   { sub, role, workspace_id, actor: 'user' | 'system' | 'api_key', ... }
-- Policies never trust workspace_id alone: the caller's standing in that workspace is looked
-- up here (security definer, so the lookup itself is not subject to the policies it serves).

create or replace function app.claimed_workspace_id() returns uuid
language sql stable
set search_path = ''
as $$
  select nullif(nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'workspace_id', '')::uuid
$$;

-- The caller's rank in the claimed workspace: 4 system (the server acting for the workspace:
-- webhooks, jobs), 3 owner, 2 admin, 1 member, 0 read-only; null when the caller has none.
create or replace function app.workspace_rank() returns int
language plpgsql stable security definer
set search_path = ''
as $$
declare
  claims jsonb := coalesce(nullif(current_setting('request.jwt.claims', true), ''), '{}')::jsonb;
  ws uuid := nullif(claims ->> 'workspace_id', '')::uuid;
  member_role text;
begin
  if ws is null then
    return null;
  end if;
  -- Inside a security definer function current_user is the owner; the 'role' setting is
  -- still the caller's. Only the server's own transactions switch to 'authenticated' with
  -- actor 'system'; the claims of a request never carry it.
  if claims ->> 'actor' = 'system' and current_setting('role', true) = 'authenticated' then
    return 4;
  end if;
  select m.role into member_role
    from public.workspace_members m
   where m.workspace_id = ws and m.user_id = nullif(claims ->> 'sub', '')::uuid;
  return case member_role when 'owner' then 3 when 'admin' then 2 when 'member' then 1 else null end;
end;
$$;

-- The workspace the caller may act in, or null: the one thing every tenant policy compares.
create or replace function app.current_workspace_id() returns uuid
language sql stable
set search_path = ''
as $$
  select case when app.workspace_rank() is not null then app.claimed_workspace_id() end
$$;

-- The workspaces the signed-in user belongs to, for listing them before choosing one.
create or replace function app.my_workspace_ids() returns setof uuid
language sql stable security definer
set search_path = ''
as $$
  select m.workspace_id from public.workspace_members m where m.user_id = auth.uid()
$$;

revoke all on function app.workspace_rank(), app.my_workspace_ids() from public;
grant execute on all functions in schema app to anon, authenticated, service_role;

-- Row-level security for a tenant table, the same everywhere:
--   members of the workspace read; members (or admins, for configuration) write; the
--   service role, which the server uses only for work that spans tenants, manages all.
-- The calls are wrapped in (select ...) so they run once per statement, not once per row,
-- and compare against workspace_id, which leads every key and index.
create or replace function app.enable_tenant_rls(tbl regclass, writer_rank int default 1) returns void
language plpgsql
as $$
begin
  execute format('alter table %s enable row level security', tbl);
  execute format('alter table %s force row level security', tbl);
  execute format('grant select, insert, update, delete on %s to authenticated, service_role', tbl);
  execute format(
    'create policy tenant_read on %s for select to authenticated
       using (workspace_id = (select app.current_workspace_id()))', tbl);
  execute format(
    'create policy tenant_insert on %s for insert to authenticated
       with check (workspace_id = (select app.current_workspace_id()) and (select app.workspace_rank()) >= %s)',
    tbl, writer_rank);
  execute format(
    'create policy tenant_update on %s for update to authenticated
       using (workspace_id = (select app.current_workspace_id()) and (select app.workspace_rank()) >= %s)
       with check (workspace_id = (select app.current_workspace_id()))',
    tbl, writer_rank);
  execute format(
    'create policy tenant_delete on %s for delete to authenticated
       using (workspace_id = (select app.current_workspace_id()) and (select app.workspace_rank()) >= %s)',
    tbl, writer_rank);
  execute format('create policy service_all on %s for all to service_role using (true) with check (true)', tbl);
end;
$$;
revoke all on function app.enable_tenant_rls(regclass, int) from public, anon, authenticated, service_role;

-- workspaces and members: their own rules, since the workspace is the tenant itself.
alter table public.workspaces enable row level security;
alter table public.workspaces force row level security;
grant select, update, delete on public.workspaces to authenticated;
grant select, insert, update, delete on public.workspaces to service_role;
create policy workspaces_read on public.workspaces for select to authenticated
  using (id = (select app.current_workspace_id()) or id in (select app.my_workspace_ids()));
create policy workspaces_update on public.workspaces for update to authenticated
  using (id = (select app.current_workspace_id()) and (select app.workspace_rank()) >= 2);
create policy workspaces_delete on public.workspaces for delete to authenticated
  using (id = (select app.current_workspace_id()) and (select app.workspace_rank()) >= 3);
create policy service_all on public.workspaces for all to service_role using (true) with check (true);

alter table public.workspace_members enable row level security;
alter table public.workspace_members force row level security;
grant select, insert, update, delete on public.workspace_members to authenticated, service_role;
create policy members_read on public.workspace_members for select to authenticated
  using (workspace_id = (select app.current_workspace_id()) or user_id = (select auth.uid()));
create policy members_insert on public.workspace_members for insert to authenticated
  with check (workspace_id = (select app.current_workspace_id()) and (select app.workspace_rank()) >= 2);
create policy members_update on public.workspace_members for update to authenticated
  using (workspace_id = (select app.current_workspace_id()) and (select app.workspace_rank()) >= 2)
  with check (workspace_id = (select app.current_workspace_id()));
create policy members_delete on public.workspace_members for delete to authenticated
  using (workspace_id = (select app.current_workspace_id())
         and ((select app.workspace_rank()) >= 2 or user_id = (select auth.uid())));
create policy service_all on public.workspace_members for all to service_role using (true) with check (true);

-- A workspace always keeps an owner: the last one can be neither removed nor demoted.
create or replace function app.keep_an_owner() returns trigger
language plpgsql
as $$
begin
  if old.role = 'owner' and (tg_op = 'DELETE' or new.role <> 'owner')
     and exists (select 1 from public.workspaces w where w.id = old.workspace_id)
     and not exists (
       select 1 from public.workspace_members m
        where m.workspace_id = old.workspace_id and m.role = 'owner' and m.user_id <> old.user_id) then
    raise exception 'a workspace must keep at least one owner'
      using errcode = '23514', constraint = 'workspace_members_last_owner';
  end if;
  return coalesce(new, old);
end;
$$;
create trigger keep_an_owner before update or delete on public.workspace_members
  for each row execute function app.keep_an_owner();

-- Creating a workspace makes the caller its owner in the same step; without this the
-- caller could not pass the member policies needed to add the first member.
create or replace function app.create_workspace(
  p_id uuid, p_name text, p_slug text,
  p_time_zone text default 'Asia/Jakarta', p_locale text default 'id',
  p_currency text default 'IDR', p_country text default 'ID', p_template text default null
) returns uuid
language plpgsql security definer
set search_path = ''
as $$
declare
  owner_id uuid := auth.uid();
begin
  if owner_id is null then
    raise exception 'creating a workspace needs a signed-in user' using errcode = '42501';
  end if;
  insert into public.workspaces (id, name, slug, time_zone, locale, currency, country, template)
  values (p_id, p_name, p_slug, p_time_zone, p_locale, p_currency, p_country, p_template);
  insert into public.workspace_members (workspace_id, user_id, role) values (p_id, owner_id, 'owner');
  return p_id;
end;
$$;
revoke all on function app.create_workspace(uuid, text, text, text, text, text, text, text) from public, anon;
grant execute on function app.create_workspace(uuid, text, text, text, text, text, text, text) to authenticated, service_role;

-- auth.users: a user sees themself and the people they work with.
alter table auth.users enable row level security;
alter table auth.users force row level security;
grant select on auth.users to authenticated;
grant select, insert, update, delete on auth.users to service_role;
create policy users_read on auth.users for select to authenticated
  using (
    id = (select auth.uid())
    or id in (select m.user_id from public.workspace_members m
               where m.workspace_id = (select app.current_workspace_id()))
  );
create policy service_all on auth.users for all to service_role using (true) with check (true);

-- Contacts: one person per workspace, matched by E.164 phone or email -------------------------
-- Seed 004's customers table is this entity: its columns live here and `customers` is a view.
create table public.contacts (
  id uuid not null default gen_random_uuid(),
  workspace_id uuid not null default app.current_workspace_id()
    references public.workspaces (id) on delete cascade,
  name text,
  phone text check (phone ~ '^\+[1-9][0-9]{6,14}$'),
  email text check (email is null or email ~ '^[^@\s]+@[^@\s]+$'),
  user_id uuid references auth.users (id) on delete set null,
  tags text[] not null default '{}',
  notes text,
  address text,
  lead_status text not null default 'new'
    check (lead_status in ('new', 'prospect', 'hot_lead', 'warm_lead', 'cold_lead', 'customer', 'lost')),
  lead_score integer not null default 0 check (lead_score between 0 and 100),
  lead_temperature text check (lead_temperature in ('hot', 'warm', 'cold')),
  source text,
  locale text,
  metadata jsonb not null default '{}'::jsonb,
  total_bookings integer default 0,
  total_calls integer default 0,
  last_contact timestamptz,
  total_spent decimal(10,2) default 0,
  created_at timestamptz default now(),
  updated_at timestamptz default now(),
  primary key (workspace_id, id),
  constraint contacts_workspace_phone_key unique (workspace_id, phone)
);

create index idx_contacts_email on public.contacts (workspace_id, lower(email));
create index idx_contacts_name on public.contacts (workspace_id, name);
create index idx_contacts_tags on public.contacts using gin (tags);
create index idx_contacts_lead on public.contacts (workspace_id, lead_temperature, lead_score desc);
create index idx_contacts_user on public.contacts (workspace_id, user_id) where user_id is not null;
-- Seed 004's customers indexes, on the columns the view exposes.
create index idx_customers_phone on public.contacts (phone);
create index idx_customers_email on public.contacts (email);
create index idx_customers_name on public.contacts (name);

create trigger update_customers_updated_at before update on public.contacts
  for each row execute function public.update_updated_at_column();
select app.enable_tenant_rls('public.contacts');

-- Seed 004's customers, with its columns and names, over contacts. security_invoker makes
-- the caller's policies apply; the check option keeps seed 004's rule that a customer has
-- a phone. Simple enough to be updatable, so the seed's inserts and updates work unchanged.
create view public.customers with (security_invoker = true) as
  select id, workspace_id, created_at, updated_at, name, phone, email,
         total_bookings, total_calls, last_contact, notes, tags, address, total_spent
    from public.contacts
   where phone is not null and name is not null
  with local check option;
grant select, insert, update, delete on public.customers to authenticated, service_role;

-- Inbox: what staff read and answer (WhatsApp and web chat) ---------------------------------
create table public.conversations (
  id uuid not null default gen_random_uuid(),
  workspace_id uuid not null default app.current_workspace_id()
    references public.workspaces (id) on delete cascade,
  contact_id uuid not null,
  channel text not null check (channel in ('whatsapp', 'sms', 'voice', 'webchat', 'amara')),
  status text not null default 'open' check (status in ('open', 'pending', 'snoozed', 'resolved')),
  owner text not null default 'ai' check (owner in ('ai', 'human')),
  assignee_id uuid references auth.users (id) on delete set null,
  snoozed_until timestamptz,
  last_message_at timestamptz,
  last_inbound_at timestamptz,
  unread_count integer not null default 0 check (unread_count >= 0),
  metadata jsonb not null default '{}'::jsonb,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (workspace_id, id),
  foreign key (workspace_id, contact_id) references public.contacts (workspace_id, id) on delete cascade
);

create index idx_conversations_inbox on public.conversations (workspace_id, status, last_message_at desc);
create index idx_conversations_contact on public.conversations (workspace_id, contact_id);
create index idx_conversations_assignee on public.conversations (workspace_id, assignee_id) where assignee_id is not null;
-- One open thread per contact and channel: inbound messages find it instead of forking.
create unique index uq_conversations_open_per_channel on public.conversations (workspace_id, contact_id, channel)
  where status <> 'resolved';

create trigger set_conversations_updated_at before update on public.conversations
  for each row execute function public.handle_updated_at();
select app.enable_tenant_rls('public.conversations');

create table public.messages (
  id uuid not null default gen_random_uuid(),
  workspace_id uuid not null default app.current_workspace_id()
    references public.workspaces (id) on delete cascade,
  conversation_id uuid not null,
  channel text not null check (channel in ('whatsapp', 'sms', 'voice', 'webchat', 'amara')),
  direction text not null check (direction in ('inbound', 'outbound')),
  sender_kind text not null check (sender_kind in ('contact', 'assistant', 'agent', 'system')),
  sender_user_id uuid references auth.users (id) on delete set null,
  body text not null default '',
  content_type text not null default 'text',
  media jsonb,
  provider_message_id text,
  delivery_status text not null default 'received'
    check (delivery_status in ('received', 'queued', 'sent', 'delivered', 'read', 'failed')),
  error text,
  metadata jsonb not null default '{}'::jsonb,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (workspace_id, id),
  foreign key (workspace_id, conversation_id) references public.conversations (workspace_id, id) on delete cascade,
  constraint messages_provider_message_key unique (workspace_id, channel, provider_message_id)
);

create index idx_messages_conversation on public.messages (workspace_id, conversation_id, created_at);
create trigger set_messages_updated_at before update on public.messages
  for each row execute function public.handle_updated_at();
select app.enable_tenant_rls('public.messages');
