// The local stand-in for pg_cron + pg_net (PROD-2): it runs the list production registers, read
// from private.schedules (20250101001300_schedules.sql), with the same semantics:
//   - five-field expressions in UTC at minute granularity (cron-parser reads them; the table's
//     check constraint admits only numbers, `*`, steps, ranges and lists, which both read alike);
//   - sql jobs run as the database owner, one instance at a time, a run that falls due meanwhile
//     queued once (pg_cron starts it when the previous one finishes);
//   - http jobs POST to /functions/v1/<path> with the secret key as Bearer and apikey, the stored
//     body and timeout, without waiting (pg_net sends asynchronously after the job's commit).
import { CronExpressionParser, type CronExpression } from 'cron-parser'
import type postgres from 'postgres'
import type { Log } from './log'

export interface Schedule {
  name: string
  cron: string
  kind: 'sql' | 'http'
  command: string | null
  functionPath: string | null
  body: unknown
  timeoutSeconds: number
}

export interface CronOptions {
  schedules: Schedule[]
  /** Runs one statement as the database owner. */
  runSql: (statement: string) => PromiseLike<unknown>
  /** The gateway (SUPABASE_URL). */
  apiUrl: string
  /** The service key the functions accept for service calls. */
  secretKey: string
  log: Log
}

export interface LocalCron {
  /** The schedules it runs (invalid ones are logged and left out). */
  readonly schedules: Schedule[]
  /** Starts every job due at the minute of `at`; resolves with their names once started. */
  tick(at: Date): Promise<string[]>
  /** Resolves when no job is running. */
  idle(): Promise<void>
  stop(): Promise<void>
}

const fiveFields = /^[0-9*/,-]+( [0-9*/,-]+){4}$/
const MINUTE = 60_000

/** The list as the migration wrote it; empty (and said so) when the schema has none. */
export async function loadSchedules(sql: postgres.Sql, log: Log = () => {}): Promise<Schedule[]> {
  try {
    const rows = await sql<
      {
        name: string
        cron: string
        kind: 'sql' | 'http'
        command: string | null
        function_path: string | null
        body: unknown
        timeout_seconds: number
      }[]
    >`select name, cron, kind, command, function_path, body, timeout_seconds
        from private.schedules order by name`
    return rows.map((row) => ({
      name: row.name,
      cron: row.cron,
      kind: row.kind,
      command: row.command,
      functionPath: row.function_path,
      body: row.body,
      timeoutSeconds: row.timeout_seconds,
    }))
  } catch (error) {
    if ((error as { code?: string }).code !== '42P01') throw error
    log('no private.schedules in this database: nothing is scheduled')
    return []
  }
}

export async function createCron(options: CronOptions): Promise<LocalCron> {
  const { runSql, apiUrl, secretKey, log } = options
  const parsed = new Map<string, CronExpression>()
  const schedules: Schedule[] = []
  for (const schedule of options.schedules) {
    try {
      if (!fiveFields.test(schedule.cron)) throw new Error('expected five fields')
      parsed.set(schedule.name, CronExpressionParser.parse(schedule.cron, { tz: 'UTC' }))
      schedules.push(schedule)
    } catch (error) {
      log(`${schedule.name}: cannot schedule "${schedule.cron}" (${(error as Error).message})`)
    }
  }

  let stopped = false
  const inFlight = new Set<Promise<unknown>>()
  const aborts = new Set<AbortController>()
  const sqlState = new Map<string, { running: boolean; queued: boolean }>()
  const track = (promise: Promise<unknown>) => {
    inFlight.add(promise)
    void promise.finally(() => inFlight.delete(promise))
  }

  const runSqlJob = (schedule: Schedule) => {
    const state = sqlState.get(schedule.name) ?? { running: false, queued: false }
    sqlState.set(schedule.name, state)
    if (state.running) {
      state.queued = true
      return
    }
    state.running = true
    const run = async () => {
      do {
        state.queued = false
        try {
          await runSql(schedule.command!)
        } catch (error) {
          log(`${schedule.name}: ${(error as Error).message}`)
        }
      } while (state.queued && !stopped)
      state.running = false
    }
    track(run())
  }

  const runHttpJob = (schedule: Schedule) => {
    const abort = new AbortController()
    aborts.add(abort)
    const request = fetch(`${apiUrl.replace(/\/+$/, '')}/functions/v1/${schedule.functionPath}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${secretKey}`,
        apikey: secretKey,
      },
      body: JSON.stringify(schedule.body ?? {}),
      signal: AbortSignal.any([abort.signal, AbortSignal.timeout(schedule.timeoutSeconds * 1000)]),
    })
      .then(async (response) => {
        const text = await response.text()
        if (!response.ok) log(`${schedule.name}: ${response.status} ${text.slice(0, 200)}`)
      })
      .catch((error: unknown) => {
        if (!abort.signal.aborted) log(`${schedule.name}: ${(error as Error).message}`)
      })
      .finally(() => aborts.delete(abort))
    track(request)
  }

  return {
    schedules,
    async tick(at) {
      if (stopped) return []
      const minute = new Date(Math.floor(at.getTime() / MINUTE) * MINUTE)
      const due = schedules.filter((s) => parsed.get(s.name)!.includesDate(minute))
      for (const schedule of due) {
        if (schedule.kind === 'sql') runSqlJob(schedule)
        else runHttpJob(schedule)
      }
      return due.map((s) => s.name)
    },
    async idle() {
      while (inFlight.size > 0) await Promise.allSettled([...inFlight])
    },
    async stop() {
      stopped = true
      for (const abort of aborts) abort.abort()
      while (inFlight.size > 0) await Promise.allSettled([...inFlight])
    },
  }
}

/**
 * The platform's cron: loads the list from the database and ticks at every minute boundary.
 * Returns the stop function (it waits for running sql jobs and cancels pending requests).
 */
export function startCron(
  options: Omit<CronOptions, 'schedules' | 'runSql'> & { sql: postgres.Sql },
) {
  const { sql, log } = options
  let timer: NodeJS.Timeout | undefined
  let stopped = false
  const ready = loadSchedules(sql, log)
    .then((schedules) =>
      createCron({ ...options, schedules, runSql: (statement) => sql.unsafe(statement) }),
    )
    .then((cron) => {
      const arm = () => {
        if (stopped) return
        const now = Date.now()
        const next = (Math.floor(now / MINUTE) + 1) * MINUTE
        timer = setTimeout(() => {
          void cron.tick(new Date(next))
          arm()
        }, next - now)
        timer.unref()
      }
      arm()
      log(`${cron.schedules.length} schedule(s) from private.schedules`)
      return cron
    })
    .catch((error: unknown) => {
      log(`cron disabled: ${(error as Error).message}`)
      return null
    })
  return async () => {
    stopped = true
    clearTimeout(timer)
    await (await ready)?.stop()
  }
}
