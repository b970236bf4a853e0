import { type Language, type ReceptionistResult, type Channel, type ModelArm, type DraftWording } from '../../modules/assistant/index.ts';
import type { Ctx } from '../../platform/context.ts';
import { inSavepoint } from '../../platform/db/savepoint.ts';
import type { ReceptionistTool } from './tools.ts';

/**
 * Model mode for the receptionist, as for ARI: the built-in engine has decided the turn (the
 * step, the price, the times offered, the booking), and a model arm only words the reply from
 * the workspace's active system prompt for the channel and the engine's draft, with the
 * catalogue and the FAQs as read-only tools. A reply that drops a price or an offered time,
 * runs past the channel's length, or does not come in time is replaced by the draft.
 */

export interface ReceptionModelInput {
  arm: ModelArm;
  timeoutMs: number;
  channel: Channel;
  decision: ReceptionistResult & { reply: string };
  businessName: string;
  systemPrompt: { text: string; version: string } | undefined;
  history: { role: 'user' | 'assistant'; content: string }[];
  /** Read-only tools the model may call. */
  tools: ReceptionistTool[];
  maxReplyChars: number;
}

const LANGUAGE_NAMES: Record<Language, string> = { id: 'Indonesian', en: 'English', es: 'Spanish' };

const PRICE = /(?:CA|US|COL)?\$\s?\d[\d.,]*\d|\$\s?\d/g;

/** What the reply must carry over word for word: prices, and the times offered (answered by number). */
export function bindingContent(decision: ReceptionistResult & { reply: string }): string[] {
  const prices = decision.reply.match(PRICE) ?? [];
  const slots = (decision.context.offered_slots ?? []).map((s) => s.label).filter((label) => decision.reply.includes(label));
  return [...new Set([...prices, ...slots])];
}

export function buildSystemPrompt(input: Omit<ReceptionModelInput, 'arm' | 'timeoutMs' | 'history' | 'tools'>): string {
  const d = input.decision;
  const c = d.context;
  const known = [
    c.postal_code && `postal code ${c.postal_code}`,
    c.service && `service ${c.service}`,
    c.units && `${c.units} units`,
    c.address && `address ${c.address}`,
    c.name && `name ${c.name}`,
    c.slot && `time ${c.slot.label}`,
  ].filter(Boolean);
  const keep = bindingContent(d);
  return [
    input.systemPrompt?.text.trim(),
    `You are the ${input.channel} receptionist of ${input.businessName}. Reply in ${LANGUAGE_NAMES[c.language ?? 'en']}, in at most ${input.maxReplyChars} characters, plain text, no emoji.`,
    [
      "The business's rules have already decided this turn; you only word the reply.",
      `- Step: ${c.step ?? 'greeting'} (state ${d.state}).`,
      `- Known: ${known.length ? known.join('; ') : 'nothing yet'}.`,
      `- The rules' draft reply:\n"""\n${d.reply}\n"""`,
    ].join('\n'),
    [
      'Write what the draft says, in your own words, asking exactly what it asks. Never invent prices, times or areas; never say a booking is made unless the draft does.',
      keep.length ? `Copy these exactly: ${keep.map((k) => JSON.stringify(k)).join(', ')}; keep numbered options numbered as in the draft.` : undefined,
      'Use check_services or answer_question only for a question the draft does not answer.',
    ]
      .filter(Boolean)
      .join('\n'),
  ]
    .filter(Boolean)
    .join('\n\n');
}

/** What a model arm is given to word the receptionist's decided turn (the turn hands it to wordDraft). */
export function receptionWording(ctx: Ctx, input: ReceptionModelInput): DraftWording {
  return {
    arm: input.arm,
    timeoutMs: input.timeoutMs,
    draft: input.decision.reply,
    system: buildSystemPrompt(input),
    history: input.history,
    tools: input.tools.map((t) => ({ name: t.name, description: t.description, parameters: t.schema, run: (args: unknown) => inSavepoint(ctx, 'reception_model_tool', () => t.run(args)) })),
    mustKeep: bindingContent(input.decision),
    maxReplyChars: input.maxReplyChars,
    systemPromptVersion: input.systemPrompt?.version,
  };
}
