-- The service catalogue: what a workspace sells, how it is priced, and where it serves.
-- The receptionist (seed 004's laundry pickups) and Amara (seed 003's cleaning marketplace)
-- quote and book from it. Seed 004's code used tables of these names that its documented
-- schema never defined; these are their shape, with money in integer minor units.

-- Services ------------------------------------------------------------------------------------
-- Price = base_price_minor + unit_price_minor * units, where a unit is what unit_name says
-- ('load', 'hour'): Regular wash & fold is 1500 + 800 per load in CAD cents.
create table public.services (
  id uuid not null,
  workspace_id uuid not null default app.current_workspace_id()
    references public.workspaces (id) on delete cascade,
  name text not null check (length(btrim(name)) between 1 and 120),
  description text check (length(description) <= 2000),
  unit_name text not null default 'unit' check (unit_name ~ '^[a-z][a-z _-]{0,29}$'),
  base_price_minor integer not null default 0 check (base_price_minor >= 0),
  unit_price_minor integer not null default 0 check (unit_price_minor >= 0),
  currency varchar(3) not null check (currency ~ '^[A-Z]{3}$'),
  -- How long the visit or pickup takes on the calendar.
  duration_minutes integer not null default 30 check (duration_minutes between 1 and 1440),
  -- What the customer is promised, in words: '48 h', 'same day'.
  turnaround text check (length(turnaround) <= 120),
  keywords text[] not null default '{}',
  active boolean not null default true,
  display_order integer not null default 0,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (workspace_id, id),
  constraint services_workspace_name_key unique (workspace_id, name)
);

create index idx_services_workspace_active on public.services (workspace_id, active, display_order);
create trigger set_services_updated_at before update on public.services
  for each row execute function public.handle_updated_at();
-- Configuration: admins write, members read.
select app.enable_tenant_rls('public.services', 2);

-- Service areas ----------------------------------------------------------------------------------
-- A postal code is served when it starts with one of the workspace's prefixes ('M4', 'L5').
-- Prefixes are stored as they are compared: upper case, without spaces.
create table public.service_areas (
  workspace_id uuid not null default app.current_workspace_id()
    references public.workspaces (id) on delete cascade,
  postal_prefix text not null check (postal_prefix ~ '^[A-Z0-9-]{1,10}$'),
  label text check (length(label) <= 120),
  created_at timestamptz not null default now(),
  primary key (workspace_id, postal_prefix)
);

select app.enable_tenant_rls('public.service_areas', 2);
