-- One-year-scale read paths (SCALE-5, OV-1, ORG-6, NARR-5): per-match aggregates kept by the
-- database, the overview and org stats read from them, and the vector index decision for the
-- tenant search. bench/db measures these at the plan's one-year scale (bench/out/db-plans.txt).

-- Vector index --------------------------------------------------------------------------------------
-- Why the global HNSW index goes: nothing reads it, and it cannot serve the one question asked.
-- Every narration search is tenant-scoped, and an HNSW graph over all orgs picks neighbours
-- before the org filter. bench/db measured "10 nearest within one org" on a 2,000-row sample
-- where an org holds 1/8 of the rows: exact over the org's rows 3.5 ms, recall 1.0; HNSW plus
-- the filter 7 ms, recall 0.6 (it returns fewer than asked); pgvector 0.8 hnsw.iterative_scan
-- 10 ms, recall 0.94 (relaxed_order) / 0.91 (strict_order). At one-year scale an org holds 1/100
-- of the rows, which makes the filtered walk longer and the exact scan no larger (~250 rows), and
-- the planner already prefers the exact path there. Meanwhile every embedding write paid an HNSW
-- insert (about 20 ms a row in PGlite; a graph update and WAL on Postgres) and the index kept a
-- second copy of every vector hot. The exact scan grows with the tenant, not the platform; past
-- some thousands of narrations per org the next step is a binary-quantized prefilter
-- (binary_quantize into a covering index on org_id, then exact re-ranking of a shortlist), not a
-- global graph. An org-agnostic similarity feature would add its own index with its reader.
drop index if exists public.narrations_embedding_hnsw_idx;

-- The overview's tag aggregates look tags up by segment; the two unique indexes on segment_id are
-- partial (taxonomy vs identity), so neither serves an unqualified segment_id lookup.
create index segment_tags_segment_id_idx on public.segment_tags (segment_id);

-- Per-match aggregates --------------------------------------------------------------------------
-- Why: the overview's trend and the org stats cards counted segments and narrations of every
-- earlier match on each call, walking media_assets across all monthly partitions. One row per
-- asset, kept current by triggers in the same transaction as the change, turns those into one
-- short index range. Ordered by the UUIDv7 asset id, which is the creation order.
create table public.match_stats (
  media_asset_id uuid primary key,
  org_id uuid not null,
  kind public.media_kind not null,
  segment_count int not null default 0 constraint match_stats_segment_count_nonneg check (segment_count >= 0),
  narration_count int not null default 0 constraint match_stats_narration_count_nonneg check (narration_count >= 0),
  updated_at timestamptz not null default now(),
  constraint match_stats_media_asset_fkey foreign key (media_asset_id, org_id)
    references public.media_assets (id, org_id) on delete cascade
);
comment on table public.match_stats is
  'Segment and narration counts per media asset, maintained by triggers; read by the overview and org stats.';
-- Serves the policy, org stats and "previous matches" (newest first from an id, kind filtered on
-- the way: it cannot be an index condition, since enum equality is not leakproof and RLS keeps it
-- above the policy). No counts in the index, so the count updates stay HOT.
create index match_stats_org_asset_idx on public.match_stats (org_id, media_asset_id desc);

alter table public.match_stats enable row level security;
-- Only the triggers below write it; a hand-edited count would silently disagree with the rows.
revoke all on table public.match_stats from anon, authenticated, service_role;
grant select on table public.match_stats to authenticated;
create policy "Members can read their organization's match stats" on public.match_stats
  for select to authenticated using (org_id in (select private.my_org_ids()));
create policy "Platform admins can read every match stats row" on public.match_stats
  for select to authenticated using ((select private.is_platform_admin()));

create function private.create_match_stats()
returns trigger
language plpgsql security definer
set search_path = ''
as $$
begin
  if tg_op = 'INSERT' then
    insert into public.match_stats (media_asset_id, org_id, kind)
    values (new.id, new.org_id, new.kind)
    on conflict (media_asset_id) do nothing;
  else
    update public.match_stats set kind = new.kind, updated_at = now() where media_asset_id = new.id;
  end if;
  return null;
end
$$;
revoke all on function private.create_match_stats() from public, anon, authenticated;
create trigger media_assets_create_match_stats after insert on public.media_assets
  for each row execute function private.create_match_stats();
create trigger media_assets_sync_match_stats_kind after update of kind on public.media_assets
  for each row when (old.kind is distinct from new.kind) execute function private.create_match_stats();

