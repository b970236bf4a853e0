-- Amara's working memory and retries (seed 003's in-app assistant).
--
-- End users keep acting as themselves: the seed's policies on amara_conversations and
-- amara_messages (owner only, in the claimed workspace) stay as 0004 wrote them. What an end
-- user cannot do directly (search the workspace's services and knowledge, read availability,
-- book) Amara's tools do as the assistant of that workspace (actor 'system'), so no policy
-- is widened for end users here.

-- What the conversation is in the middle of: the booking request being collected, the slots
-- last offered as a numbered list, and the draft awaiting the user's confirmation. A draft
-- lives only here until the user confirms it; only then does the scheduling engine book.
alter table public.amara_conversations add column context jsonb not null default '{}'::jsonb;

-- A retried message (the client's own message id again) is the same message: concurrent
-- retries race on this index instead of running the turn twice.
create unique index amara_messages_client_message_key
  on public.amara_messages (workspace_id, conversation_id, (metadata ->> 'clientMessageId'))
  where role = 'user' and metadata ? 'clientMessageId';

-- A conversation's messages in order, and the user's conversations newest first.
create index idx_amara_messages_conversation_order on public.amara_messages (workspace_id, conversation_id, created_at, id);
create index idx_amara_conversations_user_recent on public.amara_conversations (workspace_id, user_id, last_message_at desc);
