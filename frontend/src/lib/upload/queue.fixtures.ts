import { expect } from 'vitest'
import type { MediaAsset, UploadPart } from '../types'
import { UploadQueue, type UploadBackend } from './queue'
import { ResumeStore } from './resume'
import { PartError } from './xhr'

// The upload queue's test bench: an in-memory Storage, a fake of the `media/uploads` endpoints that
// remembers which parts storage holds, and a part transport that can be told to fail.

export class MemoryStorage implements Storage {
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

export const PART = 10

function asset(id: string, status: MediaAsset['status'] = 'uploading'): MediaAsset {
  return { id, status } as MediaAsset
}

/**
 * A fake of the `media/uploads` endpoints that remembers which parts storage holds. Like the
 * server, it hands out part URLs at most `batch` at a time.
 */
export class FakeBackend implements UploadBackend {
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

export function transport(
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

export async function settle(queue: UploadQueue) {
  for (let i = 0; i < 5000 && queue.busy; i++) await new Promise((r) => setTimeout(r, 0))
  expect(queue.busy).toBe(false)
}

export function file(name: string, size: number, lastModified = 1000) {
  return new File([new Uint8Array(size)], name, { type: 'video/mp4', lastModified })
}

export function setup(fail?: (url: string, attempt: number) => number | null, batch = 50) {
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

/** What a visit that was interrupted left behind for this org: an upload of `m.mp4`. */
export function remember(resume: ResumeStore, assetId: string, size: number, lastModified: number) {
  resume.save({
    assetId,
    orgId: 'org1',
    fileName: 'm.mp4',
    size,
    lastModified,
    name: 'm',
    savedAt: 0,
  })
}
