-- ARI (seed 000): the WhatsApp assistant's configuration, destinations knowledge base,
-- per-contact bot state and message log, Midtrans payments, consultations and the model
-- A/B metrics. Seed 000's SQL shape; seed 001 adds only the NOT NULLs on fields it requires.
--
-- Tenancy as in 0001: workspace_id leads every key, and foreign keys between tenant tables
-- carry it, so a row can never point into another workspace. Nullable references clear only
-- their own column on delete (`set null (col)`), never workspace_id.

-- Configuration: one persona per workspace ---------------------------------------------------
create table public.ari_config (
  id uuid not null default gen_random_uuid(),
  workspace_id uuid not null default app.current_workspace_id()
    references public.workspaces (id) on delete cascade,
  -- The seed product runs the assistant only for a workspace whose config is enabled.
  enabled boolean not null default true,
  bot_name varchar(100) not null default 'ARI',
  greeting_style varchar(50) not null default 'professional'
    check (greeting_style in ('casual', 'formal', 'professional')),
  language varchar(10) not null default 'id',
  tone jsonb not null default '{"supportive": true, "clear": true, "encouraging": true}'::jsonb,
  community_link text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (workspace_id, id),
  constraint ari_config_workspace_id_key unique (workspace_id)
);

create trigger set_ari_config_updated_at before update on public.ari_config
  for each row execute function public.handle_updated_at();
select app.enable_tenant_rls('public.ari_config', 2);

-- Destinations: universities the assistant may recommend -------------------------------------
create table public.ari_destinations (
  id uuid not null default gen_random_uuid(),
  workspace_id uuid not null default app.current_workspace_id()
    references public.workspaces (id) on delete cascade,
  country varchar(100) not null,
  city varchar(100),
  university_name varchar(255) not null,
  -- ielts_min, gpa_min, budget_min, budget_max, deadline
  requirements jsonb not null default '{}'::jsonb,
  programs text[] not null default '{}',
  is_promoted boolean not null default false,
  priority integer not null default 0,
  notes text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (workspace_id, id),
  -- Most universities are entered without a city; with nulls distinct the same one could
  -- be added twice.
  constraint ari_destinations_workspace_id_country_city_university_name_key
    unique nulls not distinct (workspace_id, country, city, university_name)
);

create trigger set_ari_destinations_updated_at before update on public.ari_destinations
  for each row execute function public.handle_updated_at();
select app.enable_tenant_rls('public.ari_destinations', 2);

-- The assistant's record of a contact: one per contact per workspace -------------------------
create table public.ari_conversations (
  id uuid not null default gen_random_uuid(),
  workspace_id uuid not null default app.current_workspace_id()
    references public.workspaces (id) on delete cascade,
  contact_id uuid not null,
  -- The inbox thread the assistant is answering in, when there is one.
  conversation_id uuid,
  state varchar(50) not null default 'greeting'
    check (state in ('greeting', 'qualifying', 'scoring', 'booking', 'payment', 'scheduling', 'handoff', 'completed')),
  lead_score integer not null default 0 check (lead_score between 0 and 100),
  lead_temperature varchar(20) check (lead_temperature in ('hot', 'warm', 'cold')),
  -- Collected answers: name, form_data, document_status, scheduling progress.
  context jsonb not null default '{}'::jsonb,
  -- The A/B arm, sticky for the conversation.
  ai_model varchar(50),
  last_ai_message_at timestamptz,
  handoff_at timestamptz,
  handoff_reason text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (workspace_id, id),
  constraint ari_conversations_workspace_id_contact_id_key unique (workspace_id, contact_id),
  foreign key (workspace_id, contact_id) references public.contacts (workspace_id, id) on delete cascade,
  foreign key (workspace_id, conversation_id) references public.conversations (workspace_id, id)
    on delete set null (conversation_id)
);

create trigger set_ari_conversations_updated_at before update on public.ari_conversations
  for each row execute function public.handle_updated_at();
select app.enable_tenant_rls('public.ari_conversations');

-- Each assistant turn, with the model that produced it ---------------------------------------
-- Append-only: no updated_at, so no trigger.
create table public.ari_messages (
  id uuid not null default gen_random_uuid(),
  workspace_id uuid not null default app.current_workspace_id()
    references public.workspaces (id) on delete cascade,
  ari_conversation_id uuid not null,
  role varchar(20) not null check (role in ('assistant', 'user', 'system')),
  content text not null,
  -- Null for the contact's own messages.
  ai_model varchar(50),
  tokens_used integer check (tokens_used >= 0),
  response_time_ms integer check (response_time_ms >= 0),
  metadata jsonb not null default '{}'::jsonb,
  created_at timestamptz not null default now(),
  primary key (workspace_id, id),
  foreign key (workspace_id, ari_conversation_id) references public.ari_conversations (workspace_id, id)
    on delete cascade
);

select app.enable_tenant_rls('public.ari_messages');

