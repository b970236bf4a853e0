-- The per-contact timeline: everything a contact said or was told, on every channel, in one
-- list. Each message is stored once, in the table of the channel that carried it (inbox
-- messages for WhatsApp and web chat, sms_messages, calls); this view only unions them.
-- security_invoker makes each table's own policies decide what the caller sees.
create view public.contact_timeline with (security_invoker = true) as
  select m.workspace_id,
         c.contact_id,
         m.created_at as occurred_at,
         m.channel,
         m.direction,
         'message'::text as kind,
         m.body,
         'messages'::text as source_table,
         m.id as source_id
    from public.messages m
    join public.conversations c on c.workspace_id = m.workspace_id and c.id = m.conversation_id
  union all
  select s.workspace_id,
         s.contact_id,
         s.created_at,
         'sms'::text,
         s.direction,
         'sms'::text,
         s.message_body,
         'sms_messages'::text,
         s.id
    from public.sms_messages s
   where s.contact_id is not null
  union all
  -- A call shows its transcript; before there is one (or without one), its notes, or else
  -- one line saying what kind of call it was.
  select ca.workspace_id,
         ca.contact_id,
         ca.created_at,
         'voice'::text,
         ca.call_type,
         'call'::text,
         coalesce(
           nullif(btrim(ca.transcript), ''),
           nullif(btrim(ca.notes), ''),
           concat_ws(', ',
             coalesce(ca.call_type, 'unknown') || ' call',
             ca.status,
             coalesce(ca.duration, 0)::text || ' s')),
         'calls'::text,
         ca.id
    from public.calls ca
   where ca.contact_id is not null;

grant select on public.contact_timeline to authenticated, service_role;
