import {
  COUNTRY_ALIASES,
  countryName,
  detectTopics,
  extractBudget,
  extractDestination,
  extractEnglish,
  extractFacts,
  extractTimeline,
  findSensitiveTopic,
  isDontKnow,
  isEmptyMessage,
  isQuestion,
  isSmallTalk,
  isThanks,
  wantsHuman,
  zoned,
  DEFAULT_SENSITIVE_TOPICS,
} from './extract.ts';
import { acknowledgement } from './acknowledge.ts';
import { answerText, destinationQuestion, destinationsReply, pickAnswer } from './knowledge.ts';
import { conversationLanguage, localeOf, personaLanguage } from './language.ts';
import { address, messages, question, timeGreeting, type HandoffKind } from './messages.ts';
import { formatMinor } from './money.ts';
import { leadStatusFor, scoreLead, type ScoreResult } from './scoring.ts';
import { parseConfirm, parseSlotChoice, refusesAll, slotList } from './slots.ts';
import { fold, hasPhrase } from './text.ts';
import { isSilent, isState, transition } from './transitions.ts';
import {
  DOCUMENTS,
  ITEMS,
  type Context,
  type DocumentKey,
  type FlowStage,
  type Handoff,
  type Item,
  type Language,
  type RequiredField,
  type Slot,
  type State,
  type ToolCall,
  type Tools,
  type TurnInput,
  type TurnResult,
} from './types.ts';

/** More consecutive turns than this in one state without progress hand the conversation to a person. */
export const STUCK_TURNS = 10;
/** This many misunderstood turns in a row hand the conversation to a person. */
export const MISUNDERSTOOD_LIMIT = 3;
/** A cold lead is followed up this many days later. */
export const FOLLOW_UP_DAYS = 30;
/** At most this many slots are offered at once. */
export const MAX_SLOTS = 5;

// Context ------------------------------------------------------------------------------------

const asArray = <T>(v: unknown): T[] => (Array.isArray(v) ? (v as T[]) : []);
const asNumber = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0);
const asString = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() !== '' ? v.trim() : typeof v === 'number' ? String(v) : undefined);

/**
 * A complete Context from whatever the store holds: defaults filled in, and facts kept as
 * plain strings by older versions, staff or form answers ("english_level": "IELTS 7.0",
 * "budget": "Rp 600 juta", "country": "UK", `form_answers`) parsed into their structured
 * fields. Unknown keys are kept.
 */
export function normalizeContext(raw: unknown, opts: { now: Date; timeZone: string; currency: string; language: Language }): Context {
  const src: Record<string, unknown> = raw && typeof raw === 'object' && !Array.isArray(raw) ? { ...(raw as Record<string, unknown>) } : {};
  const form = (src.form_answers ?? src.form_data) as Record<string, unknown> | undefined;
  const pick = (...keys: string[]) => {
    for (const k of keys) {
      const v = asString(src[k]) ?? (form && typeof form === 'object' ? asString(form[k]) : undefined);
      if (v) return v;
    }
    return undefined;
  };
  const docsRaw = (src.documents ?? src.document_status ?? {}) as Record<string, unknown>;
  const documents: Context['documents'] = {};
  for (const d of DOCUMENTS) if (typeof docsRaw[d] === 'boolean') documents[d] = docsRaw[d] as boolean;
  const engagement = (src.engagement ?? {}) as Record<string, unknown>;

  const ctx: Context = {
    ...src,
    documents,
    asked: asArray<Item>(src.asked).filter((i) => ITEMS.includes(i)),
    skipped: asArray<Item>(src.skipped).filter((i) => ITEMS.includes(i)),
    reasked: asArray<Item>(src.reasked).filter((i) => ITEMS.includes(i)),
    reasons: asArray<string>(src.reasons),
    misunderstood: asNumber(src.misunderstood),
    turns_in_state: asNumber(src.turns_in_state),
    turns: asNumber(src.turns),
    engagement: { questions: asNumber(engagement.questions), volunteered: asNumber(engagement.volunteered), unclear: asNumber(engagement.unclear) },
    topics: asArray<string>(src.topics),
    shared: asArray<string>(src.shared),
    nurture_asked: asArray<Item>(src.nurture_asked),
  };
  delete ctx.document_status;
  const name = pick('name', 'nama');
  if (name) ctx.name = name;
  const email = pick('email', 'Email');
  if (email) ctx.email = email.toLowerCase();
  const destination = pick('destination', 'country', 'Country', 'negara');
  if (destination) {
    const canonical = destination in COUNTRY_ALIASES ? destination : extractDestination(destination);
    ctx.destination = canonical ?? destination;
  }
  delete ctx.country;
  const english = pick('english_level', 'English', 'ielts');
  if (english) {
    ctx.english_level = english;
    if (typeof src.ielts !== 'number') {
      const parsed = extractEnglish(english, true);
      if (parsed?.ielts !== undefined) {
        ctx.ielts = parsed.ielts;
        ctx.ielts_source = parsed.ielts_source;
      }
    } else ctx.ielts = src.ielts;
  }
  const budget = pick('budget', 'Budget');
  if (budget) {
    ctx.budget = budget;
    if (typeof src.budget_amount !== 'number') {
      const parsed = extractBudget(budget, { currency: opts.currency, language: opts.language, asked: true });
      if (parsed) {
        ctx.budget_amount = parsed.budget_amount;
        ctx.budget_currency = parsed.budget_currency;
      }
    }
  }
  const timeline = pick('timeline', 'Timeline', 'kapan');
  if (timeline) {
    ctx.timeline = timeline;
    if (typeof src.timeline_year !== 'number' && src.timeline_vague !== true) {
      const parsed = extractTimeline(timeline, { now: opts.now, timeZone: opts.timeZone, asked: true });
      if (parsed?.timeline_year !== undefined) ctx.timeline_year = parsed.timeline_year;
      if (parsed?.timeline_month !== undefined) ctx.timeline_month = parsed.timeline_month;
      if (parsed?.timeline_vague) ctx.timeline_vague = true;
    }
  }
  const program = pick('program', 'jurusan', 'Program');
  if (program) ctx.program = program;
  if (ctx.language !== undefined && !['id', 'en', 'es'].includes(ctx.language)) delete ctx.language;
  return ctx;
}

