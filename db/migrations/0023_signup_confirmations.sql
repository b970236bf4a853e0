-- Sign-ups waiting for their email to be confirmed. A sign-up answers the same whether or not
-- the email has an account (issue 11: sign-up revealed it), so the account is created only
-- when the link sent to the address is followed. The password is kept here, hashed, until
-- then; the token only as its SHA-256 hash. Each sign-up has its own row: confirming one
-- creates the account with that sign-up's password.
create table auth.signup_confirmations (
  id uuid primary key,
  email text not null check (email = lower(email)),
  encrypted_password text not null,
  full_name text,
  token_hash text not null unique,
  created_at timestamptz not null default now(),
  expires_at timestamptz not null
);
create index idx_signup_confirmations_email on auth.signup_confirmations (email);
create index idx_signup_confirmations_expires on auth.signup_confirmations (expires_at);
alter table auth.signup_confirmations enable row level security;
alter table auth.signup_confirmations force row level security;
grant select, insert, update, delete on auth.signup_confirmations to service_role;
create policy service_all on auth.signup_confirmations for all to service_role using (true) with check (true);
