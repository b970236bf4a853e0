-- A contact's total_spent counts every paid payment of theirs, consultations too.
--
-- 0018 adds a booking's payment_amount once the booking is paid. A consultation (ari_payments
-- without a booking_id, paid through Midtrans or the demo gateway) paid for nothing 0018 sees,
-- so a lead who paid for a consultation showed total_spent 0. Here a successful consultation
-- payment adds its amount to the contact of its assistant conversation; a refund (recorded in
-- gateway_response.refunds, 'refunded' being final) takes off what was refunded, and deleting
-- the payment takes off what it had added, in the same incremental style as 0018.
--
-- A booking's payment stays counted through its booking, so that it counts once: when a
-- payment settles a booking that had no payment_amount (the staff gave the amount when opening
-- the link), the booking takes the payment's amount and currency, and 0018's trigger counts it.
-- Security definer, as 0018's: the payment's writer (a webhook as the system, the expiry job)
-- need not be one who may update contacts; only rows of the payment's own workspace are touched.
-- What a payment leaves with the business: all of a successful one, a refunded one less its refunds.
create or replace function app.payment_kept(p_status text, p_amount numeric, p_gateway_response jsonb) returns numeric
language sql
immutable
set search_path = ''
as $$
  select case
    when p_status = 'success' then p_amount
    when p_status = 'refunded' then greatest(p_amount - coalesce((
      select sum((r ->> 'amount')::numeric)
        from jsonb_array_elements(case when jsonb_typeof(p_gateway_response -> 'refunds') = 'array' then p_gateway_response -> 'refunds' else '[]'::jsonb end) r
       where jsonb_typeof(r -> 'amount') = 'number'), p_amount), 0)
    else 0
  end
$$;

create or replace function app.ari_payments_contact_totals() returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  spent_old numeric := 0;
  spent_new numeric := 0;
begin
  if tg_op <> 'INSERT' and old.booking_id is null then
    spent_old := app.payment_kept(old.status, old.amount, old.gateway_response);
  end if;
  if tg_op <> 'DELETE' and new.booking_id is null then
    spent_new := app.payment_kept(new.status, new.amount, new.gateway_response);
  end if;

  if tg_op <> 'DELETE' and new.booking_id is not null and new.status = 'success' then
    update public.bookings
       set payment_amount = new.amount, payment_currency = new.currency
     where workspace_id = new.workspace_id and id = new.booking_id and payment_amount is null;
  end if;

  if tg_op = 'UPDATE'
     and old.workspace_id = new.workspace_id and old.ari_conversation_id = new.ari_conversation_id
     and spent_old = spent_new then
    return null;
  end if;

  if spent_old <> 0 then
    update public.contacts c
       set total_spent = greatest(coalesce(c.total_spent, 0) - spent_old, 0)
      from public.ari_conversations a
     where a.workspace_id = old.workspace_id and a.id = old.ari_conversation_id
       and c.workspace_id = a.workspace_id and c.id = a.contact_id;
  end if;
  if spent_new <> 0 then
    update public.contacts c
       set total_spent = coalesce(c.total_spent, 0) + spent_new
      from public.ari_conversations a
     where a.workspace_id = new.workspace_id and a.id = new.ari_conversation_id
       and c.workspace_id = a.workspace_id and c.id = a.contact_id;
  end if;
  return null;
end;
$$;
revoke all on function app.ari_payments_contact_totals() from public, anon, authenticated, service_role;

create trigger ari_payments_contact_totals
  after insert or delete or update of workspace_id, ari_conversation_id, booking_id, status, amount, gateway_response
  on public.ari_payments
  for each row execute function app.ari_payments_contact_totals();

-- Consultations paid before this migration were never counted: count them once now.
update public.contacts c
   set total_spent = coalesce(c.total_spent, 0) + paid.amount
  from (
    select a.workspace_id, a.contact_id, sum(app.payment_kept(p.status, p.amount, p.gateway_response)) as amount
      from public.ari_payments p
      join public.ari_conversations a on a.workspace_id = p.workspace_id and a.id = p.ari_conversation_id
     where p.booking_id is null and p.status in ('success', 'refunded')
     group by a.workspace_id, a.contact_id
  ) paid
 where c.workspace_id = paid.workspace_id and c.id = paid.contact_id;
