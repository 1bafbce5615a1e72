import { DeleteMessageCommand } from '@aws-sdk/client-sqs'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { Database, JobRow } from '../adapters/db'
import { silentLogger } from '../log'
import { jobIdOf, SqsJobSource, SqsQueue } from './sqs'
import { FakeSqs } from './sqs-double'

const url = 'https://sqs.eu-west-1.amazonaws.com/123/transcode'

describe('SqsQueue against the SQS contract double', () => {
  beforeEach(() => {
    vi.useFakeTimers()
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it('keeps a held message invisible past its timeout by extending before expiry', async () => {
    const sqs = new FakeSqs()
    sqs.enqueue('job')
    const queue = new SqsQueue(sqs, url, 30, silentLogger, 0)
    const held = await queue.receive()
    expect(held?.body).toBe('job')
    for (let second = 0; second < 300; second += 5) {
      await vi.advanceTimersByTimeAsync(5000)
      expect(sqs.visibleCount()).toBe(0)
    }
    // Extended every 10 s: about 30 extensions in 300 s, never more than one per third.
    const extensions = sqs.calls.filter((c) => c === 'ChangeMessageVisibilityCommand').length
    expect(extensions).toBeGreaterThanOrEqual(29)
    expect(extensions).toBeLessThanOrEqual(31)
    await queue.ack(held!)
    expect(sqs.messages).toHaveLength(0)
    expect(queue.heldMessages).toBe(0)
  })

  it('lets the message reappear after one timeout when the holder stops extending (crash)', async () => {
    const sqs = new FakeSqs()
    sqs.enqueue('job')
    const queue = new SqsQueue(sqs, url, 30, silentLogger, 0)
    const held = await queue.receive()
    queue.abandon(held!)
    await vi.advanceTimersByTimeAsync(29_000)
    expect(sqs.visibleCount()).toBe(0)
    await vi.advanceTimersByTimeAsync(2000)
    expect(sqs.visibleCount()).toBe(1)
    // The old receipt handle is dead once someone else receives the message.
    const again = await new SqsQueue(sqs, url, 30, silentLogger, 0).receive()
    expect(again?.receiptHandle).not.toBe(held!.receiptHandle)
    await queue.ack(held!)
    expect(sqs.messages).toHaveLength(1)
  })

  it('hands a message back at once with visibility 0, and delays a retry', async () => {
    const sqs = new FakeSqs()
    sqs.enqueue('job')
    const queue = new SqsQueue(sqs, url, 30, silentLogger, 0)
    const first = await queue.receive()
    await queue.requeue(first!, 0)
    expect(sqs.visibleCount()).toBe(1)
    const second = await queue.receive()
    await queue.requeue(second!, 40)
    await vi.advanceTimersByTimeAsync(39_000)
    expect(sqs.visibleCount()).toBe(0)
    await vi.advanceTimersByTimeAsync(2000)
    expect(sqs.visibleCount()).toBe(1)
  })

  it('long-polls until a message arrives', async () => {
    const sqs = new FakeSqs()
    const queue = new SqsQueue(sqs, url, 30, silentLogger, 20)
    const pending = queue.receive()
    await vi.advanceTimersByTimeAsync(5000)
    sqs.enqueue('late')
    await vi.advanceTimersByTimeAsync(200)
    expect((await pending)?.body).toBe('late')
    expect(sqs.calls.filter((c) => c === 'ReceiveMessageCommand')).toHaveLength(1)
  })

  it('moves a message to the DLQ after maxReceiveCount receives', async () => {
    const sqs = new FakeSqs(3)
    sqs.enqueue('poison')
    const queue = new SqsQueue(sqs, url, 30, silentLogger, 0)
    for (let i = 0; i < 3; i++) {
      const held = await queue.receive()
      expect(held?.receiveCount).toBe(i + 1)
      await queue.requeue(held!, 0)
    }
    expect(await queue.receive()).toBeNull()
    expect(sqs.deadLetters.map((m) => m.body)).toEqual(['poison'])
  })
})

/**
 * The job table's lease rules as the worker's SQL functions apply them (claim_job, release_job,
 * complete_job in 20250101000200_media_and_jobs.sql): a claim counts an attempt and needs one left,
 * a hand-back returns the attempt, a finished job cannot be claimed again.
 */
class JobTable {
  readonly rows = new Map<string, JobRow>()
  constructor(private readonly now: () => number) {}
  add(id: string): void {
    this.rows.set(id, {
      id,
      org_id: 'org',
      media_asset_id: null,
      type: 'transcode',
      state: 'queued',
      attempt: 0,
      max_attempts: 3,
      run_after: new Date(this.now()),
      lease_owner: null,
      lease_expires_at: null,
      payload: {},
    })
  }
  async claim(id: string, worker: string, leaseSeconds: number) {
    const job = this.rows.get(id)
    const expired = job?.lease_expires_at && job.lease_expires_at.getTime() < this.now()
    if (!job || job.attempt >= job.max_attempts) return null
    if (job.state !== 'queued' && !(job.state === 'running' && expired)) return null
    Object.assign(job, {
      state: 'running',
      attempt: job.attempt + 1,
      lease_owner: worker,
      lease_expires_at: new Date(this.now() + leaseSeconds * 1000),
    })
    return { ...job }
  }
  async release(id: string, worker: string) {
    const job = this.rows.get(id)
    if (job?.state !== 'running' || job.lease_owner !== worker) return false
    Object.assign(job, {
      state: 'queued',
      attempt: Math.max(job.attempt - 1, 0),
      lease_owner: null,
    })
    return true
  }
  async complete(id: string, worker: string) {
    const job = this.rows.get(id)
    if (job?.state !== 'running' || job.lease_owner !== worker) return false
    job.state = 'succeeded'
    return true
  }
  async job(id: string) {
    const job = this.rows.get(id)
    return job ? { ...job } : null
  }
  async heartbeat() {
    return true
  }
}

describe('SqsJobSource: a spot hand-back', () => {
  const jobId = '0199a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b'
  const body = JSON.stringify({ jobId, type: 'transcode' })
  let clock = 0
  const now = () => clock
  const live = () => new AbortController().signal

  function setup(sqs: FakeSqs) {
    const jobs = new JobTable(now)
    jobs.add(jobId)
    const source = (workerId: string) =>
      new SqsJobSource({
        queue: new SqsQueue(sqs, url, 30, silentLogger, 0),
        db: jobs as unknown as Database,
        workerId,
        leaseSeconds: 30,
        logger: silentLogger,
      })
    return { jobs, source }
  }

  beforeEach(() => {
    clock = 1_000_000
  })

  it('three hand-backs neither count toward the DLQ nor strand the job: it still runs', async () => {
    const sqs = new FakeSqs(3, now)
    sqs.enqueue(body)
    const { jobs, source } = setup(sqs)
    for (let i = 1; i <= 3; i++) {
      const lease = await source(`spot-${i}`).next(live())
      expect(lease?.job).toMatchObject({ id: jobId, attempt: 1 })
      await lease!.release()
      expect(jobs.rows.get(jobId)).toMatchObject({ state: 'queued', attempt: 0 })
    }
    // A fresh message each time: nothing received so far counts toward maxReceiveCount.
    expect(sqs.messages.map((m) => [m.body, m.receiveCount])).toEqual([[body, 0]])
    expect(sqs.deadLetters).toEqual([])

    const lease = await source('on-demand').next(live())
    expect(await lease!.complete({})).toBe(true)
    expect(jobs.rows.get(jobId)).toMatchObject({ state: 'succeeded', attempt: 1 })
    expect(sqs.messages).toEqual([])
    expect(sqs.deadLetters).toEqual([])
  })

  it('a crash between re-sending and deleting leaves a harmless duplicate, never a lost job', async () => {
    const sqs = new FakeSqs(3, now)
    sqs.enqueue(body)
    const { jobs, source } = setup(sqs)
    const send = sqs.send.bind(sqs)
    let failDeletes = 1
    // The source polls until its signal aborts; abort once the queue is empty.
    const drained = new AbortController()
    sqs.send = async (command, options) => {
      if (command instanceof DeleteMessageCommand && failDeletes-- > 0) throw new Error('network')
      const out = await send(command, options)
      if (command instanceof DeleteMessageCommand && sqs.messages.length === 0) drained.abort()
      return out
    }
    const lease = await source('spot').next(live())
    await lease!.release()
    // The fresh copy is visible now, the old one once its visibility timeout runs out.
    expect(sqs.messages).toHaveLength(2)
    expect(sqs.visibleCount()).toBe(1)

    const next = await source('on-demand').next(live())
    await next!.complete({})
    clock += 31_000
    expect(sqs.visibleCount()).toBe(1)
    // The old copy: claim_job refuses a finished job, so it is acknowledged and nothing reruns.
    expect(await source('late').next(drained.signal)).toBeNull()
    expect(sqs.messages).toEqual([])
    expect(jobs.rows.get(jobId)).toMatchObject({ state: 'succeeded', attempt: 1 })
    expect(sqs.deadLetters).toEqual([])
  })
})

describe('jobIdOf', () => {
  const id = '0199a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b'
  it('reads a bare id or a JSON envelope, and nothing else', () => {
    expect(jobIdOf(id)).toBe(id)
    expect(jobIdOf(JSON.stringify({ jobId: id }))).toBe(id)
    expect(jobIdOf(JSON.stringify({ job_id: id }))).toBe(id)
    expect(jobIdOf(`${id}; drop table`)).toBeNull()
    expect(jobIdOf('{"jobId": 5}')).toBeNull()
  })
})
