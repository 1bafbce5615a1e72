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

-- Per table: the expectations, the insert, and the update's set clause; the select, update and
-- delete act on the table's fixture row (tests.fixture_rows).
create temp table spec (tbl text, expect text[], ins text, upd text);
insert into spec values
('organizations', '{----,s---,----,s---,s-u-,siud}',
 $$insert into public.organizations (slug, name) values ('new-org-x', 'New Org')$$,
 $$bio = 'updated'$$),
('profiles', '{----,s---,----,s-u-,s---,s-u-}',
 $$insert into public.profiles (id, username) values (tests.fx('user_staff_a'), 'dupe')$$,
 $$name = 'Renamed'$$),
('org_members', '{----,s--d,----,s---,si--,siud}',
 $$insert into public.org_members (org_id, user_id, role) values (tests.fx('org_a'), tests.fx('user_loner'), 'member')$$,
 $$role = 'member'$$),
('org_requests', '{----,si--,-i--,-i--,-i--,si-d}',
 $$insert into public.org_requests (requested_by, name) values (auth.uid(), 'Delta RFC')$$,
 $$message = 'x'$$),
('org_storage_usage', '{----,----,----,s---,s---,s---}',
 $$insert into public.org_storage_usage (org_id) values (tests.fx('org_a'))$$,
 $$reserved_bytes = 0$$),
('media_assets', '{----,s---,----,siud,siud,siud}',
 $$with i as (select private.uuid_v7() as id) insert into public.media_assets (id, org_id, name, file_name, content_type, size_bytes, storage_prefix, original_key)
   select i.id, tests.fx('org_a'), 'New', 'n.mp4', 'video/mp4', 10, 'orgs/' || tests.fx('org_a') || '/media/' || i.id || '/', 'orgs/' || tests.fx('org_a') || '/media/' || i.id || '/original/source.mp4' from i$$,
 $$name = 'Renamed'$$),
('jobs', '{----,----,----,si--,si--,siud}',
 $$insert into public.jobs (org_id, media_asset_id, type) values (tests.fx('org_a'), tests.fx('media_a'), 'embed')$$,
 $$progress = 0.5$$),
('groups', '{----,s---,----,siud,siud,siud}',
 $$insert into public.groups (org_id, name) values (tests.fx('org_a'), 'Backs')$$,
 $$description = 'x'$$),
('group_members', '{----,s---,----,si-d,si-d,siud}',
 $$insert into public.group_members (group_id, org_id, user_id) values (tests.fx('group_a'), tests.fx('org_a'), tests.fx('user_staff_a'))$$,
 $$created_at = now()$$),
('segments', '{----,s---,----,siud,siud,siud}',
 $$insert into public.segments (org_id, media_asset_id, start_seconds, end_seconds, source, created_by) values (tests.fx('org_a'), tests.fx('media_a'), 100, 110, 'staff', auth.uid())$$,
 $$title = 'x'$$),
('narrations', '{----,si--,----,siud,siud,siud}',
 $$insert into public.narrations (org_id, media_asset_id, author_id, raw_transcript) values (tests.fx('org_a'), tests.fx('media_a'), auth.uid(), 'Good ruck speed')$$,
 $$raw_transcript = 'edited'$$),
('tag_taxonomy_versions', '{----,s---,s---,s---,s---,siud}',
 $$insert into public.tag_taxonomy_versions (version) values (100)$$,
 $$notes = 'x'$$),
('taxonomy_tags', '{----,s---,s---,s---,s---,siud}',
 $$insert into public.taxonomy_tags (version, type, key, label) values (99, 'context', 'another', 'Another')$$,
 $$label = 'x'$$),
('segment_tags', '{----,s---,----,siud,siud,siud}',
 $$insert into public.segment_tags (org_id, segment_id, tag_type, tag_key, created_by) values (tests.fx('org_a'), tests.fx('seg_a'), 'action', 'pass', auth.uid())$$,
 $$tag_key = 'kick'$$),
('tag_suggestions', '{----,----,----,siu-,siu-,siud}',
 $$insert into public.tag_suggestions (org_id, segment_id, tag_type, tag_key) values (tests.fx('org_a'), tests.fx('seg_a'), 'context', 'scrum')$$,
 $$status = 'rejected', decided_at = now()$$),
('segment_insights', '{----,s---,----,siud,siud,siud}',
 $$insert into public.segment_insights (segment_id, org_id, headline, summary, coach_script, narration_count, model) values (tests.fx('seg2_a'), tests.fx('org_a'), 'h', 's', 'c', 0, 'm')$$,
 $$headline = 'x'$$),
