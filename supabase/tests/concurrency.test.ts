// Concurrency over the Postgres wire protocol: two postgres.js clients against one PGlite socket
// server. PGlite runs one transaction at a time, so this proves the contract through the same
// multiplexed server the local platform uses; the row locks (conditional update on the counter,
// `for update skip locked`) are what make it hold on a real multi-process Postgres.
// Run by run.ts; returns TAP lines.
import { createServer } from 'node:net'
import postgres from 'postgres'
import { PGLiteSocketServer } from '@electric-sql/pglite-socket'
import { createDatabase } from './db.ts'

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer()
    probe.once('error', reject)
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address()
      probe.close(() => resolve(typeof address === 'object' && address ? address.port : 0))
    })
  })
}

export default async function concurrencyTest(): Promise<string[]> {
  const lines: string[] = []
  let n = 0
  const ok = (pass: boolean, description: string) => {
    n++
    lines.push(`${pass ? 'ok' : 'not ok'} ${n} - ${description}`)
  }

  const db = await createDatabase()
  await db.exec(`
    insert into auth.users (id, email, raw_user_meta_data)
    values ('00000000-0000-4000-8000-00000000c0de', 'conc@test.local', '{"username":"conc_owner"}');
    select private.create_organization('Concurrency RFC', 'team', '00000000-0000-4000-8000-00000000c0de',
      'concurrency', 'private', null, 10000);
  `)
  const port = await freePort()
  const server = new PGLiteSocketServer({ db, port, host: '127.0.0.1', maxConnections: 4 })
  await server.start()
  const url = `postgres://postgres@127.0.0.1:${port}/postgres?sslmode=disable`
  const a = postgres(url, { max: 1, prepare: false, onnotice: () => undefined })
  const b = postgres(url, { max: 1, prepare: false, onnotice: () => undefined })
  try {
    const [{ id: orgId }] = await a`select id from public.organizations where slug = 'concurrency'`

    // Quota: 20 uploads of 1,000 bytes race for a 10,000-byte quota.
    const upload = (sql: postgres.Sql) =>
      sql.begin(async (tx) => {
        const [{ id }] = await tx`select private.uuid_v7() as id`
        await tx`insert into public.media_assets (id, org_id, name, file_name, content_type, size_bytes, storage_prefix, original_key)
          values (${id}, ${orgId}, 'clip', 'c.mp4', 'video/mp4', 1000,
                  ${`orgs/${orgId}/media/${id}/`}, ${`orgs/${orgId}/media/${id}/original/source.mp4`})`
      })
    const results = await Promise.allSettled(
      Array.from({ length: 20 }, (_, i) => upload(i % 2 ? a : b)),
    )
    const accepted = results.filter((r) => r.status === 'fulfilled').length
    const quotaErrors = results.filter(
      (r) => r.status === 'rejected' && (r.reason as { code?: string }).code === '54000',
    ).length
    const [usage] =
      await a`select reserved_bytes::int as reserved from public.org_storage_usage where org_id = ${orgId}`
    ok(accepted === 10, `exactly 10 of 20 concurrent uploads fit the quota (got ${accepted})`)
    ok(quotaErrors === 10, `the other 10 fail with QUOTA_EXCEEDED (54000) (got ${quotaErrors})`)
    ok(usage.reserved === 10000, `reservations never overshoot the quota (got ${usage.reserved})`)

    // Jobs: two workers drain 8 queued jobs; no job may be handed out twice.
    await a`insert into public.jobs (org_id, type, idempotency_key)
            select ${orgId}, 'transcode', 'conc-' || g from generate_series(1, 8) g`
    const claimed: string[] = []
    const worker = async (sql: postgres.Sql, name: string) => {
      for (;;) {
        const rows = await sql`select id from private.claim_next_job(${name}, 60)`
        if (rows.length === 0) return
        claimed.push(rows[0].id as string)
      }
    }
    await Promise.all([worker(a, 'worker-a'), worker(b, 'worker-b'), worker(a, 'worker-c')])
    ok(claimed.length === 8, `every job is claimed (got ${claimed.length})`)
    ok(new Set(claimed).size === claimed.length, 'no job is claimed by two workers')
    const owners =
      await a`select count(distinct lease_owner)::int as n from public.jobs where state = 'running'`
    ok(owners[0].n >= 1, 'claimed jobs carry their worker as lease owner')
  } finally {
    await a.end({ timeout: 5 })
    await b.end({ timeout: 5 })
    await server.stop()
    await db.close()
  }
  lines.unshift(`1..${n}`)
  return lines
}
