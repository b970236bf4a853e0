export { createWorkspace, ensureUser, slugify } from './tenancy.service.ts';
export { findWorkspaceBySlug } from './tenancy.repo.ts';
export { createWorkspaceSchema, templateSchema, timeZoneSchema, type CreateWorkspaceInput, type Template } from './tenancy.schema.ts';
