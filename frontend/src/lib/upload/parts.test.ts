import { describe, expect, it } from 'vitest'
import { UploadQueue } from './queue'
import { ResumeStore } from './resume'
import { FakeBackend, MemoryStorage, file, settle, setup, transport } from './queue.fixtures'

// MEDIA-1 / B-2: the parts of one file — URLs handed out a batch at a time, expired URLs renewed,
// and a completion that fails after every part is stored.
describe('UploadQueue part URLs in batches', () => {
  it('asks for the next batch of part URLs as it goes, each part once, never beyond the batch', async () => {
    const { backend, t, queue } = setup(undefined, 3)
    const item = queue.add('org1', file('long.mp4', 95))
    await settle(queue)
    expect(item.error).toBeNull()
    expect(item.status).toBe('done')
    expect(t.sent.sort()).toEqual(Array.from({ length: 10 }, (_, i) => `a1/${i + 1}`).sort())
    expect(backend.urlRequests.every((r) => r.length >= 1 && r.length <= 3)).toBe(true)
    const asked = backend.urlRequests.flat()
    // The first 3 came with create; the other 7 were asked for, none twice.
    expect(asked.sort((a, b) => a - b)).toEqual([4, 5, 6, 7, 8, 9, 10])
  })

  it('a resumed upload asks only for URLs of parts storage lacks', async () => {
    const storage = new MemoryStorage()
    const backend = new FakeBackend(2)
    const first = transport(backend, (url) => (/\/([3-6]|8)$/.test(url) ? 0 : null))
    const q1 = new UploadQueue({
      backend,
      putPart: first.put,
      resume: new ResumeStore(storage),
      maxPartAttempts: 1,
      partConcurrency: 1,
      partUrlBatch: 2,
      sleep: async () => {},
    })
    q1.add('org1', file('long.mp4', 80, 7))
    await settle(q1)
    const storedBefore = [...(backend.stored.get('a1')?.keys() ?? [])].sort()
    expect(storedBefore).toEqual([1, 2])
    backend.urlRequests = []

    const second = transport(backend)
    const q2 = new UploadQueue({
      backend,
      putPart: second.put,
      resume: new ResumeStore(storage),
      partUrlBatch: 2,
      sleep: async () => {},
    })
    const item = q2.add('org1', file('long.mp4', 80, 7))
    await settle(q2)
    expect(item.status).toBe('done')
    expect(second.sent.sort()).toEqual(['a1/3', 'a1/4', 'a1/5', 'a1/6', 'a1/7', 'a1/8'])
    // State gave URLs for 3 and 4; 5..8 were asked for in batches of at most 2.
    expect(backend.urlRequests.flat().sort()).toEqual([5, 6, 7, 8])
    expect(backend.urlRequests.every((r) => r.length <= 2)).toBe(true)
  })

  it('an expired URL (403) gets a fresh one for that part and the upload completes', async () => {
    const { backend, t, queue } = setup((url, attempt) =>
      url.endsWith('/2') && attempt === 1 ? 403 : null,
    )
    const item = queue.add('org1', file('m.mp4', 30))
    await settle(queue)
    expect(item.status).toBe('done')
    expect(backend.urlRequests).toEqual([[2]])
    expect(t.sent.sort()).toEqual(['a1/1', 'a1/2', 'a1/3'])
  })

  it('a failed part-URL request is retried like a part', async () => {
    const { backend, t, queue } = setup(undefined, 1)
    const partUrls = backend.partUrls.bind(backend)
    let failures = 1
    backend.partUrls = async (id, numbers) => {
      if (failures-- > 0) throw Object.assign(new Error('offline'), { status: 0 })
      return partUrls(id, numbers)
    }
    const item = queue.add('org1', file('m.mp4', 25))
    await settle(queue)
    expect(item.status).toBe('done')
    expect(t.sent.sort()).toEqual(['a1/1', 'a1/2', 'a1/3'])
  })
})

describe('UploadQueue completion failures', () => {
  it('says nothing is re-sent when only the completion failed, and Retry completes', async () => {
    const { backend, t, queue } = setup()
    let failComplete = true
    const complete = backend.complete.bind(backend)
    backend.complete = async (id, parts) => {
      if (failComplete) throw Object.assign(new Error('Storage is busy.'), { status: 500 })
      return complete(id, parts)
    }
    const item = queue.add('org1', file('m.mp4', 30))
    await settle(queue)
    expect(item.status).toBe('failed')
    expect(item.error).toMatch(/nothing is sent again/)
    const sent = t.sent.length
    failComplete = false
    queue.retry(item.id)
    await settle(queue)
    expect(item.status).toBe('done')
    expect(t.sent.length).toBe(sent)
  })
})
