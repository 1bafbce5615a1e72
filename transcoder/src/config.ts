// Worker configuration from the environment (names from docs/contracts.md; WORKER_FFMPEG_* are
// worker-local limits with safe defaults).
import { hostname } from 'node:os'
import type { EncoderChoice } from './service/transcode'

export interface WorkerConfig {
  workerId: string
  databaseUrl: string
  concurrency: number
  leaseSeconds: number
  stopTimeoutSeconds: number
  encoder: EncoderChoice
  x264Preset: string
  sqsQueueUrl: string | null
  healthPort: number
  healthHost: string
  pollIntervalMs: number
  ffmpegMemoryBytes: number
  ffmpegMaxRunSeconds: number
  tempRoot: string | undefined
  s3: {
    endpoint: string | undefined
    region: string
    bucket: string
    accessKeyId: string | undefined
    secretAccessKey: string | undefined
    forcePathStyle: boolean
  }
}

type Env = Record<string, string | undefined>

function int(env: Env, name: string, fallback: number, min = 0): number {
  const raw = env[name]
  if (raw === undefined || raw === '') return fallback
  const value = Number(raw)
  if (!Number.isFinite(value) || value < min) throw new Error(`${name} must be a number ≥ ${min}`)
  return value
}

export function loadConfig(env: Env = process.env): WorkerConfig {
  const databaseUrl = env.SUPABASE_DB_URL
  if (!databaseUrl) throw new Error('SUPABASE_DB_URL is required')
  const encoder = (env.FFMPEG_ENCODER || 'auto') as EncoderChoice
  if (!['auto', 'nvenc', 'libx264'].includes(encoder)) {
    throw new Error(`FFMPEG_ENCODER must be auto, nvenc or libx264 (got ${encoder})`)
  }
  return {
    workerId: env.WORKER_ID || `${hostname()}-${process.pid}`,
    databaseUrl,
    concurrency: int(env, 'WORKER_CONCURRENCY', 1, 1),
    leaseSeconds: int(env, 'WORKER_LEASE_SECONDS', 60, 3),
    stopTimeoutSeconds: int(env, 'WORKER_STOP_TIMEOUT_SECONDS', 100),
    encoder,
    x264Preset: env.X264_PRESET || 'veryfast',
    sqsQueueUrl: env.SQS_QUEUE_URL || null,
    healthPort: int(env, 'WORKER_HEALTH_PORT', 54328),
    healthHost: env.WORKER_HEALTH_HOST || '127.0.0.1',
    pollIntervalMs: int(env, 'WORKER_POLL_INTERVAL_MS', 1000, 50),
    ffmpegMemoryBytes: int(env, 'WORKER_FFMPEG_MEMORY_MB', 4096) * 1024 * 1024,
    ffmpegMaxRunSeconds: int(env, 'WORKER_FFMPEG_TIMEOUT_SECONDS', 6 * 60 * 60, 1),
    tempRoot: env.WORKER_TEMP_DIR || undefined,
    s3: {
      endpoint: env.S3_ENDPOINT || undefined,
      region: env.S3_REGION || 'us-east-1',
      bucket: env.S3_BUCKET || 'media',
      accessKeyId: env.S3_ACCESS_KEY_ID || undefined,
      secretAccessKey: env.S3_SECRET_ACCESS_KEY || undefined,
      forcePathStyle: (env.S3_FORCE_PATH_STYLE ?? 'true') === 'true',
    },
  }
}
