-- A webinar's registrant is told twice on their channel: a confirmation when they register and
-- a reminder shortly before it starts. Each is marked here in the transaction that queues it,
-- so a failure queues nothing and marks nothing, and a second run finds nothing left to send.
alter table public.webinar_registrations
  add column confirmed_at timestamptz,
  add column reminded_at timestamptz;

-- The reminder job's look-up: registrations not yet reminded, by webinar.
create index idx_webinar_registrations_unreminded on public.webinar_registrations (workspace_id, webinar_id) where reminded_at is null;