('match_intelligence', '{----,s---,----,siud,siud,siud}',
 $$insert into public.match_intelligence (media_asset_id, org_id, level, narration_count, model) values (tests.fx('media2_a'), tests.fx('org_a'), 'empty', 0, 'm')$$,
 $$headline = 'x'$$),
-- Derived counts: readable like the media they describe, written only by triggers.
('match_stats', '{----,s---,----,s---,s---,s---}',
 $$insert into public.match_stats (media_asset_id, org_id, kind) values (tests.fx('media2_a'), tests.fx('org_a'), 'match')
   on conflict (media_asset_id) do update set updated_at = now()$$,
 $$narration_count = 99$$),
('assignments', '{----,s---,----,siud,siud,siud}',
 $$insert into public.assignments (org_id, title) values (tests.fx('org_a'), 'New one')$$,
 $$title = 'x'$$),
('assignment_progress', '{----,s-u-,----,si-d,si-d,siud}',
 $$insert into public.assignment_progress (assignment_id, org_id, user_id) values (tests.fx('assignment_a'), tests.fx('org_a'), tests.fx('user_manager_a'))$$,
 $$started_at = now()$$),
('assignment_targets', '{----,s---,----,siud,siud,siud}',
 $$insert into public.assignment_targets (assignment_id, org_id, target_type) values (tests.fx('assignment_a'), tests.fx('org_a'), 'team')$$,
 $$user_id = user_id$$),
('assignment_segments', '{----,s---,----,siud,siud,siud}',
 $$insert into public.assignment_segments (assignment_id, segment_id, org_id) values (tests.fx('assignment_a'), tests.fx('seg2_a'), tests.fx('org_a'))$$,
 $$position = 2$$),
('playlists', '{----,s---,----,siud,siud,siud}',
 $$insert into public.playlists (org_id, name) values (tests.fx('org_a'), 'Defence')$$,
 $$name = 'x'$$),
('playlist_segments', '{----,s---,----,siud,siud,siud}',
 $$insert into public.playlist_segments (playlist_id, segment_id, org_id) values (tests.fx('playlist_a'), tests.fx('seg2_a'), tests.fx('org_a'))$$,
 $$position = 3$$),
('playlist_tags', '{----,s---,----,siud,siud,siud}',
 $$insert into public.playlist_tags (playlist_id, org_id, tag) values (tests.fx('playlist_a'), tests.fx('org_a'), 'defence')$$,
 $$tag = 'attacking'$$),
('viewing_sessions', '{----,siu-,----,si--,si--,s-ud}',
 $$insert into public.viewing_sessions (org_id, user_id, media_asset_id) values (tests.fx('org_a'), auth.uid(), tests.fx('media_a'))$$,
 $$watched_seconds = 10$$),
('compute_devices', '{----,----,----,----,----,s--d}',
 $$insert into public.compute_devices (id) values ('worker-new')$$,
 $$status = 'degraded'$$),
('storage_cleanup_queue', '{----,----,----,----,----,s---}',
 $$insert into public.storage_cleanup_queue (prefix) values ('orgs/' || tests.fx('org_a') || '/x/')$$,
 $$attempts = 1$$),
('waitlist', '{-i--,-i--,-i--,-i--,-i--,siud}',
 $$insert into public.waitlist (email) values ('new-' || gen_random_uuid() || '@example.com')$$,
 $$name = 'x'$$);

create temp table cells as
select s.tbl, r.ord, r.role, r.identity, a.action, a.n,
       substr(s.expect[r.ord], a.n, 1) <> '-' as allowed,
       case a.action
         when 'select' then format('select count(*) from public.%I where %s', s.tbl, f.filter)
         when 'insert' then s.ins
         when 'update' then format('update public.%I set %s where %s', s.tbl, s.upd, f.filter)
         else format('delete from public.%I where %s', s.tbl, f.filter) end as stmt
  from spec s join tests.fixture_rows f on f.tbl = s.tbl cross join roles r
  cross join (values (1, 'select'), (2, 'insert'), (3, 'update'), (4, 'delete')) as a (n, action);
grant select on cells to anon, authenticated;

select plan((select count(*)::int + 2 from cells));

select is(tests.public_tables_missing(array(select tbl from tests.fixture_rows)), null,
  'every public table has a fixture row to act on');
-- Every public table (partitions aside) is in the matrix, so a new table cannot skip it.
select is(tests.public_tables_missing(array(select tbl from spec)), null,
  'every public table has a row in the RLS matrix');

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
