import { describe, expect, it } from 'vitest'
import { defineComponent, h, ref } from 'vue'
import { mount } from '@vue/test-utils'
import { useScrollEdges } from './useScrollEdges'

/** A 360 px strip holding 800 px of tabs; happy-dom has no layout, so the sizes are given. */
function strip(scrollWidth = 800, clientWidth = 360) {
  let edges!: ReturnType<typeof useScrollEdges>
  const Comp = defineComponent({
    setup() {
      const el = ref<HTMLElement | null>(null)
      edges = useScrollEdges(el)
      return () => h('div', { ref: el }, [h('a', { id: 'last' }, 'Usage')])
    },
  })
  const wrapper = mount(Comp, { attachTo: document.body })
  const el = wrapper.element as HTMLElement
  Object.defineProperty(el, 'scrollWidth', { configurable: true, value: scrollWidth })
  Object.defineProperty(el, 'clientWidth', { configurable: true, value: clientWidth })
  edges.update()
  const scrollTo = (left: number) => {
    el.scrollLeft = left
    el.dispatchEvent(new Event('scroll'))
  }
  return { wrapper, el, edges, scrollTo }
}

describe('useScrollEdges (org tabs hint that more tabs are off-screen)', () => {
  it('flags only the far edge at the start, both in the middle, only the near edge at the end', () => {
    const { edges, scrollTo, wrapper } = strip()
    expect([edges.moreBefore.value, edges.moreAfter.value]).toEqual([false, true])
    scrollTo(200)
    expect([edges.moreBefore.value, edges.moreAfter.value]).toEqual([true, true])
    scrollTo(440)
    expect([edges.moreBefore.value, edges.moreAfter.value]).toEqual([true, false])
    wrapper.unmount()
  })

  it('flags nothing when every tab fits', () => {
    const { edges, wrapper } = strip(300, 360)
    expect([edges.moreBefore.value, edges.moreAfter.value]).toEqual([false, false])
    wrapper.unmount()
  })

  it('scrolls an off-screen tab into the strip, clear of the fade', () => {
    const { edges, el, wrapper } = strip()
    const last = el.querySelector<HTMLElement>('#last')!
    Object.defineProperty(last, 'offsetLeft', { value: 720 })
    Object.defineProperty(last, 'offsetWidth', { value: 80 })
    edges.reveal(last)
    // 720 + 80 + 32 px margin − 360 px of strip.
    expect(el.scrollLeft).toBe(472)
    expect(edges.moreBefore.value).toBe(true)
    wrapper.unmount()
  })
})
