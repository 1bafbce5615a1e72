-- Coaching content: groups, segments, narrations (full text + embeddings), the versioned tag
-- taxonomy, segment tags, tag suggestions, segment insights, match intelligence and the per-match
-- counts the overview and org stats read (GRP-1, SEG-1, NARR-1..6, TAG-1..3, AI-1, AI-2, SCALE-5).

create type public.content_source as enum ('auto', 'ai', 'coach', 'staff', 'manager', 'owner', 'member');
create type public.tag_type as enum ('action', 'context', 'identity');
create type public.suggestion_status as enum ('pending', 'applied', 'rejected');
create type public.intelligence_level as enum ('empty', 'light', 'normal');

-- Why: platform admins act on every org (PRODUCT.md Roles). One generator keeps those four
-- policies identical on every tenant table instead of hand-copying them.
create function private.add_platform_admin_policies(p_table text)
returns void
language plpgsql
set search_path = ''
as $$
begin
  execute format('create policy %I on public.%I for select to authenticated using ((select private.is_platform_admin()))',
    'Platform admins can read every row of ' || p_table, p_table);
  execute format('create policy %I on public.%I for insert to authenticated with check ((select private.is_platform_admin()))',
    'Platform admins can insert rows into ' || p_table, p_table);
  execute format('create policy %I on public.%I for update to authenticated using ((select private.is_platform_admin())) with check ((select private.is_platform_admin()))',
    'Platform admins can update every row of ' || p_table, p_table);
  execute format('create policy %I on public.%I for delete to authenticated using ((select private.is_platform_admin()))',
    'Platform admins can delete every row of ' || p_table, p_table);
end
$$;
revoke all on function private.add_platform_admin_policies(text) from public, anon, authenticated;

-- Why: on most tenant tables the rule is the same: the org's members (or only its staff, with
-- p_reader => 'staff') read the org's rows and its staff write them. One generator keeps those
-- policies identical wherever the rule holds; each keeps its own sentence for a name, and an
-- action without a name gets no such policy. Other rules stay hand-written beside the call.
create function private.add_org_policies(
  p_table text,
  p_select text default null,
  p_insert text default null,
  p_update text default null,
  p_delete text default null,
  p_reader public.org_role default 'member'
)
returns void
language plpgsql
set search_path = ''
as $$
declare
  v_reader text := case when p_reader = 'member' then 'org_id in (select private.my_org_ids())'
                        else format('org_id in (select private.my_org_ids(%L))', p_reader) end;
  v_staff text := $sql$org_id in (select private.my_org_ids('staff'))$sql$;
begin
  if p_select is not null then
    execute format('create policy %I on public.%I for select to authenticated using (%s)',
      p_select, p_table, v_reader);
  end if;
  if p_insert is not null then
    execute format('create policy %I on public.%I for insert to authenticated with check (%s)',
      p_insert, p_table, v_staff);
  end if;
  if p_update is not null then
    execute format('create policy %I on public.%I for update to authenticated using (%s) with check (%s)',
      p_update, p_table, v_staff, v_staff);
  end if;
  if p_delete is not null then
    execute format('create policy %I on public.%I for delete to authenticated using (%s)',
      p_delete, p_table, v_staff);
  end if;
end
$$;
revoke all on function private.add_org_policies(text, text, text, text, text, public.org_role)
  from public, anon, authenticated;

-- Groups -----------------------------------------------------------------------------------------
-- Why: coaches address assignments to squads (forwards, backs, U18s) rather than one by one.
create table public.groups (
  id uuid primary key default gen_random_uuid(),
  org_id uuid not null references public.organizations (id) on delete cascade,
  name text not null constraint groups_name_length check (char_length(btrim(name)) between 1 and 80),
  description text constraint groups_description_length check (char_length(description) <= 500),
  created_by uuid references public.profiles (id) on delete set null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint groups_org_name_key unique (org_id, name),
  constraint groups_id_org_key unique (id, org_id)
);
comment on table public.groups is 'Named sets of org members (squads, units) used as assignment targets.';
create index groups_created_by_idx on public.groups (created_by);
select private.guard_org_table('groups', p_index_org_id => false);
grant select, delete on table public.groups to authenticated;
grant insert (org_id, name, description, created_by) on table public.groups to authenticated;
grant update (name, description) on table public.groups to authenticated;
select private.add_org_policies('groups',
  p_select => 'Members can read their organization''s groups',
  p_insert => 'Staff can create groups', p_update => 'Staff can update groups',
  p_delete => 'Staff can delete groups');
