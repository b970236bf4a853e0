import { z } from '@hono/zod-openapi';
import type { Clock } from '../../../platform/clock.ts';
import type { Database, Tx } from '../../../platform/db/database.ts';
import { recordWebhookRefused, recordWebhookVerified } from '../../../platform/db/integrations.ts';
import { assume, claimsFor, withTenant } from '../../../platform/db/tenant.ts';
import { AppError } from '../../../platform/errors.ts';
import type { Logger } from '../../../platform/log.ts';
import type { SecretBox } from '../../../platform/secrets.ts';
import { normalizePhone } from '../../contacts/index.ts';
import { adoptProviderMessageId, applyDeliveryStatus, findOutboundMessage } from '../../conversations/index.ts';
import * as repo from '../outbox/delivery.repo.ts';
import { E164, recordRejection } from '../inbound/edge.ts';
import { findChannelByAccountIn, verifyWhatsAppSubscription } from '../settings/settings.service.ts';
import { DELIVERY_STATUSES, Envelope, eventsByPhone, isValidHubSignature, readableBody, type PhoneEvents } from './whatsapp.protocol.ts';
import { wakeChannelWorkers } from '../outbox/worker.ts';

export interface WhatsAppWebhookDeps {
  db: Database;
  secrets: SecretBox;
  clock: Clock;
  log: Logger;
}

export const WhatsAppReceipt = z
  .object({
    messages: z.number().int(),
    duplicates: z.number().int(),
    statuses: z.number().int(),
    rejected: z.number().int().openapi({ description: 'Messages and statuses refused one by one (a NUL, a lone surrogate, a sender that is not E.164): recorded, not stored' }),
  })
  .openapi('WhatsAppReceipt');
export type WhatsAppReceipt = z.infer<typeof WhatsAppReceipt>;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Meta's subscription check: `hub.mode=subscribe` and a verify token some workspace set
 * answer the challenge, and bind that workspace's number if it was waiting for this proof;
 * anything else is refused (undefined).
 */
export async function verifySubscription(deps: Pick<WhatsAppWebhookDeps, 'db' | 'clock' | 'log'>, q: Record<string, string | undefined>): Promise<string | undefined> {
  const mode = q['hub.mode'] ?? q.hub_mode;
  const token = q['hub.verify_token'] ?? q.hub_verify_token;
  const challenge = q['hub.challenge'] ?? q.hub_challenge;
  if (mode !== 'subscribe' || !token || challenge === undefined || challenge.length > 200) return undefined;
  return (await verifyWhatsAppSubscription(deps.db, token, deps.clock.now(), deps.log)).length > 0 ? challenge : undefined;
}

async function applyPhoneEvents(tx: Tx, deps: WhatsAppWebhookDeps, ws: string, events: PhoneEvents, receipt: WhatsAppReceipt, log: Logger): Promise<void> {
  const now = deps.clock.now();
  for (const r of events.rejected) {
    await recordRejection(tx, ws, 'whatsapp', r, now);
    receipt.rejected++;
  }
  if (events.rejected.length) log.warn({ rejected: events.rejected.length }, 'whatsapp webhook items refused at the edge were recorded as rejected');
  for (const m of events.messages) {
    const sender = normalizePhone(`+${m.from}`);
    if (!sender || !E164.test(sender)) {
      await recordRejection(tx, ws, 'whatsapp', { providerMessageId: m.id, reason: 'message from: not a phone number' }, now);
      receipt.rejected++;
      continue;
    }
    const fresh = await repo.storeInbound(tx, ws, {
      channel: 'whatsapp',
      provider_message_id: m.id,
      sender,
      sender_name: m.senderName,
      body: readableBody(m),
      content_type: m.type,
      sent_at: new Date(Number(m.timestamp) * 1000),
      payload: m,
    });
    if (fresh) receipt.messages++;
    else receipt.duplicates++;
  }
  for (const s of events.statuses) {
    const status = DELIVERY_STATUSES[s.status as keyof typeof DELIVERY_STATUSES];
    if (!status) continue;
    const ourId = s.biz_opaque_callback_data && UUID.test(s.biz_opaque_callback_data) ? s.biz_opaque_callback_data : undefined;
    const message = await findOutboundMessage(tx, ws, 'whatsapp', s.id, ourId);
    if (!message) {
      log.info({ wamid: s.id, status }, 'whatsapp status for a message we do not know; ignored');
      continue;
    }
    // A report naming our id before we recorded the send: the send happened, so it is never resent.
    if (message.provider_message_id === null) {
      await adoptProviderMessageId(tx, ws, message.id, s.id);
      await repo.settleReportedSend(tx, ws, message.id, s.id, deps.clock.now());
    }
    const error = s.errors?.[0] ? [s.errors[0].code, s.errors[0].title ?? s.errors[0].message].filter(Boolean).join(' ') : null;
    await applyDeliveryStatus(tx, ws, message.id, status, error ? `WhatsApp: ${error}` : 'WhatsApp reported the message failed');
    receipt.statuses++;
  }
}

