import type { Clock } from '../../platform/clock.ts';
import type { Database } from '../../platform/db/database.ts';
import { withServiceRole } from '../../platform/db/tenant.ts';
import type { Logger } from '../../platform/log.ts';
import type { Mailer } from '../../platform/mail.ts';
import { claimLoop, deliverySettings, retryAt, type ClaimLoop, type DeliveryOptions } from '../../platform/claim-loop.ts';

/**
 * E-mails the staff notifications their people asked to get by e-mail (email_wanted), on the
 * senders' one loop (channels' claimLoop): a claim moves email_next_at to the end of a lease, a
 * sent one gets notified_at, a failed one is retried with the outbox's delays and given up
 * (email_error kept) after the last. At least once: a worker that stops between the SMTP
 * server's answer and the commit sends it again when the lease ends.
 */
interface Claimed {
  id: string;
  workspace_id: string;
  kind: string;
  body: string;
  email_attempts: number;
  email_next_at: Date;
  to: string;
  workspace: string;
}

export function createStaffEmailWorker(o: DeliveryOptions & { db: Database; clock: Clock; log: Logger; mailer: Mailer; publicUrl?: string | undefined }): ClaimLoop {
  const s = deliverySettings({ backoffMs: 30_000, ...o });
  const log = o.log.child({ worker: 'staff-email' });
  const claim = () =>
    withServiceRole(o.db, async (tx) => {
      const now = o.clock.now();
      const { rows } = await tx.query<Claimed>(
        `update public.staff_notifications n
            set email_attempts = n.email_attempts + 1, email_next_at = $2
           from (select workspace_id, id from public.staff_notifications
                  where email_wanted and notified_at is null and email_next_at <= $1
                  order by email_next_at limit $3 for update skip locked) c,
                auth.users u, public.workspaces w
          where n.workspace_id = c.workspace_id and n.id = c.id and u.id = n.user_id and w.id = n.workspace_id
      returning n.id, n.workspace_id, n.kind, n.body, n.email_attempts, n.email_next_at, u.email as "to", w.name as workspace`,
        [now, new Date(now.getTime() + s.leaseMs), s.concurrency],
      );
      return rows;
    });
  async function work(n: Claimed) {
    let error: string | null = null;
    try {
      await o.mailer.send({
        to: n.to,
        subject: `[${n.workspace}] ${n.body.slice(0, 120)}`,
        text: `${n.body}\n\n${o.publicUrl ? `Open Frontdesk: ${o.publicUrl}/\n\n` : ''}You get this e-mail because of your notification settings in ${n.workspace} (${n.kind}).`,
      });
    } catch (e) {
      error = ((e as Error).message || String(e)).slice(0, 1000);
    }
    const now = o.clock.now();
    await withServiceRole(o.db, (tx) =>
      error === null
        ? tx.query(`update public.staff_notifications set notified_at = $3, email_error = null where workspace_id = $1 and id = $2 and email_next_at = $4`, [n.workspace_id, n.id, now, n.email_next_at])
        : tx.query(`update public.staff_notifications set email_next_at = $3, email_error = $4 where workspace_id = $1 and id = $2 and email_next_at = $5`, [
            n.workspace_id,
            n.id,
            retryAt(now, n.email_attempts, s),
            error,
            n.email_next_at,
          ]),
    );
    if (error) log.warn({ notification_id: n.id, error }, 'a staff e-mail failed');
  }
  return claimLoop({
    name: 'staff-email',
    log,
    pollMs: s.pollMs,
    maxBackoffMs: s.maxBackoffMs,
    claim,
    work,
    failed: (n, e) => log.error({ err: e, notification_id: n.id }, 'a staff e-mail failed to record; tried again when its lease ends'),
  });
}
