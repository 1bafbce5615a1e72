import { onBeforeUnmount, watch, type Ref } from 'vue'

export interface ChangesPage<T> {
  items: T[]
  cursor: string
  timedOut: boolean
}

/**
 * MEDIA-3 live status: while `active`, hold a long-poll open (`fetchChanges` waits server-side
 * until something changed) and hand every change to `apply`. If the long-poll fails twice in a
 * row, fall back to plain polling with `fallback` every `fallbackMs`, so status keeps moving even
 * where long requests are cut by a proxy.
 */
export function useLiveChanges<T>(
  active: Ref<boolean>,
  fetchChanges: (since: string, signal: AbortSignal) => Promise<ChangesPage<T>>,
  apply: (items: T[]) => void | Promise<void>,
  fallback: () => Promise<unknown>,
  startCursor: () => string,
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
        const stuck = page.cursor === cursor
        cursor = page.cursor
        if (page.items.length) await apply(page.items)
        // A cursor that does not advance (timestamps rounded to ms while rows keep µs) would
        // return the same rows at once, forever: never ask faster than plain polling would.
        if (stuck && page.items.length) await pause(fallbackMs)
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
