import { describe, expect, it } from 'vitest'
import type { MediaAsset, UploadPart } from '../types'
import { UploadQueue, type UploadBackend } from './queue'
import { ResumeStore } from './resume'
import { PartError } from './xhr'

class MemoryStorage implements Storage {
  private map = new Map<string, string>()
  get length() {
    return this.map.size
  }
  clear() {
    this.map.clear()
  }
  getItem(k: string) {
    return this.map.get(k) ?? null
  }
  key(i: number) {
    return [...this.map.keys()][i] ?? null
  }
  removeItem(k: string) {
    this.map.delete(k)
  }
  setItem(k: string, v: string) {
    this.map.set(k, v)
  }
}

const PART = 10

function asset(id: string, status: MediaAsset['status'] = 'uploading'): MediaAsset {
  return { id, status } as MediaAsset
}

/**
 * A fake of the `media/uploads` endpoints that remembers which parts storage holds. Like the
 * server, it hands out part URLs at most `batch` at a time.
 */
class FakeBackend implements UploadBackend {
  constructor(readonly batch = 50) {}
  calls: string[] = []
  urlRequests: number[][] = []
  stored = new Map<string, Map<number, number>>()
  sizes = new Map<string, number>()
  completedWith: unknown[] = []
  status = new Map<string, MediaAsset['status']>()
  next = 0

  urls(id: string, size: number): UploadPart[] {
    const have = this.stored.get(id) ?? new Map()
    const total = Math.ceil(size / PART)
    const parts: UploadPart[] = []
    for (let n = 1; n <= total; n++)
      if (!have.has(n)) parts.push({ partNumber: n, url: `s3://${id}/${n}` })
    return parts.slice(0, this.batch)
  }
  async partUrls(id: string, partNumbers: number[]) {
    this.calls.push(`parts ${id}`)
    this.urlRequests.push(partNumbers)
    const total = Math.ceil((this.sizes.get(id) as number) / PART)
    if (partNumbers.length > this.batch || partNumbers.some((n) => n < 1 || n > total)) {
      throw Object.assign(new Error('bad part numbers'), { status: 400 })
    }
    return { parts: partNumbers.map((n) => ({ partNumber: n, url: `s3://${id}/${n}` })) }
  }
  async create(input: { sizeBytes: number }) {
    const id = `a${++this.next}`
    this.calls.push(`create ${id}`)
    this.stored.set(id, new Map())
    this.sizes.set(id, input.sizeBytes)
    this.status.set(id, 'uploading')
    return {
      asset: asset(id),
      uploadId: 'up',
      key: 'k',
      partSize: PART,
      partCount: Math.ceil(input.sizeBytes / PART),
      parts: this.urls(id, input.sizeBytes),
    }
  }
  async state(id: string) {
    this.calls.push(`state ${id}`)
    const have = this.stored.get(id)
    if (!have) throw Object.assign(new Error('gone'), { status: 404 })
    return {
      asset: asset(id, this.status.get(id)),
      uploadId: 'up',
      partSize: PART,
      partCount: Math.ceil((this.sizes.get(id) as number) / PART),
      uploadedParts: [...have].map(([partNumber, size]) => ({
        partNumber,
        size,
        etag: `e${partNumber}`,
      })),
      parts: this.urls(id, this.sizes.get(id) as number),
    }
  }
  async complete(id: string, parts: unknown) {
    this.calls.push(`complete ${id}`)
    this.completedWith.push(parts)
    this.status.set(id, 'uploaded')
    return { asset: asset(id, 'uploaded') }
  }
  async abort(id: string) {
    this.calls.push(`abort ${id}`)
    this.stored.delete(id)
  }
}

