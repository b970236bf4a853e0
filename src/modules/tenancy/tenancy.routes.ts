import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { AppError } from '../../platform/errors.ts';
import type { Ctx } from '../../platform/context.ts';
import type { Logger } from '../../platform/log.ts';
import type { Mailer } from '../../platform/mail.ts';
import { Rank, type RouteDeps } from '../../platform/http/env.ts';
import { clientAddress, limitsOf, rateLimit, tooMany } from '../../platform/http/rate-limit.ts';
import { createRoute, createRouter, errorResponses, json, jsonBody, UuidParam, z } from '../../platform/http/router.ts';
import * as access from './access.service.ts';
import * as notices from './notifications.service.ts';
import {
  Authenticator, SESSION_COOKIE, changePassword, confirmPasswordReset, confirmSignUp, requestPasswordReset, requestSignUp, signIn, signUpByInvitation, signOut, whoAmI,
  type PasswordReset, type SessionIssued, type SignUpConfirmation,
} from './auth.service.ts';
import {
  ApiKeyCreate, ApiKeyCreated, ApiKeyList, InvitationAccepted, InvitationCreate, InvitationCreated, InvitationList, Me, MemberList, MemberRoleBody,
  PasswordChangeBody, PasswordResetAccepted, PasswordResetBody, PasswordResetConfirmBody, SignInBody, SignUpAccepted, SignUpBody, TokenBody, TransferBody, Workspace, WorkspaceCreate, WorkspacePatch, type Template,
} from './tenancy.schema.ts';
import { createWorkspaceAsUser } from './tenancy.service.ts';

const IdParams = z.object({ id: UuidParam });
const UserIdParams = z.object({ user_id: UuidParam });

/** Failed sign-ins one account may take in a window before it is refused (429) until the window ends. */
export const SIGNIN_FAILURES = { bucket: 'signin-account', limit: 10, windowMs: 15 * 60_000 };

/** Sends a new account's confirmation link to its email address. */
export type SendSignUpConfirmation = (message: SignUpConfirmation & { url: string }) => Promise<void> | void;

export interface TenancyRouteDeps extends RouteDeps {
  authenticator: Authenticator;
  /** How confirmation links reach people; without one they are logged (no mailer is built in). */
  sendSignUpConfirmation?: SendSignUpConfirmation | undefined;
  /** SMTP (SMTP_URL): password reset links go out through it; without one they are logged. */
  mailer?: Mailer | undefined;
  templates: Record<Template, (ctx: Ctx, workspaceId: string) => Promise<void>>;
  secureCookies: boolean;
}

