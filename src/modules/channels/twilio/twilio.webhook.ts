import { z } from '@hono/zod-openapi';
import type { Clock } from '../../../platform/clock.ts';
import type { Database, Tx } from '../../../platform/db/database.ts';
import { recordWebhookRefused, recordWebhookVerified } from '../../../platform/db/integrations.ts';
import { withTenant } from '../../../platform/db/tenant.ts';
import { recordWebhookEvent } from '../../../platform/db/webhook-events.ts';
import { AppError } from '../../../platform/errors.ts';
import type { Logger } from '../../../platform/log.ts';
import type { SecretBox } from '../../../platform/secrets.ts';
import { normalizePhone } from '../../contacts/index.ts';
import * as conversations from '../../conversations/index.ts';
import * as delivery from '../outbox/delivery.repo.ts';
import { cleanId, E164, recordRejection } from '../inbound/edge.ts';
import { findChannelByAccount, type ChannelAccount } from '../settings/settings.service.ts';
import { isValidTwilioSignature, param, parseForm, type TwilioParams } from './twilio.protocol.ts';
import { wakeChannelWorkers } from '../outbox/worker.ts';

export const SMS_PATH = '/webhooks/twilio/sms';
export const STATUS_PATH = '/webhooks/twilio/status';

/** Where Twilio calls: the workspace's configured public base URL (what Twilio signs) and the path. */
export const twilioCallbackUrl = (webhookUrl: string, path: string) => `${webhookUrl.replace(/\/+$/, '')}${path}`;

export interface TwilioWebhookDeps {
  db: Database;
  secrets: SecretBox;
  clock: Clock;
  log: Logger;
}

export interface TwilioRequest {
  rawBody: string;
  signature: string | undefined;
  /** The query string of the request as received ('' or '?...'): part of what Twilio signed. */
  search: string;
}

const MessageSid = z.string().regex(/^(SM|MM)[0-9a-f]{32}$/);

const Inbound = z.looseObject({
  MessageSid,
  AccountSid: z.string().regex(/^AC[0-9a-f]{32}$/),
  From: z.string().min(1).max(40),
  To: z.string().min(1).max(40),
  Body: z.string().max(20_000).default(''),
  NumMedia: z.string().regex(/^\d{1,2}$/).optional(),
});

const StatusReport = z.looseObject({
  MessageSid,
  AccountSid: z.string().regex(/^AC[0-9a-f]{32}$/),
  MessageStatus: z.string().min(1).max(40),
  ErrorCode: z.string().max(20).optional(),
  NumSegments: z.string().regex(/^[1-9]\d{0,3}$/).optional(),
  Price: z.string().regex(/^-?\d{1,6}(\.\d{1,6})?$/).optional(),
  PriceUnit: z.string().regex(/^[A-Z]{3}$/).optional(),
});

/** Twilio's statuses as the row keeps them; the ones not listed change nothing. */
const STATUS: Record<string, conversations.SmsStatus> = {
  accepted: 'sending',
  scheduled: 'sending',
  queued: 'sending',
  sending: 'sending',
  sent: 'sent',
  delivered: 'delivered',
  read: 'delivered',
  partially_delivered: 'delivered',
  undelivered: 'undelivered',
  failed: 'failed',
  canceled: 'failed',
};

/** The same, in the delivery statuses of messages. */
const MESSAGE_STATUS: Partial<Record<conversations.SmsStatus, 'sent' | 'delivered' | 'failed'>> = {
  sent: 'sent',
  delivered: 'delivered',
  undelivered: 'failed',
  failed: 'failed',
};

const uuidOrUndefined = (v: string | null) => (v && /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(v) ? v : undefined);

/** One value per parameter, without NUL characters (PostgreSQL text and jsonb cannot hold them). */
const flat = (p: TwilioParams) =>
  Object.fromEntries(Object.entries(p).map(([k, v]) => [k.replaceAll('\u0000', ''), (Array.isArray(v) ? v[0]! : v).replaceAll('\u0000', '')]));

