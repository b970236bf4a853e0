-- The tools staff use in the inbox all day: private notes on a conversation with @mentions of
-- colleagues, and saved replies (team-wide or personal).

-- Private notes ---------------------------------------------------------------------------------
-- A note is for the team only: it lives in its own table, never in messages, so no outbox row
-- (the trigger on messages) can ever be written for it and no channel can send it.
create table public.conversation_notes (
  id uuid not null default gen_random_uuid(),
  workspace_id uuid not null default app.current_workspace_id()
    references public.workspaces (id) on delete cascade,
  conversation_id uuid not null,
  -- Who wrote it; null for an API key, or once the person's account is gone.
  author_id uuid references auth.users (id) on delete set null,
  body text not null check (char_length(body) between 1 and 4096),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (workspace_id, id),
  foreign key (workspace_id, conversation_id) references public.conversations (workspace_id, id) on delete cascade
);
create index idx_conversation_notes_thread on public.conversation_notes (workspace_id, conversation_id, created_at);
create trigger set_conversation_notes_updated_at before update on public.conversation_notes
  for each row execute function public.handle_updated_at();
select app.enable_tenant_rls('public.conversation_notes');
-- Nobody writes a note in a colleague's name.
create policy own_notes on public.conversation_notes as restrictive for insert to authenticated
  with check (author_id is null or author_id = (select auth.uid()));

-- Who a note mentions, one row each, so that a notification (or a "mentions of me" list) can
-- find them by person. A mention is of a member of the workspace; leaving the team takes it along.
create table public.conversation_note_mentions (
  workspace_id uuid not null default app.current_workspace_id()
    references public.workspaces (id) on delete cascade,
  note_id uuid not null,
  user_id uuid not null,
  -- When the person was told (by a later notifier); null until then.
  notified_at timestamptz,
  created_at timestamptz not null default now(),
  primary key (workspace_id, note_id, user_id),
  foreign key (workspace_id, note_id) references public.conversation_notes (workspace_id, id) on delete cascade,
  foreign key (workspace_id, user_id) references public.workspace_members (workspace_id, user_id) on delete cascade
);
create index idx_note_mentions_person on public.conversation_note_mentions (workspace_id, user_id, created_at desc);
select app.enable_tenant_rls('public.conversation_note_mentions');

-- A new note is announced on the inbox stream (0025) with whom it mentions. The trigger runs at
-- commit (deferred), when the note's mentions are written too, and only if it commits.
create or replace function app.inbox_note_event() returns trigger
language plpgsql
set search_path = ''
as $$
begin
  perform app.notify_inbox_event(new.workspace_id, 'note.created', pg_catalog.jsonb_build_object(
    'id', new.id, 'conversation_id', new.conversation_id, 'author_id', new.author_id,
    'preview', left(new.body, 280), 'created_at', new.created_at,
    'mentions', coalesce((select pg_catalog.jsonb_agg(m.user_id order by m.user_id)
                            from public.conversation_note_mentions m
                           where m.workspace_id = new.workspace_id and m.note_id = new.id), '[]'::jsonb)));
  return null;
end;
$$;

create constraint trigger conversation_notes_inbox_event after insert on public.conversation_notes
  deferrable initially deferred
  for each row execute function app.inbox_note_event();

-- Saved replies -----------------------------------------------------------------------------------
-- Typed as /shortcut in the reply box. owner_id null: the whole team's; a member: theirs alone,
-- which the restrictive policy below keeps from everyone else (API keys see only the team's).
create table public.saved_replies (
  id uuid not null default gen_random_uuid(),
  workspace_id uuid not null default app.current_workspace_id()
    references public.workspaces (id) on delete cascade,
  owner_id uuid,
  shortcut text not null check (shortcut ~ '^[a-z0-9][a-z0-9_-]{0,39}$'),
  body text not null check (char_length(body) between 1 and 4096),
  created_by uuid references auth.users (id) on delete set null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (workspace_id, id),
  -- Personal replies leave with their owner.
  foreign key (workspace_id, owner_id) references public.workspace_members (workspace_id, user_id) on delete cascade
);
create unique index uq_saved_replies_team on public.saved_replies (workspace_id, shortcut) where owner_id is null;
create unique index uq_saved_replies_personal on public.saved_replies (workspace_id, owner_id, shortcut) where owner_id is not null;
create trigger set_saved_replies_updated_at before update on public.saved_replies
  for each row execute function public.handle_updated_at();
select app.enable_tenant_rls('public.saved_replies');
create policy personal_replies_own on public.saved_replies as restrictive for all to authenticated
  using (owner_id is null or owner_id = (select auth.uid()))
  with check (owner_id is null or owner_id = (select auth.uid()));
-- The team's replies are the team's voice: admins (and owners) write them.
create policy team_replies_admins_insert on public.saved_replies as restrictive for insert to authenticated
  with check (owner_id is not null or (select app.workspace_rank()) >= 2);
create policy team_replies_admins_update on public.saved_replies as restrictive for update to authenticated
  using (owner_id is not null or (select app.workspace_rank()) >= 2);
create policy team_replies_admins_delete on public.saved_replies as restrictive for delete to authenticated
  using (owner_id is not null or (select app.workspace_rank()) >= 2);
