/**
 * The error codes the inbox throws (`AppError`'s code), apart from platform's own, which every
 * layer may throw (platform/errors.ts). The API answers them as they are written here:
 * changing one changes the API (docs/api.md lists them).
 */
export const CONVERSATIONS_ERRORS = [
  'contact.not_found',
  'conversation.already_open',
  'conversation.assignee_not_member',
  'conversation.mention_not_member',
  'conversation.no_template',
  'conversation.not_found',
  'conversation.template_not_available',
  'conversation.whatsapp_window_closed',
  'mention.needs_person',
  'saved_reply.not_found',
  'saved_reply.personal_needs_person',
  'saved_reply.shortcut_taken',
  'saved_reply.team_needs_admin',
] as const;
export type ConversationsErrorCode = (typeof CONVERSATIONS_ERRORS)[number];

declare module '../../platform/errors.ts' {
  interface ErrorCodes extends Record<ConversationsErrorCode, true> {}
}
