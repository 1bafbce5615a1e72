// The demo `npm start` offers on a first start: demo users, supabase/seed.sql, and a generated
// match sent through the real pipeline. It runs beside a platform that is already up, through
// the same paths a browser takes; startPlatform knows nothing of it.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import postgres, { type Sql } from 'postgres'
import { repoRoot } from './config'
import { consoleLog, prefixed, type Log } from './log'
import { startPlatform, type Platform, type PlatformOptions } from './platform'
import {
  call,
  callExpecting,
  demoSession,
  SeedError,
  type SeedTarget,
  type Session,
} from './seed/api'
import { generateMatch, uploadLikeTheBrowser, waitUntilPlayable } from './seed/match'
import { fillSeededRenditions } from './seed/renditions'
import { DEMO_ORG_NAME, DEMO_VIDEO_NAME, demoUsers, extraDemoUsers } from './seed/users'

const seededFile = 'seeded.json'

export function isSeeded(dataDir: string, inMemory: boolean): boolean {
  return !inMemory && existsSync(join(dataDir, seededFile))
}

export interface SeedOptions {
  log: Log
  sql: Sql
  /** Wait for the transcoder to finish the demo video (only when a worker runs). */
  waitForWorker: boolean
  persist: boolean
  /** Length of the generated match; tests use a short one. */
  videoSeconds?: number
  supabaseDir?: string
  /** Aborted when the platform stops: ffmpeg is killed and the seed ends quietly (it resumes next start). */
  signal?: AbortSignal
}

/** What the demo seed did, with the pipeline's timings when this start uploaded the match. */
export interface SeedResult {
  orgId: string
  assetId: string
  /** From "upload complete" to the first rung playable, and to the full ladder (B-3, TX-5). */
  timings?: { uploadCompleteToPlayableMs: number; uploadCompleteToCompleteMs: number }
}

async function tableExists(sql: Sql, name: string): Promise<boolean> {
  const rows = await sql<{ found: string | null }[]>`select to_regclass(${name})::text as found`
  return !!rows[0]?.found
}

/** Runs supabase/seed.sql (when there is one) on one reserved connection: it is multi-statement. */
async function applySeedSql(sql: Sql, supabaseDir: string, log: Log) {
  const seedFile = join(supabaseDir, 'seed.sql')
  if (!existsSync(seedFile)) return
  const connection = await sql.reserve()
  try {
    await connection.unsafe(readFileSync(seedFile, 'utf8'))
  } finally {
    connection.release()
  }
  log('applied supabase/seed.sql')
}

/** seed.sql's demo club when it made the coach a member; otherwise the coach founds one. */
async function demoOrg(target: SeedTarget, sql: Sql, coach: Session): Promise<string> {
  const memberships = await sql<{ org_id: string }[]>`
    select org_id from public.org_members where user_id = ${coach.user.id} order by created_at limit 1`
  if (memberships[0]) return memberships[0].org_id
  const created = await callExpecting<{ org: { id: string } }>(
    201,
    target,
    'POST',
    '/functions/v1/orgs',
    coach.access_token,
    { name: DEMO_ORG_NAME, type: 'team' },
  )
  return created.org.id
}

