// TX-1 local queue: the jobs table itself, through claim_next_job's lease (skip locked, expiry).
import type { Database } from '../adapters/db'
import type { Logger } from '../log'
import type { JobSource, Lease } from './types'
import { sleep } from './types'

export interface PostgresSourceOptions {
  db: Database
  workerId: string
  leaseSeconds: number
  types: string[]
  pollIntervalMs: number
  logger: Logger
}

export function databaseLease(
  db: Database,
  job: Lease['job'],
  workerId: string,
  leaseSeconds: number,
): Lease {
  return {
    job,
    heartbeat: (progress) => db.heartbeat(job.id, workerId, leaseSeconds, progress),
    updateAsset: (patch, status) => db.updateAsset(job.id, workerId, patch, status),
    complete: (result) => db.complete(job.id, workerId, result),
    fail: (code, message, retryable) => db.fail(job.id, workerId, code, message, retryable),
    release: async () => {
      await db.release(job.id, workerId)
    },
  }
}

export class PostgresJobSource implements JobSource {
  readonly name = 'postgres'
  constructor(private readonly options: PostgresSourceOptions) {}

  async next(signal: AbortSignal): Promise<Lease | null> {
    const { db, workerId, leaseSeconds, types, pollIntervalMs, logger } = this.options
    while (!signal.aborted) {
      try {
        const job = await db.claimNext(workerId, leaseSeconds, types)
        if (job) return databaseLease(db, job, workerId, leaseSeconds)
      } catch (error) {
        // A database blip must not kill the worker; the next poll tries again.
        logger.warn('claim_failed', { error })
      }
      await sleep(pollIntervalMs, signal)
    }
    return null
  }
}
