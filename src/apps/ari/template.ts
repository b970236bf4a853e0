import type { Ctx } from '../../platform/context.ts';
import { newId } from '../../platform/ids.ts';

/**
 * ARI, the WhatsApp assistant for study-abroad consultancies: its persona, the eight
 * conversation stages of seed 000 with their goals, the scoring rubric's defaults, the
 * knowledge categories with starter entries, starter destinations, and a weekday
 * consultation schedule: everything a conversation needs from the first message.
 */
/** Universities the consultancy often places students in, with their usual requirements (IDR budgets). */
export const ariDestinations = [
  { country: 'United Kingdom', city: 'Manchester', university_name: 'University of Manchester', requirements: { ielts_min: 6.5, gpa_min: 3.0, budget_min: 450_000_000, budget_max: 700_000_000, deadline: '2027-06-30' }, programs: ['Business', 'Computer Science', 'Engineering'], is_promoted: true, priority: 10 },
  { country: 'United Kingdom', city: 'London', university_name: "King's College London", requirements: { ielts_min: 7.0, gpa_min: 3.3, budget_min: 600_000_000, budget_max: 900_000_000 }, programs: ['Law', 'Medicine', 'Public Policy'], is_promoted: false, priority: 8 },
  { country: 'Australia', city: 'Melbourne', university_name: 'Monash University', requirements: { ielts_min: 6.5, gpa_min: 3.0, budget_min: 500_000_000, budget_max: 800_000_000 }, programs: ['Accounting', 'Nursing', 'IT'], is_promoted: true, priority: 9 },
  { country: 'Japan', city: 'Tokyo', university_name: 'Waseda University', requirements: { ielts_min: 6.0, gpa_min: 3.0, budget_min: 250_000_000, budget_max: 400_000_000 }, programs: ['International Liberal Studies', 'Economics'], is_promoted: false, priority: 6 },
  { country: 'United States', city: 'Boston', university_name: 'Northeastern University', requirements: { ielts_min: 6.5, gpa_min: 3.2, budget_min: 900_000_000, budget_max: 1_300_000_000 }, programs: ['Data Science', 'Business Analytics'], is_promoted: false, priority: 5 },
  { country: 'Canada', city: 'Toronto', university_name: 'University of Toronto', requirements: { ielts_min: 6.5, gpa_min: 3.3, budget_min: 700_000_000, budget_max: 1_000_000_000 }, programs: ['Computer Science', 'Life Sciences'], is_promoted: false, priority: 7 },
];

export const ariStages = [
  { name: 'greeting', goal: 'Menyapa lead dan menanyakan nama', exit: 'Lead membalas sapaan' },
  { name: 'qualifying', goal: 'Mengumpulkan negara tujuan, level bahasa Inggris, budget, timeline, program dan status dokumen, satu pertanyaan per pesan', exit: 'Semua data wajib terkumpul atau skor >= 40' },
  { name: 'scoring', goal: 'Menilai lead (hot/warm/cold) tanpa menawarkan konsultasi atau pembayaran', exit: 'Skor dihitung' },
  { name: 'booking', goal: 'Menawarkan konsultasi 1-on-1 kepada lead hot dan memilih jadwal', exit: 'Lead memilih slot' },
  { name: 'payment', goal: 'Mengirim link pembayaran Midtrans untuk konsultasi', exit: 'Pembayaran berhasil' },
  { name: 'scheduling', goal: 'Mengonfirmasi jadwal dan mengirim link meeting', exit: 'Janji temu terkonfirmasi' },
  { name: 'handoff', goal: 'Menyerahkan percakapan ke konsultan manusia dengan ringkasan', exit: 'Konsultan mengambil alih' },
  { name: 'completed', goal: 'Percakapan selesai', exit: 'Final' },
] as const;