select private.add_platform_admin_policies('groups');

-- Why the composite keys: a group member must be a member of the group's org, and leaving the org
-- removes them from its groups.
create table public.group_members (
  group_id uuid not null,
  org_id uuid not null,
  user_id uuid not null,
  created_at timestamptz not null default now(),
  primary key (group_id, user_id),
  constraint group_members_group_fkey foreign key (group_id, org_id)
    references public.groups (id, org_id) on delete cascade,
  constraint group_members_member_fkey foreign key (org_id, user_id)
    references public.org_members (org_id, user_id) on delete cascade
);
comment on table public.group_members is 'Which org members belong to which group.';
create index group_members_org_user_idx on public.group_members (org_id, user_id);
create index group_members_user_id_idx on public.group_members (user_id);
select private.guard_org_table('group_members', p_stamp_updated_at => false, p_index_org_id => false);
grant select, delete on table public.group_members to authenticated;
grant insert (group_id, org_id, user_id) on table public.group_members to authenticated;
select private.add_org_policies('group_members',
  p_select => 'Members can read their organization''s group members',
  p_insert => 'Staff can add group members', p_delete => 'Staff can delete group members');
select private.add_platform_admin_policies('group_members');

-- Segments ---------------------------------------------------------------------------------------
-- Why: a segment (clip) is the unit coaches narrate, tag and assign; ≥ 6 s (SEG-1).
create table public.segments (
  id uuid primary key default gen_random_uuid(),
  org_id uuid not null,
  media_asset_id uuid not null,
  start_seconds numeric(10, 3) not null constraint segments_start_nonneg check (start_seconds >= 0),
  end_seconds numeric(10, 3) not null,
  source public.content_source not null default 'staff',
  title text constraint segments_title_length check (char_length(title) <= 200),
  created_by uuid references public.profiles (id) on delete set null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint segments_min_length check (end_seconds - start_seconds >= 6),
  constraint segments_id_org_key unique (id, org_id),
  constraint segments_media_asset_fkey foreign key (media_asset_id, org_id)
    references public.media_assets (id, org_id) on delete cascade
);
comment on table public.segments is 'Clips of a media asset: the unit of narration, tagging and assignment.';
create index segments_media_start_idx on public.segments (media_asset_id, start_seconds);
create index segments_org_created_idx on public.segments (org_id, created_at desc);
create index segments_created_by_idx on public.segments (created_by);

-- Why: a clip cannot run past the end of its video once the duration is known (SEG-1).
create function private.check_segment_within_media()
returns trigger
language plpgsql security definer
set search_path = ''
as $$
declare
  v_duration double precision;
begin
  select duration_seconds into v_duration from public.media_assets where id = new.media_asset_id;
  if v_duration is not null and new.end_seconds > v_duration + 0.5 then
    raise exception 'SEGMENT_BEYOND_MEDIA' using errcode = '23514',
      detail = format('The segment ends at %s s but the video lasts %s s.', new.end_seconds, round(v_duration::numeric, 1));
  end if;
  return new;
end
$$;
revoke all on function private.check_segment_within_media() from public, anon, authenticated;
create trigger segments_within_media before insert or update of start_seconds, end_seconds, media_asset_id
  on public.segments for each row execute function private.check_segment_within_media();

-- The timing editor moves a clip and renames it; which match it belongs to is fixed.
select private.guard_org_table('segments', p_index_org_id => false);
grant select, delete on table public.segments to authenticated;
grant insert (org_id, media_asset_id, start_seconds, end_seconds, source, title, created_by)
  on table public.segments to authenticated;
grant update (start_seconds, end_seconds, title) on table public.segments to authenticated;
select private.add_org_policies('segments',
  p_select => 'Members can read their organization''s segments',
  p_insert => 'Staff can create segments', p_update => 'Staff can update segments',
  p_delete => 'Staff can delete segments');
create policy "Members can create their own member segments" on public.segments
  for insert to authenticated with check (
    org_id in (select private.my_org_ids()) and created_by = (select auth.uid()) and source = 'member'
  );
select private.add_platform_admin_policies('segments');

