import { onBeforeUnmount, onMounted, ref, type Ref } from 'vue'

/**
 * Whether a sideways-scrolling strip has more content past its left or right edge, so the strip
 * can hint at it (a fade) instead of silently cutting tabs off on phones.
 */
export function useScrollEdges(el: Ref<HTMLElement | null>) {
  const moreBefore = ref(false)
  const moreAfter = ref(false)

  function update() {
    const s = el.value
    if (!s) return
    // One pixel of slack: zoomed layouts report fractional scroll positions.
    moreBefore.value = s.scrollLeft > 1
    moreAfter.value = s.scrollLeft + s.clientWidth < s.scrollWidth - 1
  }

  /** Scrolls `child` fully into the strip (with `margin` clear of the fades), without moving the page. */
  function reveal(child: HTMLElement | null | undefined, margin = 32) {
    const s = el.value
    if (!s || !child) return
    const start = child.offsetLeft
    const end = start + child.offsetWidth
    if (start - margin < s.scrollLeft) s.scrollLeft = Math.max(0, start - margin)
    else if (end + margin > s.scrollLeft + s.clientWidth) {
      s.scrollLeft = end + margin - s.clientWidth
    }
    update()
  }

  let observer: ResizeObserver | null = null
  onMounted(() => {
    const s = el.value
    if (!s) return
    s.addEventListener('scroll', update, { passive: true })
    if (typeof ResizeObserver !== 'undefined') {
      observer = new ResizeObserver(update)
      observer.observe(s)
    } else {
      window.addEventListener('resize', update)
    }
    update()
  })
  onBeforeUnmount(() => {
    el.value?.removeEventListener('scroll', update)
    observer?.disconnect()
    window.removeEventListener('resize', update)
  })

  return { moreBefore, moreAfter, update, reveal }
}
