// B-6 / FEED-2: watch progress made without a connection, kept on the device until the server has
// it. `POST feed/watch` is safe to replay: the server only ever adds a segment to the completed
// set (at ≥ 50 %) and sets `completed_at` once, so sending a report twice, late, or after a
// higher one never lowers anyone's progress.

export interface WatchReport {
  assignmentId: string
  segmentId: string
  fraction: number
}

export interface QueuedWatch extends WatchReport {
  userId: string
  /** Order of first queueing, so the oldest watch is sent first. */
  seq: number
}

/** The part of `Storage` the queue needs, so tests can hand in a plain map. */
export interface KeyValueStore {
  getItem(key: string): string | null
  setItem(key: string, value: string): void
  removeItem(key: string): void
}

/**
 * What a failed report means for the queue:
 * - `offline`: no answer from the server; keep it and stop, the next flush tries again;
 * - `retry`: the server answered but may take it later (5xx, 401, 408, 429); keep it and stop;
 * - `rejected`: the server refused it for good (e.g. the assignment was removed); drop it.
 */
export type FailureKind = 'offline' | 'retry' | 'rejected'

export function classifyFailure(error: unknown, online: boolean): FailureKind {
  const status =
    typeof error === 'object' && error !== null && typeof Reflect.get(error, 'status') === 'number'
      ? (Reflect.get(error, 'status') as number)
      : null
  // An expired session (401), a timeout (408) or rate limiting (429) says nothing about the
  // report itself; dropping it would lose a watch the player really made.
  if (status !== null && status >= 400 && status < 500 && ![401, 408, 429].includes(status)) {
    return 'rejected'
  }
  if (!online) return 'offline'
  // Status 0 is the API client's "no HTTP answer"; a TypeError is what fetch throws then.
  if (status === null || status === 0) return 'offline'
  return 'retry'
}

export const QUEUE_KEY_PREFIX = 'rc-watch-queue:'
/** One entry per assigned clip already bounds the queue; this guards against a broken caller. */
export const MAX_ENTRIES = 500

export interface FlushResult<T> {
  sent: { report: QueuedWatch; answer: T }[]
  rejected: { report: QueuedWatch; error: unknown }[]
  /** Why the flush stopped early, if it did; what is left stays queued. */
  stopped: 'offline' | 'retry' | null
  remaining: number
}

const entryKey = (r: WatchReport) => `${r.assignmentId}:${r.segmentId}`

function isQueuedWatch(value: unknown): value is QueuedWatch {
  if (typeof value !== 'object' || value === null) return false
  const v = value as Record<string, unknown>
  return (
    typeof v.userId === 'string' &&
    typeof v.assignmentId === 'string' &&
    typeof v.segmentId === 'string' &&
    typeof v.fraction === 'number' &&
    v.fraction >= 0 &&
    v.fraction <= 1 &&
    typeof v.seq === 'number'
  )
}

/**
 * The queue of one signed-in user. Each user's entries live under their own storage key and are
 * checked against the user id again on read, so another account on the same phone never sends
 * (or even sees) them.
 */
export class WatchQueue {
  private flushing: Promise<FlushResult<unknown>> | null = null

  constructor(
    private readonly store: KeyValueStore,
    readonly userId: string,
  ) {
    if (!userId) throw new Error('A watch queue belongs to a signed-in user.')
  }

  private get key(): string {
    return `${QUEUE_KEY_PREFIX}${this.userId}`
  }

  private read(): Map<string, QueuedWatch> {
    let parsed: unknown
    try {
      // A store that throws (storage disabled) or holds something else reads as empty.
      parsed = JSON.parse(this.store.getItem(this.key) ?? '[]')
    } catch {
      parsed = []
    }
    const entries = Array.isArray(parsed) ? parsed.filter(isQueuedWatch) : []
    return new Map(entries.filter((e) => e.userId === this.userId).map((e) => [entryKey(e), e]))
  }

  private write(entries: Map<string, QueuedWatch>): void {
    if (entries.size === 0) this.store.removeItem(this.key)
    else this.store.setItem(this.key, JSON.stringify([...entries.values()]))
  }

  /** Queued reports, oldest first. */
  list(): QueuedWatch[] {
    return [...this.read().values()].sort((a, b) => a.seq - b.seq)
  }

  get size(): number {
    return this.read().size
  }

  /**
   * Keeps a report for later, merged with any earlier one for the same clip so only the highest
   * fraction is kept. Returns false when the device would not store it (private mode, full quota).
   */
  add(report: WatchReport): boolean {
    if (!(report.fraction >= 0 && report.fraction <= 1)) {
      throw new RangeError(`A watched fraction is between 0 and 1, not ${report.fraction}.`)
    }
    try {
      const entries = this.read()
      const key = entryKey(report)
      const earlier = entries.get(key)
      const seq = earlier?.seq ?? Math.max(0, ...[...entries.values()].map((e) => e.seq)) + 1
      entries.set(key, {
        userId: this.userId,
        assignmentId: report.assignmentId,
        segmentId: report.segmentId,
        fraction: Math.max(report.fraction, earlier?.fraction ?? 0),
        seq,
      })
      if (entries.size > MAX_ENTRIES) {
        const oldest = [...entries.entries()].sort((a, b) => a[1].seq - b[1].seq)[0]
        if (oldest) entries.delete(oldest[0])
      }
      this.write(entries)
      return true
    } catch {
      return false
    }
  }

  /** Forgets one report, unless a higher fraction was queued for it since `sent` went out. */
  private settle(sent: QueuedWatch): void {
    const entries = this.read()
    const now = entries.get(entryKey(sent))
    if (now && now.fraction <= sent.fraction) {
      entries.delete(entryKey(sent))
      this.write(entries)
    }
  }

  /**
   * Sends queued reports oldest first. An entry is dropped only once the server accepted it, or
   * refused it for good; no connection (or a server that cannot take it now) stops the flush and
   * keeps the rest for the next one. Overlapping calls share one run, so a report is never in
   * flight twice from this tab.
   */
  flush<T>(
    send: (report: WatchReport) => Promise<T>,
    isOnline: () => boolean = () => true,
  ): Promise<FlushResult<T>> {
    this.flushing ??= this.run(send, isOnline).finally(() => {
      this.flushing = null
    })
    return this.flushing as Promise<FlushResult<T>>
  }

  private async run<T>(
    send: (report: WatchReport) => Promise<T>,
    isOnline: () => boolean,
  ): Promise<FlushResult<T>> {
    const result: FlushResult<T> = { sent: [], rejected: [], stopped: null, remaining: 0 }
    for (const report of this.list()) {
      if (!isOnline()) {
        result.stopped = 'offline'
        break
      }
      try {
        const answer = await send({
          assignmentId: report.assignmentId,
          segmentId: report.segmentId,
          fraction: report.fraction,
        })
        this.settle(report)
        result.sent.push({ report, answer })
      } catch (error) {
        const kind = classifyFailure(error, isOnline())
        if (kind === 'rejected') {
          this.settle(report)
          result.rejected.push({ report, error })
          continue
        }
        result.stopped = kind
        break
      }
    }
    result.remaining = this.size
    return result
  }
}
