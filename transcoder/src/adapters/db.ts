// The database adapter: the job lifecycle through the private.* worker functions (the job row is
// the truth), media_assets updates, and the compute_devices heartbeat. Wraps postgres.js only.
import postgres from 'postgres'

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
  private deviceColumns: Promise<Map<string, string> | null> | undefined

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

  /** TX-7: guarded, because compute_devices arrives in a later migration. */
  async deviceHeartbeat(beat: DeviceBeat): Promise<boolean> {
    this.deviceColumns ??= this.loadDeviceColumns()
    const columns = await this.deviceColumns
    if (!columns) return false
    const key = columns.get('key')!
    const values = new Map<string, unknown>([
      [key, beat.workerId],
      [columns.get('seen')!, new Date()],
    ])
    if (columns.has('status')) values.set(columns.get('status')!, beat.status)
    if (columns.has('kind'))
      values.set(columns.get('kind')!, beat.encoder === 'nvenc' ? 'gpu' : 'cpu')
    if (columns.has('details')) {
      values.set(columns.get('details')!, {
        encoder: beat.encoder,
        jobs: beat.currentJobIds,
        ...beat.details,
      })
    }
    const names = [...values.keys()].map(identifier)
    const literals = [...values.values()].map(literal)
    const set = names.map((n, i) => `${n} = ${literals[i]}`).join(', ')
    const updated = await this.query<{ one: number }>(
      `update public.compute_devices set ${set} where ${identifier(key)} = $1 returning 1 as one`,
      [beat.workerId],
    )
    if (updated.length === 0) {
      await this.query(
        `insert into public.compute_devices (${names.join(', ')}) values (${literals.join(', ')})`,
      )
    }
    return true
  }

  private async loadDeviceColumns(): Promise<Map<string, string> | null> {
    const [exists] = await this.query<{ ok: boolean }>(
      "select to_regclass('public.compute_devices') is not null as ok",
    )
    if (!exists?.ok) {
      this.deviceColumns = undefined // look again later: the migration may land while we run
      return null
    }
    const rows = await this.query<{ column_name: string }>(
      `select column_name from information_schema.columns
        where table_schema = 'public' and table_name = 'compute_devices'`,
    )
    const names = new Set(rows.map((r) => r.column_name))
    const pick = (...candidates: string[]) => candidates.find((c) => names.has(c))
    const map = new Map<string, string>()
    const roles: [string, string | undefined][] = [
      ['key', pick('worker_id', 'device_id', 'name', 'hostname')],
      ['seen', pick('last_heartbeat_at', 'last_seen_at', 'heartbeat_at')],
      ['status', pick('status')],
      ['kind', pick('kind')],
      ['details', pick('details', 'metadata', 'info')],
    ]
    for (const [role, column] of roles) if (column) map.set(role, column)
    return map.has('key') && map.has('seen') ? map : null
  }
}