-- Statement-level with transition tables: a bulk insert or a cascade delete updates each match's
-- row once, not once per child row.
create function private.count_match_children()
returns trigger
language plpgsql security definer
set search_path = ''
as $$
declare
  v_sign int := case tg_op when 'INSERT' then 1 else -1 end;
begin
  if tg_table_name = 'segments' then
    with d as (
      select media_asset_id, count(*)::int as c
        from (select media_asset_id from changed_rows) r group by 1
    )
    update public.match_stats s
       set segment_count = greatest(s.segment_count + v_sign * d.c, 0), updated_at = now()
      from d where s.media_asset_id = d.media_asset_id;
  else
    with d as (
      select media_asset_id, count(*)::int as c
        from (select media_asset_id from changed_rows) r group by 1
    )
    update public.match_stats s
       set narration_count = greatest(s.narration_count + v_sign * d.c, 0), updated_at = now()
      from d where s.media_asset_id = d.media_asset_id;
  end if;
  return null;
end
$$;
revoke all on function private.count_match_children() from public, anon, authenticated;
create trigger segments_count_insert after insert on public.segments
  referencing new table as changed_rows for each statement execute function private.count_match_children();
create trigger segments_count_delete after delete on public.segments
  referencing old table as changed_rows for each statement execute function private.count_match_children();
create trigger narrations_count_insert after insert on public.narrations
  referencing new table as changed_rows for each statement execute function private.count_match_children();
create trigger narrations_count_delete after delete on public.narrations
  referencing old table as changed_rows for each statement execute function private.count_match_children();

-- A row moved to another match of the same org (the composite foreign keys forbid other orgs).
-- Row-level with a WHEN clause, so ordinary edits (text, embeddings) never enter it.
create function private.move_match_child()
returns trigger
language plpgsql security definer
set search_path = ''
as $$
begin
  if tg_table_name = 'segments' then
    update public.match_stats set segment_count = greatest(segment_count - 1, 0), updated_at = now()
     where media_asset_id = old.media_asset_id;
    update public.match_stats set segment_count = segment_count + 1, updated_at = now()
     where media_asset_id = new.media_asset_id;
  else
    update public.match_stats set narration_count = greatest(narration_count - 1, 0), updated_at = now()
     where media_asset_id = old.media_asset_id;
    update public.match_stats set narration_count = narration_count + 1, updated_at = now()
     where media_asset_id = new.media_asset_id;
  end if;
  return null;
end
$$;
revoke all on function private.move_match_child() from public, anon, authenticated;
create trigger segments_count_move after update of media_asset_id on public.segments
  for each row when (old.media_asset_id is distinct from new.media_asset_id)
  execute function private.move_match_child();
create trigger narrations_count_move after update of media_asset_id on public.narrations
  for each row when (old.media_asset_id is distinct from new.media_asset_id)
  execute function private.move_match_child();

-- Databases that already hold media (local data dirs) start from the true counts.
insert into public.match_stats (media_asset_id, org_id, kind, segment_count, narration_count)
select a.id, a.org_id, a.kind,
       (select count(*) from public.segments s where s.media_asset_id = a.id),
       (select count(*) from public.narrations n where n.media_asset_id = a.id)
  from public.media_assets a
on conflict (media_asset_id) do nothing;

-- Org stats (ORG-6) from the aggregates ------------------------------------------------------------
-- Same figures as before; matches, segments and narrations come from match_stats (one index range
-- per org) instead of a count per match over the partitions. created_at is read from the UUIDv7 id.
create or replace function private.org_stats(p_org_id uuid)
returns jsonb
language plpgsql stable security definer
set search_path = ''
as $$
declare
  v jsonb;
begin
  if not (private.has_org_role(p_org_id, 'manager') or private.is_platform_admin()) then
    raise exception 'FORBIDDEN' using errcode = '42501', detail = 'Org stats are for managers and owners.';
  end if;
  with assets as (
    select ms.kind, private.uuid_v7_time(ms.media_asset_id) as created_at,
           ms.narration_count as narrations, ms.segment_count as segments
      from public.match_stats ms where ms.org_id = p_org_id
  ), matches as (
    select * from assets where kind = 'match'
  )
  select jsonb_build_object(
    'matches', (select count(*) from matches),
    'matchesLast30Days', (select count(*) from matches where created_at >= now() - interval '30 days'),
    'narrations', (select coalesce(sum(narrations), 0) from assets),
    'segments', (select coalesce(sum(segments), 0) from assets),
    'identityTaggedSegments', (select count(distinct segment_id) from public.segment_tags
                               where org_id = p_org_id and tag_type = 'identity'),
    'wellCoveredMatches', (select count(*) from matches where narrations >= 35),
    'avgNarrationsPerMatch', coalesce((select round(avg(narrations), 1) from matches), 0),
    'openAssignments', (select count(*) from public.assignments a where a.org_id = p_org_id
                        and exists (select 1 from public.assignment_progress p
                                    where p.assignment_id = a.id and p.completed_at is null)),
    'members', (select count(*) from public.org_members where org_id = p_org_id),
    'storage', (select jsonb_build_object('usedBytes', u.originals_bytes + u.renditions_bytes,
                        'reservedBytes', u.reserved_bytes, 'limitBytes', o.storage_limit_bytes)
                  from public.org_storage_usage u join public.organizations o on o.id = u.org_id
                 where u.org_id = p_org_id),
    'failedJobs72h', (select count(*) from public.jobs where org_id = p_org_id and state = 'failed'
                      and finished_at >= now() - interval '72 hours')
  ) into v;
  return v;
