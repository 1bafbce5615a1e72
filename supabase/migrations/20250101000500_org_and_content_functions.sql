-- Set-based and atomic operations the edge functions call as the signed-in user: org requests,
-- join codes, membership under the rank rules, assignment progress, stats, overview, coverage,
-- reciprocal rank fusion and hybrid narration search (ORG-1..4, ORG-6, ASG-1, FEED-2, MEDIA-5,
-- OV-1, NARR-5).
-- All live in `private` (not exposed by PostgREST); each checks the caller itself and raises the
-- SQLSTATEs documented in 20250101000000_foundation.sql.

-- Join codes -------------------------------------------------------------------------------------
-- 8 chars from a 32-char alphabet without 0/O/1/I; 256 % 32 = 0, so bytes map without bias.
create function private.generate_join_code()
returns text
language sql volatile
set search_path = ''
as $$
  select string_agg(
    substr('ABCDEFGHJKLMNPQRSTUVWXYZ23456789', get_byte(b, i) % 32 + 1, 1), '' order by i
  )
  from (select uuid_send(gen_random_uuid()) as b) r,
       unnest(array[0, 1, 2, 3, 4, 5, 10, 11]) as i
$$;

-- Why definer: refreshing is allowed to staff+, and the guard trigger only lets the code change here.
create function private.refresh_join_code(p_org_id uuid)
returns table (join_code text, join_code_set_at timestamptz, expires_at timestamptz)
language plpgsql security definer
set search_path = ''
as $$
declare
  v_code text;
  v_rows int;
begin
  if not (private.has_org_role(p_org_id, 'staff') or private.is_platform_admin()) then
    raise exception 'FORBIDDEN' using errcode = '42501', detail = 'Only staff can refresh the join code.';
  end if;
  perform set_config('rugbycodex.join_code_refresh', 'on', true);
  loop
    v_code := private.generate_join_code();
    begin
      update public.organizations o set join_code = v_code, join_code_set_at = now() where o.id = p_org_id;
      get diagnostics v_rows = row_count;
      exit;
    exception when unique_violation then
      -- another org holds this code: draw again
    end;
  end loop;
  perform set_config('rugbycodex.join_code_refresh', 'off', true);
  if v_rows = 0 then
    raise exception 'ORG_NOT_FOUND' using errcode = 'P0002';
  end if;
  return query select v_code, now(), now() + interval '24 hours';
end
$$;

-- Why definer: the joiner is not yet a member, so RLS would hide the org. The 24 h expiry is
-- enforced here, on the server (ORG-3). Joining twice returns the existing membership.
create function private.join_org_by_code(p_code text)
returns public.org_members
language plpgsql security definer
set search_path = ''
as $$
declare
  v_code text := upper(btrim(coalesce(p_code, '')));
  v_org public.organizations;
  v_member public.org_members;
  v_uid uuid := (select auth.uid());
begin
  if v_uid is null then
    raise exception 'NOT_AUTHENTICATED' using errcode = '42501';
  end if;
  if v_code = '' then
    raise exception 'JOIN_CODE_REQUIRED' using errcode = '22023', detail = 'Enter a join code.';
  end if;
  select * into v_org from public.organizations o where o.join_code = v_code;
  if not found then
    raise exception 'JOIN_CODE_INVALID' using errcode = 'P0002', detail = 'That join code does not exist.';
  end if;
  if v_org.join_code_set_at is null or v_org.join_code_set_at < now() - interval '24 hours' then
    raise exception 'JOIN_CODE_EXPIRED' using errcode = '22023',
      detail = 'That join code has expired; ask your coach for a new one.';
  end if;
  insert into public.org_members (org_id, user_id, role) values (v_org.id, v_uid, 'member')
  on conflict (org_id, user_id) do nothing;
  select * into v_member from public.org_members m where m.org_id = v_org.id and m.user_id = v_uid;
  update public.profiles set primary_org_id = v_org.id where id = v_uid and primary_org_id is null;
  return v_member;
end
$$;

-- Organizations ----------------------------------------------------------------------------------
create function private.slugify(p_text text)
returns text
language sql immutable
set search_path = ''
as $$
  select coalesce(nullif(left(btrim(regexp_replace(lower(p_text), '[^a-z0-9]+', '-', 'g'), '-'), 40), ''), 'org')
$$;

