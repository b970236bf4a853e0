import type { Ctx } from '../../platform/context.ts';
import { newId } from '../../platform/ids.ts';

/**
 * ARI, the WhatsApp assistant for study-abroad consultancies: its persona, the eight
 * conversation stages of seed 000 with their goals, the scoring rubric's defaults, the
 * knowledge categories, and a weekday consultation schedule.
 */
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