-- Narrations -------------------------------------------------------------------------------------
-- Why: narrations are the coaching knowledge. transcript_tsv is a generated column, so every
-- update keeps full text current. The embedding is half precision: bench/db measured the same
-- HNSW recall@10 as vector(1536) (0.95 vs 0.945) at half the storage and index size; in PGlite's
-- WASM build halfvec is slower to index and scan, which does not matter for the tenant search
-- (exact within the org) but would be the reason to switch if that ever changes.
create table public.narrations (
  id uuid primary key default gen_random_uuid(),
  org_id uuid not null,
  media_asset_id uuid not null,
  segment_id uuid,
  author_id uuid references public.profiles (id) on delete set null,
  source_type public.content_source not null default 'member',
  input_type text not null default 'text' constraint narrations_input_type check (input_type in ('audio', 'text')),
  raw_transcript text not null default '' constraint narrations_raw_length check (char_length(raw_transcript) <= 10000),
  clean_transcript text constraint narrations_clean_length check (char_length(clean_transcript) <= 10000),
  language text not null default 'en' constraint narrations_language_format check (language ~ '^[a-z]{2}(-[A-Z]{2})?$'),
  audio_key text,
  audio_duration_seconds real constraint narrations_audio_min_length check (audio_duration_seconds is null or audio_duration_seconds >= 0.5),
  start_seconds numeric(10, 3) constraint narrations_start_nonneg check (start_seconds >= 0),
  end_seconds numeric(10, 3),
  transcription_status text not null default 'done'
    constraint narrations_transcription_status check (transcription_status in ('pending', 'done', 'failed')),
  transcription_error text,
  transcript_tsv tsvector generated always as (
    to_tsvector('english'::regconfig, coalesce(nullif(clean_transcript, ''), raw_transcript))
  ) stored,
  embedding extensions.halfvec(1536),
  embedding_model text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint narrations_times_ordered check (end_seconds is null or start_seconds is null or end_seconds >= start_seconds),
  constraint narrations_audio_in_own_prefix check (
    audio_key is null or starts_with(audio_key, 'orgs/' || org_id::text || '/')
  ),
  constraint narrations_media_asset_fkey foreign key (media_asset_id, org_id)
    references public.media_assets (id, org_id) on delete cascade,
  constraint narrations_segment_fkey foreign key (segment_id, org_id)
    references public.segments (id, org_id) on delete set null (segment_id)
);
comment on table public.narrations is
  'Voice or typed coaching notes on a match, with full-text vector and embedding for hybrid search.';
create index narrations_media_start_idx on public.narrations (media_asset_id, start_seconds);
create index narrations_segment_id_idx on public.narrations (segment_id);
create index narrations_org_created_idx on public.narrations (org_id, created_at desc);
create index narrations_author_id_idx on public.narrations (author_id);
create index narrations_transcript_tsv_idx on public.narrations using gin (transcript_tsv);
-- No ANN index on the embedding: nothing could use one for the one question asked. Every narration
-- search is tenant-scoped (private.search_narrations, private.search_knowledge), and an HNSW graph
-- over all orgs picks neighbours before the org filter. bench/db measured "10 nearest within one
-- org" on a 2,000-row sample where an org holds 1/8 of the rows: exact over the org's rows 3.5 ms,
-- recall 1.0; HNSW plus the filter 7 ms, recall 0.6 (it returns fewer than asked); pgvector 0.8
-- hnsw.iterative_scan 10 ms, recall 0.94 (relaxed_order) / 0.91 (strict_order). At one-year scale
-- an org holds 1/100 of the rows, which makes the filtered walk longer and the exact scan no larger
-- (~250 rows), and the planner already prefers the exact path there. Meanwhile every embedding
-- write would pay an HNSW insert (about 20 ms a row in PGlite; a graph update and WAL on Postgres)
-- and the index would keep a second copy of every vector hot. The exact scan grows with the
-- tenant, not the platform; past some thousands of narrations per org the next step is a
-- binary-quantized prefilter (binary_quantize into a covering index on org_id, then exact
-- re-ranking of a shortlist), not a global graph. An org-agnostic similarity feature would add its
-- own index with its reader; HNSW beat IVFFlat on the sample (recall@10 0.95 vs 0.79 at
-- probes = 10, and no training step that goes stale as rows arrive).

-- Why: the source is a snapshot of the author's role (NARR-3), set by the database so it cannot be
-- spoofed; an edit of the text drops the embedding so it is recomputed, never stale. It also holds
-- the transcription columns to what the caller may say about them.
create function private.prepare_narration()
returns trigger
language plpgsql security definer
set search_path = ''
as $$
declare
  v_role public.org_role;