-- A free slug: the wanted one, else wanted-2, wanted-3 …
create function private.unique_slug(p_wanted text)
returns text
language plpgsql stable
set search_path = ''
as $$
declare
  v_base text := private.slugify(p_wanted);
  v_slug text := v_base;
  v_n int := 1;
begin
  while exists (select 1 from public.organizations where slug = v_slug) loop
    v_n := v_n + 1;
    v_slug := v_base || '-' || v_n;
  end loop;
  return v_slug;
end
$$;

-- Org, slug, join code and owner membership in one transaction (ORG-2, POST orgs). Platform admins
-- choose any owner, slug and limit; anyone else creates an org they own with default limits.
create function private.create_organization(
  p_name text,
  p_type public.org_type default 'team',
  p_owner_id uuid default null,
  p_slug text default null,
  p_visibility public.org_visibility default 'private',
  p_bio text default null,
  p_storage_limit_bytes bigint default null
)
returns public.organizations
language plpgsql security definer
set search_path = ''
as $$
declare
  v_uid uuid := (select auth.uid());
  v_admin boolean := private.is_platform_admin();
  v_owner uuid := coalesce(p_owner_id, v_uid);
  v_org public.organizations;
begin
  if v_uid is null and private.is_end_user() then
    raise exception 'NOT_AUTHENTICATED' using errcode = '42501';
  end if;
  if not v_admin and private.is_end_user()
     and (v_owner <> v_uid or p_slug is not null or p_storage_limit_bytes is not null) then
    raise exception 'FORBIDDEN' using errcode = '42501',
      detail = 'Only platform admins choose the owner, slug or storage limit.';
  end if;
  if v_owner is null or not exists (select 1 from public.profiles where id = v_owner) then
    raise exception 'OWNER_NOT_FOUND' using errcode = 'P0002';
  end if;
  if p_slug is not null and exists (select 1 from public.organizations where slug = p_slug) then
    raise exception 'SLUG_TAKEN' using errcode = '23505', detail = 'That slug is already in use.';
  end if;
  insert into public.organizations (slug, name, type, visibility, bio, storage_limit_bytes,
                                    join_code, join_code_set_at, created_by)
  values (coalesce(p_slug, private.unique_slug(p_name)), btrim(p_name), p_type, p_visibility, p_bio,
          coalesce(p_storage_limit_bytes, 10737418240), private.generate_join_code(), now(), v_owner)
  returning * into v_org;
  insert into public.org_members (org_id, user_id, role) values (v_org.id, v_owner, 'owner');
  update public.profiles set primary_org_id = v_org.id where id = v_owner and primary_org_id is null;
  return v_org;
end
$$;

-- Org requests are decided once, by a platform admin (ORG-1): the request, locked, while pending.
create function private.lock_pending_org_request(p_request_id uuid)
returns public.org_requests
language plpgsql security definer
set search_path = ''
as $$
declare
  v_req public.org_requests;
begin
  if not private.is_platform_admin() and private.is_end_user() then
    raise exception 'FORBIDDEN' using errcode = '42501', detail = 'Only platform admins decide org requests.';
  end if;
  select * into v_req from public.org_requests where id = p_request_id for update;
  if not found then
    raise exception 'REQUEST_NOT_FOUND' using errcode = 'P0002';
  end if;
  if v_req.status <> 'pending' then
    raise exception 'REQUEST_ALREADY_DECIDED' using errcode = '55000',
      detail = format('This request was already %s.', v_req.status);
  end if;
  return v_req;
end
$$;

create function private.approve_org_request(p_request_id uuid, p_slug text default null)
returns public.organizations
language plpgsql security definer
set search_path = ''
as $$
declare
  v_req public.org_requests;
  v_org public.organizations;
begin
  v_req := private.lock_pending_org_request(p_request_id);
  if p_slug is not null and exists (select 1 from public.organizations where slug = p_slug) then
    raise exception 'SLUG_TAKEN' using errcode = '23505';
  end if;
  insert into public.organizations (slug, name, type, join_code, join_code_set_at, created_by)
  values (coalesce(p_slug, private.unique_slug(v_req.name)), btrim(v_req.name), v_req.type,
          private.generate_join_code(), now(), v_req.requested_by)
  returning * into v_org;
  insert into public.org_members (org_id, user_id, role) values (v_org.id, v_req.requested_by, 'owner');
  update public.profiles set primary_org_id = v_org.id where id = v_req.requested_by and primary_org_id is null;
  update public.org_requests
     set status = 'approved', org_id = v_org.id, reviewed_by = (select auth.uid()), reviewed_at = now()
   where id = p_request_id;
  return v_org;
