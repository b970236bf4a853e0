-- Seed 003 (Amara, the marketplace's in-app assistant): assistant conversations and messages
-- owned by signed-in end users, guest checkout sessions, platform analytics events, and the
-- seed's cleanup and reporting functions. convert_guest_to_user needs bookings, so it lives
-- in 0005 with them.
--
-- The people who write these tables are mostly not workspace members: marketplace customers
-- (signed in, role authenticated) and visitors (anon). For them app.current_workspace_id() is
-- null, so workspace_id defaults to the claimed workspace instead and every policy checks it
-- against that claim; the seed's own inserts, which never name a workspace, then work as is.

-- Amara conversations ---------------------------------------------------------------------
create table public.amara_conversations (
  id uuid not null default gen_random_uuid(),
  workspace_id uuid not null default app.claimed_workspace_id()
    references public.workspaces (id) on delete cascade,
  user_id uuid not null references auth.users (id) on delete cascade,
  locale text not null default 'en',
  is_active boolean not null default true,
  last_message_at timestamptz not null default now(),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (workspace_id, id)
);

create index idx_amara_conversations_user_id on public.amara_conversations (user_id);
create index idx_amara_conversations_last_message_at on public.amara_conversations (last_message_at desc);
create index idx_amara_conversations_is_active on public.amara_conversations (is_active) where is_active;

create trigger set_amara_conversations_updated_at before update on public.amara_conversations
  for each row execute function public.handle_updated_at();

-- Amara messages --------------------------------------------------------------------------
create table public.amara_messages (
  id uuid not null default gen_random_uuid(),
  workspace_id uuid not null default app.claimed_workspace_id()
    references public.workspaces (id) on delete cascade,
  conversation_id uuid not null,
  role text not null check (role in ('user', 'assistant', 'system')),
  content text not null,
  tool_calls jsonb,
  metadata jsonb,
  created_at timestamptz not null default now(),
  primary key (workspace_id, id),
  foreign key (workspace_id, conversation_id)
    references public.amara_conversations (workspace_id, id) on delete cascade
);

create index idx_amara_messages_conversation_id on public.amara_messages (conversation_id);
create index idx_amara_messages_created_at on public.amara_messages (created_at);
create index idx_amara_messages_role on public.amara_messages (role);

-- Guest checkout sessions -----------------------------------------------------------------
create table public.guest_sessions (
  id uuid not null default gen_random_uuid(),
  workspace_id uuid not null default app.claimed_workspace_id()
    references public.workspaces (id) on delete cascade,
  -- The token is the guest's only credential: 32 random bytes as lowercase hex, as the
  -- product generates it, so a short or guessable value is refused.
  session_token text not null constraint guest_sessions_session_token_format
    check (session_token ~ '^[0-9a-f]{64}$'),
  email text not null,
  full_name text not null,
  phone text,
  metadata jsonb default '{}'::jsonb,
  expires_at timestamptz not null default (now() + interval '24 hours'),
  created_at timestamptz not null default now(),
  primary key (workspace_id, id),
  constraint guest_sessions_workspace_session_token_key unique (workspace_id, session_token)
);

create index idx_guest_sessions_session_token on public.guest_sessions (session_token);
create index idx_guest_sessions_email on public.guest_sessions (email);
create index idx_guest_sessions_expires_at on public.guest_sessions (expires_at);

-- Platform events -------------------------------------------------------------------------
create table public.platform_events (
  id uuid not null default gen_random_uuid(),
  workspace_id uuid not null default app.claimed_workspace_id()
    references public.workspaces (id) on delete cascade,
  event_type text not null,
  user_id uuid references auth.users (id) on delete set null,
  session_id text,
  properties jsonb default '{}'::jsonb,
  created_at timestamptz not null default now(),
  primary key (workspace_id, id)
);

create index idx_platform_events_event_type on public.platform_events (event_type);
create index idx_platform_events_user_id on public.platform_events (user_id);
create index idx_platform_events_session_id on public.platform_events (session_id);
create index idx_platform_events_created_at on public.platform_events (created_at desc);
create index idx_platform_events_type_date on public.platform_events (event_type, created_at);
create index idx_platform_events_user_journey on public.platform_events (user_id, created_at)
  where user_id is not null;
create index idx_platform_events_properties on public.platform_events using gin (properties);

-- Row-level security ----------------------------------------------------------------------
-- Seed 003's policies, scoped to a workspace: an end user owns rows only inside the workspace
-- they are signed in to (the claim), while staff rights come from membership
-- (app.current_workspace_id()). Every call is wrapped in (select ...) to run once per statement.

alter table public.amara_conversations enable row level security;
alter table public.amara_conversations force row level security;
grant select, insert, update, delete on public.amara_conversations to authenticated, service_role;

create policy "Users can view their own Amara conversations" on public.amara_conversations
  for select to authenticated
  using (workspace_id = (select app.claimed_workspace_id()) and user_id = (select auth.uid()));
create policy "Users can create their own Amara conversations" on public.amara_conversations
  for insert to authenticated
  with check (workspace_id = (select app.claimed_workspace_id()) and user_id = (select auth.uid()));
create policy "Users can update their own Amara conversations" on public.amara_conversations
  for update to authenticated
  using (workspace_id = (select app.claimed_workspace_id()) and user_id = (select auth.uid()))
  with check (workspace_id = (select app.claimed_workspace_id()) and user_id = (select auth.uid()));
create policy "Users can delete their own Amara conversations" on public.amara_conversations
  for delete to authenticated
  using (workspace_id = (select app.claimed_workspace_id()) and user_id = (select auth.uid()));
-- Staff see the in-app assistant's conversations in the inbox; they do not write them.
create policy "Staff can view their workspace's Amara conversations" on public.amara_conversations
  for select to authenticated
  using (workspace_id = (select app.current_workspace_id()));
create policy service_all on public.amara_conversations
  for all to service_role using (true) with check (true);

alter table public.amara_messages enable row level security;
alter table public.amara_messages force row level security;
grant select, insert, update, delete on public.amara_messages to authenticated, service_role;

-- Ownership is the parent conversation's; the subquery is itself filtered by the
-- conversation policies, and the workspace test keeps it on the primary key.
create policy "Users can view their own Amara messages" on public.amara_messages
  for select to authenticated
  using (
    workspace_id = (select app.claimed_workspace_id())
    and exists (
      select 1 from public.amara_conversations c
       where c.workspace_id = amara_messages.workspace_id
         and c.id = amara_messages.conversation_id
         and c.user_id = (select auth.uid())
    )
  );
create policy "Users can create messages in their own Amara conversations" on public.amara_messages
  for insert to authenticated
  with check (
    workspace_id = (select app.claimed_workspace_id())
    and exists (
      select 1 from public.amara_conversations c
       where c.workspace_id = amara_messages.workspace_id
         and c.id = amara_messages.conversation_id
         and c.user_id = (select auth.uid())
    )
  );
create policy "Users can update their own Amara messages" on public.amara_messages
  for update to authenticated
  using (
    workspace_id = (select app.claimed_workspace_id())
    and exists (
      select 1 from public.amara_conversations c
       where c.workspace_id = amara_messages.workspace_id
         and c.id = amara_messages.conversation_id
         and c.user_id = (select auth.uid())
    )
  )
  with check (
    workspace_id = (select app.claimed_workspace_id())
    and exists (
      select 1 from public.amara_conversations c
       where c.workspace_id = amara_messages.workspace_id
         and c.id = amara_messages.conversation_id
         and c.user_id = (select auth.uid())
    )
  );
create policy "Users can delete their own Amara messages" on public.amara_messages
  for delete to authenticated
  using (
    workspace_id = (select app.claimed_workspace_id())
    and exists (
      select 1 from public.amara_conversations c
       where c.workspace_id = amara_messages.workspace_id
         and c.id = amara_messages.conversation_id
         and c.user_id = (select auth.uid())
    )
  );
create policy "Staff can view their workspace's Amara messages" on public.amara_messages
  for select to authenticated
  using (workspace_id = (select app.current_workspace_id()));
create policy service_all on public.amara_messages
  for all to service_role using (true) with check (true);

alter table public.guest_sessions enable row level security;
alter table public.guest_sessions force row level security;
grant select, insert on public.guest_sessions to anon, authenticated;
grant select, insert, update, delete on public.guest_sessions to service_role;

create policy "Anyone can create guest sessions" on public.guest_sessions
  for insert to anon, authenticated
  with check (workspace_id = (select app.claimed_workspace_id()));
-- The original read "... OR true" and so exposed every guest's name, email and phone. Here
-- the token must come from the caller's claims (the server puts the browser's token there).
create policy "Guests can view their own session by token" on public.guest_sessions
  for select to anon, authenticated
  using (
    workspace_id = (select app.claimed_workspace_id())
    and session_token = (select auth.jwt() ->> 'guest_token')
  );
