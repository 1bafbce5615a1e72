import { computed, ref } from 'vue'
import { errorMessage } from '../../services/api'
import { assignmentsApi, type AssignmentClip } from '../../services/assignments'
import type { InboxItem, Moment } from '../../services/feed'
import { getPlayback } from '../../services/media'
import type { SavedClip } from '../../services/offline'

/** How far a swipe must travel (px) to change clip. */
const SWIPE_PX = 60

/**
 * FEED-1: the clip viewer of the feed — an assignment's clips in order, a moment, or a clip saved on
 * the device — and which clips of the open assignment the server counted as watched.
 */
export function useFeedViewer() {
  const open = ref<InboxItem | null>(null)
  /** The assignment whose progress a watch counts for (also for a saved clip opened offline). */
  const assignmentId = ref<string | null>(null)
  const clips = ref<AssignmentClip[]>([])
  const index = ref(0)
  const completed = ref<Set<string>>(new Set())
  const error = ref<string | null>(null)
  const clip = computed(() => clips.value[index.value] ?? null)

  function show(list: AssignmentClip[], from: InboxItem | null, forAssignment: string | null) {
    open.value = from
    assignmentId.value = forAssignment
    clips.value = list
    index.value = 0
  }

  async function openAssignment(item: InboxItem) {
    error.value = null
    open.value = item
    assignmentId.value = item.assignmentId
    index.value = 0
    try {
      clips.value = (await assignmentsApi.get(item.assignmentId)).segments
      preloadNext()
    } catch (e) {
      error.value = `The assignment could not be opened. ${errorMessage(e)}`
    }
  }

  function openMoment(m: Moment) {
    show([momentClip(m)], null, null)
  }

  function openSaved(c: SavedClip) {
    error.value = null
    show([savedClip(c)], null, c.assignmentId)
  }

  function preloadNext() {
    const next = clips.value[index.value + 1]
    if (next) void getPlayback(next.media_asset_id).catch(() => undefined)
  }

  function go(by: number) {
    const to = index.value + by
    if (to < 0 || to >= clips.value.length) return
    index.value = to
    preloadNext()
  }

  let touchX: number | null = null
  function onTouchStart(x: number) {
    touchX = x
  }
  function onTouchEnd(x: number) {
    if (touchX === null) return
    const dx = x - touchX
    touchX = null
    if (Math.abs(dx) > SWIPE_PX) go(dx < 0 ? 1 : -1)
  }

  return {
    open,
    assignmentId,
    clips,
    index,
    completed,
    error,
    clip,
    openAssignment,
    openMoment,
    openSaved,
    go,
    onTouchStart,
    onTouchEnd,
  }
}

const momentClip = (m: Moment): AssignmentClip => ({
  id: m.segment_id,
  media_asset_id: m.media_asset_id,
  start_seconds: m.start_seconds,
  end_seconds: m.end_seconds,
  title: m.title ?? m.media_name,
})

const savedClip = (c: SavedClip): AssignmentClip => ({
  id: c.segmentId,
  media_asset_id: c.assetId,
  start_seconds: c.start,
  end_seconds: c.end,
  title: c.title,
})
