-- Access: sign-in sessions, workspace API keys and invitations.

-- Sessions are looked up by the hash of the cookie's token before anyone is known, so only
-- the service role reads them.
create table auth.sessions (
  id uuid primary key,
  user_id uuid not null references auth.users (id) on delete cascade,
  token_hash text not null unique,
  user_agent text,
  ip text,
  created_at timestamptz not null default now(),
  last_seen_at timestamptz not null default now(),
  expires_at timestamptz not null
);
create index idx_sessions_user on auth.sessions (user_id);
create index idx_sessions_expires on auth.sessions (expires_at);
alter table auth.sessions enable row level security;
alter table auth.sessions force row level security;
grant select, insert, update, delete on auth.sessions to service_role;
create policy service_all on auth.sessions for all to service_role using (true) with check (true);

-- API keys: shown once, stored as a SHA-256 hash of the whole key (keys are 32 random
-- bytes, so a slow hash adds nothing), with a visible prefix to tell them apart.
create table public.api_keys (
  id uuid not null,
  workspace_id uuid not null default app.current_workspace_id()
    references public.workspaces (id) on delete cascade,
  name text not null check (length(btrim(name)) between 1 and 100),
  prefix text not null,
  key_hash text not null,
  read_only boolean not null default false,
  created_by uuid references auth.users (id) on delete set null,
  created_at timestamptz not null default now(),
  last_used_at timestamptz,
  revoked_at timestamptz,
  primary key (workspace_id, id),
  constraint api_keys_hash_key unique (workspace_id, key_hash)
);
create index idx_api_keys_hash on public.api_keys (key_hash);
select app.enable_tenant_rls('public.api_keys', 2);

-- Invitations: a single-use token sent to one email address, for one role.
create table public.invitations (
  id uuid not null,
  workspace_id uuid not null default app.current_workspace_id()
    references public.workspaces (id) on delete cascade,
  email text not null check (email = lower(email) and email ~ '^[^@\s]+@[^@\s]+$'),
  role text not null default 'member' check (role in ('admin', 'member')),
  token_hash text not null,
  invited_by uuid references auth.users (id) on delete set null,
  created_at timestamptz not null default now(),
  expires_at timestamptz not null,
  accepted_at timestamptz,
  accepted_by uuid references auth.users (id) on delete set null,
  revoked_at timestamptz,
  primary key (workspace_id, id),
  constraint invitations_token_key unique (workspace_id, token_hash)
);
create index idx_invitations_token on public.invitations (token_hash);
create index idx_invitations_workspace on public.invitations (workspace_id, created_at desc);
select app.enable_tenant_rls('public.invitations', 2);

-- The caller's rank, now also for API keys: a live key acts as an admin, a read-only key
-- can only read. A revoked key has no rank, so revocation takes effect in the database at
-- once, whatever the server has cached.
create or replace function app.workspace_rank() returns int
language plpgsql stable security definer
set search_path = ''
as $$
declare
  claims jsonb := coalesce(nullif(current_setting('request.jwt.claims', true), ''), '{}')::jsonb;
  ws uuid := nullif(claims ->> 'workspace_id', '')::uuid;
  member_role text;
  key_read_only boolean;
begin
  if ws is null or coalesce(current_setting('role', true), '') <> 'authenticated' then
    return null;
  end if;
  if claims ->> 'actor' = 'system' then
    return 4;
  end if;
  if claims ->> 'actor' = 'api_key' then
    select k.read_only into key_read_only
      from public.api_keys k
     where k.workspace_id = ws and k.id = nullif(claims ->> 'api_key_id', '')::uuid and k.revoked_at is null;
    return case when key_read_only is null then null when key_read_only then 0 else 2 end;
  end if;
  select m.role into member_role
    from public.workspace_members m
   where m.workspace_id = ws and m.user_id = nullif(claims ->> 'sub', '')::uuid;
  return case member_role when 'owner' then 3 when 'admin' then 2 when 'member' then 1 else null end;
end;
$$;

-- Accepting an invitation: the invitee is not a member yet, so cannot see the invitation
-- or add themself; this checks the token, the email and the expiry, then does both.
create or replace function app.accept_invitation(p_token_hash text) returns table (workspace_id uuid, role text)
language plpgsql security definer
set search_path = ''
as $$
#variable_conflict use_column
declare
  inv public.invitations;
  me uuid := auth.uid();
  my_email text;
begin
  if me is null then
    raise exception 'sign in to accept an invitation' using errcode = '42501';
  end if;
  select * into inv from public.invitations i where i.token_hash = p_token_hash for update;
  if not found or inv.revoked_at is not null then
    raise exception 'invitation not found' using errcode = 'P0002';
  end if;
  if inv.accepted_at is not null then
    raise exception 'invitation already used' using errcode = 'P0003';
  end if;
  if inv.expires_at <= now() then
    raise exception 'invitation expired' using errcode = 'P0004';
  end if;
  select u.email into my_email from auth.users u where u.id = me;
  if my_email is distinct from inv.email then
    raise exception 'this invitation is for another email address' using errcode = '42501';
  end if;
  insert into public.workspace_members as m (workspace_id, user_id, role)
  values (inv.workspace_id, me, inv.role)
  on conflict (workspace_id, user_id) do nothing;
  update public.invitations i set accepted_at = now(), accepted_by = me where i.id = inv.id and i.workspace_id = inv.workspace_id;
  return query select inv.workspace_id, inv.role;
end;
$$;
revoke all on function app.accept_invitation(text) from public, anon;
grant execute on function app.accept_invitation(text) to authenticated;
