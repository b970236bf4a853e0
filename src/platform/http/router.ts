import { OpenAPIHono, z } from '@hono/zod-openapi';
import { AppError } from '../errors.ts';
import type { AppEnv } from './env.ts';

export { createRoute, z } from '@hono/zod-openapi';

/** A zod error as the API reports it: the path of every bad field and what is wrong with it. */
export function validationError(error: z.ZodError, target: string): AppError {
  const where = target === 'json' ? 'body' : target === 'param' ? 'path' : target;
  return new AppError('validation.failed', 'invalid', 'the request is not valid', {
    issues: error.issues.map((i) => ({ path: [where, ...i.path.map(String)].join('.'), message: i.message })),
  });
}

/** A router whose routes are validated by, and documented from, the same zod schemas. */
export function createRouter() {
  return new OpenAPIHono<AppEnv>({
    defaultHook: (result) => {
      if (!result.success) throw validationError(result.error, result.target);
    },
  });
}

export type Router = ReturnType<typeof createRouter>;

/** The error body every failing route answers with. */
export const ErrorSchema = z
  .object({
    error: z.object({
      code: z.string().openapi({ example: 'validation.failed' }),
      message: z.string(),
      details: z.record(z.string(), z.unknown()).optional(),
    }),
  })
  .openapi('Error');

const err = (description: string) => ({ description, content: { 'application/json': { schema: ErrorSchema } } });

/** The error responses most routes can give, for the OpenAPI document. */
export const errorResponses = {
  400: err('invalid input: details.issues lists every bad field'),
  401: err('not signed in, or the key is not valid'),
  403: err('the role is too low for this'),
  404: err('not found (another workspace\'s ids answer the same)'),
  409: err('conflicts with existing data'),
  413: err('body too large'),
  415: err('body is not JSON'),
  429: err('too many requests; see Retry-After'),
  503: err('busy or unavailable for now (the database, a provider, the workspace\'s share of the server); see Retry-After'),
} as const;

/**
 * The generator writes a nullable reference (`Ref.nullable()`) as
 * `allOf: [{$ref}, {type: [object, null]}]`, which no null satisfies (the $ref demands an
 * object). Rewrites each into `anyOf: [{$ref}, {type: 'null'}]`, what it means.
 */
export function fixNullableRefs<T>(doc: T): T {
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (!node || typeof node !== 'object') return;
    const s = node as Record<string, unknown>;
    const all = s.allOf as Record<string, unknown>[] | undefined;
    if (Array.isArray(all) && all.length === 2 && typeof all[0]?.$ref === 'string') {
      const rest = all[1]!;
      const types = rest.type;
      if (Object.keys(rest).length === 1 && Array.isArray(types) && types.includes('null')) {
        delete s.allOf;
        s.anyOf = [all[0], { type: 'null' }];
      }
    }
    for (const v of Object.values(s)) walk(v);
  };
  walk(doc);
  return doc;
}

export const json = <T extends z.ZodType>(schema: T, description = 'OK') => ({
  description,
  content: { 'application/json': { schema } },
});

export const jsonBody = <T extends z.ZodType>(schema: T) => ({
  required: true,
  content: { 'application/json': { schema } },
});

export const UuidParam = z.uuid().openapi({ param: { in: 'path' } });

/** Cursor pagination: ids are UUIDv7, so "after this id" is "older than this one". */
export const PageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50).openapi({ description: 'page size, 1-200' }),
  cursor: z.uuid().optional().openapi({ description: 'next_cursor from the previous page' }),
});

/**
 * A reorder's body: every item's id once, in the new order. `name` is its component in the
 * OpenAPI document (each list that reorders keeps its own).
 */
export const reorderBody = (name: string) =>
  z
    .strictObject({
      ids: z
        .array(z.uuid())
        .max(1000)
        .refine((ids) => new Set(ids).size === ids.length, 'each id may appear only once'),
    })
    .openapi(name);

export const page = <T extends z.ZodType>(item: T) =>
  z.object({ data: z.array(item), next_cursor: z.string().nullable() });

/** Builds a page from rows fetched with limit + 1. */
export function toPage<T extends { id: string }>(rows: T[], limit: number): { data: T[]; next_cursor: string | null } {
  const more = rows.length > limit;
  const data = more ? rows.slice(0, limit) : rows;
  return { data, next_cursor: more ? data[data.length - 1]!.id : null };
}

/** What a provider's webhooks last did for a workspace (integration_webhooks), on the channel and payment settings. */
export const WebhookStatus = z
  .object({
    last_verified_at: z.date().nullable().openapi({ description: 'when a webhook for this account last arrived with a valid signature or secret (to the minute)' }),
    last_refused_at: z.date().nullable().openapi({ description: 'when one naming this account last arrived with a signature or secret that did not hold' }),
    last_refused_reason: z.string().nullable().openapi({ description: 'why it was refused, e.g. the signature does not match the app secret' }),
  })
  .openapi('WebhookStatus');
