// Password reset and invitations by e-mail (issue 17): asking for a reset answers alike for
// every email; an account's owner gets a single-use link valid one hour, mailed through
// nodemailer to a real SMTP server on 127.0.0.1; following it sets the password and ends every
// session of the account. An invitation's link is mailed to the invited address too.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { fixedClock } from '../../src/platform/clock.ts';
import { createMailer } from '../../src/platform/mail.ts';
import { asService, rows } from '../support/actors.ts';
import { describeEachDatabase } from '../support/db.ts';
import { fakeSmtp, type FakeSmtp, type Mail } from '../support/fakes/smtp.ts';
import { email, testApp } from '../support/http.ts';

/** The message's text as the reader sees it (quoted-printable undone). */
const textOf = (m: Mail) =>
  m.raw.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
const tokenIn = (m: Mail) => /https:\/\/frontdesk\.test\/reset-password#token=([A-Za-z0-9_-]+)/.exec(textOf(m))?.[1];

describeEachDatabase('password reset by e-mail', (db) => {
  let smtp: FakeSmtp;
  const clock = fixedClock(new Date());
  beforeAll(async () => {
    smtp = await fakeSmtp();
  });
  afterAll(() => smtp.close());
  const app = () => testApp(db(), clock, { mailer: createMailer({ url: smtp.url, from: 'Frontdesk <desk@frontdesk.test>' }) });
  const ask = (t: ReturnType<typeof app>, who: string, client = `asker-${who}`) =>
    t.call('POST', '/api/v1/auth/password-reset', { body: { email: who }, headers: { 'x-test-client': client } });

  it('mails a link that sets the password once and ends every session', async () => {
    const t = app();
    const who = email('forgot');
    const a = await t.signUp(who, 'the old password');
    const b = await t.call('POST', '/api/v1/auth/signin', { body: { email: who, password: 'the old password' } });
    const other = b.headers.get('set-cookie')!.split(';')[0]!;
    const before = smtp.mails.length;
    const res = await ask(t, who.toUpperCase());
    expect(res.status).toBe(202);
    expect(res.body).toEqual({ status: 'reset_sent', message: expect.stringMatching(/inbox/) });
    const mail = await smtp.nth(before + 1);
    expect(mail.to).toEqual([who]);
    expect(mail.raw).toMatch(/^Subject: Reset your Frontdesk password/m);
    expect(mail.raw).toMatch(/^From: Frontdesk <desk@frontdesk\.test>/m);
    const token = tokenIn(mail)!;
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    // Only the token's hash is kept.
    const stored = await asService(db(), (tx) => rows<{ token_hash: string; expires_at: Date }>(tx, 'select r.token_hash, r.expires_at from auth.password_resets r join auth.users u on u.id = r.user_id where u.email = $1', [who]));
    expect(stored).toHaveLength(1);
    expect(stored[0]!.token_hash).not.toContain(token);
    expect(new Date(stored[0]!.expires_at).getTime()).toBe(clock.now().getTime() + 3_600_000);

    const short = await t.call('POST', '/api/v1/auth/password-reset/confirm', { body: { token, password: 'short' } });
    expect(short.status).toBe(400);
    expect(short.body.error.code).toBe('validation.failed');
    const done = await t.call('POST', '/api/v1/auth/password-reset/confirm', { body: { token, password: 'the new password' } });
    expect(done.status).toBe(204);
    expect(done.headers.get('set-cookie')).toBeNull();
    for (const cookie of [a.cookie, other]) expect((await t.call('GET', '/api/v1/auth/me', { cookie })).status).toBe(401);
    expect((await t.call('POST', '/api/v1/auth/signin', { body: { email: who, password: 'the old password' } })).status).toBe(401);
    expect((await t.call('POST', '/api/v1/auth/signin', { body: { email: who, password: 'the new password' } })).status).toBe(200);
    // The link works once.
    const again = await t.call('POST', '/api/v1/auth/password-reset/confirm', { body: { token, password: 'a third password' } });
    expect(again.status).toBe(400);
    expect(again.body.error.code).toBe('auth.reset_invalid');
  });

  it('answers an email without an account exactly alike, and mails nothing to it', async () => {
    const t = app();
    const known = (await t.signUp(email('known'))).email;
    const nobody = email('nobody');
    const before = smtp.mails.length;
    const none = await ask(t, nobody);
    const some = await ask(t, known);
    expect(none.status).toBe(202);
    expect(none.body).toEqual(some.body);
    await smtp.nth(before + 1);
    await new Promise((r) => setTimeout(r, 100));
    expect(smtp.mails.slice(before).map((m) => m.to)).toEqual([[known]]);
  });

  it('refuses an expired, an unknown and a spent link with auth.reset_invalid', async () => {
    const t = app();
    const who = (await t.signUp(email('late'), 'the old password')).email;
    const before = smtp.mails.length;
    await ask(t, who);
    const first = tokenIn(await smtp.nth(before + 1))!;
    await ask(t, who);
    const second = tokenIn(await smtp.nth(before + 2))!;
    const confirm = (token: string) => t.call('POST', '/api/v1/auth/password-reset/confirm', { body: { token, password: 'the new password' } });
    expect((await confirm('x'.repeat(43))).body.error.code).toBe('auth.reset_invalid');
    // Using one link spends the other links of the account.
    expect((await confirm(second)).status).toBe(204);
    const spent = await confirm(first);
    expect(spent.status).toBe(400);
    expect(spent.body.error).toMatchObject({ code: 'auth.reset_invalid', details: { field: 'token' } });
    // An hour later a fresh link is dead too.
    await ask(t, who);
    const third = tokenIn(await smtp.nth(before + 3))!;
    clock.set(new Date(clock.now().getTime() + 3_600_001));
    expect((await confirm(third)).body.error.code).toBe('auth.reset_invalid');
    expect((await t.call('POST', '/api/v1/auth/signin', { body: { email: who, password: 'the new password' } })).status).toBe(200);
  });

  it('mails an invitation its link, which signs the invited person up', async () => {
    const t = app();
    const o = await t.owner(email('inviter'), { name: 'Mailed Co' });
    const who = email('invitee');
    const before = smtp.mails.length;
    const inv = await t.call('POST', '/api/v1/invitations', { ...o.as, body: { email: who, role: 'member' } });
    expect(inv.status).toBe(201);
    const mail = await smtp.nth(before + 1);
    expect(mail.to).toEqual([who]);
    expect(mail.raw).toMatch(/^Subject: You are invited to Mailed Co on Frontdesk/m);
    const text = textOf(mail);
    expect(text).toContain(inv.body.invite_url);
    const token = /\/invite#token=([A-Za-z0-9_-]+)/.exec(text)![1]!;
    const joined = await t.call('POST', '/api/v1/auth/signup', { body: { email: who, password: 'invited password', invitation_token: token } });
    expect(joined.status).toBe(201);
    const cookie = joined.headers.get('set-cookie')!.split(';')[0]!;
    expect((await t.call('POST', '/api/v1/invitations/accept', { cookie, body: { token } })).status).toBe(200);
  });

  it('is rate-limited per address', async () => {
    const t = app();
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await ask(t, email(`flood${i}`), 'one-address')).status);
    expect(statuses).toEqual([202, 202, 202, 202, 202, 429]);
  });
});
