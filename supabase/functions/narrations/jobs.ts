// NARR-2 plumbing: queue a narration's transcribe job, run it after the response, and the sweeper
// that picks up whatever an isolate left behind (queued, backed off, or leased by a dead one).
import type { TranscribePayload } from '../../../contracts/jobs.ts'
import { asService, type Tx } from '../_shared/db.ts'
import { transcription } from '../_shared/providers/index.ts'
import * as storage from '../_shared/storage.ts'
import { refreshEmbedding } from './store.ts'
import {
  type AttemptOutcome,
  runTranscribeAttempt,
  runTranscribeJob,
  type TranscribeDeps,
  type TranscribeJobRow,
  type TranscribeNarration,
} from './transcribe-job.ts'

/** Covers the Whisper client's own budget (3 × 60 s plus backoff) so a live attempt keeps it. */
const LEASE_SECONDS = 240
const workerId = `edge-narrations-${crypto.randomUUID().slice(0, 8)}`

interface EdgeRuntimeLike {
  waitUntil(promise: Promise<unknown>): void
}

/**
 * Work that outlives the response. Supabase's runtime keeps the isolate alive for promises given
 * to EdgeRuntime.waitUntil; elsewhere (the local Deno host) the promise simply runs detached. If
 * the isolate dies anyway, the job's lease expires and the sweeper runs it again.
 */
export function background(task: () => Promise<unknown>): void {
  const promise = task().catch((err) => {
    console.error(
      JSON.stringify({ level: 'error', msg: 'background task failed', error: String(err) }),
    )
  })
  const runtime = (globalThis as { EdgeRuntime?: EdgeRuntimeLike }).EdgeRuntime
  if (runtime && typeof runtime.waitUntil === 'function') runtime.waitUntil(promise)
}

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

export function databaseDeps(): TranscribeDeps {
  return {
    worker: workerId,
    leaseSeconds: LEASE_SECONDS,
    claim: async (jobId) => {
      const [job] = await asService(
        'claim-transcribe-job',
        (tx) => tx<TranscribeJobRow[]>`
          select id, attempt, max_attempts, payload
            from private.claim_job(${jobId}, ${workerId}, ${LEASE_SECONDS})
           where type = 'transcribe'`,
      )
      return job ?? null
    },
    narration: async (id) => {
      const [row] = await asService(
        'read-narration-for-transcription',
        (tx) => tx<TranscribeNarration[]>`
          select id, audio_key, language, created_at, transcription_status
            from public.narrations where id = ${id}`,
      )
      return row ?? null
    },
    audio: (key) => storage.getObjectBytes(key),
    transcribe: (input) => transcription().transcribe(input),
    succeed: async (job, narrationId, text) => {
      await asService('store-transcript', async (tx) => {
        await tx`update public.narrations set raw_transcript = ${text}, clean_transcript = null,
                   transcription_status = 'done', transcription_error = null
                 where id = ${narrationId}`
        await refreshEmbedding(tx, narrationId, text)
        await tx`select private.complete_job(${job.id}, ${workerId},
                   ${tx.json({ narrationId, characters: text.length })})`
      })
    },
    fail: async (job, narrationId, code, message, retryable) => {
      return await asService('record-transcription-failure', async (tx) => {
        const [failed] = await tx<{ state: string }[]>`
          select private.fail_job(${job.id}, ${workerId}, ${code}, ${message}, ${retryable})::text as state`
        const state = failed?.state ?? 'failed'
        if (state === 'failed') {
          await tx`update public.narrations set transcription_status = 'failed',
                     transcription_error = ${message} where id = ${narrationId}`
        } else if (state === 'queued') {
          // Still pending, but the note says why it is taking longer.
          await tx`update public.narrations set transcription_error = ${`Attempt ${job.attempt} of ${job.max_attempts} failed (${message}); retrying.`.slice(0, 500)}
                   where id = ${narrationId} and transcription_status = 'pending'`
        }
        const [row] = await tx<{ run_after: Date }[]>`
          select run_after from public.jobs where id = ${job.id}`
        return { state, runAfter: state === 'queued' ? (row?.run_after ?? null) : null }
      })
    },
    defer: async (job, seconds) => {
      await asService(
        'defer-transcribe-job',
        (tx) => tx`select private.defer_job(${job.id}, ${workerId}, ${seconds})`,
      )
    },
    complete: async (job, result) => {
      await asService(
        'complete-transcribe-job',
        (tx) => tx`select private.complete_job(${job.id}, ${workerId}, ${tx.json(result)})`,
      )
    },
  }
}

export const runJob = (jobId: string): Promise<AttemptOutcome> =>
  runTranscribeJob(jobId, databaseDeps())

/**
 * One sweep: reconcile narrations with their jobs, then one attempt of each due job (no
 * in-process waiting: a backed-off job is due on a later sweep).
 */
export async function sweepTranscriptions(limit: number) {
  const [reconciled] = await asService(
    'reconcile-transcriptions',
    (tx) => tx<{ enqueued: number; failed: number }[]>`
      select enqueued, failed from private.reconcile_transcriptions()`,
  )
  const due = await asService(
    'list-due-transcribe-jobs',
    (tx) => tx<{ id: string }[]>`select id from private.due_jobs('transcribe', ${limit}) as id`,
  )
  const counts: Record<AttemptOutcome['kind'], number> = {
    not_claimed: 0,
    done: 0,
    retrying: 0,
    failed: 0,
    deferred: 0,
    skipped: 0,
  }
  const deps = databaseDeps()
  for (const { id } of due) counts[(await runTranscribeAttempt(id, deps)).kind]++
  return {
    enqueued: reconciled?.enqueued ?? 0,
    markedFailed: reconciled?.failed ?? 0,
    due: due.length,
    ...counts,
  }
}
