import { z } from '@hono/zod-openapi';

const MinorUnits = z.number().int().min(0).max(1_000_000_000);

export const Service = z
  .object({
    id: z.uuid(),
    name: z.string(),
    description: z.string().nullable(),
    unit_name: z.string().openapi({ example: 'load' }),
    base_price_minor: z.number().int().openapi({ description: 'price of any order, in the currency\'s minor unit', example: 1500 }),
    unit_price_minor: z.number().int().openapi({ description: 'added per unit (load, hour), minor unit', example: 800 }),
    currency: z.string().openapi({ example: 'CAD' }),
    duration_minutes: z.number().int(),
    turnaround: z.string().nullable().openapi({ example: '48 h' }),
    keywords: z.array(z.string()),
    active: z.boolean(),
    display_order: z.number().int(),
    created_at: z.date(),
    updated_at: z.date(),
  })
  .openapi('Service');
export type ServiceRow = z.infer<typeof Service>;
/** What quoting a service takes: its name, unit and prices (base plus per unit). */
export type PricedService = Pick<ServiceRow, 'id' | 'name' | 'unit_name' | 'base_price_minor' | 'unit_price_minor' | 'currency'>;

const ServiceFields = {
  name: z.string().trim().min(1).max(120),
  description: z.string().trim().min(1).max(2000).nullable(),
  unit_name: z.string().regex(/^[a-z][a-z _-]{0,29}$/, 'lower-case words such as load or hour'),
  base_price_minor: MinorUnits,
  unit_price_minor: MinorUnits,
  currency: z.string().regex(/^[A-Z]{3}$/, 'an ISO 4217 code such as CAD'),
  duration_minutes: z.number().int().min(1).max(1440),
  turnaround: z.string().trim().min(1).max(120).nullable(),
  keywords: z.array(z.string().trim().min(1).max(60)).max(30),
  active: z.boolean(),
  display_order: z.number().int().min(0).max(1_000_000),
};

export const ServiceCreate = z
  .strictObject({
    ...ServiceFields,
    description: ServiceFields.description.optional(),
    unit_name: ServiceFields.unit_name.default('unit'),
    base_price_minor: MinorUnits.default(0),
    unit_price_minor: MinorUnits.default(0),
    currency: ServiceFields.currency.optional().openapi({ description: "defaults to the workspace's currency" }),
    duration_minutes: ServiceFields.duration_minutes.default(30),
    turnaround: ServiceFields.turnaround.optional(),
    keywords: ServiceFields.keywords.default([]),
    active: z.boolean().default(true),
    display_order: ServiceFields.display_order.default(0),
  })
  .openapi('ServiceCreate');
export type ServiceCreateInput = z.infer<typeof ServiceCreate>;

export const ServicePatch = z.strictObject(ServiceFields).partial().openapi('ServicePatch');
export type ServicePatchInput = z.infer<typeof ServicePatch>;

export const ServiceQuery = z.object({
  q: z.string().trim().min(1).max(200).optional().openapi({ description: 'words of the name, description or keywords' }),
  active: z.enum(['true', 'false']).transform((v) => v === 'true').optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

export const ServiceArea = z
  .object({
    postal_prefix: z.string().openapi({ example: 'M5' }),
    label: z.string().nullable().openapi({ example: 'Downtown Toronto' }),
  })
  .openapi('ServiceArea');
export type ServiceAreaRow = z.infer<typeof ServiceArea>;

export const ServiceAreasPut = z
  .strictObject({
    areas: z
      .array(
        z.strictObject({
          postal_prefix: z
            .string()
            .max(20)
            .transform((p) => normalisePostalCode(p))
            .pipe(z.string().regex(/^[A-Z0-9-]{1,10}$/, 'letters and digits, up to 10')),
          label: z.string().trim().min(1).max(120).nullable().optional(),
        }),
      )
      .max(500)
      .refine((areas) => new Set(areas.map((a) => a.postal_prefix)).size === areas.length, 'each prefix may appear only once'),
  })
  .openapi('ServiceAreasPut');
export type ServiceAreasInput = z.infer<typeof ServiceAreasPut>;

/** Postal codes and prefixes compare upper case without spaces: 'm5v 2t6' is 'M5V2T6'. */
export function normalisePostalCode(code: string): string {
  return code.replace(/\s+/g, '').toUpperCase();
}
