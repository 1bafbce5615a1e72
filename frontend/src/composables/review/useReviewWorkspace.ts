import {
  computed,
  inject,
  onBeforeUnmount,
  onMounted,
  provide,
  ref,
  watch,
  type InjectionKey,
} from 'vue'
import { useAction } from '../useAction'
import { useCodingMode } from './useCodingMode'
import { useTagSuggestions } from './useTagSuggestions'
import { narrationsApi, type Narration } from '../../services/narrations'
import { orgsApi, type OrgMember } from '../../services/orgs'
import { segmentsApi, type Segment } from '../../services/segments'
import { tagsApi, type TaxonomyTag } from '../../services/tags'
import { onWindowKeydown } from '../../lib/dom'
import type { RefreshReason } from '../../lib/insights'

/** What the player page tells the review panel. */
export interface ReviewPanelProps {
  orgId: string
  mediaAssetId: string
  duration: number
  currentTime: number
  canEdit: boolean
  initialSegmentId?: string | null
  /** Names exported files (MEDIA-6). */
  mediaName?: string
}

export interface ReviewPanelEvents {
  seek: (seconds: number) => void
  coding: (on: boolean) => void
}

/**
 * The state the review panel's parts share: the match's clips and narrations, the selected clip and
 * its timing draft, the taxonomy and the members. Every write goes through one `useAction`, so one
 * busy flag holds every button and one status and one error line speak for the whole panel.
 */
function createReviewCore(props: ReviewPanelProps, emit: ReviewPanelEvents) {
  const action = useAction()
  const { run } = action
  const segments = ref<Segment[]>([])
  const narrations = ref<Narration[]>([])
  const taxonomy = ref<TaxonomyTag[]>([])
  const members = ref<OrgMember[]>([])
  const selectedId = ref<string | null>(props.initialSegmentId ?? null)
  const sourceFilter = ref('')
  const selected = computed(() => segments.value.find((s) => s.id === selectedId.value) ?? null)

  // AI-1: the insight card re-reads only after a narration of the shown clip really changed.
  const insightRevision = ref<{ count: number; reason: RefreshReason }>({
    count: 0,
    reason: 'first',
  })
  function narrationChanged(segmentId: string | null | undefined, reason: RefreshReason) {
    if (segmentId && segmentId === selectedId.value) {
      insightRevision.value = { count: insightRevision.value.count + 1, reason }
    }
  }

  const tagLabel = (key: string | null) =>
    taxonomy.value.find((t) => t.key === key)?.label ?? key ?? ''
  const memberName = (id: string | null) => {
    const m = members.value.find((x) => x.userId === id)
    return m ? m.name || m.username || 'player' : 'player'
  }

  async function loadSegments() {
    const res = await run('Clips could not be loaded.', () => segmentsApi.list(props.mediaAssetId))
    if (res) segments.value = res
  }
  async function loadNarrations() {
    const res = await run('Narrations could not be loaded.', () =>
      narrationsApi.list(props.mediaAssetId, sourceFilter.value || undefined),
    )
    if (res) narrations.value = res
  }
  watch(sourceFilter, loadNarrations)

  // SEG-3: the timing draft of the selected clip; selecting a clip starts it from the clip.
  const editStart = ref(0)
  const editEnd = ref(0)
  const editTitle = ref('')
  function select(s: Segment) {
    selectedId.value = s.id
    editStart.value = s.startSeconds
    editEnd.value = s.endSeconds
    editTitle.value = s.title ?? ''
    emit.seek(s.startSeconds)
  }

  return {
    props,
    seek: emit.seek,
    ...action,
    segments,
    narrations,
    taxonomy,
    members,
    selectedId,
    selected,
    sourceFilter,
    insightRevision,
    narrationChanged,
    tagLabel,
    memberName,
    loadSegments,
    loadNarrations,
    editStart,
    editEnd,
    editTitle,
    select,
  }
}

/** The workspace without its coding mode and suggestions, which are built on it. */
export type ReviewCore = ReturnType<typeof createReviewCore>

function createReviewWorkspace(props: ReviewPanelProps, emit: ReviewPanelEvents) {
  const core = createReviewCore(props, emit)
  const { segments, taxonomy, members, loadSegments, loadNarrations, select } = core
  const coding = useCodingMode(core, emit.coding)
  const suggestions = useTagSuggestions(core)

  let unbind: (() => void) | null = null
  onMounted(async () => {
    unbind = onWindowKeydown(coding.onKey)
    await Promise.all([loadSegments(), loadNarrations()])
    const tax = await tagsApi.taxonomy().catch(() => null)
    if (tax) taxonomy.value = tax.tags
    if (props.canEdit) members.value = await orgsApi.membersOrNone(props.orgId)
    const initial = segments.value.find((s) => s.id === props.initialSegmentId)
    if (initial) select(initial)
  })
  onBeforeUnmount(() => unbind?.())

  return { ...core, coding, suggestions }
}

export type ReviewWorkspace = ReturnType<typeof createReviewWorkspace>

const REVIEW: InjectionKey<ReviewWorkspace> = Symbol('review workspace')

/** Creates the workspace and hands it to the panel's parts. */
export function provideReviewWorkspace(props: ReviewPanelProps, emit: ReviewPanelEvents) {
  const workspace = createReviewWorkspace(props, emit)
  provide(REVIEW, workspace)
  return workspace
}

/** The workspace of the review panel this component sits in. */
export function useReviewWorkspace(): ReviewWorkspace {
  const workspace = inject(REVIEW)
  if (!workspace) throw new Error('useReviewWorkspace() is only for the parts of a ReviewPanel.')
  return workspace
}
