// The worker loop: takes leases from a JobSource, keeps them alive, runs the handler and settles
// the outcome. Owns graceful stop (TX-6): stop receiving, finish what fits in the stop window,
// hand back the rest.
import type { WorkerConfig } from './config'
import type { Database } from './adapters/db'
import type { Storage } from './adapters/storage'
import { dispatch } from './handler'
import type { Logger } from './log'
import { toMessage } from './messages'
import type { EncoderChoice } from './service/transcode'
import type { JobSource, Lease } from './queue/types'

export interface WorkerDeps {
  config: WorkerConfig
  db: Database
  storage: Storage
  source: JobSource
  logger: Logger
  encoder: EncoderChoice
}

interface ActiveJob {
  jobId: string
  startedAt: number
  progress: number
  interrupt(reason: 'shutdown' | 'lease-lost'): void
}

export type WorkerStatus = 'running' | 'stopping' | 'stopped'

/** Seconds left, from the progress rate so far; null while too early to tell. */
export function estimateRemainingSeconds(elapsedSeconds: number, progress: number): number | null {
  if (progress < 0.05 || elapsedSeconds <= 0) return null
  return (elapsedSeconds * (1 - progress)) / progress
}

export class Worker {
  status: WorkerStatus = 'running'
  lastDatabaseOkAt = Date.now()
  readonly processed = { succeeded: 0, failed: 0, retried: 0, handedBack: 0 }
  private readonly receiving = new AbortController()
  private readonly active = new Map<string, ActiveJob>()
  private loops: Promise<void>[] = []
  private deviceTimer: NodeJS.Timeout | undefined

  constructor(private readonly deps: WorkerDeps) {}

  get activeJobs(): { jobId: string; progress: number; runningSeconds: number }[] {
    return [...this.active.values()].map((a) => ({
      jobId: a.jobId,
      progress: a.progress,
      runningSeconds: (Date.now() - a.startedAt) / 1000,
    }))
  }

  start(): void {
    const { config, logger } = this.deps
    logger.info('worker_started', {
      workerId: config.workerId,
      source: this.deps.source.name,
      encoder: this.deps.encoder,
      concurrency: config.concurrency,
    })
    for (let i = 0; i < config.concurrency; i++) this.loops.push(this.loop())
    void this.beat()
    this.deviceTimer = setInterval(() => void this.beat(), 15_000)
  }

  private async loop(): Promise<void> {
    while (!this.receiving.signal.aborted) {
      const lease = await this.deps.source.next(this.receiving.signal)
      if (!lease) break
      await this.run(lease)
    }
  }

  private async run(lease: Lease): Promise<void> {
    const { config, storage } = this.deps
    const job = lease.job
    const logger = this.deps.logger.child({
      jobId: job.id,
      assetId: job.media_asset_id,
      attempt: job.attempt,
    })
    const message = toMessage(job)
    if (!message) {
      logger.error('job_unsupported', { type: job.type })
      await lease.fail('UNSUPPORTED_JOB', `This worker cannot run ${job.type} jobs.`, false)
      return
    }
    const controller = new AbortController()
    let reason: 'shutdown' | 'lease-lost' = 'shutdown'
    const active: ActiveJob = {
      jobId: job.id,
      startedAt: Date.now(),
      progress: 0,
      interrupt: (why) => {
        if (controller.signal.aborted) return
        reason = why
        logger.info('job_interrupt', { reason: why, progress: active.progress })
        controller.abort()
      },
    }
    this.active.set(job.id, active)
    logger.info('job_started', { type: job.type })
    // Heartbeat at a third of the lease: two can fail before another worker may take the job.
    const heartbeat = setInterval(
      () => {
        lease
          .heartbeat(active.progress)
          .then((ok) => {
            this.lastDatabaseOkAt = Date.now()
            if (!ok) active.interrupt('lease-lost')
          })
          .catch((error: unknown) => logger.warn('heartbeat_failed', { error }))
      },
      Math.max(1000, (config.leaseSeconds * 1000) / 3),
    )
    try {
      const outcome = await dispatch(message, {
        storage,
        updateAsset: (patch, status) => lease.updateAsset(patch, status),
        logger,
        signal: controller.signal,
        interruptReason: () => reason,
        onProgress: (fraction) => {
          active.progress = fraction
        },
        encoder: this.deps.encoder,
        x264Preset: config.x264Preset,
        ffmpegMemoryBytes: config.ffmpegMemoryBytes,
        ffmpegMaxRunSeconds: config.ffmpegMaxRunSeconds,
        tempRoot: config.tempRoot,
      })
      clearInterval(heartbeat)
      switch (outcome.status) {
        case 'succeeded': {
          const ok = await lease.complete(outcome.result)
          if (ok) this.processed.succeeded++
          logger.info(ok ? 'job_succeeded' : 'job_complete_rejected', outcome.result)
          break
        }
        case 'failed':
        case 'retry': {
          const state = await lease.fail(outcome.code, outcome.message, outcome.status === 'retry')
          if (state === 'queued') this.processed.retried++
          else this.processed.failed++
          logger.warn('job_failed', { code: outcome.code, detail: outcome.detail, state })
          break
        }
        case 'interrupted': {
          if (outcome.reason === 'shutdown') {
            await lease.release()
            this.processed.handedBack++
            logger.info('job_handed_back', { progress: active.progress })
          } else {
            logger.warn('job_lease_lost')
          }
          break
        }
      }
    } catch (error) {
      // Infrastructure trouble (database, storage): retry later, keep the worker alive.
      logger.error('job_crashed', { error })
      await lease
        .fail(
          'INTERNAL_ERROR',
          'Something went wrong on our side while processing. It will be retried automatically.',
          true,
        )
        .catch((failError: unknown) => logger.error('job_fail_record_failed', { error: failError }))
    } finally {
      clearInterval(heartbeat)
      this.active.delete(job.id)
    }
  }

  private async beat(): Promise<void> {
    const { db, config, logger } = this.deps
    try {
      await db.deviceHeartbeat({
        workerId: config.workerId,
        status: this.status === 'running' ? 'online' : 'offline',
        encoder: this.deps.encoder,
        currentJobIds: [...this.active.keys()],
        details: { processed: this.processed, source: this.deps.source.name },
      })
      this.lastDatabaseOkAt = Date.now()
    } catch (error) {
      logger.warn('device_heartbeat_failed', { error })
    }
  }

  /** SIGTERM: resolves when every job is finished or handed back. */
  async stop(): Promise<void> {
    if (this.status !== 'running') return Promise.all(this.loops).then(() => undefined)
    const { config, logger } = this.deps
    this.status = 'stopping'
    this.receiving.abort()
    clearInterval(this.deviceTimer)
    const windowSeconds = config.stopTimeoutSeconds
    for (const job of this.active.values()) {
      const remaining = estimateRemainingSeconds((Date.now() - job.startedAt) / 1000, job.progress)
      const fits = remaining !== null && remaining < windowSeconds
      logger.info('stop_decision', {
        jobId: job.jobId,
        progress: job.progress,
        estimatedRemainingSeconds: remaining,
        windowSeconds,
        decision: fits ? 'finish' : 'hand back',
      })
      if (!fits) job.interrupt('shutdown')
    }
    // An estimate can be wrong: whatever still runs at the end of the window is handed back.
    const deadline = setTimeout(() => {
      for (const job of this.active.values()) job.interrupt('shutdown')
    }, windowSeconds * 1000)
    await Promise.all(this.loops)
    clearTimeout(deadline)
    this.status = 'stopped'
    await this.beat()
    logger.info('worker_stopped', { processed: this.processed })
  }
}
