// The channels module's public surface. A webhook finds its workspace with findChannelByAccount;
// an outbound provider implements ChannelSender (./outbox/sender.ts) and is listed in channelWorker (src/jobs.ts).
// SMS rows are their own outbox (sms_messages), drained by the SMS worker rather than the shared outbox.
export { channelSettingsRoutes } from './settings/settings.routes.ts';
export { channelOwnership, DEFAULT_VAPI_API_URL, type OwnershipProof, type ProviderUrls } from './settings/ownership.ts';
export {
  saveChannelSettings,
  getChannelSettings,
  findChannelByAccount,
  findChannelOfWorkspace,
  type ChannelAccount,
} from './settings/settings.service.ts';
export type { ChannelProvider, ChannelSecrets, StoredChannelSettings } from './settings/settings.schema.ts';
export type { ChannelSender, OutboundMessage, SendResult } from './outbox/sender.ts';
export { createChannelWorker, wakeChannelWorkers, type ChannelWorker, type AnswerInbound } from './outbox/worker.ts';
export { whatsappSender } from './whatsapp/whatsapp.sender.ts';
export { whatsappWebhookRoutes } from './whatsapp/whatsapp.routes.ts';
export { twilioWebhookRoutes } from './twilio/twilio.routes.ts';
export { DEFAULT_TWILIO_API_URL, twilioSmsSender } from './twilio/twilio.sender.ts';
export { createSmsWorker, withSmsDelivery } from './twilio/sms.worker.ts';
export { webchatRoutes } from './webchat/webchat.routes.ts';
export { webchatSender } from './webchat/webchat.sender.ts';
export { whatsappReplyWindow, type ReplyWindow } from './whatsapp/window.ts';
export { recordRejection } from './inbound/edge.ts';
export { vapiWebhookRoutes } from './vapi/vapi.routes.ts';
export type { CallAssistant, Caller, CallTool } from './vapi/vapi.service.ts';
export { findCall, listCallRows, type CallFilter } from './vapi/calls.repo.ts';
