import { Temporal } from 'temporal-polyfill';
import { beforeAll, expect, it } from 'vitest';
import { asService, rows } from '../support/actors.ts';
import { describeEachDatabase } from '../support/db.ts';
import { email, testApp } from '../support/http.ts';
import { DEMO_PASSWORD, seedDemo } from '../../src/apps/demo.ts';
import { fixedClock } from '../../src/platform/clock.ts';

/** The next Monday, 09:00 in Jakarta: a week of weekday consultation slots ahead. */
function nextMondayMorning(): Date {
  const today = Temporal.Now.zonedDateTimeISO('Asia/Jakarta');
  const monday = today.toPlainDate().add({ days: 8 - today.dayOfWeek });
  return new Date(monday.toZonedDateTime({ timeZone: 'Asia/Jakarta', plainTime: '09:00' }).epochMilliseconds);
}

type Body = Record<string, any>;
type As = { cookie: string; workspace: string };

const HOT_LEAD = ['Halo, saya mau kuliah S2 computer science di UK', 'Nama saya Budi Santoso', 'IELTS saya 7.0', 'sekitar 600 juta', 'tahun depan', 'budi@example.com'];

describeEachDatabase('handing a conversation back to the assistant', (db) => {
  const clock = fixedClock(nextMondayMorning());
  let t: ReturnType<typeof testApp>;
  let owner: As;
  let member: As;

  const say = async (phone: string, message: string) => {
    const res = await t.call('POST', '/api/v1/assistant/turns', { ...owner, body: { phone, channel: 'whatsapp', message } });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body as Body;
  };
  const handBack = (id: string, as: As) => t.call('POST', `/api/v1/conversations/${id}/hand-back`, as);
  const assistantRecord = (contactId: string) =>
    asService(db(), async (tx) => (await rows<Body>(tx, 'select state, context, handoff_reason from ari_conversations where contact_id = $1', [contactId]))[0]!);

  beforeAll(async () => {
    t = testApp(db(), clock);
    const eagle = (await seedDemo(db(), clock)).find((w) => w.slug === 'eagle-overseas')!.workspaceId;
    const signin = await t.call('POST', '/api/v1/auth/signin', { body: { email: 'owner@eagle-overseas.demo', password: DEMO_PASSWORD } });
    owner = { cookie: (signin.headers.get('set-cookie') ?? '').split(';')[0]!, workspace: eagle };
    member = (await t.teammate(owner, email('agent'), 'member')).as;
  });

  it('resumes a conversation handed off mid-booking in booking: the next message is answered there', async () => {
    const phone = '081234567201';
    for (const m of HOT_LEAD) await say(phone, m);
    const handedOff = await say(phone, 'saya mau bicara dengan konsultan');
    expect(handedOff).toMatchObject({ state: 'handoff', handoff: true, reply: expect.any(String) });
    expect(await say(phone, 'halo?')).toMatchObject({ reply: null, state: 'handoff', handoff: true });
    expect((await assistantRecord(handedOff.contact_id)).context.state_before_handoff).toBe('booking');

    const res = await handBack(handedOff.conversation_id, member);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: handedOff.conversation_id, owner: 'ai' });
    const record = await assistantRecord(handedOff.contact_id);
    expect(record.state).toBe('booking');
    expect(record.context).not.toHaveProperty('state_before_handoff');
    expect(record.handoff_reason).toBe('human_requested');

    // Back in booking, the assistant lists the slots again and takes a choice.
    const next = await say(phone, 'halo, jadi gimana jadwalnya?');
    expect(next).toMatchObject({ state: 'booking', handoff: false, reply: expect.stringContaining('\n1. ') });
    expect(await say(phone, 'pilih 1')).toMatchObject({ state: 'booking', handoff: false });
    expect((await assistantRecord(handedOff.contact_id)).context.selected_slot).toBeTruthy();
    // Twice is the same as once.
    expect((await handBack(handedOff.conversation_id, member)).status).toBe(200);
    expect((await assistantRecord(handedOff.contact_id)).state).toBe('booking');
  });

  it('gives the thread back but leaves a completed conversation completed and silent', async () => {
    const phone = '081234567202';
    const first = await say(phone, 'Halo kak');
    await asService(db(), async (tx) => {
      await tx.query(`update ari_conversations set state = 'completed' where contact_id = $1`, [first.contact_id]);
      await tx.query(`update conversations set owner = 'human' where id = $1`, [first.conversation_id]);
    });
    const res = await handBack(first.conversation_id, member);
    expect(res.body).toMatchObject({ owner: 'ai' });
    expect((await assistantRecord(first.contact_id)).state).toBe('completed');
    expect(await say(phone, 'halo lagi')).toMatchObject({ reply: null, state: 'completed' });
  });

  it("answers 404 to a member of another workspace and leaves the handoff as it was", async () => {
    const phone = '081234567203';
    await say(phone, 'Halo kak');
    const handedOff = await say(phone, 'saya mau bicara dengan orang');
    expect(handedOff.state).toBe('handoff');
    const stranger = await t.owner(email('stranger'));
    const res = await handBack(handedOff.conversation_id, stranger.as);
    expect([res.status, res.body.error.code]).toEqual([404, 'conversation.not_found']);
    expect((await assistantRecord(handedOff.contact_id)).state).toBe('handoff');
    expect((await t.call('GET', `/api/v1/conversations/${handedOff.conversation_id}`, owner)).body.owner).toBe('human');
  });
});
