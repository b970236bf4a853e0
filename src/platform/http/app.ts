import { HTTPException } from 'hono/http-exception';
import { bodyLimit } from 'hono/body-limit';
import { cors } from 'hono/cors';
import { createMiddleware } from 'hono/factory';
import { requestId } from 'hono/request-id';
import { secureHeaders } from 'hono/secure-headers';
import { AppError } from '../errors.ts';
import { version } from '../version.ts';
import { renderDocs } from './docs.ts';
import type { AppEnv, HttpDeps, Principal } from './env.ts';
import { DB_RETRY_AFTER_SECONDS } from '../db/errors.ts';
import { locateIssues, retryAfterOf, toHttpError } from './errors.ts';
import { peerAddress, RateLimits, TrustedProxies } from './rate-limit.ts';
import { jsonTooDeep, originAllowed, originOf, STATE_CHANGING } from './request-guards.ts';
import { createRouter, fixNullableRefs, type Router } from './router.ts';

export interface HttpOptions extends HttpDeps {
  /** Works out who is calling from the request (cookie, bearer key); never throws for "nobody". */
  authenticate: (c: Parameters<Parameters<typeof createMiddleware<AppEnv>>[0]>[0]) => Promise<Principal>;
  /** Adds the API's routes. */
  mount: (app: Router) => void;
  corsOrigins?: string[] | undefined;
  maxBodyBytes?: number | undefined;
  /** Deepest nesting of arrays/objects a JSON body may have (HTTP_MAX_JSON_DEPTH). */
  maxJsonDepth?: number | undefined;
  /** Proxies whose X-Forwarded-For is believed (TRUSTED_PROXIES). */
  trustedProxies?: string[] | undefined;
  /** Most keys each rate-limit bucket remembers (RATE_LIMIT_MAX_KEYS). */
  rateLimitMaxKeys?: number | undefined;
  /** Where people reach the server: its origin may make cookie-authenticated changes. */
  publicUrl?: string | undefined;
  /** The job queue's schema (pgboss) when this process runs the queue: /health checks it too. */
  jobQueueSchema?: string | undefined;
  /** The counters; made here unless the caller wants to look at them (tests). */
  limits?: RateLimits | undefined;
}

export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;
export const DEFAULT_MAX_JSON_DEPTH = 64;

const FORM_TYPE = /^(application\/x-www-form-urlencoded|multipart\/form-data)\s*(;|$)/i;
const JSON_TYPE = /^application\/([a-z0-9.+-]+\+)?json\s*(;|$)/i;