const FIELD_OF: Record<RequiredField, keyof Context> = {
  name: 'name',
  destination: 'destination',
  english_level: 'english_level',
  budget: 'budget',
  timeline: 'timeline',
  email: 'email',
};

const isDocument = (item: Item): item is DocumentKey => (DOCUMENTS as readonly string[]).includes(item);

/** Whether the lead has answered a qualification item. */
export function itemAnswered(ctx: Context, item: Item): boolean {
  if (isDocument(item)) return typeof ctx.documents[item] === 'boolean';
  const v = ctx[FIELD_OF[item]];
  return typeof v === 'string' && v.trim() !== '';
}

/** The next question to ask: the first item, in the fixed order, neither answered nor skipped. */
export function nextItem(ctx: Context): Item | undefined {
  return ITEMS.find((i) => !itemAnswered(ctx, i) && !ctx.skipped.includes(i));
}

/** Every required field and document answered or declined. */
export function qualificationComplete(ctx: Context): boolean {
  return nextItem(ctx) === undefined;
}

// The turn ----------------------------------------------------------------------------------

const DATE_FORMATS = new Map<string, Intl.DateTimeFormat>();

class Turn {
  readonly ctx: Context;
  state: State;
  readonly path: State[];
  readonly lang: Language;
  readonly personaLang: Language;
  readonly m: ReturnType<typeof messages>;
  parts: string[] = [];
  readonly toolCalls: ToolCall[] = [];
  readonly trace: string[] = [];
  handoff: Handoff | null = null;
  understood = true;
  progressed = false;
  answered = false;
  unanswered = false;
  private readonly message: string;
  private newFacts: string[] = [];
  /** Facts inferred from another (an IELTS score means a certificate): not acknowledged on their own. */
  private readonly derived = new Set<string>();
  /** Facts the message told again, as already known ("Sertifikat IELTS sudah ada" after an IELTS score). */
  private readonly repeated: string[] = [];
  /** The question the previous reply asked. */
  private pendingBefore: Item | undefined;
  private isQuestion = false;
  private asking = false;

  constructor(
    private readonly input: TurnInput,
    private readonly tools: Tools,
  ) {
    if (!isState(input.state)) throw new Error(`unknown state ${String(input.state)}`);
    this.state = input.state;
    this.path = [input.state];
    this.personaLang = personaLanguage(input.config.persona.language);
    const prior = (input.context as { language?: unknown })?.language;
    const current = prior === 'id' || prior === 'en' || prior === 'es' ? prior : undefined;
    this.message = (input.message ?? '').trim();
    this.lang = conversationLanguage(this.message, current, this.personaLang);
    this.m = messages(this.lang);
    this.ctx = normalizeContext(input.context, { now: input.now, timeZone: input.timeZone, currency: input.config.currency, language: this.lang });
    this.ctx.language = this.lang;
  }

  // Helpers ----------------------------------------------------------------------------------

  private go(to: State): void {
    const from = this.state;
    this.state = transition(from, to);
    if (to !== from) {
      this.path.push(to);
      this.ctx.turns_in_state = 0;
      this.trace.push(`state ${from} -> ${to}`);
      const stage = this.stage(to);
      if (stage) this.trace.push(`stage ${stage.name}: ${stage.goal}`);
    }
  }

  private say(...texts: (string | undefined)[]): void {
    for (const t of texts) if (t) this.parts.push(t);
  }

  /**
   * The acknowledgement of what this message told ("Oke, dicatat: paspor sudah ada."): with
   * `all`, of every new fact; otherwise only when the message carried more than the answer
   * to the question just asked (a bare answer needs none, the next question shows it was taken).
   */
  private noted(all: boolean): string | undefined {
    // A question about a country or a program is answered about it; the answer shows it was taken.
    const asked = (f: string) => this.isQuestion && (f === 'destination' || f === 'program');
    const facts = [...this.newFacts.filter((f) => !this.derived.has(f)), ...this.repeated.filter((f) => !this.newFacts.includes(f))].filter((f) => !asked(f));
    if (!all && !facts.some((f) => f !== this.pendingBefore && f !== 'name')) return undefined;
    return acknowledgement(facts, this.ctx, this.lang);
  }

  private stage(name: State): FlowStage | undefined {
    return this.input.config.stages.find((s) => s.is_active && s.name.trim().toLowerCase() === name);
  }

