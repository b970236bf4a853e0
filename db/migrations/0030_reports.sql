-- Setup and reports: what the staff app's channel screens and reports need besides the seeds.

-- Webhooks, as each provider last reached us ---------------------------------------------------
-- One row per workspace and provider (whatsapp, twilio, vapi, midtrans): when a webhook that
-- named one of the workspace's accounts last arrived with a valid signature or secret, and
-- when one last arrived with a wrong one (and why). Kept apart, so that forged posts cannot
-- hide that the real ones still verify, and a secret set wrong shows at once. Written by the
-- webhook handlers as the workspace's system actor; staff read it on the setup screens.
create table public.integration_webhooks (
  workspace_id uuid not null default app.current_workspace_id()
    references public.workspaces (id) on delete cascade,
  provider text not null check (provider ~ '^[a-z][a-z0-9_]{1,39}$'),
  last_verified_at timestamptz,
  last_refused_at timestamptz,
  last_refused_reason text check (length(last_refused_reason) between 1 and 200),
  primary key (workspace_id, provider)
);
select app.enable_tenant_rls('public.integration_webhooks', 4);

-- Lead temperature, as it changed ---------------------------------------------------------------
-- ari_conversations keeps a lead's temperature now (one record per contact); this keeps every
-- change, so the reports can tell how many leads were hot, warm or cold on any past day, and a
-- lead's page how it warmed up. Written only by the trigger below, in the transaction that
-- changed the temperature.
create table public.lead_temperature_history (
  workspace_id uuid not null default app.current_workspace_id()
    references public.workspaces (id) on delete cascade,
  id uuid not null default gen_random_uuid(),
  ari_conversation_id uuid not null,
  contact_id uuid not null,
  -- null when a lead's temperature was cleared.
  lead_temperature text check (lead_temperature in ('hot', 'warm', 'cold')),
  lead_score integer not null check (lead_score between 0 and 100),
  -- clock_timestamp(): two changes in one transaction keep their order.
  changed_at timestamptz not null default clock_timestamp(),
  primary key (workspace_id, id),
  foreign key (workspace_id, ari_conversation_id) references public.ari_conversations (workspace_id, id) on delete cascade
);
create index idx_lead_temperature_history_time on public.lead_temperature_history (workspace_id, changed_at);
create index idx_lead_temperature_history_lead on public.lead_temperature_history (workspace_id, ari_conversation_id, changed_at);
select app.enable_tenant_rls('public.lead_temperature_history', 4);

-- Security definer: whoever may change a lead (a member, the assistant) records its history,
-- which nobody writes directly.
create or replace function app.record_lead_temperature() returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  if tg_op = 'INSERT' and new.lead_temperature is null then
    return new;
  end if;
  insert into public.lead_temperature_history (workspace_id, id, ari_conversation_id, contact_id, lead_temperature, lead_score, changed_at)
  values (new.workspace_id, gen_random_uuid(), new.id, new.contact_id, new.lead_temperature, new.lead_score, clock_timestamp());
  return new;
end;
$$;
revoke all on function app.record_lead_temperature() from public, anon, authenticated, service_role;

create trigger ari_conversations_temperature_insert after insert on public.ari_conversations
  for each row execute function app.record_lead_temperature();
create trigger ari_conversations_temperature_update after update of lead_temperature on public.ari_conversations
  for each row when (new.lead_temperature is distinct from old.lead_temperature)
  execute function app.record_lead_temperature();

-- The leads that had a temperature before this migration start with it, as of their last change.
insert into public.lead_temperature_history (workspace_id, id, ari_conversation_id, contact_id, lead_temperature, lead_score, changed_at)
select workspace_id, gen_random_uuid(), id, contact_id, lead_temperature, lead_score, updated_at
  from public.ari_conversations
 where lead_temperature is not null;
