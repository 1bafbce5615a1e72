import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { open } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  CopyObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3'
import type { Sql } from 'postgres'
import { repoRoot } from './config'
import type { Log } from './log'
import type { Platform } from './platform'

export const DEMO_PASSWORD = 'rugbycodex-demo'
export const DEMO_ORG_NAME = 'Demo Rugby Club'
export const DEMO_VIDEO_NAME = 'Demo match'
/**
 * The logins `npm start` prints. supabase/seed.sql finds these users by email and gives them their
 * roles, so they must exist (with a password the emulator can check) before it runs.
 */
export const demoUsers = [
  { role: 'admin', email: 'admin@rugbycodex.local', username: 'admin', name: 'Alex Admin' },
  { role: 'coach', email: 'coach@rugbycodex.local', username: 'coach', name: 'Casey Coach' },
  { role: 'player', email: 'player@rugbycodex.local', username: 'player', name: 'Pat Player' },
] as const
/** Further users supabase/seed.sql places in the demo org (owner, manager, a second player). */
export const extraDemoUsers = [
  { role: 'owner', email: 'owner@rugbycodex.local', username: 'owner', name: 'Olivia Owner' },
  { role: 'manager', email: 'manager@rugbycodex.local', username: 'manager', name: 'Max Manager' },
  { role: 'player2', email: 'player2@rugbycodex.local', username: 'player2', name: 'Sam Second' },
] as const
type DemoUser = (typeof demoUsers)[number] | (typeof extraDemoUsers)[number]

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

interface Session {
  access_token: string
  user: { id: string }
}

class SeedError extends Error {}

