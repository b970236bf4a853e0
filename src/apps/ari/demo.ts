import type { Ctx } from '../../platform/context.ts';
import { newId } from '../../platform/ids.ts';
import { leadStatusFor, loadScoring, normalizeContext, personaLanguage, scoreLead } from '../../modules/assistant/index.ts';
import { DEMO_PAYMENTS } from '../../modules/payments/index.ts';
import { addKnowledgeEntries } from './template.ts';

const DAY = 86_400_000;

/** Eagle Overseas, a study-abroad consultancy in Jakarta: leads at every stage of ARI's funnel. */
export async function seedAriDemo(ctx: Ctx, workspaceId: string, consultantId: string, options: { publicUrl?: string | undefined } = {}): Promise<void> {
  const { db } = ctx.tx;
  const now = ctx.clock.now().getTime();
  const at = (offsetMs: number) => new Date(now + offsetMs);
  const ws = { workspace_id: workspaceId };

  await db
    .updateTable('ari_config')
    .set({ community_link: 'https://chat.whatsapp.com/eagle-community' })
    .where('workspace_id', '=', workspaceId)
    .execute();
  // Each consultation the assistant books meets in its own room.
  await db
    .updateTable('workspaces')
    .set({ settings: JSON.stringify({ scheduling: { meeting_link_pattern: 'https://meet.jit.si/eagle-overseas-{room}' } }) })
    .where('id', '=', workspaceId)
    .execute();

  await addKnowledgeEntries(ctx, workspaceId, [
    { category: 'Layanan', title: 'Biaya konsultasi 1-on-1', content: 'Konsultasi 1-on-1 selama 60 menit dengan konsultan senior: Rp 500.000, dibayar lewat QRIS, GoPay, OVO, transfer bank atau kartu. Link pembayaran berlaku 24 jam.' },
    { category: 'Universitas', title: 'Jam layanan', content: 'Kantor kami buka Senin-Jumat 09.00-17.00 WIB di Jakarta Selatan. Konsultasi online tersedia setiap hari kerja.' },
  ]);

  const leads = [
    { name: 'Budi Santoso', phone: '+6281234567001', email: 'budi.santoso@example.id', state: 'booking', scored: true, ctx: { name: 'Budi Santoso', destination: 'United Kingdom', english_level: 'IELTS 7.0', budget: 'Rp 600 juta', timeline: '2027', program: 'Computer Science', documents: { passport: true, cv: true, english_test: true, transcript: true } } },
    { name: 'Siti Rahmawati', phone: '+6281234567002', email: 'siti.r@example.id', state: 'qualifying', scored: true, ctx: { name: 'Siti Rahmawati', destination: 'Australia', english_level: 'intermediate', budget: 'Rp 400 juta' } },
    { name: 'Andi Wijaya', phone: '+6281234567003', email: null, state: 'handoff', scored: true, ctx: { name: 'Andi Wijaya', destination: 'Japan', timeline: 'nanti dulu' } },
    { name: 'Dewi Lestari', phone: '+6281234567004', email: 'dewi@example.id', state: 'greeting', scored: false, ctx: {} },
  ] as const;
  // Each lead's score is the one the engine gives what it collected, under the workspace's
  // config, with its breakdown and reasons in the context as a turn leaves them: the inbox,
  // the contact and the lead's insight then show one number. A greeting is not scored yet.
  const workspace = await db.selectFrom('workspaces').select(['locale', 'time_zone', 'currency']).where('id', '=', workspaceId).executeTakeFirstOrThrow();
  const scoring = await loadScoring(ctx.tx, workspaceId);
  const scoreOpts = { now: ctx.clock.now(), timeZone: workspace.time_zone, currency: workspace.currency, language: personaLanguage(workspace.locale) };

  for (const [i, lead] of leads.entries()) {
    const scored = scoreLead(normalizeContext(lead.ctx, scoreOpts), scoring, scoreOpts);
    const temperature = lead.scored ? scored.temperature : null;
    const status = temperature ? leadStatusFor(temperature) : 'new';
    const context = lead.scored ? { ...lead.ctx, reasons: scored.reasons, score_breakdown: scored.breakdown } : lead.ctx;
    const contactId = newId();
    const conversationId = newId();
    const ariId = newId();
    await db.insertInto('contacts').values({ ...ws, id: contactId, name: lead.name, phone: lead.phone, email: lead.email, lead_score: scored.score, lead_temperature: temperature, lead_status: status, source: 'whatsapp', locale: 'id', tags: i === 0 ? ['1on1'] : [], last_contact: at(-i * DAY) }).execute();
    await db.insertInto('conversations').values({ ...ws, id: conversationId, contact_id: contactId, channel: 'whatsapp', owner: lead.state === 'handoff' ? 'human' : 'ai', status: 'open', last_message_at: at(-i * DAY), last_inbound_at: at(-i * DAY) }).execute();
    const exchange = [
      { direction: 'inbound', sender_kind: 'contact', body: i === 0 ? 'Halo, saya mau kuliah S2 di UK' : 'Halo kak, mau tanya soal kuliah di luar negeri' },
      { direction: 'outbound', sender_kind: 'assistant', body: `Selamat siang, ${lead.name.split(' ')[0]}! Saya ARI dari Eagle Overseas. Negara mana yang kamu tuju?` },
    ] as const;
    // The assistant's reply names its turn (metadata.ari_message_id), as the turn writes it: the inbox shows its model, tokens and latency.
    const ariMessageIds = exchange.map(() => newId());
    await db.insertInto('messages').values(exchange.map((m, j) => ({ ...ws, id: newId(), conversation_id: conversationId, channel: 'whatsapp', direction: m.direction, sender_kind: m.sender_kind, body: m.body, delivery_status: m.direction === 'inbound' ? 'received' : 'read', provider_message_id: `wamid.DEMO${i}${j}`, metadata: JSON.stringify(m.sender_kind === 'assistant' ? { ari_message_id: ariMessageIds[j] } : {}), created_at: at(-i * DAY + j * 60_000) }))).execute();
    await db.insertInto('ari_conversations').values({ ...ws, id: ariId, contact_id: contactId, conversation_id: conversationId, state: lead.state, lead_score: scored.score, lead_temperature: temperature, context: JSON.stringify(context), ai_model: i % 2 === 0 ? 'grok' : 'sea-lion', last_ai_message_at: at(-i * DAY + 60_000), ...(lead.state === 'handoff' ? { handoff_at: at(-i * DAY + 120_000), handoff_reason: 'cold_lead_follow_up_30_days' } : {}) }).execute();
    await db.insertInto('ari_messages').values(exchange.map((m, j) => ({ ...ws, id: ariMessageIds[j]!, ari_conversation_id: ariId, role: m.sender_kind === 'contact' ? 'user' : 'assistant', content: m.body, ...(m.sender_kind === 'assistant' ? { ai_model: i % 2 === 0 ? 'grok' : 'sea-lion', tokens_used: 96 + i * 7, response_time_ms: 850 + i * 120 } : {}), created_at: at(-i * DAY + j * 60_000) }))).execute();
    // The owner's private note on the lead the assistant handed off, for the consultant.
    if (lead.state === 'handoff' && ctx.actor.kind === 'user') {
      const noteId = newId();
      await db.insertInto('conversation_notes').values({ ...ws, id: noteId, conversation_id: conversationId, author_id: ctx.actor.userId, body: '@Hendra Gunawan tolong telepon Andi minggu depan: dia masih ragu soal Jepang.', created_at: at(-i * DAY + 180_000), updated_at: at(-i * DAY + 180_000) }).execute();
      await db.insertInto('conversation_note_mentions').values({ ...ws, note_id: noteId, user_id: consultantId, created_at: at(-i * DAY + 180_000) }).execute();
    }

    if (i === 0) {
      const paymentId = newId();
      await db.insertInto('ari_payments').values({ ...ws, id: paymentId, ari_conversation_id: ariId, amount: 500_000, currency: 'IDR', payment_method: 'qris', gateway_transaction_id: 'demo-eagle-0001', status: 'success', paid_at: at(-2 * 3_600_000), expires_at: at(22 * 3_600_000), gateway_response: JSON.stringify({ transaction_status: 'settlement', payment_type: 'qris' }) }).execute();
      const appointmentId = newId();
      const scheduledAt = new Date(Math.ceil((now + 3 * DAY) / 3_600_000) * 3_600_000);
      await db.insertInto('ari_appointments').values({ ...ws, id: appointmentId, ari_conversation_id: ariId, payment_id: paymentId, consultant_id: consultantId, scheduled_at: scheduledAt, duration_minutes: 60, meeting_link: 'https://meet.example.com/eagle-budi', status: 'scheduled', notes: 'UK, Computer Science, IELTS 7.0' }).execute();
      // What the consultant was told when it was booked.
      await db.insertInto('staff_notifications').values({ ...ws, id: newId(), user_id: consultantId, kind: 'consultation.assigned', appointment_id: appointmentId, body: `Konsultasi baru untuk Anda: ${lead.name}. https://meet.example.com/eagle-budi`, created_at: at(-2 * 3_600_000) }).execute();
    }
  }

  // Saved replies, typed as /shortcut in the reply box: the team's, and one of the owner's own.
  await db.insertInto('saved_replies').values([
    { ...ws, id: newId(), shortcut: 'halo', body: 'Halo {{contact.first_name}}! Saya Rina dari Eagle Overseas. Ada yang bisa saya bantu?' },
    { ...ws, id: newId(), shortcut: 'jadwal', body: 'Jadwal konsultasi kamu berikutnya: {{appointment.next}}. Sampai ketemu, {{contact.first_name}}!' },
    { ...ws, id: newId(), shortcut: 'biaya', body: 'Konsultasi 1-on-1 selama 60 menit dengan konsultan senior: Rp 500.000, bisa dibayar lewat QRIS, GoPay, OVO, transfer bank atau kartu.' },
    ...(ctx.actor.kind === 'user' ? [{ ...ws, id: newId(), owner_id: ctx.actor.userId, shortcut: 'salam', body: 'Salam hangat,\nRina, Eagle Overseas' }] : []),
  ]).execute();

  const periodStart = new Date(Math.floor((now - 7 * DAY) / DAY) * DAY);
  await db.insertInto('ari_ai_comparison').values([
    { ...ws, id: newId(), ai_model: 'grok', conversation_count: 2, avg_response_time_ms: 850, total_tokens_used: 210, conversion_count: 1, satisfaction_score: '4.50', period_start: periodStart, period_end: new Date(periodStart.getTime() + 7 * DAY) },
    { ...ws, id: newId(), ai_model: 'sea-lion', conversation_count: 2, avg_response_time_ms: 1390, total_tokens_used: 230, conversion_count: 0, period_start: periodStart, period_end: new Date(periodStart.getTime() + 7 * DAY) },
  ]).execute();

  await db.insertInto('articles').values([
    { ...ws, id: newId(), title: '5 langkah kuliah S2 di Inggris', slug: 'kuliah-s2-inggris', excerpt: 'Dari memilih kampus sampai visa.', content: 'Mulai dari menentukan program, menyiapkan IELTS, hingga mengurus CAS dan visa.', status: 'published', published_at: at(-10 * DAY) },
    { ...ws, id: newId(), title: 'Panduan beasiswa LPDP 2027', slug: 'panduan-lpdp-2027', excerpt: 'Syarat dan tips esai.', status: 'draft' },
  ]).execute();
  const webinarId = newId();
  await db.insertInto('webinars').values({ ...ws, id: webinarId, title: 'Info session: Study in Australia', slug: 'study-in-australia', description: 'Monash & Melbourne: biaya, beasiswa, dan kerja part-time.', scheduled_at: at(10 * DAY), duration_minutes: 60, meeting_url: 'https://meet.example.com/eagle-webinar', max_registrations: 100, status: 'published', published_at: at(-3 * DAY) }).execute();
  // Closed for Independence Day; Midtrans connected in sandbox mode but without keys yet.
  const year = new Date(now).getUTCFullYear();
  await db.insertInto('closed_dates').values({ ...ws, id: newId(), date: `${new Date(now).getUTCMonth() > 7 ? year + 1 : year}-08-17`, reason: 'Hari Kemerdekaan' }).execute();
  await db.insertInto('integrations').values({
    ...ws,
    id: newId(),
    provider: 'midtrans',
    settings: JSON.stringify({ environment: 'sandbox', client_key: 'SB-Mid-client-demo', base_url: null, merchant_id: null, enabled_payments: ['other_qris', 'gopay', 'shopeepay', 'bca_va', 'bni_va', 'bri_va', 'credit_card'], expiry_minutes: 1440, consultation_price: 500_000, server_key_last4: '' }),
  }).execute();

  // Without Midtrans keys, consultations are paid through the demo gateway: a page of our own
  // where Pay settles the payment and no money moves. Only demo workspaces get this row.
  await db.insertInto('integrations').values({
    ...ws,
    id: newId(),
    provider: DEMO_PAYMENTS,
    settings: JSON.stringify({ consultation_price: 500_000, expiry_minutes: 1440, public_url: options.publicUrl ?? null }),
  }).execute();

  const siti = await db.selectFrom('contacts').select('id').where('workspace_id', '=', workspaceId).where('phone', '=', '+6281234567002').executeTakeFirstOrThrow();
  await db.insertInto('webinar_registrations').values({ ...ws, id: newId(), webinar_id: webinarId, contact_id: siti.id }).execute();

  // Web chat answers on the server's own pages (GET /webchat/demo/eagle-overseas) and a local site.
  const site = new URL(options.publicUrl ?? 'http://127.0.0.1:3000').origin;
  await db.insertInto('integrations').values({ ...ws, id: newId(), provider: 'webchat', settings: JSON.stringify({ allowed_origins: [site, 'http://localhost:8080'], secrets_set: [] }) }).execute();
}

