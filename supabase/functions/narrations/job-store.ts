// The transcribe job's queries (NARR-2): the job row through the database's lease functions
// (claim_job, complete_job, fail_job, defer_job) and the narration fields the job writes.
import type { TranscribePayload } from '../../../contracts/jobs.ts'
import type { Tx } from '../_shared/db.ts'
import type { TranscribeJobRow, TranscribeNarration } from './transcribe-job.ts'

/**
 * The narration's live transcribe job with the latest preview text, due now; a new job (fresh
 * attempts) when the last one finished. Runs in the caller's service transaction.
 */
export async function enqueueTranscription(
  tx: Tx,
  narration: { id: string; org_id: string; media_asset_id: string },
  actor: string,
  previewText?: string,
): Promise<{ id: string; state: string }> {
  const patch: Partial<TranscribePayload> = previewText ? { previewText } : {}
  const [live] = await tx<{ id: string; state: string }[]>`
    update public.jobs
       set payload = payload || ${tx.json(patch)},
           run_after = case when state = 'queued' then least(run_after, now()) else run_after end
     where type = 'transcribe' and payload ->> 'narrationId' = ${narration.id}
       and state in ('queued', 'running')
    returning id, state::text as state`
  if (live) return live
  const [job] = await tx<{ id: string; state: string }[]>`
    insert into public.jobs (org_id, media_asset_id, type, payload, created_by)
    values (${narration.org_id}, ${narration.media_asset_id}, 'transcribe',
            ${tx.json({ narrationId: narration.id, ...patch } satisfies TranscribePayload)}, ${actor})
    returning id, state::text as state`
  return job!
}

export async function transcribeJobOf(
  tx: Tx,
  narrationId: string,
): Promise<{ id: string; state: string; attempt: number; maxAttempts: number } | null> {
  const [job] = await tx<{ id: string; state: string; attempt: number; max_attempts: number }[]>`
    select id, state::text as state, attempt, max_attempts from public.jobs
     where type = 'transcribe' and payload ->> 'narrationId' = ${narrationId}
     order by created_at desc limit 1`
  return job
    ? { id: job.id, state: job.state, attempt: job.attempt, maxAttempts: job.max_attempts }
    : null
}

/** The lease on a due transcribe job, or null when another worker holds it or it is not due. */
export async function claimTranscribeJob(
  tx: Tx,
  jobId: string,
  worker: string,
  leaseSeconds: number,
): Promise<TranscribeJobRow | null> {
  const [job] = await tx<TranscribeJobRow[]>`
    select id, attempt, max_attempts, payload
      from private.claim_job(${jobId}, ${worker}, ${leaseSeconds})
     where type = 'transcribe'`
  return job ?? null
}

export async function narrationForTranscription(
  tx: Tx,
  id: string,
): Promise<TranscribeNarration | null> {
  const [row] = await tx<TranscribeNarration[]>`
    select id, audio_key, language, created_at, transcription_status
      from public.narrations where id = ${id}`
  return row ?? null
}

export async function storeTranscript(tx: Tx, narrationId: string, text: string) {
  await tx`update public.narrations set raw_transcript = ${text}, clean_transcript = null,
             transcription_status = 'done', transcription_error = null
           where id = ${narrationId}`
}

export async function completeJob(
  tx: Tx,
  jobId: string,
  worker: string,
  result: Record<string, string | number>,
) {
  await tx`select private.complete_job(${jobId}, ${worker}, ${tx.json(result)})`
}

/** fail_job's verdict: 'queued' (another attempt after its backoff) or 'failed'. */
export async function failJob(
  tx: Tx,
  jobId: string,
  worker: string,
  error: { code: string; message: string; retryable: boolean },
): Promise<string> {
  const [failed] = await tx<{ state: string }[]>`
    select private.fail_job(${jobId}, ${worker}, ${error.code}, ${error.message},
                            ${error.retryable})::text as state`
  return failed?.state ?? 'failed'
}

export async function markTranscriptionFailed(tx: Tx, narrationId: string, message: string) {
  await tx`update public.narrations set transcription_status = 'failed',
             transcription_error = ${message} where id = ${narrationId}`
}

/** Still pending, but the note says why it is taking longer. */
export async function noteTranscriptionRetry(tx: Tx, narrationId: string, note: string) {
  await tx`update public.narrations set transcription_error = ${note.slice(0, 500)}
           where id = ${narrationId} and transcription_status = 'pending'`
}

export async function jobRunAfter(tx: Tx, jobId: string): Promise<Date | null> {
  const [row] = await tx<{ run_after: Date }[]>`
    select run_after from public.jobs where id = ${jobId}`
  return row?.run_after ?? null
}

export async function deferJob(tx: Tx, jobId: string, worker: string, seconds: number) {
  await tx`select private.defer_job(${jobId}, ${worker}, ${seconds})`
}

/** Narrations and their jobs brought back in line: missing jobs queued, hopeless ones failed. */
export async function reconcileTranscriptions(tx: Tx) {
  const [row] = await tx<{ enqueued: number; failed: number }[]>`
    select enqueued, failed from private.reconcile_transcriptions()`
  return { enqueued: row?.enqueued ?? 0, failed: row?.failed ?? 0 }
}

export async function dueTranscribeJobs(tx: Tx, limit: number): Promise<string[]> {
  const rows = await tx<{ id: string }[]>`
    select id from private.due_jobs('transcribe', ${limit}) as id`
  return rows.map((r) => r.id)
}
