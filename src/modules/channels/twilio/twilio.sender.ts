import type { ChannelSender, OutboundMessage, SendResult } from '../outbox/sender.ts';
import type { ChannelAccount } from '../settings/settings.service.ts';
import { sendSms } from './twilio.protocol.ts';
import { STATUS_PATH, twilioCallbackUrl } from './twilio.webhook.ts';

export const DEFAULT_TWILIO_API_URL = 'https://api.twilio.com';

/**
 * Texts that reach the outbox of messages rather than sms_messages: a staff reply in an SMS
 * thread of the inbox, a reminder to a contact who last wrote by SMS. Sent the same way as the
 * assistant's SMS replies (sms.worker.ts); our message id rides on the status callback URL, so
 * a send whose sid was never recorded is recognised when Twilio reports it.
 */
export function twilioSmsSender(options: { apiUrl?: string | undefined } = {}): ChannelSender<'twilio'> {
  const apiUrl = options.apiUrl ?? DEFAULT_TWILIO_API_URL;
  return {
    channel: 'sms',
    provider: 'twilio',
    async send(m: OutboundMessage, account: ChannelAccount<'twilio'> | undefined): Promise<SendResult> {
      if (!account?.secrets.auth_token) return { outcome: 'failed', reason: 'Twilio is not set up in this workspace' };
      if (!m.to.phone) return { outcome: 'failed', reason: 'the contact has no phone number' };
      const s = account.settings;
      const result = await sendSms(
        { baseUrl: apiUrl, accountSid: s.account_sid, authToken: account.secrets.auth_token },
        {
          to: m.to.phone,
          from: s.messaging_service_sid ? { messagingServiceSid: s.messaging_service_sid } : { number: s.phone_numbers[0]! },
          body: m.body,
          statusCallback: `${twilioCallbackUrl(s.webhook_url, STATUS_PATH)}?message=${m.messageId}`,
        },
      );
      if (result.outcome === 'sent') return { outcome: 'sent', providerMessageId: result.sid };
      if (result.outcome === 'failed') return { outcome: 'failed', reason: result.reason };
      return result;
    },
  };
}