/**
 * How the demo's leads warmed up, for the reports' temperature over time and each lead's
 * history: lead_history (0028, 0032) starts cold some days ago and reaches the lead's
 * temperature in steps, instead of everything having happened at the moment of seeding.
 * Runs as the workspace's system actor.
 */
export async function seedAriLeadHistory(ctx: Ctx, workspaceId: string): Promise<void> {
  const { db } = ctx.tx;
  const now = ctx.clock.now().getTime();
  const steps: Record<string, [string, number][]> = {
    hot: [['cold', 18], ['warm', 9], ['hot', 2]],
    warm: [['cold', 12], ['warm', 4]],
    cold: [['cold', 7]],
  };
  const leads = await db.selectFrom('ari_conversations').select(['id', 'state', 'lead_temperature', 'lead_score', 'handoff_reason']).where('workspace_id', '=', workspaceId).where('lead_temperature', 'is not', null).execute();
  for (const lead of leads) {
    await db.deleteFrom('lead_history').where('workspace_id', '=', workspaceId).where('ari_conversation_id', '=', lead.id).execute();
    const path = steps[lead.lead_temperature!] ?? [];
    await db
      .insertInto('lead_history')
      .values(path.map(([temperature, daysAgo], i) => {
        const last = i === path.length - 1;
        return {
          workspace_id: workspaceId,
          id: newId(),
          ari_conversation_id: lead.id,
          state: last ? lead.state : 'qualifying',
          lead_score: last ? lead.lead_score : Math.round((lead.lead_score * (i + 1)) / (path.length + 1)),
          lead_temperature: temperature,
          handoff_reason: last && lead.state === 'handoff' ? lead.handoff_reason : null,
          recorded_at: new Date(now - daysAgo * DAY),
        };
      }))
      .execute();
  }
}