/**
 * Reads and authenticates a Twilio webhook: 400 without X-Twilio-Signature (as twilio's own
 * middleware answers), 404 when no workspace connected the number or account, 403 when the
 * signature does not sign every parameter at the workspace's configured public URL.
 */
async function authenticate(deps: TwilioWebhookDeps, req: TwilioRequest, path: string, accountIdOf: (p: TwilioParams) => string[]) {
  if (!req.signature) throw new AppError('twilio.signature_missing', 'invalid', 'the X-Twilio-Signature header is missing');
  const params = parseForm(req.rawBody);
  let account: ChannelAccount<'twilio'> | undefined;
  for (const id of accountIdOf(params)) {
    account = await findChannelByAccount(deps.db, deps.secrets, 'twilio', id);
    if (account) break;
  }
  if (!account?.secrets.auth_token) throw new AppError('channel.not_found', 'not_found', 'no workspace has connected this Twilio number');
  const url = twilioCallbackUrl(account.settings.webhook_url, path) + req.search;
  const ws = account.workspaceId;
  // The setup screen shows the last verified and the last refused post (integration_webhooks).
  const stamp = (fn: (tx: Tx) => Promise<void>) => withTenant(deps.db, { kind: 'system', workspaceId: ws }, fn);
  if (!isValidTwilioSignature(account.secrets.auth_token, req.signature, url, params)) {
    deps.log.warn({ workspace_id: ws, path }, 'twilio webhook with a bad signature refused');
    await stamp((tx) => recordWebhookRefused(tx, ws, 'twilio', `X-Twilio-Signature does not sign ${url.split('?')[0]} with the auth token`, deps.clock.now()));
    throw new AppError('twilio.signature_invalid', 'forbidden', 'the X-Twilio-Signature does not match');
  }
  if (param(params, 'AccountSid') !== account.settings.account_sid) {
    throw new AppError('twilio.signature_invalid', 'forbidden', 'the message is for another Twilio account');
  }
  await stamp((tx) => recordWebhookVerified(tx, ws, 'twilio', deps.clock.now()));
  return { params, account };
}

/** Records a signed post that cannot be stored (see channel_rejections). */
async function rejectPost(deps: TwilioWebhookDeps, ws: string, params: TwilioParams, reason: string): Promise<void> {
  deps.log.warn({ workspace_id: ws, reason }, 'twilio post refused at the edge; recorded as rejected');
  await withTenant(deps.db, { kind: 'system', workspaceId: ws }, (tx) =>
    recordRejection(tx, ws, 'sms', { providerMessageId: cleanId(param(params, 'MessageSid')), reason }, deps.clock.now()),
  );
}

/**
 * An incoming text: stored once under its MessageSid for the channel worker, which runs the
 * assistant's turn and queues the reply for the REST API; Twilio hears back at once. A
 * redelivery finds the message stored and changes nothing.
 */
export async function receiveSms(deps: TwilioWebhookDeps, req: TwilioRequest): Promise<{ result: 'stored' | 'duplicate' | 'rejected' }> {
  const { params, account } = await authenticate(deps, req, SMS_PATH, (p) => [param(p, 'To') ?? '', param(p, 'AccountSid') ?? ''].filter(Boolean));
  const ws = account.workspaceId;
  // Signed by the workspace's Twilio, so Twilio would only send it again: a message that cannot
  // be stored is recorded as rejected and acknowledged, never answered with an error.
  const reject = async (reason: string) => {
    await rejectPost(deps, ws, params, reason);
    return { result: 'rejected' as const };
  };
  const parsed = Inbound.safeParse(flat(params));
  if (!parsed.success) {
    const i = parsed.error.issues[0];
    return reject(`${i?.path.join('.') || 'form'}: ${i?.message ?? 'not an incoming SMS'}`);
  }
  const m = parsed.data;
  const log = deps.log.child({ workspace_id: ws, message_sid: m.MessageSid });
  const from = normalizePhone(m.From);
  // A short code or alphanumeric sender cannot be answered or matched to a contact, and a number
  // longer than E.164 allows would only fail the contacts table's check later.
  if (!from || !E164.test(from)) return reject('From: not an E.164 phone number (at most 15 digits)');
  const media = Number(m.NumMedia ?? 0);
  // Twilio's own limit is 1600 characters; the assistant takes 4096 at most.
  const text = m.Body.slice(0, 4096);
  const body = media > 0 ? [text, `[${media} attachment${media > 1 ? 's' : ''}]`].filter(Boolean).join('\n') : text;
  const stored = await withTenant(deps.db, { kind: 'system', workspaceId: ws }, (tx) =>
    delivery.storeInbound(tx, ws, {
      channel: 'sms',
      provider_message_id: m.MessageSid,
      sender: from,
      sender_name: null,
      body,
      content_type: 'text',
      sent_at: deps.clock.now(),
      payload: flat(params),
    }),
  );
  if (!stored) {
    log.info('sms delivered again; already stored');
    return { result: 'duplicate' };
  }
  wakeChannelWorkers();
  return { result: 'stored' };
}

