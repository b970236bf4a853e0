import { sql } from 'kysely';
import type { Tx } from '../../platform/db/database.ts';
import type { SearchHit } from './knowledge.schema.ts';

/** The text search configuration of the caller's workspace (see 0009_knowledge_search.sql). */
export async function workspaceSearchConfig(tx: Tx): Promise<string | undefined> {
  const { rows } = await sql<{ config: string | null }>`select app.workspace_text_search_config()::text as config`.execute(tx.db);
  return rows[0]?.config ?? undefined;
}

const SNIPPET_OPTIONS = 'StartSel="", StopSel="", MaxWords=40, MinWords=25';

/**
 * Active entries, active FAQs and destinations matching any of `words`, best first.
 *
 * `config` is written into the SQL as a literal, not passed as a parameter: the GIN
 * indexes of 0009 are on the document functions with a constant configuration, and the
 * planner uses them only for an identical expression. Callers pass the name that
 * app.workspace_text_search_config gave, and it is checked here again.
 */
export async function searchDocuments(tx: Tx, ws: string, config: string, words: string[], limit: number): Promise<SearchHit[]> {
  if (!/^[a-z_]+$/.test(config)) throw new Error(`unexpected text search configuration ${config}`);
  const cfg = sql`${sql.lit(config)}::regconfig`;
  // Words are letters, marks and digits only, so joining them with | is a well-formed
  // to_tsquery; each is stemmed by the configuration and stop words drop out.
  const query = sql`to_tsquery(${cfg}, ${words.join(' | ')})`;
  const entryDoc = sql`app.knowledge_entry_document(${cfg}, e.title, e.content)`;
  const faqDoc = sql`app.faq_document(${cfg}, f.question, f.answer, f.keywords)`;
  const destinationDoc = sql`app.destination_document(${cfg}, d.university_name, d.country, d.city, d.programs, d.notes)`;

  const { rows } = await sql<SearchHit>`
    with hits as (
      select 'entry' as source, e.id, e.title, e.content as body, ts_rank(${entryDoc}, ${query}) as score
        from ari_knowledge_entries e
       where e.workspace_id = ${ws} and e.is_active and ${entryDoc} @@ ${query}
      union all
      select 'faq', f.id, f.question, f.answer, ts_rank(${faqDoc}, ${query})
        from faqs f
       where f.workspace_id = ${ws} and f.is_active and ${faqDoc} @@ ${query}
      union all
      select 'destination', d.id, d.university_name,
             concat_ws('. ', concat_ws(', ', d.city, d.country), nullif(array_to_string(d.programs, ', '), ''), d.notes),
             ts_rank(${destinationDoc}, ${query})
        from ari_destinations d
       where d.workspace_id = ${ws} and ${destinationDoc} @@ ${query}
    ),
    best as (select * from hits order by score desc, source, id limit ${limit})
    -- Headlines are costly, so only the hits returned get one.
    select source, id, title, ts_headline(${cfg}, body, ${query}, ${SNIPPET_OPTIONS}) as snippet, round(score::numeric, 6)::float8 as score
      from best
     order by score desc, source, id`.execute(tx.db);
  return rows;
}