end
$$;

-- Match overview (OV-1) ----------------------------------------------------------------------------
-- Same document as before. What one call reads is now bounded by the match itself: its stats row,
-- its segments, narrations and their tags (by index), and the previous matches' counts as one
-- short index range on match_stats. Coverage is computed from the narrations already read instead
-- of a second pass through match_coverage. Runs as the caller, so RLS limits it to their orgs.
create or replace function private.match_overview(p_media_asset_id uuid, p_previous int default 5)
returns jsonb
language plpgsql stable
set search_path = ''
as $$
declare
  v_stats public.match_stats;
  v_duration numeric;
  v jsonb;
begin
  select * into v_stats from public.match_stats where media_asset_id = p_media_asset_id;
  if not found then
    raise exception 'MEDIA_NOT_FOUND' using errcode = 'P0002';
  end if;
  select coalesce(a.duration_seconds, 0)::numeric into v_duration
    from public.media_assets a where a.id = p_media_asset_id;
  with seg as (
    select s.id from public.segments s where s.media_asset_id = p_media_asset_id
  ), nar as (
    select n.segment_id, n.start_seconds from public.narrations n where n.media_asset_id = p_media_asset_id
  ), tags as (
    select t.segment_id, t.tag_type, t.tag_key, t.tagged_user_id
      from public.segment_tags t join seg on seg.id = t.segment_id
  ), prev as (
    select ms.narration_count as narrations, ms.segment_count as segments
      from public.match_stats ms
     where ms.org_id = v_stats.org_id and ms.kind = 'match' and ms.media_asset_id < p_media_asset_id
     order by ms.media_asset_id desc limit greatest(p_previous, 0)
  ), points as (
    select 0::numeric as s union all
    select start_seconds from nar where start_seconds is not null union all
    select v_duration
  ), gaps as (
    select s - lag(s) over (order by s) as gap from points
  )
  select jsonb_build_object(
    'mediaAssetId', p_media_asset_id,
    'counts', jsonb_build_object(
      'segments', v_stats.segment_count,
      'narrations', v_stats.narration_count,
      'tags', (select count(*) from tags where tag_type <> 'identity'),
      'identityTags', (select count(*) from tags where tag_type = 'identity')),
    'momentum', coalesce((select jsonb_agg(jsonb_build_object('minute', b * 5, 'narrations', c) order by b)
                            from (select floor(start_seconds / 300)::int as b, count(*) as c
                                    from nar where start_seconds is not null group by 1) m), '[]'::jsonb),
    'topThemes', coalesce((select jsonb_agg(jsonb_build_object('type', tag_type, 'key', tag_key, 'count', c) order by c desc, tag_key)
                             from (select tag_type, tag_key, count(*) as c from tags where tag_type <> 'identity'
                                    group by 1, 2 order by 3 desc, 2 limit 8) th), '[]'::jsonb),
    'tactical', jsonb_build_object(
      'setPieceShare', (select round(count(distinct segment_id) filter (where tag_type = 'context'
                               and tag_key in ('scrum', 'lineout', 'kickoff', 'restart'))::numeric
                               / nullif(v_stats.segment_count, 0), 3) from tags),
      'transitionShare', (select round(count(distinct segment_id) filter (where tag_type = 'context'
                               and tag_key in ('transition', 'counter_attack', 'broken_play'))::numeric
                               / nullif(v_stats.segment_count, 0), 3) from tags),
      'topActions', coalesce((select jsonb_agg(jsonb_build_object('key', tag_key, 'count', c) order by c desc, tag_key)
                                from (select tag_key, count(*) as c from tags where tag_type = 'action'
                                       group by 1 order by 2 desc, 1 limit 5) ta), '[]'::jsonb)),
    'playerImpact', coalesce((select jsonb_agg(jsonb_build_object('userId', tagged_user_id, 'segments', c,
                                     'narrations', nc) order by c desc)
                                from (select t.tagged_user_id, count(*) as c,
                                             (select count(*) from nar where nar.segment_id = any (array_agg(t.segment_id))) as nc
                                        from tags t where t.tag_type = 'identity' group by 1) pi), '[]'::jsonb),
    'trend', jsonb_build_object(
      'previousMatches', (select count(*) from prev),
      'avgNarrations', (select round(avg(narrations), 1) from prev),
      'avgSegments', (select round(avg(segments), 1) from prev)),
    'coverage', jsonb_build_object(
      'narration_count', v_stats.narration_count,
      'largest_gap_minutes', round(coalesce((select max(gap) from gaps), 0) / 60.0, 1))
  ) into v;
  return v;
