import { describe, expect, it } from 'vitest';
import { describeEachDatabase } from '../../../test/support/db.ts';
import { email, testApp } from '../../../test/support/http.ts';
import { withTenant } from '../../platform/db/tenant.ts';
import { nextPromptVersion } from './assistant-config.service.ts';

const ISO = expect.stringMatching(/^\d{4}-\d\d-\d\dT/);
const ID = expect.stringMatching(/^[0-9a-f-]{36}$/);
type Issue = { path: string; message: string };
const issues = (res: { body: { error: { details: { issues: Issue[] } } } }) => res.body.error.details.issues;
const paths = (res: { body: { error: { details: { issues: Issue[] } } } }) => issues(res).map((i) => i.path);

describe('nextPromptVersion', () => {
  it('starts at v1.0.0 and bumps the minor version of the latest', () => {
    expect(nextPromptVersion([])).toBe('v1.0.0');
    expect(nextPromptVersion(['v1.0.0'])).toBe('v1.1.0');
    expect(nextPromptVersion(['v1.0.0', 'v1.2.0', 'v1.1.0'])).toBe('v1.3.0');
    expect(nextPromptVersion(['v1.9.0', 'v1.10.0'])).toBe('v1.11.0');
    expect(nextPromptVersion(['v2.0.3', 'v1.7.0'])).toBe('v2.1.0');
    expect(nextPromptVersion([null, 'draft'])).toBe('v1.0.0');
  });
});

