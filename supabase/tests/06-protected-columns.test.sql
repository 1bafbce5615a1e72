-- PROD-1: columns the worker, SQL functions or triggers own are not writable by authenticated,
-- even by a real user whose update policy passes for the row. Two layers: no UPDATE grant (every
-- column without one is tried, each table by a user its update policy lets through, and the same
-- statements are shown to reach the row once the grant exists), and guard triggers for the
-- columns the caller shares with the worker or the transcription job (only the values the API
-- itself writes get through).
begin;
select tests.create_world();

-- Who may update each table's fixture row (tests.fixture_rows) under RLS; rows: how many rows that
-- policy lets the statement reach (0 where no update policy exists for anyone but the owner).
create temp table actors (tbl text primary key, identity text, rows int);
insert into actors values
  ('assignment_progress', 'member_a', 1),
  ('assignment_segments', 'staff_a', 1),
  ('assignment_targets', 'staff_a', 1),
  ('assignments', 'staff_a', 1),
  ('compute_devices', 'admin', 0),
  ('group_members', 'admin', 1),
  ('groups', 'staff_a', 1),
  ('jobs', 'admin', 1),
  ('match_intelligence', 'staff_a', 1),
  ('match_stats', 'staff_a', 0),
  ('media_assets', 'staff_a', 1),
  ('narrations', 'staff_a', 1),
  ('org_members', 'admin', 1),
  ('org_requests', 'admin', 0),
  ('org_storage_usage', 'owner_a', 0),
  ('organizations', 'owner_a', 1),
  ('playlist_segments', 'staff_a', 1),
  ('playlist_tags', 'staff_a', 1),
  ('playlists', 'staff_a', 1),
  ('profiles', 'staff_a', 1),
  ('segment_insights', 'staff_a', 1),
  ('segment_tags', 'staff_a', 1),
  ('segments', 'staff_a', 1),
  ('storage_cleanup_queue', 'admin', 0),
  ('tag_suggestions', 'staff_a', 1),
  ('tag_taxonomy_versions', 'admin', 1),
  ('taxonomy_tags', 'admin', 1),
  ('viewing_sessions', 'member_a', 1),
  ('waitlist', 'admin', 1);

-- Every column authenticated cannot update (generated and identity columns aside: not even the
-- owner writes those), as one `set c = c` statement on that row.
create temp table cells as
select a.tbl, a.identity, a.rows, att.attname::text as col,
       format('update public.%I set %I = %I where %s', a.tbl, att.attname, att.attname, f.filter) as stmt
  from actors a
  join tests.fixture_rows f on f.tbl = a.tbl
  join pg_attribute att on att.attrelid = ('public.' || a.tbl)::regclass
 where att.attnum > 0 and not att.attisdropped and att.attgenerated = '' and att.attidentity = ''
   and not has_column_privilege('authenticated', ('public.' || a.tbl)::regclass, att.attnum, 'UPDATE');

select plan(3 + (select count(*)::int * 2 from cells) + 22);

select is(tests.public_tables_missing(array(select tbl from tests.fixture_rows)), null,
  'every public table has a fixture row to act on');
select is(tests.public_tables_missing(array(select tbl from actors)), null,
  'every public table has an actor here');

-- The columns issue 12 names, so that granting one of them fails here by name.
select is(
  (select array_agg(format('%s.%s', t, c) order by t, c) from (values
     ('media_assets', 'master_playlist_key'), ('media_assets', 'poster_key'),
     ('media_assets', 'storyboard_vtt_key'), ('media_assets', 'original_key'),
     ('media_assets', 'storage_prefix'), ('media_assets', 'renditions'),
     ('media_assets', 'renditions_bytes'), ('media_assets', 'size_bytes'),
     ('media_assets', 'playable'), ('media_assets', 'duration_seconds'), ('media_assets', 'width'),
     ('media_assets', 'height'), ('media_assets', 'error_code'), ('media_assets', 'error_message'),
     ('media_assets', 'org_id'),
     ('org_storage_usage', 'originals_bytes'), ('org_storage_usage', 'renditions_bytes'),
     ('org_storage_usage', 'reserved_bytes'),
     ('jobs', 'state'), ('jobs', 'attempt'), ('jobs', 'max_attempts'), ('jobs', 'lease_owner'),
     ('jobs', 'lease_expires_at'), ('jobs', 'progress'), ('jobs', 'result'), ('jobs', 'run_after'),
     ('jobs', 'error_code'), ('jobs', 'finished_at'),
     ('org_members', 'role'), ('organizations', 'join_code'), ('organizations', 'join_code_set_at'),
     ('narrations', 'source_type'), ('narrations', 'audio_key'), ('narrations', 'author_id'),
     ('assignment_progress', 'completed_segment_ids'), ('assignment_progress', 'completed_at'),
     ('match_stats', 'segment_count'), ('match_stats', 'narration_count'),
     ('segment_insights', 'coach_audio_key')) x (t, c)
    where not exists (select 1 from cells where tbl = t and col = c)),
  null,
  'status, progress, sizes, keys, renditions, quota counters, job state and roles have no update grant'
);

