-- Every table × role × action, acting as real users (PRODUCT.md capability matrix).
-- Roles: anon, member of org A, member of org B, staff of A, owner of A, platform admin.
-- Each expectation is four letters (select, insert, update, delete); a letter means allowed, '-'
-- refused. A refused select sees no row; a refused insert raises; a refused update or delete
-- changes no row (RLS filters it) or raises. Every statement targets an org-A fixture.
-- This is the policies' matrix: the grants in front of them allow less (05-privileges), so every
-- table privilege is given here for the transaction and the policies alone decide.
begin;
select tests.create_world();
select tests.grant_every_table_privilege();

create temp table matrix (tbl text, role text, expected text, sel text, ins text, upd text, del text);
create temp table roles (ord int, role text, identity text);
insert into roles values (1, 'anon', 'anon'), (2, 'memberA', 'member_a'), (3, 'memberB', 'member_b'),
  (4, 'staff', 'staff_a'), (5, 'owner', 'owner_a'), (6, 'admin', 'admin');

create temp table spec (tbl text, expect text[], sel text, ins text, upd text, del text);
insert into spec values
('organizations', '{----,s---,----,s---,s-u-,siud}',
 $$select count(*) from public.organizations where id = tests.fx('org_a')$$,
 $$insert into public.organizations (slug, name) values ('new-org-x', 'New Org')$$,
 $$update public.organizations set bio = 'updated' where id = tests.fx('org_a')$$,
 $$delete from public.organizations where id = tests.fx('org_a')$$),
('profiles', '{----,s---,----,s-u-,s---,s-u-}',
 $$select count(*) from public.profiles where id = tests.fx('user_staff_a')$$,
 $$insert into public.profiles (id, username) values (tests.fx('user_staff_a'), 'dupe')$$,
 $$update public.profiles set name = 'Renamed' where id = tests.fx('user_staff_a')$$,
 $$delete from public.profiles where id = tests.fx('user_staff_a')$$),
('org_members', '{----,s--d,----,s---,si--,siud}',
 $$select count(*) from public.org_members where org_id = tests.fx('org_a') and user_id = tests.fx('user_member_a')$$,
 $$insert into public.org_members (org_id, user_id, role) values (tests.fx('org_a'), tests.fx('user_loner'), 'member')$$,
 $$update public.org_members set role = 'member' where org_id = tests.fx('org_a') and user_id = tests.fx('user_member_a')$$,
 $$delete from public.org_members where org_id = tests.fx('org_a') and user_id = tests.fx('user_member_a')$$),
('org_requests', '{----,si--,-i--,-i--,-i--,si-d}',
 $$select count(*) from public.org_requests where id = tests.fx('request_a')$$,
 $$insert into public.org_requests (requested_by, name) values (auth.uid(), 'Delta RFC')$$,
 $$update public.org_requests set message = 'x' where id = tests.fx('request_a')$$,
 $$delete from public.org_requests where id = tests.fx('request_a')$$),
('org_storage_usage', '{----,----,----,s---,s---,s---}',
 $$select count(*) from public.org_storage_usage where org_id = tests.fx('org_a')$$,
 $$insert into public.org_storage_usage (org_id) values (tests.fx('org_a'))$$,
 $$update public.org_storage_usage set reserved_bytes = 0 where org_id = tests.fx('org_a')$$,
 $$delete from public.org_storage_usage where org_id = tests.fx('org_a')$$),
('media_assets', '{----,s---,----,siud,siud,siud}',
 $$select count(*) from public.media_assets where id = tests.fx('media_a')$$,
 $$with i as (select private.uuid_v7() as id) insert into public.media_assets (id, org_id, name, file_name, content_type, size_bytes, storage_prefix, original_key)
   select i.id, tests.fx('org_a'), 'New', 'n.mp4', 'video/mp4', 10, 'orgs/' || tests.fx('org_a') || '/media/' || i.id || '/', 'orgs/' || tests.fx('org_a') || '/media/' || i.id || '/original/source.mp4' from i$$,
 $$update public.media_assets set name = 'Renamed' where id = tests.fx('media_a')$$,
 $$delete from public.media_assets where id = tests.fx('media_a')$$),
