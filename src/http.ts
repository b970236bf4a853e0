import { getCookie } from 'hono/cookie';
import { createMiddleware } from 'hono/factory';
import { resumeAssistant } from './apps/ari/hand-back.ts';
import { tellCustomerAboutPayment } from './apps/ari/payment-events.ts';
import { amaraRoutes } from './apps/amara/routes.ts';
import { ariRoutes } from './apps/ari/routes.ts';
import { exportsRoutes } from './apps/exports.ts';
import { templates } from './apps/templates.ts';
import { answerInbound } from './apps/answer.ts';
import { receptionistOnCalls } from './apps/voice/vapi.ts';
import { callsRoutes } from './apps/voice/calls.ts';
import { leadRoutes } from './apps/ari/lead.ts';
import { analyticsRoutes } from './modules/analytics/index.ts';
import { channelSettingsRoutes, twilioWebhookRoutes, vapiWebhookRoutes, webchatRoutes, whatsappWebhookRoutes, type ProviderUrls, whatsappReplyWindow } from './modules/channels/index.ts';
import { catalogRoutes } from './modules/catalog/index.ts';
import { assistantRoutes, assistantReplyFacts, type EnvironmentModel } from './modules/assistant/index.ts';
import { contactsRoutes } from './modules/contacts/index.ts';
import { conversationsRoutes, inboxEventsRoutes, InboxEvents } from './modules/conversations/index.ts';
import { contentRoutes, knowledgeRoutes } from './modules/knowledge/index.ts';
import { demoPaymentRoutes, midtransWebhookRoutes, paymentsRoutes, settleBookingHold, stripeWebhookRoutes } from './modules/payments/index.ts';
import { schedulingRoutes, type GuestCheckoutLimits } from './modules/scheduling/index.ts';
import { notify } from './notify.ts';
import { webhooksRoutes } from './modules/webhooks/index.ts';
import { Authenticator, resolveActor, SESSION_COOKIE, tenancyRoutes, type SendSignUpConfirmation } from './modules/tenancy/index.ts';
import type { Clock } from './platform/clock.ts';
import { workspaceIdOf } from './platform/context.ts';
import type { Database } from './platform/db/database.ts';
import { AppError } from './platform/errors.ts';
import { createFairness, type FairnessLimits } from './platform/fairness.ts';
import { createHttpApp } from './platform/http/app.ts';
import { staffAppRoutes } from './platform/http/staff-app.ts';
import type { AppEnv, RouteDeps } from './platform/http/env.ts';
import { anonymousPlace } from './platform/http/fairness.ts';
import { requireRank, tenantActor, tenantTransaction } from './platform/http/tenant.ts';
import type { RateLimits } from './platform/http/rate-limit.ts';
import type { Logger } from './platform/log.ts';
import type { Mailer } from './platform/mail.ts';
import type { SecretBox } from './platform/secrets.ts';

export interface ServerOptions {
  db: Database;
  log: Logger;
  clock: Clock;
  secrets: SecretBox;
  publicUrl?: string | undefined;
  corsOrigins?: string[];
  /** GUEST_HOLD_MINUTES and the caps on live guest holds (defaults: 30 minutes, 3, 10). */
  guestCheckout?: Partial<GuestCheckoutLimits> | undefined;
  /** TRUSTED_PROXIES, RATE_LIMIT_MAX_KEYS, HTTP_MAX_BODY_BYTES, HTTP_MAX_JSON_DEPTH. */
  trustedProxies?: string[] | undefined;
  rateLimitMaxKeys?: number | undefined;
  maxBodyBytes?: number | undefined;
  maxJsonDepth?: number | undefined;
  /** The job queue's schema, when this process runs the queue: /health then checks it is there too. */
  jobQueueSchema?: string | undefined;
  /** Sends sign-up confirmation links; unset, they are logged at info. */
  sendSignUpConfirmation?: SendSignUpConfirmation | undefined;
  /** SMTP (SMTP_URL): password reset links are e-mailed through it. */
  mailer?: Mailer | undefined;
  /** The rate-limit counters, when the caller wants to look at them (tests). */
  limits?: RateLimits | undefined;
  /** The LLM_* model: model mode for workspaces without models of their own. */
  llm?: EnvironmentModel | undefined;
  /** LLM_TIMEOUT_MAX_MS, TURNS_PER_WORKSPACE, TURN_WAIT_MS, ANONYMOUS_PER_WORKSPACE (defaults otherwise). */
  fairness?: Partial<FairnessLimits> | undefined;
  /** The built staff app (web/dist by default). */
  staffAppDir?: string | undefined;
  /** How often inbox event streams ping and re-check access (tests shorten it). */
  eventsHeartbeatMs?: number | undefined;
  /** Where channel ownership is proven (WHATSAPP_GRAPH_URL, TWILIO_API_URL, VAPI_API_URL); the providers' own when unset. */
  providers?: ProviderUrls | undefined;
}

