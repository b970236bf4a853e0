-- Guest checkout as a workspace opts into it, with holds that lapse (issue #11, finding 3).
--
-- An anonymous guest's booking waits for payment (pending_payment) and holds its seat. Without
-- limits one visitor could hold every seat of a business that never offered guest checkout,
-- for ever. So:
--   * guest checkout is a workspace setting, settings.scheduling.guest_checkout, off unless
--     an admin turns it on; the database refuses a guest's booking where it is off;
--   * a guest's hold carries the instant it lapses (hold_expires_at); the scheduling job
--     cancels lapsed holds and records why (cancel_reason), which frees the seat;
--   * the caps on live holds per guest session and per client address are counted by
--     app.guest_hold_counts, which can see the holds of other sessions that a guest cannot.

alter table public.bookings
  add column hold_expires_at timestamptz,
  -- A digest of the client address that made the hold (never the address itself).
  add column hold_client text check (hold_client is null or hold_client ~ '^[0-9a-f]{32}$'),
  -- Why a booking was cancelled when the system cancelled it ('hold_expired').
  add column cancel_reason text check (cancel_reason is null or length(cancel_reason) between 1 and 200);

create index idx_bookings_live_holds on public.bookings (workspace_id, hold_expires_at)
  where status = 'pending_payment' and hold_expires_at is not null;

-- Whether the claimed workspace takes guest checkout (for callers who cannot read workspaces);
-- null when there is no such workspace.
create or replace function app.guest_checkout_enabled() returns boolean
language sql stable security definer
set search_path = ''
as $$
  select coalesce((w.settings -> 'scheduling' -> 'guest_checkout') = 'true'::jsonb, false)
    from public.workspaces w where w.id = app.claimed_workspace_id()
$$;

-- A guest books only where guest checkout is on, and only as a hold that lapses.
drop policy bookings_guest_insert on public.bookings;
create policy bookings_guest_insert on public.bookings for insert to anon
  with check (
    workspace_id = (select app.claimed_workspace_id())
    and guest_session_id = (select app.current_guest_session_id())
    and status = 'pending_payment'
    and source = 'web'
    and customer_id is null
    and hold_expires_at is not null
    and coalesce((select app.guest_checkout_enabled()), false)
  );

-- The live holds (pending payment, not lapsed at p_now) of the caller's guest session and of
-- the client digest p_client in the claimed workspace. It takes transaction locks on both
-- first, so that two bookings of the same guest at once are counted one after the other and
-- cannot both slip under a cap. Always the session's lock before the client's: no deadlock.
create or replace function app.guest_hold_counts(p_client text, p_now timestamptz)
returns table (session_holds int, client_holds int)
language plpgsql volatile security definer
set search_path = ''
as $$
declare
  ws uuid := app.claimed_workspace_id();
  gs uuid := app.current_guest_session_id();
begin
  if ws is null or gs is null then
    raise exception 'no live guest session in this workspace' using errcode = '42501';
  end if;
  perform pg_advisory_xact_lock(hashtextextended('frontdesk.guest_holds:' || ws::text || ':session:' || gs::text, 0));
  perform pg_advisory_xact_lock(hashtextextended('frontdesk.guest_holds:' || ws::text || ':client:' || coalesce(p_client, ''), 0));
  return query
    select (count(*) filter (where b.guest_session_id = gs))::int,
           (count(*) filter (where b.hold_client = p_client))::int
      from public.bookings b
     where b.workspace_id = ws and b.status = 'pending_payment'
       and b.hold_expires_at is not null and b.hold_expires_at > p_now;
end;
$$;

-- The active service a guest books, by id or by exact name (case-insensitive), with what
-- prices it: guests cannot read the catalogue, and must not name their own price.
create or replace function app.bookable_service(p_id uuid, p_name text)
returns table (id uuid, name text, unit_name text, base_price_minor int, unit_price_minor int, currency text, duration_minutes int)
language plpgsql stable security definer
set search_path = ''
as $$
begin
  if not app.may_schedule() then
    raise exception 'not allowed to schedule in this workspace' using errcode = '42501';
  end if;
  return query
    select s.id, s.name, s.unit_name, s.base_price_minor, s.unit_price_minor, s.currency::text, s.duration_minutes
      from public.services s
     where s.workspace_id = app.claimed_workspace_id() and s.active
       and (p_id is null or s.id = p_id)
       and (p_name is null or lower(s.name) = lower(btrim(p_name)))
     order by s.display_order, s.id
     limit 1;
end;
$$;

revoke all on function app.guest_checkout_enabled(), app.guest_hold_counts(text, timestamptz), app.bookable_service(uuid, text) from public;
grant execute on function app.guest_checkout_enabled(), app.guest_hold_counts(text, timestamptz), app.bookable_service(uuid, text)
  to anon, authenticated, service_role;

-- The demo marketplace (seed 003's guest checkout) keeps taking guests after the upgrade; every
-- other workspace must turn it on (docs/operations.md, Security).
update public.workspaces w
   set settings = coalesce(w.settings, '{}'::jsonb)
         || jsonb_build_object('scheduling', coalesce(w.settings -> 'scheduling', '{}'::jsonb) || '{"guest_checkout": true}'::jsonb)
 where w.slug = 'casa-limpia'
   and exists (select 1 from public.workspace_members m join auth.users u on u.id = m.user_id
                where m.workspace_id = w.id and m.role = 'owner' and u.email = 'owner@casa-limpia.demo');

-- Holds made before this migration lapse like new ones, counted from now.
update public.bookings
   set hold_expires_at = now() + interval '30 minutes'
 where status = 'pending_payment' and source = 'web' and guest_session_id is not null and hold_expires_at is null;