select is(
  tests.try_as(c.identity, c.stmt), 'error:42501',
  format('%s as %s: %s is not writable', c.tbl, c.identity, c.col)
) from cells c order by c.tbl, c.col;

-- The same statements reach their row once the grants exist (rolled back below), so it is
-- the grant, not RLS, that refuses them.
savepoint with_grants;
grant select, update on all tables in schema public to authenticated;
select is(
  tests.try_as(c.identity, c.stmt), 'rows:' || c.rows,
  format('%s as %s: with a grant, set %s would reach %s row(s)', c.tbl, c.identity, c.col, c.rows)
) from cells c order by c.tbl, c.col;
rollback to savepoint with_grants;

-- Columns the caller shares with the worker: only the API's own values pass ----------------------
insert into public.media_assets (id, org_id, uploaded_by, name, file_name, content_type, size_bytes,
  status, storage_prefix, original_key)
select m, tests.fx('org_a'), tests.fx('user_staff_a'), 'Uploading', 'u.mp4', 'video/mp4', 10, 'uploading',
       'orgs/' || tests.fx('org_a') || '/media/' || m || '/', 'orgs/' || tests.fx('org_a') || '/media/' || m || '/original/u.mp4'
  from (select private.uuid_v7() as m) x;
insert into tests.fx select 'media_up', id from public.media_assets where name = 'Uploading';

select is(tests.try_as('staff_a', $$update public.media_assets set status = 'uploading' where id = tests.fx('media_a')$$),
  'error:42501', 'staff cannot move a finished video back to uploading');
select is(tests.try_as('staff_a', $$update public.media_assets set progress = 0.5 where id = tests.fx('media_a')$$),
  'error:42501', 'staff cannot set processing progress');
select is(tests.try_as('staff_a', $$update public.media_assets set processing_stage = 'done' where id = tests.fx('media_a')$$),
  'error:42501', 'staff cannot set the processing stage');
select is(tests.try_as('staff_a', $$update public.media_assets set upload_id = 'other' where id = tests.fx('media_a')$$),
  'error:42501', 'staff cannot set an upload id on a finished video');
select is(tests.try_as('staff_a', $$update public.media_assets set status = 'complete' where id = tests.fx('media_up')$$),
  'error:42501', 'staff cannot mark an upload complete');
select is(tests.try_as('staff_a', $$update public.media_assets set status = 'uploaded', progress = 0.9, processing_stage = 'queued' where id = tests.fx('media_up')$$),
  'error:42501', 'completing an upload sets progress 0, nothing else');
select is(tests.try_as('staff_a', $$select private.complete_upload(tests.fx('media_up'))$$),
  'rows:1', 'staff complete an upload as the media function does (uploading → uploaded, queued)');
select is(tests.try_as('staff_a', $$with i as (select private.uuid_v7() as id) insert into public.media_assets (id, org_id, name, file_name, content_type, size_bytes, storage_prefix, original_key, upload_id)
   select i.id, tests.fx('org_a'), 'Up', 'u.mp4', 'video/mp4', 10, 'orgs/' || tests.fx('org_a') || '/media/' || i.id || '/', 'orgs/' || tests.fx('org_a') || '/media/' || i.id || '/original/u.mp4', 'mpu-1' from i$$),
  'rows:1', 'staff record the multipart upload id of their upload (with the row, as storage gave it first)');