begin
  if tg_op = 'INSERT' and private.is_end_user() then
    select m.role into v_role from public.org_members m
     where m.org_id = new.org_id and m.user_id = new.author_id;
    new.source_type := case v_role when 'owner' then 'owner' when 'manager' then 'manager'
      when 'staff' then 'staff' else 'member' end::public.content_source;
  end if;
  if tg_op = 'UPDATE'
     and (new.raw_transcript is distinct from old.raw_transcript
          or new.clean_transcript is distinct from old.clean_transcript)
     and new.embedding::text is not distinct from old.embedding::text then
    new.embedding := null;
    new.embedding_model := null;
  end if;
  if tg_op = 'UPDATE' and private.is_end_user() then
    new.source_type := old.source_type;
    new.author_id := old.author_id;
  end if;
  -- The caller shares the transcription columns with the transcription job: a note starts done
  -- (typed) or pending (recorded, its audio under its own key), and the caller may only ask again
  -- (back to pending, error cleared); done, failed and the error text are the job's.
  if tg_op = 'INSERT' and private.is_end_user()
     and (new.transcription_status is distinct from
            case when new.audio_key is null then 'done' else 'pending' end
          or (new.audio_key is not null and not starts_with(new.audio_key,
                'orgs/' || new.org_id::text || '/narrations/' || new.id::text || '/'))) then
    raise exception 'FORBIDDEN' using errcode = '42501',
      detail = 'Transcription state and recording keys are set by the transcription job.';
  end if;
  if tg_op = 'UPDATE' and private.is_end_user()
     and ((new.transcription_status is distinct from old.transcription_status
           and (new.transcription_status <> 'pending' or new.audio_key is null))
          or (new.transcription_error is distinct from old.transcription_error
              and new.transcription_error is not null)) then
    raise exception 'FORBIDDEN' using errcode = '42501',
      detail = 'Transcription state is set by the transcription job.';
  end if;
  return new;
end
$$;
revoke all on function private.prepare_narration() from public, anon, authenticated;
create trigger narrations_prepare before insert or update on public.narrations
  for each row execute function private.prepare_narration();

-- The author writes the text (and its embedding, refreshed in the same transaction) and asks for a
-- transcription; source_type is prepare_narration's, the transcript of a recording the
-- transcription job's (prepare_narration holds the values the caller may give).
select private.guard_org_table('narrations', p_index_org_id => false);
grant select, delete on table public.narrations to authenticated;
grant insert (id, org_id, media_asset_id, segment_id, author_id, input_type, raw_transcript,
  language, audio_key, audio_duration_seconds, start_seconds, end_seconds, transcription_status)
  on table public.narrations to authenticated;
grant update (raw_transcript, clean_transcript, transcription_status, transcription_error,
  embedding, embedding_model) on table public.narrations to authenticated;
select private.add_org_policies('narrations',
  p_select => 'Members can read their organization''s narrations',
  p_update => 'Staff can update any narration in their organization',
  p_delete => 'Staff can delete any narration in their organization');
create policy "Moderators can read every narration" on public.narrations
  for select to authenticated using ((select private.is_platform_moderator()));
create policy "Members can narrate in their organization" on public.narrations
  for insert to authenticated
  with check (org_id in (select private.my_org_ids()) and author_id = (select auth.uid()));
create policy "Authors can update their own narrations" on public.narrations
  for update to authenticated
  using (author_id = (select auth.uid()) and org_id in (select private.my_org_ids()))
  with check (author_id = (select auth.uid()) and org_id in (select private.my_org_ids()));
create policy "Authors can delete their own narrations" on public.narrations
  for delete to authenticated using (author_id = (select auth.uid()) and org_id in (select private.my_org_ids()));
create policy "Moderators can delete any narration" on public.narrations
  for delete to authenticated using ((select private.is_platform_moderator()));
select private.add_platform_admin_policies('narrations');

-- Tag taxonomy -----------------------------------------------------------------------------------
-- Why versioned: suggestions and exports name the taxonomy version they used (TAG-1).
create table public.tag_taxonomy_versions (
  version int primary key constraint tag_taxonomy_versions_positive check (version > 0),
  notes text,
  published_at timestamptz not null default now()
);
comment on table public.tag_taxonomy_versions is 'Published versions of the rugby tag taxonomy.';
alter table public.tag_taxonomy_versions enable row level security;
revoke all on table public.tag_taxonomy_versions from anon, authenticated, service_role;
grant select on table public.tag_taxonomy_versions to authenticated;
create policy "Signed-in users can read taxonomy versions" on public.tag_taxonomy_versions
  for select to authenticated using (true);
