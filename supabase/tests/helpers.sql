-- Test helpers (basejump's pattern): create real auth users and act as them exactly as PostgREST
-- and our edge functions do — `set local role authenticated` plus request.jwt.claims.
-- Loaded once by run.ts before the test files; never part of the migrations.
create extension if not exists pgtap;
create schema if not exists tests;
grant usage on schema tests to anon, authenticated, service_role;

-- Creates an auth user whose metadata carries the username (the profile trigger reads it).
create or replace function tests.create_supabase_user(
  p_identifier text,
  p_email text default null,
  p_platform_role public.platform_role default 'user'
)
returns uuid
language plpgsql security definer
set search_path = ''
as $$
declare
  v_id uuid := gen_random_uuid();
begin
  insert into auth.users (id, email, encrypted_password, email_confirmed_at, raw_user_meta_data, raw_app_meta_data)
  values (
    v_id,
    coalesce(p_email, p_identifier || '@test.local'),
    'x',
    now(),
    jsonb_build_object('username', p_identifier, 'name', initcap(p_identifier), 'test_identifier', p_identifier),
    '{"provider":"email"}'::jsonb
  );
  update public.profiles set platform_role = p_platform_role where id = v_id;
  return v_id;
end
$$;

create or replace function tests.get_supabase_uid(p_identifier text)
returns uuid
language sql stable security definer
set search_path = ''
as $$
  select id from auth.users where raw_user_meta_data ->> 'test_identifier' = p_identifier
$$;

-- The claims Supabase Auth would put in the user's access token (definer: reads auth.users).
create or replace function tests.user_claims(p_identifier text)
returns text
language plpgsql stable security definer
set search_path = ''
as $$
declare
  v_user auth.users;
begin
  select * into v_user from auth.users where raw_user_meta_data ->> 'test_identifier' = p_identifier;
  if v_user.id is null then
    raise exception 'test user % not found', p_identifier;
  end if;
  return json_build_object(
    'sub', v_user.id, 'email', v_user.email, 'role', 'authenticated', 'aud', 'authenticated',
    'app_metadata', v_user.raw_app_meta_data, 'user_metadata', v_user.raw_user_meta_data
  )::text;
end
$$;

-- Every identity switch: the role the transaction's statements run as and the claims auth.uid()
-- reads (invoker: SET ROLE is refused in definer functions).
create or replace function tests.set_identity(p_role text, p_claims text)
returns void
language plpgsql
set search_path = ''
as $$
begin
  perform set_config('role', p_role, true);
  perform set_config('request.jwt.claims', p_claims, true);
end
$$;

-- Switches the current transaction to the user, to the service role, or to anon.
create or replace function tests.authenticate_as(p_identifier text) returns void
language sql as $$ select tests.set_identity('authenticated', tests.user_claims(p_identifier)) $$;
create or replace function tests.authenticate_as_service_role() returns void
language sql as $$ select tests.set_identity('service_role', '{"role":"service_role"}') $$;
create or replace function tests.clear_authentication() returns void
language sql as $$ select tests.set_identity('anon', '{"role":"anon"}') $$;
-- Back to the migration owner (postgres) for fixture setup between identity switches.
create or replace function tests.reset_role() returns void
language sql as $$ select tests.set_identity('postgres', '') $$;

-- A 1536-d vector with weight p_wa on axis p_a (and p_wb on axis p_b): embeddings whose cosine
-- distances a test can work out by hand.
create or replace function tests.basis(p_a int, p_wa real, p_b int default 1, p_wb real default 0)
returns extensions.halfvec
language sql immutable
set search_path = ''
as $$
  select ('[' || array_to_string(array(
    select case when g = p_a then p_wa when g = p_b then p_wb else 0 end from generate_series(1, 1536) g
  ), ',') || ']')::extensions.halfvec
$$;

grant execute on all functions in schema tests to anon, authenticated, service_role;

-- The layers behind the grants (RLS policies, composite keys, guard triggers) are tested on their
-- own: this gives anon and authenticated every table privilege on every public table for the rest
-- of the test's transaction, as if a grant had been added by mistake. The grants themselves are
-- 05-privileges and 06-protected-columns. Run it as postgres (the owner).
create or replace function tests.grant_every_table_privilege()
returns void
language plpgsql
set search_path = ''
as $$
declare
  v_table regclass;
begin
  for v_table in
    select c.oid::regclass from pg_class c join pg_namespace n on n.oid = c.relnamespace
     where n.nspname = 'public' and c.relkind in ('r', 'p') and not c.relispartition
  loop
    execute format('grant select, insert, update, delete on table %s to anon, authenticated', v_table);
  end loop;
end
$$;

-- Runs one statement as a test identity inside a subtransaction that is always rolled back, and
-- reports what happened: 'rows:N' (N = rows seen or changed) or 'error:SQLSTATE'. The identity
-- switch lives inside the subtransaction too, so the caller's role is untouched afterwards.
create or replace function tests.try_as(p_identifier text, p_sql text, p_is_query boolean default false)
returns text
language plpgsql
set search_path = ''
as $$
declare
  v_rows bigint := 0;
begin
  begin
    if p_identifier = 'anon' then
      perform tests.clear_authentication();
    else
      perform tests.authenticate_as(p_identifier);
    end if;
    if p_is_query then
      execute p_sql into v_rows;
    else
      execute p_sql;
      get diagnostics v_rows = row_count;
    end if;
    raise exception '__tests_rollback__';
  exception when others then
    if sqlerrm = '__tests_rollback__' then
      return 'rows:' || v_rows;
    end if;
    return 'error:' || sqlstate;
  end;
end
$$;

-- Named fixture ids, readable by every role so statements can refer to them.
create table if not exists tests.fx (name text primary key, id uuid not null);
grant select on tests.fx to anon, authenticated, service_role;
create or replace function tests.fx(p_name text)
returns uuid
language sql stable
set search_path = ''
as $$ select id from tests.fx where name = p_name $$;

-- The org-A row create_world leaves in each public table, as a where clause: the row the RLS
-- matrix (10) and the protected-column test (06) act on.
create table if not exists tests.fixture_rows (tbl text primary key, filter text not null);
insert into tests.fixture_rows values
  ('assignment_progress', $$assignment_id = tests.fx('assignment_a') and user_id = tests.fx('user_member_a')$$),
  ('assignment_segments', $$assignment_id = tests.fx('assignment_a')$$),
  ('assignment_targets', $$assignment_id = tests.fx('assignment_a')$$),
  ('assignments', $$id = tests.fx('assignment_a')$$),
  ('compute_devices', $$id = 'worker-test'$$),
  ('group_members', $$group_id = tests.fx('group_a') and user_id = tests.fx('user_member_a')$$),
  ('groups', $$id = tests.fx('group_a')$$),
  ('jobs', $$id = tests.fx('job_a')$$),
  ('match_intelligence', $$media_asset_id = tests.fx('media_a')$$),
  ('match_stats', $$media_asset_id = tests.fx('media_a')$$),
  ('media_assets', $$id = tests.fx('media_a')$$),
  ('narrations', $$id = tests.fx('narration_a')$$),
  ('org_members', $$org_id = tests.fx('org_a') and user_id = tests.fx('user_member_a')$$),
  ('org_requests', $$id = tests.fx('request_a')$$),
  ('org_storage_usage', $$org_id = tests.fx('org_a')$$),
  ('organizations', $$id = tests.fx('org_a')$$),
  ('playlist_segments', $$playlist_id = tests.fx('playlist_a')$$),
  ('playlist_tags', $$playlist_id = tests.fx('playlist_a')$$),
  ('playlists', $$id = tests.fx('playlist_a')$$),
  ('profiles', $$id = tests.fx('user_staff_a')$$),
  ('segment_insights', $$segment_id = tests.fx('seg_a')$$),
  ('segment_tags', $$id = tests.fx('tag_a')$$),
  ('segments', $$id = tests.fx('seg_a')$$),
  ('storage_cleanup_queue', $$org_id = tests.fx('org_a')$$),
  ('tag_suggestions', $$id = tests.fx('suggestion_a')$$),
  ('tag_taxonomy_versions', $$version = 99$$),
  ('taxonomy_tags', $$version = 99 and key = 'test_key'$$),
  ('viewing_sessions', $$id = tests.fx('session_a')$$),
  ('waitlist', $$id = tests.fx('waitlist')$$)
on conflict (tbl) do update set filter = excluded.filter;

-- The public tables (partitions aside) missing from a list, so a test over every table cannot skip
-- a new one; null when none is.
create or replace function tests.public_tables_missing(p_tables text[])
returns text[]
language sql stable
set search_path = ''
as $$
  select array_agg(c.relname::text order by c.relname)
    from pg_catalog.pg_class c join pg_catalog.pg_namespace n on n.oid = c.relnamespace
   where n.nspname = 'public' and c.relkind in ('r', 'p') and not c.relispartition
     and c.relname <> all (p_tables)
$$;

-- Two orgs with every role and one of everything, used by the RLS and function tests.
-- A: owner_a, manager_a, staff_a, member_a; B: owner_b, member_b; admin (platform), loner (no org).
create or replace function tests.create_world()
returns void
language plpgsql
set search_path = ''
as $$
declare
  v_a uuid;
  v_b uuid;
  v_media uuid;
begin
  perform tests.create_supabase_user(u) from unnest(array['owner_a', 'manager_a', 'staff_a',
    'member_a', 'owner_b', 'member_b', 'loner']) u;
  perform tests.create_supabase_user('admin', null, 'admin');
  perform tests.create_supabase_user('moderator', null, 'moderator');
  insert into tests.fx select 'user_' || u, tests.get_supabase_uid(u)
    from unnest(array['owner_a', 'manager_a', 'staff_a', 'member_a', 'owner_b', 'member_b',
                      'loner', 'admin', 'moderator']) u;

  v_a := (private.create_organization('Alpha RFC', 'team', tests.fx('user_owner_a'))).id;
  v_b := (private.create_organization('Bravo RFC', 'team', tests.fx('user_owner_b'))).id;
  insert into tests.fx values ('org_a', v_a), ('org_b', v_b);
  insert into public.org_members (org_id, user_id, role) values
    (v_a, tests.fx('user_manager_a'), 'manager'), (v_a, tests.fx('user_staff_a'), 'staff'),
    (v_a, tests.fx('user_member_a'), 'member'), (v_b, tests.fx('user_member_b'), 'member');

  -- Per org: two media assets, two segments, a narration, a tag, a suggestion, an insight,
  -- match intelligence, a group, an assignment (to member), a playlist, a session, a job.
  perform tests.create_org_content('a', v_a, tests.fx('user_staff_a'), tests.fx('user_member_a'));
  perform tests.create_org_content('b', v_b, tests.fx('user_owner_b'), tests.fx('user_member_b'));

  insert into public.org_requests (id, requested_by, name, type)
  values (gen_random_uuid(), tests.fx('user_member_a'), 'Charlie Academy', 'academy')
  returning id into v_media;
  insert into tests.fx values ('request_a', v_media);
  insert into public.compute_devices (id, hostname) values ('worker-test', 'host');
  insert into public.storage_cleanup_queue (org_id, prefix) values (v_a, 'orgs/' || v_a || '/media/x/');
  insert into public.waitlist (id, email) values (gen_random_uuid(), 'someone@example.com')
  returning id into v_media;
  insert into tests.fx values ('waitlist', v_media);
  insert into public.tag_taxonomy_versions (version) values (99);
  insert into public.taxonomy_tags (version, type, key, label) values (99, 'action', 'test_key', 'Test');
end
$$;

create or replace function tests.create_org_content(p_suffix text, p_org uuid, p_staff uuid, p_member uuid)
returns void
language plpgsql
set search_path = ''
as $$
declare
  v_media uuid := private.uuid_v7();
  v_media2 uuid := private.uuid_v7();
  v_seg uuid;
  v_seg2 uuid;
  v_id uuid;
begin
  insert into public.media_assets (id, org_id, uploaded_by, name, file_name, content_type, size_bytes,
    duration_seconds, status, storage_prefix, original_key)
  select m, p_org, p_staff, 'Match ' || p_suffix, 'match.mp4', 'video/mp4', 1000, 4800, 'complete',
         'orgs/' || p_org || '/media/' || m || '/', 'orgs/' || p_org || '/media/' || m || '/original/source.mp4'
    from unnest(array[v_media, v_media2]) m;
  insert into tests.fx values ('media_' || p_suffix, v_media), ('media2_' || p_suffix, v_media2);
  insert into public.segments (org_id, media_asset_id, start_seconds, end_seconds, created_by)
  values (p_org, v_media, 60, 75, p_staff) returning id into v_seg;
  insert into public.segments (org_id, media_asset_id, start_seconds, end_seconds, created_by)
  values (p_org, v_media, 300, 320, p_staff) returning id into v_seg2;
  insert into tests.fx values ('seg_' || p_suffix, v_seg), ('seg2_' || p_suffix, v_seg2);
  insert into public.narrations (org_id, media_asset_id, segment_id, author_id, raw_transcript, start_seconds)
  values (p_org, v_media, v_seg, p_staff, 'Great lineout drive from the forwards', 62) returning id into v_id;
  insert into tests.fx values ('narration_' || p_suffix, v_id);
  insert into public.segment_tags (org_id, segment_id, tag_type, tag_key, created_by)
  values (p_org, v_seg, 'action', 'carry', p_staff) returning id into v_id;
  insert into tests.fx values ('tag_' || p_suffix, v_id);
  insert into public.tag_suggestions (org_id, segment_id, tag_type, tag_key)
  values (p_org, v_seg, 'action', 'tackle') returning id into v_id;
  insert into tests.fx values ('suggestion_' || p_suffix, v_id);
  insert into public.segment_insights (segment_id, org_id, headline, summary, coach_script, narration_count, model)
  values (v_seg, p_org, 'Strong lineout drive', 'The pack drove well.', 'Watch the drive.', 1, 'offline');
  insert into public.match_intelligence (media_asset_id, org_id, level, narration_count, model)
  values (v_media, p_org, 'light', 1, 'offline');
  insert into public.groups (org_id, name, created_by) values (p_org, 'Forwards', p_staff) returning id into v_id;
  insert into tests.fx values ('group_' || p_suffix, v_id);
  insert into public.group_members (group_id, org_id, user_id) values (v_id, p_org, p_member);
  insert into public.assignments (org_id, title, created_by) values (p_org, 'Watch the lineouts', p_staff)
  returning id into v_id;
  insert into tests.fx values ('assignment_' || p_suffix, v_id);
  insert into public.assignment_targets (assignment_id, org_id, target_type, user_id)
  values (v_id, p_org, 'player', p_member);
  insert into public.assignment_segments (assignment_id, segment_id, org_id) values (v_id, v_seg, p_org);
  insert into public.assignment_progress (assignment_id, org_id, user_id) values (v_id, p_org, p_member);
  insert into public.playlists (org_id, name, created_by) values (p_org, 'Best tries', p_staff) returning id into v_id;
  insert into tests.fx values ('playlist_' || p_suffix, v_id);
  insert into public.playlist_segments (playlist_id, segment_id, org_id) values (v_id, v_seg, p_org);
  insert into public.playlist_tags (playlist_id, org_id, tag) values (v_id, p_org, 'attack');
  insert into public.viewing_sessions (org_id, user_id, media_asset_id, segment_id)
  values (p_org, p_member, v_media, v_seg) returning id into v_id;
  insert into tests.fx values ('session_' || p_suffix, v_id);
  insert into public.jobs (org_id, media_asset_id, type, idempotency_key)
  values (p_org, v_media, 'transcode', 'transcode:' || v_media) returning id into v_id;
  insert into tests.fx values ('job_' || p_suffix, v_id);
end
$$;

grant execute on all functions in schema tests to anon, authenticated, service_role;