/** The demo match: the one an earlier start uploaded, or a new one generated and uploaded now. */
async function demoMatch(
  target: SeedTarget,
  sql: Sql,
  orgId: string,
  coach: Session,
  options: SeedOptions,
): Promise<{ assetId: string; uploadCompletedAt: number }> {
  const previous = await sql<{ id: string; status: string }[]>`
    select id, status from public.media_assets
     where org_id = ${orgId} and name = ${DEMO_VIDEO_NAME} order by created_at`
  // An upload interrupted by an earlier stop is abandoned the way the SPA cancels one.
  for (const stale of previous.filter((a) => a.status === 'uploading')) {
    await call(target, 'DELETE', `/functions/v1/media/uploads/${stale.id}`, coach.access_token)
  }
  const existing = previous.find((a) => a.status !== 'uploading')?.id
  if (existing) return { assetId: existing, uploadCompletedAt: 0 }
  const dir = mkdtempSync(join(tmpdir(), 'rugbycodex-seed-'))
  try {
    const file = join(dir, 'demo-match.mp4')
    const seconds = options.videoSeconds ?? 60
    options.log(`generating a ${seconds} s 1080p match with ffmpeg…`)
    await generateMatch(file, seconds, options.signal)
    const assetId = await uploadLikeTheBrowser(target, coach.access_token, orgId, file, options.log)
    return { assetId, uploadCompletedAt: Date.now() }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

/** Creates the demo through the real paths; idempotent across interrupted runs. */
export async function seedDemo(
  target: SeedTarget,
  options: SeedOptions,
): Promise<SeedResult | undefined> {
  const { log, sql } = options
  const started = Date.now()
  try {
    const sessions = new Map<string, Session>()
    for (const user of [...demoUsers, ...extraDemoUsers]) {
      sessions.set(user.role, await demoSession(target, user))
    }
    const admin = sessions.get('admin') as Session
    const coach = sessions.get('coach') as Session
    const player = sessions.get('player') as Session

    if (!(await tableExists(sql, 'public.profiles'))) {
      throw new SeedError('the schema has no public.profiles yet; users created, the rest skipped')
    }
    await applySeedSql(sql, options.supabaseDir ?? join(repoRoot, 'supabase'), log)
    await sql`update public.profiles set platform_role = 'admin' where id = ${admin.user.id}`
    // seed.sql writes narrations as SQL, without embeddings; the admin backfill (NARR-4) gives
    // them vectors the way an operator would, so the demo's search is hybrid from the start.
    // Idempotent: a later start finds nothing left to embed.
    const backfill = await callExpecting<{ embedded: number; failed: number }>(
      200,
      target,
      'POST',
      '/functions/v1/admin/narrations/embeddings/backfill',
      admin.access_token,
      {},
    )
    if (backfill.embedded > 0) log(`embedded ${backfill.embedded} seeded narration(s)`)

    const orgId = await demoOrg(target, sql, coach)
    // Joining by code is the player's own step in the SPA; the row is what it would create.
    await sql`
      insert into public.org_members (org_id, user_id, role)
      values (${orgId}, ${player.user.id}, 'member') on conflict do nothing`
    const orgs = await sql<
      { name: string }[]
    >`select name from public.organizations where id = ${orgId}`
    log(`demo org "${orgs[0]?.name}" with the coach and the player`)

    const { assetId, uploadCompletedAt } = await demoMatch(target, sql, orgId, coach, options)
    let timings: SeedResult['timings']
    if (options.waitForWorker) {
      const token = coach.access_token
      const done = await waitUntilPlayable(target, token, assetId, log, options.signal)
      if (uploadCompletedAt) {
        timings = {
          uploadCompleteToPlayableMs: done.playableAt - uploadCompletedAt,
          uploadCompleteToCompleteMs: done.completeAt - uploadCompletedAt,
        }
      }
      await fillSeededRenditions(target, sql, orgId, assetId, log)
    }

    if (options.persist) {
      writeFileSync(
        join(target.dataDir, seededFile),
        JSON.stringify({ seededAt: new Date().toISOString(), orgId, assetId }, null, 2),
      )
    }
    log(`demo ready in ${((Date.now() - started) / 1000).toFixed(1)} s`)
    return { orgId, assetId, timings }
  } catch (error) {
    if (options.signal?.aborted) {
      log('demo seed interrupted; it resumes on the next start')
      return undefined
    }
    const message =
      error instanceof SeedError ? error.message : ((error as Error).stack ?? String(error))
    log(`demo seed stopped: ${message}`)
    throw error
  }
}

export interface DemoPlatformOptions extends PlatformOptions {
  /** Demo users, org and video on first start (runs in the background; see `seeding`). */
  seedDemo?: boolean
}

export interface DemoPlatform extends Platform {
  /** The demo seed, when it runs on this start. */
  seeding?: Promise<SeedResult | undefined>
}

/**
 * The platform of `npm start` (and of the benches that measure it): startPlatform, then the demo
 * seed in the background on its own database connection. Stopping ends the seed first (ffmpeg is
 * killed, a poll in progress gives up), so it resumes on the next start.
 */
export async function startDemoPlatform(options: DemoPlatformOptions): Promise<DemoPlatform> {
  const { seedDemo: wanted = false, ...platformOptions } = options
  const platform = await startPlatform(platformOptions)
  const inMemory = options.dataDir === 'memory'
  if (!wanted || isSeeded(platform.dataDir, inMemory)) return platform

  const abort = new AbortController()
  // prepare: false, as the platform's own client: pglite-socket serves every client on one backend.
  const sql = postgres(platform.env.SUPABASE_DB_URL as string, {
    max: 2,
    prepare: false,
    onnotice: () => {},
  })
  const seeding = seedDemo(platform, {
    log: prefixed(options.log ?? consoleLog, 'seed'),
    sql,
    waitForWorker: options.withWorker ?? false,
    persist: !inMemory,
    signal: abort.signal,
  })
  // Errors are reported by the seed itself; keep an unobserved rejection from crashing.
  const settled = seeding.then(
    () => undefined,
    () => undefined,
  )
  void settled.then(() => sql.end({ timeout: 2 }))
  return {
    ...platform,
    seeding,
    stop: async () => {
      abort.abort()
      await platform.stop()
      await settled
    },
  }
}
