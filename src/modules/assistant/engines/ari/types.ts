/**
 * The built-in conversation engine's vocabulary. Everything here is plain data: the engine
 * reads its store (state, context, configuration) and its tools from the caller and returns
 * the new state, context and reply. It never touches a database or the network itself.
 */

export const LANGUAGES = ['id', 'en', 'es'] as const;
export type Language = (typeof LANGUAGES)[number];

/** Seed 000's `ari_conversations.state` values, in funnel order. */
export const STATES = ['greeting', 'qualifying', 'scoring', 'booking', 'payment', 'scheduling', 'handoff', 'completed'] as const;
export type State = (typeof STATES)[number];

export type Temperature = 'hot' | 'warm' | 'cold';

/** Seed 001's `ari_scoring_config` (without ids and timestamps). */
export interface ScoringConfig {
  hot_threshold: number;
  warm_threshold: number;
  weight_basic: number;
  weight_qualification: number;
  weight_document: number;
  weight_engagement: number;
}

/**
 * The scoring defaults, once: seed 001's column defaults of `ari_scoring_config`, what the API
 * answers for a workspace that never set its own, and what the engine scores with meanwhile.
 */
export const DEFAULT_SCORING: ScoringConfig = {
  hot_threshold: 70,
  warm_threshold: 40,
  weight_basic: 25,
  weight_qualification: 35,
  weight_document: 30,
  weight_engagement: 10,
};

/** Seed 001's `ari_flow_stages` row, as far as the engine reads it. */
export interface FlowStage {
  name: string;
  goal: string;
  sample_script: string | null;
  exit_criteria: string | null;
  stage_order: number;
  is_active: boolean;
}

/** Seed 000's `ari_config` persona. */
export interface Persona {
  bot_name: string;
  greeting_style: 'casual' | 'formal' | 'professional';
  /** A language code such as id, en or es-CO; the fallback when a message's language is unclear. */
  language: string;
  tone: { supportive: boolean; clear: boolean; encouraging: boolean };
  community_link: string | null;
}

/** The six fields the original ARI required, in the order this engine asks for them. */
export const REQUIRED_FIELDS = ['name', 'destination', 'english_level', 'budget', 'timeline', 'email'] as const;
export type RequiredField = (typeof REQUIRED_FIELDS)[number];

/** The four document questions, asked after the required fields, in this order. */
export const DOCUMENTS = ['passport', 'cv', 'english_test', 'transcript'] as const;
export type DocumentKey = (typeof DOCUMENTS)[number];

/** One qualification question: a required field or a document. */
export type Item = RequiredField | DocumentKey;
export const ITEMS: readonly Item[] = [...REQUIRED_FIELDS, ...DOCUMENTS];

/** null or absent: not answered; true: the lead has it; false: not yet. */
export type Documents = Partial<Record<DocumentKey, boolean | null>>;

/** A consultation slot as the scheduling engine offers it. */
export interface Slot {
  /** ISO instant */
  start: string;
  end: string;
  consultant_id: string | null;
  /** The slot in the workspace's time zone, ready to show ("Selasa, 7 Apr 14:00 WIB"). */
  local_label: string;
}

/**
 * What the engine remembers between turns: `ari_conversations.context` (JSONB). Every key
 * is optional when read from the store; `normalizeContext` fills the defaults, so contexts
 * written by older versions, by staff or by the demo seed are accepted as they are.
 */
export interface Context {
  name?: string;
  email?: string;
  /** Canonical English country name, as `ari_destinations.country` spells it. */
  destination?: string;
  /** As the lead put it, normalised: "IELTS 6.5", "TOEFL 90", "advanced", "intermediate", "beginner". */
  english_level?: string;
  /** IELTS band, or the band equivalent to a TOEFL iBT score. */
  ielts?: number;
  ielts_source?: 'ielts' | 'toefl';
  /** On the 4.0 scale (IPK). */
  gpa?: number;
  /** As the lead wrote it ("Rp 500 juta", "$30k"). */
  budget?: string;
  /** In major units of `budget_currency` (500 juta -> 500000000 IDR). */
  budget_amount?: number;
  budget_currency?: string;
  /** As the lead wrote it ("tahun depan", "September 2027", "nanti dulu"). */
  timeline?: string;
  timeline_year?: number;
  timeline_month?: number;
  /** "nanti dulu", "belum tahu", "later": no date, scored as far away. */
  timeline_vague?: boolean;
  program?: string;
  documents: Documents;

  /** Items asked at least once, in the order asked. */
  asked: Item[];
  /** Items the lead declined or could not answer ("belum tahu"): not asked again while qualifying. */
  skipped: Item[];
  /** The question the last reply asked, so that a bare answer ("ya", "2027") is understood. */
  pending?: Item | null;
  /** Items re-asked once after an answer that was not understood. */
  reasked: Item[];

  /** Human-readable scoring reasons in the conversation's language. */
  reasons: string[];
  /** The last score's per-category breakdown (the lead insight and its history read it). */
  score_breakdown?: ScoreBreakdown;
  /** Consecutive turns that were not understood. */
  misunderstood: number;
  /** Consecutive turns in the current state without progress (a new fact, a step, a state change). */
  turns_in_state: number;
  /** Every turn the engine has handled. */
  turns: number;
  /** Signals for the engagement sub-score. */
  engagement: { questions: number; volunteered: number; unclear: number };
  /** Topics the lead raised (visa, scholarship, cost, ...), for the handoff summary. */
  topics: string[];
  /** The conversation's language: the last detected one. */
  language?: Language;