async function call<T>(
  platform: Platform,
  method: string,
  path: string,
  token: string | undefined,
  body?: unknown,
): Promise<{ status: number; data: T }> {
  const response = await fetch(`${platform.env.SUPABASE_URL}${path}`, {
    method,
    headers: {
      apikey: platform.env.SUPABASE_ANON_KEY as string,
      'content-type': 'application/json',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  const text = await response.text()
  let data: unknown = text
  try {
    data = text ? JSON.parse(text) : {}
  } catch {
    // keep the raw text for the error message
  }
  return { status: response.status, data: data as T }
}

function describe(data: unknown): string {
  return typeof data === 'string' ? data.slice(0, 300) : JSON.stringify(data).slice(0, 300)
}

/** Signs the demo user up through the auth emulator, or in when an earlier seed already did. */
async function demoSession(platform: Platform, user: DemoUser): Promise<Session> {
  const signup = await call<Session & { error_code?: string }>(
    platform,
    'POST',
    '/auth/v1/signup',
    undefined,
    {
      email: user.email,
      password: DEMO_PASSWORD,
      data: { username: user.username, name: user.name },
    },
  )
  if (signup.status === 200 && signup.data.access_token) return signup.data
  const signin = await call<Session>(
    platform,
    'POST',
    '/auth/v1/token?grant_type=password',
    undefined,
    {
      email: user.email,
      password: DEMO_PASSWORD,
    },
  )
  if (signin.status !== 200) {
    throw new SeedError(
      `cannot sign ${user.email} up or in: ${describe(signup.data)} / ${describe(signin.data)}`,
    )
  }
  return signin.data
}

async function tableExists(sql: Sql, name: string): Promise<boolean> {
  const rows = await sql<{ found: string | null }[]>`select to_regclass(${name})::text as found`
  return !!rows[0]?.found
}

function generateMatch(file: string, seconds: number, signal?: AbortSignal): Promise<void> {
  const args = [
    '-hide_banner',
    '-loglevel',
    'error',
    '-y',
    '-f',
    'lavfi',
    '-i',
    `testsrc2=size=1920x1080:rate=25:duration=${seconds}`,
    '-f',
    'lavfi',
    '-i',
    `sine=frequency=440:sample_rate=48000:duration=${seconds}`,
    '-c:v',
    'libx264',
    '-preset',
    'ultrafast',
    // A synthetic picture compresses well; this keeps the upload near 20 MiB instead of 100.
    '-crf',
    '30',
    '-pix_fmt',
    'yuv420p',
    '-c:a',
    'aac',
    '-b:a',
    '96k',
    '-shortest',
    // moov first: the worker's ffprobe and a browser preview can read it before the end.
    '-movflags',
    '+faststart',
    file,
  ]
  return new Promise((resolve, reject) => {
    const child = spawn('ffmpeg', args, { stdio: ['ignore', 'ignore', 'pipe'], signal })
    let stderr = ''
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
    child.on('error', reject)
    child.on('close', (code) =>
      code === 0
        ? resolve()
        : reject(new SeedError(`ffmpeg exited ${code}: ${stderr.slice(-500)}`)),
    )
  })
}

interface UploadStart {
  asset: { id: string }
  partSize: number
  partCount: number
  parts: { partNumber: number; url: string }[]
}

/** Exactly the browser's path: create the upload, PUT parts to presigned URLs, complete. */
async function uploadLikeTheBrowser(
  platform: Platform,
  token: string,
  orgId: string,
  file: string,
  log: Log,
): Promise<string> {
  const size = statSync(file).size
  const created = await call<UploadStart>(platform, 'POST', '/functions/v1/media/uploads', token, {
    orgId,
    fileName: 'demo-match.mp4',
    sizeBytes: size,
    contentType: 'video/mp4',
    name: DEMO_VIDEO_NAME,
    kind: 'match',
  })
  if (created.status !== 201) {
    throw new SeedError(`POST media/uploads answered ${created.status}: ${describe(created.data)}`)
  }
  const { asset, partSize, partCount, parts } = created.data
  const urls = new Map(parts.map((p) => [p.partNumber, p.url]))
  const handle = await open(file, 'r')
  const done: { partNumber: number; etag: string }[] = []
  try {
    for (let partNumber = 1; partNumber <= partCount; partNumber++) {
      if (!urls.has(partNumber)) {
        // Create hands out the first batch of part URLs; the rest are asked for as needed.
        const wanted = Array.from(
          { length: Math.min(50, partCount - partNumber + 1) },
          (_, i) => partNumber + i,
        )
        const more = await call<{ parts: UploadStart['parts'] }>(
          platform,
          'POST',
          `/functions/v1/media/uploads/${asset.id}/parts`,
          token,
          { partNumbers: wanted },
        )
        if (more.status !== 200) {
          throw new SeedError(`POST …/parts answered ${more.status}: ${describe(more.data)}`)
        }
        for (const p of more.data.parts) urls.set(p.partNumber, p.url)
      }
      const part = { partNumber, url: urls.get(partNumber) as string }
      const start = (part.partNumber - 1) * partSize
      const length = Math.min(partSize, size - start)
      const buffer = Buffer.alloc(length)
      await handle.read(buffer, 0, length, start)
      const response = await fetch(part.url, { method: 'PUT', body: buffer })
      if (!response.ok) {
        throw new SeedError(
          `PUT part ${part.partNumber} answered ${response.status}: ${await response.text()}`,
        )
      }
      done.push({ partNumber: part.partNumber, etag: response.headers.get('etag') ?? '' })
    }
  } finally {
    await handle.close()
  }
  log(`uploaded ${(size / 1024 / 1024).toFixed(1)} MiB in ${partCount} part(s)`)
  const completed = await call(
    platform,
    'POST',
    `/functions/v1/media/uploads/${asset.id}/complete`,
    token,
    {
      parts: done,
    },
  )
  if (completed.status !== 200) {
    throw new SeedError(`complete answered ${completed.status}: ${describe(completed.data)}`)
  }
  return asset.id
}

/** Polls the asset until it is complete; returns when it first became playable and complete. */
async function waitUntilPlayable(
  platform: Platform,
  token: string,
  assetId: string,
  log: Log,
): Promise<{ playableAt: number; completeAt: number }> {
  let last = ''
  let playableAt = 0
  const deadline = Date.now() + 15 * 60 * 1000
  while (Date.now() < deadline) {
    const { status, data } = await call<{
      asset: {
        status: string
        progress: number | null
        playable?: boolean
        error?: { code: string; message: string } | null
      }
    }>(platform, 'GET', `/functions/v1/media/${assetId}`, token)
    if (status !== 200)
      throw new SeedError(`GET media/${assetId} answered ${status}: ${describe(data)}`)
    const { asset } = data
    // Status changes and 10 % steps; polling every 2 s would otherwise flood the console.
    const line = `${asset.status} ${Math.floor((asset.progress ?? 0) * 10) * 10}%${asset.playable ? ' (playable)' : ''}`
    if (line !== last) log(`demo match: ${line}`)
    last = line
    if (asset.playable && !playableAt) playableAt = Date.now()
    if (asset.status === 'complete')
      return { playableAt: playableAt || Date.now(), completeAt: Date.now() }
    if (asset.status === 'failed')
      throw new SeedError(`the demo match failed: ${asset.error?.message ?? 'no reason given'}`)
    await new Promise((r) => setTimeout(r, 1000))
  }
  throw new SeedError('the demo match did not finish within 15 minutes')
}

function storageClient(env: Record<string, string>): S3Client {
  return new S3Client({
    endpoint: env.S3_ENDPOINT,
    region: env.S3_REGION,
    forcePathStyle: env.S3_FORCE_PATH_STYLE !== 'false',
    credentials: {
      accessKeyId: env.S3_ACCESS_KEY_ID as string,
      secretAccessKey: env.S3_SECRET_ACCESS_KEY as string,
    },
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  })
}

const rungPlaylist = /^hls\/[^/]+\/index\.m3u8$/
const masterPlaylist = 'hls/master.m3u8'
const storyboardVtt = 'storyboard/storyboard.vtt'

/**
 * A VOD media playlist that plays `source`'s segments over and over until `targetSeconds` is
 * covered (the last loop stops at the first segment reaching it). Each loop restarts the
 * timestamps, so a discontinuity separates them. Returns the text and the length of one loop.
 */
export function loopMediaPlaylist(
  source: string,
  targetSeconds: number,
): { text: string; loopSeconds: number } {
  const header: string[] = []
  const segments: { lines: string[]; seconds: number }[] = []
  let pending: string[] = []
  let pendingSeconds = 0
  for (const raw of source.split(/\r?\n/)) {
    const line = raw.trim()
    if (line === '' || line === '#EXT-X-ENDLIST' || line === '#EXT-X-DISCONTINUITY') continue
    if (line.startsWith('#EXT-X-TARGETDURATION:')) continue
    if (line.startsWith('#EXTINF:')) {
      pendingSeconds = Number.parseFloat(line.slice('#EXTINF:'.length))
      pending.push(line)
    } else if (line.startsWith('#')) {
      // Tags before the first segment describe the playlist; later ones belong to a segment.
      if (segments.length === 0 && pending.length === 0 && !line.startsWith('#EXT-X-BYTERANGE'))
        header.push(line)
      else pending.push(line)
    } else {
      if (!Number.isFinite(pendingSeconds) || pendingSeconds <= 0)
        throw new SeedError(`segment ${line} has no usable #EXTINF`)
      segments.push({ lines: [...pending, line], seconds: pendingSeconds })
      pending = []
      pendingSeconds = 0
    }
  }
  if (header[0] !== '#EXTM3U' || segments.length === 0)
    throw new SeedError('the demo rung playlist has no segments')
  const loopSeconds = segments.reduce((sum, segment) => sum + segment.seconds, 0)
  const body: string[] = []
  let covered = 0
  let targetDuration = 1
  for (let loop = 0; loop === 0 || covered < targetSeconds; loop++) {
    if (loop > 0) body.push('#EXT-X-DISCONTINUITY')
    for (const segment of segments) {
      if (loop > 0 && covered >= targetSeconds) break
      body.push(...segment.lines)
      covered += segment.seconds
      targetDuration = Math.max(targetDuration, Math.ceil(segment.seconds))
    }
  }
  const [first, ...rest] = header
  const text = [
    first,
    ...rest,
    `#EXT-X-TARGETDURATION:${targetDuration}`,
    ...body,
    '#EXT-X-ENDLIST',
  ]
  return { text: text.join('\n') + '\n', loopSeconds }
}

function parseVttTime(text: string): number {
  const parts = text.split(':').map(Number)
  return parts.reduce((total, part) => total * 60 + part, 0)
}

function formatVttTime(seconds: number): string {
  const ms = Math.round(seconds * 1000)
  const pad = (n: number, width = 2) => String(n).padStart(width, '0')
  return `${pad(Math.floor(ms / 3_600_000))}:${pad(Math.floor((ms % 3_600_000) / 60_000))}:${pad(
    Math.floor((ms % 60_000) / 1000),
  )}.${pad(ms % 1000, 3)}`
}

/**
 * The storyboard of a looped video: `source`'s cues (one loop of `loopSeconds`) repeated with
 * shifted times until `targetSeconds`, pointing at the same sprite tiles.
 */
export function loopStoryboard(source: string, loopSeconds: number, targetSeconds: number): string {
  const cues: { start: number; end: number; payload: string[] }[] = []
  for (const block of source.split(/\r?\n\r?\n/)) {
    const lines = block.split(/\r?\n/).filter((line) => line.trim() !== '')
    const timing = lines.findIndex((line) => line.includes('-->'))
    if (timing < 0) continue
    const [from, to] = lines[timing]!.split('-->').map((part) => part.trim().split(/\s+/)[0]!)
    const start = parseVttTime(from!)
    // The last cue may run past the video's end; a loop must not overlap the next one.
    if (!Number.isFinite(start) || start >= loopSeconds) continue
    cues.push({
      start,
      end: Math.min(parseVttTime(to!), loopSeconds),
      payload: lines.slice(timing + 1),
    })
  }
  if (cues.length === 0) throw new SeedError('the demo storyboard has no cues')
  if (!(loopSeconds > 0)) throw new SeedError('a storyboard loop needs a positive length')
  const out = ['WEBVTT', '']
  for (let offset = 0; offset < Math.max(targetSeconds, loopSeconds); offset += loopSeconds) {
    for (const cue of cues) {
      const start = offset + cue.start
      if (offset > 0 && start >= targetSeconds) break
      const end = offset > 0 ? Math.min(offset + cue.end, targetSeconds) : offset + cue.end
      out.push(`${formatVttTime(start)} --> ${formatVttTime(end)}`, ...cue.payload, '')
    }
  }
  return out.join('\n')
}

async function readText(s3: S3Client, bucket: string, key: string): Promise<string> {
  const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }))
  if (!object.Body) throw new SeedError(`${key} is empty`)
  return await object.Body.transformToString('utf8')
}