  /** A stage's sample script, in the persona's language only (scripts are written in it). */
  private script(name: State): string | undefined {
    const text = this.stage(name)?.sample_script?.trim();
    if (!text || this.lang !== this.personaLang) return undefined;
    const first = this.ctx.name?.split(' ')[0] ?? '';
    return text
      .replace(/\{bot_name\}/g, this.input.config.persona.bot_name)
      .replace(/\{name\}/g, first)
      .replace(/\{business\}/g, this.input.config.businessName ?? '')
      .replace(/\s+([,.!?])/g, '$1')
      .replace(/\s{2,}/g, ' ')
      .trim();
  }

  private score(): ScoreResult {
    return scoreLead(this.ctx, this.input.config.scoring, { now: this.input.now, timeZone: this.input.timeZone, language: this.lang });
  }

  private async call<K extends keyof Tools>(name: K, ...args: Parameters<Tools[K]>): Promise<Awaited<ReturnType<Tools[K]>>> {
    const record: ToolCall = { name, args: args.length === 1 ? args[0] : args };
    this.toolCalls.push(record);
    try {
      const fn = this.tools[name] as (...a: unknown[]) => Promise<unknown>;
      const result = (await fn.apply(this.tools, args)) as Awaited<ReturnType<Tools[K]>>;
      record.result = result;
      return result;
    } catch (err) {
      record.error = err instanceof Error ? `${(err as { code?: string }).code ?? err.name}: ${err.message}` : String(err);
      throw err;
    }
  }

