-- The contacts desk: a contact's whole timeline, the lead's temperature history, and the
-- indexes that keep the contacts table fast at 100,000 contacts per workspace.

-- Search -----------------------------------------------------------------------------------
-- Part of a name, an email or a phone number ("budi", "@example.id", "3456 7890") is found
-- through a trigram index over one search text per contact. pg_trgm ships with PostgreSQL
-- (trusted since 13, so the database owner may create it) and with PGlite (loaded by
-- platform/db/pglite.ts).
create extension if not exists pg_trgm;

-- Plain SQL with no settings of its own, so the planner inlines it (in the index and in the
-- query alike): a function call per row would cost more than the search.
create or replace function app.contact_search_text(p_name text, p_email text, p_phone text) returns text
language sql immutable parallel safe
as $$ select pg_catalog.lower(coalesce(p_name, '') || ' ' || coalesce(p_email, '') || ' ' || coalesce(p_phone, '')) $$;

create index idx_contacts_search_trgm on public.contacts
  using gin (app.contact_search_text(name, email, phone) public.gin_trgm_ops);

-- The ids of the caller's workspace's contacts whose search text contains any of the
-- patterns (LIKE patterns, escaped by the caller). Under row-level security the planner may
-- not run a LIKE (not leakproof) before the policy's check, so it cannot use the trigram
-- index from a query on contacts; this function searches as its owner, within the caller's
-- workspace only (app.current_workspace_id(), null for a caller with no standing there), and
-- the caller's query reads the rows it returns through the policies as usual. The same pattern
-- as app.workspace_rank(): the owner reads past row-level security.
create or replace function app.search_contact_ids(p_patterns text[]) returns setof uuid
language sql stable security definer
set search_path = ''
as $$
  -- One index scan per pattern (LIKE ANY would not use the trigram index).
  select distinct x.id
    from pg_catalog.unnest(p_patterns) as p(pattern),
         lateral (select c.id from public.contacts c
                   where c.workspace_id = (select app.current_workspace_id())
                     and app.contact_search_text(c.name, c.email, c.phone) like p.pattern) as x
$$;
revoke all on function app.search_contact_ids(text[]) from public, anon;
grant execute on function app.search_contact_ids(text[]) to authenticated, service_role;

-- Sorting with keyset paging: each sort is (workspace_id, key, id), the key never null.
create index idx_contacts_sort_name on public.contacts (workspace_id, (name is null), (coalesce(lower(name), '')), id);
create index idx_contacts_sort_score on public.contacts (workspace_id, lead_score, id);
create index idx_contacts_sort_last_contact on public.contacts
  (workspace_id, (coalesce(last_contact, '-infinity'::timestamptz)), id);

-- The lead's history ----------------------------------------------------------------------
-- ari_conversations keeps only the lead's current score, temperature and state. Each change
-- of one of them is recorded here by a trigger, whoever makes it (the assistant's turn, a
-- payment, a hand-back, staff, the demo seed), with the engine's per-category breakdown when
-- the turn left one in the context (context.score_breakdown).
create table public.ari_lead_history (
  id uuid not null default gen_random_uuid(),
  workspace_id uuid not null default app.current_workspace_id()
    references public.workspaces (id) on delete cascade,
  ari_conversation_id uuid not null,
  state varchar(50) not null,
  lead_score integer not null,
  lead_temperature varchar(20),
  score_breakdown jsonb,
  handoff_reason text,
  recorded_at timestamptz not null default clock_timestamp(),
  primary key (workspace_id, id),
  foreign key (workspace_id, ari_conversation_id) references public.ari_conversations (workspace_id, id)
    on delete cascade
);
create index idx_ari_lead_history_conversation on public.ari_lead_history (workspace_id, ari_conversation_id, recorded_at);
select app.enable_tenant_rls('public.ari_lead_history');

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
  insert into public.ari_lead_history
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

create trigger ari_conversations_lead_history after insert or update on public.ari_conversations
  for each row execute function app.record_lead_history();

-- The contact timeline, whole ----------------------------------------------------------------
-- 0006's view, with what else happened with the person: bookings, consultations and payments,
-- staff's notes on their threads, and the texts that reached us before the number was anyone's (seed 004's sms_messages rows
-- carry only a phone_number), threaded in by the contact's phone. The first nine columns keep
-- 0006's meaning; status, conversation_id and details (per kind) are added.
-- The number as E.164 digits ('+1 (416) 555-0101' -> '+14165550101'), kept by the database so
-- that the join below compares plain columns: under row-level security the planner will not
-- run a function that is not leakproof (regexp_replace) ahead of the policy, so an index on an
-- expression could not serve the join.
alter table public.sms_messages
  add column phone_key text generated always as ('+' || regexp_replace(phone_number, '[^0-9]', '', 'g')) stored;
create index idx_sms_unlinked_phone on public.sms_messages (workspace_id, phone_key) where contact_id is null;
create index idx_ari_payments_conversation_created on public.ari_payments (workspace_id, ari_conversation_id, created_at);
create index idx_ari_appointments_conversation_created on public.ari_appointments (workspace_id, ari_conversation_id, created_at);

