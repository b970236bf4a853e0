-- ARI catalog (seeds 001/002): conversation flow stages, the knowledge base, lead-scoring
-- configuration, consultant availability, and the CMS (articles, webinars, registrations).
-- Fields and their required-ness come from the Convex schema of seed 001; column types
-- follow the product's own SQL migrations that schema was ported from. Convex timestamps
-- are timestamptz, Convex ids are uuid foreign keys that carry workspace_id.

-- Flow stages: what the assistant aims for, stage by stage -------------------------------------
create table public.ari_flow_stages (
  id uuid not null default gen_random_uuid(),
  workspace_id uuid not null default app.current_workspace_id()
    references public.workspaces (id) on delete cascade,
  name varchar(100) not null,
  goal text not null,
  sample_script text,
  exit_criteria text,
  stage_order integer not null default 0,
  is_active boolean not null default true,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (workspace_id, id)
);

create index idx_ari_flow_stages_workspace on public.ari_flow_stages (workspace_id);
create index idx_ari_flow_stages_order on public.ari_flow_stages (workspace_id, stage_order);

create trigger set_ari_flow_stages_updated_at before update on public.ari_flow_stages
  for each row execute function public.handle_updated_at();
select app.enable_tenant_rls('public.ari_flow_stages', 2);

-- Knowledge base ----------------------------------------------------------------------------
create table public.ari_knowledge_categories (
  id uuid not null default gen_random_uuid(),
  workspace_id uuid not null default app.current_workspace_id()
    references public.workspaces (id) on delete cascade,
  name varchar(100) not null,
  description text,
  display_order integer not null default 0,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (workspace_id, id),
  constraint ari_knowledge_categories_workspace_id_name_key unique (workspace_id, name)
);

create index idx_ari_knowledge_categories_workspace on public.ari_knowledge_categories (workspace_id);
create index idx_ari_knowledge_categories_order on public.ari_knowledge_categories (workspace_id, display_order);

create trigger set_ari_knowledge_categories_updated_at before update on public.ari_knowledge_categories
  for each row execute function public.handle_updated_at();
select app.enable_tenant_rls('public.ari_knowledge_categories', 2);

create table public.ari_knowledge_entries (
  id uuid not null default gen_random_uuid(),
  workspace_id uuid not null default app.current_workspace_id()
    references public.workspaces (id) on delete cascade,
  -- Optional: removing a category leaves its entries uncategorised rather than deleting them.
  category_id uuid,
  title varchar(255) not null,
  content text not null,
  is_active boolean not null default true,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (workspace_id, id),
  foreign key (workspace_id, category_id) references public.ari_knowledge_categories (workspace_id, id)
    on delete set null (category_id)
);

create index idx_ari_knowledge_entries_workspace on public.ari_knowledge_entries (workspace_id);
create index idx_ari_knowledge_entries_category on public.ari_knowledge_entries (category_id);

create trigger set_ari_knowledge_entries_updated_at before update on public.ari_knowledge_entries
  for each row execute function public.handle_updated_at();
select app.enable_tenant_rls('public.ari_knowledge_entries', 2);

-- Lead scoring: one configuration per workspace ------------------------------------------------
-- hot >= hot_threshold, warm >= warm_threshold, cold below; the four category weights are
-- percentages of the total score.
create table public.ari_scoring_config (
  id uuid not null default gen_random_uuid(),
  workspace_id uuid not null default app.current_workspace_id()
    references public.workspaces (id) on delete cascade,
  hot_threshold integer not null default 70,
  warm_threshold integer not null default 40,
  weight_basic integer not null default 25 check (weight_basic >= 0),
  weight_qualification integer not null default 35 check (weight_qualification >= 0),
  weight_document integer not null default 30 check (weight_document >= 0),
  weight_engagement integer not null default 10 check (weight_engagement >= 0),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (workspace_id, id),
  constraint ari_scoring_config_workspace_id_key unique (workspace_id),
  constraint ari_scoring_config_valid_hot_threshold check (hot_threshold between 1 and 100),
  constraint ari_scoring_config_valid_warm_threshold check (warm_threshold >= 0 and warm_threshold < 100),
  constraint ari_scoring_config_hot_above_warm check (hot_threshold > warm_threshold),
  constraint ari_scoring_config_weights_sum_to_100
    check (weight_basic + weight_qualification + weight_document + weight_engagement = 100)
);

create index idx_ari_scoring_config_workspace on public.ari_scoring_config (workspace_id);

create trigger set_ari_scoring_config_updated_at before update on public.ari_scoring_config
  for each row execute function public.handle_updated_at();
select app.enable_tenant_rls('public.ari_scoring_config', 2);

