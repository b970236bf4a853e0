import { findWorkspace, findWorkspaceBySlug } from '../modules/tenancy/index.ts';
import type { Database } from '../platform/db/database.ts';
import { withServiceRole } from '../platform/db/tenant.ts';
import { AppError } from '../platform/errors.ts';

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const noWorkspace = (given: string) => new AppError('workspace.not_found', 'not_found', `no workspace "${given}"`);

/**
 * The workspace a command names with --workspace: a slug, or else an id; either way one that
 * exists, so a typo is a one-line refusal rather than an empty result.
 */
export async function resolveWorkspace(db: Database, given: string): Promise<string> {
  return withServiceRole(db, async (tx) => {
    const bySlug = await findWorkspaceBySlug(tx, given);
    if (bySlug) return bySlug.id;
    if (UUID.test(given) && (await findWorkspace(tx, given.toLowerCase()))) return given.toLowerCase();
    throw noWorkspace(given);
  });
}
