// The channels module's public surface. A webhook finds its workspace with findChannelByAccount;
// an outbound provider implements ChannelSender (./sender.ts) and is listed in channelWorker (src/jobs.ts).
// SMS rows are their own outbox (sms_messages), drained by the SMS worker rather than the shared outbox.
export { channelSettingsRoutes } from './settings.routes.ts';
export { channelOwnership, DEFAULT_VAPI_API_URL, type OwnershipProof, type ProviderUrls } from './ownership.ts';
export {
  saveChannelSettings,
  getChannelSettings,
  findChannelByAccount,
  findChannelOfWorkspace,
  type ChannelAccount,
} from './settings.service.ts';
export type { ChannelProvider, ChannelSecrets, StoredChannelSettings } from './settings.schema.ts';
export type { ChannelSender, OutboundMessage, SendResult } from './sender.ts';
export { createChannelWorker, wakeChannelWorkers, type ChannelWorker, type AnswerInbound } from './worker.ts';
export { whatsappSender } from './whatsapp.sender.ts';
export { whatsappWebhookRoutes } from './whatsapp.routes.ts';
export { twilioWebhookRoutes } from './twilio.routes.ts';
export { DEFAULT_TWILIO_API_URL, twilioSmsSender } from './twilio.sender.ts';
export { createSmsWorker, withSmsDelivery } from './sms.worker.ts';
export { webchatRoutes } from './webchat.routes.ts';
export { webchatSender } from './webchat.sender.ts';
export { whatsappReplyWindow, type ReplyWindow } from './window.ts';
export { recordRejection } from './edge.ts';
