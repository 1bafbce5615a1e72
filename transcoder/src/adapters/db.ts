// The database adapter: the job lifecycle through the private.* worker functions (the job row is
// the truth), media_assets updates, and the compute_devices heartbeat. Wraps postgres.js only.
import postgres from 'postgres'
import { hostname } from 'node:os'

export type JobState = 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled'

export interface JobRow {
  id: string
  org_id: string
  media_asset_id: string | null
  type: string
  state: JobState
  attempt: number
  max_attempts: number
  run_after: Date
  lease_owner: string | null
  lease_expires_at: Date | null
  payload: Record<string, unknown>
}

export interface AssetRow {
  id: string
  org_id: string
  status: string
  storage_prefix: string
  original_key: string
  file_name: string
}

/** Columns of media_assets the worker writes. */
export interface AssetPatch {
  status?: 'uploaded' | 'transcoding' | 'transcoded' | 'complete' | 'failed'
  processing_stage?: string | null
  progress?: number
  playable?: boolean
  duration_seconds?: number
  width?: number
  height?: number
  master_playlist_key?: string | null
  renditions?: unknown[]
  renditions_bytes?: number
  poster_key?: string | null
  storyboard_vtt_key?: string | null
  error_code?: string | null
  error_message?: string | null
}

export interface DeviceBeat {
  workerId: string
  status: 'online' | 'degraded' | 'offline'
  encoder: string
  currentJobIds: string[]
  details: Record<string, unknown>
}

/**
 * A SQL literal. Every worker query goes out as one simple-protocol message with inlined literals:
 * the extended protocol's unnamed portal is per backend, and both pglite-socket (locally) and a
 * transaction-mode pooler (Supavisor) can put another client's Bind between our Bind and Execute.
 * E'' form escapes backslashes too, so the result does not depend on standard_conforming_strings.
 */
export function literal(value: unknown): string {
  if (value === null || value === undefined) return 'null'
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new Error(`not a finite number: ${value}`)
    return String(value)
  }
  if (typeof value === 'boolean') return value ? 'true' : 'false'
  if (value instanceof Date) return literal(value.toISOString())
  if (typeof value === 'object') return `${literal(JSON.stringify(value))}::jsonb`
  const text = String(value)
  if (text.includes('\0')) throw new Error('NUL byte in SQL literal')
  return `E'${text.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`
}

export function bind(text: string, params: unknown[]): string {
  return text.replace(/\$(\d+)/g, (_, n: string) => {
    const index = Number(n) - 1
    if (index < 0 || index >= params.length) throw new Error(`missing parameter $${n}`)
    return literal(params[index])
  })
}

const assetColumns = new Set([
  'status',
  'processing_stage',
  'progress',
  'playable',
  'duration_seconds',
  'width',
  'height',
  'master_playlist_key',
  'renditions',
  'renditions_bytes',
  'poster_key',
  'storyboard_vtt_key',
  'error_code',
  'error_message',
])

function identifier(name: string): string {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`bad identifier ${name}`)
  return `"${name}"`
}

/** `col = literal, …` for an update; only known media_assets columns. */
export function assetAssignments(patch: AssetPatch): string {
  const parts: string[] = []
  for (const [key, value] of Object.entries(patch)) {
    if (value === undefined) continue
    if (!assetColumns.has(key)) throw new Error(`media_assets.${key} is not written by the worker`)
    parts.push(`${identifier(key)} = ${literal(value)}`)
  }
  return parts.join(', ')
}

export class Database {
  readonly sql: postgres.Sql

  constructor(url: string) {
    // Two connections: one for heartbeats so they never wait behind a long query.
    this.sql = postgres(url, { max: 2, prepare: false, onnotice: () => {}, connect_timeout: 10 })
  }

  async close(): Promise<void> {
    await this.sql.end({ timeout: 5 })
  }

  /** One simple-protocol message (see literal()). */
  async query<T>(text: string, params: unknown[] = []): Promise<T[]> {
    return (await this.sql.unsafe(bind(text, params)).simple()) as unknown as T[]
  }

