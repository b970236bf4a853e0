-- A WhatsApp number is bound to a workspace only once ownership is proven twice (issue #11,
-- finding 9): Meta's Graph API answers GET /{phone_number_id} to the workspace's access token
-- (checked when the settings are saved), and Meta's verification GET on the webhook URL
-- arrives with the workspace's own verify token (the person who set the number up in Meta's
-- dashboard pasted it there). Until the second, the number is `pending`: its deliveries are not
-- routed to the workspace, and it does not keep anyone else from proving and binding it.
-- Twilio's and Vapi's proofs are complete when the settings are saved: their ids are verified
-- at once, as are the ids the server seeds for its demo (the default). Ids bound before this
-- migration keep their binding.
alter table public.channel_accounts add column verified_at timestamptz default now();
update public.channel_accounts set verified_at = created_at;

-- Only a verified id is "taken": a pending claim (anyone can start one) blocks nobody.
create or replace function app.channel_accounts_taken(p_provider text, p_ids text[]) returns setof text
language sql stable security definer
set search_path = ''
as $$
  select a.account_id from public.channel_accounts a
   where a.provider = p_provider and a.account_id = any(p_ids)
     and a.verified_at is not null
     and a.workspace_id is distinct from app.current_workspace_id()
$$;
