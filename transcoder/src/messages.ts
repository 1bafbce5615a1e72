// Job messages: a typed union built from the claimed job row and its payload (contracts/jobs.ts),
// and the outcomes handlers return. The payload carries what a handler needs, so no handler goes
// back to the database for the asset; the row's org and asset are the ones the API checked.
import { parseJobPayload } from '../../contracts/jobs.ts'
import { assetKeys, type AssetKeys } from '../../contracts/keys.ts'
import type { JobRow } from './adapters/db'
import type { MediaErrorCode } from './errors'

interface MessageBase {
  jobId: string
  orgId: string
  assetId: string
  /** Where everything of the asset lives (contracts/keys.ts). */
  keys: AssetKeys
  /** The uploaded file to read. */
  originalKey: string
  attempt: number
  maxAttempts: number
}

export interface TranscodeMessage extends MessageBase {
  type: 'transcode'
}

/** MEDIA-6: one segment of an asset cut to a standalone MP4 at `key`. */
export interface ClipExportMessage extends MessageBase {
  type: 'export'
  segmentId: string
  startSeconds: number
  endSeconds: number
  key: string
}

/** Every job type this worker handles; the handler map in handler.ts must cover each one. */
export type JobMessage = TranscodeMessage | ClipExportMessage
export type JobType = JobMessage['type']
export const handledJobTypes: JobType[] = ['transcode', 'export']

export type Outcome =
  | { status: 'succeeded'; result: Record<string, unknown> }
  | { status: 'failed'; code: MediaErrorCode; message: string; detail: string }
  | { status: 'retry'; code: MediaErrorCode; message: string; detail: string }
  /** Stopped on purpose (shutdown or lost lease): hand back, record nothing. */
  | { status: 'interrupted'; reason: 'shutdown' | 'lease-lost' }

/** The message of a claimed job, or null when its type or payload is not one this worker runs. */
export function toMessage(job: JobRow): JobMessage | null {
  const assetId = job.media_asset_id
  if (!assetId) return null
  const base = {
    jobId: job.id,
    orgId: job.org_id,
    assetId,
    keys: assetKeys(job.org_id, assetId),
    attempt: job.attempt,
    maxAttempts: job.max_attempts,
  }
  if (job.type === 'transcode') {
    const payload = parseJobPayload('transcode', job.payload)
    if (payload?.assetId !== assetId) return null
    return { type: 'transcode', ...base, originalKey: payload.originalKey }
  }
  if (job.type === 'export') {
    const payload = parseJobPayload('export', job.payload)
    if (payload?.assetId !== assetId) return null
    return {
      type: 'export',
      ...base,
      originalKey: payload.originalKey,
      segmentId: payload.segmentId,
      startSeconds: payload.startSeconds,
      endSeconds: payload.endSeconds,
      key: payload.key,
    }
  }
  return null
}
