-- Channels: inbound provider messages refused at the edge (a NUL or a lone surrogate, a sender
-- that is not an E.164 phone, a field of the wrong shape). A provider delivers messages in
-- batches and retries a batch it did not see acknowledged, so one bad message must not fail
-- the others: the webhook stores the valid ones, records each bad one here and answers 200.
-- What is kept is only what identifies the message and why it was refused, cleaned so that
-- the row itself can always be stored (the raw message is the thing that could not be).
create table public.channel_rejections (
  workspace_id uuid not null default app.current_workspace_id()
    references public.workspaces (id) on delete cascade,
  id uuid not null,
  channel text not null check (channel in ('whatsapp', 'sms', 'webchat', 'voice')),
  -- The provider's message id (a wamid, a MessageSid) when the message had a usable one.
  provider_message_id text check (length(provider_message_id) between 1 and 200),
  reason text not null check (length(reason) between 1 and 500),
  received_at timestamptz not null default now(),
  primary key (workspace_id, id),
  -- A provider resends a batch it did not see acknowledged: a message is recorded once.
  constraint channel_rejections_provider_message_key unique (workspace_id, channel, provider_message_id)
);
create index idx_channel_rejections_workspace on public.channel_rejections (workspace_id, received_at desc);
-- Only the server acting for the workspace (rank 4) writes; staff read.
select app.enable_tenant_rls('public.channel_rejections', 4);
