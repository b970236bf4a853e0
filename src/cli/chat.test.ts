import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asService, rows } from '../../test/support/actors.ts';
import { describeEachDatabase } from '../../test/support/db.ts';
import { seedDemo } from '../apps/demo.ts';
import { fixedClock } from '../platform/clock.ts';
import { registerChatCommand } from './chat.ts';

// Monday 23 November 2026, 14:00 in Jakarta: "Selamat siang".
const NOW = '2026-11-23T07:00:00Z';

describeEachDatabase('frontdesk chat', (db) => {
  const clock = fixedClock(NOW);

  /** Runs the command against the test database with `stdin` as the customer's side. */
  async function chat(args: string[], stdin: string): Promise<string> {
    let out = '';
    const program = new Command('frontdesk').exitOverride().configureOutput({ writeErr: () => {} });
    registerChatCommand(program, { withDatabase: (fn) => fn(db()), clock, input: Readable.from([stdin]), write: (text) => (out += text) });
    await program.parseAsync(['chat', ...args], { from: 'user' });
    return out;
  }

  beforeAll(async () => {
    await seedDemo(db(), clock);
  });

  it('prints one JSON object per message, the same customer whether the number is local or international', async () => {
    const out = await chat(['--workspace', 'eagle-overseas', '--phone', '081234567098', '--json'], 'Halo kak\n\nNama saya Rina Wijaya\nsaya mau ke Australia\n');
    const turns = out.trimEnd().split('\n').map((l) => JSON.parse(l));
    expect(turns).toHaveLength(3);
    for (const t of turns) expect(Object.keys(t)).toEqual(['reply', 'state', 'lead_score', 'lead_temperature', 'handoff']);
    expect(turns[0]).toMatchObject({ state: 'qualifying', handoff: false, reply: 'Selamat siang! Saya ARI dari Eagle Overseas Education, siap bantu rencana kuliah kamu ke luar negeri. Boleh tahu nama lengkap kamu?' });
    expect(turns[1].reply).toMatch(/^Salam kenal, Rina!/);
    expect(turns[2]).toMatchObject({ state: 'qualifying', handoff: false });

    const more = await chat(['--workspace', 'eagle-overseas', '--phone', '+62 812 3456 7098', '--channel', 'web', '--json'], 'saya mau bicara dengan konsultan\n');
    expect(JSON.parse(more)).toEqual({ reply: 'Baik, saya hubungkan kamu dengan konsultan kami. Mereka akan membalas di chat ini secepatnya.', state: 'handoff', lead_score: expect.any(Number), lead_temperature: expect.any(String), handoff: true });

    const threads = await asService(db(), (tx) =>
      rows<{ channel: string; owner: string; name: string; messages: number }>(
        tx,
        `select v.channel, v.owner, c.name, (select count(*)::int from messages m where m.conversation_id = v.id) as messages
           from conversations v join contacts c on c.workspace_id = v.workspace_id and c.id = v.contact_id
          where c.phone = '+6281234567098' order by v.channel`,
      ),
    );
    expect(threads).toEqual([
      { channel: 'webchat', owner: 'human', name: 'Rina Wijaya', messages: 2 },
      { channel: 'whatsapp', owner: 'ai', name: 'Rina Wijaya', messages: 6 },
    ]);
  });

  it("prints the assistant's replies as text without --json, and says when a person answers instead", async () => {
    const out = await chat(['--workspace', 'eagle-overseas', '--phone', '081234567097'], 'Halo\nsaya mau bicara dengan orang\nhalo?\n');
    expect(out).toBe(
      [
        'ARI> Selamat siang! Saya ARI dari Eagle Overseas Education, siap bantu rencana kuliah kamu ke luar negeri. Boleh tahu nama lengkap kamu?',
        'ARI> Baik, saya hubungkan kamu dengan konsultan kami. Mereka akan membalas di chat ini secepatnya.',
        '(a person answers this conversation now)',
        '',
      ].join('\n'),
    );
  });

  it('answers a message it cannot take with an error object and goes on', async () => {
    const out = await chat(['--workspace', 'eagle-overseas', '--phone', '081234567096', '--json'], `${'x'.repeat(4097)}\nHalo\n`);
    const [refused, answered] = out.trimEnd().split('\n').map((l) => JSON.parse(l));
    expect(refused).toEqual({ error: { code: 'validation.failed', message: 'a message has at most 4096 characters' } });
    expect(answered).toMatchObject({ state: 'qualifying' });
  });

  it('books and pays a consultation in Indonesian with no network: the payment link, then /pay through the demo gateway', async () => {
    const messages = ['Halo, saya mau kuliah S2 computer science di UK', 'Nama saya Budi Santoso', 'IELTS saya 7.0', 'sekitar 600 juta', 'tahun depan', 'budi@example.com', 'pilih 1', 'ya', '/pay', '/pay'];
    const out = await chat(['--workspace', 'eagle-overseas', '--phone', '081234567094', '--json'], `${messages.join('\n')}\n`);
    const turns = out.trimEnd().split('\n').map((l) => JSON.parse(l));
    expect(turns.slice(0, 9).map((t) => t.state)).toEqual(['qualifying', 'qualifying', 'qualifying', 'qualifying', 'qualifying', 'booking', 'booking', 'payment', 'scheduling']);
    expect(turns[5]).toMatchObject({ lead_temperature: 'hot', reply: expect.stringContaining('\n1. ') });
    const link = /http:\/\/127\.0\.0\.1:3000\/pay\/demo\/(FD-[0-9A-Za-z-]+)/.exec(turns[7].reply);
    expect(link, turns[7].reply).not.toBeNull();
    expect(turns[8]).toEqual({
      reply: expect.stringMatching(/^Pembayaran diterima\. Jadwal konsultasi kamu: .+WIB/),
      state: 'scheduling',
      lead_score: turns[7].lead_score,
      lead_temperature: 'hot',
      handoff: false,
      payment: { order_id: link![1], status: 'success', amount: 500000, currency: 'IDR' },
    });
    // Nothing is left to pay.
    expect(turns[9]).toEqual({ error: { code: 'payment.nothing_to_pay', message: 'this customer has no demo payment waiting' } });

    const [paid] = await asService(db(), (tx) =>
      rows<{ payment: string; gateway: string; paid_at: Date | null; appointment: string; state: string; notices: string[] }>(
        tx,
        `select p.status as payment, p.gateway, p.paid_at, a.status as appointment, ac.state,
                array(select m.body from messages m join conversations v on v.workspace_id = m.workspace_id and v.id = m.conversation_id
                       where v.contact_id = ac.contact_id and m.sender_kind = 'system' order by m.created_at) as notices
           from ari_payments p
           join ari_appointments a on a.workspace_id = p.workspace_id and a.id = p.appointment_id
           join ari_conversations ac on ac.workspace_id = p.workspace_id and ac.id = p.ari_conversation_id
           join contacts c on c.workspace_id = ac.workspace_id and c.id = ac.contact_id
          where c.phone = '+6281234567094'`,
      ),
    );
    expect(paid).toEqual({ payment: 'success', gateway: 'demo', paid_at: new Date(NOW), appointment: 'confirmed', state: 'scheduling', notices: [turns[8].reply] });
  });

  it('pays in text mode too, and says so when there is nothing to pay', async () => {
    const out = await chat(['--workspace', 'eagle-overseas', '--phone', '081234567093'], 'Halo\n/pay\n');
    expect(out.split('\n').slice(1)).toEqual(['(this customer has no demo payment waiting)', '']);
  });

  it('refuses an unknown workspace and a number that is not one', async () => {
    await expect(chat(['--workspace', 'nope', '--phone', '081234567095'], '')).rejects.toMatchObject({ code: 'workspace.not_found', message: 'no workspace "nope"' });
    const id = '01900000-0000-7000-8000-000000000000';
    await expect(chat(['--workspace', id, '--phone', '081234567095'], '')).rejects.toMatchObject({ code: 'workspace.not_found', message: `no workspace "${id}"` });
    await expect(chat(['--workspace', 'eagle-overseas', '--phone', 'call me'], '')).rejects.toMatchObject({ code: 'validation.failed', message: expect.stringMatching(/^--phone: "call me" is not a phone number/) });
  });
});