create policy "Platform admins can publish taxonomy versions" on public.tag_taxonomy_versions
  for insert to authenticated with check ((select private.is_platform_admin()));
create policy "Platform admins can update taxonomy versions" on public.tag_taxonomy_versions
  for update to authenticated using ((select private.is_platform_admin())) with check ((select private.is_platform_admin()));
create policy "Platform admins can delete taxonomy versions" on public.tag_taxonomy_versions
  for delete to authenticated using ((select private.is_platform_admin()));

create table public.taxonomy_tags (
  version int not null references public.tag_taxonomy_versions (version) on delete cascade,
  type public.tag_type not null constraint taxonomy_tags_not_identity check (type <> 'identity'),
  key text not null constraint taxonomy_tags_key_format check (key ~ '^[a-z][a-z0-9_]{1,40}$'),
  label text not null,
  sort_order int not null default 0,
  primary key (version, type, key)
);
comment on table public.taxonomy_tags is 'The canonical action and context tag keys of each taxonomy version.';
create index taxonomy_tags_type_key_idx on public.taxonomy_tags (type, key);
alter table public.taxonomy_tags enable row level security;
revoke all on table public.taxonomy_tags from anon, authenticated, service_role;
grant select on table public.taxonomy_tags to authenticated;
create policy "Signed-in users can read the taxonomy" on public.taxonomy_tags
  for select to authenticated using (true);
create policy "Platform admins can add taxonomy tags" on public.taxonomy_tags
  for insert to authenticated with check ((select private.is_platform_admin()));
create policy "Platform admins can update taxonomy tags" on public.taxonomy_tags
  for update to authenticated using ((select private.is_platform_admin())) with check ((select private.is_platform_admin()));
create policy "Platform admins can delete taxonomy tags" on public.taxonomy_tags
  for delete to authenticated using ((select private.is_platform_admin()));

insert into public.tag_taxonomy_versions (version, notes) values (1, 'Initial rugby union taxonomy');
insert into public.taxonomy_tags (version, type, key, label, sort_order)
select 1, 'action', k, initcap(replace(k, '_', ' ')), n
  from unnest(array['carry', 'pass', 'kick', 'tackle', 'breakdown', 'maul', 'ruck', 'offload',
    'line_break', 'turnover', 'knock_on', 'penalty', 'try', 'conversion', 'box_kick', 'chip_kick',
    'grubber', 'high_ball', 'jackal', 'missed_tackle']) with ordinality as t (k, n);
insert into public.taxonomy_tags (version, type, key, label, sort_order)
select 1, 'context', k, initcap(replace(k, '_', ' ')), n
  from unnest(array['scrum', 'lineout', 'kickoff', 'restart', 'exit', 'counter_attack',
    'transition', 'broken_play', 'red_zone', 'phase_play', 'defence', 'attack']) with ordinality as t (k, n);

-- Segment tags -----------------------------------------------------------------------------------
-- Why: action/context tags come from the taxonomy; identity tags name an org member (TAG-2).
create table public.segment_tags (
  id uuid primary key default gen_random_uuid(),
  org_id uuid not null,
  segment_id uuid not null,
  tag_type public.tag_type not null,
  tag_key text not null,
  tagged_user_id uuid,
  source text not null default 'staff' constraint segment_tags_source check (source in ('staff', 'self', 'ai')),
  created_by uuid references public.profiles (id) on delete set null,
  created_at timestamptz not null default now(),
  constraint segment_tags_identity_has_user check ((tag_type = 'identity') = (tagged_user_id is not null)),
  constraint segment_tags_segment_fkey foreign key (segment_id, org_id)
    references public.segments (id, org_id) on delete cascade,
  constraint segment_tags_tagged_member_fkey foreign key (org_id, tagged_user_id)
    references public.org_members (org_id, user_id) on delete cascade
);
comment on table public.segment_tags is 'Tags on segments: taxonomy actions/contexts and identity tags naming members.';
create unique index segment_tags_unique_taxonomy_idx on public.segment_tags (segment_id, tag_type, tag_key)
  where tagged_user_id is null;
