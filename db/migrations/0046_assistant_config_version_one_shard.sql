-- 0044's version bump, pinned to one workspace in every branch (issue 18: a statement in a
-- trigger must name a single workspace to stay on one shard under Citus). An update never
-- moves a row to another workspace: workspace_id leads the primary key of each table the
-- trigger is on, and the tenant policies refuse the change; so new.workspace_id is the one.
create or replace function app.bump_assistant_config() returns trigger
language plpgsql security definer set search_path = '' as $$
begin
  if tg_op = 'DELETE' then
    update public.ari_config set config_version = gen_random_uuid() where workspace_id = old.workspace_id;
  else
    update public.ari_config set config_version = gen_random_uuid() where workspace_id = new.workspace_id;
  end if;
  return null;
end;
$$;
revoke all on function app.bump_assistant_config() from public, anon, authenticated, service_role;
