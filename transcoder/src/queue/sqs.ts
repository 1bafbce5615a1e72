// TX-1 production queue: SQS delivers the job id; the job row stays the truth.
//   - long poll (20 s) so an idle worker costs one request per 20 s;
//   - while a message is held, its visibility is extended every third of the timeout, so it never
//     reappears under a live worker; on a crash it reappears after at most one timeout;
//   - delete only after success is committed; a retry hides the message for the backoff;
//   - after the last attempt the message is left to the queue's redrive policy (maxReceiveCount =
//     max_attempts), which moves it to the DLQ on the next receive;
//   - a graceful hand-back (spot interruption) is not an attempt, so it must not cost a receive:
//     the job goes back as a fresh message (receive count 0) and only then is the held one deleted.
import { randomUUID } from 'node:crypto'
import {
  ChangeMessageVisibilityCommand,
  DeleteMessageCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
} from '@aws-sdk/client-sqs'
import { jobIdOfMessage } from '../../../contracts/jobs.ts'
import type { Database, JobRow } from '../adapters/db'
import type { Logger } from '../log'
import { databaseLease } from './postgres'
import type { JobSource, Lease } from './types'
import { sleep } from './types'

/** The slice of SQSClient the adapter uses; the tests pass a contract double. */
export interface SqsApi {
  send(command: object, options?: { abortSignal?: AbortSignal }): Promise<unknown>
}

export interface SqsMessage {
  body: string
  receiptHandle: string
  receiveCount: number
}

interface ReceiveOutput {
  Messages?: { Body?: string; ReceiptHandle?: string; Attributes?: Record<string, string> }[]
}

export class SqsQueue {
  private readonly timers = new Map<string, NodeJS.Timeout>()

  constructor(
    private readonly client: SqsApi,
    readonly queueUrl: string,
    readonly visibilitySeconds: number,
    private readonly logger: Logger,
    readonly waitSeconds = 20,
  ) {}

  /** One long poll; null if nothing arrived. The returned message is kept invisible until settled. */
  async receive(signal?: AbortSignal): Promise<SqsMessage | null> {
    const output = (await this.client.send(
      new ReceiveMessageCommand({
        QueueUrl: this.queueUrl,
        MaxNumberOfMessages: 1,
        WaitTimeSeconds: this.waitSeconds,
        VisibilityTimeout: this.visibilitySeconds,
        MessageSystemAttributeNames: ['ApproximateReceiveCount'],
      }),
      { abortSignal: signal },
    )) as ReceiveOutput
    const raw = output.Messages?.[0]
    if (!raw?.ReceiptHandle) return null
    const message = {
      body: raw.Body ?? '',
      receiptHandle: raw.ReceiptHandle,
      receiveCount: Number(raw.Attributes?.ApproximateReceiveCount ?? 1),
    }
    this.keepInvisible(message)
    return message
  }

  private keepInvisible(message: SqsMessage): void {
    // A third of the timeout leaves two chances for a slow request before the message reappears.
    const every = Math.max(1, Math.floor(this.visibilitySeconds / 3)) * 1000
    const timer = setInterval(() => {
      this.setVisibility(message, this.visibilitySeconds).catch((error: unknown) =>
        this.logger.warn('sqs_visibility_extend_failed', { error }),
      )
    }, every)
    timer.unref()
    this.timers.set(message.receiptHandle, timer)
  }

  private stopHeartbeat(message: SqsMessage): void {
    clearInterval(this.timers.get(message.receiptHandle))
    this.timers.delete(message.receiptHandle)
  }

  private async setVisibility(message: SqsMessage, seconds: number): Promise<void> {
    await this.client.send(
      new ChangeMessageVisibilityCommand({
        QueueUrl: this.queueUrl,
        ReceiptHandle: message.receiptHandle,
        VisibilityTimeout: Math.max(0, Math.min(43_200, Math.round(seconds))),
      }),
    )
  }

  async ack(message: SqsMessage): Promise<void> {
    this.stopHeartbeat(message)
    await this.client.send(
      new DeleteMessageCommand({ QueueUrl: this.queueUrl, ReceiptHandle: message.receiptHandle }),
    )
  }

  /** Stops extending and makes the message visible again after delaySeconds (0 = now). */
  async requeue(message: SqsMessage, delaySeconds: number): Promise<void> {
    this.stopHeartbeat(message)
    await this.setVisibility(message, delaySeconds)
  }

