/**
 * Runs the evaluation corpus (eval/corpus/*.json) against the assistant exactly as a channel
 * does: one workspace per app made from the app's own template on an embedded database, and
 * each conversation as real turns (answerInbound: the contact, the inbox thread, the
 * assistant's record, the app's engine and tools, the reply queued) inside one transaction
 * that is rolled back at the end, so no conversation sees another's writes. Each turn's
 * reply, state, handoff and silence are checked, then the conversation's outcome (state,
 * temperature band, booking, handoff, the facts kept on the lead, the lead summary).
 */
import { Temporal } from 'temporal-polyfill';
import { answerInbound } from '../src/apps/answer.ts';
import { leadSummary } from '../src/modules/assistant/index.ts';
import { templates } from '../src/apps/templates.ts';
import { createWorkspace, ensureUser, type Template } from '../src/modules/tenancy/index.ts';
import { fixedClock, type Clock } from '../src/platform/clock.ts';
import type { Ctx } from '../src/platform/context.ts';
import type { Database } from '../src/platform/db/database.ts';
import { withTenant } from '../src/platform/db/tenant.ts';
import { silentLogger } from '../src/platform/log.ts';
import type { TurnOptions, TurnOutcome } from '../src/apps/answer.ts';
import { loadCorpus, type CorpusApp, type CorpusEntry, type CorpusOutcome, type Expectation } from './corpus.ts';
import { replyLanguage } from './language.ts';

/** The workspace each app's conversations run in: the demo business of its template, without the demo history. */
const WORKSPACES: Record<CorpusApp, { template: Template; name: string; timeZone: string; locale: string; currency: string; country: string; phone: (n: number) => string }> = {
  ari: { template: 'ari', name: 'Eval Overseas Education', timeZone: 'Asia/Jakarta', locale: 'id', currency: 'IDR', country: 'ID', phone: (n) => `+62812${String(n).padStart(8, '0')}` },
  receptionist: { template: 'voice', name: 'Eval Laundry Toronto', timeZone: 'America/Toronto', locale: 'en', currency: 'CAD', country: 'CA', phone: (n) => `+1416${String(7000000 + n)}` },
  amara: { template: 'amara', name: 'Eval Casa Limpia', timeZone: 'America/Bogota', locale: 'es', currency: 'COP', country: 'CO', phone: (n) => `+57300${String(n).padStart(7, '0')}` },
};

export interface TurnRecord {
  customer: string;
  reply: string | null;
  state: string;
  handoff: boolean;
  lead_score: number;
  lead_temperature: string | null;
}

export interface Failure {
  id: string;
  app: CorpusApp;
  category: string;
  /** 1-based turn number, or 'outcome'. */
  at: number | 'outcome';
  what: string;
  expected: unknown;
  actual: unknown;
  customer?: string;
  reply?: string | null;
}

export interface ConversationResult {
  id: string;
  app: CorpusApp;
  category: string;
  passed: boolean;
  failures: Failure[];
  turns: TurnRecord[];
}

export interface EvalReport {
  results: ConversationResult[];
  failures: Failure[];
  passed: number;
  total: number;
}

/** Monday 09:00 next week in the zone: a week of weekday slots ahead of every conversation. */
export function nextMondayMorning(timeZone: string): Date {
  const today = Temporal.Now.zonedDateTimeISO(timeZone);
  const monday = today.toPlainDate().add({ days: 8 - today.dayOfWeek });
  return new Date(monday.toZonedDateTime({ timeZone, plainTime: '09:00' }).epochMilliseconds);
}

/** Thrown to end a conversation's transaction in a rollback, carrying its result out. */
class Undo extends Error {
  constructor(readonly value: ConversationResult) {
    super('eval: rolled back');
  }
}

const fold = (s: string) => s.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').toLowerCase();

function checkTurn(c: CorpusEntry, n: number, expect: Expectation, t: TurnRecord, before: boolean): Failure[] {
  const out: Failure[] = [];
  const fail = (what: string, expected: unknown, actual: unknown) => out.push({ id: c.id, app: c.app, category: c.category, at: n, what, expected, actual, customer: t.customer, reply: t.reply });
  const reply = t.reply ?? '';
  if (expect.silent !== undefined && (t.reply === null) !== expect.silent) fail('silent', expect.silent, t.reply === null);
  if (expect.language !== undefined) {
    const lang = t.reply === null ? null : replyLanguage(reply);
    if (lang !== expect.language) fail('language', expect.language, lang ?? 'unclear');
  }
  for (const s of expect.includes ?? []) if (!fold(reply).includes(fold(s))) fail('includes', s, 'absent');
  for (const s of expect.excludes ?? []) if (fold(reply).includes(fold(s))) fail('excludes', s, 'present');
  if (expect.state !== undefined && t.state !== expect.state) fail('state', expect.state, t.state);
  // `handoff` on a turn: this turn handed the conversation over (it was not with a person before).
  if (expect.handoff !== undefined && (t.handoff && !before) !== expect.handoff) fail('handoff', expect.handoff, t.handoff && !before);
  return out;
}

