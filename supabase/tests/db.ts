// Boots an in-memory PGlite with the extensions Supabase offers, then applies the local bootstrap
// and every migration in filename order. Shared by the pgTAP runner, the concurrency test, the
// socket server and the database bench.
import { readdirSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { PGlite } from '@electric-sql/pglite'
import { pgcrypto } from '@electric-sql/pglite/contrib/pgcrypto'
import { pgtap } from '@electric-sql/pglite-pgtap'
import { vector } from '@electric-sql/pglite-pgvector'

export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..')
export const bootstrapPath = join(repoRoot, 'local', 'sql', 'supabase-bootstrap.sql')
export const migrationsDir = join(repoRoot, 'supabase', 'migrations')
export const testsDir = join(repoRoot, 'supabase', 'tests')

export function migrationFiles(): string[] {
  return readdirSync(migrationsDir)
    .filter((f) => /^\d{14}_[a-z0-9_]+\.sql$/.test(f))
    .sort()
}

export async function createDatabase(options: { migrate?: boolean; dataDir?: string } = {}) {
  const db = await PGlite.create({
    dataDir: options.dataDir,
    extensions: { vector, pgtap, pgcrypto },
  })
  await db.exec(readFileSync(bootstrapPath, 'utf8'))
  if (options.migrate !== false) {
    for (const file of migrationFiles()) {
      try {
        await db.exec(readFileSync(join(migrationsDir, file), 'utf8'))
      } catch (error) {
        throw new Error(`migration ${file} failed: ${(error as Error).message}`, { cause: error })
      }
    }
  }
  return db
}
