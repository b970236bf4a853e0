// ARI's content (seed 001's CMS tables): articles, webinars and who registered for a webinar.
import { z } from '@hono/zod-openapi';

const Title = z.string().trim().min(1).max(255);
const Slug = z
  .string()
  .max(100)
  .regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'lower-case letters and digits, words joined by single hyphens')
  .openapi({ description: 'part of public addresses; unique in the workspace', example: 'kuliah-s2-inggris' });
const Url = z
  .url({ protocol: /^https?$/ })
  .max(2000);
const LongText = z.string().trim().min(1).max(100_000);

// Articles ---------------------------------------------------------------------------------

export const ARTICLE_STATUSES = ['draft', 'published'] as const;

export const Article = z
  .object({
    id: z.uuid(),
    title: z.string(),
    slug: z.string(),
    excerpt: z.string().nullable(),
    content: z.string().nullable(),
    cover_image_url: z.string().nullable(),
    status: z.enum(ARTICLE_STATUSES),
    published_at: z.date().nullable().openapi({ description: 'set when first published' }),
    created_at: z.date(),
    updated_at: z.date(),
  })
  .openapi('Article');

export const ArticleCreate = z
  .strictObject({
    title: Title,
    slug: Slug,
    excerpt: z.string().trim().max(2000).nullable().optional(),
    content: LongText.nullable().optional(),
    cover_image_url: Url.nullable().optional(),
    status: z.enum(ARTICLE_STATUSES).optional().openapi({ description: 'default draft' }),
  })
  .openapi('ArticleCreate');
export type ArticleCreate = z.infer<typeof ArticleCreate>;

export const ArticlePatch = ArticleCreate.partial().openapi('ArticlePatch');
export type ArticlePatch = z.infer<typeof ArticlePatch>;

export const ArticleFilters = z.object({ status: z.enum(ARTICLE_STATUSES).optional() });
export type ArticleFilters = z.infer<typeof ArticleFilters>;

// Webinars ---------------------------------------------------------------------------------

export const WEBINAR_STATUSES = ['draft', 'published', 'completed', 'cancelled'] as const;

export const Webinar = z
  .object({
    id: z.uuid(),
    title: z.string(),
    slug: z.string(),
    description: z.string().nullable(),
    cover_image_url: z.string().nullable(),
    scheduled_at: z.date(),
    duration_minutes: z.number().int(),
    meeting_url: z.string().nullable(),
    max_registrations: z.number().int().nullable().openapi({ description: 'null: no limit' }),
    status: z.enum(WEBINAR_STATUSES),
    published_at: z.date().nullable(),
    registrations: z.number().int().openapi({ description: 'how many have registered' }),
    created_at: z.date(),
    updated_at: z.date(),
  })
  .openapi('Webinar');

export const WebinarCreate = z
  .strictObject({
    title: Title,
    slug: Slug,
    description: z.string().trim().max(20_000).nullable().optional(),
    cover_image_url: Url.nullable().optional(),
    scheduled_at: z.iso.datetime({ offset: true }).openapi({ description: 'the start, with its offset (the staff app sends the workspace zone’s)' }),
    duration_minutes: z.number().int().min(1).max(24 * 60).optional().openapi({ description: 'default 60' }),
    meeting_url: Url.nullable().optional(),
    max_registrations: z.number().int().min(1).max(1_000_000).nullable().optional(),
    status: z.enum(WEBINAR_STATUSES).optional().openapi({ description: 'default draft' }),
  })
  .openapi('WebinarCreate');
export type WebinarCreate = z.infer<typeof WebinarCreate>;

export const WebinarPatch = WebinarCreate.partial().openapi('WebinarPatch');
export type WebinarPatch = z.infer<typeof WebinarPatch>;

export const WebinarFilters = z.object({
  status: z.enum(WEBINAR_STATUSES).optional(),
  upcoming: z
    .enum(['true', 'false'])
    .transform((v) => v === 'true')
    .optional()
    .openapi({ description: 'true: only those that start after now' }),
});
export type WebinarFilters = z.infer<typeof WebinarFilters>;

// Registrations ----------------------------------------------------------------------------

export const WebinarRegistration = z
  .object({
    id: z.uuid(),
    webinar_id: z.uuid(),
    contact_id: z.uuid(),
    name: z.string().nullable().openapi({ description: "the contact's" }),
    phone: z.string().nullable().openapi({ description: "the contact's" }),
    registered_at: z.date(),
    attended: z.boolean(),
  })
  .openapi('WebinarRegistration');

export const WebinarRegistrationPatch = z.strictObject({ attended: z.boolean() }).openapi('WebinarRegistrationPatch');

/** The public form: who registers. The phone finds (or makes) the contact. */
export const PublicRegistrationCreate = z
  .strictObject({
    name: z.string().trim().min(1).max(200),
    phone: z.string().trim().min(5).max(64).openapi({ description: "any format; read with the workspace's country", example: '0812 3456 7890' }),
    email: z.email().max(320).optional(),
    website: z.string().max(200).optional().openapi({ description: 'leave empty: a field people do not see, which bots fill in (a filled one is refused)' }),
  })
  .openapi('PublicWebinarRegistrationCreate');
export type PublicRegistrationCreate = z.infer<typeof PublicRegistrationCreate>;

export const PublicRegistrationResult = z
  .object({
    webinar_id: z.uuid(),
    title: z.string(),
    scheduled_at: z.date(),
    already_registered: z.boolean().openapi({ description: 'true: this phone had registered before; nothing changed' }),
  })
  .openapi('PublicWebinarRegistration');

/** A published webinar as the public sees it: no meeting link before registering. */
export const PublicArticle = z
  .object({
    id: z.uuid(),
    title: z.string(),
    slug: z.string(),
    excerpt: z.string().nullable(),
    content: z.string().nullable(),
    cover_image_url: z.string().nullable(),
    published_at: z.date().nullable(),
  })
  .openapi('PublicArticle');

export const PublicWebinar = z
  .object({
    id: z.uuid(),
    title: z.string(),
    description: z.string().nullable(),
    cover_image_url: z.string().nullable(),
    scheduled_at: z.date(),
    duration_minutes: z.number().int(),
    seats_left: z.number().int().nullable().openapi({ description: 'null: no limit' }),
    open: z.boolean().openapi({ description: 'whether it takes registrations now (in the future, seats left)' }),
  })
  .openapi('PublicWebinar');
