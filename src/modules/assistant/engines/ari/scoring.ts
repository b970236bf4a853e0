import { countryName, isFarTimeline, isHighEnglish } from './extract.ts';
import { DEFAULT_SCORING, DOCUMENTS, type Context, type DocumentKey, type Language, type ScoreBreakdown, type ScoringConfig, type Temperature } from './types.ts';

/**
 * The original ARI rubric (my21staff `src/lib/ari/scoring.ts`), with the workspace's
 * `ari_scoring_config` really applied.
 *
 * Each category is first scored on the original scale:
 *   basic          0-25  15 x (required fields filled / 6), +5 valid email, +5 country
 *   qualification  0-35  +10 English level (+3 if IELTS >= 6.5 or advanced), +10 budget,
 *                        +10 timeline (-10 if two years or more away or vague), +5 program;
 *                        never below 0, and capped at 35 (the original could reach 38)
 *   document       0-30  7.5 for each of passport, CV, English test, transcript
 *   engagement     0-10  5 by default, +1 per question the lead asked (up to 3), +1 per fact
 *                        volunteered beyond what was asked (up to 2), -1 per misunderstood
 *                        turn (up to 5)
 * then normalised to its maximum and multiplied by the configured weight:
 *   points = raw / max x weight, total = round(sum of points), clamped to 0-100.
 * With the default weights (25/35/30/10) the points equal the original's raw scores, so
 * the defaults reproduce the original; other weights shift the emphasis. Weights that do
 * not add up to 100 (the database forbids it) are scaled to 100.
 */
export const RUBRIC_MAX = { basic: 25, qualification: 35, document: 30, engagement: 10 } as const;

export const RUBRIC = {
  completeness: 15,
  validEmail: 5,
  country: 5,
  english: 10,
  englishBonus: 3,
  budget: 10,
  timeline: 10,
  timelinePenalty: -10,
  program: 5,
  documentEach: 7.5,
  engagementDefault: 5,
} as const;

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

const filled = (v: unknown) => typeof v === 'string' && v.trim() !== '';

/** The six required fields of the original (name, email, English, budget, timeline, country) that have a value. */
export function requiredFilled(ctx: Context): number {
  return [ctx.name, ctx.email, ctx.english_level, ctx.budget, ctx.timeline, ctx.destination].filter(filled).length;
}

export function engagementRaw(ctx: Context): number {
  const e = ctx.engagement ?? { questions: 0, volunteered: 0, unclear: 0 };
  const raw = RUBRIC.engagementDefault + Math.min(3, e.questions) + Math.min(2, e.volunteered) - Math.min(5, e.unclear);
  return Math.max(0, Math.min(RUBRIC_MAX.engagement, raw));
}

export interface ScoreResult {
  score: number;
  temperature: Temperature;
  breakdown: ScoreBreakdown;
  reasons: string[];
}

export function temperatureFor(score: number, config: ScoringConfig): Temperature {
  if (score >= config.hot_threshold) return 'hot';
  if (score >= config.warm_threshold) return 'warm';
  return 'cold';
}

/** contacts.lead_status as the original synced it. */
export function leadStatusFor(temperature: Temperature): 'hot_lead' | 'prospect' | 'cold_lead' {
  return temperature === 'hot' ? 'hot_lead' : temperature === 'warm' ? 'prospect' : 'cold_lead';
}

function weights(config: ScoringConfig): { basic: number; qualification: number; document: number; engagement: number } {
  const w = { basic: config.weight_basic, qualification: config.weight_qualification, document: config.weight_document, engagement: config.weight_engagement };
  const values = Object.values(w);
  const sum = values.reduce((a, b) => a + b, 0);
  if (values.some((v) => !Number.isFinite(v) || v < 0) || sum <= 0) {
    return { basic: DEFAULT_SCORING.weight_basic, qualification: DEFAULT_SCORING.weight_qualification, document: DEFAULT_SCORING.weight_document, engagement: DEFAULT_SCORING.weight_engagement };
  }
  if (sum === 100) return w;
  return { basic: (w.basic * 100) / sum, qualification: (w.qualification * 100) / sum, document: (w.document * 100) / sum, engagement: (w.engagement * 100) / sum };
}

const round1 = (n: number) => Math.round(n * 10) / 10;

const DOC_LABELS: Record<Language, Record<DocumentKey, string>> = {
  id: { passport: 'paspor', cv: 'CV', english_test: 'tes bahasa Inggris', transcript: 'transkrip' },
  en: { passport: 'passport', cv: 'CV', english_test: 'English test', transcript: 'transcript' },
  es: { passport: 'pasaporte', cv: 'CV', english_test: 'examen de inglés', transcript: 'certificado de notas' },
};

export function documentLabel(doc: DocumentKey, language: Language): string {
  return DOC_LABELS[language][doc];
}

