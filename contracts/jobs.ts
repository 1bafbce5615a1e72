// Job payloads: what each job row carries in `jobs.payload` for whoever runs it, and the queue
// message that names a job. The row is the truth; a payload holds what the runner needs so it
// does not go back to the database for it (the worker never re-reads the asset).
//
// Writers: `transcode` is built by private.complete_upload (SQL, from the asset row it completes);
// `export` by the media function; `transcribe` by the narrations function and
// private.reconcile_transcriptions. Readers parse with `parseJobPayload`, which refuses anything
// else, so a payload that drifted from its type fails as an unsupported job, never half-read.
import type { JobType } from './enums.ts'

/** TX-1: transcode an uploaded original into the HLS ladder. */
export interface TranscodePayload {
  assetId: string
  /** The uploaded object, `assetKeys(orgId, assetId).original(fileName)`. */
  originalKey: string
}

/** MEDIA-6: one segment cut from the original into a standalone MP4 at `key`. */
export interface ClipExportPayload {
  kind: 'segment_mp4'
  assetId: string
  segmentId: string
  startSeconds: number
  endSeconds: number
  /** `assetKeys(orgId, assetId).clipExport(segmentId)` */
  key: string
  originalKey: string
}

/** NARR-2: transcribe one voice narration; `previewText` is the browser's live transcript. */
export interface TranscribePayload {
  narrationId: string
  previewText?: string
}

export interface JobPayloads {
  transcode: TranscodePayload
  export: ClipExportPayload
  transcribe: TranscribePayload
}
export type PayloadJobType = keyof JobPayloads

/** The union a runner switches on: `{ type, payload }` for every job type that has a payload. */
export type JobPayload = {
  [T in PayloadJobType]: { type: T; payload: JobPayloads[T] }
}[PayloadJobType]

/** Idempotency keys: one transcode per asset, one export per segment. */
export const idempotencyKeys = {
  /** Also built by private.complete_upload: `'transcode:' || asset id`. */
  transcode: (assetId: string) => `transcode:${assetId}`,
  export: (segmentId: string) => `export:${segmentId}`,
}

type Shape = Record<string, 'string' | 'number' | 'string?'>

const shapes: { [T in PayloadJobType]: { fixed?: Record<string, string>; fields: Shape } } = {
  transcode: { fields: { assetId: 'string', originalKey: 'string' } },
  export: {
    fixed: { kind: 'segment_mp4' },
    fields: {
      assetId: 'string',
      segmentId: 'string',
      startSeconds: 'number',
      endSeconds: 'number',
      key: 'string',
      originalKey: 'string',
    },
  },
  transcribe: { fields: { narrationId: 'string', previewText: 'string?' } },
}

/** The payload of a `type` job, or null when it is not one (missing field, wrong type). */
export function parseJobPayload<T extends PayloadJobType>(
  type: T,
  value: unknown,
): JobPayloads[T] | null {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return null
  const record = value as Record<string, unknown>
  const shape = shapes[type]
  for (const [name, expected] of Object.entries(shape.fixed ?? {})) {
    if (record[name] !== expected) return null
  }
  for (const [name, kind] of Object.entries(shape.fields)) {
    const field = record[name]
    if (
      kind === 'string?' ? field !== undefined && typeof field !== 'string' : typeof field !== kind
    )
      return null
    if (kind === 'number' && !Number.isFinite(field)) return null
    if (kind === 'string' && field === '') return null
  }
  return record as unknown as JobPayloads[T]
}

/**
 * The SQS message body (TX-1): the job id, and its type so a consumer can route without a read.
 * The functions send it (`_shared/queue.ts`), the worker reads it.
 */
export interface QueueMessage {
  jobId: string
  type: JobType
}

export function queueMessageBody(job: { id: string; type: JobType }): string {
  const message: QueueMessage = { jobId: job.id, type: job.type }
  return JSON.stringify(message)
}

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

/**
 * The job id of a queue message: the JSON body above (`job_id` and `id` are accepted too, for
 * messages sent by hand or by older senders) or a bare id. Null for anything else.
 */
export function jobIdOfMessage(body: string): string | null {
  const trimmed = body.trim()
  if (!trimmed.startsWith('{')) return uuidPattern.test(trimmed) ? trimmed : null
  try {
    const parsed = JSON.parse(trimmed) as { jobId?: unknown; job_id?: unknown; id?: unknown }
    const id = parsed.jobId ?? parsed.job_id ?? parsed.id
    return typeof id === 'string' && uuidPattern.test(id) ? id : null
  } catch {
    return null
  }
}
