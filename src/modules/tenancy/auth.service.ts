import { AppError } from '../../platform/errors.ts';
import type { Clock } from '../../platform/clock.ts';
import type { Database, Tx } from '../../platform/db/database.ts';
import { fromDatabaseError } from '../../platform/db/errors.ts';
import { assume, claimsFor, withServiceRole, withTenant, type Actor } from '../../platform/db/tenant.ts';
import type { Principal } from '../../platform/http/env.ts';
import { newId } from '../../platform/ids.ts';
import * as users from './auth.repo.ts';
import { hashPassword, newSecret, sha256, verifyPassword } from './secrets.ts';
import * as repo from './tenancy.repo.ts';
import type { Me } from './tenancy.schema.ts';

export const SESSION_COOKIE = 'fd_session';
export const SESSION_DAYS = 30;
export const API_KEY_PREFIX = 'fd_';

/**
 * Who is calling, from the bearer key or the session cookie. Lookups happen before any
 * workspace is known, so they run as the service role; results are cached briefly. A
 * cached API key that was revoked since still gets nothing: the database checks keys again
 * in every tenant transaction (app.workspace_rank()).
 */
export class Authenticator {
  private cache = new Map<string, { principal: Principal; until: number }>();
  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly ttlMs = 30_000,
  ) {}

  async fromCredentials(bearer: string | undefined, sessionToken: string | undefined): Promise<Principal> {
    if (bearer !== undefined) {
      const principal = await this.cached(`k:${bearer}`, () => this.lookupKey(bearer));
      if (!principal) throw new AppError('auth.invalid_key', 'unauthenticated', 'the API key is not valid or was revoked');
      return principal;
    }
    if (sessionToken) {
      const principal = await this.cached(`s:${sessionToken}`, () => this.lookupSession(sessionToken));
      if (principal) return principal;
    }
    return { kind: 'anonymous' };
  }

  forget(token: string) {
    this.cache.delete(`s:${token}`);
    this.cache.delete(`k:${token}`);
  }

  forgetAll() {
    this.cache.clear();
  }

  private async cached(key: string, load: () => Promise<Principal | undefined>): Promise<Principal | undefined> {
    const now = this.clock.now().getTime();
    const hit = this.cache.get(key);
    if (hit && hit.until > now) return hit.principal;
    const principal = await load();
    if (principal) {
      if (this.cache.size > 10_000) this.cache.clear();
      this.cache.set(key, { principal, until: now + this.ttlMs });
    } else this.cache.delete(key);
    return principal;
  }

  private lookupKey(key: string): Promise<Principal | undefined> {
    if (!key.startsWith(API_KEY_PREFIX)) return Promise.resolve(undefined);
    return withServiceRole(this.db, async (tx) => {
      const row = await repo.useApiKey(tx, sha256(key), this.clock.now());
      return row ? { kind: 'api_key' as const, apiKeyId: row.id, workspaceId: row.workspace_id, readOnly: row.read_only } : undefined;
    });
  }

  private lookupSession(token: string): Promise<Principal | undefined> {
    return withServiceRole(this.db, async (tx) => {
      const row = await users.findLiveSession(tx, sha256(token), this.clock.now());
      return row ? { kind: 'session' as const, sessionId: row.id, userId: row.user_id, email: row.email ?? '' } : undefined;
    });
  }
}

/** The actor for a request: see ResolveActor in platform/http/tenant.ts. */
export async function resolveActor(tx: Tx, principal: Principal, requested: string | undefined): Promise<Actor> {
  switch (principal.kind) {
    case 'api_key':
      if (requested && requested !== principal.workspaceId) {
        throw new AppError('auth.wrong_workspace', 'forbidden', 'this API key belongs to another workspace');
      }
      return { kind: 'api_key', apiKeyId: principal.apiKeyId, workspaceId: principal.workspaceId };
    case 'session': {
      if (requested) return { kind: 'user', userId: principal.userId, email: principal.email, workspaceId: requested };
      const bare: Actor = { kind: 'user', userId: principal.userId, email: principal.email };
      await assume(tx, 'authenticated', claimsFor(bare));
      const ids = await repo.myWorkspaceIds(tx);
      return ids.length === 1 ? { ...bare, workspaceId: ids[0]! } : bare;
    }
    case 'anonymous':
      return { kind: 'anon', workspaceId: requested };
  }
}

