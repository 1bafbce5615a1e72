// The database adapter: the job lifecycle and every write to a job's asset through the private.*
// state functions (the job row is the truth, and the database checks each status transition),
// and the compute_devices heartbeat. Wraps postgres.js only; values always travel as bound
// parameters, never spliced into SQL text.
import postgres from 'postgres'
import { hostname } from 'node:os'
import type { JobState, MediaStatus } from '../../../contracts/enums.ts'
import type { JobRow as JobTableRow, WorkerAssetPatch } from '../../../contracts/rows.ts'

export type { JobState }
/** The columns of a job row the worker reads (the claim functions return the whole row). */
export type JobRow = Pick<
  JobTableRow,
  | 'id'
  | 'org_id'
  | 'media_asset_id'
  | 'type'
  | 'state'
  | 'attempt'
  | 'max_attempts'
  | 'run_after'
  | 'lease_owner'
  | 'lease_expires_at'
  | 'payload'
>
/** The asset columns the worker writes (private.update_job_asset refuses any other). */
export type AssetPatch = WorkerAssetPatch

export interface DeviceBeat {
  workerId: string
  status: 'online' | 'degraded' | 'offline'
  encoder: string
  currentJobIds: string[]
  details: Record<string, unknown>
}

type Tx = postgres.TransactionSql
// postgres.js types json() as taking its JSONValue; job results and patches are plain objects.
const json = (sql: Tx, value: unknown) => sql.json(value as postgres.JSONValue)

export class Database {
  readonly sql: postgres.Sql

  constructor(url: string) {
    // Two connections: one for heartbeats so they never wait behind a long query. No named
    // prepared statements: a transaction-mode pooler cannot keep them across transactions.
    this.sql = postgres(url, { max: 2, prepare: false, onnotice: () => {}, connect_timeout: 10 })
  }

  async close(): Promise<void> {
    await this.sql.end({ timeout: 5 })
  }

  /**
   * Every call is one short transaction. Bound parameters use the extended protocol, whose
   * unnamed statement lives on the backend between Parse and Execute; pglite-socket (locally) and
   * a transaction-mode pooler (Supavisor) keep a backend to one client only for the length of a
   * transaction, so outside one another client's Bind could land in between.
   */
  private async tx<T>(run: (sql: Tx) => Promise<T>): Promise<T> {
    return (await this.sql.begin(run)) as T
  }

  /** Any statement with `$n` placeholders, in its own transaction (tests and tools). */
  async query<T>(text: string, params: unknown[] = []): Promise<T[]> {
    return await this.tx(async (sql) => (await sql.unsafe(text, params as never[])) as T[])
  }

  async claimNext(worker: string, leaseSeconds: number, types: string[]): Promise<JobRow | null> {
    const [row] = await this.tx(
      (sql) => sql<JobRow[]>`
        select * from private.claim_next_job(${worker}, ${leaseSeconds},
                                             ${sql.array(types)}::text[]::public.job_type[])`,
    )
    return row ?? null
  }

  async claim(jobId: string, worker: string, leaseSeconds: number): Promise<JobRow | null> {
    const [row] = await this.tx(
      (sql) => sql<JobRow[]>`
        select * from private.claim_job(${jobId}::uuid, ${worker}, ${leaseSeconds})`,
    )
    return row ?? null
  }

  async heartbeat(jobId: string, worker: string, leaseSeconds: number, progress?: number) {
    const [row] = await this.tx(
      (sql) => sql<{ ok: boolean }[]>`
        select private.heartbeat_job(${jobId}::uuid, ${worker}, ${leaseSeconds},
                                     ${progress ?? null}::real) as ok`,
    )
    return row?.ok === true
  }

  /**
   * Writes the job's asset while this worker holds the job; `status` moves the asset's status
   * (the database refuses a transition the pipeline does not make). False once the lease is lost.
   */
  async updateAsset(
    jobId: string,
    worker: string,
    patch: AssetPatch,
    status?: MediaStatus,
  ): Promise<boolean> {
    const [row] = await this.tx(
      (sql) => sql<{ ok: boolean }[]>`
        select private.update_job_asset(${jobId}::uuid, ${worker}, ${json(sql, patch)},
                                        ${status ?? null}::public.media_status) as ok`,
    )
    return row?.ok === true
  }

  /** complete_job: the job succeeds and, for a transcode, its asset completes with it. */
  async complete(jobId: string, worker: string, result: unknown): Promise<boolean> {
    const [row] = await this.tx(
      (sql) => sql<{ ok: boolean }[]>`
        select private.complete_job(${jobId}::uuid, ${worker}, ${json(sql, result ?? {})}) as ok`,
    )
    return row?.ok === true
  }

  async fail(jobId: string, worker: string, code: string, message: string, retryable: boolean) {
    const [row] = await this.tx(
      (sql) => sql<{ state: JobState }[]>`
        select private.fail_job(${jobId}::uuid, ${worker}, ${code}, ${message}, ${retryable})::text
               as state`,
    )
    return row?.state ?? 'failed'
  }

  async release(jobId: string, worker: string): Promise<boolean> {
    const [row] = await this.tx(
      (sql) => sql<{ ok: boolean }[]>`select private.release_job(${jobId}::uuid, ${worker}) as ok`,
    )
    return row?.ok === true
  }

  async job(jobId: string): Promise<JobRow | null> {
    const [row] = await this.tx(
      (sql) => sql<JobRow[]>`select * from public.jobs where id = ${jobId}::uuid`,
    )
    return row ?? null
  }

  /** TX-7: one row per worker, kept current by the heartbeat; admins read it (ADM-2). */
  async deviceHeartbeat(beat: DeviceBeat): Promise<void> {
    await this.tx(
      (sql) => sql`
        insert into public.compute_devices
          (id, hostname, kind, encoder, status, current_job_id, version, metadata, last_heartbeat_at)
        values (${beat.workerId}, ${hostname()}, ${beat.encoder === 'nvenc' ? 'gpu' : 'cpu'},
                ${beat.encoder}, ${beat.status}::public.device_status,
                ${beat.currentJobIds[0] ?? null}::uuid, ${process.env.WORKER_VERSION ?? null},
                ${json(sql, { jobs: beat.currentJobIds, ...beat.details })}, now())
        on conflict (id) do update set
          hostname = excluded.hostname, kind = excluded.kind, encoder = excluded.encoder,
          status = excluded.status, current_job_id = excluded.current_job_id,
          version = excluded.version, metadata = excluded.metadata, last_heartbeat_at = now()`,
    )
  }
}