create or replace view public.contact_timeline with (security_invoker = true) as
  select m.workspace_id,
         c.contact_id,
         m.created_at as occurred_at,
         m.channel,
         m.direction,
         'message'::text as kind,
         m.body,
         'messages'::text as source_table,
         m.id as source_id,
         m.delivery_status as status,
         m.conversation_id,
         jsonb_build_object('sender_kind', m.sender_kind, 'error', m.error, 'content_type', m.content_type) as details
    from public.messages m
    join public.conversations c on c.workspace_id = m.workspace_id and c.id = m.conversation_id
  union all
  select s.workspace_id,
         s.contact_id,
         coalesce(s.created_at, s.updated_at),
         'sms'::text,
         s.direction,
         'sms'::text,
         s.message_body,
         'sms_messages'::text,
         s.id,
         s.status,
         s.conversation_id,
         jsonb_build_object('phone_number', s.phone_number, 'booking_id', s.booking_id, 'error', coalesce(s.error, s.error_code), 'threaded_by', 'contact')
    from public.sms_messages s
   where s.contact_id is not null
  union all
  -- Texts with no contact, by the number: '+1 416-555-0101' and '14165550101' are +14165550101.
  select s.workspace_id,
         k.id,
         coalesce(s.created_at, s.updated_at),
         'sms'::text,
         s.direction,
         'sms'::text,
         s.message_body,
         'sms_messages'::text,
         s.id,
         s.status,
         s.conversation_id,
         jsonb_build_object('phone_number', s.phone_number, 'booking_id', s.booking_id, 'error', coalesce(s.error, s.error_code), 'threaded_by', 'phone')
    from public.sms_messages s
    join public.contacts k on k.workspace_id = s.workspace_id and k.phone = s.phone_key
   where s.contact_id is null
  union all
  select ca.workspace_id,
         ca.contact_id,
         coalesce(ca.created_at, ca.updated_at, 'epoch'::timestamptz),
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
         ca.id,
         ca.status,
         null::uuid,
         jsonb_build_object('duration', ca.duration, 'recording_url', ca.recording_url, 'cost', ca.cost::text,
                            'sentiment', ca.sentiment, 'booking_id', ca.booking_id, 'phone_number', ca.phone_number)
    from public.calls ca
   where ca.contact_id is not null
  union all
  select b.workspace_id,
         b.contact_id,
         coalesce(b.created_at, b.updated_at, b.scheduled_at, 'epoch'::timestamptz),
         b.source,
         null::text,
         'booking'::text,
         coalesce(b.title, b.service_type),
         'bookings'::text,
         b.id,
         b.status,
         null::uuid,
         jsonb_build_object('service_type', b.service_type, 'scheduled_at', b.scheduled_at,
                            'appointment_date', b.appointment_date, 'appointment_time', b.appointment_time,
                            'duration_minutes', b.duration_minutes, 'number_of_loads', b.number_of_loads,
                            'pickup_address', b.pickup_address, 'payment_amount', b.payment_amount::text,
                            'payment_currency', b.payment_currency, 'payment_status', b.payment_status)
    from public.bookings b
   where b.contact_id is not null
  union all
  select a.workspace_id,
         ac.contact_id,
         a.created_at,
         null::text,
         null::text,
         'appointment'::text,
         coalesce(a.notes, ''),
         'ari_appointments'::text,
         a.id,
         a.status::text,
         ac.conversation_id,
         jsonb_build_object('scheduled_at', a.scheduled_at, 'duration_minutes', a.duration_minutes,
                            'meeting_link', a.meeting_link, 'consultant_id', a.consultant_id, 'payment_id', a.payment_id)
    from public.ari_appointments a
    join public.ari_conversations ac on ac.workspace_id = a.workspace_id and ac.id = a.ari_conversation_id
  union all
  select p.workspace_id,
         ac.contact_id,
         p.created_at,
         null::text,
         null::text,
         'payment'::text,
         coalesce(p.description, ''),
         'ari_payments'::text,
         p.id,
         p.status::text,
         ac.conversation_id,
         jsonb_build_object('amount', p.amount, 'currency', p.currency, 'payment_method', p.payment_method,
                            'paid_at', p.paid_at, 'expires_at', p.expires_at,
                            'appointment_id', p.appointment_id, 'booking_id', p.booking_id)
    from public.ari_payments p
    join public.ari_conversations ac on ac.workspace_id = p.workspace_id and ac.id = p.ari_conversation_id
  union all
  -- Staff's private notes on the person's threads (0027), never sent to the customer.
  select n.workspace_id,
         c.contact_id,
         n.created_at,
         c.channel,
         null::text,
         'note'::text,
         n.body,
         'conversation_notes'::text,
         n.id,
         null::text,
         n.conversation_id,
         jsonb_build_object('author_id', n.author_id)
    from public.conversation_notes n
    join public.conversations c on c.workspace_id = n.workspace_id and c.id = n.conversation_id;

grant select on public.contact_timeline to authenticated, service_role;

-- The call log (GET /calls): newest first per workspace, and words in the transcript.
create index idx_calls_workspace_log on public.calls (workspace_id, (coalesce(created_at, 'epoch'::timestamptz)), id);
create index idx_calls_transcript_trgm on public.calls using gin (transcript public.gin_trgm_ops);

-- The calls of the caller's workspace whose transcript contains the pattern (ILIKE, escaped by
-- the caller), through the trigram index: for the same reason as app.search_contact_ids, a
-- query on calls under row-level security could not use it.
create or replace function app.search_call_ids(p_pattern text) returns setof uuid
language sql stable security definer
set search_path = ''
as $$
  select c.id from public.calls c
   where c.workspace_id = (select app.current_workspace_id())
     and c.transcript ilike p_pattern
$$;
revoke all on function app.search_call_ids(text) from public, anon;
grant execute on function app.search_call_ids(text) to authenticated, service_role;
