import { z } from 'zod';
import { TrustedProxies } from './http/rate-limit.ts';

const schema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  HOST: z.string().min(1).default('127.0.0.1'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  /** A PostgreSQL server; when unset, the embedded database in FRONTDESK_DATA_DIR. */
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must start with postgres:// or postgresql://')
    .optional()
    .or(z.literal('').transform(() => undefined)),
  FRONTDESK_DATA_DIR: z.string().min(1).default('./data'),
  /** Seeds the demo workspaces the first time the embedded database is created. */
  FRONTDESK_DEMO: z
    .enum(['auto', 'always', 'never'])
    .default('auto'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Where people reach the server (invitation links, webhook URLs); also turns on Secure cookies for https. */
  PUBLIC_URL: z.url().optional(),
  /**
   * 32 bytes (hex or base64) that encrypt integration secrets at rest. On the embedded
   * database a key is made once and kept in the data directory when this is unset.
   */
  FRONTDESK_SECRET_KEY: z.string().optional(),
  /** The WhatsApp Cloud API, versioned; tests point it at a fake on 127.0.0.1. */
  WHATSAPP_GRAPH_URL: z.url().default('https://graph.facebook.com/v21.0'),
  /** Twilio's REST API (SMS replies); tests point it at a fake on 127.0.0.1. */
  TWILIO_API_URL: z.url().default('https://api.twilio.com'),
  /** Vapi's API, asked whether an assistant id is the workspace's before it is bound; tests point it at a fake. */
  VAPI_API_URL: z.url().default('https://api.vapi.ai'),
  /** Where staff e-mail goes out (notifications): smtp://user:pass@host:587 or smtps://...:465. Unset: no e-mail. */
  SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\//, 'an smtp:// or smtps:// URL')
    .optional()
    .or(z.literal('').transform(() => undefined)),
  /** The From of staff e-mail. */
  SMTP_FROM: z.string().min(3).default('Frontdesk <frontdesk@localhost>'),
  /** Seconds a claimed outgoing message may take to send before its outcome counts as unknown. */
  OUTBOX_LEASE_SECONDS: z.coerce.number().int().min(1).max(3600).default(60),
  /**
   * Seconds to wait for a provider's status callback about a message whose send outcome is
   * unknown (the worker stopped between sending and recording) before sending it again.
   */
  OUTBOX_RECONCILE_SECONDS: z.coerce.number().int().min(0).max(604_800).default(900),
  /**
   * The longest wait, in seconds, of a background loop (the channel and SMS workers, the job
   * queue's workers and schedules) between attempts while they fail, typically with the
   * database lost: they wait 2 s, 4 s, 8 s, ... up to this, instead of trying every second.
   */
  WORKER_BACKOFF_MAX_SECONDS: z.coerce.number().int().min(1).max(3600).default(60),
  /**
   * Whether `frontdesk serve` also runs the background workers (assistant turns of queued
   * messages, sends, outbound webhooks, staff e-mail, the job queue's jobs). 'off' runs the API
   * alone, for a deployment that runs them in `frontdesk worker` processes (PostgreSQL only).
   */
  FRONTDESK_WORKERS: z.enum(['on', 'off']).default('on'),
  /**
   * The model of workspaces that configured none (model mode): any OpenAI-compatible
   * endpoint, e.g. https://api.x.ai/v1, https://api.sea-lion.ai/v1, http://localhost:11434/v1.
   * Unset: the built-in engine answers, offline.
   */
  LLM_BASE_URL: z
    .url()
    .optional()
    .or(z.literal('').transform(() => undefined)),
  LLM_API_KEY: z.string().optional(),
  LLM_MODEL: z.string().max(200).optional(),
  /** How long a turn waits for the model (tools included) before the built-in engine answers instead. */
  LLM_TIMEOUT_MS: z.coerce.number().int().min(200).max(60_000).default(8000),
  /** Minutes a guest's booking holds its seat while it waits for payment; then it is cancelled. */
  GUEST_HOLD_MINUTES: z.coerce.number().int().min(1).max(1440).default(30),
  /** Live (unpaid, not lapsed) guest holds one guest session may have in a workspace. */
  GUEST_HOLDS_PER_SESSION: z.coerce.number().int().min(1).max(1000).default(3),
  /** Live guest holds one client address may have in a workspace, across guest sessions. */
  GUEST_HOLDS_PER_ADDRESS: z.coerce.number().int().min(1).max(10_000).default(10),
  /**
   * The operator's ceiling on how long any turn waits for a model: a workspace's (or an arm's)
   * own timeout_ms is cut to this, so no tenant can keep a turn (and its place) for a minute.
   */
  LLM_TIMEOUT_MAX_MS: z.coerce.number().int().min(200).max(60_000).default(15_000),
  /**
   * Assistant turns one workspace may run at once in this process (API turns, web chat
   * guests); more wait for a place, so one busy or slow workspace cannot take every
   * database connection and every worker from the others.
   */
  TURNS_PER_WORKSPACE: z.coerce.number().int().min(1).max(1000).default(4),
  /** How long a turn waits for a place among its workspace's before it is refused (503 busy, with Retry-After). */
  TURN_WAIT_MS: z.coerce.number().int().min(0).max(60_000).default(5000),
  /**
   * Requests of one workspace's anonymous endpoints (public events, guest bookings) handled
   * at once in this process; the same wait applies.
   */
  ANONYMOUS_PER_WORKSPACE: z.coerce.number().int().min(1).max(1000).default(8),
  /** How long a request waits for a database connection before it is answered 503 db.unavailable with Retry-After. */
  DB_ACQUIRE_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(10_000),
  /**
   * Comma-separated `host` or `host:port` (`[::1]:11434` for IPv6) that outbound calls may
   * reach even though they are on this machine or a private network (a model server on the
   * LAN, a local proxy, test fakes). Every other provider, model or webhook target must
   * resolve to public addresses only: tenants choose some of those URLs (platform/http/outbound.ts).
   */
  OUTBOUND_ALLOWED_HOSTS: z
    .string()
    .default('')
    .transform((s) => s.split(',').map((h) => h.trim()).filter(Boolean)),
  /** Comma-separated origins allowed to call the API from a browser. */
  CORS_ORIGINS: z
    .string()
    .default('')
    .transform((s) => s.split(',').map((o) => o.trim()).filter(Boolean)),
  /**
   * Comma-separated addresses and CIDR blocks of the reverse proxies in front of the server.
   * Only a request whose socket peer is one of them has its X-Forwarded-For believed (rate
   * limits, session records); empty means the header is ignored.
   */
  TRUSTED_PROXIES: z
    .string()
    .default('')
    .transform((s) => s.split(',').map((o) => o.trim()).filter(Boolean))
    .refine((list) => list.every(TrustedProxies.valid), 'must be IP addresses or CIDR blocks, comma-separated (10.0.0.0/8,::1)'),
  /** Most keys (addresses, tokens, emails) each rate-limit bucket remembers; the least recently seen go first. */
  RATE_LIMIT_MAX_KEYS: z.coerce.number().int().min(100).max(10_000_000).default(10_000),
  /** Largest request body accepted, in bytes (413 request.too_large above it). */
  HTTP_MAX_BODY_BYTES: z.coerce.number().int().min(1024).max(100 * 1024 * 1024).default(1024 * 1024),
  /** Deepest nesting of arrays and objects a JSON body may have (400 request.too_deep above it). */
  HTTP_MAX_JSON_DEPTH: z.coerce.number().int().min(4).max(512).default(64),
}).superRefine((env, ctx) => {
  // A base URL without a model (or the reverse) is a half-done setup, not "no model".
  if ((env.LLM_BASE_URL === undefined) !== (env.LLM_MODEL === undefined || env.LLM_MODEL === '')) {
    ctx.addIssue({ code: 'custom', path: [env.LLM_BASE_URL === undefined ? 'LLM_BASE_URL' : 'LLM_MODEL'], message: 'set LLM_BASE_URL and LLM_MODEL together (and LLM_API_KEY unless the provider needs none)' });
  }
});

export type Config = z.infer<typeof schema>;

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

/** Reads the environment once; every problem is reported together, not one per restart. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
  }
  return parsed.data;
}
