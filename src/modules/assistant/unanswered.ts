import { sql } from 'kysely';
import { workspaceIdOf, type Ctx } from '../../platform/context.ts';
import { z } from '../../platform/http/router.ts';

export const UnansweredQuery = z.object({
  days: z.coerce.number().int().min(1).max(365).default(30).openapi({ description: 'how far back to look, in days (1-365)' }),
  limit: z.coerce.number().int().min(1).max(200).default(50).openapi({ description: 'questions to return, 1-200' }),
});

export const UnansweredQuestion = z
  .object({
    question: z.string().openapi({ description: 'the most recent wording of the question' }),
    times_asked: z.number().int(),
    contacts: z.number().int().openapi({ description: 'how many different people asked it' }),
    first_asked_at: z.date(),
    last_asked_at: z.date(),
    last_contact_id: z.uuid().openapi({ description: 'who asked it last, to follow up' }),
    channels: z.array(z.string()),
  })
  .openapi('UnansweredQuestion');
export type UnansweredQuestion = z.infer<typeof UnansweredQuestion>;

/**
 * What customers asked that the assistant could not answer from the knowledge base, the FAQs
 * or the destinations (it said so and offered a person): the gaps to fill, most asked first.
 * The same question in other casing or spacing counts once.
 */
export async function unansweredQuestions(ctx: Ctx, q: z.infer<typeof UnansweredQuery>): Promise<UnansweredQuestion[]> {
  const ws = workspaceIdOf(ctx);
  const since = new Date(ctx.clock.now().getTime() - q.days * 86_400_000);
  const { rows } = await sql<{
    question: string;
    times_asked: number;
    contacts: number;
    first_asked_at: Date;
    last_asked_at: Date;
    last_contact_id: string;
    channels: string[];
  }>`
    select (array_agg(u.content order by u.created_at desc))[1] as question,
           count(*)::int as times_asked,
           count(distinct c.contact_id)::int as contacts,
           min(u.created_at) as first_asked_at,
           max(u.created_at) as last_asked_at,
           (array_agg(c.contact_id order by u.created_at desc))[1] as last_contact_id,
           array_agg(distinct coalesce(u.metadata->>'channel', 'unknown') order by coalesce(u.metadata->>'channel', 'unknown')) as channels
      from public.ari_messages a
      join public.ari_messages u on u.workspace_id = a.workspace_id and u.id = (a.metadata->>'reply_to')::uuid
      join public.ari_conversations c on c.workspace_id = a.workspace_id and c.id = a.ari_conversation_id
     where a.workspace_id = ${ws}::uuid
       and a.role = 'assistant'
       and a.metadata ? 'unanswered'
       and not a.metadata ? 'answered_by_faq' -- answered since with a new FAQ (apps/unanswered.ts)
       and a.created_at >= ${since}::timestamptz
     group by lower(regexp_replace(btrim(u.content), '\\s+', ' ', 'g'))
     order by times_asked desc, last_asked_at desc
     limit ${q.limit}`.execute(ctx.tx.db);
  return rows;
}


/**
 * Every time `asked` (any casing or spacing of it) was asked and not answered is marked answered
 * by this FAQ (metadata.answered_by_faq), so the list above leaves it out; asked again later and
 * still not answered, it comes back. Answers how many replies were marked.
 */
export async function markAnsweredByFaq(ctx: Ctx, asked: string, faqId: string): Promise<number> {
  const ws = workspaceIdOf(ctx);
  const { rows } = await sql<{ id: string }>`
    update public.ari_messages a
       set metadata = a.metadata || jsonb_build_object('answered_by_faq', ${faqId}::text)
      from public.ari_messages u
     where a.workspace_id = ${ws}::uuid
       and a.role = 'assistant'
       and a.metadata ? 'unanswered'
       and not a.metadata ? 'answered_by_faq'
       and u.workspace_id = a.workspace_id
       and u.id = (a.metadata->>'reply_to')::uuid
       and lower(regexp_replace(btrim(u.content), '\\s+', ' ', 'g')) = lower(regexp_replace(btrim(${asked}::text), '\\s+', ' ', 'g'))
    returning a.id`.execute(ctx.tx.db);
  return rows.length;
}
