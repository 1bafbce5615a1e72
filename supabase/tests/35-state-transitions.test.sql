-- MEDIA-2, TX-1, TX-4: asset status and job state change only through the state functions
-- (complete_upload, update_job_asset, complete_job, fail_job) and only along the allowed
-- transitions; a repeated call is a no-op, a stranger's write does nothing, a backwards move fails.
begin;
select plan(39);
select tests.create_world();

-- An upload in progress and a finished video that never had a transcode job.
insert into public.media_assets (id, org_id, uploaded_by, name, file_name, content_type, size_bytes,
  storage_prefix, original_key, upload_id)
select m, tests.fx('org_a'), tests.fx('user_staff_a'), n, 'u.mp4', 'video/mp4', 10,
       'orgs/' || tests.fx('org_a') || '/media/' || m || '/',
       'orgs/' || tests.fx('org_a') || '/media/' || m || '/original/source.mp4', 'mpu-' || n
  from (select private.uuid_v7() as m, n from unnest(array['up1', 'up2']) n) x;
insert into tests.fx select name, id from public.media_assets where name in ('up1', 'up2');
insert into public.media_assets (id, org_id, name, status, file_name, content_type, size_bytes,
  storage_prefix, original_key)
select m, tests.fx('org_a'), 'seeded', 'complete', 's.mp4', 'video/mp4', 10,
       'orgs/' || tests.fx('org_a') || '/media/' || m || '/',
       'orgs/' || tests.fx('org_a') || '/media/' || m || '/original/source.mp4'
  from (select private.uuid_v7() as m) x;
insert into tests.fx select 'seeded', id from public.media_assets where name = 'seeded';

-- The media list version (SCALE-3): every write by anyone moves it ----------------------------
create temp table versions (label text primary key, version bigint);
insert into versions select 'start', version from private.media_versions where org_id = tests.fx('org_a');
select tests.authenticate_as('member_a');
select ok(private.media_version(tests.fx('org_a')) is not null, 'a member reads the version of their org''s media');
select is(private.media_version(tests.fx('org_b')), null, 'but not of another org');
select tests.reset_role();

-- Upload completion -------------------------------------------------------------------------------
select is(tests.try_as('member_a', $$select private.complete_upload(tests.fx('up1'))$$), 'error:P0002',
  'a member cannot complete an upload');
select is(tests.try_as('owner_b', $$select private.complete_upload(tests.fx('up1'))$$), 'error:P0002',
  'nor can someone from another org (the upload is not found)');
select is(tests.try_as('anon', $$select private.complete_upload(tests.fx('up1'))$$), 'error:42501',
  'anon cannot call it at all');

select tests.authenticate_as('staff_a');
create temp table first_call as select * from private.complete_upload(tests.fx('up1'));
grant select on first_call to authenticated;
select is((select type::text || ':' || state::text from first_call), 'transcode:queued',
  'completing an upload queues its transcode job');
select is((select payload from first_call),
  jsonb_build_object('assetId', tests.fx('up1'),
                     'originalKey', 'orgs/' || tests.fx('org_a') || '/media/' || tests.fx('up1') || '/original/source.mp4'),
  'the job carries the asset and its original key (contracts/jobs.ts TranscodePayload)');
select is((select created_by from first_call), tests.fx('user_staff_a'), 'the caller queued it');
select is((select status::text || ':' || progress || ':' || processing_stage from public.media_assets where id = tests.fx('up1')),
  'uploaded:0:queued', 'and the asset is uploaded, queued at 0 %');
select is((select id from private.complete_upload(tests.fx('up1'))), (select id from first_call),
  'a second call returns the same job');
select is((select count(*)::int from public.jobs where media_asset_id = tests.fx('up1')), 1,
  'and queues nothing more');
select throws_ok($$select private.complete_upload(tests.fx('seeded'))$$, '55000', 'UPLOAD_NOT_IN_PROGRESS',
  'a video that is not an upload and has no transcode job cannot be completed');
select throws_ok($$update public.media_assets set status = 'uploaded' where id = tests.fx('up2')$$, '42501', null,
  'staff cannot write a status themselves');
select tests.reset_role();

-- The worker's writes ----------------------------------------------------------------------------
select is((select attempt from private.claim_job((select id from first_call), 'w1', 60)), 1, 'the worker claims the job');
select ok(private.update_job_asset((select id from first_call), 'w1',
  '{"processing_stage": "probing", "progress": 0, "error_code": null}', 'transcoding'),
  'the lease holder starts the transcode');
select is((select status::text || ':' || processing_stage from public.media_assets where id = tests.fx('up1')),
  'transcoding:probing', 'the asset is transcoding');
