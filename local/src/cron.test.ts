import { readdirSync, readFileSync } from 'node:fs'
import { createServer, type IncomingMessage, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import type { PGlite } from '@electric-sql/pglite'
import { PGLiteSocketServer } from '@electric-sql/pglite-socket'
import postgres from 'postgres'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createDatabase, repoRoot } from '../../supabase/tests/db'
import { createCron, loadSchedules, type LocalCron, type Schedule } from './cron'
import { freePort } from './ports'

// PROD-2: the local stand-in for pg_cron + pg_net runs the list the migration wrote to
// private.schedules, exactly as production registers it: five-field UTC expressions, sql jobs as
// the owner, http jobs POSTed to /functions/v1/<path> with the secret key.
interface Call {
  url?: string
  auth?: string
  apikey?: string
  body: string
}

let pg: PGlite
let socket: PGLiteSocketServer
let sql: postgres.Sql
let server: Server
let apiUrl: string
const calls: Call[] = []

beforeAll(async () => {
  pg = await createDatabase()
  const port = await freePort()
  socket = new PGLiteSocketServer({ db: pg, host: '127.0.0.1', port, maxConnections: 10 })
  await socket.start()
  sql = postgres(`postgres://postgres@127.0.0.1:${port}/postgres`, {
    max: 2,
    prepare: false,
    onnotice: () => {},
  })
  server = createServer((req: IncomingMessage, res) => {
    let body = ''
    req.on('data', (chunk: Buffer) => (body += chunk.toString()))
    req.on('end', () => {
      calls.push({
        url: req.url,
        auth: req.headers.authorization,
        apikey: req.headers.apikey as string | undefined,
        body,
      })
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}')
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  apiUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})

afterAll(async () => {
  await sql?.end({ timeout: 2 })
  await socket?.stop()
  await pg?.close()
  await new Promise((resolve) => server?.close(resolve))
})

const runAsOwner = (statement: string) => sql.unsafe(statement)

describe('local cron', () => {
  it('reads the schedule list from the database, the one the migration registers in production', async () => {
    const schedules = await loadSchedules(sql)
    const { rows } = await pg.query<{ name: string; cron: string }>(
      'select name, cron from private.schedules order by name',
    )
    expect(schedules.map((s) => [s.name, s.cron])).toEqual(rows.map((r) => [r.name, r.cron]))
    expect(schedules.find((s) => s.name === 'rugbycodex-narration-jobs-sweep')).toEqual({
      name: 'rugbycodex-narration-jobs-sweep',
      cron: '* * * * *',
      kind: 'http',
      command: null,
      functionPath: 'narrations/jobs/sweep',
      body: { limit: 20 },
      timeoutSeconds: 60,
    })
  })

  it('every http job names a route its function serves', async () => {
    for (const schedule of (await loadSchedules(sql)).filter((s) => s.kind === 'http')) {
      const [fn, ...rest] = schedule.functionPath!.split('/')
      const dir = join(repoRoot, 'supabase', 'functions', fn!)
      const sources = readdirSync(dir)
        .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))
        .map((f) => readFileSync(join(dir, f), 'utf8'))
        .join('\n')
      expect(sources, schedule.name).toContain(`pattern: '/${rest.join('/')}'`)
    }
  })

  it('runs the jobs due at a minute: sql as the owner, http with the secret key', async () => {
    const errors: string[] = []
    const cron = await createCron({
      schedules: await loadSchedules(sql),
      runSql: runAsOwner,
      apiUrl,
      secretKey: 'sb_secret_local',
      log: (line) => errors.push(line),
    })
    try {
      // A job whose worker died on its last attempt: the exhausted-jobs run must fail it.
      const [org] = await sql<{ id: string }[]>`
        insert into public.organizations (slug, name) values ('cron-test', 'Cron Test') returning id`
      const [inserted] = await sql<{ id: string }[]>`
        insert into public.jobs (org_id, type, state, attempt, max_attempts, lease_owner,
                                 lease_expires_at, started_at)
        values (${org!.id}, 'transcribe', 'running', 3, 3, 'gone', now() - interval '1 minute', now())
        returning id`
      const jobId = inserted!.id
      calls.length = 0

      // 03:00 UTC on the 1st: every minute, every five minutes and the monthly partitions job.
      const started = await cron.tick(new Date('2026-03-01T03:00:00Z'))
      expect(started).toEqual([
        'rugbycodex-exhausted-jobs',
        'rugbycodex-media-partitions',
        'rugbycodex-narration-jobs-sweep',
      ])
      await cron.idle()
      expect(calls).toEqual([
        {
          url: '/functions/v1/narrations/jobs/sweep',
          auth: 'Bearer sb_secret_local',
          apikey: 'sb_secret_local',
          body: '{"limit":20}',
        },
      ])
      const [job] = await sql<{ state: string; error_code: string }[]>`
        select state, error_code from public.jobs where id = ${jobId}`
      expect(job).toEqual({ state: 'failed', error_code: 'LEASE_EXPIRED' })

      calls.length = 0
      expect(await cron.tick(new Date('2026-03-01T03:15:42Z'))).toEqual([
        'rugbycodex-exhausted-jobs',
        'rugbycodex-narration-jobs-sweep',
        'rugbycodex-storage-cleanup',
      ])
      await cron.idle()
      expect(calls.map((c) => [c.url, c.body]).sort()).toEqual([
        ['/functions/v1/admin/storage-cleanup', '{}'],
        ['/functions/v1/narrations/jobs/sweep', '{"limit":20}'],
      ])
      expect(await cron.tick(new Date('2026-03-01T03:31:00Z'))).toEqual([
        'rugbycodex-narration-jobs-sweep',
      ])
      expect(await cron.tick(new Date('2026-03-02T03:30:00Z'))).toEqual([
        'rugbycodex-exhausted-jobs',
        'rugbycodex-finished-jobs-cleanup',
        'rugbycodex-narration-jobs-sweep',
      ])
      await cron.idle()
      // The partitions and cleanup jobs ran too, without an error.
      expect(errors).toEqual([])
    } finally {
      await cron.stop()
    }
  })

  it('runs one instance of an sql job at a time and queues the next run, as pg_cron does', async () => {
    const releases: (() => void)[] = []
    const statements: string[] = []
    const job: Schedule = {
      name: 'rugbycodex-slow',
      cron: '* * * * *',
      kind: 'sql',
      command: 'select 1',
      functionPath: null,
      body: {},
      timeoutSeconds: 60,
    }
    const cron: LocalCron = await createCron({
      schedules: [job],
      runSql: (statement) => {
        statements.push(statement)
        return new Promise<void>((resolve) => releases.push(resolve))
      },
      apiUrl,
      secretKey: 'k',
      log: () => {},
    })
    await cron.tick(new Date('2026-03-01T00:00:00Z'))
    await cron.tick(new Date('2026-03-01T00:01:00Z'))
    await cron.tick(new Date('2026-03-01T00:02:00Z'))
    expect(statements).toHaveLength(1)
    releases.shift()!()
    await expect.poll(() => statements.length).toBe(2)
    releases.shift()!()
    await cron.idle()
    // Two ticks while it ran collapse into one queued run.
    expect(statements).toHaveLength(2)
    await cron.stop()
  })

  it('refuses an expression the two runners could read differently', async () => {
    const lines: string[] = []
    const cron = await createCron({
      schedules: [
        {
          name: 'rugbycodex-seconds',
          cron: '*/10 * * * * *',
          kind: 'sql',
          command: 'select 1',
          functionPath: null,
          body: {},
          timeoutSeconds: 60,
        },
      ],
      runSql: runAsOwner,
      apiUrl,
      secretKey: 'k',
      log: (line) => lines.push(line),
    })
    expect(cron.schedules).toEqual([])
    expect(lines.join('\n')).toContain('rugbycodex-seconds')
    await cron.stop()
  })

  it('starts nothing once stopped', async () => {
    const cron = await createCron({
      schedules: await loadSchedules(sql),
      runSql: runAsOwner,
      apiUrl,
      secretKey: 'k',
      log: () => {},
    })
    await cron.stop()
    calls.length = 0
    expect(await cron.tick(new Date('2026-03-01T03:00:00Z'))).toEqual([])
    expect(calls).toEqual([])
  })
})
