-- The lead summary for the person who takes over (issue 15): written with the handoff, so the
-- handoff.requested event (0041's trigger sends the record without its context) carries it to
-- webhooks as data.handoff_summary, and the staff notice (0042) reads it after the reason.
alter table public.ari_conversations add column handoff_summary text;

create or replace function app.staff_notice_of(p_type text, p_data jsonb) returns text
language sql immutable set search_path = '' as $$
  select case p_type
    when 'lead.hot' then 'A lead turned hot (score ' || coalesce(p_data->>'lead_score', '?') || ')'
    when 'handoff.requested' then 'A customer asked for a person' || coalesce(' (' || (p_data->>'handoff_reason') || ')', '') || coalesce(': ' || (p_data->>'handoff_summary'), '')
    when 'conversation.assigned' then 'A conversation was assigned to you'
    when 'booking.created' then 'New ' || coalesce(p_data->>'object', 'booking') || coalesce(' for ' || (p_data->>'customer_name'), '') || coalesce(' at ' || (p_data->>'scheduled_at'), '')
    when 'booking.cancelled' then 'A ' || coalesce(p_data->>'object', 'booking') || ' was cancelled' || coalesce(': ' || (p_data->>'customer_name'), '')
    when 'booking.rescheduled' then 'A ' || coalesce(p_data->>'object', 'booking') || ' moved to ' || coalesce(p_data->>'scheduled_at', '?')
    when 'payment.received' then 'Payment received: ' || coalesce(p_data->>'amount', '?') || ' ' || coalesce(p_data->>'currency', '')
    when 'payment.failed' then 'A payment ' || coalesce(p_data->>'status', 'failed') || ': ' || coalesce(p_data->>'amount', '?') || ' ' || coalesce(p_data->>'currency', '')
    when 'message.send_failed' then 'A message could not be sent' || coalesce(': ' || left(coalesce(p_data->>'error', p_data->>'error_code'), 300), '')
    when 'webinar.registered' then 'Somebody registered for a webinar'
  end
$$;
