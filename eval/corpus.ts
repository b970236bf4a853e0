/**
 * The evaluation corpus's format (eval/corpus/<app>-<topic>.json), validated strictly so that
 * a misspelt expectation fails loudly instead of passing unchecked.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';

export const APPS = ['ari', 'receptionist', 'amara'] as const;
export type CorpusApp = (typeof APPS)[number];

const Expect = z.strictObject({
  language: z.enum(['id', 'en', 'es']).optional(),
  includes: z.array(z.string().min(1)).optional(),
  excludes: z.array(z.string().min(1)).optional(),
  state: z.string().optional(),
  handoff: z.boolean().optional(),
  silent: z.boolean().optional(),
});

const CorpusTurn = z.strictObject({
  customer: z.string().min(1),
  expect: Expect.optional(),
});

const Outcome = z.strictObject({
  state: z.string().optional(),
  temperature: z.enum(['cold', 'warm', 'hot']).optional(),
  booked: z.boolean().optional(),
  handoff: z.boolean().optional(),
  facts: z.record(z.string(), z.unknown()).optional(),
  /** Words the lead summary for the person taking over must show (its text, any case). */
  summary: z.array(z.string().min(1)).optional(),
});

const Conversation = z.strictObject({
  id: z.string().min(1),
  category: z.string().min(1),
  channel: z.enum(['whatsapp', 'sms', 'webchat', 'voice']),
  turns: z.array(CorpusTurn).min(1),
  outcome: Outcome.optional(),
});

const CorpusFile = z.strictObject({
  app: z.enum(APPS),
  conversations: z.array(Conversation).min(1),
});

export type Expectation = z.infer<typeof Expect>;
export type Conversation = z.infer<typeof Conversation>;
export type CorpusOutcome = z.infer<typeof Outcome>;
export interface CorpusEntry extends Conversation {
  app: CorpusApp;
  file: string;
}

export const CORPUS_DIR = join(import.meta.dirname, 'corpus');

/** Every conversation of every corpus file in `dir`, ids checked to be unique across them. */
export function loadCorpus(dir = CORPUS_DIR): CorpusEntry[] {
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort();
  const out: CorpusEntry[] = [];
  const seen = new Map<string, string>();
  for (const file of files) {
    let parsed: z.infer<typeof CorpusFile>;
    try {
      parsed = CorpusFile.parse(JSON.parse(readFileSync(join(dir, file), 'utf8')));
    } catch (e) {
      throw new Error(`${file}: not a valid corpus file: ${e instanceof Error ? e.message : String(e)}`);
    }
    if (!file.startsWith(`${parsed.app}-`)) throw new Error(`${file}: a corpus file is named after its app ("${parsed.app}-<topic>.json")`);
    for (const c of parsed.conversations) {
      const other = seen.get(c.id);
      if (other) throw new Error(`${file}: conversation id "${c.id}" is also used in ${other}`);
      seen.set(c.id, file);
      out.push({ ...c, app: parsed.app, file });
    }
  }
  return out;
}
