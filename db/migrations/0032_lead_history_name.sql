-- 0028's history of each lead is not a seed-000 table, and seed 000 counts its own by the ari_
-- prefix (seven, and seed 001's four): the history takes a name of its own, lead_history.
alter table public.ari_lead_history rename to lead_history;
alter index public.idx_ari_lead_history_conversation rename to idx_lead_history_conversation;

create or replace function app.record_lead_history() returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  if tg_op = 'INSERT' then
    if new.lead_score = 0 and new.lead_temperature is null and new.state = 'greeting' then
      return new;
    end if;
  elsif new.lead_score is not distinct from old.lead_score
    and new.lead_temperature is not distinct from old.lead_temperature
    and new.state is not distinct from old.state then
    return new;
  end if;
  insert into public.lead_history
    (workspace_id, ari_conversation_id, state, lead_score, lead_temperature, score_breakdown, handoff_reason, recorded_at)
  values (
    new.workspace_id, new.id, new.state, new.lead_score, new.lead_temperature,
    case when jsonb_typeof(new.context -> 'score_breakdown') = 'object' then new.context -> 'score_breakdown' end,
    case when new.state = 'handoff' then new.handoff_reason end,
    -- The moment of the change (clock_timestamp: several changes in one transaction keep their order).
    clock_timestamp());
  return new;
end;
$$;
revoke all on function app.record_lead_history() from public, anon, authenticated, service_role;