  async claimNext(worker: string, leaseSeconds: number, types: string[]): Promise<JobRow | null> {
    const typeList = `array[${types.map(literal).join(',')}]::public.job_type[]`
    const rows = await this.query<JobRow>(
      `select * from private.claim_next_job($1, $2, ${typeList})`,
      [worker, leaseSeconds],
    )
    return rows[0] ?? null
  }

  async claim(jobId: string, worker: string, leaseSeconds: number): Promise<JobRow | null> {
    const rows = await this.query<JobRow>('select * from private.claim_job($1::uuid, $2, $3)', [
      jobId,
      worker,
      leaseSeconds,
    ])
    return rows[0] ?? null
  }

  async heartbeat(jobId: string, worker: string, leaseSeconds: number, progress?: number) {
    const [row] = await this.query<{ ok: boolean }>(
      'select private.heartbeat_job($1::uuid, $2, $3, $4::real) as ok',
      [jobId, worker, leaseSeconds, progress ?? null],
    )
    return row?.ok === true
  }

  /** complete_job and the final asset update in one statement: both commit or neither. */
  async complete(
    jobId: string,
    worker: string,
    result: unknown,
    assetId: string | null,
    patch: AssetPatch,
  ): Promise<boolean> {
    const assignments = assetAssignments(patch)
    const update =
      assetId && assignments
        ? `, asset as (update public.media_assets set ${assignments}
             where id = ${literal(assetId)}::uuid and (select ok from done) returning 1)`
        : ''
    const [row] = await this.query<{ ok: boolean }>(
      `with done as (select private.complete_job($1::uuid, $2, $3) as ok)${update}
       select ok${update ? ', (select count(*) from asset) as updated' : ''} from done`,
      [jobId, worker, result ?? {}],
    )
    return row?.ok === true
  }

  async fail(jobId: string, worker: string, code: string, message: string, retryable: boolean) {
    const [row] = await this.query<{ state: JobState }>(
      'select private.fail_job($1::uuid, $2, $3, $4, $5) as state',
      [jobId, worker, code, message, retryable],
    )
    return row?.state ?? 'failed'
  }

  async release(jobId: string, worker: string): Promise<boolean> {
    const [row] = await this.query<{ ok: boolean }>(
      'select private.release_job($1::uuid, $2) as ok',
      [jobId, worker],
    )
    return row?.ok === true
  }

  async job(jobId: string): Promise<JobRow | null> {
    const rows = await this.query<JobRow>('select * from public.jobs where id = $1::uuid', [jobId])
    return rows[0] ?? null
  }

  async asset(assetId: string): Promise<AssetRow | null> {
    const rows = await this.query<AssetRow>(
      `select id, org_id, status, storage_prefix, original_key, file_name
         from public.media_assets where id = $1::uuid`,
      [assetId],
    )
    return rows[0] ?? null
  }

  async updateAsset(assetId: string, patch: AssetPatch): Promise<void> {
    const assignments = assetAssignments(patch)
    if (!assignments) return
    await this.query(`update public.media_assets set ${assignments} where id = $1::uuid`, [assetId])
  }

  /** TX-7: one row per worker, kept current by the heartbeat; admins read it (ADM-2). */
  async deviceHeartbeat(beat: DeviceBeat): Promise<void> {
    await this.query(
      `insert into public.compute_devices
         (id, hostname, kind, encoder, status, current_job_id, version, metadata, last_heartbeat_at)
       values ($1, $2, $3, $4, $5::public.device_status, $6::uuid, $7, $8::jsonb, now())
       on conflict (id) do update set
         hostname = excluded.hostname, kind = excluded.kind, encoder = excluded.encoder,
         status = excluded.status, current_job_id = excluded.current_job_id,
         version = excluded.version, metadata = excluded.metadata, last_heartbeat_at = now()`,
      [
        beat.workerId,
        hostname(),
        beat.encoder === 'nvenc' ? 'gpu' : 'cpu',
        beat.encoder,
        beat.status,
        beat.currentJobIds[0] ?? null,
        process.env.WORKER_VERSION ?? null,
        JSON.stringify({ jobs: beat.currentJobIds, ...beat.details }),
      ],
    )
  }
}