create unique index segment_tags_unique_identity_idx on public.segment_tags (segment_id, tagged_user_id)
  where tagged_user_id is not null;
create index segment_tags_org_type_key_idx on public.segment_tags (org_id, tag_type, tag_key);
create index segment_tags_tagged_user_idx on public.segment_tags (tagged_user_id, org_id);
create index segment_tags_created_by_idx on public.segment_tags (created_by);
-- The overview's tag aggregates look tags up by segment; the two unique indexes on segment_id are
-- partial (taxonomy vs identity), so neither serves an unqualified segment_id lookup.
create index segment_tags_segment_id_idx on public.segment_tags (segment_id);

-- Why: only canonical keys are accepted for taxonomy tags, so filters and stats stay comparable.
create function private.check_tag_key()
returns trigger
language plpgsql security definer
set search_path = ''
as $$
begin
  if new.tag_type = 'identity' then
    new.tag_key := 'player';
  elsif not exists (select 1 from public.taxonomy_tags t where t.type = new.tag_type and t.key = new.tag_key) then
    raise exception 'UNKNOWN_TAG' using errcode = '22023',
      detail = format('%s is not a %s tag of the taxonomy.', new.tag_key, new.tag_type);
  end if;
  return new;
end
$$;
revoke all on function private.check_tag_key() from public, anon, authenticated;
create trigger segment_tags_check_key before insert or update on public.segment_tags
  for each row execute function private.check_tag_key();

select private.guard_org_table('segment_tags', p_stamp_updated_at => false, p_index_org_id => false);
grant select, delete on table public.segment_tags to authenticated;
grant insert (org_id, segment_id, tag_type, tag_key, tagged_user_id, source, created_by)
  on table public.segment_tags to authenticated;
select private.add_org_policies('segment_tags',
  p_select => 'Members can read their organization''s segment tags',
  p_insert => 'Staff can tag segments', p_update => 'Staff can update segment tags',
  p_delete => 'Staff can remove segment tags');
create policy "Members can tag themselves on a segment" on public.segment_tags
  for insert to authenticated with check (
    org_id in (select private.my_org_ids()) and tag_type = 'identity'
    and tagged_user_id = (select auth.uid()) and created_by = (select auth.uid()) and source = 'self'
  );
create policy "Members can remove their own self tags" on public.segment_tags
  for delete to authenticated using (
    tagged_user_id = (select auth.uid()) and source = 'self' and org_id in (select private.my_org_ids())
  );
select private.add_platform_admin_policies('segment_tags');

-- Tag suggestions --------------------------------------------------------------------------------
-- Why: AI suggestions are reviewed by staff; decisions are kept (TAG-3), so there is no delete
-- policy for org roles.
create table public.tag_suggestions (
  id uuid primary key default gen_random_uuid(),
  org_id uuid not null,
  segment_id uuid not null,
  tag_type public.tag_type not null constraint tag_suggestions_not_identity check (tag_type <> 'identity'),
  tag_key text not null,
  taxonomy_version int not null default 1 references public.tag_taxonomy_versions (version),
  status public.suggestion_status not null default 'pending',
  confidence real constraint tag_suggestions_confidence_range check (confidence between 0 and 1),
  decided_by uuid references public.profiles (id) on delete set null,
  decided_at timestamptz,
  created_at timestamptz not null default now(),
  constraint tag_suggestions_decision_consistent check ((status = 'pending') = (decided_at is null)),
  constraint tag_suggestions_unique unique (segment_id, tag_type, tag_key),
  constraint tag_suggestions_segment_fkey foreign key (segment_id, org_id)
    references public.segments (id, org_id) on delete cascade,
  constraint tag_suggestions_taxonomy_fkey foreign key (taxonomy_version, tag_type, tag_key)
    references public.taxonomy_tags (version, type, key)
);
comment on table public.tag_suggestions is 'AI tag suggestions per segment and their review decisions.';
create index tag_suggestions_org_status_idx on public.tag_suggestions (org_id, status);
create index tag_suggestions_decided_by_idx on public.tag_suggestions (decided_by);
-- Staff generate suggestions and decide them.
select private.guard_org_table('tag_suggestions', p_stamp_updated_at => false, p_index_org_id => false);
grant select on table public.tag_suggestions to authenticated;
grant insert (org_id, segment_id, tag_type, tag_key, taxonomy_version, confidence)
  on table public.tag_suggestions to authenticated;