end
$$;

create function private.reject_org_request(p_request_id uuid, p_notes text)
returns public.org_requests
language plpgsql security definer
set search_path = ''
as $$
declare
  v_req public.org_requests;
begin
  v_req := private.lock_pending_org_request(p_request_id);
  update public.org_requests
     set status = 'rejected', review_notes = p_notes, reviewed_by = (select auth.uid()), reviewed_at = now()
   where id = p_request_id
  returning * into v_req;
  return v_req;
end
$$;

-- Membership under the rank rules ----------------------------------------------------------------
-- Nobody acts on themselves; one step at a time; only on members ranked below; never up to one's
-- own rank. Platform admins are exempt (they still cannot remove the last owner).

-- The target's membership, locked, once the caller may act on it: not themselves, holding at
-- least p_min_role, and ranked above the target. Each refusal's sentence is the action's own.
create function private.lock_member_below_caller(
  p_org_id uuid,
  p_user_id uuid,
  p_min_role public.org_role,
  p_self_detail text,
  p_role_detail text,
  p_rank_detail text
)
returns public.org_members
language plpgsql security definer
set search_path = ''
as $$
declare
  v_mine public.org_role := private.org_role_of(p_org_id);
  v_target public.org_members;
begin
  select * into v_target from public.org_members where org_id = p_org_id and user_id = p_user_id for update;
  if not found then
    raise exception 'MEMBER_NOT_FOUND' using errcode = 'P0002';
  end if;
  if not private.is_platform_admin() then
    if p_user_id = (select auth.uid()) then
      raise exception 'CANNOT_ACT_ON_SELF' using errcode = '42501', detail = p_self_detail;
    end if;
    if v_mine is null or private.role_rank(v_mine) < private.role_rank(p_min_role) then
      raise exception 'FORBIDDEN' using errcode = '42501', detail = p_role_detail;
    end if;
    if private.role_rank(v_target.role) >= private.role_rank(v_mine) then
      raise exception 'TARGET_RANK_TOO_HIGH' using errcode = '42501', detail = p_rank_detail;
    end if;
  end if;
  return v_target;
end
$$;

create function private.change_member_role(p_org_id uuid, p_user_id uuid, p_role public.org_role)
returns public.org_members
language plpgsql security definer
set search_path = ''
as $$
declare
  v_mine public.org_role := private.org_role_of(p_org_id);
  v_target public.org_members := private.lock_member_below_caller(p_org_id, p_user_id, 'manager',
    p_self_detail => 'You cannot change your own role.',
    p_role_detail => 'Managers and owners change roles.',
    p_rank_detail => 'You can only change the role of members ranked below you.');
begin
  if not private.is_platform_admin() then
    if private.role_rank(p_role) >= private.role_rank(v_mine) then
      raise exception 'ROLE_TOO_HIGH' using errcode = '42501',
        detail = 'You cannot promote someone to your own rank or above.';
    end if;
    if abs(private.role_rank(p_role) - private.role_rank(v_target.role)) <> 1 then
      raise exception 'ONE_STEP_ONLY' using errcode = '22023', detail = 'Roles change one step at a time.';
    end if;
  end if;
  update public.org_members set role = p_role where org_id = p_org_id and user_id = p_user_id
  returning * into v_target;
  return v_target;
end
$$;

create function private.remove_member(p_org_id uuid, p_user_id uuid)
returns void
language plpgsql security definer
set search_path = ''
as $$
begin
  perform private.lock_member_below_caller(p_org_id, p_user_id, 'staff',
    p_self_detail => 'Use leave to remove yourself.',
    p_role_detail => 'Staff and above remove members.',
    p_rank_detail => 'You can only remove members ranked below you.');
  delete from public.org_members where org_id = p_org_id and user_id = p_user_id;
end
$$;

-- Leave: owners cannot leave (ORG-4); ownership moves only through an admin transfer.
create function private.leave_org(p_org_id uuid)
returns void
language plpgsql security definer
set search_path = ''
as $$
declare
  v_role public.org_role := private.org_role_of(p_org_id);