const BIN = new URL('../../bin/frontdesk.js', import.meta.url).pathname;

function run(args: string[], dataDir: string, stdin?: string) {
  return new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      env: { ...process.env, DATABASE_URL: '', LOG_LEVEL: 'silent', FRONTDESK_DATA_DIR: dataDir },
      stdio: [stdin === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    });
    if (stdin !== undefined) child.stdin!.end(stdin);
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (d) => (stdout += d));
    child.stderr!.on('data', (d) => (stderr += d));
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

// Each step starts the command afresh (migrations, the embedded database): slow on a busy machine.
describe('frontdesk chat, as a command', { timeout: 300_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'frontdesk-chat-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('talks to the demo assistant in Indonesian, one JSON line per message, through to a paid consultation', async () => {
    const seeded = await run(['seed', '--demo'], dir);
    expect(seeded.stderr).toBe('');
    expect(seeded.code).toBe(0);

    const messages = ['Halo, saya mau kuliah S2 computer science di UK', 'Nama saya Budi Santoso', 'IELTS saya 7.0', 'sekitar 600 juta', 'tahun depan', 'budi@example.com', 'pilih 1', 'ya', '/pay'];
    const r = await run(['chat', '--workspace', 'eagle-overseas', '--phone', '081234567099', '--json'], dir, `${messages.join('\n')}\n`);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const turns = r.stdout.trimEnd().split('\n').map((l) => JSON.parse(l));
    expect(turns).toHaveLength(messages.length);
    expect(turns.map((t) => t.state)).toEqual(['qualifying', 'qualifying', 'qualifying', 'qualifying', 'qualifying', 'booking', 'booking', 'payment', 'scheduling']);
    expect(turns[7].reply).toMatch(/\/pay\/demo\/FD-/);
    expect(turns[8]).toMatchObject({ reply: expect.stringMatching(/^Pembayaran diterima\./), payment: { status: 'success' } });
    expect(turns[0].reply).toMatch(/^Selamat (pagi|siang|sore|malam)! Saya ARI dari Eagle Overseas Education/);
    expect(turns[5]).toMatchObject({ lead_temperature: 'hot', handoff: false, reply: expect.stringContaining('\n1. ') });
    expect(turns[5].lead_score).toBeGreaterThanOrEqual(70);

    const unknown = await run(['chat', '--workspace', 'x', '--phone', '081234567099', '--json'], dir, '');
    expect(unknown).toEqual({ code: 1, stdout: '', stderr: 'frontdesk: no workspace "x"\n' });
  });
});