-- Consultant availability: weekly patterns ---------------------------------------------------
-- Times are wall-clock 'HH:MM' in the workspace's time zone (seed 001 keeps them as strings);
-- the scheduling engine turns them into instants, so DST is handled there, not here.
create table public.consultant_slots (
  id uuid not null default gen_random_uuid(),
  workspace_id uuid not null default app.current_workspace_id()
    references public.workspaces (id) on delete cascade,
  -- Null: the slot belongs to the workspace, not to one consultant.
  consultant_id uuid references auth.users (id) on delete set null,
  -- 0 = Sunday ... 6 = Saturday, as JavaScript's getDay() and PostgreSQL's extract(dow).
  day_of_week integer not null check (day_of_week between 0 and 6),
  start_time text not null check (start_time ~ '^([01][0-9]|2[0-3]):[0-5][0-9]$'),
  end_time text not null check (end_time ~ '^([01][0-9]|2[0-3]):[0-5][0-9]$'),
  duration_minutes integer not null default 60 check (duration_minutes > 0),
  booking_window_days integer not null default 14 check (booking_window_days > 0),
  max_bookings_per_slot integer not null default 1 check (max_bookings_per_slot >= 1),
  is_active boolean not null default true,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (workspace_id, id),
  -- Fixed-width 'HH:MM' orders correctly as bytes; "C" keeps any collation out of it.
  constraint consultant_slots_valid_time_range check (end_time collate "C" > start_time collate "C"),
  -- One pattern per consultant (or for the whole workspace) per weekday and start time.
  constraint consultant_slots_pattern_key
    unique nulls not distinct (workspace_id, consultant_id, day_of_week, start_time)
);

create index idx_consultant_slots_workspace on public.consultant_slots (workspace_id);
create index idx_consultant_slots_day on public.consultant_slots (workspace_id, day_of_week);
-- Deleting a user clears their slots' consultant_id; this keeps that from scanning.
create index idx_consultant_slots_consultant on public.consultant_slots (consultant_id) where consultant_id is not null;

create trigger set_consultant_slots_updated_at before update on public.consultant_slots
  for each row execute function public.handle_updated_at();
select app.enable_tenant_rls('public.consultant_slots', 2);

-- CMS: articles -----------------------------------------------------------------------------
create table public.articles (
  id uuid not null default gen_random_uuid(),
  workspace_id uuid not null default app.current_workspace_id()
    references public.workspaces (id) on delete cascade,
  title varchar(255) not null,
  -- Part of public URLs.
  slug varchar(100) not null check (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$'),
  excerpt text,
  content text,
  cover_image_url text,
  status varchar(20) not null default 'draft' check (status in ('draft', 'published')),
  published_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (workspace_id, id),
  constraint articles_workspace_id_slug_key unique (workspace_id, slug)
);

create index idx_articles_workspace on public.articles (workspace_id);
create index idx_articles_status on public.articles (workspace_id, status);

create trigger set_articles_updated_at before update on public.articles
  for each row execute function public.handle_updated_at();
select app.enable_tenant_rls('public.articles', 2);

-- CMS: webinars -----------------------------------------------------------------------------
create table public.webinars (
  id uuid not null default gen_random_uuid(),
  workspace_id uuid not null default app.current_workspace_id()
    references public.workspaces (id) on delete cascade,
  title varchar(255) not null,
  slug varchar(100) not null check (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$'),
  description text,
  cover_image_url text,
  scheduled_at timestamptz not null,
  duration_minutes integer not null default 60 check (duration_minutes > 0),
  meeting_url text,
  -- Null: unlimited.
  max_registrations integer check (max_registrations > 0),
  status varchar(20) not null default 'draft' check (status in ('draft', 'published', 'completed', 'cancelled')),
  published_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (workspace_id, id),
  constraint webinars_workspace_id_slug_key unique (workspace_id, slug)
);

create index idx_webinars_workspace on public.webinars (workspace_id);
create index idx_webinars_status on public.webinars (workspace_id, status);
create index idx_webinars_scheduled on public.webinars (workspace_id, scheduled_at);

create trigger set_webinars_updated_at before update on public.webinars
  for each row execute function public.handle_updated_at();
select app.enable_tenant_rls('public.webinars', 2);

-- CMS: webinar registrations ----------------------------------------------------------------
-- Registering is idempotent: one row per contact per webinar.
create table public.webinar_registrations (
  id uuid not null default gen_random_uuid(),
  workspace_id uuid not null default app.current_workspace_id()
    references public.workspaces (id) on delete cascade,
  webinar_id uuid not null,
  contact_id uuid not null,
  registered_at timestamptz not null default now(),
  attended boolean not null default false,
  primary key (workspace_id, id),
  constraint webinar_registrations_workspace_id_webinar_id_contact_id_key unique (workspace_id, webinar_id, contact_id),
  foreign key (workspace_id, webinar_id) references public.webinars (workspace_id, id) on delete cascade,
  foreign key (workspace_id, contact_id) references public.contacts (workspace_id, id) on delete cascade
);

create index idx_webinar_registrations_webinar on public.webinar_registrations (webinar_id);
create index idx_webinar_registrations_contact on public.webinar_registrations (contact_id);
create index idx_webinar_registrations_workspace on public.webinar_registrations (workspace_id);

select app.enable_tenant_rls('public.webinar_registrations');