const REASONS: Record<Language, {
  completeness: (n: number, points: number) => string;
  email: string;
  country: (c: string) => string;
  highEnglish: (e: string) => string;
  english: (e: string) => string;
  budget: (b: string) => string;
  farTimeline: (t: string) => string;
  timeline: (t: string) => string;
  program: (p: string) => string;
  documents: (d: string) => string;
  engagement: (n: number) => string;
  total: (score: number, temp: Temperature, threshold: number) => string;
}> = {
  id: {
    completeness: (n, p) => `Data wajib ${n}/6 (${p}/15)`,
    email: 'Email valid',
    country: (c) => `Negara tujuan: ${c}`,
    highEnglish: (e) => `Skor IELTS 6.5+ (${e})`,
    english: (e) => `Bahasa Inggris: ${e}`,
    budget: (b) => `Budget jelas: ${b}`,
    farTimeline: (t) => `Timeline jauh (${t}) - penalti`,
    timeline: (t) => `Timeline dekat: ${t}`,
    program: (p) => `Program: ${p}`,
    documents: (d) => `Dokumen siap: ${d}`,
    engagement: (n) => `Keterlibatan ${n}/10`,
    total: (s, t, h) => `Skor ${s}: ${t}${t === 'cold' ? ` (di bawah ${h})` : ` (>= ${h})`}`,
  },
  en: {
    completeness: (n, p) => `Required details ${n}/6 (${p}/15)`,
    email: 'Valid email',
    country: (c) => `Destination: ${c}`,
    highEnglish: (e) => `IELTS 6.5+ (${e})`,
    english: (e) => `English: ${e}`,
    budget: (b) => `Clear budget: ${b}`,
    farTimeline: (t) => `Distant timeline (${t}) - penalty`,
    timeline: (t) => `Near timeline: ${t}`,
    program: (p) => `Program: ${p}`,
    documents: (d) => `Documents ready: ${d}`,
    engagement: (n) => `Engagement ${n}/10`,
    total: (s, t, h) => `Score ${s}: ${t}${t === 'cold' ? ` (below ${h})` : ` (>= ${h})`}`,
  },
  es: {
    completeness: (n, p) => `Datos obligatorios ${n}/6 (${p}/15)`,
    email: 'Correo válido',
    country: (c) => `País de destino: ${c}`,
    highEnglish: (e) => `IELTS 6.5+ (${e})`,
    english: (e) => `Inglés: ${e}`,
    budget: (b) => `Presupuesto claro: ${b}`,
    farTimeline: (t) => `Plazo lejano (${t}) - penalización`,
    timeline: (t) => `Plazo cercano: ${t}`,
    program: (p) => `Programa: ${p}`,
    documents: (d) => `Documentos listos: ${d}`,
    engagement: (n) => `Participación ${n}/10`,
    total: (s, t, h) => `Puntaje ${s}: ${t}${t === 'cold' ? ` (menos de ${h})` : ` (>= ${h})`}`,
  },
};

/** The lead's score under the workspace's config, with its breakdown and reasons. */
export function scoreLead(ctx: Context, config: ScoringConfig, opts: { now: Date; timeZone: string; language: Language }): ScoreResult {
  const r = REASONS[opts.language];
  const reasons: string[] = [];

  const n = requiredFilled(ctx);
  const completeness = Math.round((n / 6) * RUBRIC.completeness);
  let basic = completeness;
  reasons.push(r.completeness(n, completeness));
  if (ctx.email && EMAIL.test(ctx.email.trim())) {
    basic += RUBRIC.validEmail;
    reasons.push(r.email);
  }
  if (filled(ctx.destination)) {
    basic += RUBRIC.country;
    reasons.push(r.country(countryName(ctx.destination!, opts.language)));
  }

  let qualification = 0;
  if (filled(ctx.english_level)) {
    qualification += RUBRIC.english;
    if (isHighEnglish(ctx)) {
      qualification += RUBRIC.englishBonus;
      reasons.push(r.highEnglish(ctx.english_level!));
    } else reasons.push(r.english(ctx.english_level!));
  }
  if (filled(ctx.budget)) {
    qualification += RUBRIC.budget;
    reasons.push(r.budget(ctx.budget!));
  }
  if (filled(ctx.timeline)) {
    qualification += RUBRIC.timeline;
    if (isFarTimeline(ctx, opts.now, opts.timeZone)) {
      qualification += RUBRIC.timelinePenalty;
      reasons.push(r.farTimeline(ctx.timeline!));
    } else reasons.push(r.timeline(ctx.timeline!));
  }
  if (filled(ctx.program)) {
    qualification += RUBRIC.program;
    reasons.push(r.program(ctx.program!));
  }
  qualification = Math.min(RUBRIC_MAX.qualification, Math.max(0, qualification));

  const ready = DOCUMENTS.filter((d) => ctx.documents?.[d] === true);
  const document = ready.length * RUBRIC.documentEach;
  if (ready.length) reasons.push(r.documents(ready.map((d) => documentLabel(d, opts.language)).join(', ')));

  const engagement = engagementRaw(ctx);
  reasons.push(r.engagement(engagement));

  const w = weights(config);
  const part = (raw: number, max: number, weight: number) => ({ raw, max, weight: round1(weight), points: round1((raw / max) * weight) });
  const breakdown: Omit<ScoreBreakdown, 'total'> = {
    basic: part(basic, RUBRIC_MAX.basic, w.basic),
    qualification: part(qualification, RUBRIC_MAX.qualification, w.qualification),
    document: part(document, RUBRIC_MAX.document, w.document),
    engagement: part(engagement, RUBRIC_MAX.engagement, w.engagement),
  };
  const exact = (basic / RUBRIC_MAX.basic) * w.basic + (qualification / RUBRIC_MAX.qualification) * w.qualification + (document / RUBRIC_MAX.document) * w.document + (engagement / RUBRIC_MAX.engagement) * w.engagement;
  const score = Math.max(0, Math.min(100, Math.round(exact + 1e-9)));
  const temperature = temperatureFor(score, config);
  reasons.push(r.total(score, temperature, temperature === 'hot' ? config.hot_threshold : config.warm_threshold));
  return { score, temperature, breakdown: { ...breakdown, total: score }, reasons };
}
