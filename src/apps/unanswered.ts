import { markAnsweredByFaq } from '../modules/assistant/index.ts';
import { createFaq, FaqCreate } from '../modules/knowledge/index.ts';
import type { Ctx } from '../platform/context.ts';
import { z } from '../platform/http/router.ts';

export const AnswerUnanswered = z
  .strictObject({
    asked: z.string().trim().min(1).max(4096).openapi({ description: 'the question as the unanswered list shows it (any casing or spacing of it)' }),
    faq: FaqCreate,
  })
  .openapi('UnansweredAnswer');

/**
 * Answers an unanswered question with a new FAQ in one step: the FAQ is created (knowledge's
 * createFaq), and every time the question was asked and not answered is marked answered by it
 * (`ari_messages.metadata.answered_by_faq`, which the assistant's unanswered list leaves out),
 * in the same transaction. Asked again later and still not answered, it comes back. This spans
 * the knowledge module and the assistant's record, so it lives here, where apps meet modules.
 */
export async function answerUnanswered(ctx: Ctx, body: z.infer<typeof AnswerUnanswered>) {
  const faq = await createFaq(ctx, body.faq);
  const marked = await markAnsweredByFaq(ctx, body.asked, faq.id);
  return { faq, marked };
}
