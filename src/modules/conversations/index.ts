export { conversationsRoutes } from './conversations.routes.ts';
export { conversationMessagesPage, markRead as markConversationRead, queueNotice } from './conversations.service.ts';
export type { AssistantReplies, ReplyWindowOf, ResumeAssistant } from './conversations.service.ts';
export {
  adoptProviderMessageId,
  applyDeliveryStatus,
  findOutboundMessage,
  markInboundKind,
  outgoingMessage,
  recordMessageFailed,
  recordMessageSent,
  type DeliveryStatus,
  type OutgoingMessage,
} from './delivery.repo.ts';
export {
  applySmsStatus,
  claimDueSms,
  findSmsForCallback,
  linkReplyTextToBooking,
  outgoingSms,
  recordSmsAttemptFailed,
  recordSmsOutcomeUnknown,
  recordSmsSent,
  type ClaimedSms,
  type OutgoingSms,
  type SmsStatus,
} from './texts.repo.ts';
export { inboxEventsRoutes } from './events.routes.ts';
export { InboxEvents, type InboxEvent } from './inbox-events.ts';
export {
  findEarlierReply,
  handOverThread,
  lockOwner,
  markShown,
  messageAndReply,
  messagesAfter,
  openThread,
  queueReply,
  recordInbound,
  recordInboundActivity,
  type ChatMessageRow,
  type InboxThread,
  type TextDetails,
  type ThreadChannel,
} from './threads.repo.ts';