/**
 * supabase/seed.sql describes already-transcoded matches whose HLS files exist nowhere; they get
 * the real renditions of the demo match, copied under their own keys, so they play too. The demo
 * is far shorter than those matches (and transcoding 80 minutes would take longer than the rest
 * of the start), so their playlists and storyboard loop the demo to their recorded length.
 */
async function fillSeededRenditions(
  platform: Platform,
  sql: Sql,
  orgId: string,
  sourceAssetId: string,
  log: Log,
) {
  const bucket = platform.env.S3_BUCKET as string
  const s3 = storageClient(platform.env)
  try {
    const rows = await sql<
      {
        id: string
        storage_prefix: string
        master_playlist_key: string
        duration_seconds: number | null
      }[]
    >`
      select id, storage_prefix, master_playlist_key, duration_seconds::float8 as duration_seconds
        from public.media_assets
       where org_id = ${orgId} and id <> ${sourceAssetId} and status = 'complete'
         and master_playlist_key is not null`
    const source = await sql<{ storage_prefix: string }[]>`
      select storage_prefix from public.media_assets where id = ${sourceAssetId}`
    const sourcePrefix = source[0]?.storage_prefix
    if (!sourcePrefix || rows.length === 0) return
    const keys: string[] = []
    let token: string | undefined
    do {
      const page = await s3.send(
        new ListObjectsV2Command({
          Bucket: bucket,
          Prefix: sourcePrefix,
          ContinuationToken: token,
        }),
      )
      for (const item of page.Contents ?? []) {
        // The original upload is not part of playback; copying it would only cost disk.
        if (item.Key && !item.Key.slice(sourcePrefix.length).startsWith('original/'))
          keys.push(item.Key.slice(sourcePrefix.length))
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined
    } while (token)
    if (!keys.includes(masterPlaylist)) throw new SeedError('the demo match has no master playlist')
    const rungs = new Map<string, string>()
    for (const path of keys.filter((key) => rungPlaylist.test(key)))
      rungs.set(path, await readText(s3, bucket, sourcePrefix + path))
    if (rungs.size === 0) throw new SeedError('the demo match has no rung playlists')
    const storyboard = keys.includes(storyboardVtt)
      ? await readText(s3, bucket, sourcePrefix + storyboardVtt)
      : undefined
    const copied = keys.filter(
      (key) => key !== masterPlaylist && key !== storyboardVtt && !rungPlaylist.test(key),
    )
    const copy = (row: { storage_prefix: string }, path: string) =>
      s3.send(
        new CopyObjectCommand({
          Bucket: bucket,
          Key: row.storage_prefix + path,
          CopySource: `${bucket}/${(sourcePrefix + path).split('/').map(encodeURIComponent).join('/')}`,
        }),
      )
    const put = (key: string, body: string, contentType: string) =>
      s3.send(
        new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentType: contentType }),
      )
    let filled = 0
    for (const row of rows) {
      const present = await s3
        .send(new HeadObjectCommand({ Bucket: bucket, Key: row.master_playlist_key }))
        .then(() => true)
        .catch(() => false)
      if (present) continue
      for (const path of copied) await copy(row, path)
      let loopSeconds = 0
      for (const [path, text] of rungs) {
        const looped = loopMediaPlaylist(text, row.duration_seconds ?? 0)
        loopSeconds ||= looped.loopSeconds
        await put(row.storage_prefix + path, looped.text, 'application/vnd.apple.mpegurl')
      }
      if (storyboard) {
        const target = row.duration_seconds ?? loopSeconds
        await put(
          row.storage_prefix + storyboardVtt,
          loopStoryboard(storyboard, loopSeconds, target),
          'text/vtt',
        )
      }
      // The master last: its presence is what marks an asset as filled on the next run.
      await copy(row, masterPlaylist)
      filled += 1
    }
    if (filled) log(`gave ${filled} seeded asset(s) the demo match's renditions, looped to length`)
  } finally {
    s3.destroy()
  }
}