function transport(
  backend: FakeBackend,
  fail: (url: string, attempt: number) => number | null = () => null,
) {
  const attempts = new Map<string, number>()
  const t = {
    inFlight: 0,
    maxInFlight: 0,
    perAsset: new Map<string, number>(),
    maxAssetsAtOnce: 0,
    sent: [] as string[],
    put: async (url: string, body: Blob, onProgress: (n: number) => void, signal: AbortSignal) => {
      const [, , id, n] = url.split('/') as [string, string, string, string]
      const attempt = (attempts.get(url) ?? 0) + 1
      attempts.set(url, attempt)
      t.inFlight++
      t.perAsset.set(id, (t.perAsset.get(id) ?? 0) + 1)
      t.maxInFlight = Math.max(t.maxInFlight, t.perAsset.get(id) as number)
      t.maxAssetsAtOnce = Math.max(
        t.maxAssetsAtOnce,
        [...t.perAsset.values()].filter((v) => v > 0).length,
      )
      try {
        await new Promise((r) => setTimeout(r, 0))
        if (signal.aborted) throw new PartError(0)
        onProgress(body.size)
        const status = fail(url, attempt)
        if (status !== null) throw new PartError(status)
        backend.stored.get(id)?.set(Number(n), body.size)
        t.sent.push(`${id}/${n}`)
        return `e${n}`
      } finally {
        t.inFlight--
        t.perAsset.set(id, (t.perAsset.get(id) as number) - 1)
      }
    },
  }
  return t
}

async function settle(queue: UploadQueue) {
  for (let i = 0; i < 5000 && queue.busy; i++) await new Promise((r) => setTimeout(r, 0))
  expect(queue.busy).toBe(false)
}

function file(name: string, size: number, lastModified = 1000) {
  return new File([new Uint8Array(size)], name, { type: 'video/mp4', lastModified })
}

function setup(fail?: (url: string, attempt: number) => number | null, batch = 50) {
  const backend = new FakeBackend(batch)
  const t = transport(backend, fail)
  const resume = new ResumeStore(new MemoryStorage())
  const sleeps: number[] = []
  const queue = new UploadQueue({
    backend,
    putPart: t.put,
    resume,
    partUrlBatch: batch,
    backoffMs: (n) => 100 * n,
    sleep: async (ms) => {
      sleeps.push(ms)
    },
  })
  return { backend, t, resume, sleeps, queue }
}

