-- The assistant's configuration version (issue 16): a turn reads the workspace's persona, scoring,
-- stages, model arms and payment settings from a per-process cache, checked against this value,
-- which the turn reads with its locked record in a statement it sends anyway. Every write to a
-- table the cache holds gives the workspace's ari_config row a new random version in the same
-- transaction, so a process never answers from a configuration another process has changed
-- (the version is random, not a counter, so two databases never share one by chance).
alter table public.ari_config add column config_version uuid not null default gen_random_uuid();

-- ari_config itself: any change of the row is a new version; a bump from another table (only the
-- version changes) keeps updated_at, which tells staff when the persona was last edited.
create or replace function app.version_ari_config() returns trigger
language plpgsql set search_path = '' as $$
begin
  if new.config_version is distinct from old.config_version then
    new.updated_at := old.updated_at;
  else
    new.config_version := gen_random_uuid();
  end if;
  return new;
end;
$$;
-- Named to run after set_ari_config_updated_at (triggers of one kind run in name order).
create trigger zz_version_ari_config before update on public.ari_config
  for each row execute function app.version_ari_config();

-- The other tables the cache holds: owner's rights, as a staff member who may change the stages
-- may not be one who may update ari_config.
create or replace function app.bump_assistant_config() returns trigger
language plpgsql security definer set search_path = '' as $$
begin
  if tg_op = 'INSERT' then
    update public.ari_config set config_version = gen_random_uuid() where workspace_id = new.workspace_id;
  elsif tg_op = 'DELETE' then
    update public.ari_config set config_version = gen_random_uuid() where workspace_id = old.workspace_id;
  else
    update public.ari_config set config_version = gen_random_uuid() where workspace_id in (old.workspace_id, new.workspace_id);
  end if;
  return null;
end;
$$;
revoke all on function app.bump_assistant_config() from public, anon, authenticated, service_role;

create trigger bump_assistant_config after insert or update or delete on public.ari_scoring_config
  for each row execute function app.bump_assistant_config();
create trigger bump_assistant_config after insert or update or delete on public.ari_flow_stages
  for each row execute function app.bump_assistant_config();
create trigger bump_assistant_config after insert or update or delete on public.integrations
  for each row execute function app.bump_assistant_config();
