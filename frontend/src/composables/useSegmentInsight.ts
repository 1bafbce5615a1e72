import {
  computed,
  getCurrentInstance,
  onBeforeUnmount,
  ref,
  toValue,
  type MaybeRefOrGetter,
} from 'vue'
import { errorMessage } from '../services/api'
import { insightsApi } from '../services/insights'
import { abortable, isOnline, type Abort } from '../lib/dom'
import { hasContent, refreshNote, type RefreshReason, type SegmentInsight } from '../lib/insights'

export interface SegmentInsightOptions {
  /** Leads the error text, e.g. "Coach notes could not be loaded." */
  failure: string
  /** A read that fails because the connection dropped shows no error (the feed says "offline"). */
  quietOffline?: boolean
}

/**
 * AI-1: one clip's insight as the review card and the feed read it. The server decides whether a
 * read regenerates it, and answers `{ insight: null }` while the clip has no transcribed
 * narration, so `answered` (not `insight`) tells "still loading" from "nothing to show".
 */
export function useSegmentInsight(
  segmentId: MaybeRefOrGetter<string>,
  options: SegmentInsightOptions,
) {
  const insight = ref<SegmentInsight | null>(null)
  /** The server has answered for this clip (its answer may be "no insight yet"). */
  const answered = ref(false)
  const loading = ref(false)
  const error = ref<string | null>(null)
  /** What changed after a refresh ("regenerated from 3 narrations…"); null after a first read. */
  const note = ref<string | null>(null)
  const content = computed(() => hasContent(insight.value))
  let controller: Abort | null = null
  /** The reason of the read that failed, so trying again reports its outcome the same way. */
  let failedReason: RefreshReason = 'first'

  /** Stops a read in flight; its answer, if it still arrives, is ignored. */
  function stop() {
    controller?.abort()
    controller = null
    loading.value = false
  }

  /** Drops any read in flight and the messages about it (the caller decided not to read). */
  function skip() {
    stop()
    error.value = null
    note.value = null
  }

  async function load(reason: RefreshReason = 'first'): Promise<void> {
    stop()
    const mine = abortable()
    controller = mine
    loading.value = true
    error.value = null
    try {
      const answer = await insightsApi.segment(toValue(segmentId), mine.signal)
      if (mine.signal.aborted) return
      note.value = refreshNote(answer, insight.value, reason)
      insight.value = answer.insight
      answered.value = true
    } catch (e) {
      if (mine.signal.aborted) return
      failedReason = reason
      error.value =
        options.quietOffline && !isOnline() ? null : `${options.failure} ${errorMessage(e)}`
    } finally {
      if (controller === mine) {
        controller = null
        loading.value = false
      }
    }
  }

  /** Repeats the read that failed, with the reason it had. */
  const retry = () => load(failedReason)

  if (getCurrentInstance()) onBeforeUnmount(stop)

  return { insight, answered, loading, error, note, hasContent: content, load, retry, skip }
}