export interface SessionIssued {
  token: string;
  expiresAt: Date;
  userId: string;
}

async function issueSession(tx: Tx, userId: string, clock: Clock, meta: { ip?: string | undefined; userAgent?: string | undefined }): Promise<SessionIssued> {
  const { secret, hash } = newSecret('');
  const expiresAt = new Date(clock.now().getTime() + SESSION_DAYS * 86_400_000);
  await users.insertSession(tx, { id: newId(), userId, tokenHash: hash, expiresAt, ip: meta.ip ?? null, userAgent: meta.userAgent?.slice(0, 300) ?? null });
  return { token: secret, expiresAt, userId };
}

export const CONFIRMATION_HOURS = 24;

/** What a new account's owner is sent to prove the address is theirs. */
export interface SignUpConfirmation {
  email: string;
  token: string;
  expiresAt: Date;
}

/**
 * Starts a sign-up. The caller answers the same whatever happens here, so that sign-up does
 * not tell whether an email has an account: for a new email a confirmation is made and
 * returned (to be sent to the address); for an email with an account nothing is made and
 * undefined is returned. The password is hashed in both cases, so the time taken is alike.
 */
export async function requestSignUp(
  db: Database,
  clock: Clock,
  input: { email: string; password: string; name?: string | undefined },
): Promise<SignUpConfirmation | undefined> {
  const passwordHash = await hashPassword(input.password);
  return withServiceRole(db, async (tx) => {
    if (await users.findUserIdByEmail(tx, input.email)) return undefined;
    const now = clock.now();
    await users.deleteExpiredConfirmations(tx, now);
    const { secret, hash } = newSecret('');
    const expiresAt = new Date(now.getTime() + CONFIRMATION_HOURS * 3_600_000);
    await users.insertConfirmation(tx, { id: newId(), email: input.email, passwordHash, fullName: input.name ?? null, tokenHash: hash, expiresAt });
    return { email: input.email, token: secret, expiresAt };
  });
}

/**
 * Sign-up from an invitation link: the invitation was sent to its email, so holding a live
 * one proves the address as a confirmation link would, and the account is made at once and
 * signed in. Only for the email the invitation names; undefined for any other email or a
 * token that is not a live invitation, so the caller goes on as for any sign-up and learns
 * nothing. An account that exists already for the invited email is told to sign in: only
 * the address's owner holds that link.
 */
export async function signUpByInvitation(
  db: Database,
  clock: Clock,
  input: { email: string; password: string; name?: string | undefined; invitation_token: string },
  meta: { ip?: string; userAgent?: string } = {},
): Promise<SessionIssued | undefined> {
  const passwordHash = await hashPassword(input.password);
  return withServiceRole(db, async (tx) => {
    const now = clock.now();
    if (!(await repo.isLiveInvitationFor(tx, sha256(input.invitation_token), input.email, now))) return undefined;
    if (await users.findUserIdByEmail(tx, input.email)) throw new AppError('auth.email_taken', 'conflict', 'this email has an account already; sign in instead', { field: 'email' });
    const id = newId();
    await users.insertConfirmedUser(tx, { id, email: input.email, passwordHash, fullName: input.name ?? null, confirmedAt: now });
    await users.deleteConfirmationsFor(tx, input.email);
    return issueSession(tx, id, clock, meta);
  });
}

/** Creates the account of a confirmed sign-up (its email now confirmed) and signs it in. */
export async function confirmSignUp(
  db: Database,
  clock: Clock,
  token: string,
  meta: { ip?: string; userAgent?: string } = {},
): Promise<SessionIssued> {
  return withServiceRole(db, async (tx) => {
    const now = clock.now();
    const pending = await users.takeConfirmation(tx, sha256(token), now);
    if (!pending) throw new AppError('auth.confirmation_invalid', 'invalid', 'this confirmation link is not valid, was used already, or expired; sign up again', { field: 'token' });
    const id = newId();
    try {
      await users.insertConfirmedUser(tx, { id, email: pending.email, passwordHash: pending.encrypted_password, fullName: pending.full_name, confirmedAt: now });
    } catch (e) {
      // The address's owner confirmed another sign-up first: they hold the account already.
      if (fromDatabaseError(e)?.code === 'db.unique_violation') {
        throw new AppError('auth.email_taken', 'conflict', 'this email has an account already; sign in instead', { field: 'email' });
      }
      throw e;
    }
    await users.deleteConfirmationsFor(tx, pending.email);
    return issueSession(tx, id, clock, meta);
  });
}

