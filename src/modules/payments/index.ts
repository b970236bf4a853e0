export { paymentsRoutes, midtransWebhookRoutes } from './payments.routes.ts';
export { paymentsJobs, expireDuePayments, EXPIRE_PAYMENTS_JOB, type PaymentsJobDeps } from './payments.jobs.ts';
