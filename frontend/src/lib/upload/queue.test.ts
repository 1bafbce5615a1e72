import { describe, expect, it } from 'vitest'
import { UploadQueue } from './queue'
import { ResumeStore } from './resume'
import {
  FakeBackend,
  MemoryStorage,
  file,
  remember,
  settle,
  setup,
  transport,
} from './queue.fixtures'

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
    remember(resume, 'old', 20, 1)
    queue.add('org1', file('m.mp4', 20, 2))
    await settle(queue)
    expect(backend.calls[0]).toBe('create a1')
    expect(backend.calls).not.toContain('state old')
  })

  it('starts over when the remembered upload no longer exists', async () => {
    const { backend, resume, queue } = setup()
    remember(resume, 'gone', 20, 1)
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
