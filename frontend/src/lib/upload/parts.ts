import type { UploadPart } from '../types'
import type { PutPart, UploadBackend, UploadItem } from './queue'
import { AbortedError, PartError } from './xhr'

// MEDIA-1 / B-2: one file's parts on their way to storage — which are missing, where each goes,
// retries with backoff, and the progress and speed the upload row shows.

/** What sending parts needs from the queue's options. */
export interface PartOptions {
  backend: Pick<UploadBackend, 'partUrls'>
  putPart: PutPart
  partConcurrency: number
  maxPartAttempts: number
  partUrlBatch: number
  backoffMs: (attempt: number) => number
  sleep: (ms: number) => Promise<void>
  now: () => number
}

/** One run of an item: its abort switch and the bytes behind its progress and speed. */
export interface Run {
  controller: AbortController
  inFlight: Map<number, number>
  completedBytes: number
  samples: { t: number; bytes: number }[]
  sessionBytes: number
}

export interface Plan {
  partSize: number
  /** Part numbers storage does not hold yet, ascending. */
  missing: number[]
  urls: Map<number, string>
  /** The part-URL request in flight, if any. */
  fetching: Promise<void> | null
  etags: { partNumber: number; etag: string | null }[]
  storedBytes: number
}

export type PartResult = { partNumber: number; etag: string | null }

const SPEED_WINDOW_MS = 5000

export function newRun(): Run {
  return {
    controller: new AbortController(),
    inFlight: new Map(),
    completedBytes: 0,
    samples: [],
    sessionBytes: 0,
  }
}

export function isStopped(item: UploadItem): boolean {
  return item.status === 'cancelled'
}

/** The parts still to send, given what storage already holds; sets the item's counters. */
export function planParts(
  item: UploadItem,
  partSize: number,
  partCount: number | undefined,
  firstUrls: UploadPart[],
  stored: { partNumber: number; size: number; etag: string }[],
): Plan {
  const total = partCount ?? Math.max(1, Math.ceil(item.size / partSize))
  item.partsTotal = total
  item.partsDone = stored.length
  item.resumed = stored.length > 0
  const storedBytes = stored.reduce((sum, p) => sum + p.size, 0)
  item.uploadedBytes = storedBytes
  const have = new Set(stored.map((p) => p.partNumber))
  const missing: number[] = []
  for (let n = 1; n <= total; n++) if (!have.has(n)) missing.push(n)
  return {
    partSize,
    missing,
    urls: new Map(firstUrls.map((p) => [p.partNumber, p.url])),
    fetching: null,
    etags: stored.map((p) => ({ partNumber: p.partNumber, etag: p.etag })),
    storedBytes,
  }
}

/** Sends the missing parts, `partConcurrency` at a time; resolves every part's etag in order. */
export async function sendParts(
  o: PartOptions,
  item: UploadItem,
  run: Run,
  plan: Plan,
): Promise<PartResult[]> {
  run.completedBytes = plan.storedBytes
  const results: PartResult[] = [...plan.etags]
  const pending = [...plan.missing]
  let failure: unknown = null

  const worker = async () => {
    while (pending.length && !failure && !isStopped(item)) {
      const partNumber = pending.shift() as number
      try {
        const etag = await sendPart(o, item, run, plan, partNumber, pending)
        results.push({ partNumber, etag })
        item.partsDone++
      } catch (error) {
        failure ??= error
        run.controller.abort()
      }
    }
  }
  await Promise.all(Array.from({ length: o.partConcurrency }, worker))
  if (failure) throw failure
  return results.sort((a, b) => a.partNumber - b.partNumber)
}

/**
 * The URL for `partNumber`, asking the server for a batch (this part and the next ones still
 * waiting without a URL) when there is none. Concurrent parts share one request.
 */
async function urlFor(
  o: PartOptions,
  item: UploadItem,
  plan: Plan,
  partNumber: number,
  waiting: number[],
) {
  for (let asked = 0; ; asked++) {
    const url = plan.urls.get(partNumber)
    if (url) return url
    if (plan.fetching) {
      await plan.fetching
      continue
    }
    if (asked >= 2) throw new Error('The server did not hand out an upload address for a part.')
    const wanted = [
      partNumber,
      ...waiting.filter((n) => n !== partNumber && !plan.urls.has(n)),
    ].slice(0, o.partUrlBatch)
    plan.fetching = o.backend
      .partUrls(item.assetId as string, wanted)
      .then(({ parts }) => {
        for (const p of parts) plan.urls.set(p.partNumber, p.url)
      })
      .finally(() => {
        plan.fetching = null
      })
    await plan.fetching
  }
}

async function sendPart(
  o: PartOptions,
  item: UploadItem,
  run: Run,
  plan: Plan,
  partNumber: number,
  waiting: number[],
): Promise<string | null> {
  const start = (partNumber - 1) * plan.partSize
  const body = item.file.slice(start, Math.min(item.size, start + plan.partSize))
  for (let attempt = 1; ; attempt++) {
    try {
      const url = await urlFor(o, item, plan, partNumber, waiting)
      if (isStopped(item)) throw new AbortedError()
      const etag = await o.putPart(
        url,
        body,
        (loaded) => progress(o, item, run, partNumber, loaded),
        run.controller.signal,
      )
      run.inFlight.delete(partNumber)
      run.completedBytes += body.size
      progress(o, item, run, partNumber, 0)
      return etag
    } catch (error) {
      run.inFlight.delete(partNumber)
      progress(o, item, run, partNumber, 0)
      if (error instanceof AbortedError || isStopped(item)) throw new AbortedError()
      if (attempt >= o.maxPartAttempts || !isRetryable(error)) throw error
      await o.sleep(o.backoffMs(attempt))
      if (error instanceof PartError && error.status === 403) {
        // Presigned URLs expire after an hour; the next attempt asks for a fresh one.
        plan.urls.delete(partNumber)
      }
    }
  }
}

function progress(
  o: PartOptions,
  item: UploadItem,
  run: Run,
  partNumber: number,
  loaded: number,
): void {
  const before = run.inFlight.get(partNumber) ?? 0
  if (loaded) run.inFlight.set(partNumber, loaded)
  if (loaded > before) run.sessionBytes += loaded - before
  let inFlight = 0
  for (const v of run.inFlight.values()) inFlight += v
  item.uploadedBytes = Math.min(item.size, run.completedBytes + inFlight)

  const t = o.now()
  run.samples.push({ t, bytes: run.sessionBytes })
  while (run.samples.length > 2 && t - (run.samples[0] as { t: number }).t > SPEED_WINDOW_MS) {
    run.samples.shift()
  }
  const first = run.samples[0] as { t: number; bytes: number }
  const elapsed = (t - first.t) / 1000
  if (elapsed >= 0.5) {
    item.speedBps = (run.sessionBytes - first.bytes) / elapsed
    item.etaSeconds = item.speedBps > 0 ? (item.size - item.uploadedBytes) / item.speedBps : null
  }
}

function isRetryable(error: unknown): boolean {
  if (error instanceof PartError) {
    return (
      error.status === 0 ||
      error.status === 403 ||
      error.status === 408 ||
      error.status === 429 ||
      error.status >= 500
    )
  }
  // Asking the server for part URLs failed on the way (offline, busy): try again like a part.
  const status = (error as { status?: unknown })?.status
  return typeof status === 'number' && (status === 0 || status === 429 || status >= 500)
}
