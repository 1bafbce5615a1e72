import { onBeforeUnmount, watch, type Ref } from 'vue'

/**
 * Calls `tick` every `intervalMs` while `active` is true and the tab is visible. One call at a
 * time: a slow response delays the next poll instead of stacking requests.
 */
export function usePolling(active: Ref<boolean>, tick: () => Promise<unknown>, intervalMs = 3000) {
  let timer: ReturnType<typeof setTimeout> | null = null
  let stopped = false

  function schedule() {
    clear()
    if (stopped || !active.value) return
    timer = setTimeout(async () => {
      timer = null
      if (document.visibilityState === 'visible') {
        try {
          await tick()
        } catch {
          // The page shows the error of the last explicit load; polling just tries again.
        }
      }
      schedule()
    }, intervalMs)
  }

  function clear() {
    if (timer) clearTimeout(timer)
    timer = null
  }

  const onVisible = () => {
    if (document.visibilityState === 'visible' && active.value && !timer) schedule()
  }
  document.addEventListener('visibilitychange', onVisible)
  watch(active, (on) => (on ? schedule() : clear()), { immediate: true })

  onBeforeUnmount(() => {
    stopped = true
    clear()
    document.removeEventListener('visibilitychange', onVisible)
  })
}
