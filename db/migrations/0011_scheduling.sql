-- Scheduling: closed dates, the seat guard that makes double booking impossible for every
-- writer, and the helpers the scheduling module calls so that guests (anon) can book without
-- being able to read anyone else's data.
--
-- A seat: one active row of ari_appointments or bookings for one consultant (null: the
-- workspace-wide pool) and one start instant. Cancelled and no-show rows hold none. The seats
-- of a start are the max_bookings_per_slot of the active weekly pattern that offers it, or 1.

-- Closed dates -----------------------------------------------------------------------------
-- Holidays and days off: no slot on that local date, for everyone (consultant_id null) or for
-- one consultant. A consultant is a member of the workspace; leaving the team drops their days.
create table public.closed_dates (
  id uuid not null default gen_random_uuid(),
  workspace_id uuid not null default app.current_workspace_id()
    references public.workspaces (id) on delete cascade,
  date date not null,
  consultant_id uuid,
  reason text check (reason is null or length(reason) <= 500),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (workspace_id, id),
  constraint closed_dates_date_consultant_key unique nulls not distinct (workspace_id, date, consultant_id),
  constraint closed_dates_consultant_member_fkey foreign key (workspace_id, consultant_id)
    references public.workspace_members (workspace_id, user_id) on delete cascade
);

create index idx_closed_dates_consultant on public.closed_dates (workspace_id, consultant_id) where consultant_id is not null;
create trigger set_closed_dates_updated_at before update on public.closed_dates
  for each row execute function public.handle_updated_at();
select app.enable_tenant_rls('public.closed_dates', 2);

-- Indexes for the seat guard, availability and reminders -------------------------------------
create index idx_ari_appointments_slot on public.ari_appointments (workspace_id, consultant_id, scheduled_at);
create index idx_bookings_scheduled on public.bookings (workspace_id, scheduled_at);
-- The reminder job scans across workspaces for what is about to start.
create index idx_ari_appointments_reminder_due on public.ari_appointments (scheduled_at)
  where reminder_sent_at is null and status in ('scheduled', 'confirmed');
create index idx_bookings_reminder_due on public.bookings (scheduled_at)
  where reminder_sent is not true and status in ('pending', 'scheduled', 'confirmed');
create index idx_bookings_confirmation_due on public.bookings (scheduled_at)
  where confirmation_sent is not true and status = 'confirmed';

-- Which statuses hold a seat ------------------------------------------------------------------
-- Appointments say no_show, bookings (seed 004) no-show. A booking without a status (the seed
-- allows null) is taken to hold its seat. No search_path setting on these two: it would stop
-- the planner from inlining them, and they name nothing outside pg_catalog.
create or replace function app.holds_seat(p_status text) returns boolean
language sql immutable
as $$
  select coalesce(p_status not in ('cancelled', 'no_show', 'no-show'), true)
$$;

-- 'HH:MM' as minutes after midnight.
create or replace function app.minute_of_day(p_time text) returns int
language sql immutable
as $$
  select substr(p_time, 1, 2)::int * 60 + substr(p_time, 4, 2)::int
$$;

-- The seats of a start: the most any active pattern of that consultant (or of the pool) offers
-- at that local weekday and time, or 1 when none offers it (a booking an admin forced in).
-- The same rule as the availability engine (scheduling/availability.ts).
create or replace function app.slot_seats(p_workspace uuid, p_consultant uuid, p_at timestamptz) returns int
language sql stable security definer
set search_path = ''
as $$
  with local_time as (
    select (p_at at time zone w.time_zone) as t from public.workspaces w where w.id = p_workspace
  ), m as (
    select extract(dow from t)::int as dow,
           (extract(hour from t) * 60 + extract(minute from t))::int as minute,
           extract(second from t) = 0 as on_the_minute
      from local_time
  )
  select coalesce(max(s.max_bookings_per_slot), 1)
    from public.consultant_slots s, m
   where s.workspace_id = p_workspace
     and s.is_active
     and s.consultant_id is not distinct from p_consultant
     and s.day_of_week = m.dow
     and m.on_the_minute
     and m.minute >= app.minute_of_day(s.start_time)
     and m.minute + s.duration_minutes <= app.minute_of_day(s.end_time)
     and (m.minute - app.minute_of_day(s.start_time)) % s.duration_minutes = 0
