// What the worker loop needs from a queue, whichever technology delivers the job id.
import type { MediaStatus } from '../../../contracts/enums.ts'
import type { AssetPatch, JobRow, JobState } from '../adapters/db'

export interface Lease {
  readonly job: JobRow
  /** Extends the lease; false = the lease was lost and the worker must stop publishing. */
  heartbeat(progress?: number): Promise<boolean>
  /** Writes the job's asset while the lease holds; false (nothing written) once it is lost. */
  updateAsset(patch: AssetPatch, status?: MediaStatus): Promise<boolean>
  /** Commits success (complete_job also completes a transcode's asset) and acknowledges it. */
  complete(result: unknown): Promise<boolean>
  /** Records a failure; returns 'queued' when a retry is scheduled, else 'failed'. */
  fail(code: string, message: string, retryable: boolean): Promise<JobState>
  /** Graceful hand-back: the job is immediately available to another worker. */
  release(): Promise<void>
}

export interface JobSource {
  readonly name: string
  /** Waits for the next job; null when the signal aborts (shutdown). */
  next(signal: AbortSignal): Promise<Lease | null>
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve()
    const timer = setTimeout(done, ms)
    function done() {
      clearTimeout(timer)
      signal?.removeEventListener('abort', done)
      resolve()
    }
    signal?.addEventListener('abort', done, { once: true })
  })
}