begin
  if v_role is null then
    raise exception 'MEMBER_NOT_FOUND' using errcode = 'P0002';
  end if;
  if v_role = 'owner' then
    raise exception 'OWNER_CANNOT_LEAVE' using errcode = '55000',
      detail = 'Owners cannot leave; ask a platform admin to transfer ownership first.';
  end if;
  delete from public.org_members where org_id = p_org_id and user_id = (select auth.uid());
  update public.profiles set primary_org_id = null where id = (select auth.uid()) and primary_org_id = p_org_id;
end
$$;

create function private.transfer_ownership(p_org_id uuid, p_new_owner_id uuid)
returns void
language plpgsql security definer
set search_path = ''
as $$
begin
  if not private.is_platform_admin() and private.is_end_user() then
    raise exception 'FORBIDDEN' using errcode = '42501', detail = 'Only platform admins transfer ownership.';
  end if;
  if not exists (select 1 from public.org_members where org_id = p_org_id and user_id = p_new_owner_id) then
    raise exception 'MEMBER_NOT_FOUND' using errcode = 'P0002', detail = 'The new owner must be a member.';
  end if;
  update public.org_members set role = 'owner' where org_id = p_org_id and user_id = p_new_owner_id;
  update public.org_members set role = 'manager'
   where org_id = p_org_id and role = 'owner' and user_id <> p_new_owner_id;
end
$$;

-- Assignments ------------------------------------------------------------------------------------
-- Recipients from the targets: team = every member except the creator, player, group members.
create function private.init_assignment_progress(p_assignment_id uuid)
returns int
language plpgsql security definer
set search_path = ''
as $$
declare
  v_a public.assignments;
  v_count int;
begin
  select * into v_a from public.assignments where id = p_assignment_id;
  if not found then
    raise exception 'ASSIGNMENT_NOT_FOUND' using errcode = 'P0002';
  end if;
  if not (private.has_org_role(v_a.org_id, 'staff') or private.is_platform_admin()
          or not private.is_end_user()) then
    raise exception 'FORBIDDEN' using errcode = '42501';
  end if;
  insert into public.assignment_progress (assignment_id, org_id, user_id)
  select distinct v_a.id, v_a.org_id, r.user_id
    from public.assignment_targets t
    join lateral (
      select m.user_id from public.org_members m
       where t.target_type = 'team' and m.org_id = v_a.org_id
         and m.user_id is distinct from v_a.created_by
      union all
      select t.user_id where t.target_type = 'player'
      union all
      select gm.user_id from public.group_members gm
       where t.target_type = 'group' and gm.group_id = t.group_id
    ) r on true
   where t.assignment_id = v_a.id
  on conflict do nothing;
  get diagnostics v_count = row_count;
  return v_count;
end
$$;

-- Watching ≥ 50 % of a segment completes it for the viewer (FEED-2); all done → completed_at.
-- Why definer: the progress columns have one writer, this function, so the caller holds no update
-- grant on them; it touches only the caller's own row (user_id = auth.uid()).
create function private.record_segment_watch(p_assignment_id uuid, p_segment_id uuid, p_fraction real)
returns public.assignment_progress
language plpgsql security definer
set search_path = ''
as $$
declare
  v_p public.assignment_progress;
  v_total int;
begin
  if p_fraction is null or p_fraction < 0 or p_fraction > 1 then
    raise exception 'INVALID_FRACTION' using errcode = '22023';
  end if;
  update public.assignment_progress p
     set started_at = coalesce(p.started_at, now()),
         completed_segment_ids = case
           when p_fraction >= 0.5 and not (p_segment_id = any (p.completed_segment_ids))
             and exists (select 1 from public.assignment_segments s
                         where s.assignment_id = p_assignment_id and s.segment_id = p_segment_id)
           then p.completed_segment_ids || p_segment_id else p.completed_segment_ids end
   where p.assignment_id = p_assignment_id and p.user_id = (select auth.uid())
  returning * into v_p;
  if not found then
    raise exception 'ASSIGNMENT_NOT_FOUND' using errcode = 'P0002';
  end if;
  select count(*) into v_total from public.assignment_segments where assignment_id = p_assignment_id;
  if v_p.completed_at is null and v_total > 0 and cardinality(v_p.completed_segment_ids) >= v_total then
    update public.assignment_progress set completed_at = now()
     where assignment_id = p_assignment_id and user_id = v_p.user_id
    returning * into v_p;
  end if;
  return v_p;
end
$$;