update public.media_assets set upload_id = 'mpu-1' where id = tests.fx('media_up');
select is(tests.try_as('staff_a', $$update public.media_assets set upload_id = 'mpu-2' where id = tests.fx('media_up')$$),
  'error:42501', 'the upload id is recorded once');
select is(tests.try_as('staff_a', $$with i as (select private.uuid_v7() as id) insert into public.media_assets (id, org_id, name, file_name, content_type, size_bytes, status, storage_prefix, original_key)
   select i.id, tests.fx('org_a'), 'Done', 'd.mp4', 'video/mp4', 10, 'complete', 'orgs/' || tests.fx('org_a') || '/media/' || i.id || '/', 'orgs/' || tests.fx('org_a') || '/media/' || i.id || '/original/d.mp4' from i$$),
  'error:42501', 'staff cannot create a video that is already processed');

select is(tests.try_as('staff_a', $$update public.narrations set transcription_status = 'pending' where id = tests.fx('narration_a')$$),
  'error:42501', 'a typed narration has no recording to transcribe');
update public.narrations set audio_key = 'orgs/' || tests.fx('org_a') || '/narrations/' || id || '/audio.webm',
  transcription_status = 'pending' where id = tests.fx('narration_a');
select is(tests.try_as('staff_a', $$update public.narrations set transcription_status = 'done' where id = tests.fx('narration_a')$$),
  'error:42501', 'staff cannot mark a transcription done');
select is(tests.try_as('staff_a', $$update public.narrations set transcription_error = 'made up' where id = tests.fx('narration_a')$$),
  'error:42501', 'staff cannot write a transcription error');
update public.narrations set transcription_status = 'failed', transcription_error = 'boom'
 where id = tests.fx('narration_a');
select is(tests.try_as('staff_a', $$update public.narrations set transcription_status = 'pending', transcription_error = null where id = tests.fx('narration_a')$$),
  'rows:1', 'staff ask again for a failed transcription, as the retry route does');
select is(tests.try_as('member_a', $$insert into public.narrations (org_id, media_asset_id, author_id, audio_key, transcription_status) values (tests.fx('org_a'), tests.fx('media_a'), auth.uid(), 'orgs/' || tests.fx('org_a') || '/narrations/x/audio.webm', 'pending')$$),
  'error:42501', 'a recording is stored under its own narration''s key');
select is(tests.try_as('member_a', $$insert into public.narrations (id, org_id, media_asset_id, author_id, audio_key, transcription_status) select n, tests.fx('org_a'), tests.fx('media_a'), auth.uid(), 'orgs/' || tests.fx('org_a') || '/narrations/' || n || '/audio.webm', 'done' from gen_random_uuid() n$$),
  'error:42501', 'a recording starts pending, not transcribed');
select is(tests.try_as('member_a', $$insert into public.narrations (id, org_id, media_asset_id, author_id, audio_key, transcription_status) select n, tests.fx('org_a'), tests.fx('media_a'), auth.uid(), 'orgs/' || tests.fx('org_a') || '/narrations/' || n || '/audio.webm', 'pending' from gen_random_uuid() n$$),
  'rows:1', 'members record a narration as the narrations function does');

select is(tests.try_as('staff_a', $$update public.profiles set platform_role = 'admin' where id = tests.fx('user_staff_a')$$),
  'error:42501', 'users cannot change their own platform role');
select is(tests.try_as('owner_a', $$update public.organizations set storage_limit_bytes = 1e15 where id = tests.fx('org_a')$$),
  'error:42501', 'owners cannot raise their storage quota');
select is(tests.try_as('owner_a', $$update public.organizations set slug = 'taken-over' where id = tests.fx('org_a')$$),
  'error:42501', 'owners cannot change their slug');
select is(tests.try_as('owner_a', $$update public.organizations set type = 'academy' where id = tests.fx('org_a')$$),
  'error:42501', 'owners cannot change their organization type');
select is(tests.try_as('member_a', $$select count(*) from private.record_segment_watch(tests.fx('assignment_a'), tests.fx('seg_a'), 0.6)$$, true),
  'rows:1', 'progress is recorded through record_segment_watch, the one writer of those columns');

select * from finish();
rollback;
