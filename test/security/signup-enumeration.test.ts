// Issue #11, low: sign-up revealed whether an email has an account (201 for a new one, 409
// auth.email_taken for an existing one).
import { beforeAll, describe, expect, it } from 'vitest';
import { describeEachDatabase } from '../support/db.ts';
import { email, testApp } from '../support/http.ts';
import { asService, rows } from '../support/actors.ts';
import { randomBytes } from 'node:crypto';
import { pino } from 'pino';
import { createServerApp } from '../../src/http.ts';
import { systemClock } from '../../src/platform/clock.ts';
import { createSecretBox } from '../../src/platform/secrets.ts';

describeEachDatabase('sign-up does not reveal accounts', (db) => {
  let t: ReturnType<typeof testApp>;
  let existing: Awaited<ReturnType<ReturnType<typeof testApp>['signUp']>>;
  beforeAll(async () => {
    t = testApp(db());
    existing = await t.signUp(email('taken'), 'the owners password');
  });

  const signUp = (who: string, password = 'an attacker password') =>
    t.call('POST', '/api/v1/auth/signup', { body: { email: who, password }, headers: { 'x-test-client': `visitor-${who}` } });

  it('answers a new and an existing email exactly alike', async () => {
    const fresh = await signUp(email('fresh'));
    const taken = await signUp(existing.email);
    expect(fresh.status).toBe(202);
    expect(taken.status).toBe(202);
    expect(taken.body).toEqual(fresh.body);
    expect(fresh.body).toEqual({ status: 'confirmation_sent', message: expect.stringMatching(/inbox/) });
    expect(taken.headers.get('set-cookie')).toBeNull();
    expect(fresh.headers.get('set-cookie')).toBeNull();
  });

  it('creates the account only when the link sent to the address is followed', async () => {
    const who = email('pending');
    expect((await signUp(who, 'a good password')).status).toBe(202);
    const users = () => asService(db(), (tx) => rows(tx, 'select id, email_confirmed_at from auth.users where email = $1', [who]));
    expect(await users()).toEqual([]);
    // Not signed in before confirming.
    expect((await t.call('POST', '/api/v1/auth/signin', { body: { email: who, password: 'a good password' } })).status).toBe(401);
    // The token is stored only as a hash.
    const token = t.confirmationToken(who)!;
    const stored = await asService(db(), (tx) => rows<{ token_hash: string }>(tx, 'select token_hash from auth.signup_confirmations where email = $1', [who]));
    expect(stored).toHaveLength(1);
    expect(stored[0]!.token_hash).not.toContain(token);
    const confirmed = await t.call('POST', '/api/v1/auth/signup/confirm', { body: { token } });
    expect(confirmed.status).toBe(201);
    expect(await users()).toEqual([{ id: confirmed.body.user.id, email_confirmed_at: expect.any(Date) }]);
    expect((await t.call('POST', '/api/v1/auth/signin', { body: { email: who, password: 'a good password' } })).status).toBe(200);
  });

  it('sends nothing for an existing account and leaves its password alone', async () => {
    expect((await signUp(existing.email, 'a takeover attempt')).status).toBe(202);
    expect(t.confirmationToken(existing.email)).toBeUndefined();
    expect((await t.call('POST', '/api/v1/auth/signin', { body: { email: existing.email, password: 'a takeover attempt' } })).status).toBe(401);
    expect((await t.call('POST', '/api/v1/auth/signin', { body: { email: existing.email, password: 'the owners password' } })).status).toBe(200);
  });

  it('refuses unknown and expired tokens', async () => {
    const bad = await t.call('POST', '/api/v1/auth/signup/confirm', { body: { token: 'x'.repeat(43) } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('auth.confirmation_invalid');
    const who = email('late');
    expect((await signUp(who)).status).toBe(202);
    await asService(db(), (tx) => tx.query(`update auth.signup_confirmations set expires_at = now() - interval '1 minute' where email = $1`, [who]));
    expect((await t.call('POST', '/api/v1/auth/signup/confirm', { body: { token: t.confirmationToken(who) } })).status).toBe(400);
  });

  describe('from an invitation link', () => {
    let inviter: Awaited<ReturnType<ReturnType<typeof testApp>['owner']>>;
    beforeAll(async () => {
      inviter = await t.owner(email('inviter'));
    });
    const invite = async (who: string) => {
      const inv = await t.call('POST', '/api/v1/invitations', { ...inviter.as, body: { email: who, role: 'member' } });
      expect(inv.status).toBe(201);
      return inv.body.token as string;
    };
    const signUpInvited = (who: string, token: string, password = 'a good password') =>
      t.call('POST', '/api/v1/auth/signup', { body: { email: who, password, invitation_token: token }, headers: { 'x-test-client': `invited-${who}` } });

    it('creates the account of the invited email at once, signed in, and the invitation can be accepted', async () => {
      const who = email('invited');
      const token = await invite(who);
      const res = await signUpInvited(who, token);
      expect(res.status).toBe(201);
      expect(res.body.user.email).toBe(who);
      const cookie = (res.headers.get('set-cookie') ?? '').split(';')[0]!;
      expect(cookie).toMatch(/=/);
      const accepted = await t.call('POST', '/api/v1/invitations/accept', { cookie, body: { token } });
      expect(accepted.status).toBe(200);
      expect(accepted.body.workspace_id).toBe(inviter.workspaceId);
      const confirmed = await asService(db(), (tx) => rows(tx, 'select email_confirmed_at from auth.users where email = $1', [who]));
      expect(confirmed).toEqual([{ email_confirmed_at: expect.any(Date) }]);
    });

    it('treats another email, an unknown token or a revoked invitation as a sign-up without one', async () => {
      const who = email('invitee');
      const token = await invite(who);
      const other = email('not-invited');
      const wrongEmail = await signUpInvited(other, token);
      const unknown = await signUpInvited(email('stranger'), 'y'.repeat(43));
      for (const res of [wrongEmail, unknown]) {
        expect(res.status).toBe(202);
        expect(res.headers.get('set-cookie')).toBeNull();
      }
      expect(await asService(db(), (tx) => rows(tx, 'select 1 from auth.users where email = $1', [other]))).toEqual([]);
      // Revoked: the link no longer proves anything.
      const revokedFor = email('revoked');
      const revokedToken = await invite(revokedFor);
      await asService(db(), (tx) => tx.query(`update invitations set revoked_at = now() where email = $1`, [revokedFor]));
      expect((await signUpInvited(revokedFor, revokedToken)).status).toBe(202);
      expect(await asService(db(), (tx) => rows(tx, 'select 1 from auth.users where email = $1', [revokedFor]))).toEqual([]);
    });

    it('tells the invited address that it has an account already, and changes nothing', async () => {
      const token = await invite(existing.email);
      const res = await signUpInvited(existing.email, token, 'a takeover attempt');
      expect(res.status).toBe(409);
      expect(res.body.error.code).toBe('auth.email_taken');
      expect((await t.call('POST', '/api/v1/auth/signin', { body: { email: existing.email, password: 'the owners password' } })).status).toBe(200);
    });
  });

  it('logs the link at info when no mailer is configured', async () => {
    const lines: string[] = [];
    const log = pino({ level: 'info' }, { write: (l: string) => void lines.push(l) });
    const app = createServerApp({ db: db(), log, clock: systemClock, secrets: createSecretBox(randomBytes(32)), publicUrl: 'https://frontdesk.test' });
    const res = await app.request('/api/v1/auth/signup', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: email('logged'), password: 'long enough pw' }) });
    expect(res.status).toBe(202);
    const line = lines.map((l) => JSON.parse(l)).find((l) => /sign-up confirmation link/.test(l.msg));
    expect(line).toMatchObject({ level: 30, confirm_url: expect.stringMatching(/^https:\/\/frontdesk\.test\/signup\/confirm#token=[A-Za-z0-9_-]{43}$/) });
  });
});
