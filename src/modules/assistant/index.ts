export { assistantRoutes } from './assistant.routes.ts';
export { LeadSummary, leadSummary, type LeadSummaryInput } from './summary.ts';
export type { ModelRouteDeps } from './assistant-models.routes.ts';
export { findActiveSystemPrompt } from './assistant-config.service.ts';
export { loadScoring, loadStages } from './assistant-config.repo.ts';
export { environmentModel, loadModelSetup, recordFeedback, satisfactionOf, type EnvironmentModel, type ModelSetup } from './assistant-models.service.ts';
export { DEFAULT_MODEL_TIMEOUT_MS } from './assistant-models.schema.ts';
export { RULE_ENGINE_ARM, assignArm, stickyArm, contactBucket, type Arm } from './model/arms.ts';
export {
  completeWithTools,
  modelClient,
  ModelError,
  DEFAULT_MAX_ROUNDS,
  type ModelTool,
  type ModelToolCall,
  type ModelCompletion,
  type ModelFailure,
  type ModelEndpoint,
  type CompleteWithToolsInput,
} from './model/complete.ts';
// ARI's built-in engine (engines/ari/): what apps need to run its flow and read its records.
export {
  decideTurn,
  applyPaymentEvent,
  normalizeContext,
  nextItem,
  isSilent,
  resumeAfterHandoff,
  scoreLead,
  leadStatusFor,
  conversationLanguage,
  detectLanguage,
  personaLanguage,
  extractDestination,
  extractName,
  isQuestion,
  parseYesNo,
  wantsHuman,
  eligibility,
  rankDestinations,
  pickAnswer,
  parseSlotChoice,
  parseConfirm,
  technicalErrorMessage,
  STATES,
  DEFAULT_SCORING,
  type PaymentEvent,
  type Context,
  type DestinationOption,
  type DestinationRequirements,
  type FlowStage,
  type Language,
  type Persona,
  type ScoreBreakdown,
  type ScoringConfig,
  type Slot,
  type State,
  type Temperature,
  type Tools,
  type TurnResult,
} from './engines/ari/index.ts';
// The receptionist's built-in engine (engines/receptionist/).
export {
  decideReception,
  extractService,
  foldAccents,
  callGreeting,
  decimalAmount,
  formatPrice,
  type BookingDraft,
  type BookResult,
  type OfferedService,
  type OfferedSlot,
  type ReceptionistContext,
  type ReceptionistResult,
  type ReceptionistState,
  type ReceptionistTools,
} from './engines/receptionist/index.ts';
// Amara's built-in engine (engines/amara/).
export {
  decideAmaraTurn,
  choiceOf,
  MAX_HOURS,
  amaraLanguage,
  isExplicitConfirmation,
  localeOf,
  normalize,
  priceText,
  amaraReply,
  type AmaraIntent,
  type AmaraDraft,
  type AmaraSlot,
  type AmaraState,
  type AmaraToolResult,
  type Locale,
  type ServiceChoice,
} from './engines/amara/index.ts';
// The one assistant turn (turn/): every app's answer to a customer message, the app injected.
export {
  runAssistantTurn,
  previewAssistantTurns,
  activePrompt,
  CHANNELS,
  MAX_MESSAGE_CHARS,
  RULE_ENGINE,
  type Channel,
  type Decision,
  type ModelArm,
  type PreviewTurn,
  type Turn,
  type TurnApp,
  type TurnHooks,
  type TurnInput,
  type TurnOptions,
  type TurnOutcome,
  type TurnScope,
} from './turn/turn.ts';
export type { DraftWording } from './turn/wording.ts';
// What apps keep of a turn's decision, and what they read of the assistant's record.
export { assistantReplyFacts, insertAriMessage, loadAssistantSettings, updateAriConversation } from './turn/turn.repo.ts';
// The assistant's record outside a turn (a hand back, a payment's news, the lead screen).
export { changeAssistantRecord, findAssistantRecord, leadHistory, lockAssistantRecord, type LockedRecord, type RecordChange } from './record.repo.ts';
export { markAnsweredByFaq } from './unanswered.ts';
export { aiComparisonJobs, rollupAiComparison, AI_COMPARISON_JOB, type RollupOptions } from './comparison.ts';
// Amara's in-app chat transcript (amara_conversations, amara_messages).
export {
  amaraMessages,
  completeAmaraAnswer,
  completeAmaraQuestion,
  findAmaraRetry,
  insertAmaraAnswer,
  insertAmaraConversation,
  insertAmaraQuestion,
  keepAmaraState,
  listAmaraConversations,
  lockAmaraConversation,
  ownsAmaraConversation,
  patchAmaraMessage,
  recentAmaraMessages,
  roleOfOwnAmaraMessage,
  setAmaraFeedback,
  type AmaraMessageRow,
} from './amara-chat.repo.ts';
export { assistantRowsPage, ASSISTANT_ROWS_TABLES, type AssistantRowsTable } from './rows.repo.ts';
