import { findAssistantRecord, leadHistory, leadSummary, LeadSummary, loadScoring, normalizeContext, personaLanguage, scoreLead, STATES, type ScoreBreakdown } from '../../modules/assistant/index.ts';
import { getContact } from '../../modules/contacts/index.ts';
import { getWorkspace } from '../../modules/tenancy/index.ts';
import { workspaceIdOf as workspaceOf, type Ctx } from '../../platform/context.ts';
import { Rank, type RouteDeps } from '../../platform/http/env.ts';
import { createRoute, createRouter, errorResponses, json, UuidParam, z } from '../../platform/http/router.ts';

/**
 * What the assistant learnt about a lead, for the person about to talk to them: its state,
 * the context it collected, the score with its per-category breakdown (basic, qualification,
 * document, engagement under the workspace's scoring config) and reasons, how the temperature
 * moved (lead_history, 0028 and 0032) and why it was handed over, and the short structured
 * summary (who, wants, budget, timeline, documents, language, why the handoff) a person
 * taking over reads first.
 */

const Part = z.object({
  raw: z.number().openapi({ description: "the category's points on the rubric's own scale" }),
  max: z.number().openapi({ description: 'the scale: basic 25, qualification 35, document 30, engagement 10' }),
  weight: z.number().openapi({ description: "the category's weight in the scoring config" }),
  points: z.number().openapi({ description: 'raw / max x weight: what the category adds to the score' }),
});

const Breakdown = z
  .object({ basic: Part, qualification: Part, document: Part, engagement: Part, total: z.number().int() })
  .openapi('LeadScoreBreakdown');

const LeadInsight = z
  .object({
    contact_id: z.uuid(),
    has_assistant_record: z.boolean().openapi({ description: 'false until the assistant has talked with the contact; then the rest is empty' }),
    state: z.enum(STATES).nullable(),
    lead_score: z.number().int().nullable(),
    lead_temperature: z.enum(['hot', 'warm', 'cold']).nullable(),
    context: z.record(z.string(), z.unknown()).openapi({
      description: 'what the assistant collected: name, email, destination, english_level, budget, timeline, program, documents, topics, ... (its own bookkeeping left out)',
    }),
    reasons: z.array(z.string()).openapi({ description: "the score's reasons, in the conversation's language" }),
    breakdown: z.union([Breakdown, z.null()]),
    breakdown_source: z.enum(['last_turn', 'recomputed']).nullable().openapi({
      description: "last_turn: as the engine scored the lead's last message; recomputed: from the collected context under today's scoring config (records older than the breakdown)",
    }),
    temperature_history: z
      .array(z.object({ at: z.date(), state: z.string(), lead_score: z.number().int(), lead_temperature: z.string().nullable() }))
      .openapi({ description: 'every change of score, temperature or state, oldest first (the last 100)' }),
    handoff: z.object({ reason: z.string().nullable(), at: z.date().nullable() }).nullable(),
    summary: z.union([LeadSummary, z.null()]).openapi({ description: 'who, what they want, budget, timeline, documents, language and why the handoff, from what the assistant learnt; null until it has talked with the contact' }),
    ai_model: z.string().nullable(),
    last_ai_message_at: z.date().nullable(),
  })
  .openapi('LeadInsight');
type LeadInsight = z.infer<typeof LeadInsight>;

/** The engine's bookkeeping, not something it learnt about the person. */
const BOOKKEEPING = new Set(['asked', 'skipped', 'pending', 'reasked', 'reasons', 'score_breakdown', 'misunderstood', 'turns_in_state', 'turns', 'engagement', 'shared', 'nurture_asked', 'scheduling_step', 'offered_slots', 'state_before_handoff']);

const isBreakdown = (v: unknown): v is ScoreBreakdown =>
  typeof v === 'object' && v !== null && ['basic', 'qualification', 'document', 'engagement'].every((k) => typeof (v as Record<string, unknown>)[k] === 'object');

export async function leadInsight(ctx: Ctx, contactId: string): Promise<LeadInsight> {
  const ws = workspaceOf(ctx);
  const contact = await getContact(ctx, contactId); // 404 for another workspace's contact
  const record = await findAssistantRecord(ctx.tx, ws, contactId);
  if (!record) {
    return { contact_id: contactId, has_assistant_record: false, state: null, lead_score: null, lead_temperature: null, context: {}, reasons: [], breakdown: null, breakdown_source: null, temperature_history: [], handoff: null, summary: null, ai_model: null, last_ai_message_at: null };
  }
  const raw = (record.context && typeof record.context === 'object' && !Array.isArray(record.context) ? record.context : {}) as Record<string, unknown>;
  const history = await leadHistory(ctx.tx, ws, record.id, 100);

  let breakdown: ScoreBreakdown | null = isBreakdown(raw.score_breakdown) ? raw.score_breakdown : null;
  let reasons = Array.isArray(raw.reasons) ? raw.reasons.filter((r): r is string => typeof r === 'string') : [];
  let source: LeadInsight['breakdown_source'] = breakdown ? 'last_turn' : null;
  const workspace = await getWorkspace(ctx);
  // A record the engine has not scored since breakdowns were kept (or written by the demo seed
  // or by hand): score what it collected now, the way the engine would, for ARI's workspaces.
  if (!breakdown && workspace.template !== 'voice') {
    const language = personaLanguage(typeof raw.language === 'string' ? raw.language : workspace.locale);
    const opts = { now: ctx.clock.now(), timeZone: workspace.time_zone, currency: workspace.currency, language };
    const scored = scoreLead(normalizeContext(raw, opts), await loadScoring(ctx.tx, ws), opts);
    breakdown = scored.breakdown;
    if (reasons.length === 0) reasons = scored.reasons;
    source = 'recomputed';
  }
  return {
    contact_id: contactId,
    has_assistant_record: true,
    state: record.state as LeadInsight['state'],
    lead_score: record.lead_score,
    lead_temperature: record.lead_temperature as LeadInsight['lead_temperature'],
    context: Object.fromEntries(Object.entries(raw).filter(([k]) => !BOOKKEEPING.has(k))),
    reasons,
    breakdown,
    breakdown_source: source,
    temperature_history: history.reverse().map((h) => ({ at: h.recorded_at, state: h.state, lead_score: h.lead_score, lead_temperature: h.lead_temperature })),
    handoff: record.handoff_at || record.handoff_reason ? { reason: record.handoff_reason, at: record.handoff_at } : null,
    summary: leadSummary({ context: raw, contact, handoffReason: record.handoff_reason, fallbackLanguage: workspace.locale }),
    ai_model: record.ai_model,
    last_ai_message_at: record.last_ai_message_at,
  };
}

export function leadRoutes(deps: RouteDeps) {
  const r = createRouter();
  r.openapi(
    createRoute({
      method: 'get', path: '/contacts/{id}/lead', tags: ['contacts'], summary: 'What the assistant learnt about the lead',
      description:
        "The assistant's record of the contact: a short summary for whoever takes over (who, what they want, budget, timeline, documents, language, why the handoff), state, the collected context, the score with its per-category breakdown (basic, qualification, document, engagement, weighted by the scoring config) and reasons, the score and temperature history, and the handoff's reason. " +
        'A contact the assistant has not talked with answers has_assistant_record false. Another workspace\'s contact answers 404.',
      middleware: deps.inWorkspace(Rank.readOnly),
      request: { params: z.object({ id: UuidParam }) },
      responses: { 200: json(LeadInsight), ...errorResponses },
    }),
    async (c) => c.json(await leadInsight(c.var.ctx, c.req.valid('param').id), 200),
  );
  return r;
}