/** The whole HTTP surface: platform middleware plus every module's routes under /api/v1. */
export function createServerApp(options: ServerOptions) {
  const { db, log, clock, secrets } = options;
  const authenticator = new Authenticator(db, clock);
  const inboxEvents = new InboxEvents(db, log);
  const tenant = tenantTransaction({ db, log, clock, secrets }, resolveActor);
  const actorOnly = tenantActor({ db, log, clock, secrets }, resolveActor);
  const fairness = createFairness(options.fairness, db);
  const signedIn = createMiddleware<AppEnv>(async (c, next) => {
    if (c.var.principal.kind === 'anonymous') throw new AppError('auth.required', 'unauthenticated', 'sign in, or send an API key as a Bearer token');
    await next();
  });
  const deps: RouteDeps = {
    db,
    log,
    clock,
    secrets,
    publicUrl: options.publicUrl,
    signedIn,
    inWorkspace: (minRank) => [signedIn, tenant, requireRank(minRank)],
    asCaller: () => [tenant],
    inWorkspaceUnbound: (minRank) => [signedIn, actorOnly, requireRank(minRank)],
    fairness,
    anonymousPlace: anonymousPlace(fairness.anonymous),
  };
  const turnOptions = {
    secrets,
    llm: options.llm,
    timeoutMaxMs: fairness.limits.llmTimeoutMaxMs,
  };

  return createHttpApp({
    db,
    log,
    clock,
    secrets,
    corsOrigins: options.corsOrigins,
    publicUrl: options.publicUrl,
    trustedProxies: options.trustedProxies,
    rateLimitMaxKeys: options.rateLimitMaxKeys,
    maxBodyBytes: options.maxBodyBytes,
    maxJsonDepth: options.maxJsonDepth,
    jobQueueSchema: options.jobQueueSchema,
    limits: options.limits,
    authenticate: async (c) => {
      const auth = c.req.header('authorization');
      let bearer: string | undefined;
      if (auth !== undefined) {
        const m = /^Bearer\s+(\S+)\s*$/i.exec(auth);
        if (!m) throw new AppError('auth.malformed_authorization', 'unauthenticated', 'use "Authorization: Bearer <api key>"');
        bearer = m[1];
      }
      return authenticator.fromCredentials(bearer, getCookie(c, SESSION_COOKIE));
    },
    mount: (app) => {
      app.route('/api/v1', tenancyRoutes({ ...deps, authenticator, templates, sendSignUpConfirmation: options.sendSignUpConfirmation, mailer: options.mailer, secureCookies: (options.publicUrl ?? '').startsWith('https://') }));
      app.route('/api/v1', contactsRoutes(deps));
      app.route('/api/v1', leadRoutes(deps));
      app.route('/api/v1', callsRoutes(deps));
      app.route('/api/v1', exportsRoutes(deps));
      app.route('/api/v1', conversationsRoutes({ ...deps, resumeAssistant, replyWindow: whatsappReplyWindow, assistantReplies: (ctx, ids) => assistantReplyFacts(ctx.tx, workspaceIdOf(ctx), ids) }));
      app.route('/api/v1', inboxEventsRoutes({ ...deps, inboxEvents, ...(options.eventsHeartbeatMs ? { heartbeatMs: options.eventsHeartbeatMs } : {}) }));
      app.route('/api/v1', knowledgeRoutes(deps));
      app.route('/api/v1', contentRoutes(deps));
      app.route('/api/v1', catalogRoutes(deps));
      app.route('/api/v1', assistantRoutes({ ...deps, llm: options.llm }));
      app.route('/api/v1', ariRoutes({ ...deps, llm: options.llm, turnOptions: { ...turnOptions, places: { gate: fairness.turns, onBusy: 'reject' } } }));
      app.route('/api/v1', amaraRoutes({ ...deps, llm: options.llm }));
      app.route('/api/v1', analyticsRoutes(deps));
      app.route('/api/v1', paymentsRoutes({ ...deps, onPaymentChange: tellCustomerAboutPayment }));
      app.route('/', midtransWebhookRoutes({ ...deps, onPaymentChange: tellCustomerAboutPayment }));
      app.route('/', stripeWebhookRoutes({ ...deps, onPaymentChange: tellCustomerAboutPayment }));
      app.route('/', demoPaymentRoutes({ ...deps, onPaymentChange: tellCustomerAboutPayment }));
      app.route('/api/v1', webhooksRoutes(deps));
      app.route('/api/v1', channelSettingsRoutes({ ...deps, providers: options.providers }));
      app.route('/', whatsappWebhookRoutes(deps));
      app.route('/', twilioWebhookRoutes(deps));
      app.route('/', vapiWebhookRoutes({ ...deps, assistant: receptionistOnCalls }));
      // A web chat visitor without a place among the workspace's turns still gets the built-in engine's answer.
      app.route('/', webchatRoutes({ ...deps, answer: (scope, input) => answerInbound(scope, input, { ...turnOptions, places: { gate: fairness.turns, onBusy: 'built_in' } }) }));
      app.route('/api/v1', schedulingRoutes({ ...deps, notify, guestCheckout: options.guestCheckout, onBookingStatus: (ctx, booking) => settleBookingHold(ctx, secrets, booking, tellCustomerAboutPayment) }));
      app.route('/', staffAppRoutes(options.staffAppDir));
    },
  });
}
