import { z } from '@hono/zod-openapi';

export const slugSchema = z
  .string()
  .regex(/^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/, 'lowercase letters, digits and dashes; 1-63 characters');

export const templateSchema = z.enum(['ari', 'amara', 'voice']);
export type Template = z.infer<typeof templateSchema>;

export const timeZoneSchema = z.string().refine((tz) => {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}, 'not an IANA time zone');

export const createWorkspaceSchema = z.strictObject({
  name: z.string().trim().min(1).max(200),
  slug: slugSchema.optional(),
  timeZone: timeZoneSchema.default('Asia/Jakarta'),
  locale: z.string().regex(/^[a-z]{2}(-[A-Z]{2})?$/).default('id'),
  currency: z.string().regex(/^[A-Z]{3}$/).default('IDR'),
  country: z.string().regex(/^[A-Z]{2}$/).default('ID'),
  template: templateSchema.optional(),
});
export type CreateWorkspaceInput = z.input<typeof createWorkspaceSchema>;

export const emailSchema = z.email().transform((e) => e.toLowerCase());
