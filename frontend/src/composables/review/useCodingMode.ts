import { computed, ref, watch } from 'vue'
import type { ReviewCore } from './useReviewWorkspace'
import { segmentsApi } from '../../services/segments'
import { tagsApi, type TaxonomyTag } from '../../services/tags'
import { SEG2 } from '../../lib/segments/seg2'
import { formatDuration } from '../../lib/format'
import { isTypingTarget } from '../../lib/shortcuts'
import type { KeyEvent } from '../../lib/dom'

/**
 * SEG-4: in coding mode the number keys 1–9 drop a clip tagged with the taxonomy's first nine tags
 * around the playhead (`lead` seconds before, `lag` after). While it is on, the player leaves the
 * digits to it (`onCoding`).
 */
export function useCodingMode(review: ReviewCore, onCoding: (on: boolean) => void) {
  const { props, run } = review
  const on = ref(false)
  const lead = ref(5)
  const lag = ref(5)
  const tags = computed(() => review.taxonomy.value.slice(0, 9))

  async function codeTag(tag: TaxonomyTag) {
    const t = props.currentTime
    const start = Math.max(0, t - lead.value)
    const end = Math.min(
      props.duration || t + lag.value,
      Math.max(t + lag.value, start + SEG2.minLength),
    )
    const res = await run(`The ${tag.label} clip was not created.`, async () => {
      const created = await segmentsApi.create({
        mediaAssetId: props.mediaAssetId,
        startSeconds: start,
        endSeconds: end,
      })
      await tagsApi.add({ segmentId: created.segment.id, tagType: tag.type, tagKey: tag.key })
      return created
    })
    if (res) {
      review.message.value = `${tag.label} clip at ${formatDuration(t)}.`
      await review.loadSegments()
    }
  }

  function onKey(e: KeyEvent) {
    if (!on.value || isTypingTarget(e.target) || e.ctrlKey || e.metaKey || e.altKey) return
    const n = Number(e.key)
    if (!Number.isInteger(n) || n < 1) return
    const tag = tags.value[n - 1]
    if (!tag) return
    e.preventDefault()
    void codeTag(tag)
  }
  watch(on, onCoding)

  return { on, lead, lag, tags, onKey }
}
