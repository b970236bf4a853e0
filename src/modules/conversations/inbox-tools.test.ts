// The inbox's tools through the real API on each database: private notes with @mentions
// (never sent, announced on the stream), saved replies (a personal one is its owner's alone,
// by row-level security), WhatsApp's 24-hour window with the configured template going through
// the real sender to the fake Meta, and each assistant reply's model, tokens and latency.
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { asService, asSignedIn, one, rows } from '../../../test/support/actors.ts';
import { describeEachDatabase } from '../../../test/support/db.ts';
import { startFakeMeta, type FakeMeta } from '../../../test/support/fakes/meta.ts';
import { email, testApp } from '../../../test/support/http.ts';
import { readSse } from '../../../test/support/sse.ts';
import { channelsApp, waId } from '../../../test/support/channels.ts';
import { customerWroteOnWhatsapp } from '../../../test/support/factories.ts';

type App = ReturnType<typeof testApp>;
type Owner = Awaited<ReturnType<App['owner']>>;
type Mate = Awaited<ReturnType<App['teammate']>>;

describeEachDatabase('inbox tools: notes with mentions and saved replies', (db) => {
  let t: App;
  let w: Owner;
  let member: Mate;
  let colleague: Mate;
  let stranger: Owner;
  let readKey: string;
  const streams: ReturnType<typeof readSse>[] = [];

  const conversation = async (who: Owner, phone: string) => {
    const contact = await t.call('POST', '/api/v1/contacts', { ...who.as, body: { name: 'Rina Hartono', phone } });
    expect(contact.status).toBe(201);
    const conv = await t.call('POST', '/api/v1/conversations', { ...who.as, body: { contact_id: contact.body.id, channel: 'whatsapp' } });
    expect(conv.status).toBe(201);
    // She wrote just now: staff may reply freely.
    await customerWroteOnWhatsapp(db(), who.workspaceId, contact.body.id, new Date());
    return conv.body.id as string;
  };

  beforeAll(async () => {
    t = testApp(db(), undefined, { eventsHeartbeatMs: 200 });
    w = await t.owner(email('tools-owner'));
    member = await t.teammate(w.as, email('tools-member'), 'member');
    colleague = await t.teammate(w.as, email('tools-colleague'), 'member');
    stranger = await t.owner(email('tools-stranger'));
    readKey = (await t.apiKey(w.as, true)).key;
  });
  afterEach(async () => {
    await Promise.all(streams.splice(0).map((s) => s.close()));
  });

  it('keeps a note with its mentions in the thread, in time order, announced on the stream, and never as a message', async () => {
    const id = await conversation(w, '+6281277700001');
    const res = await t.app.request(`/api/v1/events/stream`, { headers: { cookie: colleague.cookie, 'x-workspace-id': w.workspaceId } });
    expect(res.status).toBe(200);
    const stream = readSse(res);
    streams.push(stream);
    await stream.waitFor((e) => e.event === 'ready');

    const reply = await t.call('POST', `/api/v1/conversations/${id}/messages`, { ...w.as, body: { body: 'Halo Rina!' } });
    expect(reply.status).toBe(201);
    const note = await t.call('POST', `/api/v1/conversations/${id}/notes`, {
      ...member.as,
      body: { body: '@colleague can you call her back about the visa?', mentions: [colleague.userId, colleague.userId] },
    });
    expect(note.status, JSON.stringify(note.body)).toBe(201);
    expect(note.body).toMatchObject({ conversation_id: id, author_id: member.userId, body: '@colleague can you call her back about the visa?', mentions: [colleague.userId] });

    // Stored per person, for a later notification.
    const mentions = await asService(db(), (tx) => rows<{ user_id: string }>(tx, 'select user_id from conversation_note_mentions where workspace_id = $1 and note_id = $2', [w.workspaceId, note.body.id]));
    expect(mentions).toEqual([{ user_id: colleague.userId }]);

    const announced = await stream.waitFor((e) => e.event === 'note.created' && e.data.id === note.body.id);
    expect(announced.data).toMatchObject({ conversation_id: id, author_id: member.userId, mentions: [colleague.userId], preview: '@colleague can you call her back about the visa?' });

    const thread = await t.call('GET', `/api/v1/conversations/${id}`, w.as);
    expect(thread.status).toBe(200);
    expect(thread.body.notes.map((n: { id: string }) => n.id)).toEqual([note.body.id]);
    expect(new Date(thread.body.notes[0].created_at).getTime()).toBeGreaterThanOrEqual(new Date(thread.body.messages.at(-1).created_at).getTime());
    // The note is no message: nothing to deliver, nothing in the outbox.
    expect(thread.body.messages.map((m: { body: string }) => m.body)).toEqual(['Halo Rina!']);
    const outbox = await asService(db(), (tx) => rows(tx, 'select message_id from outbox where workspace_id = $1', [w.workspaceId]));
    expect(outbox).toHaveLength(1);
    expect((await t.call('GET', `/api/v1/conversations/${id}/notes`, { key: readKey, workspace: w.workspaceId })).body.data).toHaveLength(1);
  });

  it('refuses mentions of non-members, notes from read-only keys and notes on other workspaces\' threads', async () => {
    const id = await conversation(w, '+6281277700002');
    const outsider = await t.call('POST', `/api/v1/conversations/${id}/notes`, { ...w.as, body: { body: 'hi @stranger', mentions: [stranger.userId] } });
    expect(outsider.status).toBe(400);
    expect(outsider.body.error.code).toBe('conversation.mention_not_member');
    expect((await t.call('POST', `/api/v1/conversations/${id}/notes`, { key: readKey, workspace: w.workspaceId, body: { body: 'x' } })).status).toBe(403);
    const theirs = await t.call('POST', `/api/v1/conversations/${id}/notes`, { ...stranger.as, body: { body: 'peek' } });
    expect(theirs.status).toBe(404);
    const empty = await t.call('POST', `/api/v1/conversations/${id}/notes`, { ...w.as, body: { body: '   ' } });
    expect(empty.status).toBe(400);
    expect((await t.call('GET', `/api/v1/conversations/${id}/notes`, w.as)).body.data).toEqual([]);
  });

  it('lists the notes that mention me, unread first counted, until I read them; nobody else sees or clears them', async () => {
    const first = await conversation(w, '+6281277700003');
    const second = await conversation(w, '+6281277700004');
    const before = await t.call('GET', '/api/v1/mentions?unread=true', colleague.as);
    expect(before.status).toBe(200);
    const base = before.body.unread_count as number;

    const a = await t.call('POST', `/api/v1/conversations/${first}/notes`, { ...w.as, body: { body: '@colleague please call Rina', mentions: [colleague.userId] } });
    const b = await t.call('POST', `/api/v1/conversations/${second}/notes`, { ...member.as, body: { body: '@colleague and @me', mentions: [colleague.userId, member.userId] } });
    const c = await t.call('POST', `/api/v1/conversations/${second}/notes`, { ...w.as, body: { body: 'about @colleague again', mentions: [colleague.userId] } });
    expect([a.status, b.status, c.status]).toEqual([201, 201, 201]);

    const mine = await t.call('GET', '/api/v1/mentions?unread=true', colleague.as);
    expect(mine.status).toBe(200);
    expect(mine.body.unread_count).toBe(base + 3);
    expect(mine.body.data.slice(0, 3).map((m: { note_id: string }) => m.note_id)).toEqual([c.body.id, b.body.id, a.body.id]);
    expect(mine.body.data[2]).toMatchObject({ conversation_id: first, channel: 'whatsapp', author_id: w.userId, body: '@colleague please call Rina', read_at: null, contact: { name: 'Rina Hartono' } });
    // The member was mentioned once; the owner never.
    expect((await t.call('GET', '/api/v1/mentions?unread=true', member.as)).body.data.map((m: { note_id: string }) => m.note_id)).toEqual([b.body.id]);
    expect((await t.call('GET', '/api/v1/mentions', w.as)).body).toEqual({ data: [], unread_count: 0 });

    // Someone else marking "all" read clears only their own.
    expect((await t.call('POST', '/api/v1/mentions/read', { ...member.as, body: {} })).body).toEqual({ unread_count: 0 });
    expect((await t.call('GET', '/api/v1/mentions?unread=true', colleague.as)).body.unread_count).toBe(base + 3);

    // Opening the second conversation reads both of its mentions; one note by id reads the first.
    const opened = await t.call('POST', '/api/v1/mentions/read', { ...colleague.as, body: { conversation_id: second } });
    expect(opened.status).toBe(200);
    expect(opened.body.unread_count).toBe(base + 1);
    expect((await t.call('POST', '/api/v1/mentions/read', { ...colleague.as, body: { note_ids: [a.body.id] } })).body.unread_count).toBe(base);
    const all = await t.call('GET', '/api/v1/mentions', colleague.as);
    const read = all.body.data.find((m: { note_id: string }) => m.note_id === a.body.id);
    expect(read.read_at).not.toBeNull();
    expect((await t.call('GET', '/api/v1/mentions?unread=true', colleague.as)).body.data.map((m: { note_id: string }) => m.note_id)).not.toContain(a.body.id);

    // An API key is nobody to mention; bad bodies are refused at the edge.
    const key = await t.call('GET', '/api/v1/mentions', { key: readKey, workspace: w.workspaceId });
    expect(key.status).toBe(400);
    expect(key.body.error.code).toBe('mention.needs_person');
    expect((await t.call('POST', '/api/v1/mentions/read', { ...colleague.as, body: { note_ids: ['nope'] } })).status).toBe(400);
    expect((await t.call('POST', '/api/v1/mentions/read', { ...colleague.as, body: { note_ids: [] } })).status).toBe(400);
    // Another workspace's owner sees none of them.
    expect((await t.call('GET', '/api/v1/mentions', stranger.as)).body).toEqual({ data: [], unread_count: 0 });
  });

  it("keeps a personal saved reply its owner's alone, and the team's replies for admins to write", async () => {
    const mine = await t.call('POST', '/api/v1/saved-replies', { ...member.as, body: { shortcut: 'Visa', body: 'Hi {{contact.first_name}}, the visa takes 3 weeks.', personal: true } });
    expect(mine.status, JSON.stringify(mine.body)).toBe(201);
    expect(mine.body).toMatchObject({ shortcut: 'visa', personal: true, owner_id: member.userId });

    // A member may not speak for the team; the owner may.
    const teamByMember = await t.call('POST', '/api/v1/saved-replies', { ...member.as, body: { shortcut: 'hours', body: 'We are open 9-5.' } });
    expect(teamByMember.status).toBe(403);
    expect(teamByMember.body.error.code).toBe('saved_reply.team_needs_admin');
    const team = await t.call('POST', '/api/v1/saved-replies', { ...w.as, body: { shortcut: 'hours', body: 'We are open 9-5, {{contact.first_name}}.' } });
    expect(team.status).toBe(201);
    expect(team.body.personal).toBe(false);

    const shortcuts = async (as: object, q = '') => ((await t.call('GET', `/api/v1/saved-replies${q}`, as)).body.data as { shortcut: string }[]).map((r) => r.shortcut);
    expect(await shortcuts(member.as)).toEqual(['hours', 'visa']);
    expect(await shortcuts(member.as, '?q=/vi')).toEqual(['visa']);
    // The colleague and the owner see the team's only.
    expect(await shortcuts(colleague.as)).toEqual(['hours']);
    expect(await shortcuts(w.as)).toEqual(['hours']);
    expect(await shortcuts({ key: readKey, workspace: w.workspaceId })).toEqual(['hours']);
    expect(await shortcuts(stranger.as)).toEqual([]);
    // Nor can they change or delete it by its id.
    expect((await t.call('PATCH', `/api/v1/saved-replies/${mine.body.id}`, { ...colleague.as, body: { body: 'mine now' } })).status).toBe(404);
    expect((await t.call('DELETE', `/api/v1/saved-replies/${mine.body.id}`, { ...w.as })).status).toBe(404);
    // The database itself keeps it from them, whatever the code asks.
    const seen = await asSignedIn(db(), colleague.userId, w.workspaceId, (tx) => rows(tx, 'select id from saved_replies where id = $1', [mine.body.id]));
    expect(seen).toEqual([]);
    await expect(
      asSignedIn(db(), colleague.userId, w.workspaceId, (tx) =>
        tx.query(`insert into saved_replies (workspace_id, owner_id, shortcut, body) values ($1, $2, 'forged', 'x')`, [w.workspaceId, member.userId]),
      ),
    ).rejects.toThrow(/row-level security/);
    const bySeen = await asSignedIn(db(), member.userId, w.workspaceId, (tx) => rows(tx, 'select id from saved_replies where id = $1', [mine.body.id]));
    expect(bySeen).toHaveLength(1);

    // The owner edits it; duplicates and bad shortcuts are refused with their codes.
    const edited = await t.call('PATCH', `/api/v1/saved-replies/${mine.body.id}`, { ...member.as, body: { body: 'Visa: 3 weeks.' } });
    expect(edited.status).toBe(200);
    expect(edited.body.body).toBe('Visa: 3 weeks.');
    expect((await t.call('PATCH', `/api/v1/saved-replies/${team.body.id}`, { ...member.as, body: { body: 'x' } })).status).toBe(403);
    const dup = await t.call('POST', '/api/v1/saved-replies', { ...w.as, body: { shortcut: 'hours', body: 'again' } });
    expect(dup.status).toBe(409);
    expect(dup.body.error.code).toBe('saved_reply.shortcut_taken');
    // Another person's personal shortcut is theirs: the colleague may have a /visa too.
    expect((await t.call('POST', '/api/v1/saved-replies', { ...colleague.as, body: { shortcut: 'visa', body: 'Other text', personal: true } })).status).toBe(201);
    const bad = await t.call('POST', '/api/v1/saved-replies', { ...member.as, body: { shortcut: 'two words', body: 'x', personal: true } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.issues[0].path).toBe('body.shortcut');
    const apiKey = (await t.apiKey(w.as)).key;
    const keyPersonal = await t.call('POST', '/api/v1/saved-replies', { key: apiKey, workspace: w.workspaceId, body: { shortcut: 'k', body: 'x', personal: true } });
    expect(keyPersonal.status).toBe(400);
    expect(keyPersonal.body.error.code).toBe('saved_reply.personal_needs_person');

    expect((await t.call('DELETE', `/api/v1/saved-replies/${mine.body.id}`, member.as)).status).toBe(204);
    expect(await shortcuts(member.as)).toEqual(['hours']);
  });
});

describeEachDatabase('inbox tools on WhatsApp: the 24-hour window, the template, notes and the assistant', (db) => {
  let fake: FakeMeta;
  let t: ReturnType<typeof channelsApp>;
  let ws: Awaited<ReturnType<ReturnType<typeof channelsApp>['connectedWorkspace']>>;
  let ownerId: string;

  beforeAll(async () => {
    fake = await startFakeMeta();
    t = channelsApp(db(), fake);
    ws = await t.connectedWorkspace({ reminder_template: { name: 'follow_up', language: 'en' } });
    ownerId = (await t.call('GET', '/api/v1/auth/me', { cookie: ws.as.cookie })).body.user.id;
  });
  afterAll(async () => {
    await fake?.close();
  });

  const sentTo = (from: string) => fake.sent.filter((s) => s.body.to === `+${from}`);
  const threadOf = async (from: string) => {
    const list = await t.call('GET', `/api/v1/conversations?q=${encodeURIComponent(from)}`, ws.as);
    const all = await t.call('GET', '/api/v1/conversations?limit=200', ws.as);
    const c = [...list.body.data, ...all.body.data].find((x: { contact: { phone: string } }) => x.contact.phone === `+${from}`);
    expect(c).toBeDefined();
    return c.id as string;
  };

  it("says a free-form reply can go inside the window, with the assistant's model, tokens and latency on its reply, and a note never reaches Meta", async () => {
    const from = waId();
    const at = Math.floor(Date.now() / 1000) - 3600;
    await t.post(fake.inbound(ws.phoneNumberId, { from, text: 'Halo, saya mau kuliah di Australia', timestamp: at }));
    await t.worker.drain();
    const id = await threadOf(from);
    const thread = await t.call('GET', `/api/v1/conversations/${id}`, ws.as);
    expect(thread.status).toBe(200);
    expect(thread.body.reply_window).toEqual({
      free_form: true,
      last_customer_message_at: new Date(at * 1000).toISOString(),
      closes_at: new Date(at * 1000 + 24 * 3600_000).toISOString(),
      template: { name: 'follow_up', language: 'en' },
    });
    const answer = thread.body.messages.find((m: { sender_kind: string }) => m.sender_kind === 'assistant');
    expect(answer.assistant).toEqual({ model: 'rule-engine', tokens: 0, latency_ms: expect.any(Number) });
    expect(answer.assistant.latency_ms).toBeGreaterThanOrEqual(0);
    // Recorded by the turn itself: the same as its ari_messages row.
    const ari = await asService(db(), (tx) => one<{ ai_model: string; response_time_ms: number }>(tx, 'select ai_model, response_time_ms from ari_messages where workspace_id = $1 and id = $2', [ws.workspaceId, answer.metadata.ari_message_id]));
    expect(ari).toEqual({ ai_model: 'rule-engine', response_time_ms: answer.assistant.latency_ms });
    expect(thread.body.messages.filter((m: { sender_kind: string }) => m.sender_kind !== 'assistant').every((m: { assistant: unknown }) => m.assistant === null)).toBe(true);

    const before = fake.sent.length;
    const note = await t.call('POST', `/api/v1/conversations/${id}/notes`, { ...ws.as, body: { body: 'Private: she prefers Melbourne, @me', mentions: [ownerId] } });
    expect(note.status).toBe(201);
    await t.worker.drain();
    expect(fake.sent.length).toBe(before);
    expect(fake.sent.some((s) => JSON.stringify(s.body).includes('Melbourne'))).toBe(false);
    const stored = await asService(db(), (tx) => rows(tx, "select id from messages where workspace_id = $1 and body like '%Melbourne%'", [ws.workspaceId]));
    expect(stored).toEqual([]);
  });

  it('outside the window says so and sends the configured template through the sender to Meta', async () => {
    const from = waId();
    const at = Math.floor(Date.now() / 1000) - 25 * 3600;
    await t.post(fake.inbound(ws.phoneNumberId, { from, text: 'Halo', timestamp: at }));
    await t.worker.drain();
    const id = await threadOf(from);
    const thread = await t.call('GET', `/api/v1/conversations/${id}`, ws.as);
    expect(thread.body.reply_window).toMatchObject({ free_form: false, closes_at: new Date(at * 1000 + 24 * 3600_000).toISOString(), template: { name: 'follow_up', language: 'en' } });

    const before = sentTo(from).length;
    const sent = await t.call('POST', `/api/v1/conversations/${id}/template`, { ...ws.as, body: { body: 'Rina from Eagle here: shall we continue your application?' } });
    expect(sent.status, JSON.stringify(sent.body)).toBe(201);
    expect(sent.body).toMatchObject({ sender_kind: 'agent', delivery_status: 'queued', metadata: { kind: 'template', template: { name: 'follow_up', language: 'en' } } });
    await t.worker.drain();
    const out = sentTo(from).slice(before);
    expect(out).toHaveLength(1);
    expect(out[0]!.body).toMatchObject({
      type: 'template',
      biz_opaque_callback_data: sent.body.id,
      template: { name: 'follow_up', language: { code: 'en' }, components: [{ type: 'body', parameters: [{ type: 'text', text: 'Rina from Eagle here: shall we continue your application?' }] }] },
    });
    const after = await t.call('GET', `/api/v1/conversations/${id}`, ws.as);
    expect(after.body.owner).toBe('human');
    expect(after.body.messages.find((m: { id: string }) => m.id === sent.body.id).delivery_status).toBe('sent');

    // A free-form reply now is refused by the API itself, saying why and what can go instead;
    // nothing is stored or queued, and nothing reaches Meta.
    const messagesBefore = (await t.messages(ws.workspaceId)).length;
    const reply = await t.call('POST', `/api/v1/conversations/${id}/messages`, { ...ws.as, body: { body: 'Are you there?' } });
    expect(reply.status).toBe(409);
    expect(reply.body.error).toEqual({
      code: 'conversation.whatsapp_window_closed',
      message: expect.stringMatching(/within 24 hours .*template "follow_up"/),
      details: { last_customer_message_at: new Date(at * 1000).toISOString(), closes_at: new Date(at * 1000 + 24 * 3600_000).toISOString(), template: { name: 'follow_up', language: 'en' } },
    });
    await t.worker.drain();
    expect(await t.messages(ws.workspaceId)).toHaveLength(messagesBefore);
    expect(sentTo(from).slice(before)).toHaveLength(1);
  });

  it('refuses a free-form reply to a customer who never wrote on WhatsApp, and takes one inside the window', async () => {
    const contact = await t.call('POST', '/api/v1/contacts', { ...ws.as, body: { name: 'Never wrote', phone: '+6281277700097' } });
    const wa = await t.call('POST', '/api/v1/conversations', { ...ws.as, body: { contact_id: contact.body.id, channel: 'whatsapp' } });
    expect(wa.status).toBe(201);
    const refused = await t.call('POST', `/api/v1/conversations/${wa.body.id}/messages`, { ...ws.as, body: { body: 'Halo!' } });
    expect(refused.status).toBe(409);
    expect(refused.body.error).toMatchObject({ code: 'conversation.whatsapp_window_closed', details: { last_customer_message_at: null, closes_at: null, template: { name: 'follow_up', language: 'en' } } });
    // The template still goes.
    expect((await t.call('POST', `/api/v1/conversations/${wa.body.id}/template`, { ...ws.as, body: { body: 'Halo from Eagle' } })).status).toBe(201);

    // Inside the window (the customer wrote an hour ago) the same reply goes.
    const from = waId();
    await t.post(fake.inbound(ws.phoneNumberId, { from, text: 'Halo', timestamp: Math.floor(Date.now() / 1000) - 3600 }));
    await t.worker.drain();
    const open = await t.call('POST', `/api/v1/conversations/${await threadOf(from)}/messages`, { ...ws.as, body: { body: 'Halo, ada yang bisa kami bantu?' } });
    expect(open.status, JSON.stringify(open.body)).toBe(201);
    await t.worker.drain();
    expect(sentTo(from).some((s) => s.body.text?.body === 'Halo, ada yang bisa kami bantu?')).toBe(true);
  });

  it('has no template to send on other channels or without one configured', async () => {
    const contact = await t.call('POST', '/api/v1/contacts', { ...ws.as, body: { name: 'Web visitor', phone: '+6281277700099' } });
    const web = await t.call('POST', '/api/v1/conversations', { ...ws.as, body: { contact_id: contact.body.id, channel: 'webchat' } });
    expect(web.status).toBe(201);
    expect((await t.call('GET', `/api/v1/conversations/${web.body.id}`, ws.as)).body.reply_window).toBeNull();
    const res = await t.call('POST', `/api/v1/conversations/${web.body.id}/template`, { ...ws.as, body: { body: 'x' } });
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('conversation.template_not_available');

    const bare = await t.connectedWorkspace();
    const c2 = await t.call('POST', '/api/v1/contacts', { ...bare.as, body: { name: 'No template', phone: '+6281277700098' } });
    const wa = await t.call('POST', '/api/v1/conversations', { ...bare.as, body: { contact_id: c2.body.id, channel: 'whatsapp' } });
    const thread = await t.call('GET', `/api/v1/conversations/${wa.body.id}`, bare.as);
    expect(thread.body.reply_window).toEqual({ free_form: false, last_customer_message_at: null, closes_at: null, template: null });
    const none = await t.call('POST', `/api/v1/conversations/${wa.body.id}/template`, { ...bare.as, body: { body: 'x' } });
    expect(none.status).toBe(409);
    expect(none.body.error.code).toBe('conversation.no_template');
  });
});