$$;

-- The seat guard ------------------------------------------------------------------------------
-- Runs before every insert and update of ari_appointments and bookings, whoever writes them
-- (the API, the assistant, a webhook, a job, SQL). When the row takes a seat it did not hold
-- before, it
--   1. refuses a consultant who is not a member of the workspace;
--   2. takes a transaction-scoped advisory lock: per consultant, so that the overlap check
--      below is exact, or per start for the pool, whose bookings only share seats;
--   3. counts, in both tables, the active rows at the same consultant and start. Under READ
--      COMMITTED each statement here takes a new snapshot after the lock is granted, so it sees
--      every row committed by the previous holder, which released the lock only on commit;
--   4. refuses when that count reaches the seats (constraint booking_slot_full), and, for a
--      named consultant, when another active row of theirs overlaps this one in time with a
--      different start (booking_consultant_busy): nobody is in two places at once.
-- Security definer, because the guard must count rows the caller cannot see (a guest sees
-- only their own booking). A row for another workspace than the caller's is left to row-level
-- security, which refuses it, so that the guard never reveals anything about that workspace.
create or replace function app.guard_slot_seats() returns trigger
language plpgsql security definer
set search_path = ''
as $$
declare
  caller_role text := current_setting('role', true);
  new_minutes int := coalesce(new.duration_minutes, 60);
  seats int;
  taken int;
begin
  if new.scheduled_at is null or not app.holds_seat(new.status) then
    return new;
  end if;
  if tg_op = 'UPDATE' and app.holds_seat(old.status) and old.scheduled_at is not distinct from new.scheduled_at
     -- A consultant deleted from auth.users leaves their rows in the pool (on delete set null).
     and (old.consultant_id is not distinct from new.consultant_id or new.consultant_id is null)
     and coalesce(old.duration_minutes, 60) >= new_minutes then
    return new;
  end if;
  if caller_role in ('anon', 'authenticated') and new.workspace_id is distinct from app.claimed_workspace_id() then
    return new;
  end if;

  if new.consultant_id is not null and (tg_op = 'INSERT' or old.consultant_id is distinct from new.consultant_id) and not exists (
    select 1 from public.workspace_members m where m.workspace_id = new.workspace_id and m.user_id = new.consultant_id
  ) then
    raise exception 'consultant % is not a member of this workspace', new.consultant_id
      using errcode = '23503', constraint = tg_table_name || '_consultant_member';
  end if;

  if new.consultant_id is not null then
    perform pg_advisory_xact_lock(hashtextextended('frontdesk.slot:' || new.workspace_id::text || ':' || new.consultant_id::text, 0));
  else
    perform pg_advisory_xact_lock(hashtextextended(
      'frontdesk.slot:' || new.workspace_id::text || ':pool:' || extract(epoch from new.scheduled_at)::text, 0));
  end if;

  select count(*) into taken
    from (
      select a.id, 'ari_appointments' as tbl from public.ari_appointments a
       where a.workspace_id = new.workspace_id and a.consultant_id is not distinct from new.consultant_id
         and a.scheduled_at = new.scheduled_at and app.holds_seat(a.status)
      union all
      select b.id, 'bookings' from public.bookings b
       where b.workspace_id = new.workspace_id and b.consultant_id is not distinct from new.consultant_id
         and b.scheduled_at = new.scheduled_at and app.holds_seat(b.status)
    ) held
   where not (held.tbl = tg_table_name and held.id = new.id);

  seats := app.slot_seats(new.workspace_id, new.consultant_id, new.scheduled_at);
  if taken >= seats then
    raise exception 'the slot at % is full: % of % seats taken', new.scheduled_at, taken, seats
      using errcode = '23514', constraint = 'booking_slot_full';
  end if;

  if new.consultant_id is not null and exists (
    select 1
      from (
        select a.id, 'ari_appointments' as tbl, a.scheduled_at, coalesce(a.duration_minutes, 60) as minutes
          from public.ari_appointments a
         where a.workspace_id = new.workspace_id and a.consultant_id = new.consultant_id and app.holds_seat(a.status)
           and a.scheduled_at < new.scheduled_at + make_interval(mins => new_minutes)
           and a.scheduled_at > new.scheduled_at - interval '1 day'
        union all
        select b.id, 'bookings', b.scheduled_at, coalesce(b.duration_minutes, 60)
          from public.bookings b
         where b.workspace_id = new.workspace_id and b.consultant_id = new.consultant_id and app.holds_seat(b.status)
           and b.scheduled_at < new.scheduled_at + make_interval(mins => new_minutes)
           and b.scheduled_at > new.scheduled_at - interval '1 day'
      ) other
     where other.scheduled_at <> new.scheduled_at
       and other.scheduled_at + make_interval(mins => other.minutes) > new.scheduled_at
       and not (other.tbl = tg_table_name and other.id = new.id)
  ) then
    raise exception 'the consultant already has a booking that overlaps %', new.scheduled_at
      using errcode = '23514', constraint = 'booking_consultant_busy';
  end if;
  return new;