('jobs', '{----,----,----,si--,si--,siud}',
 $$select count(*) from public.jobs where id = tests.fx('job_a')$$,
 $$insert into public.jobs (org_id, media_asset_id, type) values (tests.fx('org_a'), tests.fx('media_a'), 'embed')$$,
 $$update public.jobs set progress = 0.5 where id = tests.fx('job_a')$$,
 $$delete from public.jobs where id = tests.fx('job_a')$$),
('groups', '{----,s---,----,siud,siud,siud}',
 $$select count(*) from public.groups where id = tests.fx('group_a')$$,
 $$insert into public.groups (org_id, name) values (tests.fx('org_a'), 'Backs')$$,
 $$update public.groups set description = 'x' where id = tests.fx('group_a')$$,
 $$delete from public.groups where id = tests.fx('group_a')$$),
('group_members', '{----,s---,----,si-d,si-d,siud}',
 $$select count(*) from public.group_members where group_id = tests.fx('group_a') and user_id = tests.fx('user_member_a')$$,
 $$insert into public.group_members (group_id, org_id, user_id) values (tests.fx('group_a'), tests.fx('org_a'), tests.fx('user_staff_a'))$$,
 $$update public.group_members set created_at = now() where group_id = tests.fx('group_a') and user_id = tests.fx('user_member_a')$$,
 $$delete from public.group_members where group_id = tests.fx('group_a') and user_id = tests.fx('user_member_a')$$),
('segments', '{----,s---,----,siud,siud,siud}',
 $$select count(*) from public.segments where id = tests.fx('seg_a')$$,
 $$insert into public.segments (org_id, media_asset_id, start_seconds, end_seconds, source, created_by) values (tests.fx('org_a'), tests.fx('media_a'), 100, 110, 'staff', auth.uid())$$,
 $$update public.segments set title = 'x' where id = tests.fx('seg_a')$$,
 $$delete from public.segments where id = tests.fx('seg_a')$$),
('narrations', '{----,si--,----,siud,siud,siud}',
 $$select count(*) from public.narrations where id = tests.fx('narration_a')$$,
 $$insert into public.narrations (org_id, media_asset_id, author_id, raw_transcript) values (tests.fx('org_a'), tests.fx('media_a'), auth.uid(), 'Good ruck speed')$$,
 $$update public.narrations set raw_transcript = 'edited' where id = tests.fx('narration_a')$$,
 $$delete from public.narrations where id = tests.fx('narration_a')$$),
('tag_taxonomy_versions', '{----,s---,s---,s---,s---,siud}',
 $$select count(*) from public.tag_taxonomy_versions where version = 99$$,
 $$insert into public.tag_taxonomy_versions (version) values (100)$$,
 $$update public.tag_taxonomy_versions set notes = 'x' where version = 99$$,
 $$delete from public.tag_taxonomy_versions where version = 99$$),
('taxonomy_tags', '{----,s---,s---,s---,s---,siud}',
 $$select count(*) from public.taxonomy_tags where version = 99 and key = 'test_key'$$,
 $$insert into public.taxonomy_tags (version, type, key, label) values (99, 'context', 'another', 'Another')$$,
 $$update public.taxonomy_tags set label = 'x' where version = 99 and key = 'test_key'$$,
 $$delete from public.taxonomy_tags where version = 99 and key = 'test_key'$$),
('segment_tags', '{----,s---,----,siud,siud,siud}',
 $$select count(*) from public.segment_tags where id = tests.fx('tag_a')$$,
 $$insert into public.segment_tags (org_id, segment_id, tag_type, tag_key, created_by) values (tests.fx('org_a'), tests.fx('seg_a'), 'action', 'pass', auth.uid())$$,
 $$update public.segment_tags set tag_key = 'kick' where id = tests.fx('tag_a')$$,
 $$delete from public.segment_tags where id = tests.fx('tag_a')$$),
('tag_suggestions', '{----,----,----,siu-,siu-,siud}',
 $$select count(*) from public.tag_suggestions where id = tests.fx('suggestion_a')$$,
 $$insert into public.tag_suggestions (org_id, segment_id, tag_type, tag_key) values (tests.fx('org_a'), tests.fx('seg_a'), 'context', 'scrum')$$,
 $$update public.tag_suggestions set status = 'rejected', decided_at = now() where id = tests.fx('suggestion_a')$$,
 $$delete from public.tag_suggestions where id = tests.fx('suggestion_a')$$),
