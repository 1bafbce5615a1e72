// Cache backends: in-memory (the default when no Redis is configured), Redis through node-redis
// (REDIS_URL) and Upstash REST (UPSTASH_REDIS_REST_URL + _TOKEN, production). All speak strings;
// getCached handles JSON and fail-open.
//
// Every function runs in an isolate of its own, on Supabase and locally (PROD-1), and Supabase
// runs several isolates of one function under load. Redis and Upstash are one store for all of
// them (`shared`). The in-memory backend is a Map in ONE isolate: what one function writes or
// invalidates there, no other function (and no other isolate of the same function) ever sees.
import { createClient } from '@redis/client'
import { Redis as Upstash } from '@upstash/redis'
import { env } from './env.ts'

export interface CacheBackend {
  readonly kind: 'memory' | 'redis' | 'upstash' | 'none'
  /**
   * True when every isolate of every function reads and writes the same store, so an
   * invalidation or a read-your-writes mark made in one is seen by all.
   */
  readonly shared: boolean
  get(key: string): Promise<string | null>
  set(key: string, value: string, ttlSeconds: number): Promise<void>
  del(keys: string[]): Promise<void>
  incr(key: string, ttlSeconds: number): Promise<number>
  /** Increments `incrementKey` (with expiry) and reads `readKey`, in one round trip where possible. */
  incrementAndGet(
    incrementKey: string,
    readKey: string,
    ttlSeconds: number,
  ): Promise<[number, number]>
  close(): void
}

export class MemoryBackend implements CacheBackend {
  readonly kind = 'memory' as const
  readonly shared: boolean
  private readonly entries = new Map<string, { value: string; expiresAt: number }>()
  private readonly maxEntries: number
  /**
   * `shared: true` only where one process really is every caller (a unit test, the in-process
   * bench); the platform's default is per-isolate.
   */
  constructor(options: { maxEntries?: number; shared?: boolean } = {}) {
    this.maxEntries = options.maxEntries ?? 10_000
    this.shared = options.shared ?? false
  }

  private live(key: string) {
    const entry = this.entries.get(key)
    if (!entry) return undefined
    if (entry.expiresAt <= Date.now()) {
      this.entries.delete(key)
      return undefined
    }
    return entry
  }
  get(key: string) {
    return Promise.resolve(this.live(key)?.value ?? null)
  }
  set(key: string, value: string, ttlSeconds: number) {
    if (this.entries.size >= this.maxEntries) {
      // Evict the oldest insertion: Map iteration order is insertion order.
      const oldest = this.entries.keys().next().value
      if (oldest !== undefined) this.entries.delete(oldest)
    }
    this.entries.delete(key)
    this.entries.set(key, { value, expiresAt: Date.now() + ttlSeconds * 1000 })
    return Promise.resolve()
  }
  del(keys: string[]) {
    for (const key of keys) this.entries.delete(key)
    return Promise.resolve()
  }
  incr(key: string, ttlSeconds: number) {
    const current = Number(this.live(key)?.value ?? '0') + 1
    const expiresAt = this.live(key)?.expiresAt ?? Date.now() + ttlSeconds * 1000
    this.entries.set(key, { value: String(current), expiresAt })
    return Promise.resolve(current)
  }
  async incrementAndGet(
    incrementKey: string,
    readKey: string,
    ttlSeconds: number,
  ): Promise<[number, number]> {
    const a = await this.incr(incrementKey, ttlSeconds)
    return [a, Number((await this.get(readKey)) ?? '0')]
  }
  close() {
    this.entries.clear()
  }
}

const redisClient = (url: string) =>
  createClient({
    url,
    disableOfflineQueue: true,
    socket: { connectTimeout: 2000, reconnectStrategy: false },
  })
type RedisClient = ReturnType<typeof redisClient>

/**
 * A connection opened on first use. A failed command fails at once (no offline queue, no
 * background reconnect loop: getCached fails open within CACHE_TIMEOUT_MS anyway), and the next
 * call opens a fresh connection, so a Redis restart heals without restarting the isolate.
 */
export class RedisConnection {
  private client: RedisClient | undefined
  private connecting: Promise<RedisClient> | undefined

  constructor(private readonly url: string) {}

  get(): Promise<RedisClient> {
    if (this.client?.isReady) return Promise.resolve(this.client)
    this.connecting ??= this.open().finally(() => {
      this.connecting = undefined
    })
    return this.connecting
  }

