import type { Ctx } from '../platform/context.ts';
import type { Template } from '../modules/tenancy/index.ts';

/** What `--template` writes into a new workspace: each product's defaults. */
export const templates: Record<Template, (ctx: Ctx, workspaceId: string) => Promise<void>> = {
  ari: async () => {},
  amara: async () => {},
  voice: async () => {},
};
