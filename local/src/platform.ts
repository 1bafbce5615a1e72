import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import postgres from 'postgres'
import { createAuthEmulator } from './auth/emulator'
import { loadSigningKeys } from './auth/keys'
import { spawnChild, waitForPort, type Child } from './children'
import { startCron } from './cron'
import {
  binDir,
  defaultPorts,
  functionEnv,
  loadSecrets,
  repoRoot,
  resolveEnv,
  type Ports,
} from './config'
import { startDatabase, type Database } from './database'
import { startFunctionsHost, type FunctionsHost } from './functions'
import { startGateway, type Gateway } from './gateway'
import { acquireLock } from './lock'
import { consoleLog, prefixed, type Log } from './log'
import { createMailboxHandler, Mailbox, type Mail } from './mailbox'
import { assertPortFree, freePort } from './ports'
import { startStorage, type Storage } from './storage'

export interface PlatformOptions {
  /** Folder for all state (`<repo>/.data` for `npm start`), or 'memory' for a throwaway platform. */
  dataDir: string
  /** Each port: a number, 0 for a free one, or left out for the default of docs/contracts.md. */
  ports?: Partial<Ports>
  withWorker?: boolean
  withSpa?: boolean
  withFunctions?: boolean
  /**
   * Run private.schedules on its timer (pg_cron's stand-in); default true. The functions test tier
   * turns it off: its tests call the sweepers themselves and assert what that one run did.
   */
  withCron?: boolean
  log?: Log
  /** Values from `.env` / the process environment overriding the defaults (see config.ts). */
  settings?: Record<string, string | undefined>
  /** Sign-up returns a session at once; default true locally. */
  autoconfirm?: boolean
  /** Override where functions live (tests). */
  functionsDir?: string
  /** Override the config.toml whose `verify_jwt` the gateway applies (default: beside functionsDir). */
  functionsConfigPath?: string
  /** Reload functions when their source changes. */
  watchFunctions?: boolean
  /** Extra functions served beside the functions folder, name → folder (test fixtures). */
  extraFunctions?: Record<string, string>
}

export interface PlatformUrls {
  spa: string
  api: string
  auth: string
  functions: string
  mailbox: string
  postgres: string
  s3: string
}

export interface Platform {
  env: Record<string, string>
  urls: PlatformUrls
  ports: Ports
  dataDir: string
  /** True when this start created the database. */
  firstStart: boolean
  /** Milliseconds from the call to startPlatform until every service answered. */
  readyMs: number
  /** Milliseconds from the call until each service was ready (start-up profile for the bench). */
  timings: Record<string, number>
  /** The legacy JWT secret the gateway's `verify_jwt` check accepts (tests mint legacy JWTs). */
  legacyJwtSecret: string
  /** Mail sending from platform code (the auth emulator uses it too). */
  sendMail(mail: Mail): Promise<void>
  mailbox: Mailbox
  stop(): Promise<void>
}

async function resolvePorts(requested: Partial<Ports> = {}): Promise<Ports> {
  const ports = { ...defaultPorts }
  for (const key of Object.keys(defaultPorts) as (keyof Ports)[]) {
    const value = requested[key]
    if (value === undefined) continue
    ports[key] = value === 0 ? await freePort() : value
  }
  return ports
}

