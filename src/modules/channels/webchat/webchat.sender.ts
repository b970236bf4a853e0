import type { ChannelSender, SendResult } from '../outbox/sender.ts';

/**
 * Web chat has no provider to call: a queued message (a staff reply, a notice) waits for the
 * visitor's widget to poll it, which marks it delivered. The outbox records it as sent, under
 * an id of our own, so the worker does not keep it pending.
 */
export function webchatSender(): ChannelSender<'webchat'> {
  return {
    channel: 'webchat',
    provider: 'webchat',
    async send(m): Promise<SendResult> {
      return { outcome: 'sent', providerMessageId: `webchat:${m.messageId}`, deliveryStatus: 'sent' };
    },
  };
}