  /**
   * Hands the job back without spending a receive: every receive counts toward maxReceiveCount,
   * so making the held message visible again would send a job that was only ever interrupted to
   * the DLQ after three spot interruptions, leaving it queued with no message. A fresh message
   * starts at zero. Send first, delete second: a crash in between leaves a duplicate, which
   * claim_job turns into a no-op, never a job without a message.
   */
  async handBack(message: SqsMessage, jobId: string): Promise<void> {
    this.stopHeartbeat(message)
    try {
      await this.client.send(
        new SendMessageCommand({
          QueueUrl: this.queueUrl,
          MessageBody: message.body,
          // As dispatchJob does for FIFO queues; the dedup id is new, or SQS would drop the copy
          // as a repeat of the original within its five-minute window.
          ...(this.queueUrl.endsWith('.fifo')
            ? { MessageGroupId: jobId, MessageDeduplicationId: `${jobId}:${randomUUID()}` }
            : {}),
        }),
      )
    } catch (error) {
      // No copy was sent: visible again now, at the cost of one receive, rather than lost.
      this.logger.warn('sqs_handback_resend_failed', { jobId, error })
      await this.setVisibility(message, 0)
      return
    }
    try {
      await this.client.send(
        new DeleteMessageCommand({ QueueUrl: this.queueUrl, ReceiptHandle: message.receiptHandle }),
      )
    } catch (error) {
      // The old copy reappears after its visibility timeout and is settled as a duplicate.
      this.logger.warn('sqs_handback_delete_failed', { jobId, error })
    }
  }

  /** Stops extending without touching visibility (someone else owns the job for now). */
  abandon(message: SqsMessage): void {
    this.stopHeartbeat(message)
  }

  get heldMessages(): number {
    return this.timers.size
  }
}

/** The message names the job (contracts/jobs.ts QueueMessage); the row stays the truth. */
export const jobIdOf = jobIdOfMessage

export interface SqsSourceOptions {
  queue: SqsQueue
  db: Database
  workerId: string
  leaseSeconds: number
  logger: Logger
}

export class SqsJobSource implements JobSource {
  readonly name = 'sqs'
  constructor(private readonly options: SqsSourceOptions) {}

  async next(signal: AbortSignal): Promise<Lease | null> {
    const { queue, db, workerId, leaseSeconds, logger } = this.options
    while (!signal.aborted) {
      let message: SqsMessage | null
      try {
        message = await queue.receive(signal)
      } catch (error) {
        if (signal.aborted) return null
        logger.warn('sqs_receive_failed', { error })
        await sleep(2000, signal)
        continue
      }
      if (!message) continue
      const jobId = jobIdOf(message.body)
      if (!jobId) {
        // Unreadable forever; deleting it is the only way it stops costing receives.
        logger.error('sqs_message_unreadable', { body: message.body.slice(0, 200) })
        await queue.ack(message)
        continue
      }
      try {
        const job = await db.claim(jobId, workerId, leaseSeconds)
        if (job) return this.lease(job, message)
        await this.settleUnclaimable(jobId, message)
      } catch (error) {
        logger.warn('sqs_claim_failed', { jobId, error })
        queue.abandon(message)
      }
    }
    return null
  }

  /** claim_job said no: finished → acknowledge; leased live elsewhere → leave it to that worker. */
  private async settleUnclaimable(jobId: string, message: SqsMessage): Promise<void> {
    const { queue, db, logger } = this.options
    const job = await db.job(jobId)
    if (!job) {
      logger.warn('sqs_job_missing', { jobId })
      await queue.ack(message)
    } else if (job.state === 'succeeded' || job.state === 'failed' || job.state === 'cancelled') {
      logger.info('sqs_duplicate_acknowledged', { jobId, state: job.state })
      await queue.ack(message)
    } else {
      // Running under a live lease (or exhausted): the holder settles it. Keep it hidden for one
      // lease so the message comes back only if that worker dies.
      logger.info('sqs_job_leased_elsewhere', { jobId, owner: job.lease_owner })
      queue.abandon(message)
    }
  }

  private lease(job: JobRow, message: SqsMessage): Lease {
    const { queue, db, workerId, leaseSeconds } = this.options
    const base = databaseLease(db, job, workerId, leaseSeconds)
    return {
      job,
      heartbeat: base.heartbeat,
      updateAsset: base.updateAsset,
      complete: async (result) => {
        const ok = await base.complete(result)
        await queue.ack(message)
        return ok
      },
      fail: async (code, message_, retryable) => {
        const state = await base.fail(code, message_, retryable)
        if (state === 'queued') {
          // The database computed the backoff; hide the message until the job is due.
          const fresh = await db.job(job.id)
          const delay = fresh ? (fresh.run_after.getTime() - Date.now()) / 1000 : 10
          await queue.requeue(message, Math.max(0, delay))
        } else if (state === 'failed' && job.attempt >= job.max_attempts) {
          // Last attempt: visible again, so the redrive policy moves it to the DLQ on next receive.
          await queue.requeue(message, 0)
        } else {
          await queue.ack(message)
        }
        return state
      },
      release: async () => {
        try {
          await base.release()
        } finally {
          // Even if the database missed the release, the job's lease expires and the copy waits.
          await queue.handBack(message, job.id)
        }
      },
    }
  }
}