-- Stats, overview, coverage ----------------------------------------------------------------------
-- Org stats cards (ORG-6). Managers and above (and platform admins). Matches, segments and
-- narrations come from match_stats (one index range per org, not a count per match over the
-- partitions); created_at is read from the UUIDv7 id.
create function private.org_stats(p_org_id uuid)
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

-- Coverage per match (MEDIA-5): narration count and the largest stretch without a narration,
-- counting from kick-off to the first and from the last to the end of the video.
create function private.match_coverage(p_media_asset_id uuid)
returns table (narration_count int, largest_gap_minutes numeric)
language sql stable
set search_path = ''
as $$
  with a as (
    select id, coalesce(duration_seconds, 0)::numeric as duration from public.media_assets where id = p_media_asset_id
  ), t as (
    select n.start_seconds as s from public.narrations n, a
     where n.media_asset_id = a.id and n.start_seconds is not null
  ), points as (
    select 0::numeric as s union all select s from t union all select duration from a
  ), gaps as (
    select s - lag(s) over (order by s) as gap from points
  )
  select (select count(*)::int from public.narrations n where n.media_asset_id = p_media_asset_id),
         round(coalesce((select max(gap) from gaps), 0) / 60.0, 1)
    from a
$$;

-- Match overview (OV-1): counts, 5-minute momentum, themes, tactical shares, player impact,
-- coverage and the trend against the previous matches. What one call reads is bounded by the match
-- itself: its stats row, its segments, narrations and their tags (by index), and the previous
-- matches' counts as one short index range on match_stats. Coverage (match_coverage's figures) is
-- computed from the narrations already read. Runs as the caller, so RLS limits it to their orgs.
create function private.match_overview(p_media_asset_id uuid, p_previous int default 5)
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

-- Search (NARR-5) ---------------------------------------------------------------------------------
-- What every search refuses: callers outside the org (platform admins aside), no text query and no
-- embedding, and a limit outside 1–100.
create function private.check_search(p_org_id uuid, p_has_query boolean, p_limit int)
returns void
language plpgsql stable
set search_path = ''
as $$
begin
  if not (private.is_org_member(p_org_id) or private.is_platform_admin()) then
    raise exception 'FORBIDDEN' using errcode = '42501', detail = 'You are not a member of this organization.';
  end if;
  if not p_has_query then
    raise exception 'QUERY_REQUIRED' using errcode = '22023', detail = 'Give a text query or an embedding.';
  end if;
  if p_limit < 1 or p_limit > 100 then
    raise exception 'INVALID_LIMIT' using errcode = '22023', detail = 'limit must be 1–100';
  end if;
end
$$;

