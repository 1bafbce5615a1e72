// NARR-2 job logic without a platform: attempts, backoff, deferral and the never-empty rule,
// against an in-memory model of claim_job / fail_job / defer_job.
import assert from 'node:assert/strict'
import { ProviderError } from '../_shared/providers/types.ts'
import {
  runTranscribeAttempt,
  runTranscribeJob,
  type TranscribeDeps,
  UPLOAD_GRACE_MS,
} from './transcribe-job.ts'

function harness(options: {
  results: Array<string | Error>
  audio?: boolean
  createdAt?: Date
  maxAttempts?: number
}) {
  const job = {
    id: 'job-1',
    state: 'queued',
    attempt: 0,
    max_attempts: options.maxAttempts ?? 3,
    runAfter: 0,
    payload: { narrationId: 'n-1', previewText: 'hint' } as {
      narrationId?: string
      previewText?: string
    },
  }
  const narration = {
    id: 'n-1',
    audio_key: 'orgs/o/narrations/n-1/audio.webm',
    language: 'en',
    created_at: options.createdAt ?? new Date(0),
    transcription_status: 'pending',
    transcription_error: null as string | null,
    text: '',
  }
  let clock = 1_000_000
  const calls: string[] = []
  const deps: TranscribeDeps = {
    worker: 'w',
    leaseSeconds: 60,
    claim: (id) => {
      if (id !== job.id || job.state !== 'queued' || job.attempt >= job.max_attempts) {
        return Promise.resolve(null)
      }
      job.state = 'running'
      job.attempt++
      return Promise.resolve({ ...job })
    },
    narration: () => Promise.resolve(narration),
    audio: () => Promise.resolve(options.audio === false ? undefined : new Uint8Array([1, 2, 3])),
    transcribe: (input) => {
      calls.push(`${input.contentType}|${input.hint}`)
      const next = options.results.shift()
      if (next === undefined) throw new Error('unexpected call')
      return next instanceof Error ? Promise.reject(next) : Promise.resolve({ text: next })
    },
    succeed: (_job, _id, text) => {
      narration.text = text
      narration.transcription_status = 'done'
      job.state = 'succeeded'
      return Promise.resolve()
    },
    fail: (_job, _id, _code, message, retryable) => {
      if (retryable && job.attempt < job.max_attempts) {
        job.state = 'queued'
        // fail_job's backoff: 10 s, 20 s, 40 s …
        job.runAfter = clock + 10_000 * 2 ** (job.attempt - 1)
        narration.transcription_error = `retrying: ${message}`
        return Promise.resolve({ state: 'queued', runAfter: new Date(job.runAfter) })
      }
      job.state = 'failed'
      narration.transcription_status = 'failed'
      narration.transcription_error = message
      return Promise.resolve({ state: 'failed', runAfter: null })
    },
    defer: () => {
      job.state = 'queued'
      job.attempt--
      return Promise.resolve()
    },
    complete: () => {
      job.state = 'succeeded'
      return Promise.resolve()
    },
  }
  const sleeps: number[] = []
  const sleep = (ms: number) => {
    sleeps.push(ms)
    clock += ms
    return Promise.resolve()
  }
  return { job, narration, deps, calls, sleeps, sleep, now: () => clock }
}

const unavailable = () => new ProviderError('openai-whisper', 503, 'overloaded')

Deno.test(
  'NARR-2: a retryable failure is retried after the backoff and then succeeds',
  async () => {
    const h = harness({ results: [unavailable(), unavailable(), 'kick chase was late'] })
    const outcome = await runTranscribeJob('job-1', h.deps, { sleep: h.sleep, now: h.now })
    assert.deepEqual(outcome, { kind: 'done', text: 'kick chase was late' })
    assert.deepEqual(h.sleeps, [10_000, 20_000])
    assert.equal(h.job.attempt, 3)
    assert.equal(h.narration.transcription_status, 'done')
    assert.equal(h.calls[0], 'audio/webm|hint')
  },
)

Deno.test('NARR-2: retries stop at max attempts and the narration shows the error', async () => {
  const h = harness({ results: [unavailable(), unavailable(), unavailable()] })
  const outcome = await runTranscribeJob('job-1', h.deps, { sleep: h.sleep, now: h.now })
  assert.equal(outcome.kind, 'failed')
  assert.equal(h.job.state, 'failed')
  assert.equal(h.narration.transcription_status, 'failed')
  assert.match(h.narration.transcription_error ?? '', /overloaded/)
})

Deno.test('NARR-2: a refusal (4xx) is final at once, no retry', async () => {
  const h = harness({ results: [new ProviderError('openai-whisper', 400, 'bad audio')] })
  const outcome = await runTranscribeJob('job-1', h.deps, { sleep: h.sleep, now: h.now })
  assert.equal(outcome.kind, 'failed')
  assert.deepEqual(h.sleeps, [])
  assert.equal(h.job.attempt, 1)
})

Deno.test('NARR-2: an empty transcript is a visible failure, never silence', async () => {
  const h = harness({ results: ['   '] })
  const outcome = await runTranscribeAttempt('job-1', h.deps, h.now)
  assert.equal(outcome.kind, 'failed')
  assert.equal(h.narration.transcription_status, 'failed')
  assert.match(h.narration.transcription_error ?? '', /empty/)
})

Deno.test(
  'NARR-2: a backoff longer than the in-process budget is left to the sweeper',
  async () => {
    const h = harness({ results: [unavailable()] })
    const outcome = await runTranscribeJob('job-1', h.deps, {
      sleep: h.sleep,
      now: h.now,
      maxWaitMs: 5_000,
    })
    assert.equal(outcome.kind, 'retrying')
    assert.equal(h.job.state, 'queued')
    assert.equal(h.narration.transcription_status, 'pending')
    assert.deepEqual(h.sleeps, [])
  },
)

Deno.test('NARR-2: audio still uploading defers without spending an attempt', async () => {
  const fresh = harness({ results: [], audio: false, createdAt: new Date(1_000_000) })
  assert.equal((await runTranscribeAttempt('job-1', fresh.deps, fresh.now)).kind, 'deferred')
  assert.equal(fresh.job.attempt, 0)
  assert.equal(fresh.job.state, 'queued')
  const abandoned = harness({ results: [], audio: false, createdAt: new Date(0) })
  const later = () => UPLOAD_GRACE_MS + 1
  assert.equal((await runTranscribeAttempt('job-1', abandoned.deps, later)).kind, 'failed')
  assert.match(abandoned.narration.transcription_error ?? '', /never finished uploading/)
})

Deno.test('NARR-2: a job another worker holds is not run twice', async () => {
  const h = harness({ results: ['x'] })
  h.job.state = 'running'
  assert.equal((await runTranscribeAttempt('job-1', h.deps, h.now)).kind, 'not_claimed')
  assert.deepEqual(h.calls, [])
})
