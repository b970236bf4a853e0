export { conversationsRoutes } from './conversations.routes.ts';
export { queueNotice } from './conversations.service.ts';