('segment_insights', '{----,s---,----,siud,siud,siud}',
 $$select count(*) from public.segment_insights where segment_id = tests.fx('seg_a')$$,
 $$insert into public.segment_insights (segment_id, org_id, headline, summary, coach_script, narration_count, model) values (tests.fx('seg2_a'), tests.fx('org_a'), 'h', 's', 'c', 0, 'm')$$,
 $$update public.segment_insights set headline = 'x' where segment_id = tests.fx('seg_a')$$,
 $$delete from public.segment_insights where segment_id = tests.fx('seg_a')$$),
('match_intelligence', '{----,s---,----,siud,siud,siud}',
 $$select count(*) from public.match_intelligence where media_asset_id = tests.fx('media_a')$$,
 $$insert into public.match_intelligence (media_asset_id, org_id, level, narration_count, model) values (tests.fx('media2_a'), tests.fx('org_a'), 'empty', 0, 'm')$$,
 $$update public.match_intelligence set headline = 'x' where media_asset_id = tests.fx('media_a')$$,
 $$delete from public.match_intelligence where media_asset_id = tests.fx('media_a')$$),
-- Derived counts: readable like the media they describe, written only by triggers.
('match_stats', '{----,s---,----,s---,s---,s---}',
 $$select count(*) from public.match_stats where media_asset_id = tests.fx('media_a')$$,
 $$insert into public.match_stats (media_asset_id, org_id, kind) values (tests.fx('media2_a'), tests.fx('org_a'), 'match')
   on conflict (media_asset_id) do update set updated_at = now()$$,
 $$update public.match_stats set narration_count = 99 where media_asset_id = tests.fx('media_a')$$,
 $$delete from public.match_stats where media_asset_id = tests.fx('media_a')$$),
('assignments', '{----,s---,----,siud,siud,siud}',
 $$select count(*) from public.assignments where id = tests.fx('assignment_a')$$,
 $$insert into public.assignments (org_id, title) values (tests.fx('org_a'), 'New one')$$,
 $$update public.assignments set title = 'x' where id = tests.fx('assignment_a')$$,
 $$delete from public.assignments where id = tests.fx('assignment_a')$$),
('assignment_progress', '{----,s-u-,----,si-d,si-d,siud}',
 $$select count(*) from public.assignment_progress where assignment_id = tests.fx('assignment_a') and user_id = tests.fx('user_member_a')$$,
 $$insert into public.assignment_progress (assignment_id, org_id, user_id) values (tests.fx('assignment_a'), tests.fx('org_a'), tests.fx('user_manager_a'))$$,
 $$update public.assignment_progress set started_at = now() where assignment_id = tests.fx('assignment_a') and user_id = tests.fx('user_member_a')$$,
 $$delete from public.assignment_progress where assignment_id = tests.fx('assignment_a') and user_id = tests.fx('user_member_a')$$),
('assignment_targets', '{----,s---,----,siud,siud,siud}',
 $$select count(*) from public.assignment_targets where assignment_id = tests.fx('assignment_a')$$,
 $$insert into public.assignment_targets (assignment_id, org_id, target_type) values (tests.fx('assignment_a'), tests.fx('org_a'), 'team')$$,
 $$update public.assignment_targets set user_id = user_id where assignment_id = tests.fx('assignment_a')$$,
 $$delete from public.assignment_targets where assignment_id = tests.fx('assignment_a')$$),
('assignment_segments', '{----,s---,----,siud,siud,siud}',
 $$select count(*) from public.assignment_segments where assignment_id = tests.fx('assignment_a')$$,
 $$insert into public.assignment_segments (assignment_id, segment_id, org_id) values (tests.fx('assignment_a'), tests.fx('seg2_a'), tests.fx('org_a'))$$,
 $$update public.assignment_segments set position = 2 where assignment_id = tests.fx('assignment_a')$$,
 $$delete from public.assignment_segments where assignment_id = tests.fx('assignment_a')$$),
('playlists', '{----,s---,----,siud,siud,siud}',
 $$select count(*) from public.playlists where id = tests.fx('playlist_a')$$,
 $$insert into public.playlists (org_id, name) values (tests.fx('org_a'), 'Defence')$$,
 $$update public.playlists set name = 'x' where id = tests.fx('playlist_a')$$,
 $$delete from public.playlists where id = tests.fx('playlist_a')$$),
