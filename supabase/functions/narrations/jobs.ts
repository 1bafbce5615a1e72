// NARR-2 plumbing: run a narration's transcribe job after the response (its queries are in
// job-store.ts), and the sweeper that picks up whatever an isolate left behind (queued, backed
// off, or leased by a dead one).
import { asService } from '../_shared/db.ts'
import { transcription } from '../_shared/providers/index.ts'
import * as storage from '../_shared/storage.ts'
import * as jobStore from './job-store.ts'
import { refreshEmbedding } from './store.ts'
import {
  type AttemptOutcome,
  runTranscribeAttempt,
  runTranscribeJob,
  type TranscribeDeps,
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

export function databaseDeps(): TranscribeDeps {
  return {
    worker: workerId,
    leaseSeconds: LEASE_SECONDS,
    claim: (jobId) =>
      asService('claim-transcribe-job', (tx) =>
        jobStore.claimTranscribeJob(tx, jobId, workerId, LEASE_SECONDS),
      ),
    narration: (id) =>
      asService('read-narration-for-transcription', (tx) =>
        jobStore.narrationForTranscription(tx, id),
      ),
    audio: (key) => storage.getObjectBytes(key),
    transcribe: (input) => transcription().transcribe(input),
    succeed: async (job, narrationId, text) => {
      await asService('store-transcript', async (tx) => {
        await jobStore.storeTranscript(tx, narrationId, text)
        await refreshEmbedding(tx, narrationId, text)
        await jobStore.completeJob(tx, job.id, workerId, {
          narrationId,
          characters: text.length,
        })
      })
    },
    fail: async (job, narrationId, code, message, retryable) => {
      return await asService('record-transcription-failure', async (tx) => {
        const state = await jobStore.failJob(tx, job.id, workerId, { code, message, retryable })
        if (state === 'failed') {
          await jobStore.markTranscriptionFailed(tx, narrationId, message)
        } else if (state === 'queued') {
          await jobStore.noteTranscriptionRetry(
            tx,
            narrationId,
            `Attempt ${job.attempt} of ${job.max_attempts} failed (${message}); retrying.`,
          )
        }
        const runAfter = await jobStore.jobRunAfter(tx, job.id)
        return { state, runAfter: state === 'queued' ? runAfter : null }
      })
    },
    defer: async (job, seconds) => {
      await asService('defer-transcribe-job', (tx) =>
        jobStore.deferJob(tx, job.id, workerId, seconds),
      )
    },
    complete: async (job, result) => {
      await asService('complete-transcribe-job', (tx) =>
        jobStore.completeJob(tx, job.id, workerId, result),
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
  const reconciled = await asService('reconcile-transcriptions', jobStore.reconcileTranscriptions)
  const due = await asService('list-due-transcribe-jobs', (tx) =>
    jobStore.dueTranscribeJobs(tx, limit),
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
  for (const id of due) counts[(await runTranscribeAttempt(id, deps)).kind]++
  return {
    enqueued: reconciled.enqueued,
    markedFailed: reconciled.failed,
    due: due.length,
    ...counts,
  }
}
