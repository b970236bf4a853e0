import type { ChannelAccount } from '../settings/settings.service.ts';
import type { ChannelProvider } from '../settings/settings.schema.ts';

/** One queued outgoing message, as the outbox worker hands it to a channel's sender. */
export interface OutboundMessage {
  workspaceId: string;
  /** Our message id (messages.id = outbox.message_id): give it to the provider where it echoes or dedupes one. */
  messageId: string;
  channel: string;
  conversationId: string;
  contactId: string;
  to: { phone: string | null; email: string | null };
  body: string;
  senderKind: string;
  /** messages.metadata: `kind` says what a system notice is ('reminder', 'confirmation', ...). */
  metadata: Record<string, unknown>;
  /** 1 on the first try. */
  attempt: number;
  /** When the contact last wrote on this channel (WhatsApp's customer-service window), if ever. */
  lastInboundAt: Date | null;
  now: Date;
}

export type SendResult =
  /** The provider took it; its id goes on the message. A web chat "sender" may say it is already delivered. */
  | { outcome: 'sent'; providerMessageId: string; deliveryStatus?: 'sent' | 'delivered' }
  /** Worth another try later (network, 429, 5xx): the worker backs off exponentially. */
  | { outcome: 'retry'; reason: string }
  /**
   * It may or may not have reached the provider (a timeout after the request left): not resent
   * until the reconcile window passes without a status callback naming the message.
   */
  | { outcome: 'unknown'; reason: string }
  /** It cannot go (no number, window closed, rejected): the message is marked failed with the reason. */
  | { outcome: 'failed'; reason: string };

/**
 * What each channel plugs into the outbox worker (src/jobs.ts lists them): WhatsApp, SMS
 * through Twilio and web chat, each in its own folder. `send` must not throw for provider
 * answers; a thrown error counts as retryable. The worker calls it outside any transaction.
 */
export interface ChannelSender<P extends ChannelProvider = ChannelProvider> {
  /** messages.channel values this sender delivers ('whatsapp', 'sms', 'webchat'). */
  channel: string;
  /** Whose settings it needs; the worker loads the workspace's account (undefined when not set up). */
  provider: P;
  send(message: OutboundMessage, account: ChannelAccount<P> | undefined): Promise<SendResult>;
}

/** The reason on an assistant's reply that a person's take-over stopped. */
export const TAKEN_OVER = 'not sent: a person took over the conversation before it went out';

/**
 * The last check before an assistant's reply leaves: the turn checked the thread's owner when
 * it queued the reply, but the send may come later (a provider down for minutes, a retry), and
 * by then a person may have taken over and written themselves. Such a reply is not sent. The
 * handoff notice is the exception: it is queued as the thread passes to a person, and the
 * customer always gets it.
 */
export function overtakenByPerson(m: { byAssistant: boolean; owner: string | null; metadata: Record<string, unknown> | null }): boolean {
  return m.byAssistant && m.owner === 'human' && m.metadata?.handoff !== true;
}
