// getCached (SCALE-3): read-through cache with tenant-scoped keys, versioned namespaces for
// invalidation, single-flight per key, negative caching and fail-open on a slow or dead backend.
//
// Across isolates (each function has its own, and Supabase runs several of one function):
// - With Redis or Upstash configured, every isolate shares one cache, so an invalidation made by
//   one function (orgs dropping a user's `me` entry) is seen by every other (the `me` function).
// - Without one, the backend is this isolate's memory, and an invalidation in one isolate cannot
//   reach the copies in others. So getCached then serves from memory only entries marked
//   `perIsolate` (expired by TTL alone, never invalidated); every other call runs its fetcher,
//   i.e. no caching rather than stale answers. Single flight stays per isolate either way.
import { env, intEnv } from './env.ts'
import { backendFromEnv, type CacheBackend } from './cache-backends.ts'

/** TTLs of the scaling plan, in seconds. */
export const TTL = {
  org: 300,
  profile: 600,
  media: 60,
  streamingUrl: 3600,
  static: 86_400,
} as const

let backend: CacheBackend | undefined
let backendKey: string | undefined

export function cacheBackend(): CacheBackend {
  const key = [env('CACHE_DISABLED'), env('REDIS_URL'), env('UPSTASH_REDIS_REST_URL')].join('|')
  if (!backend || backendKey !== key) {
    backend?.close()
    backend = backendFromEnv()
    backendKey = key
  }
  return backend
}

/** Tests and the bench swap backends explicitly. */
export function setCacheBackend(next: CacheBackend | undefined): void {
  backend?.close()
  backend = next
  backendKey = next
    ? [env('CACHE_DISABLED'), env('REDIS_URL'), env('UPSTASH_REDIS_REST_URL')].join('|')
    : undefined
  inflight.clear()
}

export function counterStore(): CacheBackend {
  return cacheBackend()
}

const timeoutMs = () => intEnv('CACHE_TIMEOUT_MS', 150)

/** Runs a backend call with a deadline; on error or timeout returns `undefined` (fail-open). */
export async function bounded<T>(op: () => Promise<T>): Promise<T | undefined> {
  let timer: ReturnType<typeof setTimeout> | undefined
  try {
    return await Promise.race([
      op(),
      new Promise<undefined>((resolve) => {
        timer = setTimeout(() => resolve(undefined), timeoutMs())
      }),
    ])
  } catch {
    return undefined
  } finally {
    clearTimeout(timer)
  }
}

export const keys = {
  user: (userId: string, ...parts: string[]) => ['u', userId, ...parts].join(':'),
  org: (orgId: string, ...parts: string[]) => ['o', orgId, ...parts].join(':'),
  asset: (orgId: string, assetId: string, ...parts: string[]) =>
    ['o', orgId, 'a', assetId, ...parts].join(':'),
  global: (...parts: string[]) => ['g', ...parts].join(':'),
}

const inflight = new Map<string, Promise<unknown>>()

interface Envelope<T> {
  v?: T
  /** Negative entry: the fetcher found nothing. */
  n?: 1
}

export interface CacheOptions {
  /** A namespace whose version is part of the key, so `invalidateNamespace` drops every key in it. */
  namespace?: string
  /** TTL for "not found" results (fetcher returned undefined); 0 disables negative caching. */
  negativeTtlSeconds?: number
  /**
   * The entry is never invalidated, only expired by its TTL, so a copy per isolate is as correct
   * as a shared one and may be served from an isolate's own memory when no Redis is configured.
   */
  perIsolate?: boolean
}

export interface CacheStats {
  hits: number
  misses: number
  errors: number
}
export const stats: CacheStats = { hits: 0, misses: 0, errors: 0 }

async function namespaceVersion(namespace: string): Promise<string | undefined> {
  const version = await bounded(() => cacheBackend().get(`ns:${namespace}`))
  return version === undefined ? undefined : (version ?? '0')
}

/**
 * Returns the cached value for `key`, or runs `fetcher` once (per process, per key) and stores it.
 * `undefined` from the fetcher is cached as a negative entry and returned as `undefined`.
 */
export async function getCached<T>(
  key: string,
  ttlSeconds: number,
  fetcher: () => Promise<T | undefined>,
  options: CacheOptions = {},
): Promise<T | undefined> {
  if (env('CACHE_DISABLED') === 'true') return await fetcher()
  // An invalidation from another isolate could never reach this isolate's memory.
  if (!cacheBackend().shared && !options.perIsolate) return await fetcher()
  let fullKey = key
  if (options.namespace) {
    const version = await namespaceVersion(options.namespace)
    // Without the version we cannot know whether an entry is stale: skip the cache.
    if (version === undefined) {
      stats.errors++
      return await fetcher()
    }
    fullKey = `${key}@${version}`
  }
  const running = inflight.get(fullKey)
  if (running) return (await running) as T | undefined
  const work = (async () => {
    const raw = await bounded(() => cacheBackend().get(fullKey))
    if (raw === undefined) stats.errors++
    if (typeof raw === 'string') {
      try {
        const parsed = JSON.parse(raw) as Envelope<T>
        stats.hits++
        return parsed.n ? undefined : parsed.v
      } catch {
        // A corrupt entry is a miss.
      }
    }
    stats.misses++
    const value = await fetcher()
    const negativeTtl = options.negativeTtlSeconds ?? Math.min(ttlSeconds, 30)
    if (value !== undefined) {
      await bounded(() => cacheBackend().set(fullKey, JSON.stringify({ v: value }), ttlSeconds))
    } else if (negativeTtl > 0) {
      await bounded(() => cacheBackend().set(fullKey, JSON.stringify({ n: 1 }), negativeTtl))
    }
    return value
  })()
  inflight.set(fullKey, work)
  try {
    return await work
  } finally {
    inflight.delete(fullKey)
  }
}

/** Drops exact keys (writes call this for the entries they change). */
export async function invalidate(...cacheKeys: string[]): Promise<void> {
  if (cacheKeys.length === 0) return
  await bounded(() => cacheBackend().del(cacheKeys))
}

/** Makes every key cached under `namespace` unreachable, in one increment. */
export async function invalidateNamespace(namespace: string): Promise<void> {
  await bounded(() => cacheBackend().incr(`ns:${namespace}`, TTL.static))
}
