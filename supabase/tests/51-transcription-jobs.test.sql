-- Transcription jobs (20250101001000_transcription_jobs.sql): deferral without spending an
-- attempt, the sweeper's due list, reconciliation of pending narrations, and who may call them.
begin;
select plan(12);
select tests.create_world();

insert into public.narrations (id, org_id, media_asset_id, author_id, input_type, audio_key,
  audio_duration_seconds, transcription_status)
values
  ('00000000-0000-4000-8000-0000000ab001', tests.fx('org_a'), tests.fx('media_a'), tests.fx('user_member_a'),
   'audio', 'orgs/' || tests.fx('org_a') || '/narrations/ab001/audio.webm', 2, 'pending'),
  ('00000000-0000-4000-8000-0000000ab002', tests.fx('org_a'), tests.fx('media_a'), tests.fx('user_member_a'),
   'audio', 'orgs/' || tests.fx('org_a') || '/narrations/ab002/audio.webm', 2, 'pending');

insert into public.jobs (id, org_id, media_asset_id, type, payload)
values ('00000000-0000-4000-8000-0000000ac001', tests.fx('org_a'), tests.fx('media_a'), 'transcribe',
        '{"narrationId":"00000000-0000-4000-8000-0000000ab001"}');

select is((select array_agg(d) from private.due_jobs('transcribe', 10) d),
  array['00000000-0000-4000-8000-0000000ac001'::uuid], 'a queued transcribe job is due');
select ok(not exists (select 1 from private.due_jobs('transcode', 500) d
                       where d = '00000000-0000-4000-8000-0000000ac001'), 'the list is per job type');
select is((select attempt from private.claim_job('00000000-0000-4000-8000-0000000ac001', 'edge-1', 60)), 1,
  'claiming counts an attempt');
select ok(not private.defer_job('00000000-0000-4000-8000-0000000ac001', 'edge-2', 30),
  'another worker cannot hand the job back');
select ok(private.defer_job('00000000-0000-4000-8000-0000000ac001', 'edge-1', 30),
  'the holder defers it while the recording uploads');
select is((select (state::text, attempt) from public.jobs where id = '00000000-0000-4000-8000-0000000ac001'),
  ('queued'::text, 0), 'a deferral does not spend the attempt');
select is((select count(*)::int from private.due_jobs('transcribe', 10)), 0, 'a deferred job is not due yet');
select throws_ok($$select private.defer_job('00000000-0000-4000-8000-0000000ac001', 'edge-1', 0)$$,
  '22023', 'INVALID_DEFER', 'a deferral needs a positive delay');

-- ab002 has no job; ab001's job dies on its last attempt.
update public.jobs set state = 'running', attempt = 3, max_attempts = 3, lease_owner = 'edge-1',
  lease_expires_at = now() - interval '1 second', run_after = now()
 where id = '00000000-0000-4000-8000-0000000ac001';
select is((select (enqueued, failed) from private.reconcile_transcriptions()), (1, 1),
  'a pending recording without a job gets one; one whose job died takes its error');
select is((select (transcription_status, transcription_error) from public.narrations
            where id = '00000000-0000-4000-8000-0000000ab001'),
  ('failed'::text, 'The worker stopped responding on the last attempt.'::text),
  'the narration shows why it failed');
select is((select count(*)::int from public.jobs where type = 'transcribe'
            and payload ->> 'narrationId' = '00000000-0000-4000-8000-0000000ab002' and state = 'queued'), 1,
  'the orphan is queued once');

select tests.authenticate_as('staff_a');
select throws_ok($$select * from private.reconcile_transcriptions()$$, '42501', null,
  'users cannot run the sweeper functions');
select tests.reset_role();

select * from finish();
rollback;
