// getCached against every backend: in-memory, a real redis-server through node-redis (REDIS_URL)
// and the production @upstash/redis client through an Upstash-REST adapter in front of the same
// Redis.
import assert from 'node:assert/strict'
import { getCached, invalidate, invalidateNamespace, keys, setCacheBackend } from './cache.ts'
import {
  type CacheBackend,
  MemoryBackend,
  RedisBackend,
  RedisConnection,
  UpstashBackend,
} from './cache-backends.ts'
import { redisAvailable, startRedis, startUpstashAdapter } from './redis-test-server.ts'
import { createRouter } from './router.ts'
import { json } from './http.ts'

Deno.env.set('LOG_SILENT', 'true')

/** The behaviour every backend must have; `tag` keeps keys apart between runs. */
async function exerciseBackend(backend: CacheBackend, tag: string) {
  setCacheBackend(backend)
  let calls = 0
  const fetcher = () => Promise.resolve({ n: ++calls })
  const key = keys.org(`org-${tag}`, 'thing')

  // A miss fetches, a hit does not.
  assert.deepEqual(await getCached(key, 60, fetcher), { n: 1 })
  assert.deepEqual(await getCached(key, 60, fetcher), { n: 1 })
  assert.equal(calls, 1)

  // A write invalidates the exact key.
  await invalidate(key)
  assert.deepEqual(await getCached(key, 60, fetcher), { n: 2 })

  // Namespaced entries all disappear with one version bump.
  const ns = keys.org(`org-${tag}`, 'media')
  const pageA = () => getCached(`${key}:a`, 60, fetcher, { namespace: ns })
  const pageB = () => getCached(`${key}:b`, 60, fetcher, { namespace: ns })
  const a1 = await pageA()
  const b1 = await pageB()
  assert.deepEqual(await pageA(), a1)
  assert.deepEqual(await pageB(), b1)
  await invalidateNamespace(ns)
  assert.notDeepEqual(await pageA(), a1)
  assert.notDeepEqual(await pageB(), b1)

  // Not-found is cached too (negative caching), then expires with its own TTL.
  let lookups = 0
  const missing = () => {
    lookups++
    return Promise.resolve(undefined)
  }
  assert.equal(await getCached(`${key}:missing`, 60, missing), undefined)
  assert.equal(await getCached(`${key}:missing`, 60, missing), undefined)
  assert.equal(lookups, 1)
  assert.equal(await getCached(`${key}:nocache`, 60, missing, { negativeTtlSeconds: 0 }), undefined)
  assert.equal(await getCached(`${key}:nocache`, 60, missing, { negativeTtlSeconds: 0 }), undefined)
  assert.equal(lookups, 3)

  // Single flight: concurrent misses for one key run the fetcher once.
  let slowCalls = 0
  let release: () => void = () => {}
  const gate = new Promise<void>((resolve) => (release = resolve))
  const slow = async () => {
    slowCalls++
    await gate
    return 'value'
  }
  const waiters = Array.from({ length: 10 }, () => getCached(`${key}:stampede`, 60, slow))
  release()
  assert.deepEqual(await Promise.all(waiters), Array(10).fill('value'))
  assert.equal(slowCalls, 1)

  // Tenant scoping: the same logical key under another org is a different entry.
  assert.notEqual(keys.org('org-1', 'thing'), keys.org('org-2', 'thing'))
  assert.deepEqual(await getCached(keys.org(`other-${tag}`, 'thing'), 60, fetcher), { n: calls })
}

Deno.test(
  'in-memory backend: hit, invalidation, namespaces, negative caching, single flight',
  async () => {
    try {
      // One process that is every caller: what the memory semantics are, whoever shares them.
      await exerciseBackend(new MemoryBackend({ shared: true }), `mem${crypto.randomUUID()}`)
    } finally {
      setCacheBackend(undefined)
    }
  },
)

/**
 * Runs `fn` with a generous CACHE_TIMEOUT_MS: on a loaded machine a Redis call may outlast the
 * production deadline, and a timed-out call fails open (a refetch), which these tests would read
 * as a cache miss. A stopped Redis still fails fast (connection refused).
 */
async function withPatientCache(fn: () => Promise<void>) {
  const saved = Deno.env.get('CACHE_TIMEOUT_MS')
  Deno.env.set('CACHE_TIMEOUT_MS', '10000')
  try {
    await fn()
  } finally {
    if (saved === undefined) Deno.env.delete('CACHE_TIMEOUT_MS')
    else Deno.env.set('CACHE_TIMEOUT_MS', saved)
  }
}

/** A test against a real redis-server (skipped where none is installed), with patient deadlines. */
function redisTest(name: string, fn: () => Promise<void>) {
  Deno.test({
    ignore: !redisAvailable(),
    sanitizeResources: false,
    sanitizeOps: false,
    name,
    fn: () => withPatientCache(fn),
  })
}