end
$$;

-- Hybrid narration search (NARR-5) ---------------------------------------------------------------
-- Same signature, candidates and reciprocal rank fusion as before (score = Σ 1 / (k + rank), text
-- ranked by ts_rank_cd, vector by exact cosine distance, ties by id). What changed is the shape:
-- the org's rows are read once, with the full-text match and the distance computed in that one
-- pass, and the result columns ride along. Before, the text and vector candidates were two scans
-- of the org's rows and the fused ids were joined back to narrations, which the planner did as a
-- sequential scan of every org's narrations: cost that grew with the platform, not the tenant.
-- Exact within the org on purpose (see the index note at the top of this file). Without an
-- embedding the text filter stands alone, so the GIN index can drive a text-only search.
create or replace function private.search_narrations(
  p_org_id uuid,
  p_query text,
  p_embedding extensions.halfvec default null,
  p_media_asset_id uuid default null,
  p_limit int default 20,
  p_candidates int default 50,
  p_k int default 60
)
returns table (
  narration_id uuid,
  media_asset_id uuid,
  segment_id uuid,
  start_seconds numeric,
  transcript text,
  text_rank int,
  vector_rank int,
  score double precision
)
language plpgsql stable
set search_path = ''
as $$
declare
  v_tsq tsquery := case when coalesce(btrim(p_query), '') = '' then null
                        else websearch_to_tsquery('english'::regconfig, p_query) end;
begin
  if not (private.is_org_member(p_org_id) or private.is_platform_admin()) then
    raise exception 'FORBIDDEN' using errcode = '42501', detail = 'You are not a member of this organization.';
  end if;
  if v_tsq is null and p_embedding is null then
    raise exception 'QUERY_REQUIRED' using errcode = '22023', detail = 'Give a text query or an embedding.';
  end if;
  if p_limit < 1 or p_limit > 100 then
    raise exception 'INVALID_LIMIT' using errcode = '22023', detail = 'limit must be 1–100';
  end if;
  return query
  with c as materialized (
    select n.id, n.media_asset_id, n.segment_id, n.start_seconds,
           coalesce(nullif(n.clean_transcript, ''), n.raw_transcript) as transcript,
           case when v_tsq is not null and n.transcript_tsv @@ v_tsq
                then ts_rank_cd(n.transcript_tsv, v_tsq) end as text_score,
           -- ::float8 keeps the planner from ordering through an ANN index, should one return.
           case when p_embedding is not null and n.embedding is not null
                then (n.embedding operator(extensions.<=>) p_embedding)::float8 end as distance
      from public.narrations n
     where n.org_id = p_org_id
       and (p_media_asset_id is null or n.media_asset_id = p_media_asset_id)
       and (p_embedding is not null or n.transcript_tsv @@ v_tsq)
  ), text_hits as (
    select c.id, row_number() over (order by c.text_score desc, c.id)::int as r
      from c where c.text_score is not null
     order by c.text_score desc, c.id
     limit p_candidates
  ), vector_hits as (
    select c.id, row_number() over (order by c.distance, c.id)::int as r
      from c where c.distance is not null
     order by c.distance, c.id
     limit p_candidates
  ), fused as (
    select coalesce(t.id, v.id) as id, t.r as tr, v.r as vr,
           coalesce(1.0 / (p_k + t.r), 0) + coalesce(1.0 / (p_k + v.r), 0) as s
      from text_hits t full join vector_hits v on v.id = t.id
  )
  select c.id, c.media_asset_id, c.segment_id, c.start_seconds, c.transcript, f.tr, f.vr, f.s::double precision
    from fused f join c on c.id = f.id
   order by f.s desc, c.id
   limit p_limit;
end
$$;