/** Creates the demo through the real paths; idempotent across interrupted runs. */
/** What the demo seed did, with the pipeline's timings when this start uploaded the match. */
export interface SeedResult {
  orgId: string
  assetId: string
  /** From "upload complete" to the first rung playable, and to the full ladder (B-3, TX-5). */
  timings?: { uploadCompleteToPlayableMs: number; uploadCompleteToCompleteMs: number }
}

export async function seedDemo(
  platform: Platform,
  options: SeedOptions,
): Promise<SeedResult | undefined> {
  const { log, sql } = options
  const started = Date.now()
  try {
    const sessions = new Map<string, Session>()
    for (const user of [...demoUsers, ...extraDemoUsers]) {
      sessions.set(user.role, await demoSession(platform, user))
    }
    const admin = sessions.get('admin') as Session
    const coach = sessions.get('coach') as Session
    const player = sessions.get('player') as Session

    if (!(await tableExists(sql, 'public.profiles'))) {
      throw new SeedError('the schema has no public.profiles yet; users created, the rest skipped')
    }
    const seedFile = join(options.supabaseDir ?? join(repoRoot, 'supabase'), 'seed.sql')
    if (existsSync(seedFile)) {
      // One reserved connection: the file is multi-statement and runs its own transaction.
      const connection = await sql.reserve()
      try {
        await connection.unsafe(readFileSync(seedFile, 'utf8'))
      } finally {
        connection.release()
      }
      log('applied supabase/seed.sql')
    }
    await sql`update public.profiles set platform_role = 'admin' where id = ${admin.user.id}`
    // seed.sql writes narrations as SQL, without embeddings; the admin backfill (NARR-4) gives
    // them vectors the way an operator would, so the demo's search is hybrid from the start.
    // Idempotent: a later start finds nothing left to embed.
    const backfill = await call<{ embedded: number; failed: number }>(
      platform,
      'POST',
      '/functions/v1/admin/narrations/embeddings/backfill',
      admin.access_token,
      {},
    )
    if (backfill.status !== 200) {
      throw new SeedError(
        `embedding backfill answered ${backfill.status}: ${describe(backfill.data)}`,
      )
    }
    if (backfill.data.embedded > 0) log(`embedded ${backfill.data.embedded} seeded narration(s)`)

    // seed.sql's demo club when it made the coach a member; otherwise the coach founds one.
    const memberships = await sql<{ org_id: string }[]>`
      select org_id from public.org_members where user_id = ${coach.user.id} order by created_at limit 1`
    let orgId = memberships[0]?.org_id
    if (!orgId) {
      const created = await call<{ org: { id: string } }>(
        platform,
        'POST',
        '/functions/v1/orgs',
        coach.access_token,
        { name: DEMO_ORG_NAME, type: 'team' },
      )
      if (created.status !== 201) {
        throw new SeedError(`POST orgs answered ${created.status}: ${describe(created.data)}`)
      }
      orgId = created.data.org.id
    }
    // Joining by code is the player's own step in the SPA; the row is what it would create.
    await sql`
      insert into public.org_members (org_id, user_id, role)
      values (${orgId}, ${player.user.id}, 'member') on conflict do nothing`
    const orgs = await sql<
      { name: string }[]
    >`select name from public.organizations where id = ${orgId}`
    log(`demo org "${orgs[0]?.name}" with the coach and the player`)

    const previous = await sql<{ id: string; status: string }[]>`
      select id, status from public.media_assets
       where org_id = ${orgId} and name = ${DEMO_VIDEO_NAME} order by created_at`
    // An upload interrupted by an earlier stop is abandoned the way the SPA cancels one.
    for (const stale of previous.filter((a) => a.status === 'uploading')) {
      await call(platform, 'DELETE', `/functions/v1/media/uploads/${stale.id}`, coach.access_token)
    }
    let assetId = previous.find((a) => a.status !== 'uploading')?.id
    let uploadCompletedAt = 0
    if (!assetId) {
      const dir = mkdtempSync(join(tmpdir(), 'rugbycodex-seed-'))
      try {
        const file = join(dir, 'demo-match.mp4')
        const seconds = options.videoSeconds ?? 60
        log(`generating a ${seconds} s 1080p match with ffmpeg…`)
        await generateMatch(file, seconds, options.signal)
        assetId = await uploadLikeTheBrowser(platform, coach.access_token, orgId, file, log)
        uploadCompletedAt = Date.now()
      } finally {
        rmSync(dir, { recursive: true, force: true })
      }
    }
    let timings: SeedResult['timings']
    if (options.waitForWorker) {
      const done = await waitUntilPlayable(platform, coach.access_token, assetId, log)
      if (uploadCompletedAt) {
        timings = {
          uploadCompleteToPlayableMs: done.playableAt - uploadCompletedAt,
          uploadCompleteToCompleteMs: done.completeAt - uploadCompletedAt,
        }
      }
      await fillSeededRenditions(platform, sql, orgId, assetId, log)
    }

    if (options.persist) {
      writeFileSync(
        join(platform.dataDir, seededFile),
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

/** What an earlier seed recorded, if anything. */
export function readSeedRecord(dataDir: string): { orgId: string; assetId: string } | undefined {
  const path = join(dataDir, seededFile)
  return existsSync(path)
    ? (JSON.parse(readFileSync(path, 'utf8')) as { orgId: string; assetId: string })
    : undefined
}
