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