export async function applyAriTemplate(ctx: Ctx, workspaceId: string): Promise<void> {
  const { db } = ctx.tx;
  await db
    .insertInto('ari_config')
    .values({
      id: newId(),
      workspace_id: workspaceId,
      bot_name: 'ARI',
      greeting_style: 'professional',
      language: 'id',
      tone: JSON.stringify({ supportive: true, clear: true, encouraging: true }),
    })
    .onConflict((oc) => oc.column('workspace_id').doNothing())
    .execute();
  await db
    .insertInto('ari_scoring_config')
    .values({ id: newId(), workspace_id: workspaceId })
    .onConflict((oc) => oc.column('workspace_id').doNothing())
    .execute();
  await db
    .insertInto('ari_flow_stages')
    .values(
      ariStages.map((s, i) => ({
        id: newId(),
        workspace_id: workspaceId,
        name: s.name,
        goal: s.goal,
        exit_criteria: s.exit,
        stage_order: i + 1,
      })),
    )
    .execute();
  await db
    .insertInto('ari_knowledge_categories')
    .values(
      ['Universitas & Program', 'Biaya & Beasiswa', 'Visa & Dokumen', 'Layanan Kami'].map((name, i) => ({
        id: newId(),
        workspace_id: workspaceId,
        name,
        display_order: i + 1,
      })),
    )
    .execute();
  // Starter content the consultancy edits: universities it often places students in, with
  // their usual requirements (IDR budgets), and general knowledge the assistant can answer from.
  await db
    .insertInto('ari_destinations')
    .values(ariDestinations.map((d) => ({ workspace_id: workspaceId, id: newId(), ...d, requirements: JSON.stringify(d.requirements) })))
    .execute();

  await addKnowledgeEntries(ctx, workspaceId, [
    { category: 'Biaya', title: 'Beasiswa LPDP', content: 'LPDP membiayai kuliah S2/S3 penuh termasuk tunjangan hidup. Syarat umum: IPK minimal 3.0, IELTS 6.5, dan surat rekomendasi. Kami membantu menyiapkan esai.' },
    { category: 'Visa', title: 'Visa pelajar Inggris', content: 'Student visa UK membutuhkan CAS dari universitas, bukti dana, dan tes TB. Proses biasanya 3 minggu. Untuk detail hukum, konsultan kami akan membantu langsung.' },
    { category: 'Biaya', title: 'Biaya hidup di Melbourne', content: 'Perkiraan biaya hidup pelajar di Melbourne sekitar AUD 2.000-2.500 per bulan termasuk sewa kamar.' },
  ]);
  // Workspace-wide consultations on weekdays at 10:00 and 14:00.
  await db
    .insertInto('consultant_slots')
    .values(
      [1, 2, 3, 4, 5].flatMap((day) =>
        ['10:00', '14:00'].map((start) => ({
          id: newId(),
          workspace_id: workspaceId,
          day_of_week: day,
          start_time: start,
          end_time: start === '10:00' ? '11:00' : '15:00',
        })),
      ),
    )
    .execute();
  await db
    .insertInto('system_prompts')
    .values({
      id: newId(),
      workspace_id: workspaceId,
      prompt_type: 'whatsapp',
      system_prompt:
        'Kamu adalah ARI, asisten konsultan studi luar negeri. Jawab singkat (1-2 kalimat), ramah, tanpa emoji. ' +
        'Tanyakan satu hal per pesan. Jangan mengarang informasi: jika tidak tahu, tawarkan bicara dengan konsultan.',
    })
    .execute();
}

/** Knowledge entries, each filed under the template's category whose name starts with `category`. */
export async function addKnowledgeEntries(ctx: Ctx, workspaceId: string, entries: { category: string; title: string; content: string }[]): Promise<void> {
  const categories = await ctx.tx.db.selectFrom('ari_knowledge_categories').select(['id', 'name']).where('workspace_id', '=', workspaceId).execute();
  await ctx.tx.db
    .insertInto('ari_knowledge_entries')
    .values(
      entries.map(({ category, ...entry }) => ({
        id: newId(),
        workspace_id: workspaceId,
        category_id: categories.find((c) => c.name.startsWith(category))?.id ?? null,
        ...entry,
      })),
    )
    .execute();
}
