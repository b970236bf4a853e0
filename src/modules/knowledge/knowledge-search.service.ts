import type { Ctx } from '../../platform/context.ts';
import { AppError } from '../../platform/errors.ts';
import { searchDocuments, workspaceSearchConfig } from './knowledge-search.repo.ts';
import type { SearchHit } from './knowledge.schema.ts';
import { workspaceOf } from './knowledge.service.ts';

const MAX_WORDS = 32;

/**
 * PostgreSQL's indonesian configuration stems but has no stop-word list (english and
 * spanish have theirs), so without these a customer's "berapa biaya hidup di melbourne"
 * would match every text that says "di".
 */
const INDONESIAN_STOP_WORDS = new Set(
  ('ada adalah agar akan aku anda apa atau bagaimana bahwa berapa bisa dan dari dengan di dia ini itu jika juga kah kak kalau kami ' +
    'kamu ke kenapa ketika mana mau oleh pada para saja saya sebagai sudah tapi tentang tidak untuk yang')
    .split(' '),
);

/** The distinct words of a question: runs of letters, combining marks and digits. */
function searchWords(q: string, config: string): string[] {
  const words = q.normalize('NFKC').toLowerCase().match(/[\p{L}\p{M}\p{N}]+/gu) ?? [];
  const meaningful = config === 'indonesian' ? words.filter((w) => !INDONESIAN_STOP_WORDS.has(w)) : words;
  return [...new Set(meaningful)].slice(0, MAX_WORDS);
}

/**
 * One ranked search over the workspace's active knowledge entries, active FAQs and
 * destinations, in the workspace's language (stemmed: 'universitasnya' finds
 * 'universitas'). A hit needs any one of the words; hits with more of them, or with them
 * in a title, question or university name, rank higher. The assistant answers from the
 * top hits and can judge by `score` whether they answer well at all.
 */
export async function searchKnowledge(ctx: Ctx, input: { q: string; limit?: number }): Promise<SearchHit[]> {
  const ws = workspaceOf(ctx);
  const config = await workspaceSearchConfig(ctx.tx);
  if (!config) throw new AppError('workspace.not_found', 'not_found', 'no such workspace');
  const words = searchWords(input.q, config);
  if (words.length === 0) return [];
  return searchDocuments(ctx.tx, ws, config, words, input.limit ?? 10);
}
