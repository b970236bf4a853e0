/**
 * The error codes the channels throws (`AppError`'s code), apart from platform's own, which every
 * layer may throw (platform/errors.ts). The API answers them as they are written here:
 * changing one changes the API (docs/api.md lists them).
 */
export const CHANNELS_ERRORS = [
  'channel.not_found',
  'channel.ownership_unproven',
  'channel.provider_unavailable',
  'twilio.signature_invalid',
  'twilio.signature_missing',
  'webchat.invalid_token',
  'webchat.not_found',
  'webchat.origin_not_allowed',
  'webchat.origin_required',
  'webchat.token_required',
  'webhook.malformed',
  'webhook.signature_invalid',
  'webhook.signature_missing',
  'webhook.unauthenticated',
] as const;
export type ChannelsErrorCode = (typeof CHANNELS_ERRORS)[number];

declare module '../../platform/errors.ts' {
  interface ErrorCodes extends Record<ChannelsErrorCode, true> {}
}
