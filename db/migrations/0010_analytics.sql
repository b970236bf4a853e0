-- Analytics: events recorded by the workspace itself, not by a person.
--
-- Seed 003's policies let a visitor record events without a user and a signed-in person only
-- their own. An integration holding a writing API key (a marketplace backend confirming a
-- booking) and the server acting for the workspace (the assistant booking over WhatsApp) have
-- no user id, so neither policy admits them, yet their conversions belong in the funnel. They
-- may record events without a user; a read-only key (rank 0) may not.
create policy "Workspace integrations can insert events" on public.platform_events
  for insert to authenticated
  with check (
    workspace_id = (select app.current_workspace_id())
    and (select app.workspace_rank()) >= 1
    and (select auth.uid()) is null
    and user_id is null
  );
