import { useQuery } from '@tanstack/react-query';
import { api, ok, type Schemas } from '../api/client';
import { ErrorNote } from '../components';
import { formatDateTime, formatMoney } from '../format';
import { useT } from '../i18n';
import { linkProps } from '../router';
import { useSession } from '../session';
import { handoffReasonText, LeadSummary, ScoreBreakdown } from './Contact';
import { useContactsT } from './contacts.i18n';

type Item = Schemas['TimelineItem'];

/**
 * The lead panel beside an inbox thread, from the contacts desk's APIs: why the score is what
 * it is (GET /contacts/{id}/lead), and the contact's consultations, bookings and payments
 * (GET /contacts/{id}/timeline), with a link to the whole contact.
 */
export function LeadExtras({ contactId }: { contactId: string }) {
  const t = useContactsT();
  const core = useT();
  const { workspaceId, format } = useSession();
  const lead = useQuery({
    queryKey: ['lead', workspaceId, contactId],
    queryFn: () => ok(api.GET('/api/v1/contacts/{id}/lead', { params: { path: { id: contactId } } })),
  });
  const events = useQuery({
    queryKey: ['timeline', workspaceId, contactId, 'lead-panel'],
    queryFn: () => ok(api.GET('/api/v1/contacts/{id}/timeline', { params: { path: { id: contactId }, query: { kinds: 'appointment,booking,payment', limit: 50 } } })),
  });
  const items = events.data?.data ?? [];
  const bookings = items.filter((i) => i.kind === 'appointment' || i.kind === 'booking');
  const payments = items.filter((i) => i.kind === 'payment' || (i.kind === 'booking' && i.details.payment_amount));
  const d = (i: Item, k: string) => i.details[k];
  const l = lead.data;
  return (
    <>
      {lead.error ? <ErrorNote error={lead.error} /> : null}
      {l?.has_assistant_record ? (
        <>
          <LeadSummary insight={l} t={t} />
          <ScoreBreakdown insight={l} t={t} />
          {l.reasons.length ? (
            <>
              <h3>{t('reasons')}</h3>
              <ul className="reasons small">
                {l.reasons.map((r) => (
                  <li key={r}>{r}</li>
                ))}
              </ul>
            </>
          ) : null}
          {handoffReasonText(l) ? <p className="small">{t('handoffReason', { reason: handoffReasonText(l)! })}</p> : null}
        </>
      ) : null}
      {events.error ? <ErrorNote error={events.error} /> : null}
      <h3>{core('lead.appointments')}</h3>
      {bookings.length ? (
        <ul className="plain">
          {bookings.map((b) => {
            const when = typeof d(b, 'scheduled_at') === 'string' ? (d(b, 'scheduled_at') as string) : b.occurred_at;
            return (
              <li key={b.id}>
                <time dateTime={when}>{formatDateTime(when, format)}</time> · {b.kind === 'booking' ? `${b.body} · ` : ''}
                {b.status}
              </li>
            );
          })}
        </ul>
      ) : (
        <p className="muted">{core('lead.none')}</p>
      )}
      <h3>{core('lead.payments')}</h3>
      {payments.length ? (
        <ul className="plain">
          {payments.map((p) =>
            p.kind === 'payment' ? (
              <li key={p.id}>
                {formatMoney(Number(d(p, 'amount')), { ...format, currency: String(d(p, 'currency') ?? format.currency) })} · {p.status}
              </li>
            ) : (
              <li key={p.id}>
                {formatMoney(String(d(p, 'payment_amount')), { ...format, currency: String(d(p, 'payment_currency') ?? format.currency) })} · {String(d(p, 'payment_status') ?? '')}
              </li>
            ),
          )}
        </ul>
      ) : (
        <p className="muted">{core('lead.none')}</p>
      )}
      <p>
        <a {...linkProps(`/contacts/${contactId}`)}>{t('openContact')}</a>
      </p>
    </>
  );
}