export async function startPlatform(options: PlatformOptions): Promise<Platform> {
  const startedAt = Date.now()
  const timings: Record<string, number> = {}
  const timed = <T>(name: string, promise: Promise<T>): Promise<T> =>
    promise.then((value) => {
      timings[name] = Date.now() - startedAt
      return value
    })
  const log = options.log ?? consoleLog
  const inMemory = options.dataDir === 'memory'
  const withFunctions = options.withFunctions ?? true
  const withSpa = (options.withSpa ?? false) && existsSync(join(repoRoot, 'frontend', 'index.html'))
  const withWorker =
    (options.withWorker ?? false) && existsSync(join(repoRoot, 'transcoder', 'src', 'main.ts'))

  const ports = await resolvePorts(options.ports)
  const spaOrigin = `http://127.0.0.1:${ports.spa}`
  const allowedOrigins = [spaOrigin, `http://localhost:${ports.spa}`]

  // Throwaway platforms keep their files in a temp dir removed on stop.
  const scratch = inMemory ? mkdtempSync(join(tmpdir(), 'rugbycodex-platform-')) : undefined
  const stateDir = scratch ?? options.dataDir
  mkdirSync(stateDir, { recursive: true })
  const secrets = loadSecrets(inMemory ? undefined : stateDir)
  const env = resolveEnv(ports, options.settings, secrets)
  // A developer's SUPABASE_JWT_SECRET stands for the project's legacy secret everywhere.
  const legacyJwtSecret = env.SUPABASE_JWT_SECRET ?? secrets.legacyJwtSecret

  const checks: [number, string][] = [
    [ports.gateway, 'gateway'],
    [ports.db, 'postgres'],
    [ports.s3, 'storage'],
  ]
  if (withFunctions) checks.push([ports.functions, 'functions host'])
  if (withSpa) checks.push([ports.spa, 'SPA'])
  await Promise.all(checks.map(([port, what]) => assertPortFree(port, what)))

  const releaseLock = inMemory ? () => {} : acquireLock(stateDir)
  const cleanups: (() => Promise<void> | void)[] = []
  const children: Child[] = []
  let stopped = false

  // A child that dies while the platform runs is said loudly; its output above tells why.
  const reportUnexpectedExit = (child: Child) => {
    void child.exited.then((code) => {
      if (!stopped) log(`${child.name} exited unexpectedly (code ${code}); restart with npm start`)
    })
  }
  const stop = async () => {
    if (stopped) return
    stopped = true
    // Reverse start order: the worker hands its job back before the database goes away.
    for (const cleanup of cleanups.reverse()) {
      try {
        await cleanup()
      } catch (error) {
        log(`stop: ${(error as Error).message}`)
      }
    }
    releaseLock()
    if (scratch) rmSync(scratch, { recursive: true, force: true })
  }

  try {
    const mailbox = new Mailbox(inMemory ? undefined : join(stateDir, 'mailbox.json'))
    const mailLog = prefixed(log, 'mailbox')
    const sendMail = async (mail: Mail) => {
      const stored = mailbox.send(mail)
      mailLog(`to ${stored.to}: ${stored.subject}`)
    }

    // Vite needs nothing from the other services, so it boots alongside them.
    let spaReady: Promise<void> = Promise.resolve()
    if (withSpa) {
      const spa = spawnChild(
        'spa',
        join(binDir, 'vite'),
        ['--port', String(ports.spa), '--strictPort', '--host', '127.0.0.1'],
        {
          cwd: join(repoRoot, 'frontend'),
          env: {
            ...process.env,
            VITE_SUPABASE_URL: env.VITE_SUPABASE_URL,
            VITE_SUPABASE_ANON_KEY: env.VITE_SUPABASE_ANON_KEY,
            ...(env.VITE_SENTRY_DSN ? { VITE_SENTRY_DSN: env.VITE_SENTRY_DSN } : {}),
          },
          log: prefixed(log, 'spa'),
        },
      )
      children.push(spa)
      reportUnexpectedExit(spa)
      cleanups.push(() => spa.stop(5000))
      spaReady = timed('spa', waitForPort(ports.spa, spa, 60_000))
      spaReady.catch(() => {})
    }

    const dbLog = prefixed(log, 'postgres')
    const dbPromise = timed(
      'database',
      startDatabase({
        dataDir: inMemory ? 'memory' : join(stateDir, 'pglite'),
        port: ports.db,
        log: dbLog,
      }),
    )
    const storagePromise = timed(
      'storage',
      startStorage({
        directory: join(stateDir, 's3'),
        port: ports.s3,
        bucket: env.S3_BUCKET as string,
        allowedOrigins,
        region: env.S3_REGION,
        accessKeyId: env.S3_ACCESS_KEY_ID,
        secretAccessKey: env.S3_SECRET_ACCESS_KEY,
      }),
    )
    const keysPromise = loadSigningKeys(
      inMemory ? undefined : join(stateDir, 'auth-keys.json'),
      env.SUPABASE_JWT_ISSUER as string,
    )
    // Functions get the auth emulator's public JWKS inline (SUPABASE_JWKS), so they start once
    // the keys are loaded (milliseconds), and only the env hosted Supabase would give them.
    const functionsPromise = withFunctions
      ? timed(
          'functions',
          keysPromise.then((keys) =>
            startFunctionsHost({
              port: ports.functions,
              env: functionEnv(env, options.settings ?? {}, keys.jwks),
              log: prefixed(log, 'functions'),
              functionsDir: options.functionsDir,
              extraFunctions: options.extraFunctions,
              watch: options.watchFunctions ?? false,
            }),
          ),
        )
      : Promise.resolve(undefined)

    // Register each service's cleanup as soon as it exists, even if a sibling failed.
    const settled = await Promise.allSettled([
      dbPromise,
      storagePromise,
      functionsPromise,
      keysPromise,
    ])
    const [dbResult, storageResult, functionsResult, keysResult] = settled
    if (dbResult.status === 'fulfilled') cleanups.push(() => (dbResult.value as Database).stop())
    if (storageResult.status === 'fulfilled')
      cleanups.push(() => (storageResult.value as Storage).stop())
    if (functionsResult.status === 'fulfilled' && functionsResult.value) {
      const host = functionsResult.value as FunctionsHost
      cleanups.push(() => host.stop())
    }
    for (const result of settled) if (result.status === 'rejected') throw result.reason
    if (functionsResult.status === 'fulfilled' && functionsResult.value) {
      reportUnexpectedExit(functionsResult.value.child)
      // Functions boot in the background once the host listens; the bench reads this figure.
      void functionsResult.value.booted.then(
        () => (timings.functionsBooted = Date.now() - startedAt),
      )
    }
    const db = (dbResult as PromiseFulfilledResult<Database>).value
    const functionsHost = (functionsResult as PromiseFulfilledResult<FunctionsHost | undefined>)
      .value
    const keys = (keysResult as PromiseFulfilledResult<Awaited<typeof keysPromise>>).value

    // prepare: false — pglite-socket multiplexes every client onto one backend, where named
    // prepared statements of different connections would collide (same reason as the pooler).
    const sql = postgres(env.SUPABASE_DB_URL as string, {
      max: 4,
      prepare: false,
      onnotice: () => {},
    })
    cleanups.push(() => sql.end({ timeout: 2 }))

    const auth = createAuthEmulator({
      sql,
      keys,
      publicUrl: env.SUPABASE_URL as string,
      siteUrl: spaOrigin,
      autoconfirm: options.autoconfirm ?? true,
      sendMail,
      log: prefixed(log, 'auth'),
    })
    const urls: PlatformUrls = {
      spa: spaOrigin,
      api: env.SUPABASE_URL as string,
      auth: `${env.SUPABASE_URL}/auth/v1`,
      functions: `${env.SUPABASE_URL}/functions/v1`,
      mailbox: `${env.SUPABASE_URL}/mailbox`,
      postgres: `postgres://postgres@127.0.0.1:${ports.db}/postgres`,
      s3: env.S3_ENDPOINT as string,
    }
    const gateway: Gateway = await startGateway({
      port: ports.gateway,
      auth,
      mailbox: createMailboxHandler(mailbox, env.SUPABASE_SERVICE_ROLE_KEY as string),
      functionsUrl: functionsHost?.url,
      functionsDir: options.functionsDir,
      functionsConfigPath: options.functionsConfigPath,
      legacyJwtSecret,
      allowedOrigins,
      services: { ...urls },
      log: prefixed(log, 'gateway'),
    })
    cleanups.push(() => gateway.stop())
    if (functionsHost && (options.withCron ?? true)) {
      // pg_cron + pg_net stand-in: runs private.schedules, the list production registers.
      const stopCron = startCron({
        sql,
        apiUrl: env.SUPABASE_URL as string,
        secretKey: env.SUPABASE_SERVICE_ROLE_KEY as string,
        log: prefixed(log, 'cron'),
      })
      cleanups.push(stopCron)
    }

    await spaReady

    if (withWorker) {
      const worker = spawnChild('worker', join(binDir, 'tsx'), ['src/main.ts'], {
        cwd: join(repoRoot, 'transcoder'),
        env: { ...process.env, ...env },
        log: prefixed(log, 'worker'),
      })
      children.push(worker)
      reportUnexpectedExit(worker)
      cleanups.push(() => worker.stop(10_000))
    }

    return {
      env,
      urls,
      ports,
      dataDir: stateDir,
      firstStart: db.created,
      readyMs: Date.now() - startedAt,
      timings,
      legacyJwtSecret,
      sendMail,
      mailbox,
      stop,
    }
  } catch (error) {
    await stop()
    throw error
  }
}
