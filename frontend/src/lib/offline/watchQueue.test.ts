import { describe, expect, it } from 'vitest'
import {
  classifyFailure,
  MAX_ENTRIES,
  QUEUE_KEY_PREFIX,
  WatchQueue,
  type KeyValueStore,
  type WatchReport,
} from './watchQueue'

class MemoryStore implements KeyValueStore {
  readonly data = new Map<string, string>()
  getItem(key: string) {
    return this.data.get(key) ?? null
  }
  setItem(key: string, value: string) {
    this.data.set(key, value)
  }
  removeItem(key: string) {
    this.data.delete(key)
  }
}

/** An error shaped like the SPA's ApiError. */
const httpError = (status: number) => Object.assign(new Error(`HTTP ${status}`), { status })

const A = '11111111-1111-4111-8111-111111111111'
const B = '22222222-2222-4222-8222-222222222222'
const S1 = 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa'
const S2 = 'bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb'

describe('WatchQueue (B-6, FEED-2)', () => {
  it('keeps one entry per clip with the highest fraction watched', () => {
    const q = new WatchQueue(new MemoryStore(), 'user-1')
    q.add({ assignmentId: A, segmentId: S1, fraction: 0.75 })
    q.add({ assignmentId: A, segmentId: S1, fraction: 0.5 })
    q.add({ assignmentId: A, segmentId: S2, fraction: 0.5 })
    q.add({ assignmentId: B, segmentId: S1, fraction: 0.6 })
    expect(q.list().map((e) => [e.assignmentId, e.segmentId, e.fraction])).toEqual([
      [A, S1, 0.75],
      [A, S2, 0.5],
      [B, S1, 0.6],
    ])
    q.add({ assignmentId: A, segmentId: S1, fraction: 1 })
    expect(q.size).toBe(3)
    expect(q.list()[0]).toMatchObject({ segmentId: S1, assignmentId: A, fraction: 1 })
  })

  it('survives a new page: entries live in the store, not in memory', () => {
    const store = new MemoryStore()
    new WatchQueue(store, 'user-1').add({ assignmentId: A, segmentId: S1, fraction: 0.5 })
    expect(new WatchQueue(store, 'user-1').list()).toMatchObject([{ segmentId: S1 }])
  })

  it("never shows or sends one user's entries for another user on the same phone", async () => {
    const store = new MemoryStore()
    new WatchQueue(store, 'user-1').add({ assignmentId: A, segmentId: S1, fraction: 0.9 })
    // A tampered store that files user-1's entry under user-2's key is still not user-2's.
    store.setItem(`${QUEUE_KEY_PREFIX}user-2`, store.getItem(`${QUEUE_KEY_PREFIX}user-1`)!)
    const other = new WatchQueue(store, 'user-2')
    expect(other.list()).toEqual([])
    const sent: WatchReport[] = []
    const result = await other.flush(async (r) => sent.push(r))
    expect(sent).toEqual([])
    expect(result.sent).toEqual([])
    expect(new WatchQueue(store, 'user-1').size).toBe(1)
  })

  it('sends the oldest watch first and drops each one the server accepted', async () => {
    const q = new WatchQueue(new MemoryStore(), 'user-1')
    q.add({ assignmentId: B, segmentId: S2, fraction: 0.5 })
    q.add({ assignmentId: A, segmentId: S1, fraction: 0.5 })
    q.add({ assignmentId: B, segmentId: S2, fraction: 0.8 })
    const sent: WatchReport[] = []
    const result = await q.flush(async (r) => {
      sent.push(r)
      return { ok: r.segmentId }
    })
    expect(sent).toEqual([
      { assignmentId: B, segmentId: S2, fraction: 0.8 },
      { assignmentId: A, segmentId: S1, fraction: 0.5 },
    ])
    expect(result.sent.map((s) => s.answer)).toEqual([{ ok: S2 }, { ok: S1 }])
    expect(result).toMatchObject({ stopped: null, remaining: 0, rejected: [] })
    expect(q.size).toBe(0)
  })

  it('drops a report the server refused (4xx) and goes on with the rest', async () => {
    const q = new WatchQueue(new MemoryStore(), 'user-1')
    q.add({ assignmentId: A, segmentId: S1, fraction: 0.5 })
    q.add({ assignmentId: B, segmentId: S1, fraction: 0.5 })
    const sent: string[] = []
    const result = await q.flush(async (r) => {
      if (r.assignmentId === A) throw httpError(404)
      sent.push(r.assignmentId)
    })
    expect(sent).toEqual([B])
    expect(result.rejected.map((r) => r.report.assignmentId)).toEqual([A])
    expect(q.size).toBe(0)
    // Nothing comes back on the next flush: a removed assignment is not retried forever.
    const again = await q.flush(async () => sent.push('again'))
    expect(again.sent).toEqual([])
    expect(sent).toEqual([B])
  })

  it('keeps everything on a network error and stops instead of hammering', async () => {
    const q = new WatchQueue(new MemoryStore(), 'user-1')
    q.add({ assignmentId: A, segmentId: S1, fraction: 0.5 })
    q.add({ assignmentId: B, segmentId: S1, fraction: 0.7 })
    let calls = 0
    const result = await q.flush(async () => {
      calls++
      throw new TypeError('Failed to fetch')
    })
    expect(calls).toBe(1)
    expect(result).toMatchObject({ stopped: 'offline', remaining: 2, sent: [], rejected: [] })
    expect(q.list().map((e) => e.fraction)).toEqual([0.5, 0.7])
  })

  it('keeps a report the server could not take now (5xx) for the next flush', async () => {
    const q = new WatchQueue(new MemoryStore(), 'user-1')
    q.add({ assignmentId: A, segmentId: S1, fraction: 0.5 })
    const result = await q.flush(async () => {
      throw httpError(503)
    })
    expect(result).toMatchObject({ stopped: 'retry', remaining: 1 })
    const later = await q.flush(async () => 'ok')
    expect(later.sent).toHaveLength(1)
    expect(q.size).toBe(0)
  })

  it('sends nothing while the device says it is offline', async () => {
    const q = new WatchQueue(new MemoryStore(), 'user-1')
    q.add({ assignmentId: A, segmentId: S1, fraction: 0.5 })
    let calls = 0
    const result = await q.flush(
      async () => calls++,
      () => false,
    )
    expect(calls).toBe(0)
    expect(result).toMatchObject({ stopped: 'offline', remaining: 1 })
  })

  it('keeps a higher fraction queued while a lower one was in flight', async () => {
    const q = new WatchQueue(new MemoryStore(), 'user-1')
    q.add({ assignmentId: A, segmentId: S1, fraction: 0.5 })
    const sent: number[] = []
    await q.flush(async (r) => {
      sent.push(r.fraction)
      q.add({ assignmentId: A, segmentId: S1, fraction: 0.9 })
    })
    expect(q.list().map((e) => e.fraction)).toEqual([0.9])
    await q.flush(async (r) => sent.push(r.fraction))
    expect(sent).toEqual([0.5, 0.9])
    expect(q.size).toBe(0)
  })

  it('runs overlapping flushes once, so no report is sent twice', async () => {
    const q = new WatchQueue(new MemoryStore(), 'user-1')
    q.add({ assignmentId: A, segmentId: S1, fraction: 0.5 })
    let calls = 0
    let release: () => void = () => undefined
    const gate = new Promise<void>((resolve) => (release = resolve))
    const send = async () => {
      calls++
      await gate
    }
    const first = q.flush(send)
    const second = q.flush(send)
    release()
    await Promise.all([first, second])
    expect(calls).toBe(1)
  })

  it('treats a broken store as empty and reports a store that will not save', () => {
    const store = new MemoryStore()
    store.setItem(`${QUEUE_KEY_PREFIX}user-1`, '{not json')
    const q = new WatchQueue(store, 'user-1')
    expect(q.list()).toEqual([])
    const full: KeyValueStore = {
      getItem: () => null,
      setItem: () => {
        throw new Error('QuotaExceededError')
      },
      removeItem: () => undefined,
    }
    expect(
      new WatchQueue(full, 'user-1').add({ assignmentId: A, segmentId: S1, fraction: 1 }),
    ).toBe(false)
  })

  it('refuses fractions outside 0–1 and stays bounded', () => {
    const q = new WatchQueue(new MemoryStore(), 'user-1')
    expect(() => q.add({ assignmentId: A, segmentId: S1, fraction: 1.5 })).toThrow(RangeError)
    expect(() => q.add({ assignmentId: A, segmentId: S1, fraction: Number.NaN })).toThrow(
      RangeError,
    )
    for (let i = 0; i <= MAX_ENTRIES; i++) {
      q.add({ assignmentId: A, segmentId: `seg-${i}`, fraction: 0.5 })
    }
    expect(q.size).toBe(MAX_ENTRIES)
    expect(q.list()[0]!.segmentId).toBe('seg-1')
  })
})

describe('classifyFailure', () => {
  it('drops only what the server refused for good', () => {
    expect(classifyFailure(httpError(404), true)).toBe('rejected')
    expect(classifyFailure(httpError(400), true)).toBe('rejected')
    expect(classifyFailure(httpError(403), true)).toBe('rejected')
    expect(classifyFailure(httpError(401), true)).toBe('retry')
    expect(classifyFailure(httpError(429), true)).toBe('retry')
    expect(classifyFailure(httpError(500), true)).toBe('retry')
    expect(classifyFailure(httpError(0), true)).toBe('offline')
    expect(classifyFailure(new TypeError('Failed to fetch'), true)).toBe('offline')
    expect(classifyFailure(httpError(503), false)).toBe('offline')
  })
})
