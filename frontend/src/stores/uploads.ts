import { defineStore } from 'pinia'
import { reactive, ref } from 'vue'
import { UploadQueue, type UploadItem } from '../lib/upload/queue'
import { ResumeStore, type ResumeRecord } from '../lib/upload/resume'
import { putPart } from '../lib/upload/xhr'
import { uploadBackend } from '../services/media'
import type { MediaKind } from '../lib/types'

/** One upload queue for the whole tab, so uploads keep going while the coach moves around. */
export const useUploadsStore = defineStore('uploads', () => {
  const finishedCount = ref(0)
  const interrupted = ref<ResumeRecord[]>([])
  const resume = new ResumeStore()

  const queue = new UploadQueue({
    backend: uploadBackend,
    putPart,
    resume,
    wrap: (x) => reactive(x) as typeof x,
    onFinished: () => {
      finishedCount.value++
      refreshInterrupted()
    },
  })

  function refreshInterrupted() {
    const running = new Set(queue.items.map((i) => i.assetId).filter(Boolean))
    interrupted.value = resume.list().filter((r) => !running.has(r.assetId))
  }

  function add(
    orgId: string,
    files: Iterable<File>,
    meta: { kind?: MediaKind } = {},
  ): UploadItem[] {
    const added = [...files].map((file) => queue.add(orgId, file, meta))
    refreshInterrupted()
    return added
  }

  async function cancel(id: string) {
    await queue.cancel(id)
    refreshInterrupted()
  }

  async function discard(assetId: string) {
    try {
      await queue.discard(assetId)
    } finally {
      refreshInterrupted()
    }
  }

  // Closing the tab mid-upload loses nothing (resume), but the browser asks first so it is a choice.
  if (typeof window !== 'undefined') {
    window.addEventListener('beforeunload', (event) => {
      if (queue.busy) event.preventDefault()
    })
  }

  refreshInterrupted()

  return {
    items: queue.items,
    interrupted,
    finishedCount,
    add,
    cancel,
    discard,
    retry: (id: string) => queue.retry(id),
    dismiss: (id: string) => queue.dismiss(id),
    interruptedFor: (orgId: string) => interrupted.value.filter((r) => r.orgId === orgId),
    refreshInterrupted,
  }
})
