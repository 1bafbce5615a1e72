-- Transcription as a job (NARR-2). The edge function runs `transcribe` jobs itself (after the
-- response, and from a sweeper a cron calls), through the same lease/attempt/backoff functions the
-- media worker uses (claim_job, fail_job, complete_job). What the worker functions lack for AI
-- jobs is here: a hand-back that does not spend an attempt while the recording is still
-- uploading, the list of due jobs for the sweeper, and the narration side of a job that died.

-- Why: the job of a narration is found by the narration id in its payload (retry, status, sweep).
create index jobs_transcribe_narration_idx on public.jobs ((payload ->> 'narrationId'))
  where type = 'transcribe';

-- Input not ready yet (the browser is still uploading the recording): back to the queue after
-- p_seconds, the attempt not counted (release_job), so a slow upload cannot exhaust the retries.
create function private.defer_job(p_job_id uuid, p_worker text, p_seconds int)
returns boolean
language plpgsql security definer
set search_path = ''
as $$
begin
  if p_seconds is null or p_seconds < 1 or p_seconds > 3600 then
    raise exception 'INVALID_DEFER' using errcode = '22023', detail = 'defer by 1–3600 seconds';
  end if;
  return private.release_job(p_job_id, p_worker, p_seconds);
end
$$;

-- Due jobs of one type, oldest first: queued and due, or running with an expired lease and
-- attempts left (the isolate running it died). Claiming stays with claim_job, so two sweepers
-- listing the same id still run it once.
create function private.due_jobs(p_type public.job_type, p_limit int default 20)
returns setof uuid
language plpgsql security definer
set search_path = ''
as $$
begin
  if p_limit is null or p_limit < 1 or p_limit > 500 then
    raise exception 'INVALID_LIMIT' using errcode = '22023', detail = 'limit must be 1–500';
  end if;
  perform private.fail_exhausted_jobs();
  return query
    select j.id from public.jobs j
     where j.type = p_type
       and ((j.state = 'queued' and j.run_after <= now())
            or (j.state = 'running' and j.lease_expires_at < now() and j.attempt < j.max_attempts))
     order by coalesce(j.lease_expires_at, j.run_after), j.created_at
     limit p_limit;
end
$$;

-- A voice narration still 'pending' must always have a live job or show an error (never stuck,
-- never silently empty): a pending recording without any job gets one (its payload is
-- contracts/jobs.ts TranscribePayload, as the narrations function writes it), and one whose last job
-- failed outside the function (lease expired on the last attempt) takes the job's error.
create function private.reconcile_transcriptions()
returns table (enqueued int, failed int)
language plpgsql security definer
set search_path = ''
as $$
declare
  v_enqueued int;
  v_failed int;
begin
  perform private.fail_exhausted_jobs();
  insert into public.jobs (org_id, media_asset_id, type, payload, created_by)
  select n.org_id, n.media_asset_id, 'transcribe', jsonb_build_object('narrationId', n.id), n.author_id
    from public.narrations n
   where n.transcription_status = 'pending' and n.audio_key is not null
     and not exists (select 1 from public.jobs j
                      where j.type = 'transcribe' and j.payload ->> 'narrationId' = n.id::text);
  get diagnostics v_enqueued = row_count;
  update public.narrations n
     set transcription_status = 'failed',
         transcription_error = coalesce(left(j.error_message, 300), 'Transcription failed.')
    from public.jobs j
   where n.transcription_status = 'pending'
     and j.type = 'transcribe' and j.payload ->> 'narrationId' = n.id::text
     and j.state in ('failed', 'cancelled')
     and not exists (select 1 from public.jobs k
                      where k.type = 'transcribe' and k.payload ->> 'narrationId' = n.id::text
                        and k.state in ('queued', 'running'));
  get diagnostics v_failed = row_count;
  return query select v_enqueued, v_failed;
end
$$;

revoke all on function private.defer_job(uuid, text, int), private.due_jobs(public.job_type, int),
  private.reconcile_transcriptions() from public, anon, authenticated;
