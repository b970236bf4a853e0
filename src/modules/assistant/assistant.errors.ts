/**
 * The error codes the assistant module throws (`AppError`'s code), apart from platform's own, which every
 * layer may throw (platform/errors.ts). The API answers them as they are written here:
 * changing one changes the API (docs/api.md lists them).
 */
export const ASSISTANT_ERRORS = [
  'assistant_message.not_found',
  'feedback.not_a_reply',
  'flow_stage.not_found',
  'flow_stage.reorder_incomplete',
  'system_prompt.concurrent_change',
  'system_prompt.not_found',
] as const;
export type AssistantErrorCode = (typeof ASSISTANT_ERRORS)[number];

declare module '../../platform/errors.ts' {
  interface ErrorCodes extends Record<AssistantErrorCode, true> {}
}
