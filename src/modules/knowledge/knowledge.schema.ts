import { z } from '@hono/zod-openapi';
import { reorderBody } from '../../platform/http/router.ts';

/** 'true' or 'false' in a query string. */
export const BooleanQuery = z.enum(['true', 'false']).transform((v) => v === 'true');

const Name = z.string().trim().min(1).max(100);
const Text = (max: number) => z.string().trim().min(1).max(max);
const DisplayOrder = z.number().int().min(0).max(1_000_000);

export const ReorderBody = reorderBody('Reorder');

// Categories -------------------------------------------------------------------------------

export const Category = z
  .object({
    id: z.uuid(),
    name: z.string(),
    description: z.string().nullable(),
    display_order: z.number().int(),
    created_at: z.date(),
    updated_at: z.date(),
  })
  .openapi('KnowledgeCategory');

export const CategoryCreate = z
  .strictObject({
    name: Name,
    description: Text(2000).nullable().optional(),
    display_order: DisplayOrder.optional().openapi({ description: 'defaults to after the last category' }),
  })
  .openapi('KnowledgeCategoryCreate');

export const CategoryPatch = z
  .strictObject({ name: Name, description: Text(2000).nullable(), display_order: DisplayOrder })
  .partial()
  .openapi('KnowledgeCategoryPatch');

// Entries ----------------------------------------------------------------------------------

export const Entry = z
  .object({
    id: z.uuid(),
    category_id: z.uuid().nullable(),
    title: z.string(),
    content: z.string(),
    is_active: z.boolean(),
    created_at: z.date(),
    updated_at: z.date(),
  })
  .openapi('KnowledgeEntry');

export const EntryCreate = z
  .strictObject({
    category_id: z.uuid().nullable().optional(),
    title: Text(255),
    content: Text(20_000),
    is_active: z.boolean().default(true),
  })
  .openapi('KnowledgeEntryCreate');

export const EntryPatch = z
  .strictObject({ category_id: z.uuid().nullable(), title: Text(255), content: Text(20_000), is_active: z.boolean() })
  .partial()
  .openapi('KnowledgeEntryPatch');

export const EntryFilters = z.object({
  category_id: z.uuid().optional(),
  is_active: BooleanQuery.optional(),
  q: z.string().trim().min(1).max(200).optional().openapi({ description: 'text contained in the title or content' }),
});

// FAQs (seed 004) ----------------------------------------------------------------------------

export const Faq = z
  .object({
    id: z.uuid(),
    category: z.string(),
    question: z.string(),
    answer: z.string(),
    keywords: z.array(z.string()),
    is_active: z.boolean(),
    display_order: z.number().int(),
    usage_count: z.number().int().openapi({ description: 'how often the assistant answered with it' }),
    created_at: z.date().nullable(),
    updated_at: z.date().nullable(),
  })
  .openapi('Faq');

const Keywords = z.array(z.string().trim().min(1).max(100)).max(50);

export const FaqCreate = z
  .strictObject({
    category: Text(100),
    question: Text(1000),
    answer: Text(10_000),
    keywords: Keywords.default([]),
    is_active: z.boolean().default(true),
    display_order: DisplayOrder.default(0),
  })
  .openapi('FaqCreate');

export const FaqPatch = z
  .strictObject({
    category: Text(100),
    question: Text(1000),
    answer: Text(10_000),
    keywords: Keywords,
    is_active: z.boolean(),
    display_order: DisplayOrder,
  })
  .partial()
  .openapi('FaqPatch');

export const FaqFilters = z.object({
  category: z.string().trim().min(1).max(100).optional(),
  is_active: BooleanQuery.optional(),
  q: z.string().trim().min(1).max(200).optional().openapi({ description: 'text contained in the question, answer or a keyword' }),
});

// Destinations (seed 000) --------------------------------------------------------------------

export const Requirements = z
  .strictObject({
    ielts_min: z.number().min(0).max(9).multipleOf(0.5).optional().openapi({ description: 'IELTS band, 0-9 in steps of 0.5' }),
    gpa_min: z.number().min(0).max(4).optional().openapi({ description: 'on the 4.0 scale (IPK)' }),
    budget_min: z.number().int().min(0).optional().openapi({ description: "total budget in the workspace's currency" }),
    budget_max: z.number().int().min(0).optional(),
    deadline: z.iso.date().optional().openapi({ description: 'application deadline, YYYY-MM-DD' }),
  })
  .refine((r) => r.budget_min === undefined || r.budget_max === undefined || r.budget_min <= r.budget_max, {
    message: 'must not be below budget_min',
    path: ['budget_max'],
  })
  .openapi('DestinationRequirements');

export const Destination = z
  .object({
    id: z.uuid(),
    country: z.string(),
    city: z.string().nullable(),
    university_name: z.string(),
    requirements: Requirements,
    programs: z.array(z.string()),
    is_promoted: z.boolean(),
    priority: z.number().int(),
    notes: z.string().nullable(),
    created_at: z.date(),
    updated_at: z.date(),
  })
  .openapi('Destination');

const Programs = z.array(z.string().trim().min(1).max(200)).max(100);
const Priority = z.number().int().min(-1000).max(1000);

export const DestinationCreate = z
  .strictObject({
    country: Text(100),
    city: Text(100).nullable().optional(),
    university_name: Text(255),
    requirements: Requirements.default({}),
    programs: Programs.default([]),
    is_promoted: z.boolean().default(false),
    priority: Priority.default(0),
    notes: Text(5000).nullable().optional(),
  })
  .openapi('DestinationCreate');

export const DestinationPatch = z
  .strictObject({
    country: Text(100),
    city: Text(100).nullable(),
    university_name: Text(255),
    requirements: Requirements,
    programs: Programs,
    is_promoted: z.boolean(),
    priority: Priority,
    notes: Text(5000).nullable(),
  })
  .partial()
  .openapi('DestinationPatch');

export const DestinationFilters = z.object({
  country: z.string().trim().min(1).max(100).optional().openapi({ description: 'exact country, any letter case' }),
  promoted: BooleanQuery.optional(),
});

// Search -------------------------------------------------------------------------------------

export const SearchQuery = z.object({
  q: z.string().trim().min(1).max(500).openapi({ description: "words in the workspace's language" }),
  limit: z.coerce.number().int().min(1).max(50).default(10),
});

export const SearchHit = z
  .object({
    source: z.enum(['entry', 'faq', 'destination']),
    id: z.uuid(),
    title: z.string(),
    snippet: z.string(),
    score: z.number().openapi({ description: 'ts_rank of the match; higher is better' }),
  })
  .openapi('KnowledgeSearchHit');

export type CategoryCreateInput = z.infer<typeof CategoryCreate>;
export type CategoryPatchInput = z.infer<typeof CategoryPatch>;
export type EntryCreateInput = z.infer<typeof EntryCreate>;
export type EntryPatchInput = z.infer<typeof EntryPatch>;
export type EntryFilterInput = z.infer<typeof EntryFilters>;
export type FaqCreateInput = z.infer<typeof FaqCreate>;
export type FaqPatchInput = z.infer<typeof FaqPatch>;
export type FaqFilterInput = z.infer<typeof FaqFilters>;
export type DestinationRequirements = z.infer<typeof Requirements>;
export type DestinationCreateInput = z.infer<typeof DestinationCreate>;
export type DestinationPatchInput = z.infer<typeof DestinationPatch>;
export type DestinationFilterInput = z.infer<typeof DestinationFilters>;
export type SearchHit = z.infer<typeof SearchHit>;
