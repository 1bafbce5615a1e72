import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { silentLogger } from '../log'
import { jobIdOf, SqsQueue } from './sqs'
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
