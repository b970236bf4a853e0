export { conversationsRoutes } from './conversations.routes.ts';
export { queueNotice } from './conversations.service.ts';
export type { ResumeAssistant } from './conversations.service.ts';
