// The auth schema's tables (users, sessions, pending sign-ups): every query tenancy makes on them.
// The callers run these as the service role, since who someone is is known before any workspace.
import type { Tx } from '../../platform/db/database.ts';

// Users -----------------------------------------------------------------------------------

export async function findUserIdByEmail(tx: Tx, email: string): Promise<string | undefined> {
  const row = await tx.db.selectFrom('auth.users').select('id').where('email', '=', email).executeTakeFirst();
  return row?.id;
}

/** Creates a user without a password; an email someone has already is left alone. */
export async function insertUser(tx: Tx, user: { id: string; email: string; fullName?: string | undefined }) {
  await tx.db
    .insertInto('auth.users')
    .values({ id: user.id, email: user.email, full_name: user.fullName ?? null })
    .onConflict((oc) => oc.column('email').doNothing())
    .execute();
}

/** A user whose email is confirmed, with a password; a taken email throws the unique violation. */
export async function insertConfirmedUser(
  tx: Tx,
  user: { id: string; email: string; passwordHash: string; fullName: string | null; confirmedAt: Date },
) {
  await tx.db
    .insertInto('auth.users')
    .values({ id: user.id, email: user.email, encrypted_password: user.passwordHash, full_name: user.fullName, email_confirmed_at: user.confirmedAt })
    .execute();
}

export async function findUser(tx: Tx, userId: string) {
  return tx.db.selectFrom('auth.users').select(['id', 'email', 'full_name as name']).where('id', '=', userId).executeTakeFirstOrThrow();
}

/** What a signed-in person's own screens and assistant read of them: name, e-mail, locale and sign-up details. */
export async function findUserProfile(tx: Tx, userId: string) {
  return tx.db.selectFrom('auth.users').select(['full_name', 'email', 'locale', 'raw_user_meta_data']).where('id', '=', userId).executeTakeFirst();
}

export async function findCredentialsByEmail(tx: Tx, email: string) {
  return tx.db.selectFrom('auth.users').select(['id', 'encrypted_password']).where('email', '=', email).executeTakeFirst();
}

export async function findPasswordHash(tx: Tx, userId: string) {
  return tx.db.selectFrom('auth.users').select(['encrypted_password']).where('id', '=', userId).executeTakeFirst();
}

export async function setPasswordHash(tx: Tx, userId: string, hash: string) {
  await tx.db.updateTable('auth.users').set({ encrypted_password: hash }).where('id', '=', userId).execute();
}

export async function stampSignIn(tx: Tx, userId: string, at: Date) {
  await tx.db.updateTable('auth.users').set({ last_sign_in_at: at }).where('id', '=', userId).execute();
}

// Sessions --------------------------------------------------------------------------------

export async function insertSession(
  tx: Tx,
  s: { id: string; userId: string; tokenHash: string; expiresAt: Date; ip: string | null; userAgent: string | null },
) {
  await tx.db
    .insertInto('auth.sessions')
    .values({ id: s.id, user_id: s.userId, token_hash: s.tokenHash, expires_at: s.expiresAt, ip: s.ip, user_agent: s.userAgent })
    .execute();
}

/** The live session with this token, and its user's email. */
export async function findLiveSession(tx: Tx, tokenHash: string, now: Date) {
  return tx.db
    .selectFrom('auth.sessions as s')
    .innerJoin('auth.users as u', 'u.id', 's.user_id')
    .select(['s.id', 's.user_id', 'u.email'])
    .where('s.token_hash', '=', tokenHash)
    .where('s.expires_at', '>', now)
    .executeTakeFirst();
}

export async function deleteSessionByToken(tx: Tx, tokenHash: string) {
  await tx.db.deleteFrom('auth.sessions').where('token_hash', '=', tokenHash).execute();
}

export async function deleteOtherSessions(tx: Tx, userId: string, keepSessionId: string) {
  await tx.db.deleteFrom('auth.sessions').where('user_id', '=', userId).where('id', '<>', keepSessionId).execute();
}

// Sign-ups waiting for their confirmation ----------------------------------------------------

export async function deleteExpiredConfirmations(tx: Tx, now: Date) {
  await tx.db.deleteFrom('auth.signup_confirmations').where('expires_at', '<=', now).execute();
}

export async function insertConfirmation(
  tx: Tx,
  c: { id: string; email: string; passwordHash: string; fullName: string | null; tokenHash: string; expiresAt: Date },
) {
  await tx.db
    .insertInto('auth.signup_confirmations')
    .values({ id: c.id, email: c.email, encrypted_password: c.passwordHash, full_name: c.fullName, token_hash: c.tokenHash, expires_at: c.expiresAt })
    .execute();
}

/** Removes the live confirmation with this token and returns it: a link works once. */
export async function takeConfirmation(tx: Tx, tokenHash: string, now: Date) {
  return tx.db
    .deleteFrom('auth.signup_confirmations')
    .where('token_hash', '=', tokenHash)
    .where('expires_at', '>', now)
    .returning(['email', 'encrypted_password', 'full_name'])
    .executeTakeFirst();
}

export async function deleteConfirmationsFor(tx: Tx, email: string) {
  await tx.db.deleteFrom('auth.signup_confirmations').where('email', '=', email).execute();
}

// Password resets --------------------------------------------------------------------------

export async function insertPasswordReset(tx: Tx, r: { id: string; userId: string; tokenHash: string; expiresAt: Date }) {
  await tx.db.insertInto('auth.password_resets').values({ id: r.id, user_id: r.userId, token_hash: r.tokenHash, expires_at: r.expiresAt }).execute();
}

export async function deleteStalePasswordResets(tx: Tx, now: Date) {
  await tx.db.deleteFrom('auth.password_resets').where((eb) => eb.or([eb('expires_at', '<=', now), eb('used_at', 'is not', null)])).execute();
}

/** Marks the live, unused reset with this token used and returns its user: a link works once. */
export async function usePasswordReset(tx: Tx, tokenHash: string, now: Date) {
  return tx.db
    .updateTable('auth.password_resets')
    .set({ used_at: now })
    .where('token_hash', '=', tokenHash)
    .where('expires_at', '>', now)
    .where('used_at', 'is', null)
    .returning(['user_id'])
    .executeTakeFirst();
}

/** Once a password is set, every other link for the account is spent too. */
export async function spendPasswordResets(tx: Tx, userId: string, now: Date) {
  await tx.db.updateTable('auth.password_resets').set({ used_at: now }).where('user_id', '=', userId).where('used_at', 'is', null).execute();
}

export async function deleteSessions(tx: Tx, userId: string) {
  await tx.db.deleteFrom('auth.sessions').where('user_id', '=', userId).execute();
}
