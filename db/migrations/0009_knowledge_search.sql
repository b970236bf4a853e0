-- Knowledge search: one full-text search over knowledge entries, FAQs and destinations, in
-- the workspace's language (Indonesian, Spanish, otherwise English).
--
-- Why an expression index per language configuration, and not one tsvector column:
--  * the configuration depends on the workspace, not on the row, so a generated column
--    (whose expression must be immutable and can only read its own row) cannot pick it;
--  * indexing to_tsvector('simple', ...) and ranking with the language would lose the
--    stemming that makes the search useful ('universitasnya' -> 'universitas',
--    'limpieza' -> 'limpiez'): a stemmed query does not match unstemmed index entries;
--  * a trigger-maintained column would have to be rebuilt whenever a workspace changes
--    its locale.
-- So each searchable table gets one GIN expression index per configuration the product
-- speaks, over the same document function the query uses (the planner matches the index
-- only when the query's expression is identical, configuration constant included). The
-- tables are small and rarely written, so three vectors per write cost little.
-- The indexes do not include workspace_id (GIN on scalars needs btree_gin, which PGlite
-- lacks); the tenant filter applies to the matches.

-- The configuration for a workspace locale ('id', 'es-CO', ...), or 'simple' when this
-- server lacks the language's dictionary.
create function app.text_search_config(p_locale text) returns regconfig
language sql stable
as $$
  select coalesce(
    (select c.oid::regconfig
       from pg_catalog.pg_ts_config c
      where c.cfgnamespace = 'pg_catalog'::regnamespace
        and c.cfgname = case split_part(lower(p_locale), '-', 1)
                          when 'id' then 'indonesian'
                          when 'es' then 'spanish'
                          else 'english'
                        end),
    'simple'::regconfig)
$$;

-- The configuration of the caller's workspace; null outside one.
create function app.workspace_text_search_config() returns regconfig
language sql stable
as $$
  select app.text_search_config(w.locale) from public.workspaces w where w.id = app.current_workspace_id()
$$;

-- The searchable document of each source, weighted: A for what names it, B for the body,
-- C for side notes. Immutable so that indexes can be built on them.
create function app.knowledge_entry_document(cfg regconfig, title text, content text) returns tsvector
language sql immutable parallel safe
as $$
  select setweight(to_tsvector(cfg, coalesce(title, '')), 'A')
      || setweight(to_tsvector(cfg, coalesce(content, '')), 'B')
$$;

create function app.faq_document(cfg regconfig, question text, answer text, keywords text[]) returns tsvector
language sql immutable parallel safe
as $$
  select setweight(to_tsvector(cfg, coalesce(question, '')), 'A')
      || setweight(to_tsvector(cfg, coalesce(array_to_string(keywords, ' '), '')), 'A')
      || setweight(to_tsvector(cfg, coalesce(answer, '')), 'B')
$$;

create function app.destination_document(
  cfg regconfig, university_name text, country text, city text, programs text[], notes text
) returns tsvector
language sql immutable parallel safe
as $$
  select setweight(to_tsvector(cfg, coalesce(university_name, '') || ' ' || coalesce(country, '') || ' ' || coalesce(city, '')), 'A')
      || setweight(to_tsvector(cfg, coalesce(array_to_string(programs, ' '), '')), 'B')
      || setweight(to_tsvector(cfg, coalesce(notes, '')), 'C')
$$;

do $$
declare
  cfg text;
begin
  foreach cfg in array array['english', 'indonesian', 'spanish'] loop
    continue when not exists (
      select 1 from pg_catalog.pg_ts_config
       where cfgname = cfg and cfgnamespace = 'pg_catalog'::regnamespace);
    -- Only active rows are searched, so only they are indexed.
    execute format(
      'create index idx_ari_knowledge_entries_search_%1$s on public.ari_knowledge_entries
         using gin (app.knowledge_entry_document(%1$L::regconfig, title, content)) where is_active', cfg);
    execute format(
      'create index idx_faqs_search_%1$s on public.faqs
         using gin (app.faq_document(%1$L::regconfig, question, answer, keywords)) where is_active', cfg);
    execute format(
      'create index idx_ari_destinations_search_%1$s on public.ari_destinations
         using gin (app.destination_document(%1$L::regconfig, university_name, country, city, programs, notes))', cfg);
  end loop;
end;
$$;
