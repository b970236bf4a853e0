export { assistantRoutes } from './assistant.routes.ts';
export type { ModelRouteDeps } from './assistant-models.routes.ts';
export { findActiveSystemPrompt } from './assistant-config.service.ts';
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
