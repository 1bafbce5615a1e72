// The worker process: `npm run start -w transcoder`, started by the local platform as a child
// process and by ECS in production. SIGTERM (spot interruption, Ctrl-C) stops it gracefully.
import { SQSClient } from '@aws-sdk/client-sqs'
import { Database } from './adapters/db'
import { Storage } from './adapters/storage'
import { describeDatabaseUrl, loadConfig } from './config'
import { startHealthServer } from './health'
import { createLogger } from './log'
import { handledJobTypes } from './messages'
import { PostgresJobSource } from './queue/postgres'
import { SqsJobSource, SqsQueue } from './queue/sqs'
import type { JobSource } from './queue/types'
import { chooseEncoder } from './service/transcode'
import { Worker } from './worker'

const config = loadConfig()
const logger = createLogger({ workerId: config.workerId })
const database = describeDatabaseUrl(config.databaseUrl)
logger.info('database_connection', { mode: database.mode })
for (const warning of database.warnings) logger.warn('database_url_warning', { warning })
const db = new Database(config.databaseUrl)
const storage = new Storage(config.s3)

const encoder = await chooseEncoder(config.encoder)
if (config.encoder === 'auto')
  logger.info('encoder_selected', { encoder, reason: 'capability probe' })

let source: JobSource
let sqs: SQSClient | undefined
if (config.sqsQueueUrl) {
  // The queue lives in AWS even when storage is Wasabi/R2, so its region comes from AWS_REGION.
  sqs = new SQSClient({ region: process.env.AWS_REGION || config.s3.region })
  const queue = new SqsQueue(sqs, config.sqsQueueUrl, config.leaseSeconds, logger)
  source = new SqsJobSource({
    queue,
    db,
    workerId: config.workerId,
    leaseSeconds: config.leaseSeconds,
    logger,
  })
} else {
  source = new PostgresJobSource({
    db,
    workerId: config.workerId,
    leaseSeconds: config.leaseSeconds,
    types: handledJobTypes,
    pollIntervalMs: config.pollIntervalMs,
    logger,
  })
}

const worker = new Worker({ config, db, storage, source, logger, encoder })
const health = await startHealthServer(
  worker,
  config.workerId,
  config.healthHost,
  config.healthPort,
).catch((error: unknown) => {
  // A busy port must not stop transcoding (two local workers, a leftover process).
  logger.warn('health_server_unavailable', { port: config.healthPort, error })
  return null
})
worker.start()

let stopping = false
const shutdown = (signal: string) => {
  if (stopping) return
  stopping = true
  logger.info('shutdown_requested', { signal })
  void (async () => {
    await worker.stop()
    health?.close()
    await db.close().catch(() => {})
    storage.close()
    sqs?.destroy()
    process.exit(0)
  })()
}
process.on('SIGTERM', () => shutdown('SIGTERM'))
process.on('SIGINT', () => shutdown('SIGINT'))
