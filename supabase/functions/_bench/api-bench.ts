// API bench: requests per second and p50/p95 latency of the user context (`me`), the media
// library page and the signed HLS playlist, with the cache and without it.
//
// Run with `npm run bench -- api` (bench/api.ts boots a platform and gives this the union of the
// functions' import maps, local/src/functions.ts writeTestConfig).
// Options (env): BENCH_REQUESTS (default 300 per case), BENCH_CONCURRENCY (default 8).
//
// The routers run in this process on a loopback port, on the platform's database, storage and
// auth, so the cache can be switched per case (CACHE_DISABLED) without restarting the platform's
// functions host. One extra case measures `me` through the gateway for the full path.
// Prints one JSON object on stdout.
import { PutObjectCommand } from '@aws-sdk/client-s3'
import { assetKeys } from '../../../contracts/keys.ts'
import { setCacheBackend } from '../_shared/cache.ts'
import { MemoryBackend } from '../_shared/cache-backends.ts'
import { closePools } from '../_shared/db.ts'
import { createRouter } from '../_shared/router.ts'
import { bucket, s3 } from '../_shared/storage.ts'
import { uuidv7 } from '../_shared/ids.ts'
import { createOrg, serviceSql, signUp } from '../_shared/testing.ts'
import { meRoutes } from '../me/routes.ts'
import { mediaRoutes } from '../media/routes.ts'

const REQUESTS = Number(Deno.env.get('BENCH_REQUESTS') ?? '300')
const CONCURRENCY = Number(Deno.env.get('BENCH_CONCURRENCY') ?? '8')

export interface Figures {
  requests: number
  rps: number
  p50Ms: number
  p95Ms: number
  errors: number
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!
}

export async function measure(
  url: string,
  headers: Record<string, string>,
  requests = REQUESTS,
): Promise<Figures> {
  // Warm-up: connections, JIT, and (when enabled) the cache entry.
  for (let i = 0; i < 5; i++) await (await fetch(url, { headers })).body?.cancel()
  const latencies: number[] = []
  let errors = 0
  let next = 0
  const started = performance.now()
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < requests) {
        next++
        const t0 = performance.now()
        const res = await fetch(url, { headers })
        await res.arrayBuffer()
        latencies.push(performance.now() - t0)
        if (res.status !== 200) errors++
      }
    }),
  )
  const seconds = (performance.now() - started) / 1000
  latencies.sort((a, b) => a - b)
  const round = (n: number) => Math.round(n * 100) / 100
  return {
    requests: latencies.length,
    rps: round(latencies.length / seconds),
    p50Ms: round(percentile(latencies, 50)),
    p95Ms: round(percentile(latencies, 95)),
    errors,
  }
}

const progress = (msg: string) => console.error(`api-bench: ${msg}`)

