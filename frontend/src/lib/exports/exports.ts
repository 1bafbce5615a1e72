// MEDIA-6 / B-4: the pure parts of exports — file names and the wait for an MP4 clip job.

/** Same rule as the export endpoint, so the saved file has the name the server would give it. */
export function safeFileStem(name: string): string {
  return name.replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 80) || 'match'
}

export function matchExportFileName(matchName: string, format: 'csv' | 'json'): string {
  return `${safeFileStem(matchName)}.${format}`
}

export function clipFileName(matchName: string, startSeconds: number, endSeconds: number): string {
  const stamp = (s: number) => {
    const whole = Math.max(0, Math.round(s))
    return `${Math.floor(whole / 60)}m${String(whole % 60).padStart(2, '0')}s`
  }
  return `${safeFileStem(matchName)}_${stamp(startSeconds)}-${stamp(endSeconds)}.mp4`
}

export interface ClipExportState {
  jobId: string
  state: string
  error?: string | null
  downloadUrl: string | null
}

export class ClipExportError extends Error {
  constructor(
    message: string,
    readonly state: string,
  ) {
    super(message)
    this.name = 'ClipExportError'
  }
}

export interface PollOptions {
  /** Asks the server again; the endpoint is idempotent, so each call just reports the job. */
  request: () => Promise<ClipExportState>
  wait: (ms: number) => Promise<void>
  onState?: (state: ClipExportState) => void
  signal?: AbortSignal
  /** Delay before the n-th retry (0-based): quick at first, then every few seconds. */
  delayMs?: (attempt: number) => number
  maxAttempts?: number
}

export const defaultDelay = (attempt: number) => Math.min(1000 * 2 ** Math.min(attempt, 3), 5000)

/**
 * Requests the MP4 cut and asks again until the worker has stored it. Resolves with the
 * presigned URL; rejects with a ClipExportError when the job failed or never finished.
 */
export async function waitForClipExport(options: PollOptions): Promise<string> {
  const delay = options.delayMs ?? defaultDelay
  const maxAttempts = options.maxAttempts ?? 120
  for (let attempt = 0; attempt < maxAttempts; attempt++) {
    if (options.signal?.aborted) throw new ClipExportError('The export was cancelled.', 'cancelled')
    const current = await options.request()
    options.onState?.(current)
    if (current.downloadUrl) return current.downloadUrl
    if (current.state === 'failed' || current.state === 'cancelled') {
      throw new ClipExportError(
        `The MP4 could not be made${current.error ? `: ${current.error}` : '.'} Try again later or ask an admin to look at the job.`,
        current.state,
      )
    }
    await options.wait(delay(attempt))
  }
  throw new ClipExportError(
    'The MP4 is taking longer than usual. It keeps being prepared; press the button again in a few minutes.',
    'timeout',
  )
}
