import { promises as fs } from 'node:fs'
import path from 'node:path'
import { PGlite } from '@electric-sql/pglite'
import { vector } from '@electric-sql/pglite-pgvector'
import { PGLiteSocketServer } from '@electric-sql/pglite-socket'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { freePort } from '../tests/support/ports'
import { cleanEnv, deploySh, repoRoot, run } from './support'

// SCALE-8: the db-push and schedules halves of deploy.sh against the embedded database (PGlite over
// the wire protocol), bootstrapped the way Supabase's platform objects exist before the first
// migration. The hosted path (secrets, config, functions) is in deploy-hosted.test.ts.
let pg: PGlite
let server: PGLiteSocketServer
let dbUrl: string

async function migrationVersions(): Promise<string[]> {
  const dir = path.join(repoRoot, 'supabase/migrations')
  const files = await fs.readdir(dir).catch(() => [] as string[])
  return files
    .filter((f) => /^\d+_.+\.sql$/.test(f))
    .map((f) => f.split('_')[0]!)
    .sort()
}

beforeAll(async () => {
  pg = await PGlite.create({ extensions: { vector } })
  const bootstrap = path.join(repoRoot, 'local/sql/supabase-bootstrap.sql')
  const sql = await fs.readFile(bootstrap, 'utf8').catch(() => null)
  if (sql) await pg.exec(sql)
  const port = await freePort()
  server = new PGLiteSocketServer({ db: pg, host: '127.0.0.1', port, maxConnections: 10 })
  await server.start()
  dbUrl = `postgres://postgres@127.0.0.1:${port}/postgres?sslmode=disable`
})

afterAll(async () => {
  await server?.stop()
  await pg?.close()
})

describe('deploy.sh db', () => {
  it('dry-run lists the pending migrations and changes nothing', async () => {
    const versions = await migrationVersions()
    const { stdout, stderr } = await run(deploySh, ['db', '--db-url', dbUrl, '--dry-run'], {
      env: cleanEnv,
    })
    const out = stdout + stderr
    for (const v of versions) expect(out).toContain(v)
    const table = await pg.query<{ t: string | null }>(
      `select to_regclass('supabase_migrations.schema_migrations')::text as t`,
    )
    if (table.rows[0]?.t) {
      const { rows } = await pg.query('select version from supabase_migrations.schema_migrations')
      expect(rows).toEqual([])
    }
  })

  it('applies every migration file and records each in supabase_migrations.schema_migrations', async () => {
    const versions = await migrationVersions()
    await run(deploySh, ['db', '--db-url', dbUrl], { env: cleanEnv })
    const { rows } = await pg.query<{ version: string }>(
      'select version from supabase_migrations.schema_migrations order by version',
    )
    expect(rows.map((r) => r.version)).toEqual(versions)
  })

  it('is idempotent: a second push applies nothing', async () => {
    const { stdout, stderr } = await run(deploySh, ['db', '--db-url', dbUrl], { env: cleanEnv })
    expect(stdout + stderr).not.toContain('Applying migration')
    const { rows } = await pg.query<{ n: number }>(
      'select count(*)::int as n from supabase_migrations.schema_migrations',
    )
    expect(rows[0]?.n).toBe((await migrationVersions()).length)
  })
})

describe('deploy.sh schedules (real CLI, embedded database)', () => {
  it('stores the project URL and secret key in Vault with `supabase db query`', async () => {
    // Supabase Vault's interface (PGlite has no Vault): secrets, the decrypted view, create/update.
    await pg.exec(`
      create schema if not exists vault;
      create table if not exists vault.secrets (id uuid primary key default gen_random_uuid(), name text unique, secret text not null);
      create or replace view vault.decrypted_secrets as select id, name, secret as decrypted_secret from vault.secrets;
      create or replace function vault.create_secret(new_secret text, new_name text default null,
        new_description text default '', new_key_id uuid default null)
      returns uuid language sql as $$ insert into vault.secrets (name, secret) values (new_name, new_secret) returning id $$;
      create or replace function vault.update_secret(secret_id uuid, new_secret text default null,
        new_name text default null, new_description text default null, new_key_id uuid default null)
      returns void language sql as $$ update vault.secrets set secret = coalesce(new_secret, secret) where id = secret_id $$;`)
    for (const key of ['sb_secret_first', 'sb_secret_second']) {
      await run(deploySh, ['schedules', '--db-url', dbUrl], {
        env: {
          ...cleanEnv,
          SUPABASE_URL: 'https://abcdefghijklmnopqrst.supabase.co',
          SCHEDULE_SECRET_KEY: key,
        },
      })
    }
    const { rows } = await pg.query<{ name: string; secret: string }>(
      'select name, secret from vault.secrets order by name',
    )
    expect(rows).toEqual([
      { name: 'rugbycodex_project_url', secret: 'https://abcdefghijklmnopqrst.supabase.co' },
      { name: 'rugbycodex_secret_key', secret: 'sb_secret_second' },
    ])
  })
})
