import type { Template } from '../modules/tenancy/index.ts';
import type { Ctx } from '../platform/context.ts';
import { applyAmaraTemplate } from './amara/template.ts';
import { applyAriTemplate } from './ari/template.ts';
import { applyVoiceTemplate } from './voice/template.ts';

/** What `--template` writes into a new workspace: each product's defaults. */
export const templates: Record<Template, (ctx: Ctx, workspaceId: string) => Promise<void>> = {
  ari: applyAriTemplate,
  amara: applyAmaraTemplate,
  voice: applyVoiceTemplate,
};