end;
$$;

create trigger guard_slot_seats before insert or update on public.ari_appointments
  for each row execute function app.guard_slot_seats();
create trigger guard_slot_seats before insert or update on public.bookings
  for each row execute function app.guard_slot_seats();

-- Pattern owners are members -------------------------------------------------------------------
create or replace function app.guard_pattern_consultant() returns trigger
language plpgsql security definer
set search_path = ''
as $$
begin
  if new.consultant_id is not null
     and (tg_op = 'INSERT' or old.consultant_id is distinct from new.consultant_id)
     and (current_setting('role', true) not in ('anon', 'authenticated') or new.workspace_id = app.claimed_workspace_id())
     and not exists (select 1 from public.workspace_members m
                      where m.workspace_id = new.workspace_id and m.user_id = new.consultant_id) then
    raise exception 'consultant % is not a member of this workspace', new.consultant_id
      using errcode = '23503', constraint = 'consultant_slots_consultant_member';
  end if;
  return new;
end;
$$;
create trigger guard_pattern_consultant before insert or update on public.consultant_slots
  for each row execute function app.guard_pattern_consultant();

-- Guests ---------------------------------------------------------------------------------------
-- The live guest checkout session named by the guest token in the caller's claims, in the
-- claimed workspace; null when there is none (or it expired).
create or replace function app.current_guest_session_id() returns uuid
language sql stable security definer
set search_path = ''
as $$
  select gs.id
    from public.guest_sessions gs
   where gs.workspace_id = app.claimed_workspace_id()
     and gs.session_token = nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'guest_token'
     and gs.expires_at > now()
$$;

-- A guest books as themself: pending payment, from the web, in the session they hold; and
-- reads back only the bookings of that session.
grant select, insert on public.bookings to anon;
create policy bookings_guest_insert on public.bookings for insert to anon
  with check (
    workspace_id = (select app.claimed_workspace_id())
    and guest_session_id = (select app.current_guest_session_id())
    and status = 'pending_payment'
    and source = 'web'
    and customer_id is null
  );
create policy bookings_guest_read on public.bookings for select to anon
  using (
    workspace_id = (select app.claimed_workspace_id())
    and guest_session_id = (select app.current_guest_session_id())
  );

-- Who may ask for availability: anyone with a standing in the claimed workspace (members,
-- keys, the system) and a guest with a live session there.
create or replace function app.may_schedule() returns boolean
language sql stable
set search_path = ''
as $$
  select app.claimed_workspace_id() is not null
     and (app.workspace_rank() is not null or app.current_guest_session_id() is not null)
$$;

-- The workspace's scheduling profile, for callers who cannot read workspaces (guests).
create or replace function app.scheduling_profile()
returns table (workspace_id uuid, time_zone text, locale text, currency text, country text, settings jsonb)
language plpgsql stable security definer
set search_path = ''
as $$
begin
  if not app.may_schedule() then
    raise exception 'not allowed to schedule in this workspace' using errcode = '42501';
  end if;
  return query
    select w.id, w.time_zone, w.locale, w.currency::text, w.country::text, coalesce(w.settings -> 'scheduling', '{}'::jsonb)
      from public.workspaces w
     where w.id = app.claimed_workspace_id();
