import { z } from 'zod';

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
  /** Comma-separated origins allowed to call the API from a browser. */
  CORS_ORIGINS: z
    .string()
    .default('')
    .transform((s) => s.split(',').map((o) => o.trim()).filter(Boolean)),
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
