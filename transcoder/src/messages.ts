// Job messages: a typed union built from the claimed job row, and the outcomes handlers return.
import type { AssetPatch, JobRow } from './adapters/db'
import type { MediaErrorCode } from './errors'

export interface TranscodeMessage {
  type: 'transcode'
  jobId: string
  orgId: string
  assetId: string
  attempt: number
  maxAttempts: number
}

/** MEDIA-6: one segment of an asset cut to a standalone MP4 at `key`. */
export interface ClipExportMessage {
  type: 'export'
  jobId: string
  orgId: string
  assetId: string
  segmentId: string
  startSeconds: number
  endSeconds: number
  key: string
  attempt: number
  maxAttempts: number
}

/** Every job type this worker handles; the handler map in handler.ts must cover each one. */
export type JobMessage = TranscodeMessage | ClipExportMessage
export type JobType = JobMessage['type']
export const handledJobTypes: JobType[] = ['transcode', 'export']

export type Outcome =
  | { status: 'succeeded'; result: Record<string, unknown>; patch: AssetPatch }
  | { status: 'failed'; code: MediaErrorCode; message: string; detail: string }
  | { status: 'retry'; code: MediaErrorCode; message: string; detail: string }
  /** Stopped on purpose (shutdown or lost lease): hand back, record nothing. */
  | { status: 'interrupted'; reason: 'shutdown' | 'lease-lost' }

export function toMessage(job: JobRow): JobMessage | null {
  if (job.type === 'transcode' && job.media_asset_id) {
    return {
      type: 'transcode',
      jobId: job.id,
      orgId: job.org_id,
      assetId: job.media_asset_id,
      attempt: job.attempt,
      maxAttempts: job.max_attempts,
    }
  }
  const p = job.payload
  if (
    job.type === 'export' &&
    job.media_asset_id &&
    p.kind === 'segment_mp4' &&
    typeof p.segmentId === 'string' &&
    typeof p.key === 'string' &&
    typeof p.startSeconds === 'number' &&
    typeof p.endSeconds === 'number'
  ) {
    return {
      type: 'export',
      jobId: job.id,
      orgId: job.org_id,
      assetId: job.media_asset_id,
      segmentId: p.segmentId,
      startSeconds: p.startSeconds,
      endSeconds: p.endSeconds,
      key: p.key,
      attempt: job.attempt,
      maxAttempts: job.max_attempts,
    }
  }
  return null
}