end;
$$;

-- Everything availability is computed from, for [p_from, p_to), in one round trip: the active
-- weekly patterns of the pool and of current members, the closed dates around the range, and the seats held, grouped by
-- consultant and start (counts only: a guest learns nothing about who booked). With p_scoped,
-- only the patterns, closed dates and seats of p_consultant (null: the pool). Held seats are
-- compact arrays [consultant_id, start in epoch milliseconds, longest minutes, count]: a
-- workspace can hold thousands, and formatting timestamps as text is most of the cost.
create or replace function app.availability_inputs(p_from timestamptz, p_to timestamptz, p_scoped boolean default false, p_consultant uuid default null)
returns json
language plpgsql stable security definer
set search_path = ''
as $$
declare
  ws uuid := app.claimed_workspace_id();
  tz text;
begin
  if not app.may_schedule() then
    raise exception 'not allowed to schedule in this workspace' using errcode = '42501';
  end if;
  select w.time_zone into tz from public.workspaces w where w.id = ws;
  return json_build_object(
    'patterns', coalesce((
      select json_agg(json_build_object(
               'id', s.id, 'consultant_id', s.consultant_id, 'day_of_week', s.day_of_week,
               'start_time', s.start_time, 'end_time', s.end_time, 'duration_minutes', s.duration_minutes,
               'booking_window_days', s.booking_window_days, 'max_bookings_per_slot', s.max_bookings_per_slot)
             order by s.start_time, s.id)
        from public.consultant_slots s
       where s.workspace_id = ws and s.is_active
         and (not p_scoped or s.consultant_id is not distinct from p_consultant)
         -- Someone who left the team offers nothing (and could not be booked: see the guard).
         and (s.consultant_id is null or exists (
               select 1 from public.workspace_members m where m.workspace_id = ws and m.user_id = s.consultant_id))), '[]'::json),
    'closed', coalesce((
      select json_agg(json_build_object('date', c.date, 'consultant_id', c.consultant_id))
        from public.closed_dates c
       where c.workspace_id = ws
         and c.date between (p_from at time zone tz)::date - 1 and (p_to at time zone tz)::date + 1
         and (not p_scoped or c.consultant_id is null or c.consultant_id is not distinct from p_consultant)), '[]'::json),
    'held', coalesce((
      select json_agg(json_build_array(h.consultant_id, (extract(epoch from h.scheduled_at) * 1000)::bigint, h.minutes, h.taken))
        from (
          select x.consultant_id, x.scheduled_at, max(x.minutes) as minutes, count(*) as taken
            from (
              select a.consultant_id, a.scheduled_at, a.duration_minutes as minutes
                from public.ari_appointments a
               where a.workspace_id = ws and app.holds_seat(a.status)
                 and a.scheduled_at >= p_from - interval '1 day' and a.scheduled_at < p_to
                 and (not p_scoped or a.consultant_id is not distinct from p_consultant)
              union all
              select b.consultant_id, b.scheduled_at, coalesce(b.duration_minutes, 60)
                from public.bookings b
               where b.workspace_id = ws and app.holds_seat(b.status)
                 and b.scheduled_at >= p_from - interval '1 day' and b.scheduled_at < p_to
                 and (not p_scoped or b.consultant_id is not distinct from p_consultant)
            ) x
           group by x.consultant_id, x.scheduled_at
        ) h), '[]'::json)
  );
end;
$$;

-- Contacts and the assistant's record ---------------------------------------------------------
-- A booking names its customer by phone (E.164, normalised by the caller); this finds the
-- workspace's contact with that phone or creates one. Security definer so that a guest, who
-- cannot read contacts, can still be recorded as one; it checks the caller itself: a writer
-- of the workspace (rank >= 1) or a guest with a live session there.
create or replace function app.ensure_contact_by_phone(p_new_id uuid, p_phone text, p_name text, p_email text, p_source text)
returns uuid
language plpgsql security definer
set search_path = ''
as $$
declare
  ws uuid := app.claimed_workspace_id();
  found_id uuid;
