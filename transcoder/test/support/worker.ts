// Runs the real Worker in-process against a TestPlatform, capturing its JSON log lines.
import { loadConfig } from '../../src/config'
import { createLogger } from '../../src/log'
import { handledJobTypes } from '../../src/messages'
import { PostgresJobSource } from '../../src/queue/postgres'
import type { JobSource } from '../../src/queue/types'
import { Worker } from '../../src/worker'
import type { TestPlatform } from './platform'

export interface RunningWorker {
  worker: Worker
  logs: Record<string, unknown>[]
  stop(): Promise<void>
}

export function startWorker(
  platform: TestPlatform,
  options: {
    workerId?: string
    env?: Record<string, string>
    source?: (w: string) => JobSource
  } = {},
): RunningWorker {
  const workerId = options.workerId ?? 'test-worker'
  const config = loadConfig({
    ...platform.env,
    WORKER_ID: workerId,
    WORKER_LEASE_SECONDS: '30',
    WORKER_POLL_INTERVAL_MS: '100',
    WORKER_TEMP_DIR: platform.dir,
    ...options.env,
  })
  const logs: Record<string, unknown>[] = []
  const logger = createLogger({ workerId }, (line) =>
    logs.push(JSON.parse(line) as Record<string, unknown>),
  )
  const source =
    options.source?.(workerId) ??
    new PostgresJobSource({
      db: platform.db,
      workerId,
      leaseSeconds: config.leaseSeconds,
      types: handledJobTypes,
      pollIntervalMs: config.pollIntervalMs,
      logger,
    })
  const worker = new Worker({
    config,
    db: platform.db,
    storage: platform.storage,
    source,
    logger,
    encoder: 'libx264',
  })
  worker.start()
  return { worker, logs, stop: () => worker.stop() }
}
