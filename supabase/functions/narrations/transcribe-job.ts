// NARR-2: a `transcribe` job, run by the edge function itself (after the response, on a retry
// request, or from the sweeper). One attempt claims the job through the database lease, so a
// job runs once even when the sweeper and a request race; failures go through fail_job's
// attempts and backoff, and the narration always ends with a transcript or a visible error.
import type { TranscribePayload } from '../../../contracts/jobs.ts'
import { ProviderError } from '../_shared/providers/types.ts'

export interface TranscribeJobRow {
  id: string
  attempt: number
  max_attempts: number
  /** Read from the jobs table, so checked before use. */
  payload: Partial<TranscribePayload>
}

export interface TranscribeNarration {
  id: string
  audio_key: string | null
  language: string
  created_at: Date
  transcription_status: string
}

/** Everything an attempt touches, injected so the retry logic is tested without a platform. */
export interface TranscribeDeps {
  worker: string
  leaseSeconds: number
  claim(jobId: string): Promise<TranscribeJobRow | null>
  narration(id: string): Promise<TranscribeNarration | null>
  audio(key: string): Promise<Uint8Array | undefined>
  transcribe(input: {
    audio: Uint8Array
    contentType: string
    language: string
    hint?: string
  }): Promise<{ text: string }>
  /** Stores the transcript (and its embedding) and completes the job, in one transaction. */
  succeed(job: TranscribeJobRow, narrationId: string, text: string): Promise<void>
  /** fail_job: 'queued' (retry after `runAfter`) or 'failed'; also updates the narration. */
  fail(
    job: TranscribeJobRow,
    narrationId: string,
    code: string,
    message: string,
    retryable: boolean,
  ): Promise<{ state: string; runAfter: Date | null }>
  defer(job: TranscribeJobRow, seconds: number): Promise<void>
  /** The narration is gone: nothing to transcribe, the job is done. */
  complete(job: TranscribeJobRow, result: Record<string, string>): Promise<void>
}

export type AttemptOutcome =
  | { kind: 'not_claimed' }
  | { kind: 'done'; text: string }
  | { kind: 'retrying'; runAfter: Date | null; error: string }
  | { kind: 'failed'; error: string }
  | { kind: 'deferred' }
  | { kind: 'skipped' }

/** How long a recording may still be uploading before the narration says it never arrived. */
export const UPLOAD_GRACE_MS = 60 * 60 * 1000
export const DEFER_SECONDS = 30

export const audioTypeOfKey = (key: string): string => {
  const ext = key.slice(key.lastIndexOf('.') + 1)
  return (
    { m4a: 'audio/mp4', webm: 'audio/webm', ogg: 'audio/ogg', mp3: 'audio/mpeg', aac: 'audio/aac' }[
      ext
    ] ?? 'audio/webm'
  )
}

/** A provider failure the next attempt may fix (timeouts, 429, 5xx, network), and its message. */
export function classify(err: unknown): { code: string; message: string; retryable: boolean } {
  if (err instanceof ProviderError) {
    return {
      code: `PROVIDER_${err.kind.toUpperCase()}`,
      message: err.message.slice(0, 300),
      retryable: err.retryable,
    }
  }
  // Offline transcription without a preview, and any unexpected error: retrying repeats it.
  const message = err instanceof Error ? err.message.slice(0, 300) : 'Transcription failed.'
  return { code: 'TRANSCRIPTION_FAILED', message, retryable: false }
}

export async function runTranscribeAttempt(
  jobId: string,
  deps: TranscribeDeps,
  now = () => Date.now(),
): Promise<AttemptOutcome> {
  const job = await deps.claim(jobId)
  if (!job) return { kind: 'not_claimed' }
  const narrationId = job.payload.narrationId
  const narration = narrationId ? await deps.narration(narrationId) : null
  if (!narrationId || !narration || !narration.audio_key) {
    await deps.complete(job, { skipped: 'narration deleted or has no recording' })
    return { kind: 'skipped' }
  }
  const audio = await deps.audio(narration.audio_key)
  if (!audio) {
    if (now() - new Date(narration.created_at).getTime() < UPLOAD_GRACE_MS) {
      await deps.defer(job, DEFER_SECONDS)
      return { kind: 'deferred' }
    }
    const error = 'The recording never finished uploading. Record the note again.'
    await deps.fail(job, narrationId, 'AUDIO_NOT_UPLOADED', error, false)
    return { kind: 'failed', error }
  }
  let text: string
  try {
    ;({ text } = await deps.transcribe({
      audio,
      contentType: audioTypeOfKey(narration.audio_key),
      language: narration.language,
      hint: job.payload.previewText,
    }))
  } catch (err) {
    const failure = classify(err)
    const { state, runAfter } = await deps.fail(
      job,
      narrationId,
      failure.code,
      failure.message,
      failure.retryable,
    )
    return state === 'queued'
      ? { kind: 'retrying', runAfter, error: failure.message }
      : { kind: 'failed', error: failure.message }
  }
  text = text.trim()
  if (!text) {
    // Never silently empty (NARR-2): an empty answer is a failure the coach sees.
    const error = 'The transcription came back empty. Type the note or record it again.'
    await deps.fail(job, narrationId, 'TRANSCRIPT_EMPTY', error, false)
    return { kind: 'failed', error }
  }
  await deps.succeed(job, narrationId, text)
  return { kind: 'done', text }
}

/**
 * Attempts until the job is done, failed for good or taken by someone else, waiting out
 * fail_job's backoff in between; `maxWaitMs` bounds how long one isolate keeps a job (a longer
 * backoff is left to the sweeper).
 */
export async function runTranscribeJob(
  jobId: string,
  deps: TranscribeDeps,
  options: {
    sleep?: (ms: number) => Promise<void>
    now?: () => number
    maxWaitMs?: number
  } = {},
): Promise<AttemptOutcome> {
  const sleep = options.sleep ?? ((ms) => new Promise<void>((r) => setTimeout(r, ms)))
  const now = options.now ?? (() => Date.now())
  const maxWaitMs = options.maxWaitMs ?? 90_000
  let waited = 0
  for (;;) {
    const outcome = await runTranscribeAttempt(jobId, deps, now)
    if (outcome.kind !== 'retrying') return outcome
    const delay = Math.max(0, (outcome.runAfter?.getTime() ?? now()) - now())
    if (waited + delay > maxWaitMs) return outcome
    waited += delay
    await sleep(delay)
  }
}
