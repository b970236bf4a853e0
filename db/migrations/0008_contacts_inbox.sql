-- Contacts and inbox: an assignee must belong to the workspace, and merging two records of
-- the same person.

-- Assignees are members ----------------------------------------------------------------------
-- Declared rather than checked in code, so that every writer (staff, jobs, channels) obeys it,
-- and so that removing someone from the team unassigns their conversations.
alter table public.conversations
  add constraint conversations_assignee_member_fkey
  foreign key (workspace_id, assignee_id) references public.workspace_members (workspace_id, user_id)
  on delete set null (assignee_id);

-- Re-pointing references ----------------------------------------------------------------------
-- Every foreign key into p_table is found in the catalog, not listed by hand, so a table that
-- a later migration adds with a reference to contacts or conversations is never forgotten by
-- a merge (and never silently deleted by its cascade). Foreign keys between tenant tables are
-- (workspace_id, <ref>) -> (workspace_id, id), so the column to move is the one matching id.
-- Security invoker: the caller's row-level security applies to every update.
create or replace function app.repoint_references(p_table regclass, p_workspace uuid, p_from uuid, p_to uuid) returns void
language plpgsql security invoker
set search_path = ''
as $$
declare
  fk record;
begin
  for fk in
    select c.conrelid::regclass as tbl,
           max(a.attname) filter (where r.attname = 'id') as ref_col,
           max(a.attname) filter (where r.attname = 'workspace_id') as ws_col
      from pg_catalog.pg_constraint c
      cross join lateral unnest(c.conkey, c.confkey) as k(col, ref)
      join pg_catalog.pg_attribute a on a.attrelid = c.conrelid and a.attnum = k.col
      join pg_catalog.pg_attribute r on r.attrelid = c.confrelid and r.attnum = k.ref
     where c.contype = 'f' and c.confrelid = p_table
     group by c.oid, c.conrelid
  loop
    if fk.ref_col is null or fk.ws_col is null then
      raise exception 'foreign key from % into % does not carry (workspace_id, id)', fk.tbl, p_table;
    end if;
    execute format('update %s set %I = $1 where %I = $2 and %I = $3', fk.tbl, fk.ref_col, fk.ws_col, fk.ref_col)
      using p_to, p_workspace, p_from;
  end loop;
end;
$$;
revoke all on function app.repoint_references(regclass, uuid, uuid, uuid) from public, anon;
grant execute on function app.repoint_references(regclass, uuid, uuid, uuid) to authenticated, service_role;

-- Merging two contacts ------------------------------------------------------------------------
-- The same person often arrives twice (a WhatsApp number and a web form email). p_merge is
-- folded into p_keep and deleted; returns p_keep. Both must be visible in the caller's
-- workspace: a missing or foreign id raises no_data_found (P0002), merging a contact into
-- itself invalid_parameter_value (22023).
--
-- Rows whose unique keys include the contact are reconciled first, since moving them as they
-- are would collide with the kept contact's own:
--   - inbox conversations: one open thread per contact and channel. When both have one on a
--     channel, the merged thread's messages (and anything else pointing at it) move into the
--     kept thread, which is then deleted.
--   - ari_conversations: one per contact. When both have one, the kept contact's stays and the
--     other's messages, payments and appointments move into it.
--   - webinar_registrations: one per contact and webinar; a double registration keeps the
--     earlier time and attended if either attended.
-- Then every other reference is re-pointed, and the kept contact takes the merged one's
-- details where its own are empty, the union of the tags, the sum of the aggregates and the
-- later last contact.
create or replace function public.merge_contacts(p_keep uuid, p_merge uuid) returns uuid
language plpgsql security invoker
set search_path = ''
as $$
declare
  ws uuid := app.current_workspace_id();
  keep public.contacts;
  gone public.contacts;
  thread record;
  kept_thread uuid;
  keep_ari public.ari_conversations;
  gone_ari public.ari_conversations;