/** Whether `actual` holds `expected`: objects by their expected keys, strings case-insensitively, numbers exactly. */
function holds(expected: unknown, actual: unknown): boolean {
  if (expected === null || typeof expected !== 'object') {
    if (typeof expected === 'string' && typeof actual === 'string') return fold(actual) === fold(expected);
    return expected === actual;
  }
  if (Array.isArray(expected)) return Array.isArray(actual) && expected.every((e) => actual.some((a) => holds(e, a)));
  if (actual === null || typeof actual !== 'object') return false;
  return Object.entries(expected).every(([k, v]) => holds(v, (actual as Record<string, unknown>)[k]));
}

/** A fact on the lead: its value, or for a number its parsed amount ("budget": 600000000 reads budget_amount). */
function factOf(context: Record<string, unknown>, key: string, expected: unknown): unknown {
  if (typeof expected === 'number' && typeof context[`${key}_amount`] === 'number') return context[`${key}_amount`];
  return context[key];
}

type Facts = Record<string, unknown>;
const record = (v: unknown): Facts => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Facts) : {});

/**
 * The facts an app keeps, as one flat record the corpus names them by. ARI and the
 * receptionist keep theirs at the top of the record's context; Amara keeps a working memory
 * (context.amara) whose request becomes a draft and then a booking, so its facts are the
 * latest of these ("service" the service's name, "phone" the draft's customer phone), over
 * the context's own keys (language).
 */
export function factsOf(app: CorpusApp, context: Facts): Facts {
  if (app !== 'amara') return context;
  const amara = record(context.amara);
  const booked = Array.isArray(amara.booked) ? record(amara.booked.at(-1)) : {};
  const draft = record(amara.draft);
  const request = record(amara.request);
  const out: Facts = { ...context, ...booked, ...draft, ...request };
  if (draft.customer_phone !== undefined && request.phone === undefined) out.phone = draft.customer_phone;
  const service = request.service ?? draft.service ?? booked.service;
  out.service = typeof service === 'string' ? service : record(service).name;
  return out;
}

async function checkOutcome(ctx: Ctx, c: CorpusEntry, outcome: CorpusOutcome, turns: TurnRecord[], contactId: string, phone: string): Promise<Failure[]> {
  const out: Failure[] = [];
  const fail = (what: string, expected: unknown, actual: unknown) => out.push({ id: c.id, app: c.app, category: c.category, at: 'outcome', what, expected, actual, reply: turns.at(-1)?.reply ?? null });
  const last = turns.at(-1)!;
  if (outcome.state !== undefined && last.state !== outcome.state) fail('state', outcome.state, last.state);
  if (outcome.temperature !== undefined && last.lead_temperature !== outcome.temperature) fail('temperature', outcome.temperature, last.lead_temperature);
  if (outcome.handoff !== undefined && turns.some((t) => t.handoff) !== outcome.handoff) fail('handoff', outcome.handoff, turns.some((t) => t.handoff));
  const { db } = ctx.tx;
  if (outcome.booked !== undefined) {
    const appointments = await db
      .selectFrom('ari_appointments as p')
      .innerJoin('ari_conversations as a', (j) => j.onRef('a.workspace_id', '=', 'p.workspace_id').onRef('a.id', '=', 'p.ari_conversation_id'))
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('a.contact_id', '=', contactId)
      .executeTakeFirstOrThrow();
    const bookings = await db
      .selectFrom('bookings')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where((eb) => eb.or([eb('contact_id', '=', contactId), eb('customer_phone', '=', phone)]))
      .executeTakeFirstOrThrow();
    const booked = Number(appointments.n) + Number(bookings.n) > 0;
    if (booked !== outcome.booked) fail('booked', outcome.booked, booked);
  }
  if (outcome.summary !== undefined) {
    // The summary as the lead view shows it; a handoff's is the one kept on the record (0043), which its notice carried.
    const row = await db.selectFrom('ari_conversations').select(['context', 'handoff_reason', 'handoff_summary']).where('contact_id', '=', contactId).executeTakeFirst();
    const contact = await db.selectFrom('contacts').select(['name', 'phone', 'email']).where('id', '=', contactId).executeTakeFirst();
    const text = row?.handoff_summary ?? leadSummary({ context: record(row?.context), contact: contact ?? {}, handoffReason: row?.handoff_reason, fallbackLanguage: WORKSPACES[c.app].locale }).text;
    for (const s of outcome.summary) if (!fold(text).includes(fold(s))) fail('summary', s, text);
  }
  if (outcome.facts !== undefined) {
    const row = await db.selectFrom('ari_conversations').select('context').where('contact_id', '=', contactId).executeTakeFirst();
    const context = factsOf(c.app, (row?.context ?? {}) as Facts);
    for (const [key, expected] of Object.entries(outcome.facts)) {
      const actual = factOf(context, key, expected);
      if (!holds(expected, actual)) fail(`facts.${key}`, expected, actual ?? null);
    }
  }
  return out;
}

export interface RunOptions {
  /** Only conversations whose id contains this. */
  filter?: string | undefined;
  /** The turn's options: a model arm (`llm`) for --model runs. */
  turnOptions?: TurnOptions | undefined;
}

