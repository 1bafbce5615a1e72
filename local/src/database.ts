import { spawn } from 'node:child_process'
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs'
import { dirname, join } from 'node:path'
import { PGlite } from '@electric-sql/pglite'
import { pgtap } from '@electric-sql/pglite-pgtap'
import { vector } from '@electric-sql/pglite-pgvector'
import { PGLiteSocketServer } from '@electric-sql/pglite-socket'
import { binDir, localRoot, repoRoot } from './config'
import { lineSplitter, type Log } from './log'
import { serializeExtendedProtocol } from './pglite-queue'

export interface DatabaseOptions {
  /** Folder for the PGlite cluster, or 'memory'. */
  dataDir: string
  port: number
  log: Log
  supabaseDir?: string
}

export interface Database {
  pg: PGlite
  url: string
  /** True when this start created the cluster (first start, or memory). */
  created: boolean
  stop(): Promise<void>
}

export const bootstrapSqlPath = join(localRoot, 'sql', 'supabase-bootstrap.sql')

export function databaseUrl(port: number): string {
  return `postgres://postgres@127.0.0.1:${port}/postgres?sslmode=disable`
}

export async function startDatabase(options: DatabaseOptions): Promise<Database> {
  const { log } = options
  const supabaseDir = options.supabaseDir ?? join(repoRoot, 'supabase')
  const inMemory = options.dataDir === 'memory'
  const created = inMemory || !existsSync(join(options.dataDir, 'PG_VERSION'))
  if (!inMemory) mkdirSync(options.dataDir, { recursive: true })

  const phases: string[] = []
  let mark = Date.now()
  const phase = (name: string) => {
    phases.push(`${name} ${Date.now() - mark} ms`)
    mark = Date.now()
  }
  const pg = await openCluster(inMemory ? undefined : options.dataDir, created, log)
  phase('open')
  let server: PGLiteSocketServer | undefined
  try {
    if (existsSync(bootstrapSqlPath)) {
      await pg.exec(readFileSync(bootstrapSqlPath, 'utf8'))
      phase('bootstrap')
    } else {
      log(`warning: ${bootstrapSqlPath} is missing; migrations run without the Supabase bootstrap`)
    }

    server = new PGLiteSocketServer({
      db: pg,
      host: '127.0.0.1',
      port: options.port,
      // The gateway, functions, the worker and the CLI each hold a small pool.
      maxConnections: 100,
    })
    serializeExtendedProtocol(server)
    await server.start()
    const url = databaseUrl(options.port)

    if (await migrationsPending(pg, supabaseDir)) {
      await pushMigrations(url, supabaseDir, log)
      phase('db push')
    } else {
      log('migrations up to date')
      phase('migrations check')
    }
    await maintainPartitions(pg, log)
    phase('partitions')

    log(`ready: ${phases.join(', ')}`)
    const running = server
    return {
      pg,
      url,
      created,
      async stop() {
        await running.stop()
        // Closing flushes the cluster to disk; skipping it loses the last writes.
        await pg.close()
      },
    }
  } catch (error) {
    await server?.stop().catch(() => {})
    await pg.close().catch(() => {})
    throw error
  }
}

const extensions = { vector, pgtap }

/** A pristine initdb'ed cluster, so new clusters (every first start, every test) skip initdb. */
function initdbCachePath(): string {
  // The package's exports map hides package.json from require.resolve; read it from disk.
  const manifest = [localRoot, repoRoot]
    .map((root) => join(root, 'node_modules', '@electric-sql', 'pglite', 'package.json'))
    .find((path) => existsSync(path))
  if (!manifest) throw new Error('cannot find @electric-sql/pglite')
  const { version } = JSON.parse(readFileSync(manifest, 'utf8')) as { version: string }
  return join(
    repoRoot,
    'node_modules',
    '.cache',
    'rugbycodex-local',
    `pglite-${version}-initdb.tar.gz`,
  )
}

