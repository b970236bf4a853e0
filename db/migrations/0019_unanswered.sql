-- The questions the assistant could not answer, for staff to fill the gaps in the knowledge
-- base: an assistant reply that said so carries metadata.unanswered (and metadata.reply_to,
-- the customer's message). The list reads a recent window per workspace; this keeps it to
-- the few rows that matter.
create index idx_ari_messages_unanswered on public.ari_messages (workspace_id, created_at desc)
  where role = 'assistant' and metadata ? 'unanswered';
