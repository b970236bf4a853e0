-- A guest's hold can lapse while its payment is on its way (the expire-guest-holds job cancels
-- it with cancel_reason 'hold_expired' and frees the seat). When Midtrans then reports the
-- payment as successful, the customer has paid for a booking that no longer stands. The
-- payment's effects now bring such a booking back, confirmed, when its seat is still free; the
-- seat guard (app.guard_slot_seats) decides that under its lock, as for any booking. When
-- someone else took the seat meanwhile, the booking stays cancelled and is marked paid: a paid,
-- cancelled booking is one the business owes a refund or a new time, and staff see it so.
create or replace function app.ari_payment_effects() returns trigger
language plpgsql
set search_path = ''
as $$
begin
  if tg_op = 'INSERT' then
    if new.appointment_id is not null then
      update public.ari_appointments set payment_id = new.id
       where workspace_id = new.workspace_id and id = new.appointment_id;
    end if;
    if new.booking_id is not null and new.status = 'pending' then
      update public.bookings set payment_status = 'pending'
       where workspace_id = new.workspace_id and id = new.booking_id and payment_status is distinct from 'paid';
    end if;
    return new;
  end if;

  if new.status = 'success' then
    update public.ari_appointments set status = 'confirmed'
     where workspace_id = new.workspace_id and (id = new.appointment_id or payment_id = new.id) and status = 'scheduled';
    update public.bookings
       set payment_status = 'paid',
           status = case when status = 'pending_payment' then 'confirmed' else status end
     where workspace_id = new.workspace_id and id = new.booking_id;
    if new.booking_id is not null then
      begin
        update public.bookings set status = 'confirmed', cancel_reason = null
         where workspace_id = new.workspace_id and id = new.booking_id
           and status = 'cancelled' and cancel_reason = 'hold_expired';
      exception when check_violation then
        -- The seat is taken (booking_slot_full, booking_consultant_busy): it stays cancelled, paid.
        null;
      end;
    end if;
    update public.ari_conversations set state = 'scheduling'
     where workspace_id = new.workspace_id and id = new.ari_conversation_id and state in ('booking', 'payment');
  elsif new.status in ('failed', 'expired') then
    update public.bookings set payment_status = 'failed'
     where workspace_id = new.workspace_id and id = new.booking_id and payment_status is distinct from 'paid';
  end if;
  return new;
end;
$$;
