import { z } from '@hono/zod-openapi';
import { PageQuery } from '../../platform/http/router.ts';

export const LEAD_STATUSES = ['new', 'prospect', 'hot_lead', 'warm_lead', 'cold_lead', 'customer', 'lost'] as const;
export const TEMPERATURES = ['hot', 'warm', 'cold'] as const;

const Tag = z.string().trim().min(1).max(50);
/** Tags as given, without repeats. */
const Tags = z
  .array(Tag)
  .max(50)
  .transform((tags) => [...new Set(tags)])
  .openapi({ example: ['ielts', 'australia'] });

const Email = z
  .string()
  .trim()
  .toLowerCase()
  .pipe(z.email().max(254))
  .openapi({ example: 'rina@example.com' });

const Phone = z.string().trim().min(1).max(40).openapi({
  description: "any common format; numbers without a country code are read in the workspace's country, stored as E.164",
  example: '0812-3456-7001',
});

const Locale = z.string().regex(/^[a-z]{2}(-[A-Z]{2})?$/, 'a language like "id" or "en-US"');

const editable = {
  name: z.string().trim().min(1).max(200).nullable(),
  phone: Phone.nullable(),
  email: Email.nullable(),
  tags: Tags,
  notes: z.string().max(10_000).nullable(),
  address: z.string().max(1_000).nullable(),
  lead_status: z.enum(LEAD_STATUSES),
  lead_score: z.number().int().min(0).max(100),
  lead_temperature: z.enum(TEMPERATURES).nullable(),
  source: z.string().trim().min(1).max(100).nullable(),
  locale: Locale.nullable(),
  metadata: z.record(z.string(), z.unknown()),
};

export const ContactCreate = z
  .strictObject(editable)
  .partial()
  .refine((c) => Boolean(c.name || c.phone || c.email), 'give at least a name, a phone or an email')
  .openapi('ContactCreate');
export type ContactCreate = z.infer<typeof ContactCreate>;

export const ContactPatch = z
  .strictObject(editable)
  .partial()
  .openapi('ContactPatch', { description: 'only the fields given change; null clears a field; tags and metadata are replaced' });
export type ContactPatch = z.infer<typeof ContactPatch>;

export const Contact = z
  .object({
    id: z.uuid(),
    name: z.string().nullable(),
    phone: z.string().nullable().openapi({ description: 'E.164', example: '+6281234567001' }),
    email: z.string().nullable(),
    tags: z.array(z.string()),
    notes: z.string().nullable(),
    address: z.string().nullable(),
    lead_status: z.string(),
    lead_score: z.number().int(),
    lead_temperature: z.string().nullable(),
    source: z.string().nullable(),
    locale: z.string().nullable(),
    metadata: z.record(z.string(), z.unknown()),
    total_bookings: z.number().int(),
    total_calls: z.number().int(),
    total_spent: z.string().openapi({ description: 'decimal, exact', example: '1500000.00' }),
    last_contact: z.date().nullable(),
    created_at: z.date().nullable(),
    updated_at: z.date().nullable(),
  })
  .openapi('Contact');
export type Contact = z.infer<typeof Contact>;

export const CONTACT_SORTS = ['newest', 'oldest', 'name', 'name_desc', 'score', 'score_asc', 'last_contact', 'last_contact_asc'] as const;
export type ContactSort = (typeof CONTACT_SORTS)[number];

/** The filters of the contacts list, also what the CSV export takes. */
export const ContactFilterQuery = z.object({
  q: z.string().trim().min(1).max(200).optional().openapi({
    description:
      'a phone number in any format (0812-3456-7890, +62 812 3456 7890 and 6281234567890 are the same number), ' +
      'an email, part of a name, an email or the digits of a phone (any case)',
  }),
  tag: Tag.optional(),
  temperature: z.enum(TEMPERATURES).optional(),
  lead_status: z.enum(LEAD_STATUSES).optional(),
  sort: z.enum(CONTACT_SORTS).default('newest').openapi({
    description: 'newest/oldest (created), name (A-Z, unnamed last) / name_desc, score (highest first) / score_asc, last_contact (latest first, never contacted last) / last_contact_asc',
  }),
});

export type ContactFilterQuery = z.infer<typeof ContactFilterQuery>;

export const ContactListQuery = ContactFilterQuery.extend({
  limit: PageQuery.shape.limit,
  cursor: z.string().min(1).max(400).optional().openapi({ description: 'next_cursor from the previous page (same filters and sort)' }),
});
export type ContactListQuery = z.infer<typeof ContactListQuery>;

export const MergeBody = z
  .strictObject({ merge_id: z.uuid().openapi({ description: 'the contact to fold into this one; it is deleted' }) })
  .openapi('ContactMerge');

/** What other modules show of a contact next to their own records. */
export const ContactSummary = z
  .object({ id: z.uuid(), name: z.string().nullable(), phone: z.string().nullable(), tags: z.array(z.string()) })
  .openapi('ContactSummary');
export type ContactSummary = z.infer<typeof ContactSummary>;