export async function signIn(
  db: Database,
  clock: Clock,
  input: { email: string; password: string },
  meta: { ip?: string; userAgent?: string } = {},
): Promise<SessionIssued> {
  const user = await withServiceRole(db, (tx) => users.findCredentialsByEmail(tx, input.email));
  const ok = await verifyPassword(input.password, user?.encrypted_password);
  if (!user || !ok) throw new AppError('auth.invalid_credentials', 'unauthenticated', 'wrong email or password');
  return withServiceRole(db, async (tx) => {
    await users.stampSignIn(tx, user.id, clock.now());
    return issueSession(tx, user.id, clock, meta);
  });
}

export async function signOut(db: Database, token: string): Promise<void> {
  await withServiceRole(db, (tx) => users.deleteSessionByToken(tx, sha256(token)));
}

/** Checks the current password, sets the new one and ends every other session of the user. */
export async function changePassword(db: Database, userId: string, sessionId: string, current: string, next: string): Promise<void> {
  const user = await withServiceRole(db, (tx) => users.findPasswordHash(tx, userId));
  if (!(await verifyPassword(current, user?.encrypted_password))) {
    throw new AppError('auth.invalid_credentials', 'forbidden', 'the current password is wrong', { field: 'current_password' });
  }
  const hash = await hashPassword(next);
  await withServiceRole(db, async (tx) => {
    await users.setPasswordHash(tx, userId, hash);
    await users.deleteOtherSessions(tx, userId, sessionId);
  });
}

export const PASSWORD_RESET_MINUTES = 60;

/** What the owner of an account that asked for a password reset is sent. */
export interface PasswordReset {
  email: string;
  token: string;
  expiresAt: Date;
}

/**
 * Starts a password reset. The caller answers the same whatever happens here, so that it
 * does not tell whether an email has an account: for an account a single-use token (kept as
 * its hash, valid PASSWORD_RESET_MINUTES) is made and returned, to be sent to the address;
 * for any other email undefined. Asking again leaves earlier links live until they expire
 * or one of them is used.
 */
export async function requestPasswordReset(db: Database, clock: Clock, email: string): Promise<PasswordReset | undefined> {
  return withServiceRole(db, async (tx) => {
    const userId = await users.findUserIdByEmail(tx, email);
    if (!userId) return undefined;
    const now = clock.now();
    await users.deleteStalePasswordResets(tx, now);
    const { secret, hash } = newSecret('');
    const expiresAt = new Date(now.getTime() + PASSWORD_RESET_MINUTES * 60_000);
    await users.insertPasswordReset(tx, { id: newId(), userId, tokenHash: hash, expiresAt });
    return { email, token: secret, expiresAt };
  });
}

/**
 * Sets the password of the account a live reset link belongs to, spends that link and every
 * other one of the account, and ends all its sessions: whoever knew the old password is out.
 */
export async function confirmPasswordReset(db: Database, clock: Clock, token: string, password: string): Promise<void> {
  const hash = await hashPassword(password);
  await withServiceRole(db, async (tx) => {
    const now = clock.now();
    const reset = await users.usePasswordReset(tx, sha256(token), now);
    if (!reset) throw new AppError('auth.reset_invalid', 'invalid', 'this password reset link is not valid, was used already, or expired; ask for a new one', { field: 'token' });
    await users.setPasswordHash(tx, reset.user_id, hash);
    await users.spendPasswordResets(tx, reset.user_id, now);
    await users.deleteSessions(tx, reset.user_id);
  });
}

/** Sets a password without the old one: the operator's command line, and the demo data. */
export async function setPassword(db: Database, userId: string, password: string): Promise<void> {
  const hash = await hashPassword(password);
  await withServiceRole(db, (tx) => users.setPasswordHash(tx, userId, hash));
}

/** The signed-in user and their workspaces, read as that user so row-level security applies. */
export async function whoAmI(db: Database, userId: string): Promise<Me> {
  return withTenant(db, { kind: 'user', userId }, async (tx) => {
    const user = await users.findUser(tx, userId);
    const workspaces = await repo.listMemberships(tx, userId);
    return { user: { ...user, email: user.email ?? '' }, workspaces: workspaces as Me['workspaces'] };
  });
}
