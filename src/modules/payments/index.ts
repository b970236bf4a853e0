export { paymentsRoutes, midtransWebhookRoutes, stripeWebhookRoutes } from './payments.routes.ts';
export { settleBookingHold } from './stripe.service.ts';
export { paymentsJobs, expireDuePayments, EXPIRE_PAYMENTS_JOB, releaseCancelledHolds, RELEASE_STRIPE_HOLDS_JOB, type PaymentsJobDeps } from './payments.jobs.ts';
export { createPayment, listPayments } from './payments.service.ts';
export { consultationCharge } from './settings.service.ts';
export { demoPaymentRoutes } from './demo.routes.ts';
export { payNewestDemoPayment } from './demo.service.ts';
export { DEMO_PAYMENTS, DEMO_PAGE_PATH } from './demo.settings.ts';
export type { PaymentListener, PaymentStatusChange, Applied } from './payments.service.ts';
