import { computed, ref, type Ref } from 'vue'
import { errorMessage } from '../../services/api'
import { feedApi, type WatchAnswer } from '../../services/feed'
import { watchQueueFor } from '../../services/offline'
import { isOnline } from '../../lib/dom'
import { classifyFailure, type FlushResult } from '../../lib/offline/watchQueue'

const OFFLINE_SAVED =
  "You're offline — your progress is saved on this phone and will be sent when you're back online."
const SERVER_MISSED =
  "Couldn't reach the server — your progress is saved on this phone and will be sent again."

const clipsWord = (n: number) => `clip${n === 1 ? '' : 's'}`

/**
 * FEED-2 / B-6: a clip counts as watched at ≥ 50 %. A report the server could not take waits on
 * this phone, for this user only, until the server has it (sent on the `online` event, when the feed
 * loads, and after any live report); `queueNote` and `queueError` tell the player where it stands.
 */
export function useWatchReports(options: {
  userId: Ref<string | null>
  /** The open assignment, and the clips of it the server counted. */
  assignmentId: Ref<string | null>
  completed: Ref<Set<string>>
  /** Where a report that cannot be kept either is explained. */
  viewerError: Ref<string | null>
  /** The server counted an assignment complete, or took queued reports: the inbox changed. */
  onCounted: () => void
}) {
  const { assignmentId, completed, viewerError } = options
  const watchQueue = () => (options.userId.value ? watchQueueFor(options.userId.value) : null)
  /** Bumped whenever this page changes the queue (it lives in storage, which Vue does not watch). */
  const queueVersion = ref(0)
  const queueChanged = () => void queueVersion.value++
  const queued = computed(() => {
    void queueVersion.value
    return watchQueue()?.list() ?? []
  })
  const queuedCount = computed(() => queued.value.length)
  /**
   * Clips of the open assignment whose watch waits on this phone, shown as waiting rather than
   * watched. Read from the queue, so the mark survives a reload and follows its assignment (the
   * same clip may sit in two assignments).
   */
  const pendingIds = computed(
    () =>
      new Set(
        queued.value.filter((r) => r.assignmentId === assignmentId.value).map((r) => r.segmentId),
      ),
  )
  const queueNote = ref<string | null>(null)
  const queueError = ref<string | null>(null)

  function counted(answer: WatchAnswer, forAssignment: string) {
    if (forAssignment === assignmentId.value) completed.value = new Set(answer.completedSegmentIds)
  }

  async function watched(segmentId: string, fraction: number) {
    if (!assignmentId.value || fraction < 0.5 || completed.value.has(segmentId)) return
    const report = { assignmentId: assignmentId.value, segmentId, fraction }
    try {
      const res = await feedApi.watch(report)
      counted(res, report.assignmentId)
      if (res.completed) options.onCounted()
      // Evidently online again: anything watched earlier without a connection can go now.
      if (queuedCount.value > 0) void flush().then((sent) => sent && options.onCounted())
    } catch (e) {
      // The same rule the queue follows when it sends: only a refusal for good is not worth
      // keeping (an expired session, a timeout, rate limiting or a server error say nothing about
      // the watch).
      const kind = classifyFailure(e, isOnline())
      if (kind === 'rejected') {
        viewerError.value = `Your progress could not be saved. ${errorMessage(e)}`
        return
      }
      if (watchQueue()?.add(report)) {
        queueChanged()
        queueError.value = null
        queueNote.value = isOnline() ? SERVER_MISSED : OFFLINE_SAVED
        return
      }
      viewerError.value = isOnline()
        ? 'Your progress could not be saved, and this phone could not keep it. Watch the clip again to count it.'
        : 'You are offline and this phone could not keep your progress. Watch the clip again when you are online.'
    }
  }

  /** Sends queued watches; resolves true when the server took at least one. Never rejects. */
  async function flush(): Promise<boolean> {
    const queue = watchQueue()
    if (!queue || queue.size === 0 || !isOnline()) return false
    let result: FlushResult<WatchAnswer>
    try {
      result = await queue.flush(feedApi.watch, isOnline)
    } catch {
      // Storage that stopped answering; the entries (if any) stay for the next attempt.
      return false
    }
    for (const { report, answer } of result.sent) counted(answer, report.assignmentId)
    queueChanged()
    queueNote.value = noteAfter(result, queueNote.value)
    const refused = result.rejected.length
    queueError.value = refused
      ? `Progress on ${refused} ${clipsWord(refused)} watched offline could not be counted. ${errorMessage(result.rejected[0]!.error)}`
      : null
    return result.sent.length > 0
  }

  return { queueChanged, queuedCount, pendingIds, queueNote, queueError, watched, flush }
}

/** What the player reads after a flush: news of what was sent, or the note they had. */
function noteAfter(result: FlushResult<WatchAnswer>, before: string | null): string | null {
  const n = result.sent.length
  if (n > 0) {
    return result.remaining > 0
      ? `Sent your progress on ${n} ${clipsWord(n)} watched offline; ${result.remaining} more will follow.`
      : `Your progress on ${n} ${clipsWord(n)} watched offline has been counted.`
  }
  if (result.remaining === 0) return null
  if (isOnline()) {
    return 'Your progress from watching offline could not be sent yet. It stays on this phone and is sent again when you reopen the feed.'
  }
  return before
}