  private formatDate(date: Date, withTime = false): string {
    const key = `${this.lang}|${this.input.timeZone}|${withTime}`;
    let fmt = DATE_FORMATS.get(key);
    if (!fmt) {
      fmt = new Intl.DateTimeFormat(localeOf(this.lang), {
        timeZone: this.input.timeZone,
        day: 'numeric',
        month: 'long',
        year: 'numeric',
        ...(withTime ? { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' as const } : {}),
      });
      DATE_FORMATS.set(key, fmt);
    }
    return fmt.format(date);
  }

  // Facts --------------------------------------------------------------------------------------

  private applyFacts(): void {
    const f = extractFacts(this.message, {
      pending: this.ctx.pending ?? null,
      language: this.lang,
      now: this.input.now,
      timeZone: this.input.timeZone,
      currency: this.input.config.currency,
    });
    const ctx = this.ctx;
    const set = <K extends keyof Context>(key: K, value: Context[K], label: string) => {
      if (value !== undefined && ctx[key] === value) this.repeated.push(label);
      if (value === undefined || ctx[key] === value) return;
      ctx[key] = value;
      this.newFacts.push(label);
    };
    // A name given again with "nama saya"/"my name is" corrects the one kept.
    const namedAgain = /\b(?:nama\s*(?:saya|sy|aku|ku)|namaku|my name is|me llamo|mi nombre es)\b/.test(fold(this.message));
    if (f.name && (!ctx.name || ctx.pending === 'name' || namedAgain)) set('name', f.name, 'name');
    if (f.email) set('email', f.email, 'email');
    if (f.destination) set('destination', f.destination, 'destination');
    if (f.english) {
      set('english_level', f.english.english_level, 'english_level');
      if (f.english.ielts !== undefined) {
        ctx.ielts = f.english.ielts;
        ctx.ielts_source = f.english.ielts_source;
        // A test score means a test certificate.
        if (ctx.documents.english_test === undefined || ctx.documents.english_test === null) {
          ctx.documents.english_test = true;
          this.newFacts.push('english_test');
          this.derived.add('english_test');
        }
      }
    }
    if (f.gpa !== undefined) set('gpa', f.gpa, 'gpa');
    if (f.budget) {
      set('budget', f.budget.budget, 'budget');
      ctx.budget_amount = f.budget.budget_amount;
      ctx.budget_currency = f.budget.budget_currency;
    }
    if (f.timeline) {
      set('timeline', f.timeline.timeline, 'timeline');
      delete ctx.timeline_year;
      delete ctx.timeline_month;
      delete ctx.timeline_vague;
      if (f.timeline.timeline_year !== undefined) ctx.timeline_year = f.timeline.timeline_year;
      if (f.timeline.timeline_month !== undefined) ctx.timeline_month = f.timeline.timeline_month;
      if (f.timeline.timeline_vague) ctx.timeline_vague = true;
    }
    if (f.program) set('program', f.program, 'program');
    for (const d of DOCUMENTS) {
      const v = f.documents[d];
      if (v !== undefined && v !== null && ctx.documents[d] === v) this.repeated.push(d);
      if (v !== undefined && v !== null && ctx.documents[d] !== v) {
        ctx.documents[d] = v;
        this.newFacts.push(d);
      }
    }
    for (const item of this.newFacts) {
      const i = ctx.skipped.indexOf(item as Item);
      if (i >= 0) ctx.skipped.splice(i, 1);
    }
    if (this.newFacts.length) {
      this.progressed = true;
      this.trace.push(`extracted ${this.newFacts.map((k) => `${k}=${JSON.stringify(k in ctx ? ctx[k as keyof Context] : ctx.documents[k as DocumentKey])}`).join(', ')}`);
      const pending = ctx.pending;
      const answeredPending = pending && this.newFacts.includes(pending) ? 1 : 0;
      const volunteered = this.newFacts.filter((k) => k !== 'english_test' || !this.newFacts.includes('english_level')).length - answeredPending;
      if (volunteered > 0) ctx.engagement.volunteered += volunteered;
    }
    for (const t of detectTopics(this.message)) if (!ctx.topics.includes(t)) ctx.topics.push(t);
  }

  // Handoff ------------------------------------------------------------------------------------

  private summary(reason: string): string {
    const s = this.score();
    const lang = this.personaLang;
    const ctx = this.ctx;
    const yes = { id: 'ada', en: 'yes', es: 'sí' }[lang];
    const no = { id: 'belum', en: 'no', es: 'no' }[lang];
    const docLabel = { id: { passport: 'paspor', cv: 'CV', english_test: 'tes Inggris', transcript: 'transkrip' }, en: { passport: 'passport', cv: 'CV', english_test: 'English test', transcript: 'transcript' }, es: { passport: 'pasaporte', cv: 'CV', english_test: 'examen de inglés', transcript: 'notas' } }[lang];
    const L = {
      id: { score: 'Skor', name: 'Nama', country: 'Negara', budget: 'Budget', timeline: 'Timeline', english: 'Bahasa Inggris', program: 'Program', docs: 'Dokumen', topics: 'Topik', reason: 'Alasan', follow: 'Follow up', engagement: 'Keterlibatan' },
      en: { score: 'Score', name: 'Name', country: 'Country', budget: 'Budget', timeline: 'Timeline', english: 'English', program: 'Program', docs: 'Documents', topics: 'Topics', reason: 'Reason', follow: 'Follow up', engagement: 'Engagement' },
      es: { score: 'Puntaje', name: 'Nombre', country: 'País', budget: 'Presupuesto', timeline: 'Plazo', english: 'Inglés', program: 'Programa', docs: 'Documentos', topics: 'Temas', reason: 'Motivo', follow: 'Seguimiento', engagement: 'Participación' },
    }[lang];
    const dash = '-';
    const timeline = ctx.timeline ? (ctx.timeline_year && !ctx.timeline.includes(String(ctx.timeline_year)) ? `${ctx.timeline} (${ctx.timeline_year})` : ctx.timeline) : dash;
    const docs = DOCUMENTS.map((d) => `${docLabel[d]} ${ctx.documents[d] === true ? yes : ctx.documents[d] === false ? no : '?'}`).join(', ');
    const fields = [
      `${L.score} ${s.score} (${s.temperature})`,
      `${L.name}: ${ctx.name ?? dash}${ctx.email ? ` <${ctx.email}>` : ''}`,
      `${L.country}: ${ctx.destination ? countryName(ctx.destination, lang) : dash}`,
      `${L.budget}: ${ctx.budget ?? dash}`,
      `${L.timeline}: ${timeline}`,
      `${L.english}: ${ctx.english_level ?? dash}`,
      `${L.program}: ${ctx.program ?? dash}`,
      `${L.docs}: ${docs}`,
      `${L.topics}: ${ctx.topics.length ? ctx.topics.join(', ') : dash}`,
      `${L.engagement}: ${s.breakdown.engagement.raw}/10`,
      `${L.reason}: ${reason}`,
    ];
    if (ctx.follow_up_at) fields.push(`${L.follow}: ${ctx.follow_up_at.slice(0, 10)}`);
    return `[ARI Summary] ${fields.join('. ')}.`;
  }

  private handoffTo(reason: string, kind: HandoffKind, detail?: string, text?: string): void {
    const ctx = this.ctx;
    // Where to resume when staff hand the conversation back (resumeAfterHandoff).
    ctx.state_before_handoff = this.state;
    this.go('handoff');
    ctx.handoff_reason = reason;
    ctx.handoff_at = this.input.now.toISOString();
    ctx.pending = null;
    ctx.scheduling_step = null;
    const scripted = kind === 'human_requested' ? this.script('handoff') : undefined;
    this.parts = [text ?? scripted ?? this.m.handoff[kind](detail)];
    const temperature = this.score().temperature;
    // 1on1: a hot lead for a consultant; Community: sent to the community (cold route); Follow-up: everyone else.
    const tags = reason === 'cold_lead_follow_up' ? ['Community', 'Follow-up'] : temperature === 'hot' ? ['1on1'] : ['Follow-up'];
    this.handoff = { reason, summary: this.summary(reason), tags };
    this.trace.push(`handoff: ${reason}`);
  }

  // Knowledge ----------------------------------------------------------------------------------

  /** Answers the lead's question from destinations or knowledge, or says honestly that it cannot. */
  private async answer(): Promise<void> {
    this.answered = true;
    const country = destinationQuestion(this.message, this.ctx, true);
    if (country) {
      let list: Awaited<ReturnType<Tools['findDestinations']>> = [];
      try {
        list = await this.call('findDestinations', country);
      } catch {
        list = [];
      }
      if (list.length) {
        this.say(destinationsReply(country, list, this.ctx, this.input.config.currency, this.lang));
        this.trace.push(`answered from ${list.length} destinations in ${country}`);
        return;
      }
    }
    let hits: Awaited<ReturnType<Tools['searchKnowledge']>> = [];
    try {
      hits = await this.call('searchKnowledge', this.message);
    } catch {
      hits = [];
    }
    const best = pickAnswer(this.message, hits, this.input.config.knowledgeMinScore);
    if (best) {
      if (best.hit.source === 'faq') {
        try {
          await this.call('recordFaqUse', best.hit.id);
        } catch {
          // Counting is best effort; the answer stands.
        }
      }
      if (!this.ctx.shared.includes(best.hit.id)) this.ctx.shared.push(best.hit.id);
      this.say(answerText(best.hit));
      this.trace.push(`answered from ${best.hit.source} ${best.hit.id} (score ${best.hit.score}, coverage ${best.coverage.toFixed(2)})`);
      return;
    }
    this.say(country ? this.m.noDestinations(countryName(country, this.lang)) : this.m.noAnswer);
    this.unanswered = true;
    this.trace.push(`no answer: ${hits.length} hits, none good enough`);
  }

  // Qualification -----------------------------------------------------------------------------

  private ask(item: Item): void {
    const ctx = this.ctx;
    ctx.pending = item;
    if (!ctx.asked.includes(item)) ctx.asked.push(item);
    this.say(question(item, this.lang));
    this.asking = true;
  }

  private skip(item: Item): void {
    if (!this.ctx.skipped.includes(item)) this.ctx.skipped.push(item);
    this.trace.push(`skipped ${item}`);
    this.progressed = true;
  }

  /** Asks the next question, or scores and routes once qualification is complete or the lead is already hot. */
  private async progressQualifying(): Promise<void> {
    const s = this.score();
    const complete = qualificationComplete(this.ctx);
    if (complete || s.score >= this.input.config.scoring.hot_threshold) {
      this.trace.push(complete ? 'qualification complete' : `score ${s.score} already hot`);
      this.go('scoring');
      await this.route(true);
      return;
    }
    this.ask(nextItem(this.ctx)!);
  }

  private async greeting(question: boolean): Promise<void> {
    const persona = this.input.config.persona;
    const hour = zoned(this.input.now, this.input.timeZone).hour;
    const first = this.ctx.name?.split(' ')[0];
    this.say(this.m.hello(timeGreeting(this.lang, hour), first), this.script('greeting') ?? this.m.intro(persona.bot_name, this.input.config.businessName));
    this.go('qualifying');
    if (question) await this.answer();
    const lead = this.script('qualifying');
    const before = this.parts.length;
    await this.progressQualifying();
    if (lead && this.asking && this.parts.length > before) this.parts.splice(before, 0, lead);
  }

  private async qualifying(question: boolean): Promise<void> {
    const ctx = this.ctx;
    const pending = ctx.pending ?? undefined;
    const answeredPending = pending !== undefined && this.newFacts.includes(pending);
    if (pending && !answeredPending && !question && isDontKnow(this.message)) {
      // "belum tahu": for the timeline that is an answer (a vague one); otherwise skip it.
      this.skip(pending);
      this.say(this.m.noProblem);
    } else if (this.newFacts.includes('name') && ctx.name) {
      this.say(this.m.niceToMeet(ctx.name.split(' ')[0]!));
    }
    this.say(this.noted(false));
    if (question) await this.answer();
    if (!this.newFacts.length && !this.repeated.length && !question && !this.progressed && !isSmallTalk(this.message)) {
      this.understood = false;
      if (pending && !itemAnswered(ctx, pending)) {
        if (ctx.reasked.includes(pending)) {
          // Asked twice and still not understood: move on rather than loop.
          this.skip(pending);
        } else {
          ctx.reasked.push(pending);
          this.say(this.m.notUnderstood);
        }
      }
    }
    await this.progressQualifying();
  }

  // Routing -----------------------------------------------------------------------------------

  /** Hot leads are offered a consultation, cold ones get the community and a follow-up, warm ones are nurtured. */
  private async route(entering: boolean): Promise<void> {
    const s = this.score();
    this.trace.push(`score ${s.score} -> ${s.temperature} (hot >= ${this.input.config.scoring.hot_threshold}, warm >= ${this.input.config.scoring.warm_threshold})`);
    if (s.temperature === 'hot') return this.offerConsultation();
    if (s.temperature === 'cold') return this.coldFollowUp();
    return this.nurture(entering);
  }

  private async offerConsultation(intro?: string): Promise<void> {
    const booking = this.input.config.stages.find((st) => st.name.trim().toLowerCase() === 'booking');
    if (booking && !booking.is_active) {
      // The workspace switched booking off: hot leads go to a consultant, as in the original.
      this.handoffTo('hot_lead', 'hot_lead');
      return;
    }
    this.go('booking');
    let slots: Slot[];
    try {
      slots = await this.call('availableSlots');
    } catch {
      slots = [];
    }
    if (!slots.length) {
      this.handoffTo('no_slots_available', 'hot_lead');
      return;
    }
    const offered = slots.slice(0, MAX_SLOTS);
    this.ctx.offered_slots = offered;
    this.ctx.selected_slot = null;
    this.ctx.scheduling_step = 'choose_slot';
    this.ctx.pending = null;
    const price = this.input.config.chargesForConsultation && this.input.config.consultationPrice ? formatMinor(this.input.config.consultationPrice, this.input.config.currency, this.lang) : undefined;
    this.say(intro ?? this.script('booking') ?? this.m.offer(price), slotList(offered), this.m.chooseHint);
    this.trace.push(`offered ${offered.length} slots`);
  }

  private coldFollowUp(): void {
    const followUp = new Date(this.input.now.getTime() + FOLLOW_UP_DAYS * 86_400_000);
    this.ctx.follow_up_at = followUp.toISOString();
    const link = this.input.config.persona.community_link ?? undefined;
    this.handoffTo('cold_lead_follow_up', 'human_requested', undefined, this.m.cold(this.formatDate(followUp), link));
  }

  private async nurture(entering: boolean): Promise<void> {
    const ctx = this.ctx;
    if (entering) this.say(this.script('scoring') ?? this.m.warmIntro);
    if (!this.answered) await this.share();
    const item = ITEMS.find((i) => !itemAnswered(ctx, i) && !ctx.nurture_asked.includes(i));
    if (item) {
      ctx.nurture_asked.push(item);
      const i = ctx.skipped.indexOf(item);
      if (i >= 0) ctx.skipped.splice(i, 1);
      this.ask(item);
    } else {
      ctx.pending = null;
      this.say(this.m.openQuestion(ctx.destination ? countryName(ctx.destination, this.lang) : undefined));
    }
  }

  /** Shares one knowledge snippet related to the lead's plans that it has not seen yet. */
  private async share(): Promise<void> {
    const ctx = this.ctx;
    // The lead's destination and program, and scholarships (what every warm lead asks about next).
    const words = [ctx.destination ? countryName(ctx.destination, this.personaLang) : '', ctx.destination ?? '', ctx.program ?? '', 'beasiswa scholarship beca']
      .join(' ')
      .replace(/\s+/g, ' ')
      .trim();
    let hits: Awaited<ReturnType<Tools['searchKnowledge']>> = [];
    try {
      hits = await this.call('searchKnowledge', words);
    } catch {
      return;
    }
    const min = this.input.config.knowledgeMinScore ?? 0.1;
    const hit = hits.find((h) => h.score >= min && !ctx.shared.includes(h.id) && h.source !== 'destination') ?? hits.find((h) => h.score >= min && !ctx.shared.includes(h.id));
    if (!hit) return;
    ctx.shared.push(hit.id);
    if (hit.source === 'faq') {
      try {
        await this.call('recordFaqUse', hit.id);
      } catch {
        // best effort
      }
    }
    this.say(this.m.share(hit.title, answerText(hit)));
    this.trace.push(`shared ${hit.source} ${hit.id}`);
  }

  private async scoring(question: boolean): Promise<void> {
    this.say(this.noted(false));
    if (question) await this.answer();
    const pending = this.ctx.pending ?? undefined;
    if (pending && !this.newFacts.includes(pending) && !question && isDontKnow(this.message)) {
      this.skip(pending);
      this.ctx.pending = null;
    }
    const s = this.score();
    if (s.temperature === 'warm') {
      if (!this.newFacts.length && !this.repeated.length && !question && !isSmallTalk(this.message) && pending && !itemAnswered(this.ctx, pending) && !this.progressed) this.understood = false;
      this.trace.push(`score ${s.score} -> warm: nurture`);
      await this.nurture(false);
      return;
    }
    await this.route(false);
  }

  // Booking -----------------------------------------------------------------------------------

  private relist(intro: string): void {
    this.ctx.scheduling_step = 'choose_slot';
    this.ctx.selected_slot = null;
    this.say(intro, slotList(this.ctx.offered_slots ?? []), this.m.chooseHint);
  }

  private select(slot: Slot): void {
    this.ctx.selected_slot = slot;
    this.ctx.scheduling_step = 'confirm';
    this.progressed = true;
    this.say(this.m.confirm(slot.local_label));
    this.trace.push(`selected ${slot.start}`);
  }

  private async booking(question: boolean): Promise<void> {
    const ctx = this.ctx;
    const offered = ctx.offered_slots ?? [];
    // Facts given while choosing a time (documents, an email) are taken and acknowledged; the
    // choice is then re-offered in one short line, never answered with "I did not understand".
    const noted = this.noted(true);
    if (!ctx.scheduling_step || !offered.length) {
      this.say(noted);
      if (question) await this.answer();
      await this.offerConsultation();
      return;
    }
    const choice = parseSlotChoice(this.message, offered, { now: this.input.now, timeZone: this.input.timeZone });
    if (choice.kind === 'index') {
      this.say(noted);
      return this.select(offered[choice.index - 1]!);
    }

    // "Paspor sudah ada" is about the passport, not a yes to the time: only a message that
    // carried no fact confirms, changes or turns down the slots.
    if (ctx.scheduling_step === 'confirm' && ctx.selected_slot && !noted) {
      const yes = parseConfirm(this.message);
      if (yes === true && !question) return this.book(ctx.selected_slot);
      if (yes === false && choice.kind === 'none') {
        this.progressed = true;
        return this.relist(this.m.rechoose);
      }
    }
    if (choice.kind === 'filter') {
      this.say(noted);
      this.progressed = true;
      this.trace.push(`narrowed by ${choice.by}: ${choice.slots.length} of ${offered.length} slots`);
      if (choice.slots.length === 1) return this.select(choice.slots[0]!);
      if (choice.slots.length > 1) {
        ctx.offered_slots = choice.slots;
        return this.relist(this.m.rechoose);
      }
      return this.relist(this.m.noSlotsOnDay);
    }
    if (ctx.scheduling_step === 'choose_slot' && !question && !noted && refusesAll(this.message)) {
      this.handoffTo('no_suitable_slot', 'no_suitable_slot');
      return;
    }
    this.say(noted);
    if (question) {
      await this.answer();
    } else if (!noted && !isSmallTalk(this.message)) {
      this.understood = false;
      this.say(this.m.notUnderstood);
    }
    if (ctx.scheduling_step === 'confirm' && ctx.selected_slot) this.say(this.m.confirm(ctx.selected_slot.local_label));
    else if (noted) this.say(this.m.slotsAgain(offered.length));
    else this.say(slotList(offered), this.m.chooseHint);
  }

  private async book(slot: Slot): Promise<void> {
    const ctx = this.ctx;
    this.progressed = true;
    let appointment: { appointment_id: string };
    try {
      appointment = await this.call('book', slot);
    } catch (err) {
      const code = (err as { code?: unknown })?.code;
      const taken = code === 'booking.slot_taken' || code === 'slot_taken' || (err instanceof Error && err.name === 'SlotTakenError');
      if (!taken) {
        this.handoffTo('booking_failed', 'booking_failed');
        return;
      }
      this.trace.push(`slot ${slot.start} taken meanwhile`);
      let fresh: Slot[] = [];
      try {
        fresh = await this.call('availableSlots');
      } catch {
        fresh = [];
      }
      fresh = fresh.filter((s) => s.start !== slot.start || s.consultant_id !== slot.consultant_id).slice(0, MAX_SLOTS);
      if (!fresh.length) {
        this.handoffTo('no_slots_available', 'no_suitable_slot');
        return;
      }
      ctx.offered_slots = fresh;
      this.relist(this.m.slotTaken);
      return;
    }
    ctx.appointment_id = appointment.appointment_id;
    ctx.scheduling_step = null;
    ctx.offered_slots = [];
    this.trace.push(`booked appointment ${appointment.appointment_id}`);
    if (!this.input.config.chargesForConsultation) {
      this.go('scheduling');
      this.say(this.m.booked(slot.local_label));
      return;
    }
    let link: { url: string; expires_at: string } | null = null;
    try {
      link = await this.call('paymentLink', appointment.appointment_id);
    } catch {
      link = null;
    }
    if (!link) {
      this.handoffTo('payment_link_unavailable', 'booked_unpaid', slot.local_label);
      return;
    }
    this.go('payment');
    ctx.payment_url = link.url;
    ctx.payment_expires_at = link.expires_at;
    const price = this.input.config.consultationPrice ? formatMinor(this.input.config.consultationPrice, this.input.config.currency, this.lang) : undefined;
    this.say(this.m.payment(slot.local_label, link.url, this.formatDate(new Date(link.expires_at), true), price));
  }

  // After booking -----------------------------------------------------------------------------

  private async payment(question: boolean): Promise<void> {
    const ctx = this.ctx;
    const f = fold(this.message);
    const wantsLink = ['link', 'tautan', 'enlace', 'bayar', 'pay', 'payment', 'pagar', 'pago', 'expired', 'kedaluwarsa', 'kadaluarsa', 'vencio'].some((w) => hasPhrase(f, w));
    const claimsPaid = ['sudah bayar', 'udah bayar', 'sudah transfer', 'udah transfer', 'sudah dibayar', 'paid', 'i paid', 'ya pague', 'pague', 'ya pagué'].some((w) => hasPhrase(f, w));
    const noted = this.noted(true);
    this.say(noted);
    if (question && !wantsLink) await this.answer();
    if (claimsPaid) {
      this.say(this.m.paymentWait);
    } else if (wantsLink || (!question && !noted) || noted) {
      const expired = !ctx.payment_expires_at || new Date(ctx.payment_expires_at).getTime() <= this.input.now.getTime();
      if (expired && ctx.appointment_id) {
        try {
          const link = await this.call('paymentLink', ctx.appointment_id);
          if (link) {
            ctx.payment_url = link.url;
            ctx.payment_expires_at = link.expires_at;
            this.progressed = true;
          }
        } catch {
          // keep the old link; staff can follow up
        }
      }
      if (ctx.payment_url && ctx.payment_expires_at) this.say(this.m.paymentReminder(ctx.payment_url, this.formatDate(new Date(ctx.payment_expires_at), true)));
      else this.handoffTo('payment_link_unavailable', 'booked_unpaid', ctx.selected_slot?.local_label);
    }
    if (this.state === 'payment') this.go('payment');
  }

  private async scheduling(question: boolean): Promise<void> {
    const f = fold(this.message);
    const reschedule = ['ganti jadwal', 'ubah jadwal', 'reschedule', 'jadwal ulang', 'batal', 'cancel', 'cambiar', 'reprogramar', 'cancelar'].some((w) => hasPhrase(f, w));
    if (reschedule) {
      this.handoffTo('reschedule_requested', 'reschedule_requested');
      return;
    }
    const label = this.ctx.selected_slot?.local_label;
    this.say(this.noted(true));
    if (question) {
      await this.answer();
      return;
    }
    if (isThanks(this.message) || isSmallTalk(this.message)) {
      this.say(this.m.goodbye);
      this.go('completed');
      return;
    }
    if (label) this.say(this.m.scheduled(label));
    else this.say(this.m.goodbye);
  }

  // The whole turn ----------------------------------------------------------------------------

  async run(): Promise<TurnResult> {
    const ctx = this.ctx;
    if (isSilent(this.state)) {
      this.trace.push(`${this.state}: no reply`);
      return this.result(null);
    }
    ctx.turns += 1;
    const pendingBefore = ctx.pending ?? undefined;
    this.pendingBefore = pendingBefore;
    this.applyFacts();
    const answeredPending = pendingBefore !== undefined && this.newFacts.includes(pendingBefore);
    // "???" or "hmm" asks nothing: it is an empty message, read as not understood.
    const question = isQuestion(this.message, answeredPending) && !isSmallTalk(this.message) && !isEmptyMessage(this.message);
    this.isQuestion = question;
    if (question) ctx.engagement.questions += 1;
    const sensitive = findSensitiveTopic(this.message, this.input.config.sensitiveTopics ?? DEFAULT_SENSITIVE_TOPICS);

    if (wantsHuman(this.message)) {
      this.handoffTo('human_requested', 'human_requested');
    } else if (sensitive) {
      if (!ctx.topics.includes(sensitive)) ctx.topics.push(sensitive);
      this.handoffTo(`sensitive_topic:${sensitive}`, 'sensitive_topic', sensitive);
    } else {
      switch (this.state) {
        case 'greeting':
          await this.greeting(question);
          break;
        case 'qualifying':
          await this.qualifying(question);
          break;
        case 'scoring':
          await this.scoring(question);
          break;
        case 'booking':
          await this.booking(question);
          break;
        case 'payment':
          await this.payment(question);
          break;
        case 'scheduling':
          await this.scheduling(question);
          break;
      }
    }

    if (this.state !== 'handoff' && this.state !== 'completed') {
      if (this.understood) ctx.misunderstood = 0;
      else {
        ctx.misunderstood += 1;
        ctx.engagement.unclear += 1;
        this.trace.push(`not understood (${ctx.misunderstood} in a row)`);
      }
      const changed = this.path.length > 1;
      if (!changed) ctx.turns_in_state = this.progressed ? 0 : ctx.turns_in_state + 1;
      if (ctx.misunderstood >= MISUNDERSTOOD_LIMIT) {
        this.handoffTo('repeated_misunderstanding', 'struggling');
      } else if (ctx.turns_in_state > STUCK_TURNS) {
        this.handoffTo('auto_handoff_stuck', 'struggling');
      }
    }
    if (this.path.length === 1) transition(this.state, this.state);
    return this.result(this.parts.length ? address(this.parts.join(this.parts.some((p) => p.includes('\n')) ? '\n' : ' '), this.input.config.persona).replace(/ \n|\n /g, '\n') : null);
  }

  private result(reply: string | null): TurnResult {
    const s = this.score();
    this.ctx.reasons = s.reasons;
    this.ctx.score_breakdown = s.breakdown;
    return {
      reply,
      state: this.state,
      path: this.path,
      context: this.ctx,
      lead_score: s.score,
      lead_temperature: s.temperature,
      lead_status: leadStatusFor(s.temperature),
      score_breakdown: s.breakdown,
      handoff: this.handoff,
      language: this.lang,
      toolCalls: this.toolCalls,
      stage: this.stage(this.state) ?? null,
      trace: this.trace,
      unanswered: this.unanswered,
    };
  }
}

/**
 * One turn of the built-in engine: reads the message with the conversation's state and
 * context, calls the tools it needs, and returns the reply, the new state and context, the
 * lead's score, and a handoff when a person should take over. Deterministic for the same
 * input and tool results. In handoff and completed it stays silent (reply null).
 */
export async function decideTurn(input: TurnInput, tools: Tools): Promise<TurnResult> {
  return new Turn(input, tools).run();
}

// Payment events ----------------------------------------------------------------------------

export type PaymentEvent = 'paid' | 'failed' | 'expired';

export interface PaymentEventResult {
  state: State;
  context: Context;
  reply: string | null;
  handoff: Handoff | null;
}

/** Failed payments before a person takes over. */
export const PAYMENT_FAILURE_LIMIT = 2;

/**
 * What a payment notification does to a conversation in `payment`: paid -> scheduling with
 * the confirmation; failed -> the link again, or a handoff after two failures; expired ->
 * an offer of a new link. Other states are left as they are (a late notification).
 */
export function applyPaymentEvent(input: {
  state: State;
  context: TurnInput['context'];
  event: PaymentEvent;
  now: Date;
  timeZone: string;
  persona: TurnInput['config']['persona'];
  currency: string;
}): PaymentEventResult {
  const prior = (input.context as { language?: unknown })?.language;
  const lang: Language = prior === 'id' || prior === 'en' || prior === 'es' ? prior : personaLanguage(input.persona.language);
  const ctx = normalizeContext(input.context, { now: input.now, timeZone: input.timeZone, currency: input.currency, language: lang });
  const m = messages(lang);
  if (input.state !== 'payment') return { state: input.state, context: ctx, reply: null, handoff: null };
  const label = ctx.selected_slot?.local_label ?? '';
  const say = (text: string) => address(text, input.persona);
  switch (input.event) {
    case 'paid':
      ctx.turns_in_state = 0;
      return { state: transition('payment', 'scheduling'), context: ctx, reply: say(m.paid(label)), handoff: null };
    case 'failed': {
      ctx.payment_failures = (ctx.payment_failures ?? 0) + 1;
      if (ctx.payment_failures >= PAYMENT_FAILURE_LIMIT) {
        ctx.handoff_reason = 'payment_failed';
        ctx.handoff_at = input.now.toISOString();
        ctx.state_before_handoff = 'payment';
        const tags = ['1on1'];
        const summary = `[ARI Summary] ${lang === 'id' ? 'Pembayaran gagal' : lang === 'es' ? 'Pago fallido' : 'Payment failed'} ${ctx.payment_failures}x. ${ctx.name ?? ''} ${label}`.trim();
        return { state: transition('payment', 'handoff'), context: ctx, reply: say(m.handoff.payment_failed()), handoff: { reason: 'payment_failed', summary, tags } };
      }
      return { state: transition('payment', 'payment'), context: ctx, reply: ctx.payment_url ? say(m.paymentRetry(ctx.payment_url)) : null, handoff: null };
    }
    case 'expired':
      ctx.payment_expires_at = input.now.toISOString();
      return { state: transition('payment', 'payment'), context: ctx, reply: say(m.paymentExpired), handoff: null };
  }
}