describe('UploadQueue (MEDIA-1)', () => {
  it('sends every part with at most 4 in flight, then completes with the etags', async () => {
    const { backend, t, resume, queue } = setup()
    const item = queue.add('org1', file('match.mp4', 95))
    expect(resume.list()).toHaveLength(0)
    await settle(queue)
    expect(item.status).toBe('done')
    expect(t.sent).toHaveLength(10)
    expect(t.maxInFlight).toBe(4)
    expect(item.uploadedBytes).toBe(95)
    expect(item.partsDone).toBe(10)
    expect(backend.completedWith[0]).toEqual(
      Array.from({ length: 10 }, (_, i) => ({ partNumber: i + 1, etag: `e${i + 1}` })),
    )
    expect(resume.list()).toHaveLength(0)
  })

  it('runs 3 uploads at once and queues the rest', async () => {
    const { t, queue } = setup()
    const items = [1, 2, 3, 4, 5].map((n) => queue.add('org1', file(`f${n}.mp4`, 40 + n)))
    expect(items.filter((i) => i.status === 'preparing')).toHaveLength(3)
    expect(items.filter((i) => i.status === 'queued')).toHaveLength(2)
    await settle(queue)
    expect(items.every((i) => i.status === 'done')).toBe(true)
    expect(t.maxAssetsAtOnce).toBe(3)
  })

  it('retries a failing part with growing backoff and succeeds', async () => {
    const { t, sleeps, queue } = setup((url, attempt) =>
      url.endsWith('/2') && attempt <= 2 ? 503 : null,
    )
    const item = queue.add('org1', file('m.mp4', 30))
    await settle(queue)
    expect(item.status).toBe('done')
    expect(sleeps).toEqual([100, 200])
    expect(t.sent.sort()).toEqual(['a1/1', 'a1/2', 'a1/3'])
  })

  it('fails with a readable reason after the last attempt and Retry sends only missing parts', async () => {
    let broken = true
    const { backend, t, queue } = setup((url) => (broken && url.endsWith('/3') ? 0 : null))
    const item = queue.add('org1', file('m.mp4', 50))
    await settle(queue)
    expect(item.status).toBe('failed')
    expect(item.error).toMatch(/internet/)
    expect(backend.calls).not.toContain('complete a1')
    const before = t.sent.length
    broken = false
    queue.retry(item.id)
    await settle(queue)
    expect(item.status).toBe('done')
    expect(backend.calls.filter((c) => c.startsWith('create'))).toHaveLength(1)
    expect(t.sent.slice(before).every((p) => !['a1/1', 'a1/2'].includes(p))).toBe(true)
    expect(backend.stored.get('a1')?.size).toBe(5)
  })

  it('resumes after a reload: the same file continues from the stored parts', async () => {
    const storage = new MemoryStorage()
    const backend = new FakeBackend()
    // First visit: the tab closes after three parts reached storage.
    const first = transport(backend, (url) => (/\/[4-9]$/.test(url) ? 0 : null))
    const q1 = new UploadQueue({
      backend,
      putPart: first.put,
      resume: new ResumeStore(storage),
      maxPartAttempts: 1,
      sleep: async () => {},
    })
    q1.add('org1', file('long.mp4', 60, 42))
    await settle(q1)
    const record = new ResumeStore(storage).list('org1')
    expect(record).toMatchObject([
      { assetId: 'a1', fileName: 'long.mp4', size: 60, lastModified: 42 },
    ])

    // Second visit: a new queue, the user picks the same file again.
    const second = transport(backend)
    const q2 = new UploadQueue({
      backend,
      putPart: second.put,
      resume: new ResumeStore(storage),
      sleep: async () => {},
    })
    const item = q2.add('org1', file('long.mp4', 60, 42))
    await settle(q2)
    expect(item.status).toBe('done')
    expect(item.resumed).toBe(true)
    expect(backend.calls.filter((c) => c.startsWith('create'))).toEqual(['create a1'])
    expect(second.sent.sort()).toEqual(['a1/4', 'a1/5', 'a1/6'])
    expect(new ResumeStore(storage).list()).toHaveLength(0)
  })

  it('does not resume a different file with the same name', async () => {
    const { backend, resume, queue } = setup()
    resume.save({
      assetId: 'old',
      orgId: 'org1',
      fileName: 'm.mp4',
      size: 20,
      lastModified: 1,
      name: 'm',
      savedAt: 0,
    })
    queue.add('org1', file('m.mp4', 20, 2))
    await settle(queue)
    expect(backend.calls[0]).toBe('create a1')
    expect(backend.calls).not.toContain('state old')
  })

  it('starts over when the remembered upload no longer exists', async () => {
    const { backend, resume, queue } = setup()
    resume.save({
      assetId: 'gone',
      orgId: 'org1',
      fileName: 'm.mp4',
      size: 20,
      lastModified: 1,
      name: 'm',
      savedAt: 0,
    })
    const item = queue.add('org1', file('m.mp4', 20, 1))
    await settle(queue)
    expect(backend.calls.slice(0, 2)).toEqual(['state gone', 'create a1'])
    expect(item.status).toBe('done')
    expect(resume.list()).toHaveLength(0)
  })

  it('cancel aborts the upload on the server and forgets it', async () => {
    const { backend, resume, queue } = setup()
    const item = queue.add('org1', file('m.mp4', 200))
    for (let i = 0; i < 50 && item.status !== 'uploading'; i++)
      await new Promise((r) => setTimeout(r, 0))
    expect(resume.list()).toHaveLength(1)
    await queue.cancel(item.id)
    await settle(queue)
    expect(item.status).toBe('cancelled')
    expect(backend.calls).toContain('abort a1')
    expect(backend.calls).not.toContain('complete a1')
    expect(resume.list()).toHaveLength(0)
  })
})

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