/** Runs every conversation of the corpus on `db` (migrated, empty of these workspaces) and checks it. */
export async function runCorpus(db: Database, corpus: CorpusEntry[] = loadCorpus(), options: RunOptions = {}): Promise<EvalReport> {
  const log = silentLogger();
  const owner = await ensureUser(db, `eval-owner-${Date.now()}@example.com`, 'Eval Owner');
  const workspaces = new Map<CorpusApp, { workspaceId: string; clock: Clock }>();
  const results: ConversationResult[] = [];
  let serial = 0;
  for (const c of corpus) {
    if (options.filter && !c.id.includes(options.filter)) continue;
    const w = WORKSPACES[c.app];
    let ws = workspaces.get(c.app);
    if (!ws) {
      const clock = fixedClock(nextMondayMorning(w.timeZone));
      const actor = { kind: 'user' as const, userId: owner.id };
      const { workspaceId } = await withTenant(db, actor, (tx) =>
        createWorkspace({ tx, actor, clock, log }, { name: w.name, slug: `eval-${c.app}-${Date.now().toString(36)}`, template: w.template, timeZone: w.timeZone, locale: w.locale, currency: w.currency, country: w.country }, templates[w.template]),
      );
      ws = { workspaceId, clock };
      workspaces.set(c.app, ws);
    }
    const phone = w.phone(++serial);
    const actor = { kind: 'system' as const, workspaceId: ws.workspaceId };
    const clock = ws.clock;
    try {
      await withTenant(db, actor, async (tx) => {
        const ctx: Ctx = { tx, actor, clock, log };
        const turns: TurnRecord[] = [];
        const failures: Failure[] = [];
        let contactId = '';
        for (const [i, turn] of c.turns.entries()) {
          const before = turns.some((t) => t.handoff);
          const o: TurnOutcome = await answerInbound(ctx, { phone, channel: c.channel, message: turn.customer }, options.turnOptions ?? {});
          contactId = o.contact_id;
          const t: TurnRecord = { customer: turn.customer, reply: o.reply, state: o.state, handoff: o.handoff, lead_score: o.lead_score, lead_temperature: o.lead_temperature };
          turns.push(t);
          if (turn.expect) failures.push(...checkTurn(c, i + 1, turn.expect, t, before));
        }
        if (c.outcome) failures.push(...(await checkOutcome(ctx, c, c.outcome, turns, contactId, phone)));
        throw new Undo({ id: c.id, app: c.app, category: c.category, passed: failures.length === 0, failures, turns });
      });
    } catch (e) {
      if (e instanceof Undo) {
        results.push(e.value);
        continue;
      }
      const failure: Failure = { id: c.id, app: c.app, category: c.category, at: 'outcome', what: 'error', expected: 'no error', actual: e instanceof Error ? e.message : String(e) };
      results.push({ id: c.id, app: c.app, category: c.category, passed: false, failures: [failure], turns: [] });
    }
  }
  const failures = results.flatMap((r) => r.failures);
  return { results, failures, passed: results.filter((r) => r.passed).length, total: results.length };
}

const pct = (passed: number, total: number) => (total === 0 ? '-' : `${((100 * passed) / total).toFixed(1)} %`);

/** The report as a table: pass rate per app and per app and category, then every failure. */
export function formatReport(report: EvalReport): string {
  const rows: string[][] = [];
  const byApp = new Map<string, ConversationResult[]>();
  for (const r of report.results) byApp.set(r.app, [...(byApp.get(r.app) ?? []), r]);
  for (const [app, rs] of [...byApp].sort()) {
    const passed = rs.filter((r) => r.passed).length;
    rows.push([app, '(all)', `${passed}/${rs.length}`, pct(passed, rs.length)]);
    const byCategory = new Map<string, ConversationResult[]>();
    for (const r of rs) byCategory.set(r.category, [...(byCategory.get(r.category) ?? []), r]);
    for (const [category, cs] of [...byCategory].sort()) {
      const p = cs.filter((r) => r.passed).length;
      rows.push(['', category, `${p}/${cs.length}`, pct(p, cs.length)]);
    }
  }
  rows.push(['total', '', `${report.passed}/${report.total}`, pct(report.passed, report.total)]);
  const header = ['app', 'category', 'passed', 'rate'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (r: string[]) => r.map((v, i) => (i >= 2 ? v.padStart(widths[i]!) : v.padEnd(widths[i]!))).join('  ');
  const out = [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)];
  if (report.failures.length) {
    out.push('', `failures (${report.failures.length}):`);
    for (const f of report.failures) {
      out.push(`- ${f.id} [${f.app} / ${f.category}] ${f.at === 'outcome' ? 'outcome' : `turn ${f.at}`}: ${f.what} expected ${JSON.stringify(f.expected)}, got ${JSON.stringify(f.actual)}`);
      if (f.customer !== undefined) out.push(`    customer: ${f.customer}`);
      if (f.reply !== undefined) out.push(`    reply:    ${f.reply === null ? '(silent)' : f.reply.replace(/\n/g, ' / ')}`);
    }
  }
  return out.join('\n');
}