create policy "Staff can view their workspace's guest sessions" on public.guest_sessions
  for select to authenticated
  using (workspace_id = (select app.current_workspace_id()));
create policy "Service role can manage all guest sessions" on public.guest_sessions
  for all to service_role using (true) with check (true);

alter table public.platform_events enable row level security;
alter table public.platform_events force row level security;
grant insert on public.platform_events to anon;
grant select, insert on public.platform_events to authenticated;
grant select, insert, update, delete on public.platform_events to service_role;

create policy "Users can insert their own events" on public.platform_events
  for insert to authenticated
  with check (workspace_id = (select app.claimed_workspace_id()) and user_id = (select auth.uid()));
create policy "Anonymous users can insert events" on public.platform_events
  for insert to anon
  with check (workspace_id = (select app.claimed_workspace_id()) and user_id is null);
create policy "Admins can view all platform events" on public.platform_events
  for select to authenticated
  using (workspace_id = (select app.current_workspace_id()) and (select app.workspace_rank()) >= 2);
create policy "Service role can manage all platform events" on public.platform_events
  for all to service_role using (true) with check (true);

-- Functions -------------------------------------------------------------------------------
-- Cleanups span tenants: run by the job queue as service_role, whose policies see every row.
-- They stay security invoker, so a caller without that role could delete nothing anyway.
create or replace function public.cleanup_expired_guest_sessions() returns integer
language plpgsql
set search_path = ''
as $$
declare
  deleted integer;