describeEachDatabase('assistant configuration over HTTP', (db, kind) => {
  const api = () => testApp(db());

  it('answers the defaults until the persona is saved, then replaces it as a whole', async () => {
    const t = api();
    const o = await t.owner(email('owner'));
    const defaults = await t.call('GET', '/api/v1/assistant/config', o.as);
    expect(defaults.status).toBe(200);
    expect(defaults.body).toEqual({
      enabled: true, bot_name: 'ARI', greeting_style: 'professional', language: 'id',
      tone: { supportive: true, clear: true, encouraging: true }, community_link: null, updated_at: null,
    });

    const saved = await t.call('PUT', '/api/v1/assistant/config', {
      ...o.as,
      body: { bot_name: 'Rina', greeting_style: 'casual', language: 'en', tone: { supportive: true, clear: true, encouraging: false }, community_link: 'https://chat.whatsapp.com/eagle' },
    });
    expect(saved.status).toBe(200);
    expect(saved.body).toEqual({
      enabled: true, bot_name: 'Rina', greeting_style: 'casual', language: 'en',
      tone: { supportive: true, clear: true, encouraging: false }, community_link: 'https://chat.whatsapp.com/eagle', updated_at: ISO,
    });
    expect((await t.call('GET', '/api/v1/assistant/config', o.as)).body).toEqual(saved.body);

    const replaced = await t.call('PUT', '/api/v1/assistant/config', { ...o.as, body: { enabled: false, tone: { clear: false } } });
    expect(replaced.body).toEqual({
      enabled: false, bot_name: 'ARI', greeting_style: 'professional', language: 'id',
      tone: { supportive: true, clear: false, encouraging: true }, community_link: null, updated_at: ISO,
    });

    const bad = await t.call('PUT', '/api/v1/assistant/config', {
      ...o.as,
      body: { bot_name: ' ', greeting_style: 'rude', language: 'Indonesian', tone: { supportive: 'yes', witty: true }, community_link: 'javascript:alert(1)', persona: 'x' },
    });
    expect(bad.status).toBe(400);
    expect(paths(bad).sort()).toEqual(['body', 'body.bot_name', 'body.community_link', 'body.greeting_style', 'body.language', 'body.tone', 'body.tone.supportive']);
  });

  it('keeps flow stages in order: adds at the end, changes, deletes and reorders them', async () => {
    const t = api();
    const o = await t.owner(email('owner'));
    const greeting = await t.call('POST', '/api/v1/assistant/flow-stages', { ...o.as, body: { name: 'greeting', goal: 'Menyapa lead dan menanyakan nama', exit_criteria: 'Lead membalas' } });
    expect(greeting.status).toBe(201);
    expect(greeting.body).toEqual({
      id: ID, name: 'greeting', goal: 'Menyapa lead dan menanyakan nama', sample_script: null, exit_criteria: 'Lead membalas',
      stage_order: 1, is_active: true, created_at: ISO, updated_at: ISO,
    });
    const qualifying = (await t.call('POST', '/api/v1/assistant/flow-stages', { ...o.as, body: { name: 'qualifying', goal: 'Mengumpulkan data', sample_script: 'Negara tujuanmu?' } })).body;
    const booking = (await t.call('POST', '/api/v1/assistant/flow-stages', { ...o.as, body: { name: 'booking', goal: 'Menawarkan konsultasi', is_active: false } })).body;
    expect([qualifying.stage_order, booking.stage_order, booking.is_active]).toEqual([2, 3, false]);

    const names = async (query = '') => (await t.call('GET', `/api/v1/assistant/flow-stages${query}`, o.as)).body.data.map((s: { name: string }) => s.name);
    expect(await names()).toEqual(['greeting', 'qualifying', 'booking']);
    const p1 = await t.call('GET', '/api/v1/assistant/flow-stages?limit=2', o.as);
    expect(await names(`?limit=2&cursor=${p1.body.next_cursor}`)).toEqual(['booking']);

    const patched = await t.call('PATCH', `/api/v1/assistant/flow-stages/${qualifying.id}`, { ...o.as, body: { goal: 'Satu pertanyaan per pesan', sample_script: null } });
    expect(patched.body).toMatchObject({ id: qualifying.id, name: 'qualifying', goal: 'Satu pertanyaan per pesan', sample_script: null, stage_order: 2 });
    expect((await t.call('GET', `/api/v1/assistant/flow-stages/${qualifying.id}`, o.as)).body).toEqual(patched.body);

    const reordered = await t.call('POST', '/api/v1/assistant/flow-stages/reorder', { ...o.as, body: { ids: [booking.id, greeting.body.id, qualifying.id] } });
    expect(reordered.status).toBe(200);
    expect(reordered.body.data.map((s: { name: string; stage_order: number }) => [s.name, s.stage_order])).toEqual([['booking', 1], ['greeting', 2], ['qualifying', 3]]);
    const incomplete = await t.call('POST', '/api/v1/assistant/flow-stages/reorder', { ...o.as, body: { ids: [booking.id] } });
    expect(incomplete.status).toBe(400);
    expect(incomplete.body.error).toMatchObject({ code: 'flow_stage.reorder_incomplete', details: { missing: [greeting.body.id, qualifying.id], unknown: [] } });

    const invalid = await t.call('POST', '/api/v1/assistant/flow-stages', { ...o.as, body: { name: '', stage_order: -1 } });
    expect(paths(invalid).sort()).toEqual(['body.goal', 'body.name', 'body.stage_order']);

    expect((await t.call('DELETE', `/api/v1/assistant/flow-stages/${booking.id}`, o.as)).status).toBe(204);
    expect(await names()).toEqual(['greeting', 'qualifying']);
    const gone = await t.call('GET', `/api/v1/assistant/flow-stages/${booking.id}`, o.as);
    expect([gone.status, gone.body.error.code]).toEqual([404, 'flow_stage.not_found']);
  });

  it('validates the scoring rubric as the seed says, with the field at fault', async () => {
    const t = api();
    const o = await t.owner(email('owner'));
    expect((await t.call('GET', '/api/v1/assistant/scoring-config', o.as)).body).toEqual({
      hot_threshold: 70, warm_threshold: 40, weight_basic: 25, weight_qualification: 35, weight_document: 30, weight_engagement: 10, updated_at: null,
    });
    const rubric = { hot_threshold: 80, warm_threshold: 50, weight_basic: 20, weight_qualification: 40, weight_document: 30, weight_engagement: 10 };
    const saved = await t.call('PUT', '/api/v1/assistant/scoring-config', { ...o.as, body: rubric });
    expect(saved.status).toBe(200);
    expect(saved.body).toEqual({ ...rubric, updated_at: ISO });
    expect((await t.call('GET', '/api/v1/assistant/scoring-config', o.as)).body).toEqual(saved.body);

    const weights = await t.call('PUT', '/api/v1/assistant/scoring-config', { ...o.as, body: { ...rubric, weight_basic: 15 } });
    expect(weights.status).toBe(400);
    const sumMessage = 'the four weights must add up to 100; they add up to 95';
    expect(issues(weights)).toEqual([
      { path: 'body.weight_basic', message: sumMessage },
      { path: 'body.weight_qualification', message: sumMessage },
      { path: 'body.weight_document', message: sumMessage },
      { path: 'body.weight_engagement', message: sumMessage },
    ]);
    const order = await t.call('PUT', '/api/v1/assistant/scoring-config', { ...o.as, body: { ...rubric, hot_threshold: 50 } });
    expect(issues(order)).toEqual([{ path: 'body.hot_threshold', message: 'must be greater than warm_threshold (50)' }]);
    expect(paths(await t.call('PUT', '/api/v1/assistant/scoring-config', { ...o.as, body: { ...rubric, hot_threshold: 101 } }))).toEqual(['body.hot_threshold']);
    expect(paths(await t.call('PUT', '/api/v1/assistant/scoring-config', { ...o.as, body: { ...rubric, hot_threshold: 0, warm_threshold: 0 } }))).toEqual(['body.hot_threshold', 'body.hot_threshold']);
    expect(paths(await t.call('PUT', '/api/v1/assistant/scoring-config', { ...o.as, body: { ...rubric, weight_engagement: 10.5, weight_basic: 19.5 } }))).toEqual(['body.weight_basic', 'body.weight_engagement']);
    expect(paths(await t.call('PUT', '/api/v1/assistant/scoring-config', { ...o.as, body: { hot_threshold: 70 } })).sort()).toEqual([
      'body.warm_threshold', 'body.weight_basic', 'body.weight_document', 'body.weight_engagement', 'body.weight_qualification',
    ]);
    // Nothing changed by the refused attempts.
    expect((await t.call('GET', '/api/v1/assistant/scoring-config', o.as)).body).toEqual(saved.body);

    // The database holds the same rules, whoever writes.
    const write = (set: string) =>
      withTenant(db(), { kind: 'system', workspaceId: o.workspaceId }, (tx) => tx.query(`update ari_scoring_config set ${set}`)).then(
        () => 'ok',
        (e: { constraint?: string }) => e.constraint,
      );
    expect(await write('weight_basic = 15')).toBe('ari_scoring_config_weights_sum_to_100');
    expect(await write('hot_threshold = 50')).toBe('ari_scoring_config_hot_above_warm');
    expect(await write('hot_threshold = 101')).toBe('ari_scoring_config_valid_hot_threshold');
  });

  it('versions system prompts: an edit adds a version, an older one can be activated again', async () => {
    const t = api();
    const o = await t.owner(email('owner'));
    const none = await t.call('GET', '/api/v1/system-prompts/active?type=sms', o.as);
    expect([none.status, none.body.error.code]).toEqual([404, 'system_prompt.not_found']);

    const v1 = await t.call('POST', '/api/v1/system-prompts', { ...o.as, body: { prompt_type: 'sms', system_prompt: 'Reply in under 160 characters.' } });
    expect(v1.status).toBe(201);
    expect(v1.body).toEqual({ id: ID, prompt_type: 'sms', system_prompt: 'Reply in under 160 characters.', prompt_version: 'v1.0.0', is_active: true, created_at: ISO, updated_at: ISO });
    const voice = await t.call('POST', '/api/v1/system-prompts', { ...o.as, body: { prompt_type: 'voice', system_prompt: 'Speak slowly.' } });
    expect(voice.body).toMatchObject({ prompt_version: 'v1.0.0', is_active: true });

    const v11 = await t.call('PATCH', `/api/v1/system-prompts/${v1.body.id}`, { ...o.as, body: { system_prompt: 'Reply in under 160 characters. No emoji.' } });
    expect(v11.status).toBe(201);
    expect(v11.body).toMatchObject({ prompt_type: 'sms', system_prompt: 'Reply in under 160 characters. No emoji.', prompt_version: 'v1.1.0', is_active: true });
    expect(v11.body.id).not.toBe(v1.body.id);
    // The edited version is kept as it was, for history.
    expect((await t.call('GET', `/api/v1/system-prompts/${v1.body.id}`, o.as)).body).toMatchObject({ system_prompt: 'Reply in under 160 characters.', prompt_version: 'v1.0.0', is_active: false });

    const v12 = await t.call('POST', '/api/v1/system-prompts', { ...o.as, body: { prompt_type: 'sms', system_prompt: 'Offer a callback after 3 questions.' } });
    expect(v12.body.prompt_version).toBe('v1.2.0');
    // Editing an old version still makes the next version of the type.
    const v13 = await t.call('PATCH', `/api/v1/system-prompts/${v1.body.id}`, { ...o.as, body: { system_prompt: 'Be brief.' } });
    expect(v13.body.prompt_version).toBe('v1.3.0');
    expect((await t.call('GET', '/api/v1/system-prompts/active?type=sms', o.as)).body).toEqual(v13.body);

    const versions = async (query: string) =>
      (await t.call('GET', `/api/v1/system-prompts${query}`, o.as)).body.data.map((p: { prompt_type: string; prompt_version: string; is_active: boolean }) => [p.prompt_type, p.prompt_version, p.is_active]);
    expect(await versions('')).toEqual([['sms', 'v1.3.0', true], ['voice', 'v1.0.0', true]]);
    expect(await versions('?prompt_type=sms&include_inactive=true')).toEqual([
      ['sms', 'v1.3.0', true], ['sms', 'v1.2.0', false], ['sms', 'v1.1.0', false], ['sms', 'v1.0.0', false],
    ]);
    expect(await versions('?prompt_type=voice')).toEqual([['voice', 'v1.0.0', true]]);

    // Rollback to v1.1.0.
    const rolledBack = await t.call('POST', `/api/v1/system-prompts/${v11.body.id}/activate`, o.as);
    expect(rolledBack.status).toBe(200);
    expect(rolledBack.body).toMatchObject({ id: v11.body.id, prompt_version: 'v1.1.0', is_active: true, system_prompt: 'Reply in under 160 characters. No emoji.' });
    expect((await t.call('GET', '/api/v1/system-prompts/active?type=sms', o.as)).body.id).toBe(v11.body.id);
    expect(await versions('?prompt_type=sms&include_inactive=true')).toEqual([
      ['sms', 'v1.3.0', false], ['sms', 'v1.2.0', false], ['sms', 'v1.1.0', true], ['sms', 'v1.0.0', false],
    ]);
    expect((await t.call('POST', `/api/v1/system-prompts/${v11.body.id}/activate`, o.as)).body.is_active).toBe(true);
    // Other types are untouched.
    expect((await t.call('GET', '/api/v1/system-prompts/active?type=voice', o.as)).body.id).toBe(voice.body.id);
    // The next version still counts from the latest, not from the active one.
    expect((await t.call('POST', '/api/v1/system-prompts', { ...o.as, body: { prompt_type: 'sms', system_prompt: 'v4' } })).body.prompt_version).toBe('v1.4.0');

    expect(paths(await t.call('POST', '/api/v1/system-prompts', { ...o.as, body: { prompt_type: 'fax', system_prompt: '' } })).sort()).toEqual(['body.prompt_type', 'body.system_prompt']);
    expect(paths(await t.call('PATCH', `/api/v1/system-prompts/${v1.body.id}`, { ...o.as, body: { system_prompt: 'x', prompt_version: 'v9' } }))).toEqual(['body']);
    expect(paths(await t.call('GET', '/api/v1/system-prompts/active', o.as))).toEqual(['query.type']);
    expect(paths(await t.call('GET', '/api/v1/system-prompts?include_inactive=1', o.as))).toEqual(['query.include_inactive']);
  });

  it('keeps one active prompt per type when versions are created at the same time, each with its own version', async () => {
    const t = api();
    const o = await t.owner(email('owner'));
    const first = await t.call('POST', '/api/v1/system-prompts', { ...o.as, body: { prompt_type: 'whatsapp', system_prompt: 'base' } });
    const results = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        i % 2
          ? t.call('POST', '/api/v1/system-prompts', { ...o.as, body: { prompt_type: 'whatsapp', system_prompt: `racer ${i}` } })
          : t.call('POST', `/api/v1/system-prompts/${first.body.id}/activate`, o.as),
      ),
    );
    // Concurrent changes take turns (a lock per workspace and type), so every one succeeds.
    expect(results.map((r) => r.status).sort()).toEqual([200, 200, 200, 201, 201, 201]);
    const all = await t.call('GET', '/api/v1/system-prompts?prompt_type=whatsapp&include_inactive=true', o.as);
    expect(all.body.data.filter((p: { is_active: boolean }) => p.is_active)).toHaveLength(1);
    const created = results.filter((r) => r.status === 201).map((r) => r.body.prompt_version);
    expect(new Set(created).size).toBe(created.length);
  });

  it('lets members and read-only keys read, and only admins (and full keys) write', async () => {
    const t = api();
    const o = await t.owner(email('owner'));
    const admin = await t.teammate(o.as, email('admin'), 'admin');
    const member = await t.teammate(o.as, email('member'), 'member');
    const reader = { key: (await t.apiKey(o.as, true)).key };
    const integration = { key: (await t.apiKey(o.as, false)).key };
    const stage = (await t.call('POST', '/api/v1/assistant/flow-stages', { ...o.as, body: { name: 's', goal: 'g' } })).body.id;
    const prompt = (await t.call('POST', '/api/v1/system-prompts', { ...o.as, body: { prompt_type: 'webchat', system_prompt: 'p' } })).body.id;

    const reads = [
      '/api/v1/assistant/config', '/api/v1/assistant/flow-stages', `/api/v1/assistant/flow-stages/${stage}`, '/api/v1/assistant/scoring-config',
      '/api/v1/system-prompts', `/api/v1/system-prompts/${prompt}`, '/api/v1/system-prompts/active?type=webchat',
    ];
    for (const who of [member.as, reader]) {
      for (const path of reads) expect([path, (await t.call('GET', path, who)).status]).toEqual([path, 200]);
    }
    const writes: [string, string, unknown, number][] = [
      ['PUT', '/api/v1/assistant/config', { bot_name: 'Rina' }, 200],
      ['POST', '/api/v1/assistant/flow-stages', { name: 'n', goal: 'g' }, 201],
      ['PATCH', `/api/v1/assistant/flow-stages/${stage}`, { goal: 'g2' }, 200],
      ['PUT', '/api/v1/assistant/scoring-config', { hot_threshold: 70, warm_threshold: 40, weight_basic: 25, weight_qualification: 35, weight_document: 30, weight_engagement: 10 }, 200],
      ['POST', '/api/v1/system-prompts', { prompt_type: 'voice', system_prompt: 'p' }, 201],
      ['PATCH', `/api/v1/system-prompts/${prompt}`, { system_prompt: 'p2' }, 201],
      ['POST', `/api/v1/system-prompts/${prompt}/activate`, undefined, 200],
    ];
    for (const who of [member.as, reader]) {
      for (const [method, path, body] of writes) {
        const res = await t.call(method, path, { ...who, body });
        expect([method, path, res.status, res.body.error.code]).toEqual([method, path, 403, 'auth.forbidden']);
      }
      expect((await t.call('POST', '/api/v1/assistant/flow-stages/reorder', { ...who, body: { ids: [stage] } })).status).toBe(403);
      expect((await t.call('DELETE', `/api/v1/assistant/flow-stages/${stage}`, who)).status).toBe(403);
    }
    for (const who of [admin.as, integration]) {
      for (const [method, path, body, status] of writes) {
        expect([method, path, (await t.call(method, path, { ...who, body })).status]).toEqual([method, path, status]);
      }
    }
    const stages = (await t.call('GET', '/api/v1/assistant/flow-stages', admin.as)).body.data.map((s: { id: string }) => s.id).reverse();
    expect((await t.call('POST', '/api/v1/assistant/flow-stages/reorder', { ...admin.as, body: { ids: stages } })).status).toBe(200);
    expect((await t.call('DELETE', `/api/v1/assistant/flow-stages/${stage}`, admin.as)).status).toBe(204);
  });

  it("keeps each workspace's configuration to itself: other ids answer 404, exactly as missing ones", async () => {
    const t = api();
    const a = await t.owner(email('a'));
    const b = await t.owner(email('b'));
    await t.call('PUT', '/api/v1/assistant/config', { ...a.as, body: { bot_name: 'Rina' } });
    await t.call('PUT', '/api/v1/assistant/scoring-config', { ...a.as, body: { hot_threshold: 90, warm_threshold: 60, weight_basic: 25, weight_qualification: 25, weight_document: 25, weight_engagement: 25 } });
    const stage = (await t.call('POST', '/api/v1/assistant/flow-stages', { ...a.as, body: { name: 'secret', goal: 'g' } })).body.id;
    const prompt = (await t.call('POST', '/api/v1/system-prompts', { ...a.as, body: { prompt_type: 'sms', system_prompt: 'secret' } })).body.id;
    const missing = '00000000-0000-7000-8000-000000000000';

    const probes: [string, (id: string) => string, unknown][] = [
      ['GET', (id) => `/api/v1/assistant/flow-stages/${id}`, undefined],
      ['PATCH', (id) => `/api/v1/assistant/flow-stages/${id}`, { goal: 'taken' }],
      ['DELETE', (id) => `/api/v1/assistant/flow-stages/${id}`, undefined],
      ['GET', (id) => `/api/v1/system-prompts/${id}`, undefined],
      ['PATCH', (id) => `/api/v1/system-prompts/${id}`, { system_prompt: 'taken' }],
      ['POST', (id) => `/api/v1/system-prompts/${id}/activate`, undefined],
    ];
    for (const [method, path, body] of probes) {
      const id = path('x').includes('flow-stages') ? stage : prompt;
      const foreign = await t.call(method, path(id), { ...b.as, body });
      const absent = await t.call(method, path(missing), { ...b.as, body });
      expect([method, path(id), foreign.status]).toEqual([method, path(id), 404]);
      expect(foreign.body).toEqual(absent.body);
    }
    const reorder = await t.call('POST', '/api/v1/assistant/flow-stages/reorder', { ...b.as, body: { ids: [stage] } });
    expect(reorder.body.error).toMatchObject({ code: 'flow_stage.reorder_incomplete', details: { unknown: [stage] } });
    expect((await t.call('GET', '/api/v1/assistant/config', b.as)).body.bot_name).toBe('ARI');
    expect((await t.call('GET', '/api/v1/assistant/scoring-config', b.as)).body.hot_threshold).toBe(70);
    expect((await t.call('GET', '/api/v1/assistant/flow-stages', b.as)).body.data).toEqual([]);
    expect((await t.call('GET', '/api/v1/system-prompts?include_inactive=true', b.as)).body.data).toEqual([]);
    expect((await t.call('GET', '/api/v1/system-prompts/active?type=sms', b.as)).status).toBe(404);
    // A's are intact.
    expect((await t.call('GET', `/api/v1/assistant/flow-stages/${stage}`, a.as)).body.goal).toBe('g');
    expect((await t.call('GET', '/api/v1/system-prompts/active?type=sms', a.as)).body).toMatchObject({ id: prompt, system_prompt: 'secret', prompt_version: 'v1.0.0' });
    expect((await t.call('GET', '/api/v1/assistant/config', a.as)).body.bot_name).toBe('Rina');
  });
});
