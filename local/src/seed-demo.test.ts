import postgres from 'postgres'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { silentLog } from './log'
import { startPlatform, type Platform } from './platform'
import { seedDemo, startDemoPlatform } from './seed-demo'
import { DEMO_PASSWORD, demoUsers, extraDemoUsers } from './seed/users'
import { everyPortFree } from './config'

let platform: Platform
let sql: postgres.Sql

beforeAll(async () => {
  platform = await startPlatform({
    dataDir: 'memory',
    ports: everyPortFree,
    withFunctions: true,
    log: silentLog,
  })
  sql = postgres(platform.env.SUPABASE_DB_URL as string, {
    max: 2,
    prepare: false,
    onnotice: () => {},
  })
})

afterAll(async () => {
  await sql?.end()
  await platform?.stop()
})

async function signIn(email: string) {
  const response = await fetch(`${platform.urls.auth}/token?grant_type=password`, {
    method: 'POST',
    headers: {
      apikey: platform.env.SUPABASE_ANON_KEY as string,
      'content-type': 'application/json',
    },
    body: JSON.stringify({ email, password: DEMO_PASSWORD }),
  })
  return response.status
}

describe('demo seed', () => {
  it('creates the demo through the real paths and can run again after an interruption', async () => {
    const options = { log: silentLog, sql, waitForWorker: false, persist: false, videoSeconds: 2 }
    await seedDemo(platform, options)
    // A second run (a start interrupted before seeded.json) must not duplicate anything.
    await seedDemo(platform, options)

    for (const user of [...demoUsers, ...extraDemoUsers]) expect(await signIn(user.email)).toBe(200)

    const [admin] = await sql`
      select p.platform_role::text as role from public.profiles p join auth.users u on u.id = p.id
       where u.email = 'admin@rugbycodex.local'`
    expect(admin?.role).toBe('admin')

    const memberships = await sql`
      select u.email, m.org_id from public.org_members m join auth.users u on u.id = m.user_id
       where u.email in ('coach@rugbycodex.local', 'player@rugbycodex.local')`
    const orgIds = new Set(memberships.map((m) => m.org_id as string))
    expect(memberships.length).toBeGreaterThanOrEqual(2)
    expect(orgIds.size).toBe(1)

    // Uploaded like the browser: completed multipart upload, one transcode job queued.
    const assets = await sql`
      select a.id, a.status::text as status, a.size_bytes,
             (select count(*)::int from public.jobs j where j.media_asset_id = a.id) as jobs
        from public.media_assets a where a.name = 'Demo match'`
    expect(assets).toHaveLength(1)
    expect(assets[0]?.status).not.toBe('uploading')
    expect(Number(assets[0]?.size_bytes)).toBeGreaterThan(0)
    expect(assets[0]?.jobs).toBe(1)

    // seed.sql's narrations were embedded by the admin backfill, so the demo search is hybrid.
    const [narrations] = await sql`
      select count(*)::int as total, count(embedding)::int as embedded
        from public.narrations where org_id = ${[...orgIds][0]!}`
    expect(narrations?.total).toBeGreaterThan(0)
    expect(narrations?.embedded).toBe(narrations?.total)
  })
})

describe("npm start's platform (startDemoPlatform)", () => {
  it('seeds in the background only when asked, and a stop interrupts the seed quietly', async () => {
    const options = {
      dataDir: 'memory',
      ports: everyPortFree,
      withFunctions: false,
      log: silentLog,
    }
    const plain = await startDemoPlatform({ ...options, seedDemo: false })
    expect(plain.seeding).toBeUndefined()
    await plain.stop()

    const demo = await startDemoPlatform({ ...options, seedDemo: true })
    expect(demo.seeding).toBeInstanceOf(Promise)
    // Stopped long before a 60 s match could be generated: the seed ends without an error.
    await demo.stop()
    await expect(demo.seeding).resolves.toBeUndefined()
  })
})