begin
  delete from public.guest_sessions where expires_at < now();
  get diagnostics deleted = row_count;
  return deleted;
end;
$$;

create or replace function public.cleanup_old_platform_events() returns integer
language plpgsql
set search_path = ''
as $$
declare
  deleted integer;
begin
  delete from public.platform_events where created_at < now() - interval '90 days';
  get diagnostics deleted = row_count;
  return deleted;
end;
$$;

revoke all on function public.cleanup_expired_guest_sessions(), public.cleanup_old_platform_events()
  from public, anon, authenticated;
grant execute on function public.cleanup_expired_guest_sessions(), public.cleanup_old_platform_events()
  to service_role;

-- Reports are security invoker so the admin-only read policy applies; the explicit workspace
-- filter also keeps them to one workspace for callers whose policies see more (service_role).
create or replace function public.get_event_counts_by_type(
  p_start_date timestamptz default now() - interval '30 days',
  p_end_date timestamptz default now()
) returns table (event_type text, event_count bigint)
language sql stable
set search_path = ''
as $$
  select pe.event_type, count(*) as event_count
    from public.platform_events pe
   where pe.workspace_id = (select app.current_workspace_id())
     and pe.created_at >= p_start_date
     and pe.created_at <= p_end_date
   group by pe.event_type
   order by event_count desc, pe.event_type
$$;

-- Unique people per stage: a signed-in user by user_id, a visitor by the anonymous session
-- id (prefixed so the two can never collide). Rates are against the first stage, as the
-- product's funnel defines them.
create or replace function public.get_conversion_funnel(
  p_start_date timestamptz default now() - interval '30 days',
  p_end_date timestamptz default now(),
  p_stages text[] default array['SearchStarted', 'ProfessionalViewed', 'CheckoutStarted', 'BookingConfirmed']
) returns table (stage text, unique_users bigint, conversion_rate numeric)
language sql stable
set search_path = ''
as $$
  with wanted as (
    select w.stage_name, w.ord
      from unnest(p_stages) with ordinality as w (stage_name, ord)
  ),
  reached as (
    select wanted.stage_name, wanted.ord,
           (select count(distinct coalesce('u:' || pe.user_id::text, 's:' || pe.session_id))
              from public.platform_events pe
             where pe.workspace_id = (select app.current_workspace_id())
               and pe.event_type = wanted.stage_name
               and pe.created_at >= p_start_date
               and pe.created_at <= p_end_date) as people
      from wanted
  )
  select r.stage_name,
         r.people,
         case when first_stage.people = 0 then round(0::numeric, 2)
              else round(r.people::numeric * 100 / first_stage.people, 2) end
    from reached r
   cross join (select people from reached where ord = 1) as first_stage
   order by r.ord
$$;

revoke all on function public.get_event_counts_by_type(timestamptz, timestamptz),
  public.get_conversion_funnel(timestamptz, timestamptz, text[]) from public, anon;
grant execute on function public.get_event_counts_by_type(timestamptz, timestamptz),
  public.get_conversion_funnel(timestamptz, timestamptz, text[]) to authenticated, service_role;
