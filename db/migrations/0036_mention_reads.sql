-- A mentioned teammate is told in the app: the mentions of a person not yet read show as a
-- badge and a list (GET /api/v1/mentions); reading one, or opening its conversation from the
-- list, sets read_at (POST /api/v1/mentions/read). The person's unread mentions are found by
-- the partial index; the list of all of them by 0027's idx_note_mentions_person.
alter table public.conversation_note_mentions add column read_at timestamptz;
create index idx_note_mentions_unread on public.conversation_note_mentions (workspace_id, user_id) where read_at is null;