grant update (status, decided_by, decided_at) on table public.tag_suggestions to authenticated;
select private.add_org_policies('tag_suggestions',
  p_select => 'Staff can read their organization''s tag suggestions',
  p_insert => 'Staff can add tag suggestions', p_update => 'Staff can decide tag suggestions',
  p_reader => 'staff');
select private.add_platform_admin_policies('tag_suggestions');

-- Insights ---------------------------------------------------------------------------------------
-- Why cached rows: generation is slow and paid; narration_count records what it was built from,
-- so staleness (grew by max(1, 40 %)) is a comparison, not a regeneration (AI-1).
create table public.segment_insights (
  segment_id uuid primary key,
  org_id uuid not null,
  headline text not null,
  summary text not null,
  coach_script text not null,
  coach_audio_key text,
  narration_count int not null constraint segment_insights_count_nonneg check (narration_count >= 0),
  model text not null,
  generated_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint segment_insights_segment_fkey foreign key (segment_id, org_id)
    references public.segments (id, org_id) on delete cascade
);
comment on table public.segment_insights is 'Cached AI insight per segment: headline, sentence, coach script and audio.';
-- Generated rows are stored by a named service step; callers only read them.
select private.guard_org_table('segment_insights');
grant select on table public.segment_insights to authenticated;
select private.add_org_policies('segment_insights',
  p_select => 'Members can read their organization''s segment insights',
  p_insert => 'Staff can store segment insights', p_update => 'Staff can refresh segment insights',
  p_delete => 'Staff can delete segment insights');
select private.add_platform_admin_policies('segment_insights');

-- Why: one summary per match; level follows narration volume (AI-2).
create table public.match_intelligence (
  media_asset_id uuid primary key,
  org_id uuid not null,
  level public.intelligence_level not null,
  headline text,
  lines jsonb not null default '[]'::jsonb constraint match_intelligence_lines_array check (
    jsonb_typeof(lines) = 'array' and jsonb_array_length(lines) <= 3
  ),
  sections jsonb not null default '{}'::jsonb constraint match_intelligence_sections_object check (jsonb_typeof(sections) = 'object'),
  narration_count int not null constraint match_intelligence_count_nonneg check (narration_count >= 0),
  model text not null,
  generated_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint match_intelligence_media_fkey foreign key (media_asset_id, org_id)
    references public.media_assets (id, org_id) on delete cascade
);
comment on table public.match_intelligence is 'Cached AI match summary: headline, lines and optional sections.';
select private.guard_org_table('match_intelligence');
grant select on table public.match_intelligence to authenticated;
select private.add_org_policies('match_intelligence',
  p_select => 'Members can read their organization''s match intelligence',
  p_insert => 'Staff can store match intelligence',
  p_update => 'Staff can refresh match intelligence',
  p_delete => 'Staff can delete match intelligence');
select private.add_platform_admin_policies('match_intelligence');

-- Per-match aggregates --------------------------------------------------------------------------
-- Why: the overview's trend and the org stats cards need the segment and narration counts of every
-- match of an org; counting them on each call walks media_assets across all monthly partitions.
-- One row per asset, kept current by triggers in the same transaction as the change, turns those
-- into one short index range (bench/db measures it at the plan's one-year scale). Ordered by the
-- UUIDv7 asset id, which is the creation order.
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
select private.add_org_policies('match_stats',
  p_select => 'Members can read their organization''s match stats');
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
  -- 1 when segments changed (segment_count moves), 0 when narrations did (narration_count moves).
  v_segment int := (tg_table_name = 'segments')::int;
begin
  with d as (
    select media_asset_id, count(*)::int as c
      from (select media_asset_id from changed_rows) r group by 1
  )
  update public.match_stats s
     set segment_count = greatest(s.segment_count + v_sign * d.c * v_segment, 0),
         narration_count = greatest(s.narration_count + v_sign * d.c * (1 - v_segment), 0),
         updated_at = now()
    from d where s.media_asset_id = d.media_asset_id;
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
declare
  v_segment int := (tg_table_name = 'segments')::int;
begin
  update public.match_stats
     set segment_count = greatest(segment_count - v_segment, 0),
         narration_count = greatest(narration_count - (1 - v_segment), 0), updated_at = now()
   where media_asset_id = old.media_asset_id;
  update public.match_stats
     set segment_count = segment_count + v_segment,
         narration_count = narration_count + (1 - v_segment), updated_at = now()
   where media_asset_id = new.media_asset_id;
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
