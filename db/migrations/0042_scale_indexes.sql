-- Indexes for the lists and reports at a million contacts and ten million events (issue 16;
-- bench/scale.ts measures them, test/perf/scale-indexes.test.ts checks the plans).

-- The inbox reads a workspace's threads by last activity, newest first with the ones never
-- written to last, then by id (conversations.repo.ts listConversations): this is that order,
-- so a page is the first rows of the index. idx_conversations_inbox (0001) sorts NULLs first
-- and leads with status, so it could not give the page without sorting every thread.
create index idx_conversations_recent on public.conversations
  (workspace_id, last_message_at desc nulls last, id desc);

-- The funnel counts the people who reached each stage in a window: one range per stage,
-- read from the index alone (the person is in it), never from the table.
create index idx_platform_events_funnel on public.platform_events
  (workspace_id, event_type, created_at) include (user_id, session_id);

-- The event counts read a workspace's window whatever the type.
create index idx_platform_events_workspace_created on public.platform_events
  (workspace_id, created_at) include (event_type);
