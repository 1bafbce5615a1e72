import { randomBytes } from 'node:crypto'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

/** Absolute path of the repository root (the folder holding the root package.json). */
export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..')
export const localRoot = join(repoRoot, 'local')
export const defaultDataDir = join(repoRoot, '.data')
export const binDir = join(repoRoot, 'node_modules', '.bin')

export const LOCAL_ANON_KEY = 'sb_publishable_rugbycodex_local'

/** Secrets are never fixed strings, even locally: they are generated once per data dir. */
export interface LocalSecrets {
  serviceRoleKey: string
  playbackTokenSecret: string
  /**
   * The project's legacy JWT secret (HS256). Only the gateway's `verify_jwt` check uses it, as on
   * hosted Supabase; the auth emulator signs user tokens with its ES256 keys.
   */
  legacyJwtSecret: string
}

export function generateSecrets(): LocalSecrets {
  return {
    serviceRoleKey: `sb_secret_${randomBytes(24).toString('base64url')}`,
    playbackTokenSecret: randomBytes(32).toString('base64url'),
    legacyJwtSecret: randomBytes(32).toString('base64url'),
  }
}

/** Reads `<dataDir>/secrets.json`, creating it on first start; undefined dir = throwaway secrets. */
export function loadSecrets(dataDir: string | undefined): LocalSecrets {
  if (!dataDir) return generateSecrets()
  const path = join(dataDir, 'secrets.json')
  const stored = existsSync(path)
    ? (JSON.parse(readFileSync(path, 'utf8')) as Partial<LocalSecrets>)
    : {}
  // A data dir from before a secret existed gets that one secret added; the others stay.
  const secrets = { ...generateSecrets(), ...stored }
  if (Object.keys(secrets).some((key) => !(key in stored))) {
    writeFileSync(path, JSON.stringify(secrets, null, 2), { mode: 0o600 })
  }
  return secrets
}

export interface Ports {
  gateway: number
  db: number
  s3: number
  functions: number
  spa: number
  workerHealth: number
}

export const defaultPorts: Ports = {
  gateway: 54321,
  db: 54322,
  s3: 54325,
  functions: 54327,
  spa: 5173,
  workerHealth: 54328,
}

/** Every port picked free by the OS: tests and benches never meet a running `npm start`. */
export const everyPortFree: Ports = {
  gateway: 0,
  db: 0,
  s3: 0,
  functions: 0,
  spa: 0,
  workerHealth: 0,
}

const portEnvNames: Record<keyof Ports, string> = {
  gateway: 'GATEWAY_PORT',
  db: 'DB_PORT',
  s3: 'S3_PORT',
  functions: 'FUNCTIONS_PORT',
  spa: 'SPA_PORT',
  workerHealth: 'WORKER_HEALTH_PORT',
}

/**
 * Parses a dotenv file: `KEY=value`, optional `export`, quotes, `#` comments. No interpolation,
 * so a value means exactly what it says.
 */
