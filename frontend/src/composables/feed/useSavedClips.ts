import { computed, ref, type Ref } from 'vue'
import { useAction } from '../useAction'
import type { AssignmentClip } from '../../services/assignments'
import {
  listSaved,
  offlineSupported,
  removeSaved,
  saveClip,
  type SavedClip,
} from '../../services/offline'
import { formatDuration } from '../../lib/format'

/** B-6: clips saved on this device for an org, playable without a network. */
export function useSavedClips(orgId: Ref<string>) {
  const canSave = offlineSupported()
  const saved = ref<SavedClip[]>([])
  const savedIds = computed(() => new Set(saved.value.map((c) => c.segmentId)))
  const saving = ref<{ id: string; done: number; total: number } | null>(null)
  const savedBytes = computed(() => saved.value.reduce((sum, c) => sum + c.bytes, 0))
  const { error, message: note, attempt } = useAction()

  async function refresh() {
    saved.value = await listSaved(orgId.value).catch(() => [])
  }

  /** Saves a clip of the viewer; `assignment` names it and counts a later offline watch for it. */
  async function save(c: AssignmentClip, assignment: { id: string | null; title?: string }) {
    if (saving.value) return
    note.value = null
    saving.value = { id: c.id, done: 0, total: 1 }
    const clipTitle = c.title || `Clip at ${formatDuration(c.start_seconds)}`
    await attempt('The clip was not saved.', async () => {
      await saveClip(
        {
          segmentId: c.id,
          assetId: c.media_asset_id,
          orgId: orgId.value,
          assignmentId: assignment.id,
          title: assignment.title ? `${assignment.title} · ${clipTitle}` : clipTitle,
          start: c.start_seconds,
          end: c.end_seconds,
        },
        (p) => {
          saving.value = { id: c.id, ...p }
        },
      )
      note.value = 'Saved on this device. It plays without a connection.'
      await refresh()
    })
    saving.value = null
  }

  async function remove(segmentId: string) {
    await attempt('The saved clip was not removed.', async () => {
      await removeSaved(segmentId)
      note.value = 'Removed from this device.'
      await refresh()
    })
  }

  const inAssignment = (assignmentId: string) =>
    saved.value.filter((c) => c.assignmentId === assignmentId).length

  return {
    canSave,
    saved,
    savedIds,
    saving,
    savedBytes,
    note,
    error,
    refresh,
    save,
    remove,
    inAssignment,
  }
}