/** Assembles the HTTP application: cross-cutting middleware, documentation, error mapping. */
export function createHttpApp(options: HttpOptions) {
  const { db, log } = options;
  const app = createRouter();
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const maxJsonDepth = options.maxJsonDepth ?? DEFAULT_MAX_JSON_DEPTH;
  const limits = options.limits ?? new RateLimits({ maxKeys: options.rateLimitMaxKeys });
  const proxies = new TrustedProxies(options.trustedProxies ?? []);
  const trustedOrigins = new Set([originOf(options.publicUrl), ...(options.corsOrigins ?? []).map(originOf)].filter((o): o is string => o !== undefined));

  app.use(requestId());
  app.use(async (c, next) => {
    c.set('log', log.child({ req_id: c.var.requestId }));
    c.set('limits', limits);
    c.set('clientAddress', proxies.resolve(peerAddress(c), c.req.header('x-forwarded-for')));
    await next();
  });
  app.use(secureHeaders());
  app.use(
    '/api/*',
    cors({
      origin: options.corsOrigins ?? [],
      credentials: true,
      allowHeaders: ['Content-Type', 'Authorization', 'X-Workspace-Id'],
      allowMethods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'],
    }),
  );
  app.use(
    bodyLimit({
      maxSize: maxBodyBytes,
      onError: () => {
        throw new AppError('request.too_large', 'too_large', `the body is larger than ${maxBodyBytes} bytes`);
      },
    }),
  );
  // Bodies are JSON; anything else is refused before it reaches a route (this also stops
  // cross-site form posts from riding on a session cookie).
  app.use('/api/*', async (c, next) => {
    const method = c.req.method;
    if (method === 'POST' || method === 'PUT' || method === 'PATCH') {
      const type = c.req.header('content-type');
      const length = c.req.header('content-length');
      const hasBody = type !== undefined || (length !== undefined && length !== '0') || c.req.header('transfer-encoding') !== undefined;
      if (hasBody && !JSON_TYPE.test(type ?? '')) {
        throw new AppError('request.unsupported_media_type', 'unsupported', 'send the body as application/json');
      }
    }
    await next();
  });
  // Nesting is bounded before any parser or validator recurses over a body (a few thousand
  // levels overflow the stack). Webhooks are covered too: some parse their body as JSON
  // whatever its declared type, so every body but a form is scanned.
  app.use('*', async (c, next) => {
    if (STATE_CHANGING.has(c.req.method)) {
      const type = c.req.header('content-type') ?? '';
      if (!FORM_TYPE.test(type)) {
        if (jsonTooDeep(await c.req.text(), maxJsonDepth)) {
          throw new AppError('request.too_deep', 'invalid', `the JSON body nests deeper than ${maxJsonDepth} levels`, { max_depth: maxJsonDepth });
        }
      }
    }
    await next();
  });
  app.use('*', async (c, next) => {
    const principal = await options.authenticate(c);
    c.set('principal', principal);
    // A session cookie rides along on any page's request to us; SameSite=Lax stops that for
    // POSTs with bodies only in some browsers and not for same-site pages, so a state change
    // made with the cookie must come from our own pages or an allowed origin. API keys are
    // never sent by a browser on its own and are not checked.
    if (principal.kind === 'session' && STATE_CHANGING.has(c.req.method)) {
      const allowed = originAllowed(
        { origin: c.req.header('origin'), secFetchSite: c.req.header('sec-fetch-site'), referer: c.req.header('referer'), host: c.req.header('host') ?? new URL(c.req.url).host },
        trustedOrigins,
      );
      if (!allowed) {
        throw new AppError('auth.origin_forbidden', 'forbidden', 'this change was sent from a page this server does not trust (Origin); use the app, or an API key');
      }
    }
    await next();
  });

  // Ready means: the database answers, it has been migrated, and (where this process runs the
  // job queue) the queue's tables are there. A database re-created empty answers "select 1"
  // but is not ready; each failure names its reason.
  const queueTable = options.jobQueueSchema ? `${options.jobQueueSchema}.job` : null;
  app.get('/health', async (c) => {
    let reason: string | undefined;
    try {
      const { rows } = await db.transaction((tx) =>
        tx.query<{ migrated: boolean; queue: boolean | null }>(
          'select to_regclass($1) is not null as migrated, case when $2::text is null then null else to_regclass($2::text) is not null end as queue',
          ['public.schema_migrations', queueTable],
        ),
      );
      const r = rows[0]!;
      if (!r.migrated) reason = 'the database has no schema: its migrations are not applied';
      else if (r.queue === false) reason = `the job queue's schema (${options.jobQueueSchema}) is missing`;
    } catch (e) {
      reason = toHttpError(e).body.error.code === 'db.unavailable' ? 'the database is unreachable' : 'the database did not answer the check';
    }
    if (reason === undefined) return c.json({ status: 'ok', version, database: db.kind });
    c.var.log.error({ reason }, 'health check failed');
    c.header('Retry-After', String(DB_RETRY_AFTER_SECONDS));
    return c.json({ status: 'unavailable', reason, version, database: db.kind }, 503);
  });
  app.get('/version', (c) => c.json({ name: 'frontdesk', version }));

  app.openAPIRegistry.registerComponent('securitySchemes', 'apiKey', {
    type: 'http',
    scheme: 'bearer',
    description: 'A workspace API key: `Authorization: Bearer fd_...`',
  });
  app.openAPIRegistry.registerComponent('securitySchemes', 'session', {
    type: 'apiKey',
    in: 'cookie',
    name: 'fd_session',
    description: 'The session cookie set by POST /api/v1/auth/signin',
  });

  options.mount(app);

  const document = () =>
    fixNullableRefs(app.getOpenAPI31Document({
      openapi: '3.1.0',
      info: {
        title: 'Frontdesk API',
        version,
        description:
          'Every /api/v1 route acts in one workspace: the API key\'s, or for a signed-in person the one named by the X-Workspace-Id header (or their only one). Errors are {"error": {"code", "message", "details"}}.',
      },
      security: [{ apiKey: [] }, { session: [] }],
    }));
  let cached: ReturnType<typeof document> | undefined;
  app.get('/openapi.json', (c) => c.json((cached ??= document())));
  app.get('/docs', (c) => c.html(renderDocs((cached ??= document()) as unknown as Parameters<typeof renderDocs>[0])));

  app.notFound((c) => c.json({ error: { code: 'not_found', message: `no route for ${c.req.method} ${c.req.path}` } }, 404));
  app.onError((e, c) => {
    if (e instanceof HTTPException && e.status < 500) {
      const code = e.status === 400 ? 'request.malformed' : `http_${e.status}`;
      return c.json({ error: { code, message: e.message || 'bad request' } }, e.status);
    }
    const { status, expected, ...answer } = toHttpError(e);
    if (!expected) (c.var.log ?? log).error({ err: e, path: c.req.path, method: c.req.method }, 'unhandled error');
    const body = locateIssues(answer.body, { method: c.req.method, query: new Set(Object.keys(c.req.queries())) });
    const retryAfter = retryAfterOf(body);
    if (retryAfter) c.header('Retry-After', retryAfter);
    return c.json(body, status);
  });
  return app;
}

export type HttpApp = ReturnType<typeof createHttpApp>;