select ok(not private.update_job_asset((select id from first_call), 'w2', '{"progress": 0.9}'),
  'a worker without the lease writes nothing');
select is((select progress from public.media_assets where id = tests.fx('up1')), 0::real, 'the progress is untouched');
select throws_ok($$select private.update_job_asset((select id from first_call), 'w1', '{"status": "complete"}')$$,
  '22023', 'NOT_A_WORKER_COLUMN', 'status is not a patch column');
select throws_ok($$select private.update_job_asset((select id from first_call), 'w1', '{"org_id": null}')$$,
  '22023', 'NOT_A_WORKER_COLUMN', 'nor is anything the worker does not own');
select throws_ok($$select private.update_job_asset((select id from first_call), 'w1', '{}', 'complete')$$,
  '55000', 'INVALID_TRANSITION', 'transcoding cannot skip to complete');
select ok(private.update_job_asset((select id from first_call), 'w1',
  jsonb_build_object('playable', true, 'renditions', '[{"name": "360p", "width": 640, "height": 360, "bandwidth": 900000, "playlist": "360p/index.m3u8"}]'::jsonb,
                     'renditions_bytes', 5, 'processing_stage', 'finishing', 'duration_seconds', 12.5),
  'transcoded'), 'the ladder is published');
select is((select array[status::text, playable::text, jsonb_array_length(renditions)::text, renditions_bytes::text, duration_seconds::text]
             from public.media_assets where id = tests.fx('up1')),
  array['transcoded', 'true', '1', '5', '12.5'], 'with its renditions, sizes and probe results');
select ok(private.complete_job((select id from first_call), 'w1', '{"rungs": ["360p"]}'), 'the worker completes the job');
select is((select status::text || ':' || progress || ':' || coalesce(processing_stage, '-') from public.media_assets where id = tests.fx('up1')),
  'complete:1:-', 'complete_job completes the asset, as fail_job fails it');
select ok(private.complete_job((select id from first_call), 'w1', '{}'), 'completing again is a no-op');
select is((select result from public.jobs where id = (select id from first_call)), '{"rungs": ["360p"]}'::jsonb,
  'and keeps the first result');
select ok(not private.update_job_asset((select id from first_call), 'w1', '{"progress": 0.5}'),
  'a finished job writes nothing more');

select ok((select version from private.media_versions where org_id = tests.fx('org_a')) > (select version from versions where label = 'start'),
  'the upload, the worker''s writes and the completion each moved the version');
insert into versions select 'done', version from private.media_versions where org_id = tests.fx('org_a');
update public.media_assets set name = name where false;
select is((select version from private.media_versions where org_id = tests.fx('org_a')), (select version from versions where label = 'done'),
  'a statement that writes no row leaves it');
delete from public.media_assets where id = tests.fx('seeded');
select is((select version from private.media_versions where org_id = tests.fx('org_a')), (select version from versions where label = 'done') + 1,
  'a delete moves it once');

-- Backwards moves fail for every writer ----------------------------------------------------------
select throws_ok($$update public.media_assets set status = 'transcoding' where id = tests.fx('up1')$$,
  '55000', 'INVALID_TRANSITION', 'a complete video cannot go back to transcoding');
select throws_ok($$update public.jobs set state = 'queued' where id = (select id from first_call)$$,
  '55000', 'INVALID_TRANSITION', 'a succeeded job cannot be queued again');
select throws_ok($$update public.media_assets set status = 'transcoding' where id = tests.fx('up2')$$,
  '55000', 'INVALID_TRANSITION', 'an upload cannot skip to transcoding');

-- A final failure fails the asset, and failed is final -------------------------------------------
select tests.authenticate_as('staff_a');
create temp table second_call as select * from private.complete_upload(tests.fx('up2'));
select tests.reset_role();
select is((select attempt from private.claim_job((select id from second_call), 'w1', 60)), 1, 'the second upload is claimed');
select is(private.fail_job((select id from second_call), 'w1', 'INVALID_MEDIA', 'not a video', false),
  'failed'::public.job_state, 'a failure that cannot be retried fails the job');
select is((select status::text || ':' || error_code from public.media_assets where id = tests.fx('up2')),
  'failed:INVALID_MEDIA', 'and its asset, with the code');
select throws_ok($$update public.media_assets set status = 'uploaded' where id = tests.fx('up2')$$,
  '55000', 'INVALID_TRANSITION', 'a failed video stays failed');
select is(private.fail_job((select id from second_call), 'w1', 'TIMEOUT', 'late', true), 'failed'::public.job_state,
  'a late failure report changes nothing');

select * from finish();
rollback;
