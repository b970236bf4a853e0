-- SMS through Twilio: sms_messages is where every text message is kept (inbound and outbound,
-- DESIGN.md: each message is stored once), so it also carries what sending one takes. An
-- outbound row is its own outbox entry: the SMS worker claims queued rows, sends them through
-- Twilio's REST API and records the SM sid; status callbacks move the status forward.

-- Statuses -----------------------------------------------------------------------------------
-- Deviation from seed 004, whose check allows sent, delivered, failed and received: an
-- outbound message is 'queued' until the worker hands it to Twilio, 'sending' while Twilio has
-- it and has not reported it sent, and 'undelivered' when the carrier refused it (Twilio's own
-- name, distinct from failed-to-send). The seed's four values keep their meaning.
alter table public.sms_messages drop constraint sms_messages_status_check;
alter table public.sms_messages add constraint sms_messages_status_check
  check (status in ('queued', 'sending', 'sent', 'delivered', 'undelivered', 'failed', 'received'));

alter table public.sms_messages
  -- The workspace's number the message came to or goes from (E.164).
  add column business_number text check (business_number ~ '^\+[1-9][0-9]{6,14}$'),
  -- Segments as Twilio reports them (NumSegments / num_segments).
  add column num_segments integer check (num_segments > 0),
  -- Twilio's price, when it reports one, exactly: millionths of price_unit (Twilio prices are
  -- fractions of a cent, so the minor unit would round them away). Seed 004's cost (dollars,
  -- two places) is kept as well, rounded. Twilio reports a charge as a negative price; this is
  -- its magnitude.
  add column price_micros bigint check (price_micros >= 0),
  add column price_unit text check (price_unit ~ '^[A-Z]{3}$'),
  add column error_code text,
  add column error text,
  -- Delivery of outbound messages.
  add column attempts integer not null default 0 check (attempts >= 0),
  add column next_attempt_at timestamptz,
  add column claimed_until timestamptz,
  add column sent_at timestamptz,
  -- in_reply_to (the inbound sms_messages id a reply answers), ari_message_id, kind.
  add column metadata jsonb not null default '{}'::jsonb,
  add column updated_at timestamptz not null default now(),
  -- The inbox thread the text belongs to: staff read an SMS conversation whole, the
  -- customer's texts and the assistant's replies (kept here) beside their own (in messages).
  add column conversation_id uuid,
  add constraint sms_messages_workspace_id_conversation_id_fkey foreign key (workspace_id, conversation_id)
    references public.conversations (workspace_id, id) on delete set null (conversation_id);

create index idx_sms_due on public.sms_messages (next_attempt_at)
  where direction = 'outbound' and status = 'queued';
create index idx_sms_claimed on public.sms_messages (claimed_until)
  where direction = 'outbound' and status = 'sending' and provider_message_id is null;
create index idx_sms_workspace_created on public.sms_messages (workspace_id, created_at);
create index idx_sms_conversation on public.sms_messages (workspace_id, conversation_id, created_at)
  where conversation_id is not null;

-- An inbox thread as staff read it: its messages, and for an SMS thread the texts kept in
-- sms_messages, in the shape of a message. Each message is still stored once; the view only
-- unions them, and security_invoker lets each table's own policies decide what is seen.
create view public.conversation_messages with (security_invoker = true) as
  select m.id, m.workspace_id, m.conversation_id, m.channel, m.direction, m.sender_kind, m.sender_user_id, m.body,
         m.content_type, m.media, m.provider_message_id, m.delivery_status, m.error, m.metadata, m.created_at, m.updated_at
    from public.messages m
  union all
  select s.id, s.workspace_id, s.conversation_id, 'sms'::text, coalesce(s.direction, 'inbound'),
         case when s.direction = 'inbound' then 'contact'
              when s.metadata ? 'ari_message_id' then 'assistant'
              else 'system' end,
         null::uuid, s.message_body, 'text'::text, null::jsonb, s.provider_message_id,
         -- The inbox's delivery states: a text Twilio took (it has an SM sid) is sent, as a
         -- WhatsApp message the Cloud API took is; a carrier's refusal is a failure.
         case s.status
           when 'sending' then case when s.provider_message_id is null then 'queued' else 'sent' end
           when 'undelivered' then 'failed'
           else coalesce(s.status, 'received') end,
         coalesce(s.error, s.error_code), s.metadata, coalesce(s.created_at, s.updated_at), s.updated_at
    from public.sms_messages s
   where s.conversation_id is not null;

grant select on public.conversation_messages to authenticated, service_role;

create trigger set_sms_messages_updated_at before update on public.sms_messages
  for each row execute function public.handle_updated_at();

-- Status only moves forward ---------------------------------------------------------------------
-- queued -> sending -> sent -> delivered; undelivered and failed end it, from any earlier
-- state. Twilio's callbacks come out of order and more than once: a late "sent" must not undo
-- "delivered". A backward move is ignored, not an error, so a stale report changes nothing. The
-- worker puts a claimed message back in the queue to retry it (sending -> queued) only while
-- Twilio has not given it an id.
create or replace function app.sms_status_forward_only() returns trigger
language plpgsql
set search_path = ''
as $$
declare
  rank_old int := case old.status when 'queued' then 0 when 'sending' then 1 when 'sent' then 2 when 'delivered' then 3 else 9 end;
  rank_new int := case new.status when 'queued' then 0 when 'sending' then 1 when 'sent' then 2 when 'delivered' then 3 else 9 end;
begin
  if new.status is distinct from old.status and old.direction = 'outbound' and not (
       rank_new > rank_old and rank_old < 9
    or (old.status = 'sending' and new.status = 'queued' and old.provider_message_id is null and new.provider_message_id is null)
  ) then
    new.status := old.status;
  end if;
  return new;
end;
$$;

create trigger sms_messages_status_forward_only before update of status on public.sms_messages
  for each row execute function app.sms_status_forward_only();
