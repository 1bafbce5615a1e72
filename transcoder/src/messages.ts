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

/** Every job type this worker handles; the handler map below must cover each one. */
export type JobMessage = TranscodeMessage
export type JobType = JobMessage['type']
export const handledJobTypes: JobType[] = ['transcode']

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
  return null
}