begin
  if p_keep = p_merge then
    raise exception 'a contact cannot be merged into itself' using errcode = '22023';
  end if;
  select * into keep from public.contacts where workspace_id = ws and id = p_keep for update;
  if not found then
    raise exception 'no contact %', p_keep using errcode = 'P0002';
  end if;
  select * into gone from public.contacts where workspace_id = ws and id = p_merge for update;
  if not found then
    raise exception 'no contact %', p_merge using errcode = 'P0002';
  end if;

  -- Inbox threads that would break one-open-thread-per-channel.
  for thread in
    select g.id as gone_id, k.id as kept_id, g.last_message_at, g.last_inbound_at, g.unread_count
      from public.conversations g
      join public.conversations k
        on k.workspace_id = g.workspace_id and k.contact_id = p_keep and k.channel = g.channel and k.status <> 'resolved'
     where g.workspace_id = ws and g.contact_id = p_merge and g.status <> 'resolved'
  loop
    perform app.repoint_references('public.conversations', ws, thread.gone_id, thread.kept_id);
    update public.conversations
       set last_message_at = greatest(last_message_at, thread.last_message_at),
           last_inbound_at = greatest(last_inbound_at, thread.last_inbound_at),
           unread_count = unread_count + thread.unread_count
     where workspace_id = ws and id = thread.kept_id;
    delete from public.conversations where workspace_id = ws and id = thread.gone_id;
  end loop;

  -- The assistant's record: one per contact.
  select * into keep_ari from public.ari_conversations where workspace_id = ws and contact_id = p_keep;
  select * into gone_ari from public.ari_conversations where workspace_id = ws and contact_id = p_merge;
  if keep_ari.id is not null and gone_ari.id is not null then
    perform app.repoint_references('public.ari_conversations', ws, gone_ari.id, keep_ari.id);
    update public.ari_conversations
       set context = gone_ari.context || context,
           conversation_id = coalesce(conversation_id, gone_ari.conversation_id),
           last_ai_message_at = greatest(last_ai_message_at, gone_ari.last_ai_message_at)
     where workspace_id = ws and id = keep_ari.id;
    delete from public.ari_conversations where workspace_id = ws and id = gone_ari.id;
  end if;

  -- Webinars both registered for.
  update public.webinar_registrations k
     set attended = k.attended or g.attended,
         registered_at = least(k.registered_at, g.registered_at)
    from public.webinar_registrations g
   where k.workspace_id = ws and k.contact_id = p_keep
     and g.workspace_id = ws and g.contact_id = p_merge and g.webinar_id = k.webinar_id;
  delete from public.webinar_registrations g
   using public.webinar_registrations k
   where g.workspace_id = ws and g.contact_id = p_merge
     and k.workspace_id = ws and k.contact_id = p_keep and k.webinar_id = g.webinar_id;

  perform app.repoint_references('public.contacts', ws, p_merge, p_keep);

  -- Deleted before the update so that the kept contact can take over its phone.
  delete from public.contacts where workspace_id = ws and id = p_merge;
  update public.contacts
     set name = coalesce(keep.name, gone.name),
         phone = coalesce(keep.phone, gone.phone),
         email = coalesce(keep.email, gone.email),
         user_id = coalesce(keep.user_id, gone.user_id),
         notes = coalesce(keep.notes, gone.notes),
         address = coalesce(keep.address, gone.address),
         -- 'new' is the default, not a judgement anyone made.
         lead_status = case when keep.lead_status = 'new' then gone.lead_status else keep.lead_status end,
         lead_score = greatest(keep.lead_score, gone.lead_score),
         lead_temperature = coalesce(keep.lead_temperature, gone.lead_temperature),
         source = coalesce(keep.source, gone.source),
         locale = coalesce(keep.locale, gone.locale),
         tags = keep.tags || array(
           select t from unnest(gone.tags) with ordinality as u(t, n)
            where t <> all (keep.tags) group by t order by min(n)),
         metadata = gone.metadata || keep.metadata,
         total_bookings = coalesce(keep.total_bookings, 0) + coalesce(gone.total_bookings, 0),
         total_calls = coalesce(keep.total_calls, 0) + coalesce(gone.total_calls, 0),
         total_spent = coalesce(keep.total_spent, 0) + coalesce(gone.total_spent, 0),
         last_contact = greatest(keep.last_contact, gone.last_contact),
         created_at = least(keep.created_at, gone.created_at)
   where workspace_id = ws and id = p_keep;
  return p_keep;
end;
$$;
revoke all on function public.merge_contacts(uuid, uuid) from public, anon;
grant execute on function public.merge_contacts(uuid, uuid) to authenticated, service_role;
