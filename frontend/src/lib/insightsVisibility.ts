// AI-1's card asks the server (and so, on a first read, a paid model) only once a coach can see
// it: selecting a clip mounts the card, scrolling to it reads the insight.

/**
 * Calls `onVisible` once, when `el` first comes within `margin` of the viewport; returns the
 * unsubscribe. Without IntersectionObserver the element counts as visible at once.
 */
export function onceVisible(el: Element, onVisible: () => void, margin = '200px'): () => void {
  if (typeof IntersectionObserver === 'undefined') {
    onVisible()
    return () => {}
  }
  const observer = new IntersectionObserver(
    (entries) => {
      if (entries.some((e) => e.isIntersecting)) {
        observer.disconnect()
        onVisible()
      }
    },
    { rootMargin: margin },
  )
  observer.observe(el)
  return () => observer.disconnect()
}
