import { onBeforeUnmount, watch, type Ref } from 'vue'
import type { ChangeCursor, ChangesPage } from '../../../contracts/responses.ts'

export type { ChangesPage }

/**
 * MEDIA-3 live status: while `active`, hold a long-poll open (`fetchChanges` waits server-side
 * until something changed) and hand every change to `apply`. If the long-poll fails twice in a
 * row, fall back to plain polling with `fallback` every `fallbackMs`, so status keeps moving even
 * where long requests are cut by a proxy. `startCursor` is the newest `updatedAt` the caller
 * holds: rows and the feed share one cursor type (contracts ChangeCursor), so the feed answers
 * only what came after it and every page's cursor moves past its rows.
 */
export function useLiveChanges<T>(
  active: Ref<boolean>,
  fetchChanges: (since: ChangeCursor, signal: AbortSignal) => Promise<ChangesPage<T>>,
  apply: (items: T[]) => void | Promise<void>,
  fallback: () => Promise<unknown>,
  startCursor: () => ChangeCursor,
  fallbackMs = 3000,
) {
  let controller: AbortController | null = null
  let running = false
  let stopped = false

  const pause = (ms: number) => new Promise((r) => setTimeout(r, ms))

  async function loop() {
    if (running) return
    running = true
    let cursor = startCursor()
    let failures = 0
    while (active.value && !stopped) {
      controller = new AbortController()
      try {
        if (failures >= 2) {
          await pause(fallbackMs)
          if (!active.value || stopped) break
          await fallback()
          cursor = startCursor()
          continue
        }
        const page = await fetchChanges(cursor, controller.signal)
        failures = 0
        cursor = page.cursor
        if (page.items.length) await apply(page.items)
      } catch {
        if (stopped || controller.signal.aborted) break
        failures++
        await pause(fallbackMs)
      }
    }
    running = false
  }

  watch(
    active,
    (on) => {
      if (on) void loop()
      else controller?.abort()
    },
    { immediate: true },
  )

  onBeforeUnmount(() => {
    stopped = true
    controller?.abort()
  })
}
