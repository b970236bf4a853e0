-- The staff inbox, live: who has read what, and a push of every inbox change.

-- Read markers ---------------------------------------------------------------------------------
-- conversations.unread_count counts for the whole team ("nobody has looked since"); each person
-- also has their own place in each thread, so that one colleague reading a thread does not
-- clear it for everyone else. A thread is unread for a person when its last inbound message is
-- later than their marker (or they have none).
create table public.conversation_reads (
  workspace_id uuid not null default app.current_workspace_id()
    references public.workspaces (id) on delete cascade,
  conversation_id uuid not null,
  user_id uuid not null,
  last_read_at timestamptz not null,
  primary key (workspace_id, conversation_id, user_id),
  foreign key (workspace_id, conversation_id) references public.conversations (workspace_id, id) on delete cascade,
  -- Leaving the team takes one's markers along.
  foreign key (workspace_id, user_id) references public.workspace_members (workspace_id, user_id) on delete cascade
);
create index idx_conversation_reads_user on public.conversation_reads (workspace_id, user_id);
select app.enable_tenant_rls('public.conversation_reads');
-- A marker is its person's own: nobody reads or moves a colleague's.
create policy own_marker on public.conversation_reads as restrictive for all to authenticated
  using (user_id = (select auth.uid())) with check (user_id = (select auth.uid()));

-- Inbox events -------------------------------------------------------------------------------
-- Every change staff should see without reloading is announced on the channel inbox_events
-- by the database itself, whichever code path wrote it (webhooks, workers, the assistant's
-- turn, staff). NOTIFY is delivered only when the writing transaction commits, so a rolled back
-- write is never announced; the server LISTENs and hands each event to the streams of that
-- workspace only. Payloads stay far below NOTIFY's 8000-byte limit: the message body is cut to
-- a preview, the stream's readers fetch the rest through the API.
create or replace function app.notify_inbox_event(p_workspace uuid, p_type text, p_data jsonb) returns void
language sql
set search_path = ''
as $$
  select pg_catalog.pg_notify('inbox_events',
    pg_catalog.jsonb_build_object('workspace_id', p_workspace, 'type', p_type, 'data', p_data)::text);
$$;
revoke all on function app.notify_inbox_event(uuid, text, jsonb) from public;
grant execute on function app.notify_inbox_event(uuid, text, jsonb) to anon, authenticated, service_role;

create or replace function app.inbox_message_event() returns trigger
language plpgsql
set search_path = ''
as $$
begin
  if tg_op = 'INSERT' then
    perform app.notify_inbox_event(new.workspace_id, 'message.created', pg_catalog.jsonb_build_object(
      'id', new.id, 'conversation_id', new.conversation_id, 'channel', new.channel, 'direction', new.direction,
      'sender_kind', new.sender_kind, 'delivery_status', new.delivery_status, 'error', left(new.error, 200),
      'preview', left(new.body, 280), 'created_at', new.created_at));
  elsif new.delivery_status is distinct from old.delivery_status or new.error is distinct from old.error then
    perform app.notify_inbox_event(new.workspace_id, 'message.status', pg_catalog.jsonb_build_object(
      'id', new.id, 'conversation_id', new.conversation_id, 'delivery_status', new.delivery_status,
      'error', left(new.error, 200)));
  end if;
  return null;
end;
$$;

create trigger messages_inbox_event after insert or update on public.messages
  for each row execute function app.inbox_message_event();

-- Texts in an inbox thread, in the shape and with the states conversation_messages (0017)
-- gives them.
create or replace function app.inbox_sms_event() returns trigger
language plpgsql
set search_path = ''
as $$
declare
  state text := case new.status
    when 'sending' then case when new.provider_message_id is null then 'queued' else 'sent' end
    when 'undelivered' then 'failed'
    else coalesce(new.status, 'received') end;
  was text;
begin
  if new.conversation_id is null then
    return null;
  end if;
  if tg_op = 'INSERT' then
    perform app.notify_inbox_event(new.workspace_id, 'message.created', pg_catalog.jsonb_build_object(
      'id', new.id, 'conversation_id', new.conversation_id, 'channel', 'sms', 'direction', coalesce(new.direction, 'inbound'),
      'sender_kind', case when new.direction = 'inbound' then 'contact'
                          when new.metadata ? 'ari_message_id' then 'assistant' else 'system' end,
      'delivery_status', state, 'error', left(coalesce(new.error, new.error_code), 200),
      'preview', left(new.message_body, 280), 'created_at', coalesce(new.created_at, new.updated_at)));
    return null;
  end if;
  was := case old.status
    when 'sending' then case when old.provider_message_id is null then 'queued' else 'sent' end
    when 'undelivered' then 'failed'
    else coalesce(old.status, 'received') end;
  if state is distinct from was or coalesce(new.error, new.error_code) is distinct from coalesce(old.error, old.error_code) then
    perform app.notify_inbox_event(new.workspace_id, 'message.status', pg_catalog.jsonb_build_object(
      'id', new.id, 'conversation_id', new.conversation_id, 'delivery_status', state,
      'error', left(coalesce(new.error, new.error_code), 200)));
  end if;
  return null;
end;
$$;

create trigger sms_messages_inbox_event after insert or update on public.sms_messages
  for each row execute function app.inbox_sms_event();

create or replace function app.inbox_conversation_event() returns trigger
language plpgsql
set search_path = ''
as $$
begin
  -- updated_at alone moving is no news.
  if tg_op = 'UPDATE' and (new.status, new.owner, new.assignee_id, new.snoozed_until, new.last_message_at,
                            new.last_inbound_at, new.unread_count, new.contact_id)
      is not distinct from (old.status, old.owner, old.assignee_id, old.snoozed_until, old.last_message_at,
                            old.last_inbound_at, old.unread_count, old.contact_id) then
    return null;
  end if;
  perform app.notify_inbox_event(new.workspace_id, 'conversation.updated', pg_catalog.jsonb_build_object(
    'id', new.id, 'contact_id', new.contact_id, 'channel', new.channel, 'status', new.status, 'owner', new.owner,
    'assignee_id', new.assignee_id, 'snoozed_until', new.snoozed_until, 'last_message_at', new.last_message_at,
    'last_inbound_at', new.last_inbound_at, 'unread_count', new.unread_count, 'created', tg_op = 'INSERT'));
  return null;
end;
$$;

create trigger conversations_inbox_event after insert or update on public.conversations
  for each row execute function app.inbox_conversation_event();

-- Searching and filtering the inbox ------------------------------------------------------------
-- "Needs a person": a person owns the thread and the customer spoke last.
create index idx_conversations_needs_person on public.conversations (workspace_id, last_message_at desc)
  where owner = 'human' and status <> 'resolved';
