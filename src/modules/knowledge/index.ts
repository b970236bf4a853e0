export { knowledgeRoutes } from './knowledge.routes.ts';
export { searchKnowledge } from './knowledge-search.service.ts';
export { recordFaqUse } from './knowledge.service.ts';
export type { SearchHit as KnowledgeHit } from './knowledge.schema.ts';
export { createFaq } from './knowledge.service.ts';
export { Faq, FaqCreate } from './knowledge.schema.ts';
export { contentRoutes } from './content.routes.ts';
export { knowledgeJobs, sendWebinarReminders, WEBINAR_REMINDER_MINUTES } from './webinar-notices.ts';
export { destinationsIn } from './knowledge.repo.ts';
