-- Password resets (issue 17): a link mailed to an account's address lets its owner set a new
-- password without the old one. The token is kept only as its SHA-256 hash, lives one hour
-- and works once (used_at), so a link found later in a mailbox or a log is worth nothing.
-- Asking for one answers the same whether or not the email has an account.
create table auth.password_resets (
  id uuid primary key,
  user_id uuid not null references auth.users (id) on delete cascade,
  token_hash text not null unique,
  created_at timestamptz not null default now(),
  expires_at timestamptz not null,
  used_at timestamptz
);
create index idx_password_resets_user on auth.password_resets (user_id);
create index idx_password_resets_expires on auth.password_resets (expires_at);
alter table auth.password_resets enable row level security;
alter table auth.password_resets force row level security;
grant select, insert, update, delete on auth.password_resets to service_role;
create policy service_all on auth.password_resets for all to service_role using (true) with check (true);