-- Payments through Midtrans -------------------------------------------------------------------
create table public.ari_payments (
  id uuid not null default gen_random_uuid(),
  workspace_id uuid not null default app.current_workspace_id()
    references public.workspaces (id) on delete cascade,
  ari_conversation_id uuid not null,
  -- Smallest currency unit; Midtrans takes integer amounts (IDR has no minor unit in practice).
  amount integer not null check (amount > 0),
  currency varchar(3) not null default 'IDR' check (currency ~ '^[A-Z]{3}$'),
  -- qris, gopay, ovo, bank_transfer, card, or whatever Midtrans reports.
  payment_method varchar(50),
  gateway varchar(50) not null default 'midtrans',
  gateway_transaction_id varchar(255),
  gateway_response jsonb,
  status varchar(50) not null default 'pending'
    check (status in ('pending', 'success', 'failed', 'expired', 'refunded')),
  expires_at timestamptz,
  paid_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (workspace_id, id),
  foreign key (workspace_id, ari_conversation_id) references public.ari_conversations (workspace_id, id)
    on delete cascade
);

create trigger set_ari_payments_updated_at before update on public.ari_payments
  for each row execute function public.handle_updated_at();
select app.enable_tenant_rls('public.ari_payments');

-- Consultations, optionally paid --------------------------------------------------------------
-- The contact is reached through the ARI conversation, as in the seed.
create table public.ari_appointments (
  id uuid not null default gen_random_uuid(),
  workspace_id uuid not null default app.current_workspace_id()
    references public.workspaces (id) on delete cascade,
  ari_conversation_id uuid not null,
  payment_id uuid,
  consultant_id uuid references auth.users (id) on delete set null,
  scheduled_at timestamptz not null,
  duration_minutes integer not null default 60 check (duration_minutes > 0),
  meeting_link text,
  status varchar(50) not null default 'scheduled'
    check (status in ('scheduled', 'confirmed', 'completed', 'cancelled', 'no_show')),
  reminder_sent_at timestamptz,
  notes text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (workspace_id, id),
  foreign key (workspace_id, ari_conversation_id) references public.ari_conversations (workspace_id, id)
    on delete cascade,
  foreign key (workspace_id, payment_id) references public.ari_payments (workspace_id, id)
    on delete set null (payment_id)
);

create trigger set_ari_appointments_updated_at before update on public.ari_appointments
  for each row execute function public.handle_updated_at();
select app.enable_tenant_rls('public.ari_appointments');

-- Model A/B metrics per period ----------------------------------------------------------------
-- Seed 000 gives this table updated_at but no trigger: the rollup job writes it explicitly.
create table public.ari_ai_comparison (
  id uuid not null default gen_random_uuid(),
  workspace_id uuid not null default app.current_workspace_id()
    references public.workspaces (id) on delete cascade,
  ai_model varchar(50) not null,
  conversation_count integer not null default 0 check (conversation_count >= 0),
  avg_response_time_ms integer check (avg_response_time_ms >= 0),
  total_tokens_used integer not null default 0 check (total_tokens_used >= 0),
  -- Leads that converted to paid.
  conversion_count integer not null default 0 check (conversion_count >= 0),
  satisfaction_score decimal(3,2) check (satisfaction_score between 0.00 and 5.00),
  period_start timestamptz,
  period_end timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (workspace_id, id),
  -- A null period_start is the all-time row; there is one of those per model too.
  constraint ari_ai_comparison_workspace_id_ai_model_period_start_key
    unique nulls not distinct (workspace_id, ai_model, period_start),
  constraint ari_ai_comparison_period_valid check (period_end is null or period_start is null or period_end >= period_start)
);

select app.enable_tenant_rls('public.ari_ai_comparison', 2);

-- Indexes: seed 000's, with its names and columns ---------------------------------------------
create index idx_ari_config_workspace on public.ari_config (workspace_id);

create index idx_ari_destinations_workspace on public.ari_destinations (workspace_id);
create index idx_ari_destinations_country on public.ari_destinations (workspace_id, country);
create index idx_ari_destinations_promoted on public.ari_destinations (workspace_id, is_promoted) where is_promoted = true;

create index idx_ari_conversations_workspace on public.ari_conversations (workspace_id);
create index idx_ari_conversations_contact on public.ari_conversations (contact_id);
create index idx_ari_conversations_state on public.ari_conversations (workspace_id, state);

create index idx_ari_messages_conversation on public.ari_messages (ari_conversation_id);
create index idx_ari_messages_workspace on public.ari_messages (workspace_id);
create index idx_ari_messages_created on public.ari_messages (created_at desc);

create index idx_ari_payments_conversation on public.ari_payments (ari_conversation_id);
create index idx_ari_payments_workspace on public.ari_payments (workspace_id);
create index idx_ari_payments_status on public.ari_payments (workspace_id, status);
create index idx_ari_payments_pending on public.ari_payments (workspace_id, status, expires_at) where status = 'pending';

create index idx_ari_appointments_conversation on public.ari_appointments (ari_conversation_id);
create index idx_ari_appointments_workspace on public.ari_appointments (workspace_id);
create index idx_ari_appointments_scheduled on public.ari_appointments (workspace_id, scheduled_at);
create index idx_ari_appointments_consultant on public.ari_appointments (consultant_id) where consultant_id is not null;

create index idx_ari_ai_comparison_workspace on public.ari_ai_comparison (workspace_id);
create index idx_ari_ai_comparison_model on public.ari_ai_comparison (workspace_id, ai_model);
