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

const Locale = z.string().regex(/^[a-z]{2}(-[A-Z]{2})?$/);
const Currency = z.string().regex(/^[A-Z]{3}$/);
const Country = z.string().regex(/^[A-Z]{2}$/);
const WorkspaceName = z.string().trim().min(1).max(200);

/** What creating a workspace takes, in the services' words (the API's is WorkspaceCreate below). */
export const createWorkspaceSchema = z.strictObject({
  name: WorkspaceName,
  slug: slugSchema.optional(),
  timeZone: timeZoneSchema.default('Asia/Jakarta'),
  locale: Locale.default('id'),
  currency: Currency.default('IDR'),
  country: Country.default('ID'),
  template: templateSchema.optional(),
});
export type CreateWorkspaceInput = z.input<typeof createWorkspaceSchema>;

export const emailSchema = z.email().transform((e) => e.toLowerCase());

// The HTTP API's bodies and answers -------------------------------------------------------

const Email = emailSchema.openapi({ example: 'rina@eagle-overseas.id' });
const Password = z.string().min(10, 'at least 10 characters').max(200);
const Token = z.string().min(10).max(200);

export const User = z.object({ id: z.uuid(), email: z.string(), name: z.string().nullable() }).openapi('User');
export const Membership = z.object({ id: z.uuid(), name: z.string(), slug: z.string(), role: z.enum(['owner', 'admin', 'member']) });
export const Me = z.object({ user: User, workspaces: z.array(Membership) }).openapi('Me');
export type Me = z.infer<typeof Me>;
export const SignUpAccepted = z.object({ status: z.literal('confirmation_sent'), message: z.string() }).openapi('SignUpAccepted');

export const SignUpBody = z.strictObject({
  email: Email,
  password: Password,
  name: z.string().trim().min(1).max(200).optional(),
  invitation_token: Token.optional(),
});
export const TokenBody = z.strictObject({ token: Token });
export const SignInBody = z.strictObject({ email: Email, password: z.string().min(1).max(200) });
export const PasswordResetBody = z.strictObject({ email: Email });
export const PasswordResetAccepted = z.object({ status: z.literal('reset_sent'), message: z.string() }).openapi('PasswordResetAccepted');
export const PasswordResetConfirmBody = z.strictObject({ token: Token, password: Password });
export const PasswordChangeBody = z.strictObject({ current_password: z.string().min(1).max(200), new_password: Password });

export const Workspace = z
  .object({
    id: z.uuid(),
    name: z.string(),
    slug: z.string(),
    time_zone: z.string(),
    locale: z.string(),
    currency: z.string(),
    country: z.string(),
    template: z.string().nullable(),
    settings: z.record(z.string(), z.unknown()),
    created_at: z.date(),
    updated_at: z.date(),
  })
  .openapi('Workspace');
export type Workspace = z.infer<typeof Workspace>;

export const WorkspaceCreate = z
  .strictObject({
    name: WorkspaceName,
    slug: slugSchema.optional(),
    time_zone: timeZoneSchema.default('Asia/Jakarta'),
    locale: Locale.default('id'),
    currency: Currency.default('IDR'),
    country: Country.default('ID'),
    template: templateSchema.optional(),
  })
  .openapi('WorkspaceCreate');

export const WorkspacePatch = z
  .strictObject({
    name: WorkspaceName,
    time_zone: timeZoneSchema,
    locale: Locale,
    currency: Currency,
    country: Country,
    settings: z.record(z.string(), z.unknown()),
  })
  .partial()
  .openapi('WorkspacePatch');

export const TransferBody = z.strictObject({ user_id: z.uuid() });

export const Member = z.object({ user_id: z.uuid(), email: z.string().nullable(), name: z.string().nullable(), role: z.string(), created_at: z.date() }).openapi('Member');
export const MemberList = z.object({ data: z.array(Member) });
export const MemberRoleBody = z.strictObject({ role: z.enum(['admin', 'member']) });

export const Invitation = z
  .object({ id: z.uuid(), email: z.string(), role: z.string(), created_at: z.date(), expires_at: z.date(), accepted_at: z.date().nullable(), revoked_at: z.date().nullable() })
  .openapi('Invitation');
export const InvitationList = z.object({ data: z.array(Invitation) });
export const InvitationCreate = z.strictObject({ email: Email, role: z.enum(['admin', 'member']).default('member') });
export const InvitationCreated = z
  .object({ id: z.uuid(), email: z.string(), role: z.string(), created_at: z.date(), expires_at: z.date(), token: z.string(), invite_url: z.string() })
  .openapi('InvitationCreated');
export const InvitationAccepted = z.object({ workspace_id: z.uuid(), role: z.string() });

export const ApiKey = z
  .object({ id: z.uuid(), name: z.string(), prefix: z.string(), read_only: z.boolean(), created_at: z.date(), last_used_at: z.date().nullable(), revoked_at: z.date().nullable() })
  .openapi('ApiKey');
export const ApiKeyList = z.object({ data: z.array(ApiKey) });
export const ApiKeyCreate = z.strictObject({ name: z.string().trim().min(1).max(100), read_only: z.boolean().default(false) });
export const ApiKeyCreated = z
  .object({ id: z.uuid(), name: z.string(), prefix: z.string(), read_only: z.boolean(), created_at: z.date(), key: z.string().openapi({ description: 'shown once' }) })
  .openapi('ApiKeyCreated');
