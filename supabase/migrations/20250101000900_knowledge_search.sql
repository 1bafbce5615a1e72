-- Coaching knowledge search (NARR-5, B-1): one ranked list over narrations, segment insights and
-- match summaries, org-wide or per match, with a highlighted snippet and the segment's time.
-- Full text and vector similarity are fused by private.rrf_fuse, with tie-aware ranks.
--
-- Why a new function beside private.search_narrations: the full-text branch there uses
-- websearch_to_tsquery, which ANDs every word, so a coach's natural question ("why did we lose
-- our own lineout ball") matches nothing and RRF degrades to vector-only. Here the text branch
-- ORs the query's lexemes and lets ts_rank_cd reward documents matching more of them, which the
-- labelled set in bench/search measured as the better candidate list for fusion.

-- Why: the query's English lexemes joined with OR; null when nothing is left (stop words only).
create function private.any_lexeme_query(p_query text)
returns tsquery
language sql immutable
set search_path = ''
as $$
  select nullif(string_agg(quote_literal(l.lexeme), ' | ' order by l.lexeme), '')::tsquery
    from unnest(to_tsvector('english'::regconfig, coalesce(p_query, ''))) as l
$$;

-- Why invoker: every source table's RLS applies to the caller, on top of the membership check.
create function private.search_knowledge(
  p_org_id uuid,
  p_query text,
  p_embedding extensions.halfvec default null,
  p_media_asset_id uuid default null,
  p_limit int default 20,
  p_candidates int default 50,
  p_k int default 60
)
returns table (
  kind text,
  id uuid,
  media_asset_id uuid,
  segment_id uuid,
  start_seconds numeric,
  content text,
  snippet text,
  text_rank int,
  vector_rank int,
  score double precision
)
language plpgsql stable
set search_path = ''
as $$
declare
  v_tsq tsquery := private.any_lexeme_query(p_query);
begin
  perform private.check_search(p_org_id, v_tsq is not null or p_embedding is not null, p_limit);
  return query
  with docs as materialized (
    select 'narration'::text as kind, n.id, n.media_asset_id, n.segment_id,
           coalesce(n.start_seconds, s.start_seconds) as start_seconds,
           coalesce(nullif(n.clean_transcript, ''), n.raw_transcript) as content,
           n.transcript_tsv as tsv, n.embedding
      from public.narrations n left join public.segments s on s.id = n.segment_id
     where n.org_id = p_org_id
       and (p_media_asset_id is null or n.media_asset_id = p_media_asset_id)
    union all
    select 'segment_insight', i.segment_id, s.media_asset_id, i.segment_id, s.start_seconds,
           i.headline || '. ' || i.summary,
           to_tsvector('english'::regconfig, i.headline || ' ' || i.summary || ' ' || i.coach_script), null
      from public.segment_insights i join public.segments s on s.id = i.segment_id
     where i.org_id = p_org_id and v_tsq is not null
       and (p_media_asset_id is null or s.media_asset_id = p_media_asset_id)
    union all
    select 'match_summary', m.media_asset_id, m.media_asset_id, null, null,
           coalesce(m.headline, '') || '. ' || coalesce((select string_agg(l, ' ') from jsonb_array_elements_text(m.lines) l), ''),
           to_tsvector('english'::regconfig, coalesce(m.headline, '') || ' ' || m.lines::text), null
      from public.match_intelligence m
     where m.org_id = p_org_id and v_tsq is not null
       and (p_media_asset_id is null or m.media_asset_id = p_media_asset_id)
  ), scored as materialized (
    select d.*,
           case when v_tsq is not null and d.tsv @@ v_tsq then ts_rank_cd(d.tsv, v_tsq) end as text_score,
           -- ::float8 keeps the planner from ordering through an ANN index, should one return.
           case when p_embedding is not null and d.embedding is not null
                then (d.embedding operator(extensions.<=>) p_embedding)::float8 end as distance
      from docs d
  )
  select c.kind, c.id, c.media_asset_id, c.segment_id, c.start_seconds, c.content,
         case when v_tsq is not null and f.text_rank is not null
              then ts_headline('english'::regconfig, c.content, v_tsq,
                               'StartSel=<mark>, StopSel=</mark>, MaxWords=24, MinWords=8, MaxFragments=2')
              else left(c.content, 160) end,
         f.text_rank, f.vector_rank, f.score::double precision
    from private.rrf_fuse(
           (select array_agg(row(c.kind, c.id, c.text_score, c.distance)::private.rrf_candidate) from scored c),
           p_candidates, p_k) f
    join scored c on c.id = f.id and c.kind = f.kind
   order by f.score desc, c.kind, c.id
   limit p_limit;
end
$$;

revoke all on function private.any_lexeme_query(text),
  private.search_knowledge(uuid, text, extensions.halfvec, uuid, int, int, int) from public, anon;
grant execute on function private.any_lexeme_query(text),
  private.search_knowledge(uuid, text, extensions.halfvec, uuid, int, int, int)
  to authenticated;
