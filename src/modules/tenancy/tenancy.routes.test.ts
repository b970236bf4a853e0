import { expect, it } from 'vitest';
import { describeEachDatabase } from '../../../test/support/db.ts';
import { email, testApp } from '../../../test/support/http.ts';

describeEachDatabase('accounts, workspaces, team and API keys over HTTP', (db) => {
  const api = () => testApp(db());

  it('signs up through the confirmation link, with an HTTP-only session cookie', async () => {
    const t = api();
    const who = email('signup');
    const res = await t.call('POST', '/api/v1/auth/signup', { body: { email: who.toUpperCase(), password: 'long enough pw' } });
    expect(res.status).toBe(202);
    expect(res.headers.get('set-cookie')).toBeNull();
    const confirmed = await t.call('POST', '/api/v1/auth/signup/confirm', { body: { token: t.confirmationToken(who) } });
    expect(confirmed.status).toBe(201);
    expect(confirmed.body).toEqual({ user: { id: expect.any(String), email: who, name: null }, workspaces: [] });
    const cookie = confirmed.headers.get('set-cookie')!;
    expect(cookie).toMatch(/^fd_session=[A-Za-z0-9_-]{43}; Path=\/; Expires=.*; HttpOnly; Secure; SameSite=Lax$/);
    // The link works once.
    const again = await t.call('POST', '/api/v1/auth/signup/confirm', { body: { token: t.confirmationToken(who) } });
    expect(again.status).toBe(400);
    expect(again.body.error.code).toBe('auth.confirmation_invalid');
  });

  it('reports every invalid field with its path', async () => {
    const res = await api().call('POST', '/api/v1/auth/signup', { body: { email: 'not-an-email', password: 'short', extra: 1 } });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('validation.failed');
    const paths = res.body.error.details.issues.map((i: { path: string }) => i.path);
    expect(paths).toEqual(expect.arrayContaining(['body.email', 'body.password', 'body']));
  });

  it('signs in, tells who is signed in, and signs out for good', async () => {
    const t = api();
    const who = email('signin');
    await t.signUp(who, 'the right password');
    expect((await t.call('POST', '/api/v1/auth/signin', { body: { email: who, password: 'the wrong password' } })).status).toBe(401);
    const ok = await t.call('POST', '/api/v1/auth/signin', { body: { email: who, password: 'the right password' } });
    expect(ok.status).toBe(200);
    const cookie = ok.headers.get('set-cookie')!.split(';')[0]!;
    expect((await t.call('GET', '/api/v1/auth/me', { cookie })).body.user.email).toBe(who);
    expect((await t.call('POST', '/api/v1/auth/signout', { cookie })).status).toBe(204);
    const after = await t.call('GET', '/api/v1/auth/me', { cookie });
    expect(after.status).toBe(401);
    expect(after.body.error.code).toBe('auth.required');
  });

  it('changing the password ends the other sessions', async () => {
    const t = api();
    const who = email('pw');
    const a = await t.signUp(who, 'first password 1');
    const b = await t.call('POST', '/api/v1/auth/signin', { body: { email: who, password: 'first password 1' } });
    const other = b.headers.get('set-cookie')!.split(';')[0]!;
    const wrong = await t.call('POST', '/api/v1/auth/password', { cookie: a.cookie, body: { current_password: 'nope', new_password: 'second password 2' } });
    expect(wrong.status).toBe(403);
    const changed = await t.call('POST', '/api/v1/auth/password', { cookie: a.cookie, body: { current_password: 'first password 1', new_password: 'second password 2' } });
    expect(changed.status).toBe(204);
    expect((await t.call('GET', '/api/v1/auth/me', { cookie: other })).status).toBe(401);
    expect((await t.call('GET', '/api/v1/auth/me', { cookie: a.cookie })).status).toBe(200);
    expect((await t.call('POST', '/api/v1/auth/signin', { body: { email: who, password: 'second password 2' } })).status).toBe(200);
  });

  it('creates a workspace from a template and picks it by default when it is the only one', async () => {
    const t = api();
    const o = await t.owner(email('owner'), { name: 'Bogotá Limpia', template: 'amara', time_zone: 'America/Bogota', currency: 'COP', country: 'CO', locale: 'es' });
    const ws = await t.call('GET', '/api/v1/workspace', { cookie: o.cookie });
    expect(ws.status).toBe(200);
    expect(ws.body).toMatchObject({ id: o.workspaceId, name: 'Bogotá Limpia', slug: 'bogota-limpia', time_zone: 'America/Bogota', currency: 'COP', template: 'amara' });
    await t.call('POST', '/api/v1/workspaces', { cookie: o.cookie, body: { name: 'Second' } });
    const ambiguous = await t.call('GET', '/api/v1/workspace', { cookie: o.cookie });
    expect(ambiguous.status).toBe(400);
    expect(ambiguous.body.error.code).toBe('workspace.required');
    const bad = await t.call('POST', '/api/v1/workspaces', { cookie: o.cookie, body: { name: 'X', time_zone: 'Mars/Olympus' } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.issues[0].path).toBe('body.time_zone');
  });

  it('enforces the role table: members read, admins configure, owners delete and transfer', async () => {
    const t = api();
    const o = await t.owner(email('owner'));
    const admin = await t.teammate(o.as, email('admin'), 'admin');
    const member = await t.teammate(o.as, email('member'), 'member');

    expect((await t.call('GET', '/api/v1/workspace', member.as)).status).toBe(200);
    const denied = await t.call('PATCH', '/api/v1/workspace', { ...member.as, body: { name: 'Nope' } });
    expect(denied.status).toBe(403);
    expect(denied.body.error.code).toBe('auth.forbidden');
    expect((await t.call('PATCH', '/api/v1/workspace', { ...admin.as, body: { name: 'Renamed' } })).body.name).toBe('Renamed');
    expect((await t.call('POST', '/api/v1/invitations', { ...member.as, body: { email: email('x') } })).status).toBe(403);
    expect((await t.call('POST', '/api/v1/api-keys', { ...member.as, body: { name: 'k' } })).status).toBe(403);
    expect((await t.call('DELETE', '/api/v1/workspace', admin.as)).status).toBe(403);
    expect((await t.call('PATCH', `/api/v1/members/${o.userId}`, { ...admin.as, body: { role: 'member' } })).body.error.code).toBe('member.owner_role');
    expect((await t.call('PATCH', `/api/v1/members/${member.userId}`, { ...admin.as, body: { role: 'admin' } })).status).toBe(204);
    expect((await t.call('POST', '/api/v1/workspace/transfer-ownership', { ...admin.as, body: { user_id: admin.userId } })).status).toBe(403);
    expect((await t.call('POST', '/api/v1/workspace/transfer-ownership', { ...o.as, body: { user_id: admin.userId } })).status).toBe(204);
    const members = await t.call('GET', '/api/v1/members', o.as);
    expect(Object.fromEntries(members.body.data.map((m: { user_id: string; role: string }) => [m.user_id, m.role]))).toEqual({
      [o.userId]: 'admin',
      [admin.userId]: 'owner',
      [member.userId]: 'admin',
    });
    expect((await t.call('DELETE', '/api/v1/workspace', o.as)).status).toBe(403);
    expect((await t.call('DELETE', '/api/v1/workspace', admin.as)).status).toBe(204);
    expect((await t.call('GET', '/api/v1/workspace', admin.as)).status).toBe(404);
  });

  it('invitations are single-use, bound to their email, revocable and expire', async () => {
    const t = api();
    const o = await t.owner(email('owner'));
    const invitee = email('invitee');
    const inv = await t.call('POST', '/api/v1/invitations', { ...o.as, body: { email: invitee, role: 'member' } });
    expect(inv.status).toBe(201);
    expect(inv.body.invite_url).toBe(`https://frontdesk.test/invite#token=${inv.body.token}`);
    const stranger = await t.signUp(email('stranger'));
    const wrong = await t.call('POST', '/api/v1/invitations/accept', { cookie: stranger.cookie, body: { token: inv.body.token } });
    expect(wrong.status).toBe(403);
    const person = await t.signUp(invitee);
    expect((await t.call('POST', '/api/v1/invitations/accept', { cookie: person.cookie, body: { token: inv.body.token } })).body).toEqual({ workspace_id: o.workspaceId, role: 'member' });
    const reused = await t.call('POST', '/api/v1/invitations/accept', { cookie: person.cookie, body: { token: inv.body.token } });
    expect(reused.body.error.code).toBe('invitation.used');

    const second = await t.call('POST', '/api/v1/invitations', { ...o.as, body: { email: email('later') } });
    expect((await t.call('DELETE', `/api/v1/invitations/${second.body.id}`, o.as)).status).toBe(204);
    const later = await t.signUp(email('later2'));
    expect((await t.call('POST', '/api/v1/invitations/accept', { cookie: later.cookie, body: { token: second.body.token } })).status).toBe(404);
    const listed = await t.call('GET', '/api/v1/invitations', o.as);
    expect(listed.body.data.map((i: { email: string }) => i.email).sort()).toEqual([invitee, second.body.email].sort());
    expect(JSON.stringify(listed.body)).not.toContain('token');
  });

  it('API keys: shown once, hashed, read-only, revocable, bound to one workspace', async () => {
    const t = api();
    const o = await t.owner(email('owner'));
    const other = await t.owner(email('other'));
    const key = await t.apiKey(o.as);
    expect(key.key).toMatch(/^fd_[A-Za-z0-9_-]{43}$/);
    const listed = await t.call('GET', '/api/v1/api-keys', o.as);
    expect(listed.body.data).toEqual([expect.objectContaining({ id: key.id, prefix: key.key.slice(0, 10), read_only: false, revoked_at: null })]);
    expect(JSON.stringify(listed.body)).not.toContain(key.key);

    expect((await t.call('GET', '/api/v1/workspace', { key: key.key })).body.id).toBe(o.workspaceId);
    expect((await t.call('PATCH', '/api/v1/workspace', { key: key.key, body: { name: 'By key' } })).status).toBe(200);
    const wrongWs = await t.call('GET', '/api/v1/workspace', { key: key.key, workspace: other.workspaceId });
    expect(wrongWs.status).toBe(403);
    expect(wrongWs.body.error.code).toBe('auth.wrong_workspace');

    const reader = await t.apiKey(o.as, true);
    expect((await t.call('GET', '/api/v1/members', { key: reader.key })).status).toBe(200);
    expect((await t.call('PATCH', '/api/v1/workspace', { key: reader.key, body: { name: 'No' } })).status).toBe(403);

    expect((await t.call('DELETE', `/api/v1/api-keys/${key.id}`, o.as)).status).toBe(204);
    const revoked = await t.call('GET', '/api/v1/workspace', { key: key.key });
    expect(revoked.status).toBe(401);
    expect(revoked.body.error.code).toBe('auth.invalid_key');
    expect((await t.call('GET', '/api/v1/workspace', { key: 'fd_nonsense' })).status).toBe(401);
    expect((await t.call('GET', '/api/v1/workspace', { headers: { authorization: 'Basic abc' } })).status).toBe(401);
  });

  it('answers 415 for non-JSON bodies, 400 for malformed JSON, 413 for huge bodies', async () => {
    const t = api();
    const text = await t.call('POST', '/api/v1/auth/signin', { raw: 'email=a', contentType: 'application/x-www-form-urlencoded' });
    expect(text.status).toBe(415);
    expect(text.body.error.code).toBe('request.unsupported_media_type');
    const broken = await t.call('POST', '/api/v1/auth/signin', { raw: '{"email":', contentType: 'application/json' });
    expect(broken.status).toBe(400);
    const huge = await t.call('POST', '/api/v1/auth/signin', { raw: JSON.stringify({ email: 'a'.repeat(2_000_000) }), contentType: 'application/json' });
    expect(huge.status).toBe(413);
  });

  it('rate-limits sign-in with Retry-After', async () => {
    const t = api();
    const statuses: number[] = [];
    let retryAfter: string | null = null;
    for (let i = 0; i < 11; i++) {
      const r = await t.call('POST', '/api/v1/auth/signin', { body: { email: 'nobody@example.test', password: 'x' }, headers: { 'x-test-client': 'brute' } });
      statuses.push(r.status);
      retryAfter ??= r.headers.get('retry-after');
    }
    expect(statuses.slice(0, 10).every((s) => s === 401)).toBe(true);
    expect(statuses[10]).toBe(429);
    expect(Number(retryAfter)).toBeGreaterThan(0);
  });
});
