export { createWorkspace, ensureUser, slugify } from './tenancy.service.ts';
export { findWorkspace, findWorkspaceBySlug } from './tenancy.repo.ts';
export { findUserProfile } from './auth.repo.ts';
export { createWorkspaceSchema, templateSchema, timeZoneSchema, type CreateWorkspaceInput, type Template } from './tenancy.schema.ts';
export { Authenticator, resolveActor, setPassword, SESSION_COOKIE } from './auth.service.ts';
export { createApiKey, createInvitation, getWorkspace, workspaceCountry } from './access.service.ts';
export { tenancyRoutes, type SendSignUpConfirmation, type TenancyRouteDeps } from './tenancy.routes.ts';
export { recordStaffNotifications, workspaceLeads, STAFF_EVENT_TYPES, type StaffNotice, type StaffNotificationKind } from './notifications.service.ts';
export { createStaffEmailWorker } from './notifications.email.ts';
