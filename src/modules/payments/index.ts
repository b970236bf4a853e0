export { paymentsRoutes, midtransWebhookRoutes } from './payments.routes.ts';
export { paymentsJobs, expireDuePayments, EXPIRE_PAYMENTS_JOB, type PaymentsJobDeps } from './payments.jobs.ts';
export { createPayment } from './payments.service.ts';
export { consultationCharge } from './settings.service.ts';