export function parseDotenv(text: string): Record<string, string> {
  const out: Record<string, string> = {}
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim()
    if (!line || line.startsWith('#')) continue
    const match = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$/.exec(line)
    if (!match) continue
    const key = match[1] as string
    let value = (match[2] as string).trim()
    const quote = value[0]
    if ((quote === '"' || quote === "'") && value.endsWith(quote) && value.length >= 2) {
      value = value.slice(1, -1)
      if (quote === '"') value = value.replace(/\\n/g, '\n').replace(/\\"/g, '"')
    } else {
      value = value.replace(/\s+#.*$/, '')
    }
    out[key] = value
  }
  return out
}

export function readDotenv(path = join(repoRoot, '.env')): Record<string, string> {
  if (!existsSync(path)) return {}
  return parseDotenv(readFileSync(path, 'utf8'))
}

/**
 * The settings `npm start` runs with: repo-root `.env` overrides the defaults, and the process
 * environment overrides `.env` (so `GATEWAY_PORT=6000 npm start` works as expected).
 */
export function userSettings(
  processEnv: NodeJS.ProcessEnv = process.env,
  dotenv = readDotenv(),
): Record<string, string> {
  const settings: Record<string, string> = { ...dotenv }
  for (const key of [...Object.keys(dotenv), ...knownSettings()]) {
    const fromProcess = processEnv[key]
    if (fromProcess !== undefined) settings[key] = fromProcess
  }
  return settings
}

export function portsFromSettings(settings: Record<string, string | undefined>): Ports {
  const ports = { ...defaultPorts }
  for (const [key, name] of Object.entries(portEnvNames) as [keyof Ports, string][]) {
    const value = settings[name]
    if (value === undefined || value === '') continue
    const port = Number(value)
    if (!Number.isInteger(port) || port < 0 || port > 65535) {
      throw new Error(`${name} must be a port number, got "${value}"`)
    }
    ports[key] = port
  }
  return ports
}

/**
 * The project's function secrets: what `deploy/supabase/deploy.sh` sets with `supabase secrets
 * set` (required and optional), the provider keys, and the tuning knobs the functions read
 * (supabase/functions/README.md). Names starting `SUPABASE_` are not here: the CLI refuses to set
 * them ("Env name cannot start with SUPABASE_, skipping"), so a hosted function never has one
 * that the platform did not inject itself.
 */
export const PROJECT_SECRET_NAMES = [
  'PLAYBACK_TOKEN_SECRET',
  'S3_ENDPOINT',
  'S3_REGION',
  'S3_BUCKET',
  'S3_ACCESS_KEY_ID',
  'S3_SECRET_ACCESS_KEY',
  'S3_FORCE_PATH_STYLE',
  'SQS_QUEUE_URL',
  'AWS_REGION',
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'DATABASE_READ_URL',
  'REDIS_URL',
  'UPSTASH_REDIS_REST_URL',
  'UPSTASH_REDIS_REST_TOKEN',
  'AXIOM_TOKEN',
  'AXIOM_DATASET',
  // Auth overrides a project may set (_shared/env.ts): a legacy HS256 secret, another issuer.
  'JWT_SECRET',
  'SB_JWT_ISSUER',
  'OPENAI_API_KEY',
  'EMBEDDING_DIMENSIONS',
  'ELEVENLABS_API_KEY',
  'ELEVENLABS_VOICE_ID',
  'MAILGUN_API_KEY',
  'MAILGUN_DOMAIN',
  'MAIL_FROM',
  'DB_STATEMENT_TIMEOUT_MS',
  'DB_READ_YOUR_WRITES_MS',
  'DB_POOL_MAX',
  'CACHE_DISABLED',
  'CACHE_TIMEOUT_MS',
  'RATE_LIMIT_USER_PER_MINUTE',
  'RATE_LIMIT_IP_PER_MINUTE',
  'RATE_LIMIT_ANON_IP_PER_MINUTE',
  'LOG_SILENT',
] as const

/** What the platform itself injects into every function on hosted Supabase (besides secrets). */
export const INJECTED_NAMES = [
  'SUPABASE_URL',
  'SUPABASE_DB_URL',
  'SUPABASE_PUBLISHABLE_KEYS',
  'SUPABASE_SECRET_KEYS',
  'SUPABASE_JWKS',
  'SUPABASE_ANON_KEY',
  'SUPABASE_SERVICE_ROLE_KEY',
  'SB_REGION',
  // Set per isolate by the functions host (local/deno/functions-host.ts):
  'SB_EXECUTION_ID',
  'DENO_DEPLOYMENT_ID',
] as const

/**
 * The env of every function's isolate, as hosted Supabase builds it (docs: Edge Functions,
 * "Default secrets"): SUPABASE_URL, SUPABASE_DB_URL, the current API keys as JSON dictionaries
 * (SUPABASE_PUBLISHABLE_KEYS, SUPABASE_SECRET_KEYS), the inline SUPABASE_JWKS, the legacy
 * SUPABASE_ANON_KEY and SUPABASE_SERVICE_ROLE_KEY, SB_REGION; then the project's secrets. Nothing
 * else: not the developer's shell, not platform-only settings such as SUPABASE_JWT_SECRET or
 * SUPABASE_JWT_ISSUER (the functions derive the issuer from SUPABASE_URL, as they must hosted).
 */
export function functionEnv(
  env: Record<string, string>,
  settings: Record<string, string | undefined>,
  jwks: { keys: unknown[] },
): Record<string, string> {
  const out: Record<string, string> = {
    SUPABASE_URL: env.SUPABASE_URL as string,
    SUPABASE_DB_URL: env.SUPABASE_DB_URL as string,
    SUPABASE_PUBLISHABLE_KEYS: JSON.stringify({ default: env.SUPABASE_ANON_KEY }),
    SUPABASE_SECRET_KEYS: JSON.stringify({ default: env.SUPABASE_SERVICE_ROLE_KEY }),
    SUPABASE_JWKS: JSON.stringify(jwks),
    SUPABASE_ANON_KEY: env.SUPABASE_ANON_KEY as string,
    SUPABASE_SERVICE_ROLE_KEY: env.SUPABASE_SERVICE_ROLE_KEY as string,
    SB_REGION: 'local',
  }
  for (const name of PROJECT_SECRET_NAMES) {
    const value = env[name] ?? settings[name]
    if (value !== undefined && value !== '') out[name] = value
  }
  // A local issuer override reaches the functions the only way it could hosted: as a secret.
  const issuer = env.SUPABASE_JWT_ISSUER
  if (issuer && issuer !== `${env.SUPABASE_URL}/auth/v1` && !out.SB_JWT_ISSUER) {
    out.SB_JWT_ISSUER = issuer
  }
  return out
}

/** Optional settings that stay unset locally unless the developer provides them. */
const passThrough = [
  'DATABASE_READ_URL',
  'SUPABASE_JWT_SECRET',
  'SQS_QUEUE_URL',
  'REDIS_URL',
  'UPSTASH_REDIS_REST_URL',
  'UPSTASH_REDIS_REST_TOKEN',
  'AXIOM_TOKEN',
  'AXIOM_DATASET',
  'VITE_SENTRY_DSN',
]

/**
 * Names `npm start` reads from the process environment even when `.env` does not mention them:
 * every variable resolveEnv sets (it picks each from the settings first) and the extra switches.
 */
function knownSettings(): string[] {
  return [
    ...Object.keys(resolveEnv(defaultPorts)),
    ...passThrough,
    ...PROJECT_SECRET_NAMES,
    'SEED_DEMO',
    'AUTH_AUTOCONFIRM',
  ]
}

/** Every variable of docs/contracts.md, resolved for a platform listening on `ports`. */
export function resolveEnv(
  ports: Ports,
  settings: Record<string, string | undefined> = {},
  secrets: LocalSecrets = generateSecrets(),
): Record<string, string> {
  const pick = (name: string, fallback: string): string => {
    const value = settings[name]
    return value === undefined || value === '' ? fallback : value
  }
  const supabaseUrl = pick('SUPABASE_URL', `http://127.0.0.1:${ports.gateway}`)
  const anonKey = pick('SUPABASE_ANON_KEY', LOCAL_ANON_KEY)
  const env: Record<string, string> = {
    GATEWAY_PORT: String(ports.gateway),
    DB_PORT: String(ports.db),
    S3_PORT: String(ports.s3),
    FUNCTIONS_PORT: String(ports.functions),
    SPA_PORT: String(ports.spa),
    WORKER_HEALTH_PORT: String(ports.workerHealth),
    SUPABASE_URL: supabaseUrl,
    SUPABASE_ANON_KEY: anonKey,
    SUPABASE_SERVICE_ROLE_KEY: pick('SUPABASE_SERVICE_ROLE_KEY', secrets.serviceRoleKey),
    SUPABASE_DB_URL: pick(
      'SUPABASE_DB_URL',
      `postgres://postgres@127.0.0.1:${ports.db}/postgres?sslmode=disable`,
    ),
    SUPABASE_JWT_ISSUER: pick('SUPABASE_JWT_ISSUER', `${supabaseUrl}/auth/v1`),
    S3_ENDPOINT: pick('S3_ENDPOINT', `http://127.0.0.1:${ports.s3}`),
    S3_REGION: pick('S3_REGION', 'us-east-1'),
    S3_BUCKET: pick('S3_BUCKET', 'media'),
    S3_ACCESS_KEY_ID: pick('S3_ACCESS_KEY_ID', 'S3RVER'),
    S3_SECRET_ACCESS_KEY: pick('S3_SECRET_ACCESS_KEY', 'S3RVER'),
    S3_FORCE_PATH_STYLE: pick('S3_FORCE_PATH_STYLE', 'true'),
    PLAYBACK_TOKEN_SECRET: pick('PLAYBACK_TOKEN_SECRET', secrets.playbackTokenSecret),
    VITE_SUPABASE_URL: pick('VITE_SUPABASE_URL', supabaseUrl),
    VITE_SUPABASE_ANON_KEY: pick('VITE_SUPABASE_ANON_KEY', anonKey),
    WORKER_ID: pick('WORKER_ID', `local-worker-${process.pid}`),
    WORKER_CONCURRENCY: pick('WORKER_CONCURRENCY', '1'),
    WORKER_LEASE_SECONDS: pick('WORKER_LEASE_SECONDS', '60'),
    WORKER_STOP_TIMEOUT_SECONDS: pick('WORKER_STOP_TIMEOUT_SECONDS', '100'),
    FFMPEG_ENCODER: pick('FFMPEG_ENCODER', 'auto'),
    X264_PRESET: pick('X264_PRESET', 'veryfast'),
  }
  for (const name of passThrough) {
    const value = settings[name]
    if (value !== undefined && value !== '') env[name] = value
  }
  return env
}
