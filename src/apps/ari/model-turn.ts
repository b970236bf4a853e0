import { z } from 'zod';
import {
  eligibility,
  extractDestination,
  nextItem,
  rankDestinations,
  type Context,
  type Language,
  type Persona,
  type Tools,
  type TurnResult,
  type Channel,
  type ModelArm,
  type DraftWording,
  type ModelTool,
} from '../../modules/assistant/index.ts';
import type { Ctx } from '../../platform/context.ts';
import { inSavepoint } from '../../platform/db/savepoint.ts';

/**
 * Model mode for one turn. The built-in engine has already decided everything that changes
 * state (extraction, score, routing, bookings, payments: code rules, as in the original
 * ARI); the model only writes the customer-facing reply, from the engine's decision and
 * draft, with read-only lookups as tools. Anything that goes wrong leaves the engine's own
 * reply in place, and says why.
 */

export interface ModelTurnInput {
  arm: ModelArm;
  timeoutMs: number;
  channel: Channel;
  /** The engine's decision for this turn; its reply is the draft and the fallback. */
  decision: TurnResult & { reply: string };
  persona: Persona;
  businessName: string;
  currency: string;
  /** The active system_prompts version for the channel, if the workspace has one. */
  systemPrompt: { text: string; version: string } | undefined;
  /** The conversation so far, oldest first, ending with the customer's message. */
  history: { role: 'user' | 'assistant'; content: string }[];
  tools: Pick<Tools, 'searchKnowledge' | 'findDestinations'>;
  maxReplyChars: number;
}

const LANGUAGE_NAMES: Record<Language, string> = { id: 'Indonesian (Bahasa Indonesia)', en: 'English', es: 'Spanish' };
const REPLY_SENTENCES: Record<Channel, string> = {
  whatsapp: '1-3 short sentences, no emoji',
  sms: 'at most 2 short sentences, plain text',
  webchat: '1-3 short sentences',
  voice: '1-2 short spoken sentences, no lists or links read out letter by letter',
};

const URL = /https?:\/\/[^\s)>\]]+[^\s)>\].,!?;:'"]/g;

/**
 * What the model's reply must carry over from the draft word for word: links (payment)
 * and the labels of the slots offered, since the customer answers with their numbers.
 */
export function bindingContent(draft: string, context: Pick<Context, 'offered_slots'>): string[] {
  const urls = draft.match(URL) ?? [];
  const slots = (context.offered_slots ?? []).map((s) => s.local_label).filter((label) => draft.includes(label));
  return [...new Set([...urls, ...slots])];
}

function knownFacts(c: Context): string[] {
  const facts: [string, unknown][] = [
    ['name', c.name],
    ['email', c.email],
    ['destination', c.destination],
    ['English', c.english_level],
    ['budget', c.budget],
    ['timeline', c.timeline],
    ['program', c.program],
  ];
  const documents = Object.entries(c.documents ?? {})
    .filter(([, v]) => v !== null && v !== undefined)
    .map(([k, v]) => `${k}: ${v ? 'yes' : 'not yet'}`);
  return [...facts.filter(([, v]) => v !== undefined && v !== null && v !== '').map(([k, v]) => `${k}: ${String(v)}`), ...(documents.length ? [`documents: ${documents.join(', ')}`] : [])];
}

/** The system prompt: the workspace's own prompt for the channel, then the persona and the engine's decision. */
export function buildSystemPrompt(input: Omit<ModelTurnInput, 'arm' | 'timeoutMs' | 'history' | 'tools' | 'maxReplyChars'>): string {
  const { decision: d, persona } = input;
  const tone = Object.entries(persona.tone)
    .filter(([, on]) => on)
    .map(([t]) => t);
  const facts = knownFacts(d.context);
  const next = d.state === 'qualifying' || d.state === 'greeting' ? nextItem(d.context) : undefined;
  const keep = bindingContent(d.reply, d.context);
  return [
    input.systemPrompt?.text.trim(),
    `You are ${persona.bot_name}, the ${input.channel} assistant of ${input.businessName}. Style: ${persona.greeting_style}${tone.length ? `; tone: ${tone.join(', ')}` : ''}. Reply in ${LANGUAGE_NAMES[d.language]}, ${REPLY_SENTENCES[input.channel]}.`,
    [
      "The business's rules have already decided this turn; you only word the reply.",
      `- Conversation state: ${d.state}. Lead score ${d.lead_score}/100 (${d.lead_temperature}).`,
      `- Known about the customer: ${facts.length ? facts.join('; ') : 'nothing yet'}.`,
      next ? `- Still to ask: ${next.replace('_', ' ')}. Ask only this one question.` : undefined,
      d.trace.length ? `- Why: ${d.trace.slice(-6).join(' | ')}` : undefined,
      `- The rules' draft reply:\n"""\n${d.reply}\n"""`,
    ]
      .filter(Boolean)
      .join('\n'),
    [
      'Write the reply the draft intends, in your own words. Say nothing the draft and the tool results do not support: never promise a booking, a price, a date or an admission, and do not ask more than the draft asks.',
      keep.length ? `Copy these exactly, each on its own line and in this order: ${keep.map((k) => JSON.stringify(k)).join(', ')}.` : undefined,
      'Use search_knowledge or find_destinations when the customer asks something the draft does not answer; if they find nothing, offer to ask a colleague instead of guessing.',
    ]
      .filter(Boolean)
      .join('\n'),
  ]
    .filter(Boolean)
    .join('\n\n');
}

/** The engine's read-only tools, as functions a model may call. Bookings and payments stay with the engine. */
export function modelTools(ctx: Ctx, tools: ModelTurnInput['tools'], lead: Context, currency: string, language: Language): ModelTool[] {
  return [
    {
      name: 'search_knowledge',
      description: "Search the business's knowledge base and FAQs. Returns the best matches with a short text.",
      parameters: z.strictObject({ query: z.string().trim().min(1).max(300).describe('the question, in the words of the customer') }),
      run: ({ query }: { query: string }) =>
        inSavepoint(ctx, 'ari_model_tool', async () => (await tools.searchKnowledge(query)).slice(0, 3).map((h) => ({ title: h.title, text: h.snippet, source: h.source }))),
    },
    {
      name: 'find_destinations',
      description: "Universities the business works with in a country, promoted first, and whether this customer meets their requirements.",
      parameters: z.strictObject({ country: z.string().trim().min(2).max(60).describe('a country, in any language (Inggris, UK, Jepang, ...)') }),
      run: ({ country }: { country: string }) =>
        inSavepoint(ctx, 'ari_model_tool', async () => {
          const found = rankDestinations(await tools.findDestinations(extractDestination(country) ?? country)).slice(0, 5);
          return found.map((d) => ({ university: d.university_name, city: d.city, programs: d.programs.slice(0, 5), requirements: d.requirements, fit: eligibility(d, lead, currency, language) }));
        }),
    },
  ];
}

/** What a model arm is given to word ARI's decided turn (the turn hands it to wordDraft). */
export function wordingOf(ctx: Ctx, input: ModelTurnInput): DraftWording {
  const { decision } = input;
  return {
    arm: input.arm,
    timeoutMs: input.timeoutMs,
    draft: decision.reply,
    system: buildSystemPrompt(input),
    history: input.history,
    tools: modelTools(ctx, input.tools, decision.context, input.currency, decision.language),
    mustKeep: bindingContent(decision.reply, decision.context),
    maxReplyChars: input.maxReplyChars,
    systemPromptVersion: input.systemPrompt?.version,
  };
}