async function openCluster(
  dataDir: string | undefined,
  created: boolean,
  log: Log,
): Promise<PGlite> {
  const where = dataDir ? { dataDir } : {}
  if (!created) return PGlite.create({ ...where, extensions })
  let cache: string | undefined
  try {
    cache = initdbCachePath()
  } catch {
    cache = undefined
  }
  if (cache && existsSync(cache)) {
    try {
      return await PGlite.create({
        ...where,
        extensions,
        loadDataDir: new Blob([readFileSync(cache)]),
      })
    } catch (error) {
      log(`ignoring a broken initdb cache (${(error as Error).message})`)
      rmSync(cache, { force: true })
      if (dataDir) rmSync(dataDir, { recursive: true, force: true })
      if (dataDir) mkdirSync(dataDir, { recursive: true })
    }
  }
  const pg = await PGlite.create({ ...where, extensions })
  if (cache) {
    try {
      const dump = Buffer.from(await (await pg.dumpDataDir('gzip')).arrayBuffer())
      mkdirSync(dirname(cache), { recursive: true })
      writeFileSync(`${cache}.tmp`, dump)
      renameSync(`${cache}.tmp`, cache)
    } catch (error) {
      log(`could not cache the initdb cluster: ${(error as Error).message}`)
    }
  }
  return pg
}

function migrationVersions(supabaseDir: string): string[] {
  const dir = join(supabaseDir, 'migrations')
  if (!existsSync(dir)) return []
  return readdirSync(dir)
    .map((file) => /^(\d+)_.*\.sql$/.exec(file)?.[1])
    .filter((version): version is string => !!version)
}

/**
 * The CLI compares versions only, so when every file's version is recorded there is nothing for
 * it to do; skipping it saves seconds on every warm start.
 */
async function migrationsPending(pg: PGlite, supabaseDir: string): Promise<boolean> {
  const versions = migrationVersions(supabaseDir)
  const table = await pg.query<{ found: string | null }>(
    `select to_regclass('supabase_migrations.schema_migrations')::text as found`,
  )
  if (!table.rows[0]?.found) return true
  const applied = await pg.query<{ version: string }>(
    'select version from supabase_migrations.schema_migrations',
  )
  const done = new Set(applied.rows.map((row) => row.version))
  return versions.some((version) => !done.has(version))
}

/** Applies supabase/migrations with the pinned CLI, exactly the command production uses. */
export async function pushMigrations(url: string, supabaseDir: string, log: Log): Promise<void> {
  const migrationsDir = join(supabaseDir, 'migrations')
  const pending = existsSync(migrationsDir)
    ? readdirSync(migrationsDir).filter((f) => f.endsWith('.sql')).length
    : 0
  const cli = join(binDir, 'supabase')
  const args = ['db', 'push', '--db-url', url, '--include-all', '--yes']
  // --workdir is the folder that *contains* supabase/.
  args.push('--workdir', join(supabaseDir, '..'))
  const output: string[] = []
  const code = await new Promise<number>((resolve, reject) => {
    const child = spawn(cli, args, {
      cwd: join(supabaseDir, '..'),
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, SUPABASE_TELEMETRY_DISABLED: '1', DO_NOT_TRACK: '1' },
    })
    const collect = lineSplitter((line) => output.push(line))
    child.stdout.on('data', collect)
    child.stderr.on('data', collect)
    child.on('error', reject)
    child.on('close', (exitCode) => resolve(exitCode ?? 1))
  })
  if (code !== 0) {
    throw new Error(`supabase db push failed (exit ${code}):\n${output.join('\n')}`)
  }
  const applied = output.filter((line) => line.startsWith('Applying migration'))
  log(
    applied.length
      ? `applied ${applied.length} migration(s) with supabase db push`
      : `migrations up to date (${pending} in supabase/migrations)`,
  )
}

/** Media partitions are created ahead of time by a SQL function when the schema has one. */
async function maintainPartitions(pg: PGlite, log: Log): Promise<void> {
  const found = await pg.query<{ callable: boolean }>(
    `select p.pronargs - p.pronargdefaults = 0 as callable
       from pg_proc p join pg_namespace n on n.oid = p.pronamespace
      where n.nspname = 'private' and p.proname = 'ensure_media_partitions'`,
  )
  if (!found.rows.some((row) => row.callable)) return
  await pg.query('select private.ensure_media_partitions()')
  log('media partitions ensured')
}