redisTest(
  'real Redis (node-redis) and Upstash REST: same behaviour; Redis stopped → still 200',
  async () => {
    const redis = await startRedis()
    const adapter = startUpstashAdapter(redis.url, 'test-token')
    const savedUrl = Deno.env.get('REDIS_URL')
    try {
      await exerciseBackend(new RedisBackend(redis.url), `redis${crypto.randomUUID()}`)
      await exerciseBackend(
        new UpstashBackend(adapter.url, 'test-token'),
        `upstash${crypto.randomUUID()}`,
      )

      // Values really live in Redis (not in a process map): read one back with a raw client.
      setCacheBackend(new RedisBackend(redis.url))
      await getCached('g:probe', 60, () => Promise.resolve({ hello: 'redis' }))
      const raw = await new RedisConnection(redis.url).get()
      assert.equal(
        await raw.sendCommand(['GET', 'g:probe']),
        JSON.stringify({ v: { hello: 'redis' } }),
      )
      assert.ok(Number(await raw.sendCommand(['TTL', 'g:probe'])) > 0)
      raw.destroy()

      // Through the env path a router uses: REDIS_URL selects the Redis backend.
      Deno.env.set('REDIS_URL', redis.url)
      setCacheBackend(undefined)
      let fetches = 0
      const handler = createRouter('probe', [
        {
          method: 'GET',
          pattern: '/',
          auth: 'none',
          handler: async () =>
            json(await getCached('g:route', 60, () => Promise.resolve({ fetch: ++fetches }))),
        },
      ])
      const call = () => handler(new Request('http://127.0.0.1/functions/v1/probe'))
      assert.equal((await call()).status, 200)
      const hit = await call()
      assert.deepEqual(await hit.json(), { fetch: 1 })

      // Redis goes away mid-test: requests still succeed, served by the fetcher (fail-open).
      await redis.stop()
      const down = await call()
      assert.equal(down.status, 200)
      assert.deepEqual(await down.json(), { fetch: 2 })
      const stillDown = await call()
      assert.equal(stillDown.status, 200)
    } finally {
      if (savedUrl === undefined) Deno.env.delete('REDIS_URL')
      else Deno.env.set('REDIS_URL', savedUrl)
      setCacheBackend(undefined)
      await adapter.stop()
      await redis.stop()
    }
  },
)

/** A second instance of cache.ts: another isolate, with module state of its own. */
async function otherIsolate(tag: string): Promise<typeof import('./cache.ts')> {
  return await import(`./cache.ts?isolate=${tag}`)
}

Deno.test(
  'per-isolate memory: an entry another isolate could invalidate is never served',
  async () => {
    const savedRedis = Deno.env.get('REDIS_URL')
    Deno.env.delete('REDIS_URL')
    const reader = await otherIsolate(`reader${crypto.randomUUID()}`)
    const writer = await otherIsolate(`writer${crypto.randomUUID()}`)
    try {
      assert.equal(reader.cacheBackend().kind, 'memory')
      assert.equal(reader.cacheBackend().shared, false)
      const key = keys.user(crypto.randomUUID(), 'me')
      let version = 1
      const fetcher = () => Promise.resolve({ version })
      assert.deepEqual(await reader.getCached(key, 600, fetcher), { version: 1 })
      // Another function changes the data and invalidates; its memory is not the reader's.
      version = 2
      await writer.invalidate(key)
      assert.deepEqual(await reader.getCached(key, 600, fetcher), { version: 2 })

      // TTL-only entries are still cached per isolate.
      let fetches = 0
      const once = () => Promise.resolve(++fetches)
      await reader.getCached(keys.global('static'), 60, once, { perIsolate: true })
      await reader.getCached(keys.global('static'), 60, once, { perIsolate: true })
      assert.equal(fetches, 1)
    } finally {
      if (savedRedis !== undefined) Deno.env.set('REDIS_URL', savedRedis)
      reader.setCacheBackend(undefined)
      writer.setCacheBackend(undefined)
    }
  },
)

redisTest('Redis: an invalidation in one isolate is seen by every other', async () => {
  const redis = await startRedis()
  const savedRedis = Deno.env.get('REDIS_URL')
  Deno.env.set('REDIS_URL', redis.url)
  const reader = await otherIsolate(`reader${crypto.randomUUID()}`)
  const writer = await otherIsolate(`writer${crypto.randomUUID()}`)
  try {
    assert.equal(reader.cacheBackend().shared, true)
    const key = keys.user(crypto.randomUUID(), 'me')
    let version = 1
    let fetches = 0
    const fetcher = () => {
      fetches++
      return Promise.resolve({ version })
    }
    assert.deepEqual(await reader.getCached(key, 600, fetcher), { version: 1 })
    assert.deepEqual(await reader.getCached(key, 600, fetcher), { version: 1 })
    assert.equal(fetches, 1)
    version = 2
    await writer.invalidate(key)
    assert.deepEqual(await reader.getCached(key, 600, fetcher), { version: 2 })

    // Namespaces too: one version bump in the writer drops the reader's pages.
    const ns = keys.org(crypto.randomUUID(), 'media')
    assert.deepEqual(await reader.getCached(`${key}:p1`, 60, fetcher, { namespace: ns }), {
      version: 2,
    })
    version = 3
    await writer.invalidateNamespace(ns)
    assert.deepEqual(await reader.getCached(`${key}:p1`, 60, fetcher, { namespace: ns }), {
      version: 3,
    })
  } finally {
    if (savedRedis === undefined) Deno.env.delete('REDIS_URL')
    else Deno.env.set('REDIS_URL', savedRedis)
    reader.setCacheBackend(undefined)
    writer.setCacheBackend(undefined)
    await redis.stop()
  }
})