begin
  if not (coalesce(app.workspace_rank(), -1) >= 1 or (ws is not null and app.current_guest_session_id() is not null)) then
    raise exception 'not allowed to record contacts in this workspace' using errcode = '42501';
  end if;
  select c.id into found_id from public.contacts c where c.workspace_id = ws and c.phone = p_phone;
  if found_id is not null then
    return found_id;
  end if;
  insert into public.contacts (id, workspace_id, name, phone, email, source)
  values (p_new_id, ws, p_name, p_phone, p_email, p_source)
  on conflict (workspace_id, phone) do nothing
  returning id into found_id;
  if found_id is null then
    select c.id into found_id from public.contacts c where c.workspace_id = ws and c.phone = p_phone;
  end if;
  return found_id;
end;
$$;
revoke all on function app.ensure_contact_by_phone(uuid, text, text, text, text) from public;
grant execute on function app.ensure_contact_by_phone(uuid, text, text, text, text) to anon, authenticated, service_role;

-- An appointment reaches its contact through the assistant's record of them (seed 000); this
-- finds or makes that record. Security invoker: the caller's row-level security applies, so
-- only writers of the workspace get one. A contact the caller cannot see raises no_data_found.
-- The payments migration defines the same function with the same signature (payments reach
-- the contact the same way); whichever runs last provides the body.
create or replace function app.ensure_ari_conversation(p_contact_id uuid) returns uuid
language plpgsql security invoker
set search_path = ''
as $$
declare
  ws uuid := app.current_workspace_id();
  found_id uuid;
begin
  select a.id into found_id from public.ari_conversations a where a.workspace_id = ws and a.contact_id = p_contact_id;
  if found_id is not null then
    return found_id;
  end if;
  if not exists (select 1 from public.contacts c where c.workspace_id = ws and c.id = p_contact_id) then
    raise exception 'no contact %', p_contact_id using errcode = 'P0002';
  end if;
  insert into public.ari_conversations (workspace_id, contact_id)
  values (ws, p_contact_id)
  on conflict (workspace_id, contact_id) do nothing
  returning id into found_id;
  if found_id is null then
    select a.id into found_id from public.ari_conversations a where a.workspace_id = ws and a.contact_id = p_contact_id;
  end if;
  return found_id;
end;
$$;
revoke all on function app.ensure_ari_conversation(uuid) from public, anon;
grant execute on function app.ensure_ari_conversation(uuid) to authenticated, service_role;

-- Converting a guest: seed 003's convert_guest_to_user for the signed-in caller, after making
-- sure the session exists in the claimed workspace (the seed's function quietly relinks
-- nothing for an unknown id). The seed function's own proof rules apply unchanged.
create or replace function app.convert_guest_session(p_guest_session_id uuid) returns integer
language plpgsql security definer
set search_path = ''
as $$
begin
  if auth.uid() is null then
    raise exception 'converting a guest needs a signed-in user' using errcode = '42501';
  end if;
  if not exists (select 1 from public.guest_sessions gs
                  where gs.workspace_id = app.claimed_workspace_id() and gs.id = p_guest_session_id) then
    raise exception 'no guest session %', p_guest_session_id using errcode = 'P0002';
  end if;
  return public.convert_guest_to_user(p_guest_session_id, auth.uid());
end;
$$;

revoke all on function app.slot_seats(uuid, uuid, timestamptz), app.guard_slot_seats(), app.guard_pattern_consultant(),
  app.convert_guest_session(uuid) from public;
revoke all on function app.convert_guest_session(uuid) from anon;
grant execute on function app.holds_seat(text), app.minute_of_day(text), app.current_guest_session_id(), app.may_schedule(),
  app.scheduling_profile(), app.availability_inputs(timestamptz, timestamptz, boolean, uuid)
  to anon, authenticated, service_role;
grant execute on function app.convert_guest_session(uuid) to authenticated;
