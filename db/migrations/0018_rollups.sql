-- Seed 004's derived figures, kept by the database: each contact's totals (total_bookings,
-- total_calls, total_spent, last_contact) and the daily analytics rows.

-- Contact totals ------------------------------------------------------------------------------
-- Incremental, not recomputed: a contact may carry totals imported from another system (the
-- customers view accepts them), and merge_contacts (0008) sets the kept contact's totals to the
-- sum of both snapshots it took before moving the rows, which only stays right if moving a row
-- moves exactly that row's share. Each trigger takes the old row's share off its contact and
-- adds the new row's to its contact, so re-pointing, cancelling, paying and deleting all work
-- through the same two steps. Totals never go below zero: rows written before this migration
-- were never counted, and cancelling one must not leave a negative count.
-- last_contact only moves forward.

-- A booking counts unless cancelled, and adds its amount to total_spent once paid. Security
-- definer: a guest (seed 003's checkout, the bookings_guest_insert policy) books for a contact it
-- may not update, and the contact's totals must follow anyway. Only the booking's own contact,
-- in the booking's own workspace, is touched.
create or replace function app.bookings_contact_totals() returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  counted_old int := 0;
  counted_new int := 0;
  spent_old numeric := 0;
  spent_new numeric := 0;
begin
  if tg_op <> 'INSERT' and old.contact_id is not null then
    counted_old := (old.status is distinct from 'cancelled')::int;
    spent_old := case when old.payment_status = 'paid' then coalesce(old.payment_amount, 0) else 0 end;
  end if;
  if tg_op <> 'DELETE' and new.contact_id is not null then
    counted_new := (new.status is distinct from 'cancelled')::int;
    spent_new := case when new.payment_status = 'paid' then coalesce(new.payment_amount, 0) else 0 end;
  end if;

  if tg_op = 'UPDATE'
     and old.workspace_id = new.workspace_id and old.contact_id is not distinct from new.contact_id
     and counted_old = counted_new and spent_old = spent_new
     and old.created_at is not distinct from new.created_at then
    return null;
  end if;

  if tg_op <> 'INSERT' and old.contact_id is not null then
    update public.contacts
       set total_bookings = greatest(coalesce(total_bookings, 0) - counted_old, 0),
           total_spent = greatest(coalesce(total_spent, 0) - spent_old, 0)
     where workspace_id = old.workspace_id and id = old.contact_id;
  end if;
  if tg_op <> 'DELETE' and new.contact_id is not null then
    update public.contacts
       set total_bookings = coalesce(total_bookings, 0) + counted_new,
           total_spent = coalesce(total_spent, 0) + spent_new,
           last_contact = greatest(last_contact, new.created_at)
     where workspace_id = new.workspace_id and id = new.contact_id;
  end if;
  return null;
end;
$$;
revoke all on function app.bookings_contact_totals() from public, anon, authenticated, service_role;

create trigger bookings_contact_totals
  after insert or delete or update of workspace_id, contact_id, status, payment_status, payment_amount, created_at
  on public.bookings
  for each row execute function app.bookings_contact_totals();

-- Every call counts. Security invoker: only writers of the workspace (rank 1, the same rank
-- that may update contacts) and the service role write calls.
create or replace function app.calls_contact_totals() returns trigger
language plpgsql
set search_path = ''
as $$
begin
  if tg_op = 'UPDATE'
     and old.workspace_id = new.workspace_id and old.contact_id is not distinct from new.contact_id
     and old.created_at is not distinct from new.created_at then
    return null;
  end if;
  if tg_op <> 'INSERT' and old.contact_id is not null then
    update public.contacts
       set total_calls = greatest(coalesce(total_calls, 0) - 1, 0)
     where workspace_id = old.workspace_id and id = old.contact_id;
  end if;
  if tg_op <> 'DELETE' and new.contact_id is not null then
    update public.contacts
       set total_calls = coalesce(total_calls, 0) + 1,
           last_contact = greatest(last_contact, new.created_at)
     where workspace_id = new.workspace_id and id = new.contact_id;
  end if;
  return null;
end;
$$;

create trigger calls_contact_totals
  after insert or delete or update of workspace_id, contact_id, created_at
  on public.calls
  for each row execute function app.calls_contact_totals();

-- Daily analytics -----------------------------------------------------------------------------
-- One workspace's day, in its own time zone, from calls, bookings and sms_messages by their
-- created_at:
--   total_calls       calls that day; successful_calls those completed; failed_calls those
--                     failed, unanswered or busy (a call still in progress is neither);
--   total_bookings    bookings made that day, from any channel, not cancelled;
--   total_sms         texts that day, both directions;
--   total_cost        calls' cost plus texts' cost;
--   conversion_rate   bookings per call in percent, 2 places, 0 without calls, at most 100:
--                     bookings by text or by staff can outnumber the day's calls, and the
--                     column (numeric(5,2)) cannot hold 1000 %.
-- Running it again replaces the day's figures, so the job re-rolls days that may still change.
-- Security invoker: the caller sees and writes only what its policies allow, so a member can
-- roll up their own workspace and nobody else's. p_new_id is the row's id if it is new (the
-- application makes UUIDv7 ids).
create or replace function app.rollup_daily_analytics(p_workspace uuid, p_day date, p_new_id uuid default null)
returns public.analytics
language plpgsql
set search_path = ''
as $$
declare
  zone text;
  day_start timestamptz;
  day_end timestamptz;
  result public.analytics;
begin
  select w.time_zone into zone from public.workspaces w where w.id = p_workspace;
  if not found then
    raise exception 'no workspace %', p_workspace using errcode = 'P0002';
  end if;
  -- Midnight to midnight on the local calendar: 23 or 25 hours on the days clocks change.
  day_start := p_day::timestamp at time zone zone;
  day_end := (p_day + 1)::timestamp at time zone zone;

  with c as (
    select count(*)::int as total,
           (count(*) filter (where status = 'completed'))::int as successful,
           (count(*) filter (where status in ('failed', 'no-answer', 'busy')))::int as failed,
           coalesce(sum(cost), 0) as cost
      from public.calls
     where workspace_id = p_workspace and created_at >= day_start and created_at < day_end
  ), b as (
    select count(*)::int as total
      from public.bookings
     where workspace_id = p_workspace and created_at >= day_start and created_at < day_end
       and status is distinct from 'cancelled'
  ), s as (
    select count(*)::int as total, coalesce(sum(cost), 0) as cost
      from public.sms_messages
     where workspace_id = p_workspace and created_at >= day_start and created_at < day_end
  )
  insert into public.analytics as a
    (id, workspace_id, date, total_calls, total_bookings, total_sms, total_cost, successful_calls, failed_calls, conversion_rate)
  select coalesce(p_new_id, gen_random_uuid()), p_workspace, to_char(p_day, 'YYYY-MM-DD'),
         c.total, b.total, s.total, c.cost + s.cost, c.successful, c.failed,
         case when c.total = 0 then 0 else least(round(b.total * 100.0 / c.total, 2), 100) end
    from c, b, s
  on conflict on constraint analytics_workspace_date_key do update
     set total_calls = excluded.total_calls,
         total_bookings = excluded.total_bookings,
         total_sms = excluded.total_sms,
         total_cost = excluded.total_cost,
         successful_calls = excluded.successful_calls,
         failed_calls = excluded.failed_calls,
         conversion_rate = excluded.conversion_rate
  returning a.* into result;
  return result;
end;
$$;
revoke all on function app.rollup_daily_analytics(uuid, date, uuid) from public, anon;
grant execute on function app.rollup_daily_analytics(uuid, date, uuid) to authenticated, service_role;

-- The days the hourly job re-rolls: today and yesterday in each workspace's zone (yesterday
-- because a late booking, call or text may still land on it until the job after midnight),
-- for the workspaces the caller can see that have calls, bookings or texts since yesterday's
-- local midnight, or that already have a row for one of those days (its rows may have been
-- deleted since).
create or replace function app.analytics_days_due(p_now timestamptz)
returns table (workspace_id uuid, day date)
language sql stable
set search_path = ''
as $$
  with zoned as (
    select w.id, (p_now at time zone w.time_zone)::date as today,
           ((p_now at time zone w.time_zone)::date - 1)::timestamp at time zone w.time_zone as since
      from public.workspaces w
  )
  select l.id, d.day
    from zoned l
   cross join lateral (values (l.today - 1), (l.today)) as d(day)
   where exists (select 1 from public.calls c where c.workspace_id = l.id and c.created_at >= l.since)
      or exists (select 1 from public.bookings b where b.workspace_id = l.id and b.created_at >= l.since)
      or exists (select 1 from public.sms_messages s where s.workspace_id = l.id and s.created_at >= l.since)
      or exists (select 1 from public.analytics a
                  where a.workspace_id = l.id
                    and a.date in (to_char(l.today - 1, 'YYYY-MM-DD'), to_char(l.today, 'YYYY-MM-DD')))
   order by l.id, d.day
$$;
revoke all on function app.analytics_days_due(timestamptz) from public, anon;
grant execute on function app.analytics_days_due(timestamptz) to authenticated, service_role;

-- The rollup's and the job's reads: one workspace's rows of a day, as sms_messages has (0017).
create index idx_calls_workspace_created on public.calls (workspace_id, created_at);
create index idx_bookings_workspace_created on public.bookings (workspace_id, created_at);
