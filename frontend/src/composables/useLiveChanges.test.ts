import { describe, expect, it } from 'vitest'
import { defineComponent, h, nextTick, ref } from 'vue'
import { mount, flushPromises } from '@vue/test-utils'
import { useLiveChanges, type ChangesPage } from './useLiveChanges'

function harness(fetchChanges: (since: string) => Promise<ChangesPage<string>>) {
  const active = ref(true)
  const applied: string[][] = []
  const cursors: string[] = []
  let fallbacks = 0
  const Comp = defineComponent({
    setup() {
      useLiveChanges(
        active,
        (since) => {
          cursors.push(since)
          return fetchChanges(since)
        },
        (items) => {
          applied.push(items)
        },
        async () => {
          fallbacks++
        },
        () => 'c0',
        0,
      )
      return () => h('div')
    },
  })
  return { active, applied, cursors, fallbacks: () => fallbacks, wrapper: mount(Comp) }
}

describe('useLiveChanges (MEDIA-3 live status)', () => {
  it('passes each cursor to the next long-poll and applies changes', async () => {
    let n = 0
    const h1 = harness(async () => {
      n++
      if (n === 3) h1.active.value = false
      return { items: n === 2 ? ['asset-1'] : [], cursor: `c${n}`, timedOut: n !== 2 }
    })
    for (let i = 0; i < 20 && h1.active.value; i++) await flushPromises()
    await nextTick()
    expect(h1.cursors.slice(0, 3)).toEqual(['c0', 'c1', 'c2'])
    expect(h1.applied).toEqual([['asset-1']])
    h1.wrapper.unmount()
  })

  it('falls back to plain polling after two failed long-polls', async () => {
    const h2 = harness(async () => {
      throw new Error('gateway timeout')
    })
    for (let i = 0; i < 200 && h2.fallbacks() < 2; i++) await new Promise((r) => setTimeout(r, 0))
    expect(h2.fallbacks()).toBeGreaterThanOrEqual(2)
    h2.active.value = false
    h2.wrapper.unmount()
  })
})
