import { describe, expect, it } from 'vitest'
import { WatchTracker } from './watch'

describe('WatchTracker (FEED-2)', () => {
  it('counts played time inside the segment', () => {
    const w = new WatchTracker(10, 20)
    for (let t = 10; t <= 15; t += 0.25) w.update(t, true)
    expect(w.fraction).toBeCloseTo(0.5, 5)
  })

  it('does not count a seek to the end as watching', () => {
    const w = new WatchTracker(10, 20)
    w.update(10, true)
    w.update(19.9, true)
    expect(w.fraction).toBe(0)
  })

  it('ignores time outside the segment and while paused', () => {
    const w = new WatchTracker(10, 20)
    for (let t = 5; t <= 10; t += 0.5) w.update(t, true)
    w.update(10.5, false)
    w.update(11, false)
    expect(w.fraction).toBe(0)
  })
})