/**
 * One POST from Meta. The signature (X-Hub-Signature-256 over the raw body) is checked with
 * the app secret of the workspace each phone_number_id belongs to; a delivery no workspace's
 * secret signs is refused whole. Each message is checked on its own: a bad one is recorded in
 * channel_rejections and the others are still stored, so the delivery is acknowledged and Meta
 * stops retrying it. Each message is stored once by its wamid and answered later by the
 * worker, so this answers as soon as the messages are committed; statuses apply forward-only.
 */
export async function receiveWhatsAppWebhook(deps: WhatsAppWebhookDeps, rawBody: string, signature: string | undefined): Promise<WhatsAppReceipt> {
  let json: unknown;
  try {
    json = JSON.parse(rawBody);
  } catch {
    throw new AppError('webhook.malformed', 'invalid', 'the body is not JSON');
  }
  const envelope = Envelope.safeParse(json);
  if (!envelope.success) throw new AppError('webhook.malformed', 'invalid', 'not a WhatsApp webhook envelope');
  if (!signature) throw new AppError('webhook.signature_missing', 'unauthenticated', 'X-Hub-Signature-256 is required');

  const receipt: WhatsAppReceipt = { messages: 0, duplicates: 0, statuses: 0, rejected: 0 };
  const { phones, unattributed } = eventsByPhone(envelope.data);
  if (unattributed) deps.log.warn({ unattributed }, 'whatsapp webhook changes without a usable phone_number_id were skipped');
  // One transaction for the delivery, short because Meta waits for the answer: each phone
  // number's workspace is found as the service role, and its events are written as that
  // workspace's system actor (row-level security applies to the writes).
  // The workspaces whose number the delivery named but whose app secret does not sign it: their
  // setup screen says so (integration_webhooks), written after the delivery's own transaction,
  // which a delivery nobody signs rolls back.
  const refusedBy = new Set<string>();
  try {
    await deps.db.transaction(async (tx) => {
      let known = 0;
      let verified = 0;
      for (const events of phones) {
        await assume(tx, 'service_role', { role: 'service_role' });
        const account = await findChannelByAccountIn(tx, deps.secrets, 'whatsapp', events.phoneNumberId);
        if (!account) continue;
        known++;
        const log = deps.log.child({ workspace_id: account.workspaceId, phone_number_id: events.phoneNumberId });
        if (!account.secrets.app_secret || !isValidHubSignature(rawBody, signature, account.secrets.app_secret)) {
          log.warn('whatsapp webhook with a bad signature refused');
          refusedBy.add(account.workspaceId);
          continue;
        }
        verified++;
        const claims = claimsFor({ kind: 'system', workspaceId: account.workspaceId });
        await assume(tx, claims.role, claims);
        await recordWebhookVerified(tx, account.workspaceId, 'whatsapp', deps.clock.now());
        await applyPhoneEvents(tx, deps, account.workspaceId, events, receipt, log);
      }
      if (known > 0 && verified === 0) throw new AppError('webhook.signature_invalid', 'unauthenticated', 'X-Hub-Signature-256 does not match');
    });
  } finally {
    for (const ws of refusedBy) {
      await withTenant(deps.db, { kind: 'system', workspaceId: ws }, (tx) =>
        recordWebhookRefused(tx, ws, 'whatsapp', "X-Hub-Signature-256 does not match the app secret", deps.clock.now()),
      ).catch((e: unknown) => deps.log.warn({ err: e, workspace_id: ws }, 'could not record the refused whatsapp webhook'));
    }
  }
  if (receipt.messages > 0) wakeChannelWorkers();
  return receipt;
}