('playlist_segments', '{----,s---,----,siud,siud,siud}',
 $$select count(*) from public.playlist_segments where playlist_id = tests.fx('playlist_a')$$,
 $$insert into public.playlist_segments (playlist_id, segment_id, org_id) values (tests.fx('playlist_a'), tests.fx('seg2_a'), tests.fx('org_a'))$$,
 $$update public.playlist_segments set position = 3 where playlist_id = tests.fx('playlist_a')$$,
 $$delete from public.playlist_segments where playlist_id = tests.fx('playlist_a')$$),
('playlist_tags', '{----,s---,----,siud,siud,siud}',
 $$select count(*) from public.playlist_tags where playlist_id = tests.fx('playlist_a')$$,
 $$insert into public.playlist_tags (playlist_id, org_id, tag) values (tests.fx('playlist_a'), tests.fx('org_a'), 'defence')$$,
 $$update public.playlist_tags set tag = 'attacking' where playlist_id = tests.fx('playlist_a')$$,
 $$delete from public.playlist_tags where playlist_id = tests.fx('playlist_a')$$),
('viewing_sessions', '{----,siu-,----,si--,si--,s-ud}',
 $$select count(*) from public.viewing_sessions where id = tests.fx('session_a')$$,
 $$insert into public.viewing_sessions (org_id, user_id, media_asset_id) values (tests.fx('org_a'), auth.uid(), tests.fx('media_a'))$$,
 $$update public.viewing_sessions set watched_seconds = 10 where id = tests.fx('session_a')$$,
 $$delete from public.viewing_sessions where id = tests.fx('session_a')$$),
('compute_devices', '{----,----,----,----,----,s--d}',
 $$select count(*) from public.compute_devices where id = 'worker-test'$$,
 $$insert into public.compute_devices (id) values ('worker-new')$$,
 $$update public.compute_devices set status = 'degraded' where id = 'worker-test'$$,
 $$delete from public.compute_devices where id = 'worker-test'$$),
('storage_cleanup_queue', '{----,----,----,----,----,s---}',
 $$select count(*) from public.storage_cleanup_queue where org_id = tests.fx('org_a')$$,
 $$insert into public.storage_cleanup_queue (prefix) values ('orgs/' || tests.fx('org_a') || '/x/')$$,
 $$update public.storage_cleanup_queue set attempts = 1 where org_id = tests.fx('org_a')$$,
 $$delete from public.storage_cleanup_queue where org_id = tests.fx('org_a')$$),
('waitlist', '{-i--,-i--,-i--,-i--,-i--,siud}',
 $$select count(*) from public.waitlist where id = tests.fx('waitlist')$$,
 $$insert into public.waitlist (email) values ('new-' || gen_random_uuid() || '@example.com')$$,
 $$update public.waitlist set name = 'x' where id = tests.fx('waitlist')$$,
 $$delete from public.waitlist where id = tests.fx('waitlist')$$);

create temp table cells as
select s.tbl, r.ord, r.role, r.identity, a.action, a.n,
       substr(s.expect[r.ord], a.n, 1) <> '-' as allowed,
       case a.action when 'select' then s.sel when 'insert' then s.ins when 'update' then s.upd else s.del end as stmt
  from spec s cross join roles r
  cross join (values (1, 'select'), (2, 'insert'), (3, 'update'), (4, 'delete')) as a (n, action);
grant select on cells to anon, authenticated;

select plan((select count(*)::int + 1 from cells));

-- Every public table (partitions aside) is in the matrix, so a new table cannot skip it.
select is(
  (select array_agg(c.relname::text order by c.relname) from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where n.nspname = 'public' and c.relkind in ('r', 'p') and not c.relispartition
      and c.relname not in (select tbl from spec)),
  null,
  'every public table has a row in the RLS matrix'
);

select is(
  case when o like 'rows:%' and substr(o, 6)::int > 0 then 'allowed' else 'refused (' || o || ')' end
    like (case when allowed then 'allowed' else 'refused%' end),
  true,
  format('%s: %s %s is %s (got %s)', tbl, role, action, case when allowed then 'allowed' else 'refused' end, o)
)
from (
  select c.*, tests.try_as(c.identity, c.stmt, c.action = 'select') as o from cells c
) t
order by tbl, ord, n;

select * from finish();
rollback;
