import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import postgres from 'postgres'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startDatabase, type Database } from './database'
import { silentLog } from './log'
import { freePort } from './ports'

let project: string
let db: Database

beforeAll(async () => {
  // A tiny project of its own keeps the test independent of the real migrations.
  project = mkdtempSync(join(tmpdir(), 'rc-db-'))
  mkdirSync(join(project, 'supabase', 'migrations'), { recursive: true })
  writeFileSync(
    join(project, 'supabase', 'migrations', '20250101000000_things.sql'),
    `create table public.things (id int primary key, label text not null);
     create schema if not exists private;
     create table private.partition_calls (at timestamptz default now());
     create function private.ensure_media_partitions() returns void language sql
       as 'insert into private.partition_calls default values';`,
  )
  db = await startDatabase({
    dataDir: 'memory',
    port: await freePort(),
    log: silentLog,
    supabaseDir: join(project, 'supabase'),
  })
})

afterAll(async () => {
  await db?.stop()
  rmSync(project, { recursive: true, force: true })
})

describe('embedded database', () => {
  it('applies migrations with the Supabase CLI, then the partition maintenance', async () => {
    const sql = postgres(db.url, { max: 1, prepare: false, onnotice: () => {} })
    try {
      const versions = await sql`select version from supabase_migrations.schema_migrations`
      expect(versions.map((r) => r.version)).toEqual(['20250101000000'])
      const calls = await sql`select count(*)::int as n from private.partition_calls`
      expect(calls[0]?.n).toBe(1)
      const roles =
        await sql`select rolname from pg_roles where rolname in ('anon', 'authenticated', 'service_role')`
      expect(roles).toHaveLength(3)
    } finally {
      await sql.end()
    }
  })

  it('keeps concurrent clients from binding each other’s unnamed statements', async () => {
    // Separate pools, as the gateway, the functions and the worker are separate processes.
    const [a, b, c] = [0, 1, 2].map(() =>
      postgres(db.url, { max: 2, prepare: false, onnotice: () => {} }),
    ) as [postgres.Sql, postgres.Sql, postgres.Sql]
    const clients = [a, b, c]
    try {
      const work = clients.flatMap((sql, c) =>
        Array.from({ length: 40 }, async (_, i) => {
          // Text parameters with casts make postgres.js describe first, then bind: two round trips.
          const rows =
            await sql`select ${String(c)}::int * 1000 + ${String(i)}::int as v, ${'x'}::text as t`
          return rows[0]?.v === c * 1000 + i
        }),
      )
      const results = await Promise.all(work)
      expect(results.every(Boolean)).toBe(true)

      // A transaction still owns the session until it ends.
      await Promise.all([
        a.begin(async (tx) => {
          await tx`insert into public.things values (${'2'}::int, ${'in tx'})`
          await tx`select pg_sleep(0.05)`
          await tx`update public.things set label = ${'committed'} where id = ${'2'}::int`
        }),
        b`select count(*) from public.things where id = ${'3'}::int`,
      ])
      const row = await c`select label from public.things where id = 2`
      expect(row?.[0]?.label).toBe('committed')
    } finally {
      await Promise.all(clients.map((sql) => sql.end()))
    }
  })

  it('persists across a restart and applies only the migrations added in between', async () => {
    const dataDir = join(project, 'cluster')
    const port = await freePort()
    const supabaseDir = join(project, 'supabase')
    const lines: string[] = []
    // Each start logs into `lines`, so a test can read what that start said.
    const start = () => startDatabase({ dataDir, port, log: (l) => lines.push(l), supabaseDir })
    const first = await start()
    expect(first.created).toBe(true)
    await first.pg.exec(`insert into public.things values (10, 'kept')`)
    await first.stop()

    writeFileSync(
      join(supabaseDir, 'migrations', '20250102000000_more.sql'),
      'alter table public.things add column note text',
    )
    lines.length = 0
    const second = await start()
    try {
      expect(second.created).toBe(false)
      expect(lines.some((l) => l.includes('applied 1 migration(s)'))).toBe(true)
      const rows = await second.pg.query<{ label: string }>(
        'select label from public.things order by id',
      )
      expect(rows.rows.map((r) => r.label)).toEqual(['kept'])
    } finally {
      await second.stop()
    }

    lines.length = 0
    const third = await start()
    await third.stop()
    expect(lines).toContain('migrations up to date')
  })
})