async function main() {
  Deno.env.set('LOG_SILENT', 'true')
  // The bench itself must not be throttled.
  Deno.env.set('RATE_LIMIT_USER_PER_MINUTE', '0')
  Deno.env.set('RATE_LIMIT_IP_PER_MINUTE', '0')
  Deno.env.set('RATE_LIMIT_ANON_IP_PER_MINUTE', '0')
  setCacheBackend(undefined)

  progress('arranging a user, an org and 30 assets')
  const coach = await signUp('bench')
  const org = await createOrg(coach, 'Bench Club')
  // A library page worth of assets and one playable match with a published rung.
  const assetIds: string[] = []
  for (let i = 0; i < 30; i++) {
    const id = uuidv7()
    assetIds.push(id)
    const keys = assetKeys(org.id, id)
    await serviceSql(
      (
        sql,
      ) => sql`insert into public.media_assets (id, org_id, uploaded_by, name, kind, status, file_name,
        content_type, size_bytes, storage_prefix, original_key, duration_seconds)
        values (${id}, ${org.id}, ${coach.id}, ${`Match ${i}`}, 'match', 'complete', 'm.mp4', 'video/mp4', 1000,
                ${keys.prefix}, ${keys.original('m.mp4')}, 4800)`,
    )
  }
  const playId = assetIds[0]!
  const prefix = assetKeys(org.id, playId).prefix
  const put = (key: string, body: string) =>
    s3().send(new PutObjectCommand({ Bucket: bucket(), Key: `${prefix}${key}`, Body: body }))
  await put(
    'hls/master.m3u8',
    '#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=900000,RESOLUTION=640x360\n360p/index.m3u8\n',
  )
  const segments = Array.from(
    { length: 800 },
    (_, i) => `#EXTINF:6.0,\nseg_${String(i).padStart(5, '0')}.ts`,
  )
  await put(
    'hls/360p/index.m3u8',
    `#EXTM3U\n#EXT-X-TARGETDURATION:6\n${segments.join('\n')}\n#EXT-X-ENDLIST\n`,
  )
  await serviceSql(
    (
      sql,
    ) => sql`update public.media_assets set playable = true, master_playlist_key = ${`${prefix}hls/master.m3u8`},
      renditions = ${sql.json([{ name: '360p', width: 640, height: 360, bandwidth: 900000, playlist: '360p/index.m3u8' }])}
      where id = ${playId}`,
  )

  const meHandler = createRouter('me', meRoutes)
  const mediaHandler = createRouter('media', mediaRoutes)
  const server = Deno.serve({ hostname: '127.0.0.1', port: 0, onListen: () => {} }, (req) => {
    const path = new URL(req.url).pathname
    return /^\/functions\/v1\/me(\/|$)/.test(path) ? meHandler(req) : mediaHandler(req)
  })
  const base = `http://127.0.0.1:${server.addr.port}/functions/v1`
  const auth = { authorization: `Bearer ${coach.token}` }

  const playback = await (await fetch(`${base}/media/${playId}/playback`, { headers: auth })).json()
  if (!playback.masterPlaylistUrl)
    throw new Error(`playback not ready: ${JSON.stringify(playback)}`)
  // The rung playlist: 800 segment URLs to sign, the expensive one.
  const master = await (
    await fetch(
      playback.masterPlaylistUrl.replace(
        Deno.env.get('SUPABASE_URL')!,
        `http://127.0.0.1:${server.addr.port}`,
      ),
    )
  ).text()
  const rungUrl = master
    .split('\n')
    .find((l) => l.startsWith('http'))!
    .replace(Deno.env.get('SUPABASE_URL')!, `http://127.0.0.1:${server.addr.port}`)

  const cases = {
    me: { url: `${base}/me`, headers: auth },
    mediaList: { url: `${base}/media?orgId=${org.id}&pageSize=50`, headers: auth },
    playlist: { url: rungUrl, headers: {} },
  }
  const results: Record<string, unknown> = {}
  for (const [name, c] of Object.entries(cases)) {
    progress(`${name}: without cache, then with cache`)
    Deno.env.set('CACHE_DISABLED', 'true')
    const uncached = await measure(c.url, c.headers)
    Deno.env.delete('CACHE_DISABLED')
    // Every router of this bench runs in this one process, so its memory is a store they all
    // share: the stand-in for Redis/Upstash (without one, getCached caches per isolate only
    // what is never invalidated; _shared/cache.ts).
    setCacheBackend(new MemoryBackend({ shared: true }))
    const cached = await measure(c.url, c.headers)
    results[name] = {
      cached,
      uncached,
      rpsRatio: Math.round((cached.rps / Math.max(uncached.rps, 0.01)) * 100) / 100,
      p50Ratio: Math.round((uncached.p50Ms / Math.max(cached.p50Ms, 0.01)) * 100) / 100,
    }
  }
  // Full path through the gateway and the platform's own functions host (its cache setting).
  results.meViaGateway = await measure(`${Deno.env.get('SUPABASE_URL')}/functions/v1/me`, auth)

  await server.shutdown()
  await closePools()
  console.log(
    JSON.stringify({
      requestsPerCase: REQUESTS,
      concurrency: CONCURRENCY,
      cacheBackend: Deno.env.get('REDIS_URL')
        ? 'redis'
        : Deno.env.get('UPSTASH_REDIS_REST_URL')
          ? 'upstash'
          : 'memory',
      ...results,
    }),
  )
}

if (import.meta.main) await main()