  private async open(): Promise<RedisClient> {
    this.close()
    const client = redisClient(this.url)
    // Failures reach the caller through the rejected command; the event only needs a listener.
    client.on('error', () => {})
    try {
      await client.connect()
    } catch (err) {
      client.destroy()
      throw err
    }
    this.client = client
    return client
  }

  close(): void {
    const client = this.client
    this.client = undefined
    if (client?.isOpen) client.destroy()
  }
}

/** The two counters of a Redis store, both one round trip of INCR, EXPIRE NX and maybe GET. */
abstract class RedisCounters {
  /** INCR `key` (expiring `ttlSeconds` after first use) and GET `readKey` when given. */
  protected abstract counter(
    key: string,
    ttlSeconds: number,
    readKey?: string,
  ): Promise<[number, number]>
  incr(key: string, ttlSeconds: number) {
    return this.counter(key, ttlSeconds).then(([n]) => n)
  }
  incrementAndGet(incrementKey: string, readKey: string, ttlSeconds: number) {
    return this.counter(incrementKey, ttlSeconds, readKey)
  }
}

export class RedisBackend extends RedisCounters implements CacheBackend {
  readonly kind = 'redis' as const
  readonly shared = true
  private readonly redis: RedisConnection
  constructor(url: string) {
    super()
    this.redis = new RedisConnection(url)
  }
  async get(key: string) {
    return (await (await this.redis.get()).get(key)) as string | null
  }
  async set(key: string, value: string, ttlSeconds: number) {
    await (await this.redis.get()).set(key, value, { EX: Math.max(1, Math.ceil(ttlSeconds)) })
  }
  async del(keys: string[]) {
    await (await this.redis.get()).del(keys)
  }
  protected async counter(key: string, ttlSeconds: number, readKey?: string) {
    const multi = (await this.redis.get()).multi().incr(key).expire(key, ttlSeconds, 'NX')
    if (readKey !== undefined) multi.get(readKey)
    const [n, , read] = (await multi.execAsPipeline()) as unknown[]
    return [Number(n), Number(read ?? '0')] as [number, number]
  }
  close() {
    this.redis.close()
  }
}

export class UpstashBackend extends RedisCounters implements CacheBackend {
  readonly kind = 'upstash' as const
  readonly shared = true
  private readonly redis: Upstash
  constructor(url: string, token: string) {
    super()
    // Values are our own JSON strings: keep them as strings instead of letting the client parse.
    this.redis = new Upstash({ url, token, automaticDeserialization: false, retry: false })
  }
  get(key: string) {
    return this.redis.get<string>(key)
  }
  async set(key: string, value: string, ttlSeconds: number) {
    await this.redis.set(key, value, { ex: Math.max(1, Math.ceil(ttlSeconds)) })
  }
  async del(keys: string[]) {
    await this.redis.del(...keys)
  }
  protected async counter(key: string, ttlSeconds: number, readKey?: string) {
    const p = this.redis.pipeline()
    p.incr(key)
    p.expire(key, ttlSeconds, 'NX')
    if (readKey !== undefined) p.get(readKey)
    const [n, , read] = await p.exec<[number, number, string | null]>()
    return [Number(n), Number(read ?? '0')] as [number, number]
  }
  close() {}
}

export class NoBackend implements CacheBackend {
  readonly kind = 'none' as const
  // Stores nothing, so nothing can go stale anywhere.
  readonly shared = true
  get() {
    return Promise.resolve(null)
  }
  set() {
    return Promise.resolve()
  }
  del() {
    return Promise.resolve()
  }
  incr() {
    return Promise.resolve(0)
  }
  incrementAndGet(): Promise<[number, number]> {
    return Promise.resolve([0, 0])
  }
  close() {}
}

export function backendFromEnv(): CacheBackend {
  const upstashUrl = env('UPSTASH_REDIS_REST_URL')
  const upstashToken = env('UPSTASH_REDIS_REST_TOKEN')
  if (upstashUrl && upstashToken) return new UpstashBackend(upstashUrl, upstashToken)
  const redisUrl = env('REDIS_URL')
  if (redisUrl) return new RedisBackend(redisUrl)
  // No shared store: this isolate's own memory (see the top of this file for what that means).
  return new MemoryBackend()
}
