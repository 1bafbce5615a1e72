import { afterEach, describe, expect, it, vi } from 'vitest'
import { onceVisible } from './insightsVisibility'

afterEach(() => vi.unstubAllGlobals())

describe('onceVisible', () => {
  it('fires once, on the first intersecting entry, and stops observing', () => {
    let callback: (entries: Array<{ isIntersecting: boolean }>) => void = () => {}
    const disconnect = vi.fn()
    vi.stubGlobal(
      'IntersectionObserver',
      class {
        constructor(cb: typeof callback) {
          callback = cb
        }
        observe() {}
        disconnect = disconnect
      },
    )
    const seen = vi.fn()
    onceVisible(document.createElement('div'), seen)
    callback([{ isIntersecting: false }])
    expect(seen).not.toHaveBeenCalled()
    callback([{ isIntersecting: true }])
    expect(seen).toHaveBeenCalledTimes(1)
    expect(disconnect).toHaveBeenCalled()
  })

  it('counts the element as visible where the browser cannot observe', () => {
    vi.stubGlobal('IntersectionObserver', undefined)
    const seen = vi.fn()
    onceVisible(document.createElement('div'), seen)
    expect(seen).toHaveBeenCalledTimes(1)
  })
})
