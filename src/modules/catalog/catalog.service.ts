import { workspaceIdOf, type Ctx } from '../../platform/context.ts';
import { AppError } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import * as repo from './catalog.repo.ts';
import { getWorkspace } from '../tenancy/index.ts';
import {
  normalisePostalCode,
  type ServiceAreaRow,
  type ServiceAreasInput,
  type ServiceCreateInput,
  type ServicePatchInput,
  type ServiceRow,
} from './catalog.schema.ts';

/** What a service costs for a number of units: integers in the currency's minor unit. */
export interface Quote {
  service_id: string;
  service: string;
  currency: string;
  unit_name: string;
  units: number;
  base_minor: number;
  unit_minor: number;
  total_minor: number;
}

/** The pricing rule: the base price plus the price per unit times the units (loads, hours). */
export function quote(service: Pick<ServiceRow, 'id' | 'name' | 'currency' | 'unit_name' | 'base_price_minor' | 'unit_price_minor'>, units: number): Quote {
  if (!Number.isSafeInteger(units) || units < 0) {
    throw new AppError('service.invalid_units', 'invalid', `units must be a whole number of ${service.unit_name}s`, { units });
  }
  const total = service.base_price_minor + service.unit_price_minor * units;
  if (!Number.isSafeInteger(total)) throw new AppError('service.invalid_units', 'invalid', 'that many units cannot be priced', { units });
  return {
    service_id: service.id,
    service: service.name,
    currency: service.currency,
    unit_name: service.unit_name,
    units,
    base_minor: service.base_price_minor,
    unit_minor: service.unit_price_minor,
    total_minor: total,
  };
}

const notFound = () => new AppError('service.not_found', 'not_found', 'no such service in this workspace');
const nameTaken = (name: string) => new AppError('service.name_taken', 'conflict', `a service named "${name}" already exists`, { field: 'name' });
const isNameTaken = (e: unknown) => (e as { code?: string; constraint?: string })?.constraint === 'services_workspace_name_key';

/** Active services matching the words of `q` (all active ones without it), best first. */
export async function searchServices(ctx: Ctx, input: { q?: string | undefined; limit?: number | undefined }): Promise<ServiceRow[]> {
  const ws = workspaceIdOf(ctx);
  const limit = Math.min(Math.max(input.limit ?? 10, 1), 200);
  const q = input.q?.trim();
  return q ? repo.searchServices(ctx.tx, ws, (await getWorkspace(ctx)).locale, q, limit) : repo.listServices(ctx.tx, ws, { active: true, limit });
}

export function listServices(ctx: Ctx, filter: { active?: boolean | undefined; limit: number; q?: string | undefined }): Promise<ServiceRow[]> {
  if (filter.q) return searchServices(ctx, filter);
  return repo.listServices(ctx.tx, workspaceIdOf(ctx), filter);
}

export async function getService(ctx: Ctx, id: string): Promise<ServiceRow> {
  const row = await repo.findService(ctx.tx, workspaceIdOf(ctx), id);
  if (!row) throw notFound();
  return row;
}

/**
 * The active service a guest books, by id or by exact name, for callers who may schedule in
 * the workspace, guests included: what it costs comes from here, never from the guest.
 */
export async function bookableService(ctx: Ctx, by: { id?: string | undefined; name?: string | undefined }): Promise<repo.BookableServiceRow> {
  workspaceIdOf(ctx);
  const row = await repo.bookableService(ctx.tx, by);
  if (!row) throw notFound();
  return row;
}

export async function createService(ctx: Ctx, input: ServiceCreateInput): Promise<ServiceRow> {
  const ws = workspaceIdOf(ctx);
  const currency = input.currency ?? (await getWorkspace(ctx)).currency;
  try {
    return await repo.insertService(ctx.tx, ws, newId(), { ...input, currency });
  } catch (e) {
    if (isNameTaken(e)) throw nameTaken(input.name);
    throw e;
  }
}

export async function updateService(ctx: Ctx, id: string, patch: ServicePatchInput): Promise<ServiceRow> {
  if (Object.keys(patch).length === 0) return getService(ctx, id);
  try {
    const row = await repo.updateService(ctx.tx, workspaceIdOf(ctx), id, patch);
    if (!row) throw notFound();
    return row;
  } catch (e) {
    if (isNameTaken(e)) throw nameTaken(patch.name ?? '');
    throw e;
  }
}

export function listServiceAreas(ctx: Ctx): Promise<ServiceAreaRow[]> {
  return repo.listAreas(ctx.tx, workspaceIdOf(ctx));
}

/** Replaces the workspace's areas with `input.areas`. */
export async function putServiceAreas(ctx: Ctx, input: ServiceAreasInput): Promise<ServiceAreaRow[]> {
  const ws = workspaceIdOf(ctx);
  await repo.replaceAreas(ctx.tx, ws, input.areas.map((a) => ({ postal_prefix: a.postal_prefix, label: a.label ?? null })));
  return repo.listAreas(ctx.tx, ws);
}

export interface AreaCheck {
  postal_code: string;
  covered: boolean;
  /** The area that covers it, when one does. */
  area: ServiceAreaRow | null;
}

/**
 * Whether the workspace serves `postalCode`: it starts with one of the area prefixes.
 * A workspace with no areas configured serves everywhere.
 */
export async function serviceAreaCovers(ctx: Ctx, postalCode: string): Promise<AreaCheck> {
  const ws = workspaceIdOf(ctx);
  const code = normalisePostalCode(postalCode);
  const area = code ? await repo.coveringArea(ctx.tx, ws, code) : undefined;
  if (area) return { postal_code: code, covered: true, area };
  const anyArea = (await repo.listAreas(ctx.tx, ws)).length > 0;
  return { postal_code: code, covered: !anyArea && code.length > 0, area: null };
}
