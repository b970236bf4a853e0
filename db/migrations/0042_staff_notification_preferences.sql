-- Notifications to staff (issue 17): the events of app.raise_workspace_event (0041) also become
-- staff_notifications, for each member as their preferences say (in the app, by e-mail), in
-- the transaction that raised them. The newest 50 per person are kept (the original ARI's rule;
-- app.prune_staff_notifications, run by a job).

create table public.staff_notification_preferences (
  workspace_id uuid not null default app.current_workspace_id()
    references public.workspaces (id) on delete cascade,
  user_id uuid not null,
  event_type text not null,
  in_app boolean not null,
  email boolean not null,
  updated_at timestamptz not null default now(),
  primary key (workspace_id, user_id, event_type),
  foreign key (workspace_id, user_id) references public.workspace_members (workspace_id, user_id) on delete cascade
);
select app.enable_tenant_rls('public.staff_notification_preferences', 0);

alter table public.staff_notifications drop constraint staff_notifications_kind_check;
alter table public.staff_notifications add constraint staff_notifications_kind_check check (kind in (
  'consultation.assigned', 'consultation.unassigned', 'webhook.disabled',
  'lead.hot', 'handoff.requested', 'conversation.assigned', 'booking.created', 'booking.cancelled',
  'booking.rescheduled', 'payment.received', 'payment.failed', 'message.send_failed', 'webinar.registered'));
-- E-mail: wanted or not, and the sender's own retry state (notified_at is set once it went).
alter table public.staff_notifications
  add column email_wanted boolean not null default false,
  add column email_attempts integer not null default 0,
  add column email_next_at timestamptz,
  add column email_error text,
  -- An e-mail-only notice is not in the person's feed.
  add column in_app boolean not null default true;
create index idx_staff_notifications_email_due on public.staff_notifications (email_next_at) where email_wanted and notified_at is null;

-- The events staff hear of, and who hears of each when they chose nothing: every member, in
-- the app only; an assignment only its assignee.
create or replace function app.staff_notice_of(p_type text, p_data jsonb) returns text
language sql immutable set search_path = '' as $$
  select case p_type
    when 'lead.hot' then 'A lead turned hot (score ' || coalesce(p_data->>'lead_score', '?') || ')'
    when 'handoff.requested' then 'A customer asked for a person' || coalesce(' (' || (p_data->>'handoff_reason') || ')', '')
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

create or replace function app.notify_staff_of_event(p_workspace uuid, p_type text, p_data jsonb) returns void
language plpgsql security definer set search_path = '' as $$
declare
  body text := app.staff_notice_of(p_type, p_data);
begin
  -- A consultation booked is already told to its consultant (or the leads) by scheduling.
  if body is null or (p_type = 'booking.created' and p_data->>'object' = 'appointment') then return; end if;
  insert into public.staff_notifications (workspace_id, user_id, kind, body, in_app, email_wanted, email_next_at)
  select m.workspace_id, m.user_id, p_type, left(body, 2000), coalesce(p.in_app, true), coalesce(p.email, false), case when coalesce(p.email, false) then now() end
    from public.workspace_members m
    left join public.staff_notification_preferences p
      on p.workspace_id = m.workspace_id and p.user_id = m.user_id and p.event_type = p_type
   where m.workspace_id = p_workspace
     and (p_type <> 'conversation.assigned' or m.user_id::text = p_data->>'assignee_id')
     and (coalesce(p.in_app, true) or coalesce(p.email, false));
end;
$$;
revoke all on function app.notify_staff_of_event(uuid, text, jsonb) from public, anon, authenticated, service_role;

-- The one place events pass: webhooks as before, and now the staff.
create or replace function app.raise_workspace_event(p_workspace uuid, p_type text, p_data jsonb) returns void
language plpgsql
security definer
set search_path = ''
as $$
begin
  insert into public.webhook_deliveries (workspace_id, endpoint_id, event_type, payload, next_attempt_at)
  select e.workspace_id, e.id, p_type,
         jsonb_build_object('type', p_type,
                            'timestamp', to_char(now() at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
                            'data', p_data),
         now()
    from public.webhook_endpoints e
   where e.workspace_id = p_workspace and e.enabled and p_type = any (e.event_types);
  perform app.notify_staff_of_event(p_workspace, p_type, p_data);
end;
$$;

create or replace function app.prune_staff_notifications(keep integer default 50) returns integer
language sql security definer set search_path = '' as $$
  with ranked as (
    select workspace_id, id, row_number() over (partition by workspace_id, user_id order by created_at desc, id desc) as n
      from public.staff_notifications
  ), gone as (
    delete from public.staff_notifications s using ranked r
     where s.workspace_id = r.workspace_id and s.id = r.id and r.n > keep
       and (s.notified_at is not null or not s.email_wanted or s.email_attempts >= 8)
    returning 1
  )
  select count(*)::integer from gone
$$;
revoke all on function app.prune_staff_notifications(integer) from public, anon, authenticated;
grant execute on function app.prune_staff_notifications(integer) to service_role;
