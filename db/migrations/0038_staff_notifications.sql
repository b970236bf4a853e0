-- What a member of the team should be told, one row each: for now a consultation assigned to
-- them (or, when nobody is assigned, to the owners and admins). Recorded in the transaction
-- that makes the news, so nobody is told of a booking that rolled back; `notified_at` is set
-- by whatever delivers it (e-mail, push: the notifications work) and `read_at` when the person
-- has seen it in the app. A notice belongs to a member: leaving the team takes it along.
create table public.staff_notifications (
  id uuid not null default gen_random_uuid(),
  workspace_id uuid not null default app.current_workspace_id()
    references public.workspaces (id) on delete cascade,
  user_id uuid not null,
  kind text not null check (kind in ('consultation.assigned', 'consultation.unassigned')),
  appointment_id uuid,
  body text not null check (char_length(body) between 1 and 2000),
  created_at timestamptz not null default now(),
  notified_at timestamptz,
  read_at timestamptz,
  primary key (workspace_id, id),
  foreign key (workspace_id, user_id) references public.workspace_members (workspace_id, user_id) on delete cascade,
  foreign key (workspace_id, appointment_id) references public.ari_appointments (workspace_id, id) on delete cascade
);
-- A member's own list, newest first; the undelivered ones for a notifier.
create index idx_staff_notifications_person on public.staff_notifications (workspace_id, user_id, created_at desc);
create index idx_staff_notifications_undelivered on public.staff_notifications (created_at) where notified_at is null;
select app.enable_tenant_rls('public.staff_notifications');