  /** Knowledge ids already shared while nurturing. */
  shared: string[];
  /** Items re-asked while nurturing a warm lead. */
  nurture_asked: Item[];

  scheduling_step?: 'choose_slot' | 'confirm' | null;
  offered_slots?: Slot[];
  selected_slot?: Slot | null;
  appointment_id?: string;
  payment_url?: string;
  payment_expires_at?: string;
  payment_failures?: number;

  follow_up_at?: string;
  handoff_reason?: string;
  handoff_at?: string;
  /** The state the conversation was in when it was handed off: where a hand-back resumes. */
  state_before_handoff?: State;

  /** Anything else the store holds (form answers, staff notes) is kept untouched. */
  [key: string]: unknown;
}

export interface TurnConfig {
  persona: Persona;
  scoring: ScoringConfig;
  stages: FlowStage[];
  /** Topics that go to a person; defaults to DEFAULT_SENSITIVE_TOPICS. */
  sensitiveTopics?: string[];
  chargesForConsultation: boolean;
  /** In the integer unit payments use (IDR: rupiah; USD: cents). */
  consultationPrice?: number;
  /** ISO 4217 code of the workspace's currency. */
  currency: string;
  /** The business's name, used in the greeting when given. */
  businessName?: string;
  /** Minimum search score for answering from knowledge; defaults to KNOWLEDGE_MIN_SCORE. */
  knowledgeMinScore?: number;
}

export interface TurnInput {
  message: string;
  now: Date;
  /** IANA zone of the workspace, e.g. Asia/Jakarta. */
  timeZone: string;
  state: State;
  context: Partial<Context> | Record<string, unknown>;
  config: TurnConfig;
  /** Recent messages, oldest first (not needed by the rules, kept for model mode parity). */
  history?: { role: 'user' | 'assistant'; content: string }[];
}

export interface KnowledgeHit {
  source: 'entry' | 'faq' | 'destination';
  id: string;
  title: string;
  snippet: string;
  /** ts_rank of the match; higher is better. */
  score: number;
}

export interface DestinationRequirements {
  ielts_min?: number;
  gpa_min?: number;
  budget_min?: number;
  budget_max?: number;
  deadline?: string;
}

export interface DestinationOption {
  university_name: string;
  city: string | null;
  requirements: DestinationRequirements;
  programs: string[];
  is_promoted: boolean;
  priority: number;
}

/** What the engine may do in the world; the caller implements them over its store. */
export interface Tools {
  searchKnowledge(q: string): Promise<KnowledgeHit[]>;
  recordFaqUse(id: string): Promise<void>;
  findDestinations(country: string): Promise<DestinationOption[]>;
  availableSlots(): Promise<Slot[]>;
  /** Throws SlotTakenError (or any error with code 'booking.slot_taken') when the slot went meanwhile. */
  book(slot: Slot): Promise<{ appointment_id: string }>;
  /** null when the workspace cannot take payments right now. */
  paymentLink(appointmentId: string): Promise<{ url: string; expires_at: string } | null>;
}

/** Thrown by `Tools.book` when someone else took the slot between the offer and the confirmation. */
export class SlotTakenError extends Error {
  readonly code = 'booking.slot_taken';
  constructor(message = 'slot taken') {
    super(message);
    this.name = 'SlotTakenError';
  }
}

export interface ToolCall {
  name: keyof Tools;
  args: unknown;
  result?: unknown;
  error?: string;
}

export interface ScorePart {
  /** Points on the original rubric's scale. */
  raw: number;
  /** The original rubric's maximum for this category. */
  max: number;
  /** The workspace's weight for this category. */
  weight: number;
  /** raw / max x weight, rounded to 0.1 */
  points: number;
}

export interface ScoreBreakdown {
  basic: ScorePart;
  qualification: ScorePart;
  document: ScorePart;
  engagement: ScorePart;
  total: number;
}

export interface Handoff {
  reason: string;
  /** "[ARI Summary] ..." for the staff note, in the persona's language. */
  summary: string;
  /** Contact tags: 1on1 (hot), Community (cold), Follow-up. */
  tags: string[];
}

export interface TurnResult {
  /** The message to send, or null when the engine stays silent (handoff, completed). */
  reply: string | null;
  state: State;
  /** Every state this turn went through, starting with the input state. */
  path: State[];
  context: Context;
  lead_score: number;
  lead_temperature: Temperature;
  /** contacts.lead_status to sync: hot_lead, prospect or cold_lead. */
  lead_status: 'hot_lead' | 'prospect' | 'cold_lead';
  score_breakdown: ScoreBreakdown;
  handoff: Handoff | null;
  language: Language;
  toolCalls: ToolCall[];
  /** The workspace's flow stage for the resulting state, when it has one. */
  stage: FlowStage | null;
  /** Why the engine did what it did, one short line per decision. */
  trace: string[];
  /** The lead asked something neither the knowledge base nor the destinations answered well. */
  unanswered: boolean;
}