export function tenancyRoutes(deps: TenancyRouteDeps) {
  const r = createRouter();
  const { db, clock } = deps;
  const sendConfirmation = async (log: Logger, message: SignUpConfirmation & { url: string }) => {
    if (deps.sendSignUpConfirmation) return deps.sendSignUpConfirmation(message);
    // No mailer: the operator relays the link (docs/operations.md, "Sign-up confirmation").
    log.info({ confirm_url: message.url, expires_at: message.expiresAt }, 'sign-up confirmation link (no mailer configured: send it to the person who signed up)');
  };

  const sendPasswordReset = async (log: Logger, message: PasswordReset & { url: string }) => {
    if (!deps.mailer) {
      // No mailer: the operator relays the link (docs/operations.md, "Password reset").
      log.info({ reset_url: message.url, expires_at: message.expiresAt }, 'password reset link (no mailer configured: send it to the account\'s owner)');
      return;
    }
    try {
      await deps.mailer.send({
        to: message.email,
        subject: 'Reset your Frontdesk password',
        text:
          `Someone asked to reset the password of the Frontdesk account for ${message.email}.\n\n` +
          `To choose a new password, open this link within an hour (it works once):\n${message.url}\n\n` +
          'If it was not you, ignore this e-mail: your password stays as it is.',
      });
    } catch (e) {
      // The answer must not differ for accounts (no enumeration): the failure is the operator's to see.
      log.error({ err: e }, 'a password reset e-mail failed');
    }
  };

  const setSession = (c: Parameters<typeof setCookie>[0], s: SessionIssued) =>
    setCookie(c, SESSION_COOKIE, s.token, {
      httpOnly: true,
      sameSite: 'Lax',
      secure: deps.secureCookies,
      path: '/',
      expires: s.expiresAt,
    });

  const me = (userId: string) => whoAmI(db, userId);

  // Accounts -------------------------------------------------------------------------------
  r.openapi(
    createRoute({
      method: 'post', path: '/auth/signup', tags: ['auth'], summary: 'Start a sign-up: a confirmation link goes to the email',
      description:
        'Answers 202 the same whether or not the email has an account, so that sign-up does not tell. ' +
        'For a new email a confirmation link (valid 24 hours) is sent to it; following it (POST /auth/signup/confirm) creates the account and signs in. ' +
        'Without a mailer the server logs the link at info ("sign-up confirmation link"). ' +
        'With `invitation_token` from a live invitation sent to this same email, the invitation proves the address: ' +
        'the account is created at once and signed in (201), or, when the email has an account already, 409 auth.email_taken. ' +
        'Any other token or email is treated as a sign-up without one (202).',
      middleware: [rateLimit({ bucket: 'signup', limit: 5, windowMs: 60_000 })] as const,
      request: { body: jsonBody(SignUpBody) },
      responses: {
        201: json(Me, 'invited email: account created and signed in (session cookie set)'),
        202: json(SignUpAccepted, 'a confirmation link was sent if the email can sign up'),
        ...errorResponses,
      },
    }),
    async (c) => {
      const { invitation_token, ...input } = c.req.valid('json');
      if (invitation_token) {
        const session = await signUpByInvitation(db, clock, { ...input, invitation_token }, { ip: clientAddress(c), userAgent: c.req.header('user-agent') });
        if (session) {
          setSession(c, session);
          return c.json(await me(session.userId), 201);
        }
      }
      const confirmation = await requestSignUp(db, clock, input);
      if (confirmation) {
        const base = deps.publicUrl ?? new URL(c.req.url).origin;
        await sendConfirmation(c.var.log, { ...confirmation, url: `${base}/signup/confirm#token=${confirmation.token}` });
      } else {
        c.var.log.info('sign-up for an email that has an account: nothing sent');
      }
      return c.json({ status: 'confirmation_sent' as const, message: 'If this email can sign up, a confirmation link is on its way: check your inbox.' }, 202);
    },
  );

  r.openapi(
    createRoute({
      method: 'post', path: '/auth/signup/confirm', tags: ['auth'], summary: 'Confirm a sign-up with the token from its link; creates the account and signs in',
      middleware: [rateLimit({ bucket: 'signup-confirm', limit: 10, windowMs: 60_000 })] as const,
      request: { body: jsonBody(TokenBody) },
      responses: { 201: json(Me, 'account created and signed in (session cookie set)'), ...errorResponses },
    }),
    async (c) => {
      const session = await confirmSignUp(db, clock, c.req.valid('json').token, { ip: clientAddress(c), userAgent: c.req.header('user-agent') });
      setSession(c, session);
      return c.json(await me(session.userId), 201);
    },
  );

  r.openapi(
    createRoute({
      method: 'post', path: '/auth/signin', tags: ['auth'], summary: 'Sign in with email and password',
      middleware: [rateLimit({ bucket: 'signin', limit: 10, windowMs: 60_000 })] as const,
      request: { body: jsonBody(SignInBody) },
      responses: { 200: json(Me, 'signed in (session cookie set)'), ...errorResponses },
    }),
    async (c) => {
      const input = c.req.valid('json');
      // Failed attempts are also counted per account, whatever address they come from: a
      // password cannot be guessed from many addresses, and the per-address limit above
      // stays the only thing an attacker on one address can trip for everyone else.
      const limits = limitsOf(c);
      const locked = limits.peek(SIGNIN_FAILURES.bucket, input.email);
      if (locked && locked.count >= SIGNIN_FAILURES.limit) {
        const e = tooMany(locked.resetAt, 'auth.too_many_attempts', 'too many failed sign-ins to this account');
        c.header('Retry-After', String(e.details!.retry_after));
        throw e;
      }
      let session: SessionIssued;
      try {
        session = await signIn(db, clock, input, { ip: clientAddress(c), userAgent: c.req.header('user-agent') });
      } catch (e) {
        if (e instanceof AppError && e.code === 'auth.invalid_credentials') limits.hit(SIGNIN_FAILURES.bucket, input.email, SIGNIN_FAILURES.windowMs);
        throw e;
      }
      limits.reset(SIGNIN_FAILURES.bucket, input.email);
      setSession(c, session);
      return c.json(await me(session.userId), 200);
    },
  );

  r.openapi(
    createRoute({
      method: 'post', path: '/auth/password-reset', tags: ['auth'], summary: 'Ask for a password reset link by e-mail',
      description:
        'Answers 202 the same whether or not the email has an account, so that it does not tell. ' +
        'For an account, a link to `/reset-password#token=…` (in the fragment, so it reaches no server log or Referer) (valid 1 hour, single use) is e-mailed to it; ' +
        'without a mailer (SMTP_URL) the server logs the link at info ("password reset link").',
      middleware: [rateLimit({ bucket: 'password-reset', limit: 5, windowMs: 60_000 })] as const,
      request: { body: jsonBody(PasswordResetBody) },
      responses: { 202: json(PasswordResetAccepted, 'a reset link was sent if the email has an account'), ...errorResponses },
    }),
    async (c) => {
      const { email } = c.req.valid('json');
      const reset = await requestPasswordReset(db, clock, email);
      if (reset) {
        const base = (deps.publicUrl ?? new URL(c.req.url).origin).replace(/\/+$/, '');
        // Not awaited: an SMTP conversation's time would tell which emails have accounts.
        void sendPasswordReset(c.var.log, { ...reset, url: `${base}/reset-password#token=${reset.token}` });
      } else {
        c.var.log.info('password reset for an email without an account: nothing sent');
      }
      return c.json({ status: 'reset_sent' as const, message: 'If this email has an account, a link to reset its password is on its way: check your inbox.' }, 202);
    },
  );

  r.openapi(
    createRoute({
      method: 'post', path: '/auth/password-reset/confirm', tags: ['auth'], summary: 'Set a new password with the token from a reset link (ends every session)',
      description: 'The link works once and for 1 hour; an unknown, used or expired token answers 400 auth.reset_invalid. Does not sign in: sign in with the new password.',
      middleware: [rateLimit({ bucket: 'password-reset-confirm', limit: 10, windowMs: 60_000 })] as const,
      request: { body: jsonBody(PasswordResetConfirmBody) },
      responses: { 204: { description: 'password set; every session of the account ended' }, ...errorResponses },
    }),
    async (c) => {
      const { token, password } = c.req.valid('json');
      await confirmPasswordReset(db, clock, token, password);
      // Sessions are cached briefly: forget them all so the ended ones stop working at once.
      deps.authenticator.forgetAll();
      return c.body(null, 204);
    },
  );

  r.openapi(
    createRoute({
      method: 'post', path: '/auth/signout', tags: ['auth'], summary: 'End this session',
      responses: { 204: { description: 'signed out' }, ...errorResponses },
    }),
    async (c) => {
      const token = getCookie(c, SESSION_COOKIE);
      if (token) {
        await signOut(db, token);
        deps.authenticator.forget(token);
      }
      deleteCookie(c, SESSION_COOKIE, { path: '/' });
      return c.body(null, 204);
    },
  );

  r.openapi(
    createRoute({
      method: 'post', path: '/auth/password', tags: ['auth'], summary: 'Change the password (ends your other sessions)',
      middleware: [deps.signedIn, rateLimit({ bucket: 'password', limit: 10, windowMs: 60_000 })] as const,
      request: { body: jsonBody(PasswordChangeBody) },
      responses: { 204: { description: 'changed' }, ...errorResponses },
    }),
    async (c) => {
      const p = c.var.principal;
      if (p.kind !== 'session') throw new AppError('auth.session_required', 'unauthenticated', 'sign in with a password to change it');
      const body = c.req.valid('json');
      await changePassword(db, p.userId, p.sessionId, body.current_password, body.new_password);
      deps.authenticator.forgetAll();
      return c.body(null, 204);
    },
  );

  r.openapi(
    createRoute({
      method: 'get', path: '/auth/me', tags: ['auth'], summary: 'The signed-in user and their workspaces',
      middleware: [deps.signedIn] as const,
      responses: { 200: json(Me), ...errorResponses },
    }),
    async (c) => {
      const p = c.var.principal;
      if (p.kind !== 'session') throw new AppError('auth.session_required', 'unauthenticated', 'this is for signed-in people, not API keys');
      return c.json(await me(p.userId), 200);
    },
  );

  // Workspaces -----------------------------------------------------------------------------
  r.openapi(
    createRoute({
      method: 'post', path: '/workspaces', tags: ['workspaces'], summary: 'Create a workspace; you become its owner',
      middleware: [deps.signedIn] as const,
      request: { body: jsonBody(WorkspaceCreate) },
      responses: { 201: json(Workspace), ...errorResponses },
    }),
    async (c) => {
      const p = c.var.principal;
      if (p.kind !== 'session') throw new AppError('auth.session_required', 'forbidden', 'workspaces are created by signed-in people');
      const body = c.req.valid('json');
      const row = await createWorkspaceAsUser(
        { db, clock, log: c.var.log },
        { userId: p.userId, email: p.email },
        { name: body.name, slug: body.slug, timeZone: body.time_zone, locale: body.locale, currency: body.currency, country: body.country, template: body.template },
        body.template ? deps.templates[body.template] : undefined,
      );
      return c.json(row as Workspace, 201);
    },
  );

  r.openapi(
    createRoute({
      method: 'get', path: '/workspace', tags: ['workspaces'], summary: "The current workspace's settings",
      middleware: deps.inWorkspace(Rank.readOnly),
      responses: { 200: json(Workspace), ...errorResponses },
    }),
    async (c) => c.json((await access.getWorkspace(c.var.ctx)) as Workspace, 200),
  );

  r.openapi(
    createRoute({
      method: 'patch', path: '/workspace', tags: ['workspaces'], summary: 'Change settings (admin)',
      middleware: deps.inWorkspace(Rank.admin),
      request: { body: jsonBody(WorkspacePatch) },
      responses: { 200: json(Workspace), ...errorResponses },
    }),
    async (c) => c.json((await access.updateWorkspace(c.var.ctx, c.req.valid('json'))) as Workspace, 200),
  );

  r.openapi(
    createRoute({
      method: 'delete', path: '/workspace', tags: ['workspaces'], summary: 'Delete the workspace and all its data (owner)',
      middleware: deps.inWorkspace(Rank.owner),
      responses: { 204: { description: 'deleted' }, ...errorResponses },
    }),
    async (c) => {
      await access.deleteWorkspace(c.var.ctx);
      return c.body(null, 204);
    },
  );

  r.openapi(
    createRoute({
      method: 'post', path: '/workspace/transfer-ownership', tags: ['workspaces'], summary: 'Make another member the owner; you become an admin (owner)',
      middleware: deps.inWorkspace(Rank.owner),
      request: { body: jsonBody(TransferBody) },
      responses: { 204: { description: 'transferred' }, ...errorResponses },
    }),
    async (c) => {
      await access.transferOwnership(c.var.ctx, c.req.valid('json').user_id);
      return c.body(null, 204);
    },
  );

  // Notifications -------------------------------------------------------------------------------
  const StaffNotification = z
    .object({
      id: z.uuid(),
      kind: z.enum(notices.STAFF_NOTIFICATION_KINDS),
      appointment_id: z.uuid().nullable(),
      body: z.string(),
      created_at: z.date(),
      read_at: z.date().nullable(),
    })
    .openapi('StaffNotification');
  r.openapi(
    createRoute({
      method: 'get', path: '/notifications', tags: ['team'], summary: 'What you have been told (the newest 50 are kept), newest first',
      description: 'The signed-in member\'s own notifications in this workspace (an API key has none: 403 auth.session_required).',
      middleware: deps.inWorkspace(Rank.readOnly),
      request: { query: z.object({ unread: z.enum(['true', 'false']).optional().transform((v) => v === 'true'), limit: z.coerce.number().int().min(1).max(200).default(50) }) },
      responses: { 200: json(z.object({ data: z.array(StaffNotification) }).openapi('StaffNotificationList')), ...errorResponses },
    }),
    async (c) => c.json(await notices.listMyNotifications(c.var.ctx, c.req.valid('query')), 200),
  );
  const Preference = z
    .object({ event_type: z.enum(notices.STAFF_EVENT_TYPES), in_app: z.boolean(), email: z.boolean().openapi({ description: "sent to the member's e-mail address (when the operator configured SMTP_URL)" }) })
    .openapi('NotificationPreference');
  const Preferences = z.object({ data: z.array(Preference) }).openapi('NotificationPreferences');
  r.openapi(
    createRoute({
      method: 'get', path: '/notifications/preferences', tags: ['team'], summary: 'Which events you are told of, and where (in the app, by e-mail)',
      description: 'Every event with your choice, or the default: in the app, no e-mail. `conversation.assigned` is only ever about conversations assigned to you.',
      middleware: deps.inWorkspace(Rank.readOnly),
      responses: { 200: json(Preferences), ...errorResponses },
    }),
    async (c) => c.json({ data: await notices.myPreferences(c.var.ctx) }, 200),
  );
  r.openapi(
    createRoute({
      method: 'put', path: '/notifications/preferences', tags: ['team'], summary: 'Choose which events you are told of, and where; events left out keep their choice',
      middleware: deps.inWorkspace(Rank.readOnly),
      request: { body: jsonBody(z.strictObject({ data: z.array(Preference).max(notices.STAFF_EVENT_TYPES.length).refine((l) => new Set(l.map((p) => p.event_type)).size === l.length, 'each event may appear only once') })) },
      responses: { 200: json(Preferences), ...errorResponses },
    }),
    async (c) => c.json({ data: await notices.setMyPreferences(c.var.ctx, c.req.valid('json').data) }, 200),
  );
  const Unread = z.object({ unread: z.number().int() }).openapi('NotificationUnreadCount');
  r.openapi(
    createRoute({
      method: 'get', path: '/notifications/unread-count', tags: ['team'], summary: 'How many of your notifications are unread',
      middleware: deps.inWorkspace(Rank.readOnly),
      responses: { 200: json(Unread), ...errorResponses },
    }),
    async (c) => c.json(await notices.countMyUnread(c.var.ctx), 200),
  );
  r.openapi(
    createRoute({
      method: 'post', path: '/notifications/read-all', tags: ['team'], summary: 'Mark all your notifications read',
      middleware: deps.inWorkspace(Rank.readOnly),
      responses: { 200: json(Unread), ...errorResponses },
    }),
    async (c) => c.json(await notices.markAllNotificationsRead(c.var.ctx), 200),
  );
  r.openapi(
    createRoute({
      method: 'post', path: '/notifications/{id}/read', tags: ['team'], summary: 'Mark one of your notifications read',
      middleware: deps.inWorkspace(Rank.readOnly),
      request: { params: z.object({ id: UuidParam }) },
      responses: { 200: json(StaffNotification), ...errorResponses },
    }),
    async (c) => c.json(await notices.markNotificationRead(c.var.ctx, c.req.valid('param').id), 200),
  );

  // Members and invitations ------------------------------------------------------------------
  r.openapi(
    createRoute({
      method: 'get', path: '/members', tags: ['team'], summary: 'The team',
      middleware: deps.inWorkspace(Rank.readOnly),
      responses: { 200: json(MemberList), ...errorResponses },
    }),
    async (c) => c.json({ data: await access.listMembers(c.var.ctx) }, 200),
  );

  r.openapi(
    createRoute({
      method: 'patch', path: '/members/{user_id}', tags: ['team'], summary: "Change a member's role (admin)",
      middleware: deps.inWorkspace(Rank.admin),
      request: { params: UserIdParams, body: jsonBody(MemberRoleBody) },
      responses: { 204: { description: 'changed' }, ...errorResponses },
    }),
    async (c) => {
      await access.changeMemberRole(c.var.ctx, c.req.valid('param').user_id, c.req.valid('json').role);
      return c.body(null, 204);
    },
  );

  r.openapi(
    createRoute({
      method: 'delete', path: '/members/{user_id}', tags: ['team'], summary: 'Remove a member (admin), or leave (yourself)',
      middleware: deps.inWorkspace(Rank.member),
      request: { params: UserIdParams },
      responses: { 204: { description: 'removed' }, ...errorResponses },
    }),
    async (c) => {
      const target = c.req.valid('param').user_id;
      const self = c.var.actor.kind === 'user' && c.var.actor.userId === target;
      if (!self && (c.var.rank ?? -1) < Rank.admin) throw new AppError('auth.forbidden', 'forbidden', 'this needs the admin role in this workspace');
      await access.removeMember(c.var.ctx, target);
      return c.body(null, 204);
    },
  );

  r.openapi(
    createRoute({
      method: 'post', path: '/invitations', tags: ['team'], summary: 'Invite someone by email (admin); returns the link, and e-mails it when SMTP is configured',
      middleware: deps.inWorkspace(Rank.admin),
      request: { body: jsonBody(InvitationCreate) },
      responses: { 201: json(InvitationCreated), ...errorResponses },
    }),
    async (c) => {
      const inv = await access.createInvitation(c.var.ctx, c.req.valid('json'));
      const base = deps.publicUrl ?? new URL(c.req.url).origin;
      const url = `${base}/invite#token=${inv.token}`;
      if (deps.mailer) {
        const mailer = deps.mailer;
        const workspace = (await access.getWorkspace(c.var.ctx)).name;
        const log = c.var.log;
        // Not awaited: the SMTP conversation must not hold the tenant transaction open. The
        // link is in the answer too, so a failed send is the admin's to relay.
        void mailer
          .send({
            to: inv.email,
            subject: `You are invited to ${workspace} on Frontdesk`,
            text:
              `You are invited to join ${workspace} on Frontdesk as ${inv.role}.\n\n` +
              `To accept, open this link before ${inv.expires_at.toISOString().slice(0, 10)} and sign up or sign in with this e-mail address:\n${url}\n\n` +
              'If you did not expect this, ignore this e-mail.',
          })
          .catch((e: unknown) => log.error({ err: e, invitation_id: inv.id }, 'an invitation e-mail failed'));
      }
      return c.json({ ...inv, invite_url: url }, 201);
    },
  );

  r.openapi(
    createRoute({
      method: 'get', path: '/invitations', tags: ['team'], summary: 'Invitations sent (admin)',
      middleware: deps.inWorkspace(Rank.admin),
      responses: { 200: json(InvitationList), ...errorResponses },
    }),
    async (c) => c.json({ data: await access.listInvitations(c.var.ctx) }, 200),
  );

  r.openapi(
    createRoute({
      method: 'delete', path: '/invitations/{id}', tags: ['team'], summary: 'Revoke an unused invitation (admin)',
      middleware: deps.inWorkspace(Rank.admin),
      request: { params: IdParams },
      responses: { 204: { description: 'revoked' }, ...errorResponses },
    }),
    async (c) => {
      await access.revokeInvitation(c.var.ctx, c.req.valid('param').id);
      return c.body(null, 204);
    },
  );

  r.openapi(
    createRoute({
      method: 'post', path: '/invitations/accept', tags: ['team'], summary: 'Join a workspace with an invitation token (signed in as the invited email)',
      middleware: [deps.signedIn, ...deps.asCaller()] as const,
      request: { body: jsonBody(TokenBody) },
      responses: { 200: json(InvitationAccepted), ...errorResponses },
    }),
    async (c) => c.json(await access.acceptInvitation(c.var.ctx, c.req.valid('json').token), 200),
  );

  // API keys ----------------------------------------------------------------------------------
  r.openapi(
    createRoute({
      method: 'post', path: '/api-keys', tags: ['api keys'], summary: 'Create an API key (admin); the key is shown only in this response',
      middleware: deps.inWorkspace(Rank.admin),
      request: { body: jsonBody(ApiKeyCreate) },
      responses: { 201: json(ApiKeyCreated), ...errorResponses },
    }),
    async (c) => c.json(await access.createApiKey(c.var.ctx, c.req.valid('json')), 201),
  );

  r.openapi(
    createRoute({
      method: 'get', path: '/api-keys', tags: ['api keys'], summary: 'API keys, without their secrets (admin)',
      middleware: deps.inWorkspace(Rank.admin),
      responses: { 200: json(ApiKeyList), ...errorResponses },
    }),
    async (c) => c.json({ data: await access.listApiKeys(c.var.ctx) }, 200),
  );

  r.openapi(
    createRoute({
      method: 'delete', path: '/api-keys/{id}', tags: ['api keys'], summary: 'Revoke an API key (admin); it stops working at once',
      middleware: deps.inWorkspace(Rank.admin),
      request: { params: IdParams },
      responses: { 204: { description: 'revoked' }, ...errorResponses },
    }),
    async (c) => {
      await access.revokeApiKey(c.var.ctx, c.req.valid('param').id);
      deps.authenticator.forgetAll();
      return c.body(null, 204);
    },
  );

  return r;
}