-- Reciprocal rank fusion (NARR-5) -----------------------------------------------------------------
-- Why one function: every search ranks its full-text and its vector candidates apart and fuses
-- the two lists by reciprocal rank fusion (score = Σ 1 / (k + rank)), which, unlike max of raw
-- scores, needs no calibration between a ts_rank and a cosine distance. Each list keeps its
-- p_depth best candidates; a tie group straddling that cut is ordered by id, so the cut is
-- deterministic. Candidates are keyed by (kind, id), so one list may mix several tables.
-- Ranks are tie-aware: the full-text list ties often (short notes matching the same lexemes of an
-- OR query get the same ts_rank_cd), and row_number() would break those ties by id, crediting one
-- of several equally good notes with rank 1 and another with rank 5 for no reason but its uuid,
-- noise that decided the top of the fused list. With rank() a tie carries no order; the other list
-- decides between the tied notes. bench/search (`npm run bench -- search`) measured it: the
-- method was fixed on the development set and a blind test set before it met the second blind
-- test set. p_tie_aware => false ranks every candidate apart, ties broken by id
-- (search_narrations' ranking).
create type private.rrf_candidate as (kind text, id uuid, text_score real, distance double precision);
comment on type private.rrf_candidate is
  'A search candidate for private.rrf_fuse: its full-text score and vector distance (null: not in that list).';
-- Callers only build values of it; using a type in a definition (a column, a function) needs USAGE.
revoke all on type private.rrf_candidate from public;

create function private.rrf_fuse(
  p_candidates private.rrf_candidate[],
  p_depth int,
  p_k int,
  p_tie_aware boolean default true
)
returns table (kind text, id uuid, text_rank int, vector_rank int, score numeric)
language sql immutable parallel safe
set search_path = ''
as $$
  with c as (
    select * from unnest(p_candidates)
  ), text_hits as (
    select c.kind, c.id,
           case when p_tie_aware then rank() over (order by c.text_score desc)
                else row_number() over (order by c.text_score desc, c.id) end::int as r
      from c where c.text_score is not null
     order by c.text_score desc, c.id
     limit p_depth
  ), vector_hits as (
    select c.kind, c.id,
           case when p_tie_aware then rank() over (order by c.distance)
                else row_number() over (order by c.distance, c.id) end::int as r
      from c where c.distance is not null
     order by c.distance, c.id
     limit p_depth
  )
  select coalesce(t.kind, v.kind), coalesce(t.id, v.id), t.r, v.r,
         coalesce(1.0 / (p_k + t.r), 0) + coalesce(1.0 / (p_k + v.r), 0)
    from text_hits t full join vector_hits v on v.id = t.id and v.kind = t.kind
$$;

-- Hybrid narration search (NARR-5) ---------------------------------------------------------------
-- Full text (websearch_to_tsquery, ranked by ts_rank_cd) and exact cosine distance, fused by
-- private.rrf_fuse with every candidate ranked apart (ties by id). Why one pass: the org's rows are
-- read once, the full-text match and the distance computed in that pass, and the result columns
-- ride along; two scans of the org's rows with the fused ids joined back to narrations were
-- planned as a sequential scan of every org's narrations, a cost that grows with the platform, not
-- the tenant. Exact within the org on purpose (see the index note on public.narrations). Without an
-- embedding the text filter stands alone, so the GIN index can drive a text-only search. Runs as
-- the caller: RLS keeps it inside their orgs.
create function private.search_narrations(
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
  perform private.check_search(p_org_id, v_tsq is not null or p_embedding is not null, p_limit);
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
  )
  select c.id, c.media_asset_id, c.segment_id, c.start_seconds, c.transcript,
         f.text_rank, f.vector_rank, f.score::double precision
    from private.rrf_fuse(
           (select array_agg(row('narration', c.id, c.text_score, c.distance)::private.rrf_candidate) from c),
           p_candidates, p_k, p_tie_aware => false) f
    join c on c.id = f.id
   order by f.score desc, c.id
   limit p_limit;
end
$$;

-- Grants -----------------------------------------------------------------------------------------
revoke all on function
  private.generate_join_code(), private.refresh_join_code(uuid), private.join_org_by_code(text),
  private.slugify(text), private.unique_slug(text),
  private.create_organization(text, public.org_type, uuid, text, public.org_visibility, text, bigint),
  private.approve_org_request(uuid, text), private.reject_org_request(uuid, text),
  private.change_member_role(uuid, uuid, public.org_role), private.remove_member(uuid, uuid),
  private.leave_org(uuid), private.transfer_ownership(uuid, uuid),
  private.init_assignment_progress(uuid), private.record_segment_watch(uuid, uuid, real),
  private.org_stats(uuid), private.match_coverage(uuid), private.match_overview(uuid, int),
  private.check_search(uuid, boolean, int),
  private.rrf_fuse(private.rrf_candidate[], int, int, boolean),
  private.search_narrations(uuid, text, extensions.halfvec, uuid, int, int, int)
  from public, anon;
-- Helpers of the definer functions above, which run them as the owner.
revoke all on function private.lock_pending_org_request(uuid),
  private.lock_member_below_caller(uuid, uuid, public.org_role, text, text, text)
  from public, anon, authenticated;
grant execute on function
  private.refresh_join_code(uuid), private.join_org_by_code(text),
  private.create_organization(text, public.org_type, uuid, text, public.org_visibility, text, bigint),
  private.approve_org_request(uuid, text), private.reject_org_request(uuid, text),
  private.change_member_role(uuid, uuid, public.org_role), private.remove_member(uuid, uuid),
  private.leave_org(uuid), private.transfer_ownership(uuid, uuid),
  private.init_assignment_progress(uuid), private.record_segment_watch(uuid, uuid, real),
  private.org_stats(uuid), private.match_coverage(uuid), private.match_overview(uuid, int),
  private.check_search(uuid, boolean, int),
  private.rrf_fuse(private.rrf_candidate[], int, int, boolean),
  private.search_narrations(uuid, text, extensions.halfvec, uuid, int, int, int)
  to authenticated;
