// Worker configuration from the environment (names from docs/contracts.md; WORKER_FFMPEG_* are
// worker-local limits with safe defaults).
import { hostname } from 'node:os'
import type { StorageConfig } from './adapters/storage'
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
  s3: StorageConfig
}

type Env = Record<string, string | undefined>

function int(env: Env, name: string, fallback: number, min = 0): number {
  const raw = env[name]
  if (raw === undefined || raw === '') return fallback
  const value = Number(raw)
  if (!Number.isFinite(value) || value < min) throw new Error(`${name} must be a number ≥ ${min}`)
  return value
}

export type DatabaseMode = 'pooler-session' | 'pooler-transaction' | 'direct' | 'other'

/**
 * How the worker reaches Supabase's Postgres. From ECS (a VPC without IPv6) only the shared
 * pooler answers: it is IPv4, while db.<ref>.supabase.co (direct, and the dedicated pooler on
 * its port 6543) is IPv6 unless the project has the IPv4 add-on. Session mode (port 5432) suits a
 * long-lived worker; transaction mode (6543) works too, because every worker query is a single
 * simple-protocol statement with prepare: false (adapters/db.ts). Never echoes the password.
 */
export function describeDatabaseUrl(url: string): { mode: DatabaseMode; warnings: string[] } {
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    throw new Error('SUPABASE_DB_URL is not a postgres:// URL')
  }
  const host = parsed.hostname.toLowerCase()
  const warnings: string[] = []
  const supabase = host.endsWith('.supabase.com') || host.endsWith('.supabase.co')
  if (
    supabase &&
    parsed.searchParams.get('sslmode') !== 'require' &&
    !parsed.searchParams.has('ssl')
  )
    warnings.push('add ?sslmode=require: without it the connection to Supabase is not encrypted')
  if (/^db\.[a-z0-9]+\.supabase\.co$/.test(host)) {
    warnings.push(
      `${host} is IPv6-only unless the project has the IPv4 add-on, and the worker's VPC has no ` +
        'IPv6: use the shared pooler, postgres://postgres.<ref>:<password>@aws-0-<region>.pooler.supabase.com:5432/postgres?sslmode=require',
    )
    return { mode: 'direct', warnings }
  }
  if (host.endsWith('.pooler.supabase.com')) {
    const mode = parsed.port === '6543' ? 'pooler-transaction' : 'pooler-session'
    return { mode, warnings }
  }
  return { mode: 'other', warnings }
}

export function loadConfig(env: Env = process.env): WorkerConfig {
  const databaseUrl = env.SUPABASE_DB_URL
  if (!databaseUrl) throw new Error('SUPABASE_DB_URL is required')
  const { mode } = describeDatabaseUrl(databaseUrl)
  // The shared pooler finds the project by the user name; a bare `postgres` fails every connect
  // with "Tenant or user not found", so say so before the worker starts polling.
  if (
    mode.startsWith('pooler') &&
    !/^[^.]+\.[a-z0-9]+$/.test(decodeURIComponent(new URL(databaseUrl).username))
  )
    throw new Error('SUPABASE_DB_URL: the pooler user is postgres.<project-ref>')
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
