import { computed, ref, watch } from 'vue'
import type { ReviewCore } from './useReviewWorkspace'
import { tagsApi, type TagSuggestion } from '../../services/tags'

/**
 * TAG-3: tags suggested from the selected clip's narrations, which staff apply or reject (the
 * decisions are kept). Read again whenever another clip is selected.
 */
export function useTagSuggestions(review: ReviewCore) {
  const { props, run, selected } = review
  const items = ref<TagSuggestion[]>([])
  const pending = computed(() => items.value.filter((x) => x.status === 'pending'))
  const picked = ref<string[]>([])

  async function load() {
    items.value = []
    picked.value = []
    if (!props.canEdit || !selected.value) return
    items.value = await tagsApi.suggestions(selected.value.id).catch(() => [])
  }

  async function generate() {
    if (!selected.value) return
    const res = await run('No suggestions could be made.', () =>
      tagsApi.suggest(selected.value!.id),
    )
    if (res) {
      items.value = res.items
      if (!res.items.some((x) => x.status === 'pending'))
        review.message.value = 'No new tag suggestions from the narrations of this clip.'
    }
  }

  async function decide(ids: string[], decision: 'applied' | 'rejected') {
    if (!ids.length) return
    const decided = await review.attempt('The suggestions were not saved.', () =>
      tagsApi.decide(ids, decision),
    )
    if (decided) {
      review.message.value =
        decision === 'applied'
          ? `${ids.length} tag(s) applied.`
          : `${ids.length} suggestion(s) rejected.`
      await Promise.all([review.loadSegments(), load()])
    }
  }
  watch(review.selectedId, load)

  return { pending, picked, generate, decide }
}
