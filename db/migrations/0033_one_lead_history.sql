-- One history of each lead. 0028's lead_history (renamed in 0032) records every change of a
-- lead's state, score or temperature; 0030's lead_temperature_history recorded the temperature
-- alone, twice over, and nothing reads it any more (the reports read lead_history). It goes,
-- with its triggers. And like it, lead_history is written only by its trigger (security
-- definer): staff and the assistant read it, nobody writes it directly.
drop trigger ari_conversations_temperature_insert on public.ari_conversations;
drop trigger ari_conversations_temperature_update on public.ari_conversations;
drop function app.record_lead_temperature();
drop table public.lead_temperature_history;

drop policy tenant_insert on public.lead_history;
drop policy tenant_update on public.lead_history;
drop policy tenant_delete on public.lead_history;
create policy tenant_insert on public.lead_history for insert to authenticated
  with check (workspace_id = (select app.current_workspace_id()) and (select app.workspace_rank()) >= 4);
create policy tenant_update on public.lead_history for update to authenticated
  using (workspace_id = (select app.current_workspace_id()) and (select app.workspace_rank()) >= 4)
  with check (workspace_id = (select app.current_workspace_id()));
create policy tenant_delete on public.lead_history for delete to authenticated
  using (workspace_id = (select app.current_workspace_id()) and (select app.workspace_rank()) >= 4);
