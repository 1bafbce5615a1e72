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

export class Database {
  readonly sql: postgres.Sql
  private deviceColumns: Promise<Map<string, string> | null> | undefined

  constructor(url: string) {
    // Two connections: one for heartbeats so they never wait behind a long query.
    // Named prepared statements (postgres.js names them per connection) rather than unnamed ones:
    // for a parameterised query postgres.js describes first and binds in a second round trip, and
    // on a backend shared between clients (pglite-socket locally) another client's unnamed
    // statement can land in between. SUPABASE_DB_URL is the direct connection, which allows them.
    this.sql = postgres(url, { max: 2, prepare: true, onnotice: () => {}, connect_timeout: 10 })
  }

  async close(): Promise<void> {
    await this.sql.end({ timeout: 5 })
  }

  async claimNext(worker: string, leaseSeconds: number, types: string[]): Promise<JobRow | null> {
    const rows = await this.sql<JobRow[]>`
      select * from private.claim_next_job(${worker}, ${leaseSeconds}, ${types}::public.job_type[])`
    return rows[0] ?? null
  }

  async claim(jobId: string, worker: string, leaseSeconds: number): Promise<JobRow | null> {
    const rows = await this.sql<JobRow[]>`
      select * from private.claim_job(${jobId}::uuid, ${worker}, ${leaseSeconds})`
    return rows[0] ?? null
  }

  async heartbeat(jobId: string, worker: string, leaseSeconds: number, progress?: number) {
    const [row] = await this.sql<{ ok: boolean }[]>`
      select private.heartbeat_job(${jobId}::uuid, ${worker}, ${leaseSeconds},
        ${progress ?? null}::real) as ok`
    return row?.ok === true
  }

  /** complete_job and the final asset update commit together or not at all. */
  async complete(
    jobId: string,
    worker: string,
    result: unknown,
    assetId: string | null,
    patch: AssetPatch,
  ) {
    return this.sql.begin(async (tx) => {
      const [row] = await tx<{ ok: boolean }[]>`
        select private.complete_job(${jobId}::uuid, ${worker}, ${tx.json(result as postgres.JSONValue)}) as ok`
      if (row?.ok && assetId) await updateAsset(tx, assetId, patch)
      return row?.ok === true
    })
  }

  async fail(jobId: string, worker: string, code: string, message: string, retryable: boolean) {
    const [row] = await this.sql<{ state: JobState }[]>`
      select private.fail_job(${jobId}::uuid, ${worker}, ${code}, ${message}, ${retryable}) as state`
    return row?.state ?? 'failed'
  }

  async release(jobId: string, worker: string): Promise<boolean> {
    const [row] = await this.sql<{ ok: boolean }[]>`
      select private.release_job(${jobId}::uuid, ${worker}) as ok`
    return row?.ok === true
  }

  async job(jobId: string): Promise<JobRow | null> {
    const rows = await this.sql<JobRow[]>`select * from public.jobs where id = ${jobId}::uuid`
    return rows[0] ?? null
  }

  async asset(assetId: string): Promise<AssetRow | null> {
    const rows = await this.sql<AssetRow[]>`
      select id, org_id, status, storage_prefix, original_key, file_name
        from public.media_assets where id = ${assetId}::uuid`
    return rows[0] ?? null
  }

  async updateAsset(assetId: string, patch: AssetPatch): Promise<void> {
    await updateAsset(this.sql, assetId, patch)
  }

  /** TX-7: guarded, because compute_devices arrives in a later migration. */
  async deviceHeartbeat(beat: DeviceBeat): Promise<boolean> {
    this.deviceColumns ??= this.loadDeviceColumns()
    const columns = await this.deviceColumns
    if (!columns) return false
    const key = columns.get('key')!
    const values: Record<string, unknown> = {
      [key]: beat.workerId,
      [columns.get('seen')!]: new Date(),
    }
    if (columns.has('status')) values[columns.get('status')!] = beat.status
    if (columns.has('kind')) values[columns.get('kind')!] = beat.encoder === 'nvenc' ? 'gpu' : 'cpu'
    if (columns.has('details')) {
      values[columns.get('details')!] = this.sql.json({
        encoder: beat.encoder,
        jobs: beat.currentJobIds,
        ...beat.details,
      } as postgres.JSONValue)
    }
    const updated = await this.sql`
      update public.compute_devices set ${this.sql(values)} where ${this.sql(key)} = ${beat.workerId}`
    if (updated.count === 0) await this.sql`insert into public.compute_devices ${this.sql(values)}`
    return true
  }

  private async loadDeviceColumns(): Promise<Map<string, string> | null> {
    const [exists] = await this.sql<{ ok: boolean }[]>`
      select to_regclass('public.compute_devices') is not null as ok`
    if (!exists?.ok) {
      this.deviceColumns = undefined // look again later: the migration may land while we run
      return null
    }
    const rows = await this.sql<{ column_name: string }[]>`
      select column_name from information_schema.columns
       where table_schema = 'public' and table_name = 'compute_devices'`
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

async function updateAsset(
  sql: postgres.Sql | postgres.TransactionSql,
  id: string,
  patch: AssetPatch,
) {
  const values: Record<string, unknown> = { ...patch }
  if (patch.renditions) values.renditions = sql.json(patch.renditions as postgres.JSONValue)
  for (const key of Object.keys(values)) if (values[key] === undefined) delete values[key]
  if (Object.keys(values).length === 0) return
  await sql`update public.media_assets set ${sql(values)} where id = ${id}::uuid`
}