const micros = (price: string) => {
  const [whole, fraction = ''] = price.replace('-', '').split('.');
  return Number(whole) * 1_000_000 + Number(fraction.padEnd(6, '0'));
};

/**
 * A status callback: recorded once per (MessageSid, MessageStatus) and applied forward-only,
 * with segments, price and error code when Twilio reports them.
 */
export async function receiveSmsStatus(deps: TwilioWebhookDeps, req: TwilioRequest): Promise<{ result: 'applied' | 'duplicate' | 'unknown_message' | 'rejected' }> {
  const { params, account } = await authenticate(deps, req, STATUS_PATH, (p) => [param(p, 'AccountSid') ?? '', param(p, 'From') ?? ''].filter(Boolean));
  const ws = account.workspaceId;
  const parsed = StatusReport.safeParse(flat(params));
  if (!parsed.success) {
    // As for messages: signed, so recorded and acknowledged rather than retried forever.
    const i = parsed.error.issues[0];
    await rejectPost(deps, ws, params, `status ${i?.path.join('.') || 'form'}: ${i?.message ?? 'not a status callback'}`);
    return { result: 'rejected' };
  }
  const r = parsed.data;
  const query = new URLSearchParams(req.search);
  const log = deps.log.child({ workspace_id: ws, message_sid: r.MessageSid, status: r.MessageStatus });
  return withTenant(deps.db, { kind: 'system', workspaceId: ws }, async (tx) => {
    const fresh = await recordWebhookEvent(tx, ws, 'twilio', `${r.MessageSid}:${r.MessageStatus}`, flat(params), deps.clock.now());
    if (!fresh) return { result: 'duplicate' as const };
    const status = STATUS[r.MessageStatus];
    const id = await conversations.findSmsForCallback(tx, ws, r.MessageSid, uuidOrUndefined(query.get('sms')));
    if (!id) {
      // A text sent from the outbox of messages (twilioSmsSender): a staff reply or a notice.
      const message = await conversations.findOutboundMessage(tx, ws, 'sms', r.MessageSid, uuidOrUndefined(query.get('message')));
      if (!message) {
        log.info('status callback for a message this workspace does not have');
        return { result: 'unknown_message' as const };
      }
      if (!message.provider_message_id) {
        await conversations.adoptProviderMessageId(tx, ws, message.id, r.MessageSid);
        await delivery.settleReportedSend(tx, ws, message.id, r.MessageSid, deps.clock.now());
      }
      const reported = status && MESSAGE_STATUS[status];
      if (reported) await conversations.applyDeliveryStatus(tx, ws, message.id, reported, r.ErrorCode ? `Twilio error ${r.ErrorCode}` : null);
      return { result: 'applied' as const };
    }
    if (status) {
      await conversations.applySmsStatus(tx, ws, id, {
        status,
        errorCode: r.ErrorCode || null,
        numSegments: r.NumSegments ? Number(r.NumSegments) : null,
        price: r.Price && r.PriceUnit ? { micros: micros(r.Price), unit: r.PriceUnit } : null,
      });
    }
    return { result: 'applied' as const };
  });
}
